"""Overlap entries and findings: rules, fingerprints, severity, citations, persistence, report view."""

from __future__ import annotations

from sqlalchemy import select

from auditor import overlap
from auditor.findings import CATEGORIES, fingerprint
from auditor.models import FindingRow, OverlapRow
from auditor.runs import run_audit
from reports.overlap import overlap_view
from reports.redact import Redactor

CONTRACT_KEYS = {"person", "tier", "confidence", "roster_match", "memberships", "explanation"}
MEMBERSHIP_KEYS = {"platform", "handle", "name", "native_id", "account", "account_role", "relation"}


def test_findings_have_the_rule_ids_category_item_and_citations(traps) -> None:
    session, sid, _, _ = traps
    entries, findings = overlap.compute(session, sid)
    assert findings and entries
    rules = {f.rule_id for f in findings}
    assert {"overlap-certain", "overlap-likely", "overlap-possible", "personal-messages-client"} <= rules
    for f in findings:
        assert f.category == "dual_relationship" and f.category in CATEGORIES
        assert f.item.type == "connection"
        assert f.citations, f.rule_id
        assert {c.code for c in f.citations} <= {"AAMFT 2015"}  # the subject is an MFT
        assert f.remediation and f.explanation
        assert 0 <= f.score <= 1
    msg = next(f for f in findings if f.rule_id == "personal-messages-client")
    assert "NASW" not in {c.code.split()[0] for c in msg.citations}


def test_fingerprint_is_rule_plus_personal_side_membership(traps) -> None:
    session, sid, _, _ = traps
    _, findings = overlap.compute(session, sid)
    f = next(x for x in findings if x.rule_id == "overlap-certain" and x.item.platform == "instagram")
    assert f.fingerprint == fingerprint("overlap-certain", "instagram", "harbor.lights.77", "handle:harbor.lights.77")
    # Stable across runs: the same data gives the same fingerprints.
    assert [x.fingerprint for x in overlap.compute(session, sid)[1]] == [x.fingerprint for x in findings]


def test_severity_by_tier_and_exposure(traps) -> None:
    session, sid, _, _ = traps
    _, findings = overlap.compute(session, sid)
    sev = {(f.rule_id, f.item.platform, f.item.native_id): f.severity.value for f in findings}
    assert sev[("overlap-certain", "instagram", "harbor.lights.77")] == "high"  # public personal IG
    assert sev[("overlap-certain", "twitter", "501")] == "medium"  # private personal X
    assert sev[("overlap-likely", "instagram", "maria.gonzalez88")] == "high"  # public
    assert sev[("overlap-likely", "twitter", "777")] == "low"  # private
    assert overlap.severity("roster-client-connected", "likely", "public").value == "critical"
    assert overlap.severity("roster-client-connected", "likely", "private").value == "high"
    assert overlap.severity("roster-client-connected", "possible", "private").value == "medium"


def test_reaching_out_raises_the_score_and_is_listed(traps) -> None:
    session, sid, _, _ = traps
    entries, _ = overlap.compute(session, sid)
    tomasz = next(e for e in entries if e.person.startswith("Tomasz"))
    assert any("sends them direct messages" in line for line in tomasz.explanation)
    lena = next(e for e in entries if e.person == "Lena Fischer")
    assert any("mentions them" in line for line in lena.explanation)


def test_persisted_entries_match_the_json_contract_and_redact(traps) -> None:
    session, sid, _, _ = traps
    entries, findings = overlap.compute(session, sid)
    run = run_audit(session, [sid], extra_findings={sid: findings})
    overlap.persist(session, run.id, sid, entries)
    overlap.persist(session, run.id, sid, entries)  # idempotent per run and subject
    rows = session.scalars(select(OverlapRow).where(OverlapRow.run_id == run.id)).all()
    assert len(rows) == len(entries)
    stored = set(session.scalars(select(FindingRow.fingerprint).where(FindingRow.run_id == run.id)))
    assert {fp for r in rows for fp in r.fingerprints} <= stored
    view = overlap_view(session, run.id, [sid], Redactor.disabled())
    assert [v.person for v in view] == [e.person for e in entries]
    assert {v.subject for v in view} == {"Dana Whitfield"}
    for v in view:
        assert set(v.__dataclass_fields__) >= CONTRACT_KEYS
        for m in v.memberships:
            assert set(m.__dataclass_fields__) == MEMBERSHIP_KEYS
        assert v.tier in overlap.TIERS
        assert {m.account_role for m in v.memberships} <= {"personal", "professional"}
    maria = next(v for v in view if v.person == "María González")
    assert {(m.platform, m.handle, m.name, m.relation) for m in maria.memberships} == {
        ("instagram", "maria.gonzalez88", None, "follower"), ("linkedin", None, "María González", "connection")}
    red = overlap_view(session, run.id, [sid], Redactor(handles=["maria.gonzalez88"], names=["María González"]))
    masked = next(v for v in red if v.tier == maria.tier and v.confidence == maria.confidence)
    assert all(m.handle != "maria.gonzalez88" and m.name != "María González" for m in masked.memberships)
    assert "María" not in masked.person and not any("maria.gonzalez88" in x for x in masked.explanation)
    # Quoted strings are masked even when the redactor does not know them.
    assert not any("harbor.lights.77" in line for v in red for line in v.explanation)
