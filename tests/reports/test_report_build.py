"""reports.build: selection, counts, coverage, status, sorting, summary, JSON contract."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from auditor.errors import InputError, UsageError
from auditor.findings import CATEGORIES, SEVERITIES
from auditor.models import Base, Subject
from reports.build import RISK_WEIGHTS, build_report, subject_codes
from reports.render import render

World = Any  # tests/reports/conftest.py's World; conftest modules are not imported by name

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "report_schema.json").read_text("utf-8"))


def _format_checker() -> FormatChecker:
    """Draft 2020-12's checker, plus `date-time` (jsonschema checks it only with an extra package)."""
    checker = FormatChecker()
    for name, fn in Draft202012Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = fn

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not value.endswith("Z"):
            return False
        return datetime.fromisoformat(value).utcoffset() is not None

    return checker


VALIDATOR = Draft202012Validator(SCHEMA, format_checker=_format_checker())


def report_json(world: World, *, redact: bool = False, **kw: object) -> dict:
    view = build_report(world.session, redact=redact, **kw)  # type: ignore[arg-type]
    return json.loads(render(view, "json"))


@pytest.mark.parametrize("redact", [False, True])
def test_json_validates_against_the_contract_schema(world: World, redact: bool) -> None:
    doc = report_json(world, redact=redact)
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert list(doc["summary"]["by_category"]) == list(CATEGORIES)
    assert list(doc["summary"]["by_severity"]) == list(SEVERITIES)


def test_schema_rejects_what_the_contract_forbids(world: World) -> None:
    doc = report_json(world)
    bad_time = json.loads(json.dumps(doc))
    bad_time["run"]["started_at"] = "2026-01-10T12:00:00+00:00"
    bad_id = json.loads(json.dumps(doc))
    bad_id["findings"][0]["item"]["native_id"] = 111
    missing = json.loads(json.dumps(doc))
    del missing["summary"]["by_category"]["boundary"]
    bad_span = json.loads(json.dumps(doc))
    bad_span["findings"][0]["evidence"]["spans"] = [[1, 2, 3]]
    for broken in (bad_time, bad_id, missing, bad_span):
        assert not VALIDATOR.is_valid(broken)


def test_run_subjects_and_codes(world: World) -> None:
    doc = report_json(world)
    assert doc["schema"] == "footprint.report/1"
    assert doc["run"] == {"id": world.run_id, "started_at": "2026-01-10T12:00:00Z", "rules_version": "2026.1"}
    assert doc["subjects"] == [{"name": "Dana Whitfield", "profession": "mft", "codes": ["AAMFT 2015", "HIPAA"]}]
    assert doc["overlap"] == [] and doc["discovered_accounts"] == []


def test_an_explicit_run_and_subjects(world: World) -> None:
    doc = report_json(world, run_id=world.old_run_id, subject_ids=[world.subject_id])
    assert doc["run"]["id"] == world.old_run_id
    assert [f["rule"] for f in doc["findings"]] == ["old-rule"]


def test_accounts_count_stored_rows(world: World) -> None:
    accounts = {a["platform"]: a for a in report_json(world)["accounts"]}
    assert accounts["twitter"] == {
        "subject": "Dana Whitfield", "platform": "twitter", "handle": "dana_w_personal",
        "role": "personal", "role_reason": "set with --role",
        # post + reply; not the share, not the deleted post
        "content": 2,
        # two live followers (the deleted one and the blocked account do not count)
        "followers": 2, "following": 1, "private": None,
    }
    # follower + subscriber + the subject's own personal account; caption, not bio
    assert accounts["instagram"]["followers"] == 3
    assert accounts["instagram"]["following"] == 1
    assert accounts["instagram"]["content"] == 1
    assert accounts["instagram"]["private"] is False


def test_coverage_uses_the_newest_import_and_says_why(world: World) -> None:
    coverage = report_json(world)["coverage"]
    assert coverage["files_read"] == [
        "instagram.zip: content/posts_1.json",
        "twitter-2024.zip: data/follower.js",
        "twitter-2024.zip: data/tweets.js",
    ]
    assert coverage["files_skipped"] == [
        {"file": "twitter-2024.zip: data/deleted-tweets.js", "reason": "deleted items are not audited"},
        {"file": "twitter-2024.zip: data/follower.js",
         "reason": "read with a warning: manifest says 4 items, found 3"},
        {"file": "twitter-2024.zip: data/grok-chat.js", "reason": "not recognised"},
        {"file": "twitter-2024.zip: messages/inbox/priya_r_123/message_1.json",
         "reason": "messages are read only with --include-messages"},
    ]
    # id-only connections that are not deleted: twitter 6, instagram 12
    assert coverage["connections_unresolved"] == 2


def test_redacted_coverage_masks_folders_named_after_people(world: World) -> None:
    files = [f["file"] for f in report_json(world, redact=True)["coverage"]["files_skipped"]]
    assert "twitter-2024.zip: messages/inbox/[name]/message_1.json" in files


def test_findings_sorted_with_status_change_and_summary(world: World) -> None:
    doc = report_json(world)
    order = [(f["severity"], f["score"], f["rule"]) for f in doc["findings"]]
    assert order == [
        ("critical", 1.0, "client-sighting"),
        ("critical", 0.7, "hostile-row"),
        ("high", 0.9, "client-sighting"),
        ("high", 0.8, "client-follows-personal"),
        ("medium", 0.5, "public-professional-account"),
        ("low", 0.4, "testimonial-request"),
    ]
    status = {f["rule"] + f["change"]: f["status"] for f in doc["findings"]}
    # A decision taken after the run shows; one taken before it was the run's to apply.
    assert status["public-professional-accountnew"] == "acknowledged"
    assert status["client-sightingnew"] == "open"
    summary = doc["summary"]
    # Counted: open/acknowledged and not resolved; the false positive and the resolved one are not.
    assert summary["by_severity"] == {"critical": 1, "high": 2, "medium": 1, "low": 0}
    assert summary["by_category"] == {
        "confidentiality": 1, "dual_relationship": 1, "professional_conduct": 1,
        "personalized_advice": 0, "testimonial": 0, "boundary": 1,
    }
    remaining = 1.0
    for sev, score in (("critical", 0.7), ("high", 0.9), ("high", 0.8), ("medium", 0.5)):
        remaining *= 1 - RISK_WEIGHTS[sev] * score
    assert summary["risk_score"] == round(100 * (1 - remaining))


def test_finding_fields(world: World) -> None:
    finding = next(f for f in report_json(world)["findings"] if f["fingerprint"] == "a1" * 16)
    assert finding["item"] == {"type": "post", "native_id": "111",
                               "url": "https://x.com/dana_w_personal/status/111",
                               "created_at": "2025-03-04T05:06:07Z"}
    assert finding["account"] == "dana_w_personal" and finding["account_role"] == "personal"
    assert finding["citations"][0] == {"code": "AAMFT 2015", "section": "2.1", "title": "Disclosures"}
    assert finding["evidence"]["excerpt"] == world.post


@pytest.mark.parametrize(
    ("redact", "expected"),
    [(False, ["my client", "@jmorrow_88", "José Núñez"]), (True, ["my client", "@j***", "[name]"])],
)
def test_spans_point_at_the_matched_text_as_emitted(world: World, redact: bool, expected: list[str]) -> None:
    finding = next(f for f in report_json(world, redact=redact)["findings"] if f["fingerprint"] == "a1" * 16)
    excerpt = finding["evidence"]["excerpt"]
    assert [excerpt[s:e] for s, e in finding["evidence"]["spans"]] == expected


def test_redaction_hides_connection_items(world: World) -> None:
    finding = next(f for f in report_json(world, redact=True)["findings"] if f["rule"] == "client-follows-personal")
    assert finding["item"]["native_id"] == "[id]" and finding["item"]["url"] is None
    excerpt = finding["evidence"]["excerpt"]
    assert [excerpt[s:e] for s, e in finding["evidence"]["spans"]] == ["[name]"]


def test_no_run_is_an_input_error(session: Session) -> None:
    session.add(Subject(name="Dana"))
    session.flush()
    with pytest.raises(InputError, match="footprint audit"):
        build_report(session, redact=True)


def test_unknown_run_or_subject_is_an_input_error(world: World) -> None:
    with pytest.raises(InputError, match="no audit run 99"):
        build_report(world.session, run_id=99, redact=True)
    with pytest.raises(InputError, match="no subject with id 42"):
        build_report(world.session, subject_ids=[42], redact=True)


def test_unknown_format_is_a_usage_error(world: World) -> None:
    with pytest.raises(UsageError, match="unknown report format"):
        render(build_report(world.session, redact=True), "docx")


def test_output_is_deterministic(world: World) -> None:
    for fmt, redact in (("json", False), ("html", True), ("html", False)):
        first = render(build_report(world.session, redact=redact), fmt)
        second = render(build_report(world.session, redact=redact), fmt)
        assert first == second


def test_empty_workspace_with_a_run() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    from auditor.models import AuditRun

    with Session(engine) as s:
        s.add(AuditRun(rules_version="r", code_version="c"))
        s.flush()
        doc = json.loads(render(build_report(s, redact=False), "json"))
        assert VALIDATOR.is_valid(doc)
        assert doc["summary"]["risk_score"] == 0
        render(build_report(s, redact=True), "html")


@pytest.mark.parametrize(
    ("profession", "covered", "prefixes"),
    [
        ("counselor", True, ("ACA", "HIPAA")),
        ("psychologist", None, ("APA", "HIPAA")),
        ("social-worker", False, ("NASW",)),
        ("mft", False, ("AAMFT",)),
        (None, None, ("AAMFT", "ACA", "APA", "NASW", "HIPAA")),
        ("other", False, ("AAMFT", "ACA", "APA", "NASW")),
        # A profession this version does not know cites everything rather than failing.
        ("astrologer", False, ("AAMFT", "ACA", "APA", "NASW")),
    ],
)
def test_subject_codes(profession: str | None, covered: bool | None, prefixes: tuple[str, ...]) -> None:
    # The labels are auditor.codes' data ("ACA 2014"); the report only picks them.
    codes = subject_codes(profession, covered)
    assert tuple(c.split()[0] for c in codes) == prefixes
