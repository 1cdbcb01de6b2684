"""Train the learned cues (auditor/analyzer/learned.py) on the labelled development corpus.

    python benchmarks/train_learned.py tune  [--train FILE ...] --validate FILE [...]
    python benchmarks/train_learned.py train [--train FILE ...] --thresholds JSON [--out PATH]

Needs scikit-learn (`pip install -e '.[train]'`); the shipped model runs without it.

`tune` scores each validation file with the rules and text detectors and with a model trained on
the training files and the other validation files (the shipped model is trained on all of them:
its thresholds must be chosen for a model trained on as much), and, per category,
picks the probability thresholds that give the best micro-F1 on the validation files together
(coordinate ascent) while the learned cues flag at most `--hn-extra` of their hard negatives
beyond those the rules alone flag, and at most
`--ordinary-rate` of the posts in the `--ordinary` files (ordinary feeds, no labels) beyond what
the rules flag there. The validation
files must be ones the rules were not tuned on, or the rules' recall there says nothing about how
much the model adds. It prints the thresholds as JSON for `train`.

`train` fits the same model on the development files and writes it with the thresholds, the
SHA-256 of every file it learned from, and per category a few examples it checked (texts of the
training files on which the learned finding appears, and hard negatives on which nothing does);
the test suite runs them. It then checks that the pure-Python scorer gives sklearn's log-odds.

The holdout and fresh2 are refused: the one is never used for development
(tests/data/eval/README.md), the other is the untouched measure of outside wording.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval_detection import ORDER, Scored
from eval_detection import load as load_split
from eval_detection import score as score_scored

from auditor.analyzer import learned
from auditor.analyzer.engine import Engine, default_engine, scan_text
from auditor.analyzer.textfold import fold
from auditor.findings import CATEGORIES

EVAL = ROOT / "tests" / "data" / "eval"
#: The shipped model's training files: every development file but fresh2 and wild-b.
DEFAULT_TRAIN = [EVAL / f for f in ("dev.jsonl", "fresh.jsonl", *(f"fresh{i}.jsonl" for i in range(3, 19)),
                                     "wild-a.jsonl")]
REFUSED = {"holdout.jsonl", "fresh2.jsonl"}
#: Regularisation (inverse strength) of each category's logistic regression: 2, 4 and 8 were
#: tried with `tune`; 4 gave the best validation micro-F1 under the caps and flagged half as many
#: of bench_detection.py's ordinary synthetic posts as 8 (docs/accuracy.md).
C = 4.0
#: Weight of an item in a category's regression when the rules already find that category on it.
#: 0.3 with C = 8 gave 0.015 more validation micro-F1 on fresh11-fresh14 than 1 with C = 4, but
#: flagged 0.63% of bench_detection.py's ordinary synthetic posts against 0.27% (docs/accuracy.md).
FOUND_WEIGHT = 1.0
MIN_DF = 2
EXAMPLES_PER_SIDE = 3


def load(paths: list[Path]) -> list[dict[str, Any]]:
    """The items of `paths` (eval_detection.load), refusing the holdout and fresh2."""
    items: list[dict[str, Any]] = []
    for p in paths:
        if p.name in REFUSED:
            raise SystemExit(f"{p.name} is never used for training (tests/data/eval/README.md)")
        items.extend(load_split(p))
    return items


def analyzer(item: dict[str, Any]) -> list[str]:
    """The model's features of a corpus item."""
    return learned.features(fold(item["text"]), item["kind"])


def fit(items: list[dict[str, Any]], c: float | None = None,
        found_weight: float | None = None) -> tuple[Any, dict[str, Any]]:
    """The vectorizer and one logistic regression per category. An item on which the rules
    already find a category counts `found_weight` times in that category's regression (the cues
    speak only where no rule found the category, so that is where they should be good)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    fw = FOUND_WEIGHT if found_weight is None else found_weight
    vec = TfidfVectorizer(analyzer=analyzer, min_df=MIN_DF, sublinear_tf=True, norm="l2")
    x = vec.fit_transform(items)
    found = rules_found(items) if fw != 1.0 else [set() for _ in items]
    models = {}
    for cat in CATEGORIES:
        y = np.array([cat in i["labels"] for i in items])
        weight = np.array([fw if cat in f else 1.0 for f in found])
        models[cat] = LogisticRegression(C=c or C, max_iter=5000, class_weight="balanced").fit(
            x, y, sample_weight=weight)
    return vec, models


def rules_found(items: list[dict[str, Any]]) -> list[set[str]]:
    """The categories the rules and text detectors find on each item (with its role)."""
    engine = _rules_engine()
    return [categories_found(engine, it)[0] for it in items]


@cache
def _rules_engine() -> Engine:
    return engine_with(None)


def export(vec: Any, models: dict[str, Any], thresholds: dict[str, float], trained_on: list[Path],
           examples: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    cats = list(CATEGORIES)
    terms: dict[str, list[float]] = {}
    for term, j in sorted(vec.vocabulary_.items()):
        terms[term] = [_sig(vec.idf_[j]), *(_sig(models[c].coef_[0, j]) for c in cats)]
    return {
        "format": learned.FORMAT,
        "about": "Learned cues of footprint (auditor/analyzer/learned.py), written by benchmarks/train_learned.py",
        "categories": cats,
        "trained_on": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in trained_on},
        "c": C, "found_weight": FOUND_WEIGHT, "min_df": MIN_DF,
        "bias": {c: _sig(models[c].intercept_[0]) for c in cats},
        "thresholds": {c: thresholds[c] for c in cats},
        "examples": examples or {},
        "terms": terms,
    }


def _sig(x: float) -> float:
    return float(f"{x:.6g}")


def engine_with(model: learned.LearnedModel | None) -> Engine:
    base = default_engine()
    return Engine(base.rules, base.detectors, learned=model)


def categories_found(engine: Engine, item: dict[str, Any], role: str | None = None) -> tuple[set[str], set[str]]:
    """(categories of every finding, categories of the learned findings) for one item, as
    `scan_text` reports them (with the item's role unless `role` is given)."""
    found = scan_text(item["text"], kind=item["kind"], role=role or item["role"], engine=engine)
    return {f.category for f in found}, {f.category for f in found if f.rule_id.startswith("learned-")}


def applies_to(item: dict[str, Any], category: str) -> bool:
    """Whether the learned cue of `category` can speak on `item`: a cue whose audience is
    "clients" (learned.audience) does not apply on an anonymous personal account, and scan_text
    reads a personal role as anonymous."""
    return learned.audience(category) != "clients" or item["role"] != "personal"


def score(items: list[dict[str, Any]], preds: list[set[str]]) -> tuple[float, dict[str, float], int]:
    """Micro-F1, F1 per category and hard negatives flagged, as eval_detection.py counts them."""
    report = score_scored([Scored(it, frozenset(p), ()) for it, p in zip(items, preds, strict=True)])
    return report.micro.f1, {c: k.f1 for c, k in report.per_category.items()}, report.hard_negative_fp


def tune(args: argparse.Namespace) -> None:
    import numpy as np

    held_out = {p.resolve() for p in args.validate}
    dropped = [p for p in args.train if p.resolve() in held_out]
    if dropped:  # a validation file is never trained on while its own thresholds are chosen
        print("not training on the validation files " + ", ".join(p.name for p in dropped), file=sys.stderr)
    train_items = load([p for p in args.train if p.resolve() not in held_out])
    per_file = {p: load([p]) for p in args.validate}
    val_items = [it for items in per_file.values() for it in items]
    ordinary = load(args.ordinary) if args.ordinary else []
    rules_only = engine_with(None)
    base = [categories_found(rules_only, it)[0] for it in val_items]
    f0, per0, hn0 = score(val_items, base)
    print(f"rules alone on the validation files: micro-F1 {f0:.3f}, hard negatives flagged {hn0}", file=sys.stderr)
    print("  " + ", ".join(f"{c} {per0[c]:.3f}" for c in ORDER), file=sys.stderr)
    # Each validation file is scored by a model trained on the training files and the other
    # validation files: as eager as the shipped model, trained on all of them, will be (a model
    # trained on less data is more cautious at the same threshold), yet never on the file itself.
    probs = {c: np.zeros(len(val_items)) for c in CATEGORIES}
    start = 0
    for path, held in per_file.items():
        others = [it for p, items in per_file.items() if p != path for it in items]
        vec, models = fit(train_items + others, args.c, args.found_weight)
        x = vec.transform(held)
        for c in CATEGORIES:
            probs[c][start:start + len(held)] = models[c].predict_proba(x)[:, 1]
        start += len(held)
    vec, models = fit(train_items + val_items, args.c, args.found_weight)  # the shipped model's data, for the ordinary posts
    n_hn = sum(it["hard_negative"] for it in val_items)
    cap = hn0 + math.floor(args.hn_extra * n_hn)
    # Ordinary posts (no labels): the learned cues may flag at most `ordinary_rate` of them more
    # than the rules do.
    ord_base = [categories_found(rules_only, it)[0] for it in ordinary]
    ord_probs = {c: models[c].predict_proba(vec.transform(ordinary))[:, 1] for c in CATEGORIES} if ordinary else {}
    ord_applies = {c: [applies_to(it, c) for it in ordinary] for c in CATEGORIES}
    ord0 = sum(1 for p in ord_base if p)
    ord_cap = ord0 + math.floor(args.ordinary_rate * len(ordinary))

    def ordinary_flagged(th: dict[str, float]) -> int:
        return sum(1 for i, p in enumerate(ord_base)
                   if p or any(ord_probs[c][i] >= th[c] and ord_applies[c][i] for c in CATEGORIES))

    if ordinary:
        print(f"rules alone flag {ord0} of {len(ordinary)} ordinary posts; the cap is {ord_cap}", file=sys.stderr)
    grid = [round(0.30 + 0.02 * k, 2) for k in range(35)]  # 0.30 .. 0.98
    chosen = {c: 0.99 for c in CATEGORIES}  # 0.99: the category adds (nearly) nothing yet

    applies = {c: [applies_to(it, c) for it in val_items] for c in CATEGORIES}

    def combined(th: dict[str, float]) -> tuple[float, dict[str, float], int]:
        return score(val_items, [p | {c for c in CATEGORIES if probs[c][i] >= th[c] and applies[c][i]}
                                 for i, p in enumerate(base)])

    # Coordinate ascent on micro-F1, a category at a time, never over the hard-negative cap.
    for _round in range(4):
        changed = False
        for c in ORDER:
            best_f, best_t = combined(chosen)[0], chosen[c]
            for t in grid:
                trial = {**chosen, c: t}
                f, _per, hn = combined(trial)
                if hn <= cap and f > best_f + 1e-9 and (not ordinary or ordinary_flagged(trial) <= ord_cap):
                    best_f, best_t = f, t
            if best_t != chosen[c]:
                chosen[c], changed = best_t, True
        if not changed:
            break
    _f, per1, _hn = combined(chosen)
    for c in ORDER:
        print(f"  {c}: threshold {chosen[c]:.2f}, F1 {per0[c]:.3f} -> {per1[c]:.3f}", file=sys.stderr)
    f1, per1, hn1 = combined(chosen)
    print(f"rules + learned (sklearn probabilities): micro-F1 {f1:.3f}, hard negatives flagged {hn1}"
          + (f", ordinary posts flagged {ordinary_flagged(chosen)} of {len(ordinary)}" if ordinary else ""),
          file=sys.stderr)
    print(json.dumps(chosen))


def train(args: argparse.Namespace) -> None:
    import numpy as np

    items = load(args.train)
    thresholds = json.loads(args.thresholds)
    vec, models = fit(items, args.c, args.found_weight)
    data = export(vec, models, thresholds, args.train)
    data["c"] = args.c or C
    data["found_weight"] = FOUND_WEIGHT if args.found_weight is None else args.found_weight
    model = learned.LearnedModel.from_data(data)
    # The pure-Python scorer must give sklearn's log-odds (to the weights' six digits).
    x = vec.transform(items)
    worst = 0.0
    for c_i, c in enumerate(model.categories):
        ref = models[c].decision_function(x)
        for k, it in enumerate(items):
            got = model.logits(fold(it["text"]), it["kind"])[c_i]
            worst = max(worst, abs(got - float(ref[k])))
    print(f"pure-Python log-odds vs sklearn: max difference {worst:.2e}", file=sys.stderr)
    if worst > 1e-3:
        raise SystemExit("the pure-Python scorer disagrees with sklearn")
    # Examples, per category (run on a professional account): training texts of the category
    # on which its learned finding appears, and the hard negatives the model leans most towards the category on which no
    # finding at all appears.
    engine = engine_with(model)
    found = [categories_found(engine, it, role="professional") for it in items]  # as the tests run them
    probs = {c: models[c].predict_proba(x)[:, 1] for c in CATEGORIES}
    examples: dict[str, list[dict[str, Any]]] = {}
    for c in CATEGORIES:
        pos = [k for k, it in enumerate(items) if c in it["labels"] and c in found[k][1]]
        pos = [pos[int(j)] for j in np.random.default_rng(660).permutation(len(pos))[:EXAMPLES_PER_SIDE]]
        neg = sorted((k for k, it in enumerate(items) if it["hard_negative"] and not found[k][0]),
                     key=lambda k: -probs[c][k])[:EXAMPLES_PER_SIDE]
        examples[c] = [{"text": items[k]["text"], "kind": items[k]["kind"], "expect": k in pos,
                        "note": items[k]["id"]} for k in [*sorted(pos), *neg]]
    data["examples"] = examples
    out = Path(args.out)
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(data['terms'])} terms)", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for name in ("tune", "train"):
        p = sub.add_parser(name)
        p.add_argument("--train", type=Path, nargs="+", default=DEFAULT_TRAIN)
        p.add_argument("--c", type=float, default=None, help=f"regularisation (inverse strength; default {C})")
        p.add_argument("--found-weight", type=float, default=None,
                       help=f"weight of an item in a category the rules find on it (default {FOUND_WEIGHT})")
        if name == "tune":
            p.add_argument("--validate", type=Path, nargs="+", required=True)
            p.add_argument("--hn-extra", type=float, default=0.02,
                           help="share of the validation files' hard negatives the learned cues may flag beyond the rules")
            p.add_argument("--ordinary", type=Path, nargs="*", default=[],
                           help="files of ordinary posts (no labels) whose flags are capped too")
            p.add_argument("--ordinary-rate", type=float, default=0.01,
                           help="share of the ordinary posts the learned cues may flag beyond the rules")
        else:
            p.add_argument("--thresholds", required=True, help="JSON from `tune`")
            p.add_argument("--out", default=str(learned.MODEL_PATH))
    args = ap.parse_args(argv)
    tune(args) if args.command == "tune" else train(args)


if __name__ == "__main__":
    main()
