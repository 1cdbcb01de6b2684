"""The shared vocabulary of rule packs: named regex fragments that any pack regex uses as `{{name}}`.

`packs/_vocab.toml` holds the word lists the built-in packs share (client nouns,
appointment times, diagnoses, medications, relatives, social platforms...), so that a list is
written once and a rule reads as a sentence ("{{my}} {{slot}} {{client}}"). A pack's own
`[vocab]` table adds names or overrides these for that pack only.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from functools import cache
from pathlib import Path

from auditor.errors import RulePackError

#: In packs/ so that it ships with them as package data; the leading underscore keeps it from
#: being loaded as a pack (rules/__init__.py `builtin_pack_paths`).
VOCAB_FILE = Path(__file__).resolve().parent / "packs" / "_vocab.toml"


@cache
def _load() -> tuple[dict[str, str], str]:
    try:
        raw = VOCAB_FILE.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"cannot read the shared vocabulary: {exc}", path=str(VOCAB_FILE)) from None
    table = data.get("vocab", {})
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise RulePackError("[vocab] must map names to regex fragments", path=str(VOCAB_FILE))
    for key, fragment in table.items():  # each fragment must compile once its names are expanded
        source = fragment
        for _ in range(8):
            source = re.sub(r"\{\{([a-z][a-z0-9_]*)\}\}", lambda m: f"(?:{table.get(m.group(1), '')})", source)
        try:
            re.compile(source)
        except re.error as exc:
            raise RulePackError(f"vocab {key!r}: invalid regex fragment: {exc}", path=str(VOCAB_FILE)) from None
    return dict(table), hashlib.sha256(raw).hexdigest()


def shared_vocab() -> dict[str, str]:
    """name → regex fragment, from _vocab.toml (a copy: callers may add to it)."""
    return dict(_load()[0])


def vocab_digest() -> str:
    """sha256 of _vocab.toml: part of the rules version, since every pack's regexes depend on it."""
    return _load()[1]
