"""Python regexes rewritten for RE2, matching at least what they match: the engine's one pass.

The engine asks one question of every text first: which patterns could match here at all? A
few `re2.Set`s answer it for every pattern of every rule, each in one scan of the text in C
(`PatternSet`), where the trie pass (trie.py) walks the text in Python from hit to hit. The
patterns are written for Python's `re`, so each is rewritten from its parse tree into RE2 syntax
as a **superset**:

- assertions RE2 lacks or that could only remove matches (`\\b`, `^`, `$`, lookarounds) are
  dropped, so the rewrite matches wherever the original does, and sometimes elsewhere;
- `.` matches any character (DOTALL);
- `\\s` becomes the code-point ranges Python's `re` gives it (RE2's own is ASCII-only); `\\w`
  and `\\d` become "not a space" in a class and ASCII letters or digits in a negated class,
  so that the class holds at least what Python's does (`_category_ranges`);
- case-insensitivity is kept exactly where the original has it (a negated class under a
  wrongly added `(?i)` would match less, not more);
- the set's form stops before the first repeat that can run across words (and at a
  back-reference): every match begins with a match of what is kept. For the built-in packs
  the shipped form may instead be a later part between such repeats (`segments`), the one
  fewest reference texts match (derived.py `_rarest`): every match contains a match of each
  part. The whole form, with those repeats widened to `*` or `+`, then confirms what the set
  reports.

A pattern the set reports is then run by Python's `re` as before, so a rewrite that matches
too much costs time, never a finding. A pattern that cannot be rewritten, or that RE2 refuses,
is run on every text it is a candidate for. Texts RE2 cannot take as written (lone surrogates)
and texts with characters whose case folding differs between the two engines go the old way.

google-re2 is an optional dependency (`pip install 'footprint[fast]'`); without it the engine
uses the trie pass alone, with the same findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Container, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.analyzer.rules.model import RegexSource

try:  # Python 3.11 moved the parser under a private name; both are the standard library's.
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["PatternSet", "available", "superset_source"]

class Untranslatable(ValueError):
    """A construct with no superset rewrite here (the pattern is then run on every candidate)."""


#: Python's `\\s` for str patterns, exactly (RE2's `\\s` is ASCII-only).
_SPACE = ((0x9, 0xD), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
          (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000))
_ASCII_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_ASCII_DIGIT = ((0x30, 0x39),)


@cache
def _category_ranges() -> dict[Any, tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Per category (`\\w`, `\\d`, `\\s` and negations, as Python's `re` reads them in a str
    pattern): (ranges holding every character it matches, ranges holding only characters it
    matches). A positive class takes the first, a negated class the second, so that the class
    as a whole is a superset either way. `\\w` and `\\d` have 734 and 62 exact ranges, which make
    RE2's automata large and slow; "not a space" contains both, ASCII letters are inside both."""
    space = list(_SPACE)
    not_space = _complement(space)
    return {
        _c.CATEGORY_SPACE: (space, space),
        _c.CATEGORY_NOT_SPACE: (not_space, not_space),
        _c.CATEGORY_WORD: (not_space, list(_ASCII_WORD)),
        _c.CATEGORY_NOT_WORD: (_complement(_ASCII_WORD), space),
        _c.CATEGORY_DIGIT: (not_space, list(_ASCII_DIGIT)),
        _c.CATEGORY_NOT_DIGIT: (_complement(_ASCII_DIGIT), space),
    }


def _complement(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Every code point not in `ranges` (surrogates included: RE2 never sees them)."""
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= sys.maxunicode:
        out.append((nxt, sys.maxunicode))
    return [(lo, hi) for lo, hi in out if not (lo >= 0xD800 and hi <= 0xDFFF)]


def _char(c: int) -> str:
    """One code point as RE2 reads it inside or outside a class."""
    if c < 0x80 and (chr(c).isalnum() or chr(c) == "_"):
        return chr(c)
    return f"\\x{{{c:x}}}"


def _class_items(items: Sequence[tuple[Any, Any]]) -> tuple[bool, str]:
    negate = any(op is _c.NEGATE for op, _av in items)
    parts: list[str] = []
    for op, av in items:
        if op is _c.NEGATE:
            continue
        if op is _c.LITERAL:
            parts.append(_char(av))
        elif op is _c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is _c.CATEGORY:
            both = _category_ranges().get(av)
            if both is None:
                raise Untranslatable(f"category {av}")
            cat = both[1] if negate else both[0]
            parts.extend(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in cat)
        else:
            raise Untranslatable(f"class item {op}")
    return negate, "".join(parts)


_WS = frozenset((9, 10, 11, 12, 13, 32))
#: Letters a negated class is tested against: it runs within words unless it names them all.
_LETTERS = "aeinorstzAEZ\u00e9\u00f1"
#: Python's categories as membership tests on one character.
_CATEGORY_TEST = {
    _c.CATEGORY_SPACE: str.isspace,
    _c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    _c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    _c.CATEGORY_DIGIT: str.isdecimal,
    _c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
}


def _in_class(items: Sequence[tuple[Any, Any]], c: int) -> bool:
    """Whether a class's items (its negation aside) name code point `c`, case aside."""
    ch = chr(c)
    for op, av in items:
        if op is _c.LITERAL and chr(av).lower() == ch.lower():
            return True
        if op is _c.RANGE and (av[0] <= c <= av[1] or av[0] <= ord(ch.swapcase()[:1] or ch) <= av[1]):
            return True
        if op is _c.CATEGORY and _CATEGORY_TEST.get(av, lambda _ch: True)(ch):
            return True
    return False


def _atom_chars(op: Any, av: Any) -> tuple[bool, bool]:
    """(can match whitespace, can match a letter) for one single-character atom."""
    if op is _c.LITERAL:
        return av in _WS, chr(av).isalpha()
    if op in (_c.NOT_LITERAL, _c.ANY):
        return True, True
    if op is _c.IN:
        negate = any(o is _c.NEGATE for o, _a in av)
        if negate:
            # A negated class matches a character it does not name: whitespace unless it names
            # every whitespace character, letters unless it names them all (`[^.!?\n]` does both).
            space = any(not _in_class(av, c) for c in _WS)
            letter = any(not _in_class(av, ord(c)) for c in _LETTERS)
            return space, letter
        space = letter = False
        for o, a in av:
            if o is _c.LITERAL:
                space, letter = space or a in _WS, letter or chr(a).isalpha()
            elif o is _c.RANGE:
                space = space or a[0] <= 32 <= a[1]
                letter = letter or any(chr(c).isalpha() for c in range(a[0], min(a[1], a[0] + 200) + 1))
            elif o is _c.CATEGORY:
                space = space or a in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD, _c.CATEGORY_NOT_DIGIT)
                letter = letter or a in (_c.CATEGORY_WORD, _c.CATEGORY_NOT_SPACE, _c.CATEGORY_NOT_DIGIT)
        return space, letter
    return True, True


def _spans_words(tree: Iterable[tuple[Any, Any]]) -> bool:
    """Whether a repeated part can run across words: it matches whitespace and letters both
    (`\\W+` and `\\s+` only run between words, `\\w+` within one)."""
    space = letter = False
    stack = [list(tree)]
    while stack:
        for op, av in stack.pop():
            if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
                s, t = _atom_chars(op, av)
                space, letter = space or s, letter or t
            elif op is _c.BRANCH:
                stack.extend(list(alt) for alt in av[1])
            elif op is _c.SUBPATTERN:
                stack.append(list(av[3]))
            elif op is _c.ATOMIC_GROUP:
                stack.append(list(av))
            elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
                stack.append(list(av[2]))
            elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
                return True
    return space and letter


def _runs_across_words(op: Any, av: Any) -> bool:
    """Whether a parse-tree item is a repeat (more than once) that can run across words: where
    the set's form is cut (`_translate`) and a pattern's parts end (`segments`)."""
    return (op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
            and (av[1] is _c.MAXREPEAT or av[1] > 1) and _spans_words(av[2]))


def _translate(tree: Iterable[tuple[Any, Any]], icase: bool, cut_wide: bool = True) -> tuple[str, bool]:
    """RE2 source for a sequence, and whether it was cut short.

    A repeat that can run across words (`.{0,80}`, `(?:\\w+\\W+){0,6}`, `[^.!?]*`) ends the
    rewrite: what comes before it is kept, it and the rest are dropped. Every match of the
    original begins with a match of what is kept, so the rewrite is still a superset; and the
    set's automaton no longer carries a half-matched pattern along the rest of the text, which
    is what makes a DFA over hundreds of such patterns grow without bound."""
    out: list[str] = []
    for op, av in tree:
        cut = False
        if op is _c.LITERAL:
            out.append(_char(av))
        elif op is _c.NOT_LITERAL:
            out.append(f"[^{_char(av)}]")
        elif op is _c.ANY:
            out.append("(?s:.)")
        elif op is _c.IN:
            negate, body = _class_items(av)
            if not body:
                out.append("(?s:.)" if negate else "[^\\x{0}-\\x{10ffff}]")
            else:
                out.append(f"[{'^' if negate else ''}{body}]")
        elif op is _c.BRANCH:
            alts = [_translate(alt, icase, cut_wide) for alt in av[1]]
            cut = any(c for _s, c in alts)
            out.append("(?:" + "|".join(src for src, _c2 in alts) + ")")
        elif op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            inner_icase = (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            body, cut = _translate(sub, inner_icase, cut_wide)
            if inner_icase != icase:
                body = f"(?{'i' if inner_icase else '-i'}:{body})"
            out.append(f"(?:{body})")
        elif op is _c.ATOMIC_GROUP:
            body, cut = _translate(av, icase, cut_wide)
            out.append(f"(?:{body})")
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            if cut_wide and _runs_across_words(op, av):
                return "".join(out), True
            body, cut = _translate(sub, icase, cut_wide)
            if cut:
                # The part was cut inside: its first repetition's kept prefix, when it must occur.
                if lo >= 1:
                    out.append(f"(?:{body})")
                return "".join(out), True
            if not body:
                continue
            # A counted repeat within a word (`\\w{3,}`, `s{0,2}`) is widened to `*` or `+`:
            # counting makes the automaton larger for nothing a filter needs.
            if (lo, hi) == (0, 1):
                quant = "?"
            elif (lo, hi) == (1, 1):
                quant = ""
            else:
                quant = "*" if lo == 0 else "+"
            out.append(f"(?:{body}){quant}")
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # an assertion only removes matches: dropped, the rewrite is a superset
        elif op is _c.GROUPREF:
            return "".join(out), True  # whatever the group held: cut here
        elif op is _c.GROUPREF_EXISTS:
            _group, yes, no = av
            alts = [_translate(yes, icase, cut_wide), _translate(no, icase, cut_wide) if no else ("", False)]
            cut = any(c for _s, c in alts)
            out.append("(?:" + "|".join(src for src, _c2 in alts) + ")")
        else:
            raise Untranslatable(f"construct {op}")
        if cut:
            return "".join(out), True
    return "".join(out), False


def _matches_empty(source: str) -> bool:
    import re2

    return re2.search(source, "") is not None


def superset_source(regex: RegexSource, *, cut: bool = True) -> str:
    """RE2 syntax for a regex matching wherever `regex` finds a match (and maybe elsewhere).

    With `cut`, the rewrite stops before the first repeat that can run across words (the form
    the set takes); without it, such repeats are widened instead (the form a pattern the set
    reports is checked with on its own). Raises `Untranslatable` for a construct with no
    rewrite, or when what is left would match any text.
    """
    return rewrite(parse(regex), bool(regex.flags & re.IGNORECASE), cut=cut)


def parse(regex: RegexSource) -> Any:
    """The parse tree `rewrite` takes."""
    if not isinstance(regex.pattern, str):
        raise Untranslatable("bytes pattern")
    return _p.parse(regex.pattern, regex.flags)


def segments(tree: Any) -> list[list[tuple[Any, Any]]]:
    """The parts of a parsed pattern's top-level sequence between the repeats that can run
    across words (and the back-references): every match of the pattern contains a match of
    each part, so each part's cut `rewrite` is a superset filter too, like the prefix's. A rare
    part filters better than a common one ("babysits" against "client")."""
    parts: list[list[tuple[Any, Any]]] = [[]]
    for op, av in tree:
        if _runs_across_words(op, av) or op is _c.GROUPREF:
            parts.append([])
        else:
            parts[-1].append((op, av))
    return [part for part in parts if part]


def rewrite(tree: Any, icase: bool, *, cut: bool) -> str:
    """`superset_source` of a parsed pattern (`_translate` does not change the tree)."""
    body, _cut = _translate(tree, icase, cut)
    if not body or _matches_empty(body):
        raise Untranslatable("what is left matches everywhere")  # only assertions: no use as a filter
    return f"(?i:{body})" if icase else body


#: Characters Python's IGNORECASE matches against other letters than RE2's case folding does
#: (dotless i, long s, the Kelvin sign, Greek iota forms): texts holding one go the old way.
#: `special_folds()` derives the set; a test checks that this copy is the same.
SPECIAL_FOLDS = frozenset("\u0131\u017f\u0345\u03b9\u1fbe\u212a")


def special_folds() -> frozenset[str]:
    """The non-ASCII characters on which the two engines' case-insensitive matching disagree:
    each letter with a one-character upper or lower case is matched, under IGNORECASE, against
    that partner by both engines, plus the folds Python's `re` adds on purpose (`_ignorecase_fixes`)."""
    import re2  # type: ignore[import-not-found]

    odd: set[str] = set()
    for c in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        if ch.lower() == ch and ch.upper() == ch:
            continue
        partners = {ch.lower(), ch.upper()} - {ch}
        for p in partners:
            if len(p) != 1:
                continue
            py = re.fullmatch(re.escape(p), ch, re.IGNORECASE) is not None
            r2 = re2.fullmatch(f"(?i){_char(ord(p))}", ch) is not None
            if py != r2:
                odd.update((ch, p))
    for a, b in ((0x69, 0x131), (0x73, 0x17F), (0x6B, 0x212A), (0x3B9, 0x345), (0x3B9, 0x1FBE)):
        odd.update((chr(a), chr(b)))
    odd = {ch for ch in odd if not ch.isascii()}
    return frozenset(odd)


def available() -> bool:
    """Whether google-re2 can be imported (the `fast` extra)."""
    try:
        import re2  # noqa: F401
    except ImportError:
        return False
    return True


#: Below this many texts an audit keeps the trie pass: compiling the set takes one to two
#: seconds and RE2 builds its automaton as texts arrive, so the set pays off only on a large
#: footprint (the demo's few hundred texts take two seconds longer with it; 100,000 posts a
#: third less time).
SET_MIN_TEXTS = 20_000

#: Matches at the end of any text (empty included): present in every complete answer.
_SENTINEL = r"\z"
#: RE2's memory budget for the sets' programs and their lazily built automata, shared equally.
#: Larger is faster (fewer rebuilds of the automata's caches) and costs resident memory.
SET_MEMORY = 256 << 20
#: Regexes per set (`PatternSet`).
SET_SIZE = 150


class PatternSet:
    """RE2 sets over many Python regexes: which of them could match a text, in one scan each.

    `match(text)` returns the indices (into `regexes`) of every regex that may match, always
    including those that could not be rewritten (`open`); None when the text must be checked
    the old way (lone surrogates, or a character whose case folding differs between engines).

    The regexes go into sets of `SET_SIZE` each, in order, rather than one: RE2 builds a set's
    automaton as texts arrive, one state per combination of half-matched patterns it meets,
    and over hundreds of patterns those combinations multiply. Four sets of about 150 build
    fewer states in all than one of 622: over the 200,000 posts of the benchmark's footprint the
    sets took 14.1 CPU seconds against 19.0 (medians of two; 60,000 posts: 6.6 against 11.7),
    for three more calls on every text.

    The regexes that ignore case throughout (most) read the text with its ASCII letters lowered:
    an automaton then meets fewer distinct bytes, so it builds fewer transitions. Over the
    first 60,000 posts of the benchmark the sets took 5.4 CPU seconds against 8.0, and a
    one-process audit of 100,000 posts per X archive 84 against 91 (two runs each). The rest
    (a capital in a name, `(?-i:DM)`) get sets of their own that read the text as written.
    """

    def __init__(self, regexes: Sequence[RegexSource]) -> None:
        import re2

        from auditor.analyzer.rules.derived import superset_forms

        forms = [superset_forms(regex) for regex in regexes]
        # Lowered: the regexes whose rewrites ignore case throughout, matched against the text
        # with its ASCII letters lowered (`bytes.lower`), which gives the automata fewer
        # distinct bytes to build states for; a third less time in the sets on the benchmark's
        # posts. The others (a name's capital, `(?-i:…)`) see the text as written.
        blind = [_ignores_case(forms_j) for forms_j in forms]
        lowered = [j for j, b in enumerate(blind) if b]
        as_written = [j for j, b in enumerate(blind) if not b]
        options = re2.Options()
        options.max_mem = SET_MEMORY // max(1, -(-len(lowered) // SET_SIZE) + -(-len(as_written) // SET_SIZE))
        options.log_errors = False
        # Per set: the set, whether it reads the lowered text, then per position the regex
        # index and the whole pattern's rewrite, searched alone when the set reports the cut
        # form (None when nothing was cut), compiled when a report first needs it.
        self._parts: list[tuple[Any, bool, list[int], list[Any]]] = []
        open_: list[int] = []
        for group, lower in ((lowered, True), (as_written, False)):
            fresh = True
            for j in group:
                if fresh or len(self._parts[-1][2]) > SET_SIZE:
                    # Position 0 is a sentinel that matches at the end of every text. RE2
                    # reports no error when its automaton runs out of memory part way (it
                    # returns what it found so far), so a result without the sentinel is not
                    # trusted: the text goes the old way.
                    part = re2.Set.SearchSet(options)
                    part.Add(_SENTINEL)
                    self._parts.append((part, lower, [-1], [None]))
                    fresh = False
                part, _lower, index, whole = self._parts[-1]
                # The rewrites (`superset_source`) are shipped for the built-in packs (derived.py).
                cut, whole_source = forms[j]
                try:
                    if cut is not None:
                        part.Add(cut)
                except (re2.error, ValueError, TypeError):
                    cut = None  # RE2 refuses the rewrite
                if cut is None:
                    open_.append(j)
                    continue
                index.append(j)
                whole.append(None if whole_source in (None, cut) else _WholeForm(whole_source))
        self.open: tuple[int, ...] = tuple(sorted(open_))
        self._lowers = any(lower for _part, lower, _index, _whole in self._parts)
        for part, _lower, _index, _whole in self._parts:
            part.Compile()
        # Per regex: whether its set reads the lowered text, and its whole form (None: none, or
        # it is in no set).
        self._lowered: list[bool] = [False] * len(regexes)
        self._whole: list[Any] = [None] * len(regexes)
        for _part, lower, index, whole in self._parts:
            for j, form in zip(index, whole, strict=True):
                if j >= 0:
                    self._lowered[j], self._whole[j] = lower, form

    @staticmethod
    def _whole_form(whole: str) -> Any:
        import re2

        try:
            options = re2.Options()
            options.max_mem = 8 << 20
            options.log_errors = False
            # A set of one (and the sentinel): RE2 answers "does it match" with its forward DFA
            # alone, where a search would also run backwards for where the match starts.
            single = re2.Set.SearchSet(options)
            single.Add(whole)
            single.Add(_SENTINEL)
            single.Compile()
            return single
        except (re2.error, ValueError, TypeError):
            return None

    def match(self, text: str, select: Callable[[list[int]], Container[int]] | None = None
              ) -> list[int] | None:
        """The indices of the regexes that may match `text` (None: check it the old way).

        `select`, given every index the sets reported, returns those worth confirming; the
        others are left out unconfirmed. A cut pattern's whole form is a second scan of the
        text, which is wasted on a pattern whose rule's keywords are absent (the engine's
        `_SetPass`)."""
        return self.match_many([text], select)[0]

    def match_many(self, texts: Sequence[str], select: Callable[[list[int]], Container[int]] | None = None
                   ) -> list[list[int] | None]:
        """`match` of each text (the same indices, in no particular order)."""
        def choose(reported: list[int]) -> list[int]:
            candidates = reported + list(self.open)
            keep = None if select is None else select(candidates)
            return candidates if keep is None else [j for j in candidates if j in keep]

        return self.chosen_many(texts, choose)

    def chosen_many(self, texts: Sequence[str], choose: Callable[[list[int]], list[int]]) -> list[list[int] | None]:
        """Per text, those of the indices `choose` picks from the sets' reports (`reports_many`;
        `open` is for `choose` to add) that may match (`confirm_many`); None: the old way."""
        data = self.read_many(texts)
        wanted = [None if reported is None else choose(reported) for reported in self.reports_many(data)]
        return self.confirm_many(data, wanted)

    def read_many(self, texts: Sequence[str]) -> list[tuple[bytes, bytes] | None]:
        """Per text, the bytes the sets read: as written and with ASCII letters lowered; None
        for a text that must go the old way (lone surrogates, case folds the engines differ on)."""
        data: list[tuple[bytes, bytes] | None] = []
        for text in texts:
            if text.isascii():
                raw = text.encode("ascii")
            elif not SPECIAL_FOLDS.isdisjoint(text):
                data.append(None)
                continue
            else:
                try:
                    raw = text.encode("utf-8")
                except UnicodeEncodeError:
                    data.append(None)
                    continue
            data.append((raw, raw.lower() if self._lowers else raw))
        return data

    def reports_many(self, data: Sequence[tuple[bytes, bytes] | None]) -> list[list[int] | None]:
        """Per text (`read_many`), the indices of the regexes the sets report, unconfirmed (a cut
        form's report may be a whole form's miss), without `open`; None: the old way.

        Each set scans every text before the next set runs: an automaton's states stay in the
        processor's caches for the whole batch, where text after text through every set evicts
        them. Over the benchmark's 201,000 posts in batches of 256 (`Engine.scan_batch`), a scan
        took 12 to 17% less CPU time (three runs each)."""
        reported: list[list[int] | None] = [[] if d is not None else None for d in data]
        for part, lower, index, _whole in self._parts:
            part_match = _matcher(part)
            at = index.__getitem__
            for t, pair in enumerate(data):
                got = reported[t]
                if got is None or pair is None:
                    continue
                found = part_match(pair[1] if lower else pair[0])
                if not found or 0 not in found:
                    reported[t] = None  # the automaton gave up part way: not a trustworthy answer
                    continue
                got.extend(map(at, found))
        return [None if got is None else [j for j in got if j >= 0] for got in reported]

    def confirm_many(self, data: Sequence[tuple[bytes, bytes] | None], wanted: Sequence[list[int] | None]
                     ) -> list[list[int] | None]:
        """Per text, those of its `wanted` indices that may match: a regex whose set form is
        cut is confirmed by its whole form, each whole form scanning all the texts that need it
        in turn (a second scan of a text, so only for the reports worth it)."""
        lowered, wholes = self._lowered, self._whole
        out: list[list[int] | None] = []
        # Whole form → (the form, [(the text's answer, regex index, what the form reads)]).
        pending: dict[int, tuple[Any, list[tuple[list[int], int, bytes]]]] = {}
        for pair, js in zip(data, wanted, strict=True):
            if js is None or pair is None:
                out.append(None)
                continue
            answer: list[int] = []
            for j in js:
                form = wholes[j]
                if form is None:
                    answer.append(j)
                else:
                    pending.setdefault(id(form), (form, []))[1].append(
                        (answer, j, pair[1] if lowered[j] else pair[0]))
            out.append(answer)
        for form, texts in pending.values():
            form_match = form.matcher()
            if form_match is None:  # RE2 refuses the whole form: the set's report stands
                for answer, j, _text in texts:
                    answer.append(j)
                continue
            for answer, j, text_read in texts:
                found = form_match(text_read)
                # False only when it scanned the whole text (the sentinel, 1) and found nothing.
                if not found or 0 in found or 1 not in found:
                    answer.append(j)
        return out


class _WholeForm:
    """A cut regex's whole rewrite, compiled (`PatternSet._whole_form`) the first time a set
    reports the cut form: some three hundred of them took 0.36 s at the start of every audit,
    before its workers could start; compiled on demand, each worker compiles those its texts
    need, side by side."""

    __slots__ = ("_match", "_ready", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._match: Callable[[bytes], list[int] | None] | None = None
        self._ready = False

    def matcher(self) -> Callable[[bytes], list[int] | None] | None:
        """The compiled form's `Match` (see `_matcher`), or None when RE2 refuses the form."""
        if not self._ready:
            single = PatternSet._whole_form(self.source)
            self._match = None if single is None else _matcher(single)
            self._ready = True
        return self._match


def _matcher(part: Any) -> Callable[[bytes], list[int] | None]:
    """An RE2 set's `Match` for bytes: the compiled set's own where google-re2 exposes it (it
    skips a Python call and a type check per text), else the wrapper's."""
    inner = getattr(part, "_set", None)
    match = getattr(inner, "Match", None)
    return match if callable(match) else part.Match  # type: ignore[no-any-return]


def _ignores_case(forms: tuple[str | None, str | None]) -> bool:
    """Whether both rewrites of a regex ignore case throughout: they then match a text with its
    ASCII letters lowered wherever they match it as written (RE2's `(?i)` folds every letter,
    and lowering changes no other byte)."""
    return all(form is None or (form.startswith("(?i:") and "(?-i" not in form) for form in forms)
