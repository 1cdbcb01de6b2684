"""Detection accuracy may not regress: micro-F1 and every category's F1 on the corpus splits stay
at or above the levels recorded in accuracy_floor.json, and hard negatives stay clean.

The holdout split is only scored here (numbers, never its texts): see tests/data/eval/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOOR = json.loads((Path(__file__).with_name("accuracy_floor.json")).read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_detection import evaluate

EVAL = ROOT / "tests" / "data" / "eval"
SPLITS = {"dev": "dev", "holdout": "holdout",
          **{name: EVAL / f"{name}.jsonl" for name in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6",
                                                      "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12",
                                                      "fresh13", "fresh14", "fresh15", "fresh16", "fresh17", "fresh18",
                                                      "wild-a", "wild-b")}}


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_accuracy_does_not_drop_below_the_recorded_floor(split):
    report, _ = evaluate(SPLITS[split])
    floor = FLOOR[split]
    if "micro_f1" in floor:  # not for the files of ordinary posts: they have nothing to find
        assert report.micro.f1 >= floor["micro_f1"], f"{split} micro-F1 {report.micro.f1:.3f} < {floor['micro_f1']}"
    for category, minimum in floor["per_category_f1"].items():
        got = report.per_category[category].f1
        assert got >= minimum, f"{split} {category} F1 {got:.3f} < {minimum}"
    assert report.hard_negative_fp_rate <= floor["hard_negative_fp_rate_max"]
    # Files of ordinary posts (nothing to flag) have no F1: how many of them get a finding.
    if "negatives_flagged_max" in floor:
        assert report.negatives_flagged <= floor["negatives_flagged_max"], (
            f"{split}: {report.negatives_flagged} ordinary posts flagged > {floor['negatives_flagged_max']}")
