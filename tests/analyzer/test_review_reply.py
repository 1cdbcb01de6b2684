"""The review-reply detector: the reply's own words, and the review it answers when kept."""

from __future__ import annotations

import pytest

from auditor.analyzer.detectors.base import discover_text
from auditor.analyzer.detectors.review_reply import ReviewReply
from auditor.analyzer.engine import Engine, scan_text
from auditor.findings import Severity

DETECTORS = discover_text()
EXAMPLES = [(cls, i, ex) for cls in DETECTORS for i, ex in enumerate(cls.rule.examples, start=1)]


@pytest.mark.parametrize(("cls", "index", "example"), EXAMPLES,
                         ids=[f"{c.rule.id}-{i}-{'pos' if e.expect else 'neg'}" for c, i, e in EXAMPLES])
def test_detector_example(cls, index, example):
    hits = [h for h in Engine([], [cls()]).scan(example.text, example.kind) if h.rule.id == cls.rule.id]
    assert bool(hits) == example.expect, example.text


def test_detector_rules_are_complete():
    for cls in DETECTORS:
        rule = cls.rule
        assert sum(e.expect for e in rule.examples) >= 2 and sum(not e.expect for e in rule.examples) >= 2
        assert rule.citations and rule.remediation and rule.message.endswith(".")


REPLY = "It was a pleasure working with you both this year."


def test_context_of_a_review_makes_the_confirmation_critical():
    [alone] = [f for f in scan_text(REPLY, kind="reply") if f.rule_id == ReviewReply.rule.id]
    [answered] = [f for f in scan_text(REPLY, kind="reply", context="★★★★★ Best couples counselor in town!")
                  if f.rule_id == ReviewReply.rule.id]
    assert alone.severity is Severity.HIGH
    assert answered.severity is Severity.CRITICAL and answered.score > alone.score
    assert "answers a review (context)" in [c.label for c in answered.contributions]


def test_non_confirming_reply_is_clean_even_with_a_review_context():
    text = ("Thank you for your feedback. We can't confirm whether anyone has received care here; "
            "please call our office manager.")
    assert scan_text(text, kind="reply", context="Terrible therapist, 1 star") == []


def test_only_replies_and_comments():
    assert not [f for f in scan_text("As your therapist I was proud of your progress.", kind="post")
                if f.rule_id == ReviewReply.rule.id]


def test_names_in_the_reply_are_direct_identifiers():
    [f] = [f for f in scan_text("Thank you Priya! It was an honor to walk with you through your recovery.",
                                kind="reply") if f.rule_id == ReviewReply.rule.id]
    assert f.severity is Severity.CRITICAL
    assert any(c.label == "identifiability: direct identifier" for c in f.contributions)


@pytest.mark.parametrize("text", [
    "Priya, as we discussed on Monday: keep the journal by the bed and bring it next time.",
    "See you after the break, same time as always!",
    "Sr. Páez, le recuerdo que su hija tiene cita el jueves y que faltó a dos de las cuatro sesiones.",
    "Tom, you no-showed twice this month, so the late fee stands.",
])
def test_replies_that_confirm_visits_without_saying_you(text):
    """Confirmations phrased around the visit itself: the plan talked through, the standing slot,
    a relative's appointment, attendance counts (reference §3.3)."""
    assert any(f.rule_id == ReviewReply.rule.id for f in scan_text(text, kind="reply"))


@pytest.mark.parametrize("text", [
    "See you at the fundraiser next week, same table as last year!",
    "Gracias por su reseña; no podemos confirmar si alguien es paciente, llame a la oficina.",
])
def test_social_or_safe_replies_are_not_confirmations(text):
    assert not any(f.rule_id == ReviewReply.rule.id for f in scan_text(text, kind="reply"))
