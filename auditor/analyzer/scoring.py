"""Score arithmetic shared by the engine and code detectors.

Scores are summed as decimals so that pack thresholds behave as written (0.65 - 0.15 reaches a
min_score of 0.5; binary floats would land just below it). The float contributions of a finding
must still sum to its float score exactly, so `balance` nudges the last weight by ulps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from auditor.findings import Contribution


def to_decimal(value: float) -> Decimal:
    """The decimal a weight reads as: repr() is the shortest round-tripping string (0.15, not
    its binary expansion)."""
    return Decimal(repr(value))


def exact_sum(contributions: Sequence[Contribution]) -> Decimal:
    return sum((to_decimal(c.weight) for c in contributions), Decimal(0))


def clamp(total: Decimal, contributions: Sequence[Contribution]) -> tuple[Decimal, list[Contribution]]:
    """`total` clamped to 0..1; a "clamped" contribution records any cut."""
    parts = list(contributions)
    if total > 1:
        return Decimal(1), [*parts, Contribution("clamped to 1", None, float(1 - total))]
    if total < 0:
        return Decimal(0), [*parts, Contribution("clamped to 0", None, float(-total))]
    return total, parts


def balance(contributions: Sequence[Contribution], target: float) -> tuple[Contribution, ...]:
    """Nudge the last weight by float ulps so that `sum(weights) == target` holds exactly."""
    if not contributions:
        return ()
    head = list(contributions[:-1])
    last = contributions[-1]
    partial = sum(c.weight for c in head)
    if partial + last.weight == target:
        return tuple(contributions)
    weight = target - partial
    for _ in range(64):
        got = partial + weight
        if got == target:
            break
        weight = math.nextafter(weight, math.inf if got < target else -math.inf)
    return (*head, Contribution(last.label, last.matched, weight))


def score_of(contributions: Sequence[Contribution]) -> tuple[tuple[Contribution, ...], float]:
    """Clamped score of `contributions`, and the contributions (with any cut) summing to it."""
    total, parts = clamp(exact_sum(contributions), contributions)
    score = float(total)
    return balance(parts, score), score
