"""One read-only view over an archive: a zip, a tar(.gz), a folder or a single file.

Archives are untrusted. A `Source` refuses absolute and `..` member paths (and links in tar files)
when it opens, reads members as streams, and enforces the caps of `Limits` while it streams, so a
bomb is stopped after at most one buffer past the cap, never after it has filled the disk. Every
failure of the container (truncated, corrupt, encrypted, an unsupported compression) is a
`MalformedArchive` naming the archive and the member.
"""

from __future__ import annotations

import codecs
import fnmatch
import hashlib
import io
import lzma
import os
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath
from typing import IO, Any

from auditor.errors import MalformedArchive, UnsafeArchive, UsageError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

#: What a broken container raises while it is listed or read: truncated or corrupt data, an
#: encrypted zip member (RuntimeError), an unsupported compression method (NotImplementedError).
_CONTAINER_ERRORS = (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError, zlib.error,
                     lzma.LZMAError, struct.error, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class Limits:
    """Caps on what an archive may inflate to (DESIGN.md, Reliability)."""

    #: A member whose inflated size passes `ratio_floor` bytes at a ratio over `max_ratio` is a bomb.
    ratio_floor: int = 10 * MiB
    max_ratio: float = 100.0
    max_member: int = 8 * GiB
    max_total: int = 32 * GiB
    #: The largest single JSON record a connector will build in memory.
    max_record: int = 64 * MiB
    max_depth: int = 64
    #: A Bluesky CAR repository is decoded whole (DAG-CBOR blocks reference each other).
    max_car: int = 512 * MiB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, changed by `FOOTPRINT_LIMITS` ("max_record=128MiB,max_depth=100")."""
        value = (os.environ if environ is None else environ).get("FOOTPRINT_LIMITS", "").strip()
        if not value:
            return DEFAULT_LIMITS
        known = [f.name for f in fields(cls)]
        changes: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            key, _, raw = part.partition("=")
            key = key.strip()
            if key not in known:
                raise UsageError(f"FOOTPRINT_LIMITS: unknown cap {key!r}; known: {', '.join(known)}")
            try:
                changes[key] = float(raw) if key == "max_ratio" else _parse_size(raw)
            except ValueError:
                raise UsageError(f"FOOTPRINT_LIMITS: {key}={raw.strip()!r} is not a number") from None
            if changes[key] <= 0:
                raise UsageError(f"FOOTPRINT_LIMITS: {key} must be positive")
        return replace(DEFAULT_LIMITS, **changes)


DEFAULT_LIMITS = Limits()

_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]i?B?|B)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": KiB, "M": MiB, "G": GiB}


def _parse_size(raw: str) -> int:
    """"64MiB", "64M", "65536" → bytes (binary units)."""
    m = _SIZE.match(raw)
    if not m:
        raise ValueError(raw)
    unit = (m.group(2) or "").upper()[:1]
    return int(m.group(1)) * _UNITS[unit]


def _safe_name(name: str, container: str) -> str:
    """Normalise a member name to a relative POSIX path, refusing anything that escapes."""
    raw = name.replace("\\", "/")
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw):
        raise UnsafeArchive(f"member {name!r} has an absolute path; refusing the archive", path=container)
    parts = [p for p in PurePosixPath(raw).parts if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(f"member {name!r} points outside the archive ('..'); refusing the archive", path=container)
    return "/".join(parts)


class _CappedReader(io.RawIOBase):
    """Wraps a member stream and raises once it inflates past the caps."""

    def __init__(self, raw: IO[bytes], *, name: str, label: str, compressed: int | None,
                 limits: Limits, budget: list[int], archive_size: int | None = None) -> None:
        self._raw = raw
        self._name = name
        self._label = label
        self._compressed = compressed
        self._limits = limits
        self._budget = budget  # shared running total across the archive: [bytes inflated]
        #: A tar.gz compresses as a whole: its ratio is the archive's inflated total to its size.
        self._archive_size = archive_size
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._raw.read(len(buffer))
        except _CONTAINER_ERRORS as exc:
            raise MalformedArchive(f"cannot read {self._name}: {_why(exc)}; is the archive truncated or "
                                   "corrupt?", path=self._label) from None
        n = len(data)
        buffer[:n] = data
        self._read += n
        self._budget[0] += n
        lim = self._limits
        if self._read > lim.max_member:
            raise UnsafeArchive(f"{self._name} inflates past the member cap of {lim.max_member} bytes", path=self._label)
        if self._budget[0] > lim.max_total:
            raise UnsafeArchive(f"the archive inflates past the total cap of {lim.max_total} bytes", path=self._label)
        if (self._compressed is not None and self._read > lim.ratio_floor
                and self._read > lim.max_ratio * max(self._compressed, 1)):
            raise UnsafeArchive(
                f"{self._name} inflates past {lim.ratio_floor} bytes at a ratio over "
                f"{lim.max_ratio:g}:1 (a zip bomb?); refusing it", path=self._label)
        if (self._archive_size is not None and self._budget[0] > lim.ratio_floor
                and self._budget[0] > lim.max_ratio * max(self._archive_size, 1)):
            raise UnsafeArchive(
                f"the archive inflates past {lim.ratio_floor} bytes at a ratio over {lim.max_ratio:g}:1 "
                f"while reading {self._name} (a tar bomb?); refusing it", path=self._label)
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class Source:
    """A read-only, streaming view of one archive. Use `Source.open(path)`; close it when done."""

    kind: str
    label: str

    def __init__(self, path: Path, kind: str, limits: Limits) -> None:
        self.path = path
        self.kind = kind
        self.label = str(path)
        self.limits = limits
        self._budget = [0]
        self._members: dict[str, object] = {}
        #: The member opened last: names the file when a parser fails without saying which.
        self.last_member: str | None = None
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._tar_size: int | None = None  # a compressed tar's size on disk, for its ratio

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], limits: Limits | None = None) -> Source:
        """Open a zip, tar(.gz), folder or single file, validating every member name.

        `limits` defaults to `Limits.from_env()`: DESIGN.md's caps, or `FOOTPRINT_LIMITS`.
        """
        limits = limits or Limits.from_env()
        p = Path(path)
        label = str(path)
        if not p.exists():
            raise MalformedArchive("no such file or folder", path=label)
        if p.is_dir():
            src = cls(p, "folder", limits)
            src._index_folder()
            return src
        with open(p, "rb") as fh:
            head = fh.read(262)
        if head[:4] in (b"PK\x03\x04", b"PK\x05\x06") or p.suffix.lower() == ".zip":
            src = cls(p, "zip", limits)
            src._index_zip()
            return src
        if head[:2] == b"\x1f\x8b" or head[257:262] == b"ustar" or p.name.lower().endswith(
                (".tar", ".tar.gz", ".tgz")):
            src = cls(p, "tar", limits)
            src._index_tar()
            return src
        src = cls(p, "file", limits)
        src._members = {p.name: p}
        return src

    def _index_folder(self) -> None:
        root = self.path
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            for fn in sorted(filenames):
                full = Path(dirpath) / fn
                if full.is_symlink():
                    continue  # a link in a folder may point anywhere: never followed
                rel = full.relative_to(root).as_posix()
                self._members[rel] = full

    def _index_zip(self) -> None:
        try:
            zf = zipfile.ZipFile(self.path)
            infos = zf.infolist()
        except _CONTAINER_ERRORS as exc:
            raise MalformedArchive(f"not a readable zip file ({_why(exc)}); is it truncated?",
                                   path=self.label) from None
        total = 0
        for info in infos:
            name = _safe_name(info.filename, self.label)
            if info.is_dir() or not name:
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchive(f"member {info.filename!r} is a symbolic link; refusing the archive", path=self.label)
            if info.file_size > self.limits.max_member:
                raise UnsafeArchive(f"member {info.filename!r} declares {info.file_size} bytes, over the member cap", path=self.label)
            # Declared sizes can lie, so the streaming reader checks again; but a member that
            # declares itself a bomb is refused up front, even if no connector would read it.
            if (info.file_size > self.limits.ratio_floor
                    and info.file_size > self.limits.max_ratio * max(info.compress_size, 1)):
                raise UnsafeArchive(
                    f"member {info.filename!r} inflates to {info.file_size} bytes at a ratio over "
                    f"{self.limits.max_ratio:g}:1 (a zip bomb?); refusing the archive", path=self.label)
            total += info.file_size
            self._members[name] = info
        if total > self.limits.max_total:
            raise UnsafeArchive(f"the archive declares {total} bytes inflated, over the total cap", path=self.label)
        self._zip = zf

    def _index_tar(self) -> None:
        # Headers are checked one at a time as they are read: listing a tar.gz inflates it, so a
        # member that declares itself too big, or a bomb, is refused before the stream is inflated
        # past it (a header cannot lie about its size: the next header is found by it).
        with open(self.path, "rb") as fh:
            compressed = fh.read(6)[:2] in (b"\x1f\x8b", b"BZ", b"\xfd7")
        self._tar_size = max(self.path.stat().st_size, 1) if compressed else None
        lim = self.limits
        declared = 0
        try:
            tf = tarfile.open(self.path, "r:*")
        except _CONTAINER_ERRORS as exc:
            raise MalformedArchive(f"not a readable tar archive ({_why(exc)}); is it truncated?",
                                   path=self.label) from None
        self._tar = tf
        try:
            while True:
                try:
                    m = tf.next()
                except _CONTAINER_ERRORS as exc:
                    raise MalformedArchive(f"not a readable tar archive ({_why(exc)}); is it truncated?",
                                           path=self.label) from None
                if m is None:
                    break
                if not self._index_tar_member(m):
                    continue
                declared += m.size  # the total cap is enforced while members stream
                if (self._tar_size is not None and declared > lim.ratio_floor
                        and declared > lim.max_ratio * self._tar_size):
                    raise UnsafeArchive(
                        f"member {m.name!r} brings the archive to {declared} bytes inflated at a ratio "
                        f"over {lim.max_ratio:g}:1 (a tar bomb?); refusing the archive", path=self.label)
        except BaseException:
            self.close()
            raise

    def _index_tar_member(self, m: tarfile.TarInfo) -> bool:
        """Check one tar header; True when it is a file member (now listed)."""
        name = _safe_name(m.name, self.label)
        if m.issym() or m.islnk():
            raise UnsafeArchive(f"member {m.name!r} is a link; refusing the archive", path=self.label)
        if m.isdev() or m.isfifo():
            raise UnsafeArchive(f"member {m.name!r} is a device or pipe; refusing the archive", path=self.label)
        if not m.isfile() or not name:
            return False
        if m.size > self.limits.max_member:
            raise UnsafeArchive(f"member {m.name!r} declares {m.size} bytes, over the member cap", path=self.label)
        self._members[name] = m
        return True

    # -- reading ------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Every file member, as a relative POSIX path, in archive order."""
        return list(self._members)

    def exists(self, name: str) -> bool:
        return name in self._members

    def glob(self, pattern: str) -> list[str]:
        """Members matching a shell pattern (matched against the whole relative path)."""
        return [n for n in self._members if fnmatch.fnmatchcase(n, pattern)]

    def find(self, regex: str) -> list[str]:
        """Members whose relative path matches `regex` (searched, so a top folder is allowed)."""
        rx = re.compile(regex)
        return [n for n in self._members if rx.search(n)]

    def size(self, name: str) -> int:
        m = self._members[name]
        if isinstance(m, zipfile.ZipInfo):
            return m.file_size
        if isinstance(m, tarfile.TarInfo):
            return m.size
        return Path(m).stat().st_size  # type: ignore[arg-type]

    def open_member(self, name: str) -> IO[bytes]:
        """A binary stream over one member, capped by `Limits` as it is read."""
        if name not in self._members:
            raise MalformedArchive(f"no member {name!r}", path=self.label)
        m = self._members[name]
        self.last_member = name
        compressed: int | None = None
        raw: IO[bytes]
        try:
            if isinstance(m, zipfile.ZipInfo):
                assert self._zip is not None
                if m.flag_bits & 0x1:
                    raise MalformedArchive(f"{name} is encrypted (a password-protected zip); unzip it "
                                           "with its password and ingest the folder", path=self.label)
                raw = self._zip.open(m)
                compressed = m.compress_size
            elif isinstance(m, tarfile.TarInfo):
                assert self._tar is not None
                f = self._tar.extractfile(m)
                if f is None:
                    raise MalformedArchive(f"cannot read member {name!r}", path=self.label)
                raw = f
                # A tar.gz compresses as a whole: the ratio is the archive's (`archive_size`).
                compressed = None
            else:
                raw = open(m, "rb")  # type: ignore[call-overload]
        except _CONTAINER_ERRORS as exc:
            # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile lacks.
            raise MalformedArchive(f"cannot open {name}: {_why(exc)}", path=self.label) from None
        capped = _CappedReader(raw, name=name, label=self.label, compressed=compressed,
                               limits=self.limits, budget=self._budget,
                               archive_size=self._tar_size if isinstance(m, tarfile.TarInfo) else None)
        return io.BufferedReader(capped, buffer_size=256 * 1024)

    def open_utf8(self, name: str) -> IO[bytes]:
        """A text member (JSON, CSV) as a stream of UTF-8 bytes, its UTF-8 byte-order mark dropped.

        UTF-16 and UTF-32 (what a spreadsheet's "Unicode text" writes; no platform exports it) are
        refused with a message that says so, with or without a byte-order mark. Invalid UTF-8
        further on is left to the parser, which names the member.
        """
        fh = self.open_member(name)
        assert isinstance(fh, io.BufferedReader)
        encoding = _sniff_encoding(fh.peek(4)[:4])
        if encoding == "utf-8":
            fh.read(3)
            return fh
        if encoding is not None:
            fh.close()
            raise MalformedArchive(_not_utf8(name, encoding), path=self.label)
        return fh

    def read_bytes(self, name: str) -> bytes:
        with self.open_member(name) as fh:
            return fh.read()

    def read_text(self, name: str) -> str:
        """A member decoded as UTF-8 (a BOM is dropped); invalid UTF-8, UTF-16 and UTF-32 are
        input errors."""
        data = self.read_bytes(name)
        encoding = _sniff_encoding(data[:4])
        if encoding not in (None, "utf-8"):
            raise MalformedArchive(_not_utf8(name, encoding), path=self.label)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})", path=self.label) from None

    def digest(self) -> str:
        """A SHA-256 of the archive's bytes (a folder: of its member names, sizes and bytes)."""
        h = hashlib.sha256()
        if self.kind == "folder":
            for name, full in self._members.items():
                h.update(name.encode() + b"\0")
                with open(full, "rb") as fh:  # type: ignore[call-overload]
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        h.update(chunk)
        else:
            with open(self.path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        return h.hexdigest()

    def iter_members(self) -> Iterator[str]:
        yield from self._members

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- text encodings ----------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}


def _sniff_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark announces (UTF-32 first: its LE mark starts like UTF-16's),
    or "utf-16" for ASCII written as UTF-16 without one (a NUL every other byte); else None."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if len(head) >= 4 and (head[1] == head[3] == 0 != head[0] * head[2]
                           or head[0] == head[2] == 0 != head[1] * head[3]):
        return "utf-16"
    return None


def _not_utf8(name: str, encoding: str) -> str:
    return (f"{name} is not valid UTF-8: it is {_ENCODING_NAMES[encoding]} text; footprint reads the "
            "platform's original UTF-8 file (re-export it, or save it as UTF-8)")


def _why(exc: BaseException) -> str:
    """One short line for a container error (zipfile and zlib messages can be long or empty)."""
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

