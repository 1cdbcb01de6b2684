"""The synthetic evaluation scenario: precision, recall and roster recall (benchmarks/eval_overlap.py)."""

from __future__ import annotations

import pytest

from benchmarks.eval_overlap import evaluate


@pytest.mark.parametrize("seed", [7, 2])
def test_certain_and_likely_reach_precision_and_recall(seed: int) -> None:
    r = evaluate(seed, 300)
    assert r["people"] >= 300 and r["true_overlaps"] >= 50
    assert r["precision"] >= 0.95
    # Recall over the people an archive names on both sides; X ids nothing names are reported
    # as unresolved (DESIGN: coverage), and counted separately.
    assert r["recall_identifiable"] >= 0.90
    assert r["unresolved_rows"] > 0
    # Every roster client the archives name on a personal account is found.
    assert r["roster_named_found"] == r["roster_named_on_personal"] > 0
