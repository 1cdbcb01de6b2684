"""Ethics-code data: which codes apply, and how refs resolve into citations."""

from __future__ import annotations

import pytest

from auditor.analyzer.engine import scan_text
from auditor.analyzer.rules import active_rules, load_packs
from auditor.codes import all_codes, check_ref, codes_for, resolve
from auditor.errors import RulePackError, UsageError

ACA, APA, NASW, AAMFT, HIPAA = "ACA 2014", "APA 2002 (amended 2010, 2016)", "NASW 2021", "AAMFT 2015", "HIPAA"
ETHICS = {ACA, APA, NASW, AAMFT}


def test_code_files():
    codes = {c.key: c for c in all_codes()}
    assert set(codes) == {"ACA", "APA", "NASW", "AAMFT", "HIPAA"}
    for code in codes.values():
        assert code.sections and all(title.strip() for title in code.sections.values())
        assert set(code.verification) <= set(code.sections)
    assert codes["HIPAA"].kind == "law"


@pytest.mark.parametrize(("profession", "covered", "expected"), [
    ("counselor", False, {ACA}),
    ("counselor", True, {ACA, HIPAA}),
    ("counselor", None, {ACA, HIPAA}),  # HIPAA applies unless known not to
    ("psychologist", False, {APA}),
    ("social-worker", False, {NASW}),
    ("mft", True, {AAMFT, HIPAA}),
    ("other", False, ETHICS),
    (None, None, ETHICS | {HIPAA}),
    (None, False, ETHICS),
])
def test_codes_for(profession, covered, expected):
    assert set(codes_for(profession, covered)) == expected


def test_codes_for_rejects_unknown_profession():
    with pytest.raises(UsageError, match="unknown profession"):
        codes_for("astrologer", None)


def test_resolve_filters_and_orders_by_code():
    refs = ["HIPAA:164.502(a)", "APA:4.01", "ACA:B.1.c", "ACA:H.6.d", "ACA:B.1.c"]
    cited = resolve(refs, [ACA, HIPAA])
    assert [(c.code, c.section) for c in cited] == [(ACA, "B.1.c"), (ACA, "H.6.d"), (HIPAA, "164.502(a)")]
    assert cited[0].title == "Respect for Confidentiality"
    with pytest.raises(RulePackError):
        resolve(["ACA:Z.9"], [ACA])


def test_check_ref_messages():
    with pytest.raises(ValueError, match="unknown code 'NBCC'"):
        check_ref("NBCC:7")
    with pytest.raises(ValueError, match="KEY:SECTION"):
        check_ref("B.1.c")


def test_every_builtin_citation_resolves():
    for rule in active_rules(load_packs()):
        assert len(resolve(rule.citations, codes_for(None, None))) == len(set(rule.citations)), rule.id


def test_findings_cite_the_subjects_codes():
    text = "My client told me today she is leaving her husband."
    counselor = scan_text(text, profession="counselor", covered_entity=False)[0]
    assert {c.code for c in counselor.citations} == {ACA}
    covered = scan_text(text, profession="counselor", covered_entity=True)[0]
    assert {c.code for c in covered.citations} == {ACA, HIPAA}
    everyone = scan_text(text)[0]
    assert {c.code for c in everyone.citations} == ETHICS | {HIPAA}
