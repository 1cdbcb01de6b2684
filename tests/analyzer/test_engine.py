"""The engine: keyword prefilter, scoring and its explanation, role adjustment, evidence."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.analyzer.engine import Engine, default_engine, scan_text
from auditor.analyzer.excerpt import ELLIPSIS, make_excerpt
from auditor.analyzer.rules.schema import Pattern, Rule, parse_pack
from auditor.errors import UsageError
from auditor.findings import Severity


def make_rule(**overrides: Any) -> Rule:
    """One rule parsed from a dict, with overrides applied to the TOML-level keys."""
    raw: dict[str, Any] = {
        "id": "test-rule", "category": "confidentiality", "severity": "medium", "score": 0.6,
        "message": "A test rule.", "keywords": ["client"], "patterns": [r"\bmy client\b"],
        "citations": ["ACA:B.1.c", "APA:4.01", "HIPAA:164.502(a)"], "remediation": "Fix it.",
        "examples": [{"text": "my client", "expect": True}, {"text": "nothing", "expect": False}],
    }
    raw.update(overrides)
    pack = parse_pack({"format": 1, "pack": "test", "rules": [raw]}, Path("test.toml"))
    return pack.rules[0]


class SpyRegex:
    """Wraps a compiled regex and counts how often the engine runs it."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.calls = 0

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    @property
    def flags(self) -> int:  # read (with `pattern`) by the RE2 set pass to rewrite it
        return self.regex.flags

    @property
    def compiled(self) -> SpyRegex:  # what `Pattern.regex` hands the engine
        return self

    def finditer(self, text: str, *args: Any) -> Any:
        self.calls += 1
        return self.regex.finditer(text, *args)

    def match(self, text: str, *args: Any) -> Any:  # the engine's anchored tries
        self.calls += 1
        return self.regex.match(text, *args)


def spied(rule: Rule) -> tuple[Rule, list[SpyRegex]]:
    spies = [SpyRegex(p.regex) for p in rule.patterns]
    patterns = tuple(Pattern(spy, p.score, p.label) for spy, p in zip(spies, rule.patterns))  # type: ignore[arg-type]
    return dataclasses.replace(rule, patterns=patterns), spies


# -- prefilter ---------------------------------------------------------------------------------


def test_patterns_never_run_without_a_keyword():
    rule, spies = spied(make_rule())
    engine = Engine([rule])
    assert engine.scan("Lovely walk by the lake today.") == []
    assert sum(s.calls for s in spies) == 0
    assert len(engine.scan("My client cried today.")) == 1
    assert sum(s.calls for s in spies) == 1


def test_builtin_rules_only_run_when_their_keywords_appear():
    rules_and_spies = [spied(r) for r in default_engine().rules]
    engine = Engine([r for r, _ in rules_and_spies])
    engine.scan("Went for a long walk by the lake, then read a novel.")
    ran = [r.id for r, spies in rules_and_spies if any(s.calls for s in spies)]
    assert ran == []


def test_overlapping_keywords_select_every_rule():
    short = make_rule(id="short", keywords=["client"])
    long = make_rule(id="long", keywords=["clients"], patterns=[r"\bmy clients\b"])
    across = make_rule(id="across", keywords=["ent mee"], patterns=[r"client meet"])
    engine = Engine([short, long, across])
    assert engine.candidates("all my clients") == {0, 1}
    assert engine.candidates("A CLIENT MEETING") == {0, 2}  # starts inside another keyword's match


def test_kind_targets():
    rule = make_rule(targets=["reply"], examples=[{"text": "my client", "expect": True, "kind": "reply"},
                                                 {"text": "x", "expect": False}])
    engine = Engine([rule])
    assert engine.scan("my client", "post") == []
    assert len(engine.scan("my client", "reply")) == 1


# -- scoring ------------------------------------------------------------------------------------


def test_score_is_exact_at_the_threshold():
    # 0.65 - 0.15 is 0.5000000000000001 or 0.49999999999999994 in floats, never both; decimal is 0.5.
    rule = make_rule(score=0.65, min_score=0.5,
                     context=[{"label": "lower", "regex": r"\bimagine\b", "weight": -0.15}])
    [hit] = Engine([rule]).scan("imagine my client")
    assert str(hit.score) == "0.50"


def test_clamping_is_recorded_and_contributions_sum_exactly():
    rule = make_rule(score=0.9, context=[{"label": "time anchor", "regex": r"\btoday\b", "weight": 0.3},
                                         {"label": "age", "regex": r"\b\d+yo\b", "weight": 0.25}])
    [finding] = scan_text("my client, 15yo, today", rules=[rule])
    assert finding.score == 1.0
    labels = [c.label for c in finding.contributions]
    assert labels == ["base", "time anchor", "age", "clamped to 1"]
    assert sum(c.weight for c in finding.contributions) == finding.score
    assert finding.explanation[0] == "base: 'my client' (+0.90)"


def test_cues_count_once_and_respect_windows():
    rule = make_rule(context=[{"label": "near", "regex": r"\btoday\b", "weight": 0.1, "window": 10},
                              {"label": "anywhere", "regex": r"\bweek\b", "weight": 0.1}])
    [near] = scan_text("my client today, today, today", rules=[rule])
    assert [c.label for c in near.contributions] == ["base", "near"]
    [far] = scan_text("my client ........................... today, this week", rules=[rule])
    assert [c.label for c in far.contributions] == ["base", "anywhere"]


def test_below_min_score_is_no_finding():
    rule = make_rule(context=[{"label": "hypothetical", "regex": r"\bimagine\b", "weight": -0.4}])
    assert scan_text("imagine my client", rules=[rule]) == []


def test_escalation_and_cue_severity_floor():
    rule = make_rule(escalate={"high": 0.8},
                     context=[{"label": "time", "regex": r"\btoday\b", "weight": 0.2},
                              {"label": "name", "regex": r"\bnamed \w+", "weight": 0.05, "severity": "critical"}])
    assert scan_text("my client", rules=[rule])[0].severity is Severity.MEDIUM
    assert scan_text("my client today", rules=[rule])[0].severity is Severity.HIGH
    assert scan_text("my client named Jo", rules=[rule])[0].severity is Severity.CRITICAL


def test_match_negatives_drop_overlapping_matches_only():
    rule = make_rule(patterns=[r"\bmy client\b"], negatives=[r"\bclient meeting\b"])
    assert scan_text("my client meeting ran long", rules=[rule]) == []
    [finding] = scan_text("my client meeting ran long, then my client called", rules=[rule])
    assert len(finding.spans) == 1 and finding.excerpt[slice(*finding.spans[0])] == "my client"


def test_text_negatives_drop_the_item():
    rule = make_rule(negatives=[{"regex": r"\bcannot confirm\b", "scope": "text"}])
    assert scan_text("my client? we cannot confirm anything", rules=[rule]) == []


def test_one_finding_per_rule_per_item_with_merged_spans():
    [finding] = scan_text("my client said hi. Later my client said bye.", rules=[make_rule()])
    assert [finding.excerpt[s:e] for s, e in finding.spans] == ["my client", "my client"]
    assert finding.identity == "my client"


def test_supersedes_drops_the_other_rule_on_the_same_item():
    general = make_rule(id="general")
    specific = make_rule(id="specific", patterns=[r"\bmy client is also my \w+"], supersedes=["general"])
    ids = {f.rule_id for f in scan_text("my client is also my barber", rules=[general, specific])}
    assert ids == {"specific"}
    assert {f.rule_id for f in scan_text("my client", rules=[general, specific])} == {"general"}


def test_built_in_rules_never_supersede_each_other_both_ways():
    """A mutual pair would drop both findings where both fire, leaving the post unflagged."""
    rules = {r.id: r for r in default_engine().rules}
    for rule in rules.values():
        for other in rule.supersedes:
            assert other in rules, (rule.id, other)
            assert rule.id not in rules[other].supersedes, (rule.id, other)


def test_one_concern_gives_one_finding_per_category():
    """Rules for the same concern supersede each other: a review request is one testimonial finding."""
    findings = scan_text("Clients, please leave us a 5-star review on Google! It helps other families find us.",
                         kind="post", role="professional")
    assert [f.rule_id for f in findings if f.category == "testimonial"] == ["review-solicitation"]


def test_evidence_group_narrows_the_span():
    rule = make_rule(patterns=[r"\bcall me at (?P<evidence>\d{3}-\d{4})"], keywords=["call me"])
    [finding] = scan_text("please call me at 555-1234", rules=[rule])
    assert finding.excerpt[slice(*finding.spans[0])] == "555-1234"


# -- role ---------------------------------------------------------------------------------------

TEXTS = [
    "The 15yo I saw this morning finally disclosed what happened at home.",
    "Honestly it sounds like you have ADHD.",
    "I'm so wasted right now lmao",
    "Clients, text me anytime, day or night.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_role_changes_severity_and_score_not_existence(text):
    kind = "reply" if "sounds like" in text else "post"
    results = {
        (role, identified): {f.rule_id: f for f in scan_text(text, kind=kind, role=role, identified=identified)}
        for role, identified in [("professional", False), ("unknown", False), ("personal", True), ("personal", False)]
    }
    baseline = results[("professional", False)]
    assert baseline
    for found in results.values():
        assert set(found) == set(baseline)
        assert {f.category for f in found.values()} == {f.category for f in baseline.values()}
    for rule_id, f in baseline.items():
        assert results[("unknown", False)][rule_id].severity == f.severity
        assert results[("personal", True)][rule_id].severity == f.severity
        anonymous = results[("personal", False)][rule_id]
        assert anonymous.severity == f.severity.shifted(-1)
        assert anonymous.score < f.score
        assert anonymous.contributions[-1].label == "account role: anonymous personal account"
        assert sum(c.weight for c in anonymous.contributions) == anonymous.score
        assert anonymous.fingerprint == f.fingerprint  # the role never changes identity


def test_scan_text_rejects_unknown_kind_and_role():
    with pytest.raises(UsageError):
        scan_text("x", kind="tweet")
    with pytest.raises(UsageError):
        scan_text("x", role="clinician")


# -- evidence -----------------------------------------------------------------------------------


def test_typographic_text_is_folded_but_spans_index_the_original():
    text = "𝗠𝘆 𝗰𝗹𝗶𝗲𝗻𝘁 told me she’s leaving today"
    [finding] = [f for f in scan_text(text) if f.rule_id == "client-reference"]
    assert finding.excerpt == text
    assert finding.excerpt[slice(*finding.spans[0])] == "𝗠𝘆 𝗰𝗹𝗶𝗲𝗻𝘁"
    assert finding.identity == "my client"


def test_long_texts_are_trimmed_around_the_match():
    text = ("lorem ipsum " * 60) + "my client told me today " + ("dolor sit amet " * 60)
    [finding] = [f for f in scan_text(text) if f.rule_id == "client-reference"]
    assert len(finding.excerpt) <= 402
    assert finding.excerpt.startswith(ELLIPSIS) and finding.excerpt.endswith(ELLIPSIS)
    assert finding.excerpt[slice(*finding.spans[0])].casefold().startswith("my client")


def test_excerpt_keeps_short_text_and_clips_far_spans():
    assert make_excerpt("short text", [(0, 5)]) == ("short text", ((0, 5),))
    text = "a" * 10 + " " + "b " * 400
    excerpt, spans = make_excerpt(text, [(0, 10), (700, 702)])
    assert spans == ((0, 10),) and len(excerpt) <= 400 and excerpt.endswith(ELLIPSIS)


def test_fingerprint_depends_on_item_and_matched_text_only():
    one = scan_text("My client said hi", native_id="1", platform="twitter")[0]
    again = scan_text("My   CLIENT said hello there", native_id="1", platform="twitter")[0]
    other = scan_text("My client said hi", native_id="2", platform="twitter")[0]
    assert one.fingerprint == again.fingerprint
    assert one.fingerprint != other.fingerprint
