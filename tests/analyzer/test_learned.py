"""The learned cues (auditor/analyzer/learned.py): scoring, explanation, engine wiring, the shipped model."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.analyzer import learned
from auditor.analyzer.engine import Engine, default_engine, scan_text
from auditor.analyzer.scoring import exact_sum
from auditor.analyzer.textfold import fold
from auditor.findings import CATEGORIES, ItemRef, Severity

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval"
CATS = list(CATEGORIES)


def _model(terms: dict[str, list[float]], *, bias: float = -2.0, threshold: float = 0.5,
           examples: dict[str, list[dict[str, object]]] | None = None) -> learned.LearnedModel:
    return learned.LearnedModel.from_data({
        "format": learned.FORMAT, "categories": CATS, "bias": {c: bias for c in CATS},
        "thresholds": {c: threshold for c in CATS}, "terms": terms, "examples": examples or {},
    })


def _row(idf: float, **weights: float) -> list[float]:
    return [idf, *(weights.get(c, 0.0) for c in CATS)]


# -- features -----------------------------------------------------------------------------------

def test_terms_are_normalised_words_and_adjacent_pairs() -> None:
    assert learned.terms("My 3PM  Sesión, again!") == ["my", "3pm", "sesion", "again", "my 3pm", "3pm sesion",
                                                          "sesion again"]
    assert learned.terms("") == []


_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcdeéÉñß İ'’.,!🙂\n0123456789xyzXYZ_\t-#@")), max_size=60),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=60),  # the ASCII fast path
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_occurrences_name_the_same_terms_as_terms(text: str) -> None:
    """The explanation finds each counted term's text through `_occurrences`: it must produce
    the very terms `terms` (the training features) does, for any text."""
    assert [t for t, _s, _e in learned._occurrences(text)] == learned.terms(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_scorer_counts_what_terms_yields(text: str) -> None:
    """`_score` counts words and pairs itself (it runs on every text); the counts must be those
    of `terms`, restricted to the model's vocabulary."""
    vocab = ["a", "b", "ab", "a b", "b a", "e", "sesion", "ss", "i", "x y", "1"]
    model = _model({t: _row(1.0 + k / 10, confidentiality=0.5) for k, t in enumerate(vocab)})
    _logits, values, _norm = model._score(text, "post")
    want = Counter(t for t in learned.terms(text) if t in model.table)
    assert set(values) == set(want)
    for t, n in want.items():
        assert values[t] == pytest.approx((1 + math.log(n)) * model.table[t][0])


def test_logits_by_hand() -> None:
    """tf-idf with sublinear counts, L2-normalised, dotted with the weights, plus the bias."""
    model = _model({"client": _row(2.0, confidentiality=3.0, boundary=-1.0),
                    "today": _row(1.0, confidentiality=1.0)})
    x_client = (1 + math.log(2)) * 2.0
    x_today = 1.0
    norm = math.hypot(x_client, x_today)
    logits = model.logits("client today, client")
    i_conf, i_bound = CATS.index("confidentiality"), CATS.index("boundary")
    assert logits[i_conf] == pytest.approx(-2.0 + (3.0 * x_client + 1.0 * x_today) / norm)
    assert logits[i_bound] == pytest.approx(-2.0 - 1.0 * x_client / norm)
    assert model.logits("nothing known here") == model.bias


# -- hits and their explanation -----------------------------------------------------------------

def test_a_hit_explains_itself_and_its_score_is_the_sum() -> None:
    model = _model({"client": _row(2.0, confidentiality=4.0), "sweet": _row(1.0, confidentiality=1.0),
                    "joke": _row(1.0, confidentiality=-1.0)}, bias=-1.0, threshold=0.5)
    text = "My sweet client made a joke"
    hits = model.hits(text)
    assert [h.rule.id for h in hits] == ["learned-confidentiality"]
    hit = hits[0]
    assert hit.contributions[0].label == "base (learned model)" and hit.contributions[0].matched is None
    cues = {c.matched: c.weight for c in hit.contributions[1:]}
    assert set(cues) == {"client", "sweet", "joke"}
    assert cues["client"] > cues["sweet"] > 0 > cues["joke"]
    assert exact_sum(hit.contributions) == hit.score
    # 0.5 + SCALE * (logit - logit(threshold)), to the rounding of each contribution.
    want = 0.5 + learned.SCALE * model.logits(text)[CATS.index("confidentiality")]
    assert float(hit.score) == pytest.approx(want, abs=1e-3)
    # Evidence: the positive cues' spans, in text order; the identity is empty (see the module).
    assert [text[s:e] for s, e in hit.spans] == ["sweet", "client"]
    assert hit.matched == ""
    # Low severity; medium once the model is sure (score 0.7: two log-odds above the threshold).
    assert hit.severity == (Severity.MEDIUM if hit.score >= Decimal("0.7") else Severity.LOW)
    sure = _model({"client": _row(1.0, confidentiality=9.0)}, bias=-1.0).hits("client")[0]
    unsure = _model({"client": _row(1.0, confidentiality=1.5)}, bias=-1.0).hits("client")[0]
    assert (sure.severity, unsure.severity) == (Severity.MEDIUM, Severity.LOW)


def test_the_content_kind_is_a_feature() -> None:
    """It weighs in (with an explanation line, no matched text), but only where some word the
    model knows is said."""
    model = _model({"cell": _row(1.0, boundary=3.0), learned.kind_term("reply"): _row(1.0, boundary=5.0),
                    learned.kind_term("bio"): _row(1.0, boundary=-9.0)}, bias=-1.0)
    i = CATS.index("boundary")
    assert model.logits("cell", "reply")[i] > model.logits("cell", "post")[i] > model.logits("cell", "bio")[i]
    assert model.logits("nothing known", "reply") == model.bias
    hit = model.hits("my cell", "reply")[0]
    assert "content kind: reply (learned)" in [c.label for c in hit.contributions]
    assert not model.hits("my cell", "bio")
    assert learned.features("My cell", "reply") == ["my", "cell", "my cell", "@kind:reply"]


def test_threshold_decides_and_categories_already_found_are_skipped() -> None:
    terms = {"client": _row(1.0, confidentiality=2.0)}
    # logit = -1 + 2 = 1, probability 0.73.
    assert _model(terms, bias=-1.0, threshold=0.7).hits("client")
    assert not _model(terms, bias=-1.0, threshold=0.75).hits("client")
    assert not _model(terms, bias=-1.0, threshold=0.7).hits("client", found={"confidentiality"})


def test_model_file_errors_are_clear() -> None:
    good = {"format": learned.FORMAT, "categories": CATS, "bias": {c: 0 for c in CATS},
            "thresholds": {c: 0.5 for c in CATS}, "terms": {}}
    with pytest.raises(ValueError, match="format"):
        learned.LearnedModel.from_data({**good, "format": 99})
    with pytest.raises(ValueError, match="threshold"):
        learned.LearnedModel.from_data({**good, "thresholds": {c: 1.0 for c in CATS}})
    with pytest.raises(ValueError, match="numbers"):
        learned.LearnedModel.from_data({**good, "terms": {"x": [1.0, 2.0]}})


# -- the engine ----------------------------------------------------------------------------------

def test_engine_runs_the_model_only_for_categories_the_rules_left() -> None:
    base = default_engine()
    model = _model({"today": _row(1.0, **{c: 9.0 for c in CATS})}, bias=-1.0, threshold=0.5)
    engine = Engine(base.rules, base.detectors, learned=model)
    text = "Reminder: office closed today. Text my personal cell 555-0142 anytime."
    found = engine.findings(text, kind="post", item=ItemRef("post", "x", "1"), account_id=None,
                            role="professional", identified=False, codes=[])
    by_cat: dict[str, list[str]] = {}
    for f in found:
        by_cat.setdefault(f.category, []).append(f.rule_id)
    rule_found = {h.rule.category for h in base.scan(text)}
    assert rule_found  # the packs find something here
    for cat in CATS:
        learned_ids = [r for r in by_cat.get(cat, []) if r.startswith("learned-")]
        assert learned_ids == ([] if cat in rule_found else [learned.rule_id(cat)])
    # A learned finding's fingerprint does not depend on which word weighed most.
    f = next(f for f in found if f.rule_id.startswith("learned-"))
    assert f.identity == ""


def test_learned_cues_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTPRINT_LEARNED", "0")
    assert learned.default_model() is None
    monkeypatch.setenv("FOOTPRINT_LEARNED", "1")
    assert learned.default_model() is learned.load()


# -- the shipped model ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> dict[str, object]:
    return json.loads(learned.MODEL_PATH.read_text("utf-8"))


def test_shipped_model_was_trained_on_the_current_development_files(shipped: dict[str, object]) -> None:
    """Retrain (benchmarks/train_learned.py) whenever a development file changes; the holdout
    and fresh2 are never among them."""
    trained_on = shipped["trained_on"]
    assert isinstance(trained_on, dict) and trained_on
    assert not {"holdout.jsonl", "fresh2.jsonl"} & set(trained_on)
    for name, digest in trained_on.items():
        assert hashlib.sha256((EVAL / name).read_bytes()).hexdigest() == digest, f"{name} changed: retrain"


def test_shipped_model_loads_and_its_examples_pass() -> None:
    model = learned.load()
    assert model is not None
    for rule in model.rules:
        assert any(e.expect for e in rule.examples) and any(not e.expect for e in rule.examples), rule.id
        for ex in rule.examples:
            found = scan_text(ex.text, kind=ex.kind, role="professional")
            cats = {f.category for f in found}
            if ex.expect:
                assert rule.id in {f.rule_id for f in found}, (rule.id, ex.note, ex.text)
            else:
                assert not cats, (rule.id, ex.note, ex.text, cats)


def test_every_learned_finding_of_the_corpus_accounts_for_its_score() -> None:
    """The explanation of a learned finding sums to its score, after the role adjustment too."""
    seen = 0
    for line in [ln for name in ("dev", "fresh7", "fresh8") for ln in (EVAL / f"{name}.jsonl").read_text("utf-8").splitlines()]:
        item = json.loads(line)
        for f in scan_text(item["text"], kind=item["kind"], role=item["role"]):
            assert sum(c.weight for c in f.contributions) == f.score
            if f.rule_id.startswith("learned-"):
                seen += 1
                assert all(c.matched for c in f.contributions if c.label == "learned cue")
    assert seen  # the corpus does exercise the learned cues


def test_fold_is_applied_before_terms() -> None:
    """Typographic apostrophes and compatibility letters read as their plain forms."""
    assert learned.terms(fold("don’t 𝗰𝗹𝗶𝗲𝗻𝘁")) == learned.terms("don't client")
