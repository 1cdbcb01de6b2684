"""The account-boundary detector and detector discovery."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from auditor.analyzer import AnalysisContext, analyze
from auditor.analyzer.detectors.account_boundary import AccountBoundary
from auditor.analyzer.detectors.base import Detector, discover
from auditor.analyzer.profession import handle_words, profession_term
from auditor.findings import Severity


def run(session: Session, subject_id: int) -> dict[tuple[str, str], object]:
    findings = AccountBoundary().run(AnalysisContext(session, subject_id))
    return {(f.rule_id, f.item.native_id): f for f in findings}


def test_discovery_finds_detectors_without_a_list():
    found = discover()
    assert AccountBoundary in found
    assert all(issubclass(d, Detector) for d in found)
    ids = [i for d in found for i in d.emitted_ids()]
    assert len(ids) == len(set(ids))


def test_personal_account_that_names_the_profession(session: Session, rows):
    subject = rows.subject()
    rows.account(subject, native_id="200", platform="instagram", role="personal",
                 bio="Mom of two | LMFT | coffee", private=True)
    found = run(session, subject.id)
    finding = found[("personal-account-names-profession", "200")]
    assert finding.category == "boundary" and finding.severity is Severity.LOW
    assert finding.item.type == "account" and finding.identity == ""
    assert finding.excerpt[slice(*finding.spans[0])] == "LMFT"
    assert ("personal-account-public", "200") not in found  # private


def test_handle_naming_the_profession(session: Session, rows):
    subject = rows.subject()
    rows.account(subject, native_id="200", handle="dana_lmft", role="personal", private=True)
    finding = run(session, subject.id)[("personal-account-names-profession", "200")]
    assert finding.excerpt == "dana_lmft" and finding.excerpt[slice(*finding.spans[0])] == "lmft"


def test_public_personal_account(session: Session, rows):
    subject = rows.subject()
    rows.account(subject, native_id="200", platform="instagram", role="personal", bio="hikes", private=False)
    rows.account(subject, native_id="300", platform="facebook", role="personal", bio="Therapist, LCSW",
                 private=False)
    rows.account(subject, native_id=None, platform="twitter", handle="dana", role="personal", private=None)
    found = run(session, subject.id)
    assert found[("personal-account-public", "200")].severity is Severity.LOW
    identified = found[("personal-account-public", "300")]
    assert identified.severity is Severity.MEDIUM
    assert sum(c.weight for c in identified.contributions) == identified.score
    # X archives carry no privacy flag: unknown is not flagged.
    assert not [k for k in found if k[1] == "dana"]


def test_links_between_personal_and_professional(session: Session, rows):
    subject = rows.subject()
    rows.account(subject, native_id="100", handle="dana_counsels", role="professional",
                 website="https://www.whitfieldcounseling.com/", url="https://x.com/dana_counsels",
                 bio="Counseling in Austin. Life outside work: @dana.hikes")
    rows.account(subject, native_id="200", platform="instagram", handle="dana.hikes", role="personal",
                 private=True, bio="hikes and dogs", links=["whitfieldcounseling.com/about"])
    found = run(session, subject.id)
    forward = found[("personal-links-professional", "200")]
    assert forward.category == "boundary"
    assert forward.excerpt[slice(*forward.spans[0])] == "whitfieldcounseling.com"
    reverse = found[("professional-links-personal", "100")]
    assert reverse.category == "dual_relationship"
    assert reverse.excerpt[slice(*reverse.spans[0])] == "@dana.hikes"


def test_account_fingerprint_ignores_profile_text(session: Session, rows):
    subject = rows.subject()
    account = rows.account(subject, native_id="200", role="personal", bio="LMFT", private=False)
    before = {f.rule_id: f.fingerprint for f in analyze(session, subject.id).findings}
    account.bio = "Licensed marriage and family therapist"
    session.flush()
    after = {f.rule_id: f.fingerprint for f in analyze(session, subject.id).findings}
    assert before == after and "personal-account-names-profession" in before


def test_unknown_and_professional_roles_are_not_checked_as_personal(session: Session, rows):
    subject = rows.subject()
    rows.account(subject, native_id="1", role="unknown", bio="LMFT", private=False)
    rows.account(subject, native_id="2", role="professional", bio="LMFT", private=False)
    assert run(session, subject.id) == {}


@pytest.mark.parametrize(("text", "term"), [
    ("Dana | LMFT | Austin", "LMFT"),
    ("Licensed Professional Counselor", "Licensed Professional Counselor"),
    ("psychotherapist & mom", "psychotherapist"),
    ("Owner, Whitfield Counseling", "Whitfield Counseling"),
    ("Physical therapist and runner", None),
    ("my therapist says hi", None),
    ("helping clients since 2010 (not)", None),
    ("camp counselor every summer", None),
    ("lpc? nope", None),
])
def test_profession_term(text, term):
    assert profession_term(text) == term


def test_handle_words():
    assert profession_term(handle_words("dana_lmft")) == "LMFT"
    assert profession_term(handle_words("dana.hikes")) is None
