"""The rule engine: one combined pass per text, then only the candidate rules' patterns.

1. **Prefilter.** Every rule's keywords are compiled into one case-insensitive trie-shaped
   regex; one pass over the text reports every position where any keyword starts (overlapping
   keywords included). The keywords found select the candidate rules; a rule without a keyword
   in the text never runs a pattern.
2. **Patterns.** A candidate's patterns give the evidence spans. Match-scope negatives drop
   matches they overlap; a text-scope negative drops the rule for the item.
3. **Score.** Base score (the strongest matched pattern's, else the rule's) plus every context
   cue found, each counted once, clamped to 0..1. The finding exists when the score reaches the
   rule's `min_score`; `escalate` thresholds and cue severity floors may then raise its severity.
4. **Role.** The account role adjusts severity and score after existence is decided (role.py).

Scores are summed exactly (scoring.py) so that thresholds behave as written in the packs; the
contributions of a finding sum to its score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from auditor.analyzer.excerpt import make_excerpt, merge_spans
from auditor.analyzer.role import ROLES, RoleAdjustment, role_adjustment
from auditor.analyzer.rules.schema import KINDS, Pattern, Rule
from auditor.analyzer.scoring import balance, clamp, exact_sum, to_decimal
from auditor.analyzer.textfold import fold
from auditor.analyzer.trie import trie_regex
from auditor.codes import codes_for, resolve
from auditor.errors import UsageError
from auditor.findings import Contribution, Finding, ItemRef, Severity, normalize_text


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fired on one text, before it is tied to an item (scores are pre-role)."""

    rule: Rule
    #: Evidence spans into the scanned text, merged and sorted.
    spans: tuple[tuple[int, int], ...]
    #: The leftmost match's text: what the fingerprint hashes besides rule and item.
    matched: str
    contributions: tuple[Contribution, ...]
    score: Decimal
    severity: Severity


class Engine:
    """Scans texts with a fixed list of rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_kind: dict[str, frozenset[int]] = {
            kind: frozenset(i for i, r in enumerate(self.rules) if kind in r.targets) for kind in KINDS
        }
        self._keyword_rules = _keyword_index(self.rules)
        # One regex over every keyword, factored as a trie: about one failed attempt per
        # character between hits (trie.py).
        alternation = trie_regex(self._keyword_rules)
        self._prefilter = re.compile(alternation, re.IGNORECASE) if alternation else None

    # -- one text ------------------------------------------------------------------------------

    def candidates(self, text: str, kind: str | None = None) -> set[int]:
        """Indices of the rules whose keywords occur in `text` (and that target `kind`)."""
        found: set[int] = set()
        if self._prefilter is None or not text:
            return found
        allowed = self._by_kind.get(kind, frozenset()) if kind is not None else None
        # Restarting one character after each hit reports keywords that start inside another
        # keyword's match ("client meeting" / "ent mee"), like a lookahead, but lets `re` use its
        # fast first-character scan between hits.
        search = self._prefilter.search
        match = search(text)
        while match is not None:
            found.update(self._keyword_rules.get(match.group(0).lower(), ()))
            match = search(text, match.start() + 1)
        return found if allowed is None else found & allowed

    def scan(self, text: str, kind: str = "post") -> list[Hit]:
        """Every rule hit on one text of content kind `kind`, in rule order.

        Rules see the folded text (textfold.py); it has the same length, so spans index `text`.
        """
        folded = fold(text)
        hits = [h for i in sorted(self.candidates(folded, kind)) if (h := evaluate(self.rules[i], folded))]
        superseded = {other for h in hits for other in h.rule.supersedes}
        return [h for h in hits if h.rule.id not in superseded]

    def findings(self, text: str, *, kind: str, item: ItemRef, account_id: int | None, role: str,
                 identified: bool, codes: list[str]) -> list[Finding]:
        """Findings for one text: hits tied to `item`, role-adjusted, citing `codes`."""
        adjustment = role_adjustment(role, identified)
        return [build_finding(h, text, item=item, account_id=account_id, codes=codes,
                              adjustment=adjustment) for h in self.scan(text, kind)]


def _keyword_index(rules: Sequence[Rule]) -> dict[str, frozenset[int]]:
    """Lower-cased keyword → rules. A keyword also selects the rules of every keyword it
    contains ("clients" selects the rules of "client"), because the alternation reports only
    one keyword per start position, and the longest one wins."""
    direct: dict[str, set[int]] = {}
    for i, rule in enumerate(rules):
        for kw in rule.keywords:
            direct.setdefault(kw.lower(), set()).add(i)
    closed: dict[str, frozenset[int]] = {}
    for kw in direct:
        selected = set(direct[kw])
        for other, idx in direct.items():
            if other != kw and other in kw:
                selected |= idx
        closed[kw] = frozenset(selected)
    return closed


# -- one rule on one text --------------------------------------------------------------------


def _evidence_span(match: re.Match[str]) -> tuple[int, int]:
    if "evidence" in match.re.groupindex and match.group("evidence") is not None:
        return match.span("evidence")
    return match.span()


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(rule: Rule, text: str) -> Hit | None:
    """Run one rule's patterns, negatives and cues over `text`; None when it does not fire."""
    matches: list[tuple[int, int, Pattern]] = []
    for pattern in rule.patterns:
        for m in pattern.regex.finditer(text):
            start, end = _evidence_span(m)
            if start < end:
                matches.append((start, end, pattern))
    if not matches:
        return None
    for negative in rule.negatives:
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
    contributions = [Contribution(base_label, _clip(text[best[0]:best[1]]), pattern_score(best[2]))]
    floors: list[Severity] = []
    for cue in rule.context:
        found = _find_cue(cue.regex, cue.window, text, matches)
        if found is not None:
            contributions.append(Contribution(cue.label, _clip(found), cue.weight))
            if cue.severity is not None:
                floors.append(cue.severity)
    total, contributions = clamp(exact_sum(contributions), contributions)
    if total < to_decimal(rule.min_score):
        return None
    for level, threshold in rule.escalate:
        if total >= to_decimal(threshold):
            floors.append(level)
            break
    severity = max([rule.severity, *floors], key=lambda s: s.rank)
    return Hit(rule=rule, spans=tuple(merge_spans([(s, e) for s, e, _ in matches])),
               matched=text[matches[0][0]:matches[0][1]], contributions=tuple(contributions),
               score=total, severity=severity)


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


def _clip(matched: str, limit: int = 80) -> str:
    """Matched text for an explanation line: whitespace collapsed, long matches shortened."""
    flat = " ".join(matched.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- findings --------------------------------------------------------------------------------


def build_finding(hit: Hit, text: str, *, item: ItemRef, account_id: int | None, codes: list[str],
                  adjustment: RoleAdjustment | None) -> Finding:
    """A Finding from a hit: role adjustment, excerpt, citations, balanced contributions."""
    rule = hit.rule
    contributions = list(hit.contributions)
    total = hit.score
    severity = hit.severity
    if adjustment is not None:
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


@cache
def default_engine() -> Engine:
    """An engine over the built-in packs (cached: packs are data files shipped with the code)."""
    from auditor.analyzer.rules import active_rules, load_packs

    return Engine(active_rules(load_packs()))


def scan_text(text: str, *, kind: str = "post", role: str = "unknown", platform: str = "generic",
              identified: bool | None = None, profession: str | None = None,
              covered_entity: bool | None = None, native_id: str | None = None,
              rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Findings for one free-standing text, for evaluation scripts and tests.

    `role` is the author account's role. A "personal" account counts as anonymous (severity one
    step down) unless `identified=True` says its profile names the profession. Citations are
    those of `profession` (every code when None), plus HIPAA unless `covered_entity is False`.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown content kind {kind!r} (known: {', '.join(KINDS)})")
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    engine = default_engine() if rules is None else Engine(list(rules))
    codes = codes_for(profession, covered_entity)
    item = ItemRef(type=kind, platform=platform, native_id=native_id)
    findings = engine.findings(text, kind=kind, item=item, account_id=None, role=role,
                               identified=bool(identified), codes=codes)
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Severity (highest first), then score (highest first), then fingerprint."""
    return sorted(findings, key=lambda f: (-f.severity.rank, -f.score, f.fingerprint))
