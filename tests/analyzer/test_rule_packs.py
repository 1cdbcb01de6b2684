"""The built-in packs: every rule's examples pass, and every finding explains its score exactly."""

from __future__ import annotations

import pytest

from auditor.analyzer.check import run_examples
from auditor.analyzer.engine import scan_text
from auditor.analyzer.rules import active_rules, load_packs
from auditor.findings import CATEGORIES

RULES = active_rules(load_packs())
EXAMPLES = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.examples, start=1)]


@pytest.mark.parametrize(("rule", "index", "example"), EXAMPLES,
                         ids=[f"{r.id}-{i}-{'pos' if e.expect else 'neg'}" for r, i, e in EXAMPLES])
def test_example(rule, index, example):
    [result] = [r for r in run_examples([rule]) if r.index == index]
    assert result.passed, (
        f"{rule.id} example {index} ({example.kind}): expected {'a finding' if example.expect else 'none'}, "
        f"got score {result.score}: {example.text!r}")


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_complete(rule):
    positives = [e for e in rule.examples if e.expect]
    negatives = [e for e in rule.examples if not e.expect]
    assert len(positives) >= 2 and len(negatives) >= 2, "built-in rules need two examples of each kind"
    assert rule.citations and rule.remediation and rule.message
    assert rule.message.endswith(".")


def test_every_category_has_rules():
    assert {r.category for r in RULES} == set(CATEGORIES)


@pytest.mark.parametrize("role,identified", [("unknown", False), ("professional", False),
                                             ("personal", False), ("personal", True)])
def test_contributions_sum_to_score_on_every_finding(role, identified):
    seen = 0
    for rule, _, example in EXAMPLES:
        for finding in scan_text(example.text, kind=example.kind, role=role, identified=identified):
            seen += 1
            weights = [c.weight for c in finding.contributions]
            assert sum(weights) == finding.score, (finding.rule_id, finding.explanation)
            assert finding.contributions[0].label.startswith("base")
            assert 0.0 <= finding.score <= 1.0
            for start, end in finding.spans:
                assert 0 <= start < end <= len(finding.excerpt)
    assert seen > len(RULES)


def test_findings_on_positive_examples_have_evidence_and_citations():
    for rule, _, example in EXAMPLES:
        if not example.expect:
            continue
        [finding] = [f for f in scan_text(example.text, kind=example.kind) if f.rule_id == rule.id]
        assert finding.spans, rule.id
        assert finding.citations, rule.id
        assert finding.identity == " ".join(finding.identity.split()).casefold()
