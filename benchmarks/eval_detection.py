"""Precision, recall and F1 of the post detectors on the labelled evaluation corpus.

    python benchmarks/eval_detection.py --split dev [--misses PATH] [--json PATH]
    python benchmarks/eval_detection.py --split holdout           # numbers only, no misses file

Each item of `tests/data/eval/<split>.jsonl` is scanned with `scan_text(text, kind=, role=)`
(the rule packs and the per-text code detectors, exactly what an audit runs on one text). A
category is predicted when at least one finding of that category is produced. Prints, per
category, precision, recall and F1 (a multi-label item counts once in each of its labels),
the micro-averaged F1 over all six, the false-positive rate on hard negatives (items with no
label that a naive keyword tool would flag: any finding on one is a false positive), and the
Spanish and per-role slices.

Misses (false negatives and false positives, with every finding produced and its explanation)
go to `--misses`, by default `benchmarks/out/misses-dev.txt` for the dev split. For the holdout
split nothing is written unless `--misses` is given: the holdout's texts must not be studied
(tests/data/eval/README.md, "Holdout rules").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from auditor.analyzer.engine import scan_text
from auditor.findings import CATEGORIES, Finding

EVAL_DIR = ROOT / "tests" / "data" / "eval"
OUT_DIR = ROOT / "benchmarks" / "out"
#: The corpus's canonical label order (its README), used for every table.
ORDER: tuple[str, ...] = ("confidentiality", "personalized_advice", "professional_conduct", "testimonial",
                          "dual_relationship", "boundary")
assert set(ORDER) == set(CATEGORIES)


@dataclass(frozen=True, slots=True)
class Scored:
    """One corpus item with what the analyzer predicted for it."""

    item: dict[str, Any]
    predicted: frozenset[str]
    findings: tuple[Finding, ...]

    @property
    def gold(self) -> frozenset[str]:
        return frozenset(self.item["labels"])


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Every number the script prints, as data (the accuracy-floor test reads it)."""

    items: int
    per_category: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    hard_negatives: int = 0
    hard_negative_fp: int = 0
    #: Items with no label (hard and plain negatives), and how many of them got a finding.
    negatives: int = 0
    negatives_flagged: int = 0
    slices: dict[str, tuple[int, Counts, int, int]] = field(default_factory=dict)

    @property
    def hard_negative_fp_rate(self) -> float:
        return self.hard_negative_fp / self.hard_negatives if self.hard_negatives else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "micro": _counts_dict(self.micro),
            "per_category": {c: _counts_dict(k) for c, k in self.per_category.items()},
            "hard_negatives": self.hard_negatives,
            "hard_negative_fp": self.hard_negative_fp,
            "hard_negative_fp_rate": round(self.hard_negative_fp_rate, 4),
            "negatives": self.negatives,
            "negatives_flagged": self.negatives_flagged,
            "slices": {name: {"items": n, "micro": _counts_dict(c), "hard_negatives": hn, "hard_negative_fp": hfp}
                       for name, (n, c, hn, hfp) in self.slices.items()},
        }


def _counts_dict(c: Counts) -> dict[str, float | int]:
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": round(c.precision, 4),
            "recall": round(c.recall, 4), "f1": round(c.f1, 4)}


def load(split: str | Path) -> list[dict[str, Any]]:
    """The items of a split name ("dev", "holdout") or of a JSONL file path."""
    path = Path(split) if str(split).endswith(".jsonl") else EVAL_DIR / f"{split}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(items: Iterable[dict[str, Any]]) -> list[Scored]:
    """Scan every item as the audit would (its kind and its account role)."""
    out: list[Scored] = []
    for item in items:
        findings = tuple(scan_text(item["text"], kind=item["kind"], role=item["role"], native_id=item["id"]))
        out.append(Scored(item, frozenset(f.category for f in findings), findings))
    return out


def score(scored: Sequence[Scored]) -> Report:
    """Per-category and micro counts, hard-negative false positives, and slices."""
    report = Report(items=len(scored), per_category={c: Counts() for c in ORDER})
    for s in scored:
        for c in ORDER:
            counts = report.per_category[c]
            if c in s.predicted and c in s.gold:
                counts.tp += 1
            elif c in s.predicted:
                counts.fp += 1
            elif c in s.gold:
                counts.fn += 1
        if s.item.get("hard_negative"):
            report.hard_negatives += 1
            report.hard_negative_fp += bool(s.predicted)
        if not s.gold:
            report.negatives += 1
            report.negatives_flagged += bool(s.predicted)
    report.micro = _micro(report.per_category.values())
    for name, pick in (("lang=es", lambda it: it["lang"] == "es"), ("lang=en", lambda it: it["lang"] == "en"),
                       ("role=professional", lambda it: it["role"] == "professional"),
                       ("role=personal", lambda it: it["role"] == "personal")):
        subset = [s for s in scored if pick(s.item)]
        sub = score_plain(subset)
        hn = [s for s in subset if s.item.get("hard_negative")]
        report.slices[name] = (len(subset), sub, len(hn), sum(bool(s.predicted) for s in hn))
    return report


def score_plain(scored: Sequence[Scored]) -> Counts:
    """Micro counts only (for slices)."""
    counts = Counts()
    for s in scored:
        counts.tp += len(s.predicted & s.gold)
        counts.fp += len(s.predicted - s.gold)
        counts.fn += len(s.gold - s.predicted)
    return counts


def _micro(per: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in per:
        total.tp += c.tp
        total.fp += c.fp
        total.fn += c.fn
    return total


def evaluate(split: str | Path) -> tuple[Report, list[Scored]]:
    scored = predict(load(split))
    return score(scored), scored


# -- output ------------------------------------------------------------------------------------


def format_report(report: Report, split: str) -> str:
    lines = [f"split: {split} ({report.items} items)", "",
             f"{'category':<22}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for c in ORDER:
        k = report.per_category[c]
        lines.append(f"{c:<22}{k.precision:>7.3f}{k.recall:>7.3f}{k.f1:>7.3f}{k.tp:>6}{k.fp:>5}{k.fn:>5}")
    m = report.micro
    lines.append(f"{'micro':<22}{m.precision:>7.3f}{m.recall:>7.3f}{m.f1:>7.3f}{m.tp:>6}{m.fp:>5}{m.fn:>5}")
    flagged = (f"hard negatives flagged: {report.hard_negative_fp}/{report.hard_negatives} "
               f"(FP rate {report.hard_negative_fp_rate:.3f})")
    negatives = f"items with no label flagged: {report.negatives_flagged}/{report.negatives}"
    lines += ["", flagged, negatives, ""]
    for name, (n, k, hn, hfp) in report.slices.items():
        lines.append(f"{name:<20} items {n:>4}  micro P {k.precision:.3f} R {k.recall:.3f} F1 {k.f1:.3f}  "
                     f"hard negatives flagged {hfp}/{hn}")
    return "\n".join(lines)


def format_misses(scored: Sequence[Scored]) -> str:
    """Every false negative and false positive, with the findings and their explanations."""
    blocks: list[str] = []
    for s in scored:
        missed = sorted(s.gold - s.predicted, key=ORDER.index)
        extra = sorted(s.predicted - s.gold, key=ORDER.index)
        if not missed and not extra:
            continue
        it = s.item
        title = f"{it['id']} [{it['kind']}, {it['role']}, {it['lang']}]"
        head = [title + (" hard-negative" if it.get("hard_negative") else "")]
        if missed:
            head.append(f"  FN: {', '.join(missed)}")
        if extra:
            head.append(f"  FP: {', '.join(extra)}")
        head.append(f"  gold: {', '.join(sorted(s.gold, key=ORDER.index)) or '(none)'}  reason: {it['reason']}")
        head.append(f"  text: {it['text']}")
        for f in s.findings:
            head.append(f"  -> {f.category} / {f.rule_id} [{f.severity.value} {f.score:.2f}]: "
                        + "; ".join(f.explanation))
        blocks.append("\n".join(head))
    return "\n\n".join(blocks) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="dev, holdout, or a path to a .jsonl file")
    parser.add_argument("--misses", type=Path, default=None,
                        help="where to write the misses (default for dev: benchmarks/out/misses-dev.txt; "
                             "for holdout: not written)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers as JSON here")
    args = parser.parse_args(argv)

    report, scored = evaluate(args.split)
    print(format_report(report, str(args.split)))
    misses = args.misses
    if misses is None and args.split == "dev":
        misses = OUT_DIR / "misses-dev.txt"
    if misses is not None:
        misses.parent.mkdir(parents=True, exist_ok=True)
        misses.write_text(format_misses(scored), encoding="utf-8")
        print(f"\nmisses written to {misses}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
