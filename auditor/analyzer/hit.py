"""A rule or text detector firing on one text, before it is tied to an item, and its scoring.

Shared by the rule engine (engine.py) and the per-text code detectors (detectors/), so that both
score the same way: a base contribution, the cues found, the identifiability mosaic where asked,
all summed exactly (scoring.py) and clamped to 0..1; severity from the rule, its escalation
thresholds and any floors the cues or the mosaic set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from auditor.analyzer.mosaic import TIME_ANCHOR, mosaic
from auditor.analyzer.rules.schema import Rule
from auditor.analyzer.scoring import clamp, exact_sum, to_decimal
from auditor.findings import Contribution, Severity


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that fired on one text (scores are before the account-role adjustment)."""

    rule: Rule
    #: Evidence spans into the scanned text, merged and sorted.
    spans: tuple[tuple[int, int], ...]
    #: The leftmost match's text: what the fingerprint hashes besides rule and item.
    matched: str
    contributions: tuple[Contribution, ...]
    score: Decimal
    severity: Severity
    #: It tells something about the client beyond the reference itself (a cue marked `discloses`,
    #: or a mosaic detail other than the time anchor): see Rule.supersedes.
    discloses: bool = False


@dataclass(slots=True)
class ScanStats:
    """Counts of the work one or more scans did (benchmarks/bench_detection.py reads them)."""

    texts: int = 0
    #: Passes of the combined keyword prefilter: one per text, whatever the number of rules.
    prefilter_passes: int = 0
    #: Rules and text detectors selected by the prefilter, summed over texts.
    candidates: int = 0
    #: Regex evaluations after the prefilter (patterns, negatives, cues, mosaic components).
    regex_runs: int = 0
    per_text_regex_runs: list[int] = field(default_factory=list)


def clip(matched: str, limit: int = 80) -> str:
    """Matched text for an explanation line: whitespace collapsed, long matches shortened."""
    flat = " ".join(matched.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def score_hit(rule: Rule, text: str, spans: Sequence[tuple[int, int]], matched: str,
              contributions: Iterable[Contribution], floors: Iterable[Severity] = (),
              stats: ScanStats | None = None, discloses: bool = False) -> Hit | None:
    """Add the mosaic (if the rule asks), clamp, apply min_score and severity: a Hit or None."""
    parts = list(contributions)
    levels = list(floors)
    if rule.mosaic:
        found = mosaic(text)
        if stats is not None:
            stats.regex_runs += 8
        parts.extend(found.contributions)
        if found.floor is not None:
            levels.append(found.floor)
        discloses = discloses or bool(found.names - {TIME_ANCHOR.name})
    total, parts = clamp(exact_sum(parts), parts)
    if total < to_decimal(rule.min_score):
        return None
    for level, threshold in rule.escalate:
        if total >= to_decimal(threshold):
            levels.append(level)
            break
    severity = max([rule.severity, *levels], key=lambda s: s.rank)
    return Hit(rule=rule, spans=tuple(spans), matched=matched, contributions=tuple(parts), score=total,
               severity=severity, discloses=discloses)
