"""The library's exceptions. Only `auditor.cli` turns them into messages and exit codes."""

from __future__ import annotations


class FootprintError(Exception):
    """An expected error: one line for the user, and the exit code the CLI uses for it."""

    exit_code = 3

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class UsageError(FootprintError):
    """The command was called in a way that cannot work (exit 2)."""

    exit_code = 2


class InputError(FootprintError):
    """Bad input: an archive, a rules file, a manifest, a roster, a missing database (exit 3)."""

    exit_code = 3


class UnsafeArchive(InputError):
    """An archive member escapes the archive, or inflates past a cap (path traversal, bombs)."""


class MalformedArchive(InputError):
    """A container or a file inside it cannot be read (truncated zip, malformed JSON, bad UTF-8)."""


class UnrecognizedArchive(InputError):
    """No connector recognises the archive."""


class RulePackError(InputError):
    """A rule pack is invalid; the message names the pack and the rule."""


class DatabaseMissing(InputError):
    """A read-only command was pointed at a database that does not exist."""


class NetworkError(FootprintError):
    """The network failed during `footprint fetch` (exit 4)."""

    exit_code = 4
