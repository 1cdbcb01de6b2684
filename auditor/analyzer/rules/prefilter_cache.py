"""The built-in packs' prefilter additions, computed once and shipped.

Working out which literals a rule's patterns require (literals.py `prefilter_additions`) walks
the parse tree of every pattern; for the built-in packs that is most of the time it takes to load
them, in every process that audits. The answers depend only on the patterns, the keywords and the
walk itself, so they are shipped in `prefilter.json`, keyed by a digest of all three (the walk by
literals.py's own source). A rule the file does not know (a user's pack, a pack being edited) is
worked out as before; nothing is ever wrong, only slower.

After changing a built-in pack or literals.py, regenerate the file (a test says when it is stale):

    python -c "from auditor.analyzer.rules.prefilter_cache import write; print(write())"
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from auditor.analyzer.rules import literals

CACHE = Path(__file__).resolve().parent / "prefilter.json"


@cache
def _walk_version() -> str:
    try:
        return hashlib.sha256(Path(literals.__file__).read_bytes()).hexdigest()
    except OSError:  # pragma: no cover - an install without sources: every rule is worked out
        return "unknown"


def cache_key(patterns: Sequence[str], keywords: Sequence[str]) -> str:
    """A digest of the walk, a rule's pattern sources and its keywords, in order."""
    digest = hashlib.sha256(_walk_version().encode())
    for part in (*patterns, "\x00", *keywords):
        digest.update(part.encode("utf-8") + b"\x1f")
    return digest.hexdigest()[:32]


@cache
def _entries() -> dict[str, list[list[str]]]:
    try:
        data = json.loads(CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def prefilter_additions(patterns: Sequence[re.Pattern[str]], keywords: Sequence[str]
                        ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """literals.py `prefilter_additions`, from the shipped answers when they hold this rule."""
    hit = _entries().get(cache_key([p.pattern for p in patterns], keywords))
    if hit is not None and len(hit) == 2:
        return tuple(hit[0]), tuple(hit[1])
    return literals.prefilter_additions(patterns, keywords)


def build() -> dict[str, list[list[str]]]:
    """Fresh answers for every rule of the built-in packs (never read from the file)."""
    from auditor.analyzer.rules import builtin_pack_paths, load_pack

    entries: dict[str, list[list[str]]] = {}
    for path in builtin_pack_paths():
        for rule in load_pack(path, builtin=True).rules:
            regexes = [p.regex for p in rule.patterns]
            added, unkeyed = literals.prefilter_additions(regexes, rule.keywords)
            entries[cache_key([r.pattern for r in regexes], rule.keywords)] = [list(added), list(unkeyed)]
    return entries


def write() -> int:
    """Regenerate the shipped file; returns how many rules it holds."""
    entries = build()
    CACHE.write_text(json.dumps({"about": "prefilter additions of the built-in rules: see prefilter_cache.py",
                                 "entries": dict(sorted(entries.items()))}, indent=0, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    _entries.cache_clear()
    return len(entries)

