"""The rule engine: one combined pass per text, then only the candidate rules' patterns.

1. **The pass.** Every rule's keywords, the keywords of the per-text code detectors and the
   start literals of the rules' patterns (rules/literals.py `start_literals`) are compiled into
   one trie-shaped regex with the gate words of the rest, searched in the lower-cased text; it
   reports every position where any of them starts (overlapping ones included; a space in a
   word matches any whitespace). The
   keywords found select the candidates: a rule without a keyword in the text never runs a
   pattern. The start literals found say where each pattern can begin.
   With google-re2 installed (the `fast` extra), the pass is a few RE2 sets instead (superset.py,
   `_SetPass`): every pattern rewritten into RE2 as a superset of itself, and each rule's and
   detector's keywords; a rule is a candidate when a keyword occurs and the set names one of its
   patterns, and only those patterns run. Texts the set cannot vouch for take the trie pass.
2. **Patterns.** A candidate's patterns give the evidence spans. A pattern with start literals
   is tried only at the positions where one of them occurs (what `finditer` would find, without
   trying a long alternation at every character); a pattern without them but with a word every
   match must contain (a gate, `_gate`) searches the text only when the pass found that word;
   the others search the text. Match-scope
   negatives drop matches they overlap; a text-scope negative drops the rule for the item. A
   text detector (detectors/base.py `TextDetector`) runs its own logic instead, on the text and
   on the text the item answers (`context`: the review a reply is to).
3. **Score.** Base score (the strongest matched pattern's, else the rule's) plus every context
   cue found, each counted once, plus the identifiability mosaic for rules that ask for it
   (mosaic.py), clamped to 0..1. The finding exists when the score reaches the rule's
   `min_score`; `escalate` thresholds, cue and mosaic severity floors may then raise its severity.
4. **Role and audience.** The account role, then the post's audience, adjust severity and score
   after existence is decided (role.py). Rules with `audience = "clients"` (the author's
   whereabouts) do not apply on an anonymous personal account, where clients are not the audience.

Scores are summed exactly (scoring.py) so that thresholds behave as written in the packs; the
contributions of a finding sum to its score.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, partial
from typing import TYPE_CHECKING, TypeVar

from auditor.analyzer.excerpt import make_excerpt, merge_spans
from auditor.analyzer.hit import Hit, ScanStats, clip, score_hit
from auditor.analyzer.role import ROLES, Adjustment, audience_adjustment, role_adjustment
from auditor.analyzer.rules.derived import required_literals, start_literals
from auditor.analyzer.rules.model import Regex, RegexSource
from auditor.analyzer.rules.schema import KINDS, Pattern, Rule
from auditor.analyzer.scoring import clamp, to_decimal
from auditor.analyzer.superset import PatternSet
from auditor.analyzer.superset import available as superset_available
from auditor.analyzer.textfold import fold
from auditor.analyzer.trie import trie_regex
from auditor.codes import codes_for, resolve
from auditor.errors import UsageError
from auditor.findings import Contribution, Finding, ItemRef, Severity, normalize_text

if TYPE_CHECKING:
    from auditor.analyzer.detectors.base import TextDetector
    from auditor.analyzer.learned import LearnedModel

__all__ = ["Engine", "Hit", "ScanStats", "build_finding", "default_engine", "engine_for", "evaluate",
           "scan_text", "sort_findings"]


class Engine:
    """Scans texts with a fixed list of rules and per-text code detectors."""

    def __init__(self, rules: Sequence[Rule], detectors: Sequence[TextDetector] = (), *,
                 fast: bool | None = None, learned: LearnedModel | None = None) -> None:
        """`fast`: pick the candidate patterns with RE2 sets (superset.py) instead of the
        trie pass; None uses it when google-re2 is installed and FOOTPRINT_RE2 is not "0".
        The findings are the same either way. `learned`: the learned cues (learned.py), run by
        `findings` after the rules and detectors, for the categories they did not find."""
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.detectors: tuple[TextDetector, ...] = tuple(detectors)
        self.learned = learned
        # Rules and detectors share one index space: rules first, then detectors.
        self._units: tuple[Rule, ...] = self.rules + tuple(d.rule for d in self.detectors)
        self._by_kind: dict[str, frozenset[int]] = {
            kind: frozenset(i for i, r in enumerate(self._units) if kind in r.targets) for kind in KINDS
        }
        self._keyword_rules = _keyword_index(self._units)
        # Where each rule's patterns can start (literals.py `start_literals`): a pattern with
        # start literals is tried only where one of them occurs, found by the same pass.
        self._anchors: list[tuple[int, int]] = []  # anchor id → (rule index, pattern index)
        self._gated: list[tuple[int, int]] = []    # -1 - gate id → (rule index, pattern index)
        self._pattern_anchor: dict[tuple[int, int], int] = {}
        anchor_words: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules):
            for k, pattern in enumerate(rule.patterns):
                starts = _anchorable(pattern.source)
                if starts is not None:
                    self._pattern_anchor[(i, k)] = len(self._anchors)
                    for word in starts:
                        anchor_words.setdefault(word, set()).add(len(self._anchors))
                    self._anchors.append((i, k))
                    continue
                # Not anchorable: gated instead, when some word every match contains is known
                # (a gate has a negative id; the pass notes only whether it occurs).
                needed = _gate(pattern.source)
                if needed is not None:
                    gate = -1 - len(self._gated)
                    self._pattern_anchor[(i, k)] = gate
                    for word in needed:
                        anchor_words.setdefault(word, set()).add(gate)
                    self._gated.append((i, k))
        # Per rule: each pattern's anchor or gate id (None: neither), and whether any pattern is
        # neither (the rule must then run whatever the pass found).
        self._rule_anchors: list[tuple[int | None, ...]] = [
            tuple(self._pattern_anchor.get((i, k)) for k in range(len(rule.patterns)))
            for i, rule in enumerate(self.rules)
        ]
        self._rule_open: list[bool] = [None in ids for ids in self._rule_anchors]
        self._words = _word_index(self._keyword_rules, anchor_words)
        self._prefilters: tuple[re.Pattern[str], re.Pattern[str]] | None = None  # `_trie_pass`
        if fast is None:
            fast = os.environ.get("FOOTPRINT_RE2", "1") != "0" and superset_available()
        self._fast = fast
        self._set: _SetPass | None = None  # built on first use (compiling it takes a second)
        self._anchor_search: dict[int, AnchoredSearch] = {}  # anchor id → its own start search

    @property
    def uses_set(self) -> bool:
        """Whether scans pick candidates with the RE2 set (False: the trie pass)."""
        return self._set_pass() is not None

    def _set_pass(self) -> _SetPass | None:
        if self._fast and self._set is None:
            self._set = _SetPass.build(self._units, len(self.rules))
            self._fast = self._set is not None
        return self._set

    # -- one text ------------------------------------------------------------------------------

    def candidates(self, text: str, kind: str | None = None) -> set[int]:
        """Indices of the rules (then detectors) whose keywords occur in `text` and that target `kind`."""
        return self._pass(text, kind)[0]

    def _pass(self, text: str, kind: str | None = None) -> tuple[set[int], dict[int, list[int]]]:
        """The one pass over a text: the candidate rules (then detectors) that target `kind`,
        and for each anchored pattern the positions where one of its start literals occurs."""
        found: set[int] = set()
        positions: dict[int, list[int]] = {}
        if not self._words or not text:
            return found, positions
        prefilter, prefilter_i = self._trie_pass()
        for start, entry in _word_hits(prefilter, prefilter_i, self._words, text):
            found.update(entry[0])
            for anchor in entry[1]:
                at = positions.get(anchor)
                if at is None:
                    positions[anchor] = [start]
                else:
                    at.append(start)
        if kind is not None:
            found &= self._by_kind.get(kind, frozenset())
        return found, positions

    def _trie_pass(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """One regex over every keyword and start literal, factored as a trie: about one failed
        attempt per character between hits (trie.py). It is searched in the lower-cased text
        (faster than IGNORECASE), or with IGNORECASE when lower-casing would change the text's
        length and so its offsets. Compiled when first needed: a big audit's RE2 sets seldom
        need it (half a second)."""
        if self._prefilters is None:
            alternation = trie_regex(self._words)
            self._prefilters = re.compile(alternation), re.compile(alternation, re.IGNORECASE)
        return self._prefilters

    def _starts(self, i: int, positions: dict[int, list[int]]) -> list[list[int] | None] | None:
        """Per pattern of rule `i`: where it may start (None: anywhere, it has no anchor); None
        for the whole rule when every pattern is anchored and none of their literals occurs."""
        ids = self._rule_anchors[i]
        if not self._rule_open[i] and not any(a in positions for a in ids):
            return None
        out: list[list[int] | None] = []
        for a in ids:
            if a is None:
                out.append(None)
            elif a < 0:  # gated: searched over the text if its word occurs, else skipped
                out.append(None if a in positions else _NOWHERE)
            else:
                out.append(positions.get(a, _NOWHERE))
        return out

    def scan(self, text: str, kind: str = "post", *, context: str | None = None,
             stats: ScanStats | None = None) -> list[Hit]:
        """Every rule and detector hit on one text of content kind `kind`, in rule order.

        Rules see the folded text (textfold.py); it has the same length, so spans index `text`.
        `context` is the text the item answers (a review), read by text detectors only.
        """
        folded = fold(text)
        set_pass = self._set_pass()
        reported = set_pass.candidates(folded) if set_pass is not None else None
        return self._scan_folded(folded, kind, context, reported, stats)

    def scan_batch(self, items: Sequence[tuple[str, str, str | None]]) -> list[list[Hit]]:
        """`scan` of each (text, kind, context), the same hits; the RE2 sets read all the texts
        one set at a time (superset.py `PatternSet.match_many`), which is faster over a few
        hundred texts than text after text."""
        folded = [fold(text) for text, _kind, _context in items]
        set_pass = self._set_pass()
        reported = set_pass.candidates_many(folded) if set_pass is not None else [None] * len(folded)
        return [self._scan_folded(f, kind, context, r)
                for f, (_text, kind, context), r in zip(folded, items, reported, strict=True)]

    def _scan_folded(self, folded: str, kind: str, context: str | None,
                     reported: dict[int, frozenset[int]] | None, stats: ScanStats | None = None) -> list[Hit]:
        """`scan` of a folded text, given the set pass's answer on it (None: the trie pass)."""
        folded_context = fold(context) if context else None
        starts_of: Callable[[int], list[list[int] | None] | None]
        if reported is not None:
            chosen = sorted(reported.keys() & self._by_kind.get(kind, frozenset()))
            starts_of = partial(self._set_starts, reported, folded)
        else:
            found, positions = self._pass(folded, kind)
            chosen = sorted(found)
            starts_of = partial(self._starts, positions=positions)
        if stats is not None:
            stats.texts += 1
            stats.prefilter_passes += 1
            stats.candidates += len(chosen)
            before = stats.regex_runs
        hits: list[Hit] = []
        n_rules = len(self.rules)
        for i in chosen:
            if i < n_rules:
                starts = starts_of(i)
                if starts is None:
                    continue  # no pattern of the rule can match here
                hit = evaluate(self.rules[i], folded, stats, starts)
            else:
                hit = self.detectors[i - n_rules].scan(folded, kind=kind, context=folded_context, stats=stats)
            if hit is not None:
                hits.append(hit)
        if stats is not None:
            stats.per_text_regex_runs.append(stats.regex_runs - before)
        return _apply_supersedes(hits)

    def _set_starts(self, reported: dict[int, frozenset[int]], text: str, i: int
                    ) -> list[list[int] | None] | None:
        """`_starts` after the set pass: rule `i` runs only the patterns the set named for it,
        an anchored one only where its start literals occur in `text`; None when the set named
        none (a keyword occurs, no pattern can match)."""
        could = reported[i]
        if not could:
            return None
        out: list[list[int] | None] = []
        for k, anchor in enumerate(self._rule_anchors[i]):
            if k not in could:
                out.append(_NOWHERE)
            elif anchor is None or anchor < 0:
                out.append(None)  # not anchored (or only gated): searched over the text
            else:
                out.append(self._anchor_starts(anchor, text))
        return out

    def _anchor_starts(self, anchor: int, text: str) -> list[int]:
        """Where the start literals of anchored pattern `anchor` occur in `text`. The set pass
        names a pattern that may match somewhere; a long alternation (a rule's vocabulary of
        client references) tried by `re` at every position costs up to a millisecond a text,
        tried where it can start, a few microseconds. Each pattern's search is made the first
        time the set names it."""
        search = self._anchor_search.get(anchor)
        if search is None:
            i, k = self._anchors[anchor]
            search = self._anchor_search[anchor] = AnchoredSearch([self.rules[i].patterns[k].regex])
        return search.starts(text).get(0, _NOWHERE)

    def findings(self, text: str, *, kind: str, item: ItemRef, account_id: int | None, role: str,
                 identified: bool, codes: list[str], context: str | None = None,
                 visibility: str | None = None, hits: list[Hit] | None = None) -> list[Finding]:
        """Findings for one text: hits tied to `item`, role- and audience-adjusted, citing `codes`.
        `hits`: the text's `scan` when already made (`scan_batch`)."""
        adjustment = role_adjustment(role, identified)
        audience = audience_adjustment(visibility)
        clients_see_it = not (role == "personal" and not identified)

        def applies(hit: Hit) -> bool:
            return hit.rule.audience != "clients" or clients_see_it

        kept = [h for h in (self.scan(text, kind, context=context) if hits is None else hits) if applies(h)]
        if self.learned is not None and text:
            kept += filter(applies, self.learned.hits(fold(text), kind, {h.rule.category for h in kept}))
        return [build_finding(h, text, item=item, account_id=account_id, codes=codes,
                              adjustments=[a for a in (adjustment, audience) if a is not None])
                for h in kept]


class _SetPass:
    """The RE2 form of the pass (superset.py): one set holds every pattern of every rule and, per
    rule and per detector, the alternation of its keywords. A unit is a candidate when its
    keywords occur (as with the trie pass: no keyword, no pattern runs) and, for a rule, one of
    its patterns may match; `candidates` maps each candidate to those patterns (the set reports
    a superset; `evaluate` runs only them, with Python's `re`)."""

    def __init__(self, patterns: PatternSet, entries: list[tuple[int, int]], n_rules: int) -> None:
        self._patterns = patterns
        # Per set entry: its unit (rule, then detector) and its pattern (-1: the keywords).
        self._unit = [unit for unit, _k in entries]
        self._pattern = [k for _unit, k in entries]
        self._n_rules = n_rules

    @classmethod
    def build(cls, units: Sequence[Rule], n_rules: int) -> _SetPass | None:
        regexes: list[RegexSource] = []
        entries: list[tuple[int, int]] = []
        keyword_entries: set[int] = set()
        for i, unit in enumerate(units):
            keywords = [kw.lower() for kw in unit.prefilter or unit.keywords]
            if not keywords:
                continue  # never a candidate on the trie pass either
            keyword_entries.add(len(regexes))
            regexes.append(Regex(trie_regex(keywords), re.IGNORECASE))
            entries.append((i, -1))
            if i < n_rules:
                for k, pattern in enumerate(unit.patterns):
                    regexes.append(pattern.source)
                    entries.append((i, k))
        patterns = PatternSet(regexes)
        if keyword_entries.intersection(patterns.open):
            return None  # a keyword alternation RE2 cannot take: the trie pass decides instead
        return cls(patterns, entries, n_rules)

    def candidates(self, text: str) -> dict[int, frozenset[int]] | None:
        """The candidate rules, each with the indices of its patterns that may match, and the
        candidate detectors (with no patterns); None when `text` must go through the trie pass
        (superset.py `PatternSet.match`). A rule whose keywords occur but none of whose patterns
        can match is left out: `scan` would skip it."""
        return self.candidates_many([text])[0]

    def candidates_many(self, texts: Sequence[str]) -> list[dict[int, frozenset[int]] | None]:
        """`candidates` of each text: the sets' reports of units whose keywords were reported
        too, confirmed (superset.py `PatternSet.chosen_many`)."""
        patterns, unit_of, pattern_of = self._patterns, self._unit, self._pattern
        unkeyed = patterns.open  # patterns no set holds: wanted wherever their rule is keyed

        def choose(reported: list[int]) -> list[int]:
            """The reports of units whose keywords were reported too."""
            keyed = {unit_of[j] for j in reported if pattern_of[j] < 0}
            if not keyed:
                return []
            chosen = [j for j in reported if unit_of[j] in keyed]
            if unkeyed:
                chosen.extend(j for j in unkeyed if unit_of[j] in keyed)
            return chosen

        out: list[dict[int, frozenset[int]] | None] = []
        n_rules = self._n_rules
        for found in patterns.chosen_many(texts, choose):
            if found is None:
                out.append(None)
                continue
            keyed = set()
            could: dict[int, set[int]] = {}
            for j in found:
                k = pattern_of[j]
                if k < 0:
                    keyed.add(unit_of[j])
                else:
                    at = could.get(unit_of[j])
                    if at is None:
                        could[unit_of[j]] = {k}
                    else:
                        at.add(k)
            answer = {u: frozenset(ks) for u, ks in could.items() if u in keyed}
            for u in keyed:
                if u >= n_rules:
                    answer[u] = _NO_PATTERNS
            out.append(answer)
        return out


_NO_PATTERNS: frozenset[int] = frozenset()


def _apply_supersedes(hits: list[Hit]) -> list[Hit]:
    """Drop the hits other hits supersede: always within a category, across categories only
    when the superseded hit discloses nothing about the client (Rule.supersedes)."""
    dropped: set[int] = set()
    for h in hits:
        for j, other in enumerate(hits):
            if other.rule.id in h.rule.supersedes and (other.rule.category == h.rule.category
                                                      or not other.discloses):
                dropped.add(j)
    return [h for j, h in enumerate(hits) if j not in dropped]


#: Whitespace the pass's `\s` matches, as the space the words are written with.
_SPACES = {ord(c): " " for c in "\t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
           "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"}


_NOWHERE: list[int] = []

#: A pattern with more start literals than this (`[A-Z][a-z]+` has 676) is run over the text.
_MAX_ANCHOR_WORDS = 256


def _anchorable(regex: RegexSource) -> frozenset[str] | None:
    """The start literals the engine anchors a pattern on, or None to run it over the text.

    Patterns that may start with a single letter or digit, with whitespace, or with any of
    hundreds of strings are left out:
    such a literal starts a hit at nearly every word, and the per-hit bookkeeping would cost
    more than the search it saves."""
    starts = start_literals(regex)
    if starts is None or len(starts) > _MAX_ANCHOR_WORDS:
        return None
    if any((len(w) < 2 and w.isalnum()) or not w.strip() for w in starts):
        return None
    return starts


def _gate(regex: RegexSource) -> frozenset[str] | None:
    r"""Words one of which every match of `regex` contains, for a pattern the engine cannot
    anchor; None when there are none worth a gate (words under three letters are everywhere).

    From literals.py `required_literals`, whose literals stand for `\s+` with one space: each is
    cut to its longest part without whitespace, which every match contains verbatim."""
    needed = required_literals(regex)
    if not needed or len(needed) > _MAX_ANCHOR_WORDS:
        return None
    words = frozenset(max(literal.split(), key=len, default="") for literal in needed)
    if any(len(w) < 3 for w in words):
        return None
    return words


def _word_index(keywords: dict[str, frozenset[int]], anchors: dict[str, set[int]]
                ) -> dict[str, tuple[frozenset[int], tuple[int, ...]]]:
    """Every word of the pass → (rules, anchors) of every keyword and start literal it starts
    with: the pass reports only the longest word at a position, and each shorter word that
    starts there is one of its prefixes."""
    index: dict[str, tuple[frozenset[int], tuple[int, ...]]] = {}
    for word in set(keywords) | set(anchors):
        rules: set[int] = set()
        found: set[int] = set()
        for n in range(1, len(word) + 1):
            prefix = word[:n]
            rules.update(keywords.get(prefix, ()))
            found.update(anchors.get(prefix, ()))
        index[word] = (frozenset(rules), tuple(sorted(found)))
    return index


def _keyword_index(rules: Sequence[Rule]) -> dict[str, frozenset[int]]:
    """Lower-cased keyword → the rules (then detectors) it selects. A keyword inside another
    one's match is found at its own position by the pass, and one that starts where a longer
    word starts is one of that word's prefixes (`_word_index`)."""
    direct: dict[str, set[int]] = {}
    for i, rule in enumerate(rules):
        for kw in rule.prefilter or rule.keywords:
            direct.setdefault(kw.lower(), set()).add(i)
    return {kw: frozenset(idx) for kw, idx in direct.items()}


# -- one rule on one text --------------------------------------------------------------------


def _evidence_span(match: re.Match[str]) -> tuple[int, int]:
    if "evidence" in match.re.groupindex and match.group("evidence") is not None:
        return match.span("evidence")
    return match.span()


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_Entry = TypeVar("_Entry")


def _word_hits(search_lower: re.Pattern[str], search_any_case: re.Pattern[str] | None,
               words: dict[str, _Entry], text: str) -> Iterator[tuple[int, _Entry]]:
    """(position, words[word]) for every position of `text` where a word of the trie regex
    starts, the longest word there. Restarting one character after each hit reports words that
    start inside another word's match ("client meeting" / "ent mee"), like a lookahead, but lets
    `re` scan between hits. Searched in the lower-cased text, or with the IGNORECASE twin when
    lower-casing would change the text's length (and so its offsets)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        search, text = search_lower.search, lowered
    else:  # pragma: no cover - rare letters ("İ") whose lower case is longer
        search = (search_any_case or search_lower).search
    match = search(text)
    while match is not None:
        start = match.start()
        word = match.group(0)
        entry = words.get(word)
        if entry is None:  # another case, or whitespace other than a space
            entry = words.get(word.lower().translate(_SPACES))
        if entry is not None:
            yield start, entry
        match = search(text, start + 1)


class AnchoredSearch:
    """Several regexes searched as the engine searches rule patterns, for code detectors: each
    tried only where one of its start literals occurs, found in one pass over the text."""

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        self.regexes = tuple(regexes)
        direct: dict[str, set[int]] = {}
        self._open: tuple[int, ...] = ()
        for j, regex in enumerate(self.regexes):
            starts = _anchorable(regex)
            if starts is None:
                self._open += (j,)
            for word in starts or ():
                direct.setdefault(word, set()).add(j)
        # The engine's index, with no keywords: each word → the regexes of every word it starts with.
        self._words = _word_index({}, direct)
        source = trie_regex(self._words)
        self._search = re.compile(source) if source else None
        self._search_i = re.compile(source, re.IGNORECASE) if source else None

    def starts(self, text: str) -> dict[int, list[int]]:
        """Index of an anchored regex → the positions where one of its start literals occurs
        (ascending; absent: none occurs)."""
        positions: dict[int, list[int]] = {}
        if self._search is not None:
            for start, (_rules, ids) in _word_hits(self._search, self._search_i, self._words, text):
                for j in ids:
                    positions.setdefault(j, []).append(start)
        return positions

    def finditer(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        """(index of the regex, match) for every match `regex.finditer` would find, regex by regex."""
        positions = self.starts(text)
        for j, regex in enumerate(self.regexes):
            if j in self._open:
                found: Iterable[re.Match[str]] = regex.finditer(text)
            elif j in positions:
                found = _anchored(regex, text, positions[j])
            else:
                continue
            for m in found:
                yield j, m


def _anchored(regex: re.Pattern[str], text: str, starts: list[int]) -> Iterable[re.Match[str]]:
    """What `regex.finditer(text)` yields, for a pattern whose non-empty matches can only begin
    at `starts` (ascending): tried there only, the next try past the last match's end."""
    end = 0
    match = regex.match
    for start in starts:
        if start < end:
            continue
        m = match(text, start)
        if m is not None and m.end() > start:
            end = m.end()
            yield m


def evaluate(rule: Rule, text: str, stats: ScanStats | None = None,
             starts: Sequence[list[int] | None] | None = None) -> Hit | None:
    """Run one rule's patterns, negatives and cues over `text`; None when it does not fire.

    `starts`, per pattern, lists the only positions where its matches can begin (the engine's
    anchors); None for a pattern (or for all) means anywhere."""
    matches: list[tuple[int, int, Pattern]] = []
    for k, pattern in enumerate(rule.patterns):
        at = None if starts is None else starts[k]
        if at is None:
            tried: Iterable[re.Match[str]] = pattern.regex.finditer(text)
        elif at:
            tried = _anchored(pattern.regex, text, at)
        else:
            continue  # anchored, and none of its start literals occurs
        for m in tried:
            start, end = _evidence_span(m)
            if start < end:
                matches.append((start, end, pattern))
    if stats is not None:
        stats.regex_runs += len(rule.patterns)
    if not matches:
        return None
    for negative in rule.negatives:
        if stats is not None:
            stats.regex_runs += 1
        if negative.scope == "text":
            if negative.regex.search(text):
                return None
        else:
            spans = [n.span() for n in negative.regex.finditer(text)]
            matches = [m for m in matches if not any(_overlaps((m[0], m[1]), s) for s in spans)]
            if not matches:
                return None
    matches.sort(key=lambda m: (m[0], -m[1]))

    def pattern_score(p: Pattern) -> float:
        return rule.score if p.score is None else p.score

    best = max(matches, key=lambda m: (pattern_score(m[2]), -m[0]))
    base_label = "base" if best[2].label == "match" else f"base: {best[2].label}"
    contributions = [Contribution(base_label, clip(text[best[0]:best[1]]), pattern_score(best[2]))]
    floors: list[Severity] = []
    discloses = False
    for cue in rule.context:
        found = _find_cue(cue.regex, cue.window, text, matches)
        if found is not None:
            contributions.append(Contribution(cue.label, clip(found), cue.weight))
            discloses = discloses or cue.discloses
            if cue.severity is not None:
                floors.append(cue.severity)
    if stats is not None:
        stats.regex_runs += len(rule.context)
    return score_hit(rule, text, merge_spans([(s, e) for s, e, _ in matches]),
                     text[matches[0][0]:matches[0][1]], contributions, floors, stats, discloses)


def _find_cue(regex: re.Pattern[str], window: int | None, text: str,
              matches: list[tuple[int, int, Pattern]]) -> str | None:
    if window is None:
        m = regex.search(text)
        return m.group(0) if m else None
    for start, end, _ in matches:
        m = regex.search(text, max(0, start - window), min(len(text), end + window))
        if m:
            return m.group(0)
    return None


# -- findings --------------------------------------------------------------------------------


def build_finding(hit: Hit, text: str, *, item: ItemRef, account_id: int | None, codes: list[str],
                  adjustments: Sequence[Adjustment] = ()) -> Finding:
    """A Finding from a hit: role and audience adjustments, excerpt, citations, balanced contributions."""
    from auditor.analyzer.scoring import balance

    rule = hit.rule
    contributions = list(hit.contributions)
    total = hit.score
    severity = hit.severity
    for adjustment in adjustments:
        contributions.append(Contribution(adjustment.label, None, adjustment.weight))
        total, contributions = clamp(total + to_decimal(adjustment.weight), contributions)
        severity = severity.shifted(adjustment.severity_steps)
    score = float(total)
    excerpt, spans = make_excerpt(text, list(hit.spans))
    return Finding(
        rule_id=rule.id, category=rule.category, severity=severity, score=score,
        message=rule.message, item=item, account_id=account_id, excerpt=excerpt, spans=spans,
        contributions=balance(contributions, score), citations=resolve(rule.citations, codes),
        remediation=rule.remediation, identity=normalize_text(hit.matched), tags=rule.tags,
    )


# -- convenience entry point -----------------------------------------------------------------


_ENGINES: dict[tuple[int | bool | None, ...], tuple[Engine, tuple[object, ...]]] = {}


def engine_for(rules: Sequence[Rule], detectors: Sequence[type[TextDetector]], *,
               fast: bool | None = None) -> Engine:
    """An engine over `rules` and new instances of `detectors`, reused while the same rule
    objects are asked for again (building one compiles every keyword and start literal).
    `fast` as for `Engine`."""
    from auditor.analyzer.learned import default_model

    model = default_model()
    key = (*map(id, rules), 0, *map(id, detectors), fast, id(model))
    cached = _ENGINES.get(key)
    if cached is not None:
        return cached[0]
    engine = Engine(rules, [cls() for cls in detectors], fast=fast, learned=model)
    if len(_ENGINES) >= 4:
        _ENGINES.clear()
    # The rule objects are kept with the engine, so that their ids stay theirs.
    _ENGINES[key] = (engine, (*rules, *detectors, model))
    return engine


@cache
def default_engine() -> Engine:
    """An engine over the built-in packs and text detectors (cached: they ship with the code)."""
    from auditor.analyzer.detectors.base import discover_text
    from auditor.analyzer.learned import default_model
    from auditor.analyzer.rules import active_rules, load_packs

    return Engine(active_rules(load_packs()), [cls() for cls in discover_text()], learned=default_model())


def scan_text(text: str, *, kind: str = "post", role: str = "unknown", platform: str = "generic",
              identified: bool | None = None, profession: str | None = None,
              covered_entity: bool | None = None, native_id: str | None = None,
              context: str | None = None, visibility: str | None = None,
              rules: Iterable[Rule] | None = None, engine: Engine | None = None) -> list[Finding]:
    """Findings for one free-standing text, for evaluation scripts and tests.

    `role` is the author account's role. A "personal" account counts as anonymous (severity one
    step down) unless `identified=True` says its profile names the profession. Citations are
    those of `profession` (every code when None), plus HIPAA unless `covered_entity is False`.
    `context` is the text the item answers (the review a reply is to); `visibility` the item's
    audience ("public", "followers", ...). With `rules`, only those rules run (no text detectors);
    with `engine`, that engine does (the training script's, with or without learned cues).
    """
    if kind not in KINDS:
        raise UsageError(f"unknown content kind {kind!r} (known: {', '.join(KINDS)})")
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    if engine is None:
        engine = default_engine() if rules is None else Engine(list(rules))
    codes = codes_for(profession, covered_entity)
    item = ItemRef(type=kind, platform=platform, native_id=native_id)
    findings = engine.findings(text, kind=kind, item=item, account_id=None, role=role,
                               identified=bool(identified), codes=codes, context=context,
                               visibility=visibility)
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Severity (highest first), then score (highest first), then fingerprint."""
    return sorted(findings, key=lambda f: (-f.severity.rank, -f.score, f.fingerprint))
