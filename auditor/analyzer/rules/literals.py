"""Literal factors of a regex: what every match must contain, for the keyword prefilter.

The engine runs a rule's patterns only on texts where the keyword prefilter found one of its
keywords (engine.py). A pattern that can match text containing none of them would be silently
dead there: a recall bug no example may reveal. Two tools, both over the regex's parse tree:

- `covered(pattern, keywords)` answers conservatively whether every possible match must
  contain one of `keywords`;
- `required_literals(pattern)` derives a set of strings such that every match contains one of
  them (RE2's and Hyperscan's prefilter idea). Rule loading adds these to a rule's prefilter
  for any pattern its hand-written keywords do not cover (schema.py `Rule.prefilter`), so the
  prefilter can never hide a match.

The walk:

- a literal run ("text me") is a set of exact strings; adjacent literals, small character
  classes ("[eé]") and small alternations concatenate into longer exact strings, and the run is
  covered when each of its strings contains a keyword;
- a sequence is covered when any part of it is; an alternation when every branch is; a repeat
  when it must occur at least once and its body is covered; lookarounds and anchors match no text.

Whitespace classes (`\\s`, `\\s+`) count as one space, like the keywords written with a space:
social posts rarely double-space, and a keyword cannot express "any whitespace". Used by the test
suite over the built-in packs and by `footprint rules check` (CheckResult.uncovered).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.analyzer.rules.model import RegexSource

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layout
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

#: Exact-string sets larger than this are not expanded (the check stays conservative).
_MAX_EXACT = 256
_WHITESPACE = {C.CATEGORY_SPACE}


_MEMO: dict[int, tuple[Any, set[str] | None]] = {}


def _exact(item: tuple[Any, Any]) -> set[str] | None:
    """The strings one parse item matches exactly, if a small finite set; else None (memoised
    per parse tree: the walks below ask about the same nodes many times)."""
    key = id(item)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    value = _exact_uncached(item)
    _MEMO[key] = (item, value)
    return value


def _class_chars(items: Any, *, strict: bool) -> set[str] | None:
    r"""The characters a small class `[...]` matches (lower case), or None. Whitespace counts
    as " ": anywhere in the class, or with `strict` only as the whole class (`[\s]`), and
    `strict` refuses characters whose lower case is two (the engine searches char by char)."""
    chars: set[str] = set()
    for sub_op, sub_av in items:
        if sub_op is C.LITERAL:
            chars.add(chr(sub_av).lower())
        elif sub_op is C.RANGE and sub_av[1] - sub_av[0] < 32:
            chars.update(chr(c).lower() for c in range(sub_av[0], sub_av[1] + 1))
        elif sub_op is C.CATEGORY and sub_av in _WHITESPACE and (not strict or len(items) == 1):
            chars.add(" ")
        else:
            return None  # NEGATE, other categories, wide ranges
    if strict and any(len(c) != 1 for c in chars):
        return None
    return chars


def _repeated(inner: set[str], lo: int, hi: int) -> set[str] | None:
    """The strings of `inner` repeated lo..hi times, if few enough."""
    out: set[str] = set()
    for n in range(lo, hi + 1):
        got = _product([inner] * n)
        if got is None:
            return None
        out |= got
    return out if len(out) <= _MAX_EXACT else None


def _alternatives(alternatives: Any, seq: Any) -> set[str] | None:
    """The union of `seq` over a branch's alternatives, if every one is exact and few."""
    out: set[str] = set()
    for alt in alternatives:
        e = seq(list(alt))
        if e is None:
            return None
        out |= e
        if len(out) > _MAX_EXACT:
            return None
    return out


def _exact_uncached(item: tuple[Any, Any]) -> set[str] | None:
    op, av = item
    if op is C.LITERAL:
        return {chr(av).lower()}
    if op is C.IN:
        return _class_chars(av, strict=False)
    if op is C.CATEGORY and av in _WHITESPACE:
        return {" "}
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, hi, body = av
        # "\s+" and "\s*"-free runs: treat a whitespace repeat of at least one as one space.
        if lo >= 1 and len(body) == 1 and _exact(body[0]) == {" "}:
            return {" "}
        if hi is not C.MAXREPEAT and hi <= 4 and lo >= 1:
            inner = _seq_exact(list(body))
            if inner is not None:
                return _repeated(inner, lo, hi)
        if lo == 0 and hi == 1:
            inner = _seq_exact(list(body))
            if inner is not None and len(inner) < _MAX_EXACT:
                return inner | {""}
        return None
    if op is C.SUBPATTERN:
        return _seq_exact(list(av[-1]))
    if op is C.BRANCH:
        return _alternatives(av[1], _seq_exact)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}
    return None


def _product(parts: Sequence[set[str]]) -> set[str] | None:
    out = {""}
    for part in parts:
        if len(out) * len(part) > _MAX_EXACT:
            return None
        out = {a + b for a, b in itertools.product(out, part)}
    return out


def _seq_exact(items: list[tuple[Any, Any]]) -> set[str] | None:
    parts = []
    for item in items:
        e = _exact(item)
        if e is None:
            return None
        parts.append(e)
    return _product(parts)


def _contains_keyword(strings: Iterable[str], keywords: Sequence[str]) -> bool:
    return all(any(k in s for k in keywords) for s in strings)


def _covered_item(item: tuple[Any, Any], keywords: Sequence[str]) -> bool:
    op, av = item
    exact = _exact(item)
    if exact is not None and exact and _contains_keyword(exact, keywords):
        return True
    if op is C.SUBPATTERN:
        return _covered_seq(list(av[-1]), keywords)
    if op is C.BRANCH:
        return all(_covered_seq(list(alt), keywords) for alt in av[1])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        return lo >= 1 and _covered_seq(list(body), keywords)
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _covered_seq(list(av), keywords)
    return False


def _covered_seq(items: list[tuple[Any, Any]], keywords: Sequence[str]) -> bool:
    """A sequence is covered if one item is, or a run of exact items concatenates to strings
    that all contain a keyword (zero-width items join runs; anything else breaks them)."""
    if any(_covered_item(it, keywords) for it in items):
        return True
    # A keyword found in a shorter window is also inside the longer one, so only the longest
    # window from each start needs a check.
    return any("" not in strings and _contains_keyword(strings, keywords)
               for strings in _longest_windows(items))


def _longest_windows(items: list[tuple[Any, Any]]) -> Iterator[set[str]]:
    """For each start in each run of exact items (zero-width items join runs; anything else
    breaks them), the strings of the longest window from there whose product stays few."""
    runs: list[list[set[str]]] = [[]]
    for it in items:
        e = _exact(it)
        if e is None:
            runs.append([])
        else:
            runs[-1].append(e)
    for run in runs:
        for i in range(len(run)):
            for j in range(len(run), i, -1):
                strings = _product(run[i:j])
                if strings is not None:
                    yield strings
                    break


@lru_cache(maxsize=512)
def _tree(source: str) -> list[tuple[Any, Any]]:
    return list(P.parse(source, re.IGNORECASE))


def covered(regex: RegexSource | str, keywords: Sequence[str]) -> bool:
    """Whether every match of `regex` must contain one of `keywords` (case-insensitive)."""
    source = regex if isinstance(regex, str) else regex.pattern
    kws = [k.lower() for k in keywords if k]
    return _covered_seq(_tree(source), kws)


def uncovered(patterns: Iterable[RegexSource], keywords: Sequence[str]) -> list[str]:
    """The sources of the patterns that can match without any keyword in the text."""
    return [p.pattern for p in patterns if not covered(p, keywords)]


# -- deriving the literals ------------------------------------------------------------------


def usable(literal: str) -> bool:
    """Long enough to select anything: two characters, or one non-ASCII symbol (an emoji)."""
    text = literal.strip()
    return len(text) >= 2 or (len(text) == 1 and not text.isascii())


#: Strings so common in posts that a prefilter keyed on them selects nearly every text.
_COMMON = frozenset({
    "the", "a", "an", "my", "at", "in", "on", "to", "of", "and", "is", "it", "you", "your", "for", "with",
    "that", "this", "saw", "see", "had", "have", "up", "'s", "’s", "me", "i", "we", "he", "she", "so",
    "de", "la", "el", "en", "que", "mi", "con", "a.", "i.", "para", "from", "by", "as", "or", "but",
    "not", "can", "will", "was", "are", "be", "do", "did", "all", "one", "out", "about", "get", "got", "like",
    "just", "now", "what", "how", "when", "who", "they", "our", "us", "her", "his", "him", "them", "no",
    "new", "with a", "with the", "in the", "on the", "at the", "of the", "los", "las", "una", "un", "por",
    "es", "y", "o", "se", "lo", "le", "te", "su", "sus", "tu", "tus", "del", "al",
})


def _rank(cands: set[str]) -> tuple[bool, bool, int, int]:
    """Prefer sets without very common words, then of selective strings (4+ characters, spaces
    included: " at " is rarer than "at"), then fewer strings, then longer ones."""
    shortest = min(len(c) for c in cands)
    common = any(c.strip() in _COMMON for c in cands)
    return (not common, shortest >= 4, -len(cands), shortest)


def _best(candidates: list[set[str]]) -> set[str] | None:
    good = [c for c in candidates if c and all(usable(x) for x in c)]
    return max(good, key=_rank) if good else None


_LIT_MEMO: dict[int, tuple[Any, set[str] | None]] = {}


def _item_literals(item: tuple[Any, Any]) -> set[str] | None:
    key = id(item)
    hit = _LIT_MEMO.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    value = _item_literals_uncached(item)
    _LIT_MEMO[key] = (item, value)
    return value


def _item_literals_uncached(item: tuple[Any, Any]) -> set[str] | None:
    op, av = item
    candidates: list[set[str]] = []
    exact = _exact(item)
    if exact is not None and "" not in exact:
        candidates.append(exact)
    if op is C.SUBPATTERN:
        inner = _seq_literals(list(av[-1]))
        if inner is not None:
            candidates.append(inner)
    elif op is C.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            lits = _seq_literals(list(alt))
            if lits is None:
                union = set()
                break
            union |= lits
        if union:
            candidates.append(union)
    elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, body = av
        if lo >= 1:
            inner = _seq_literals(list(body))
            if inner is not None:
                candidates.append(inner)
    return _best(candidates)


def _seq_literals(items: list[tuple[Any, Any]]) -> set[str] | None:
    candidates = [lits for it in items if (lits := _item_literals(it)) is not None]
    # The longest window from each start that fits is the best from there. (When it can match
    # nothing, every shorter window from that start can too: each of its parts may be empty.)
    candidates.extend(strings for strings in _longest_windows(items) if "" not in strings)
    return _best(candidates)


def required_literals(regex: RegexSource | str) -> set[str] | None:
    """Strings (lower case) one of which every match contains; None if none can be derived."""
    source = regex if isinstance(regex, str) else regex.pattern
    return _seq_literals(_tree(source))


def prefilter_additions(patterns: Iterable[RegexSource], keywords: Sequence[str]
                        ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(literals to add to `keywords` so that every pattern is covered, patterns with none)."""
    added: list[str] = []
    hopeless: list[str] = []
    for pattern in patterns:
        if covered(pattern, [*keywords, *added]):
            continue
        lits = required_literals(pattern)
        if lits is None:
            hopeless.append(pattern.pattern)
        else:
            added.extend(sorted(lit for lit in lits if lit not in added))
    return tuple(added), tuple(hopeless)


# -- where a match can start ----------------------------------------------------------------
#
# The engine runs a pattern only where one of its start literals occurs (engine.py): a pattern
# that opens with a long alternation (`\b(?:adhd|autism|bipolar|...)`) would otherwise be tried,
# alternative after alternative, at every position of every candidate text. Unlike the walk
# above, this one is exact about characters: whitespace and classes it cannot list end a literal,
# because the engine finds the literals in the text verbatim (case aside).

#: Start literals are cut to this length: longer ones select no better and cost more to build.
START_MAX = 6
_START_CAP = 4096
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))


def _strict_exact(item: tuple[Any, Any]) -> set[str] | None:
    r"""Like `_exact`, but only characters the pattern names: no whitespace stand-ins for
    `\s+`, and no character whose lower case is two (the engine's search is one character per
    character). A lone `\s` is " ": the engine's search reads " " as one whitespace character."""
    op, av = item
    if op is C.LITERAL:
        low = chr(av).lower()
        return {low} if len(low) == 1 else None
    if op is C.IN:
        return _class_chars(av, strict=True)
    if op is C.CATEGORY and av in _WHITESPACE:
        return {" "}
    if op in _REPEATS:
        lo, hi, body = av
        if hi is C.MAXREPEAT or hi > 4:
            return None
        inner = _strict_seq(list(body))
        return None if inner is None else _repeated(inner, lo, hi)
    if op is C.SUBPATTERN:
        return _strict_seq(list(av[-1]))
    if op is C.BRANCH:
        return _alternatives(av[1], _strict_seq)
    if op in _ZERO_WIDTH:
        return {""}
    return None


def _strict_seq(items: list[tuple[Any, Any]]) -> set[str] | None:
    parts = []
    for item in items:
        e = _strict_exact(item)
        if e is None:
            return None
        parts.append(e)
    return _product(parts)


def _cut(strings: Iterable[str]) -> set[str]:
    return {s[:START_MAX] for s in strings}


def _first_item(item: tuple[Any, Any]) -> tuple[set[str] | None, bool]:
    """(literals every non-empty match of `item` starts with, or None; whether it can be empty)."""
    op, av = item
    if op is C.SUBPATTERN:
        return _first_seq(list(av[-1]))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first_seq(list(av))
    if op is C.BRANCH:
        union: set[str] = set()
        nullable = False
        for alt in av[1]:
            first, empty = _first_seq(list(alt))
            if first is None:
                return None, False
            union |= first
            nullable = nullable or empty
        return union, nullable
    if op in _REPEATS:
        lo, _hi, body = av
        first, empty = _first_seq(list(body))
        return first, lo == 0 or empty
    if op in _ZERO_WIDTH:
        return set(), True
    exact = _strict_exact(item)
    if exact is not None:
        return {s for s in _cut(exact) if s}, "" in exact
    return None, False


def _first_seq(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(literals every non-empty match of the sequence starts with, or None; whether it can be
    empty). `open_` holds the exact text matched so far along each path; a path ends (goes to
    `done`) at the first item that is not a small exact set, extended by that item's own start
    literals when the item cannot be empty."""
    open_: set[str] = {""}
    done: set[str] = set()
    for item in items:
        if item[0] in _ZERO_WIDTH:
            continue
        if all(len(s) >= START_MAX for s in open_):
            break
        exact = _strict_exact(item)
        if exact is not None:
            grown = _product([open_, exact])
            if grown is not None:
                open_ = _cut(grown)
                continue
        first, empty = _first_item(item)
        started = {s for s in open_ if s}
        if first is not None and not empty:
            grown = _product([started, first])
            done |= _cut(grown) if grown is not None else started
        else:
            done |= started
        if "" not in open_:
            return done, False
        if first is None:
            return None, False  # the match may start with anything
        done |= first
        if not empty:
            return done, False
        open_ = {""}  # the item may match nothing: the match may start with what follows
    done |= {s for s in open_ if s}
    return done, "" in open_


def start_literals(regex: RegexSource | str) -> frozenset[str] | None:
    """Lower-case strings, one of which starts every non-empty match of `regex`; None if the
    pattern can start anywhere (a leading `\\w+`, `\\s*` or `.`) or match the empty string."""
    source = regex if isinstance(regex, str) else regex.pattern
    first, empty = _first_seq(_tree(source))
    if first is None or empty or not first or "" in first or len(first) > _START_CAP:
        return None
    return frozenset(first)
