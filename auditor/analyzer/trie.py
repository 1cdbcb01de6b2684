"""A keyword trie compiled into one regex: the prefilter's single pass.

Python's `re` tries the alternatives of `kw1|kw2|...` one by one at every position, so a few
hundred keywords cost a few hundred attempts per character. Factoring the alternation by shared
prefixes ("client", "clients", "clinic" → `cli(?:ent(?:s)?|nic)`) leaves one attempt per
character that fails on the first letter almost everywhere, which is what Aho-Corasick buys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""


def trie_regex(words: Iterable[str]) -> str:
    """A regex source matching exactly `words` (lower-cased), longest alternatives first; a
    space in a word matches any one whitespace character."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _to_regex(root)


def _escape(ch: str) -> str:
    """A character of a word as the regex matches it: a space stands for any whitespace."""
    return r"\s" if ch == " " else re.escape(ch)


def _to_regex(node: dict) -> str:  # type: ignore[type-arg]
    ends_here = _END in node
    branches = sorted((ch for ch in node if ch != _END), key=lambda c: c)
    parts = [_escape(ch) + _to_regex(node[ch]) for ch in branches]
    if not parts:
        return ""
    if len(parts) == 1 and not ends_here:
        return parts[0]
    if all(len(_escape(ch)) == len(p) for ch, p in zip(branches, parts)) and len(parts) > 1:
        body = "[" + "".join(_escape(ch) for ch in branches) + "]"  # single characters: a class
    else:
        body = "(?:" + "|".join(parts) + ")"
    return body + "?" if ends_here else body
