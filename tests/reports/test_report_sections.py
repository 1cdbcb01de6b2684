"""The HTML report's parts beyond the contract: the fix-it list, since the last review, one
section per practitioner, overlap and discovered accounts, charts, codes, scope, guidance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.models import Account, AuditRun, Connection, Content, FindingRow, Subject
from reports import charts
from reports.actions import build_actions, kind_and_title
from reports.build import build_report
from reports.findings import anchor
from reports.guidance import locate, risk_band
from reports.html import show_invisible
from reports.people import name_forms
from reports.render import render
from reports.view import (
    AccountView,
    CitationView,
    DiscoveredAccount,
    EvidenceView,
    FindingView,
    ItemView,
    Membership,
    OverlapEntry,
)

World = Any


def _html(world: World, **kw: Any) -> str:
    text = render(build_report(world.session, **{"redact": True, **kw}), "html")
    assert isinstance(text, str)
    return text


def _finding(fp: str, *, item: str = "post", severity: str = "high", score: float = 0.8, rule: str = "r",
             remediation: str = "Delete the post.", counted: bool = True, change: str = "new",
             subject: str = "Dana", link: str | None = "https://x.com/d/status/1") -> FindingView:
    return FindingView(
        fingerprint=fp, category="confidentiality", rule=rule, severity=severity, score=score,
        status="open", change=change, subject=subject, platform="twitter", account="dana_w",
        account_role="personal", item=ItemView(item, "1", link, "2024-04-15T01:00:00Z"),
        message="m", evidence=EvidenceView("text " * 40, (), ()), explanation=(), citations=(),
        remediation=remediation, link=link, counted=counted, anchor=anchor(fp), locate="",
        platform_label="X",
    )


# -- the fix-it list -----------------------------------------------------------------------------


def test_findings_on_one_item_make_one_action() -> None:
    a = _finding("aa" * 16, severity="medium", score=0.5, remediation="Edit the reply.")
    b = _finding("bb" * 16, severity="high", score=0.7, remediation="Delete the post.")
    c = _finding("cc" * 16, severity="low", score=0.9)
    closed = _finding("dd" * 16, severity="critical", counted=False)
    keys = {a.fingerprint: "1:post:1", b.fingerprint: "1:post:1", c.fingerprint: "1:post:2",
            closed.fingerprint: "1:post:3"}
    actions = build_actions([a, b, c, closed], keys, {})
    assert len(actions) == 2, "the closed finding makes no action; a and b share one"
    first = actions[0]
    assert first.severity == "high" and first.title == "Delete this post"
    assert first.findings == (b.anchor, a.anchor)
    assert first.detail == "Delete the post." and first.link == "https://x.com/d/status/1"
    assert first.target == "X post by @dana_w, 15 Apr 2024"
    assert len(first.excerpt) <= 140 and first.excerpt.endswith("…")
    assert actions[1].severity == "low"


@pytest.mark.parametrize(("item", "rule", "relation", "remediation", "title"), [
    ("post", "r", None, "Delete the post.", "Delete this post"),
    ("reply", "r", None, "Delete the reply or rewrite it.", "Delete or edit this reply"),
    ("connection", "r", "follower", "", "Remove this follower"),
    ("connection", "r", "following", "", "Unfollow this account"),
    ("connection", "r", None, "", "Unfollow or remove this person"),
    ("account", "personal-account-public", None, "", "Make this account private"),
    # "or make it private" in the remediation does not make it a privacy action.
    ("account", "personal-account-names-profession", None, "Take it off (or make it private)", "Edit this profile"),
    ("account", "personal-links-professional", None, "", "Remove the link from this profile"),
    ("bio", "r", None, "", "Edit this bio"),
    ("message", "r", None, "", "Review this conversation"),
])
def test_action_titles(item: str, rule: str, relation: str | None, remediation: str, title: str) -> None:
    f = _finding("ee" * 16, item=item, rule=rule, remediation=remediation)
    assert kind_and_title(f, relation)[1] == title


def test_fix_it_list_in_the_report(world: World) -> None:
    view = build_report(world.session, redact=True)
    (section,) = view.sections
    titles = [a.title for a in section.actions]
    # Counted findings only (not the false positive, not the resolved one), most severe first.
    assert len(section.actions) == 4
    assert section.actions[0].severity == "critical"
    assert "Remove this follower" in titles  # the connection finding, by its stored relation
    html = render(view, "html")
    assert "The three most urgent actions" in html and "Fix-it list" in html
    assert html.count('class="action sev-') == 4


# -- since the last review -----------------------------------------------------------------------


def test_since_the_last_review(world: World) -> None:
    s = world.session
    personal = s.query(Account).filter_by(handle="dana_w_personal").one()
    s.add(FindingRow(
        run_id=world.run_id, subject_id=world.subject_id, account_id=personal.id, fingerprint="9d" * 16,
        category="confidentiality", rule_id="client-sighting", severity="high", score=0.8, item_type="post",
        platform="twitter", native_id="114", message="A post deleted since.", change="resolved", status="open",
    ))
    s.flush()
    changes = build_report(s, redact=True).sections[0].changes
    assert changes is not None and changes.previous_run == world.old_run_id
    assert {c.key: c.count for c in changes.counts} == {"new": 5, "unchanged": 0, "reappeared": 0, "resolved": 2}
    reasons = {item.finding.fingerprint: item.reason for item in changes.resolved}
    assert reasons == {"9d" * 16: "deleted", "f6" * 16: "not found"}
    assert changes.deleted == 1
    html = _html(world)
    assert "Since the last review" in html and "deleted from the newer export" in html
    assert "count as resolved" in html


def test_no_previous_run_no_changes_section(world: World) -> None:
    view = build_report(world.session, redact=True, run_id=world.old_run_id)
    assert view.sections[0].changes is None
    assert "Since the last review" not in render(view, "html")


# -- several practitioners -----------------------------------------------------------------------


def test_one_section_per_practitioner(world: World) -> None:
    s = world.session
    other = Subject(name="Sam Ortega", profession="psychologist", covered_entity=False)
    s.add(other)
    s.flush()
    account = Account(subject_id=other.id, platform="bluesky", account_key="did:x", native_id="did:x",
                      handle="samortega.bsky.social", role="professional", role_reason="set with --role")
    s.add(account)
    s.flush()
    s.add(FindingRow(
        run_id=world.run_id, subject_id=other.id, account_id=account.id, fingerprint="5a" * 16,
        category="testimonial", rule_id="review-solicitation", severity="high", score=0.9, item_type="post",
        platform="bluesky", native_id="3kabc", message="Asks for reviews.", change="new", status="open",
    ))
    s.flush()
    view = build_report(s, redact=True, subject_ids=[world.subject_id, other.id])
    assert [sec.subject.name for sec in view.sections] == ["Dana Whitfield", "Sam Ortega"]
    sam = view.sections[1]
    assert [f.fingerprint for g in sam.categories for f in g.findings] == ["5a" * 16]
    assert [a.handle for a in sam.accounts] == ["samortega.bsky.social"]
    assert [c.code for c in sam.codes] == list(sam.subject.codes) and sam.codes[0].code.startswith("APA")
    assert all(c.kind == "ethics" for c in sam.codes), "not a covered entity: no HIPAA"
    html = render(view, "html")
    assert "Practice overview" in html
    assert '<h2 id="s1-h" class="subject-title">Dana Whitfield</h2>' in html
    assert '<h2 id="s2-h" class="subject-title">Sam Ortega</h2>' in html
    assert '<h3 id="s2-summary-h">Executive summary</h3>' in html
    # HIPAA is cited for Dana (not known not to be covered), so its step stays.
    assert "45 CFR 164.402" in html


# -- overlap and discovered accounts -------------------------------------------------------------


OVERLAP = (
    OverlapEntry(
        person="Quinn Adebayo 🌿",
        tier="certain",
        confidence=0.98,
        roster_match=True,
        memberships=(
            Membership("twitter", "quinn_a", "Quinn Adebayo 🌿", "4040", "dana_w_personal", "personal", "follower"),
            Membership("instagram", "quinn.adebayo", None, None, "whitfieldcounseling", "professional", "follower"),
        ),
        explanation=("same name 'Quinn Adebayo' on both accounts", "roster client quinn_a"),
    ),
)


def test_overlap_section_unredacted(world: World) -> None:
    view = build_report(world.session, redact=False, overlap=OVERLAP)
    (entry,) = view.sections[0].overlap
    assert entry.subject == "Dana Whitfield" and entry.person == "Quinn Adebayo 🌿"
    html = render(view, "html")
    assert "Quinn Adebayo" in html and "on the client roster" in html
    assert "Remove or block this person on the personal account" in html
    doc = render(view, "json")
    assert '"roster_match": true' in str(doc)


def test_overlap_people_are_masked_everywhere(world: World) -> None:
    view = build_report(world.session, redact=True, overlap=OVERLAP)
    html = str(render(view, "html")).casefold()
    json_text = str(render(build_report(world.session, redact=True, overlap=OVERLAP), "json")).casefold()
    for text in (html, json_text):
        for secret in ("quinn adebayo", "quinn_a", "quinn.adebayo", "4040"):
            assert secret not in text, secret
    (entry,) = view.overlap
    assert entry.person == "[name]"
    assert [m.handle for m in entry.memberships] == ["q***", "q***"]
    assert entry.memberships[0].native_id == "[id]"
    assert [m.account for m in entry.memberships] == ["dana_w_personal", "whitfieldcounseling"]
    assert entry.explanation[0] == "same name '[name]' on both accounts"


def test_discovered_accounts(world: World) -> None:
    discovered = (
        DiscoveredAccount("instagram", "whitfield.counseling", "https://instagram.com/whitfield.counseling",
                          "footprint ingest EXPORT.zip --role professional"),
        DiscoveredAccount("web", None, "javascript:alert(1)", "footprint fetch web x"),
    )
    view = build_report(world.session, redact=True, discovered_accounts=discovered)
    assert [d.link for d in view.discovered_accounts] == ["https://instagram.com/whitfield.counseling", None]
    html = render(view, "html")
    assert "Accounts to audit next" in html
    assert 'href="https://instagram.com/whitfield.counseling"' in html
    assert 'href="javascript' not in html and "javascript:alert(1)" in html
    assert render(build_report(world.session, redact=True), "html").count("Accounts to audit next") == 0


# -- charts --------------------------------------------------------------------------------------


def test_timeline_counts_years_and_undated_findings(world: World) -> None:
    section = build_report(world.session, redact=True).sections[0]
    chart = section.timeline
    assert [b.label for b in chart.bars] == ["2025", "No date"]
    assert [b.total for b in chart.bars] == [1, 3]
    assert chart.table_head[0] == "Year" and chart.table_head[-1] == "Total"
    assert "Open findings by the date of the item: 1 in 2025 (confidentiality 1)" in chart.summary
    # Every segment fits inside the plot, stacked without overlap.
    for bar in chart.bars:
        bottoms = [s.y + s.height for s in bar.segments]
        assert all(0 <= s.y and s.y + s.height <= chart.height for s in bar.segments)
        assert all(abs(bottoms[i + 1] - bar.segments[i].y) < 0.2 for i in range(len(bottoms) - 1))


def test_account_chart_and_empty_charts() -> None:
    accounts = (
        AccountView("Dana", "twitter", "dana_w", "personal", "", 3, 1, 1, None, "unknown", "", None, None, 2, "X"),
    )
    findings = [_finding("aa" * 16, severity="high"), _finding("bb" * 16, severity="low", counted=False)]
    chart = charts.per_account("s1", accounts, findings)
    (bar,) = chart.bars
    assert bar.label == "@dana_w" and bar.sublabel == "X · personal" and bar.total == 1
    assert [(s.key, s.count) for s in bar.segments] == [("high", 1)]
    assert charts.timeline("s1", []).empty
    assert charts.nice_step(7) == 2 and charts.nice_step(40) == 10 and charts.nice_step(3) == 1


# -- codes, scope, guidance ----------------------------------------------------------------------


def test_codes_and_editions_applied(world: World) -> None:
    section = build_report(world.session, redact=True).sections[0]
    codes = {c.code: c for c in section.codes}
    assert set(codes) == {"AAMFT 2015", "HIPAA"}
    assert "2015" in codes["AAMFT 2015"].edition
    assert codes["AAMFT 2015"].why == "The practitioner's profession: marriage and family therapist."
    assert "not recorded" in codes["HIPAA"].why
    assert [c.section for c in codes["AAMFT 2015"].cited] == ["2.1"]


def test_scope_lists_accounts_periods_and_export_limits(world: World) -> None:
    scope = build_report(world.session, redact=True).sections[0].scope
    assert any(line.startswith("X @dana_w_personal (personal): 2 items") for line in scope.accounts)
    assert {limit.platform for limit in scope.limits} == {"instagram", "twitter"}
    assert any("privacy" in limit.lacks for limit in scope.limits if limit.platform == "twitter")


def test_locate_says_where_to_look() -> None:
    assert "Activity log" in locate("facebook", "post", "3 Feb 2024", "Dana")
    assert "from:dana_w" in locate("twitter", "post", "3 Feb 2024", "dana_w")
    assert "--no-redact" in locate("twitter", "connection", None, "dana_w")
    assert "by its date (the date shown)" in locate("generic", "post", None, None)


def test_meta_posts_without_a_url_say_how_to_find_them(world: World) -> None:
    s = world.session
    fb = Account(subject_id=world.subject_id, platform="facebook", account_key="fb", display_name="Dana Whitfield",
                 role="personal", role_reason="set")
    s.add(fb)
    s.flush()
    s.add(FindingRow(
        run_id=world.run_id, subject_id=world.subject_id, account_id=fb.id, fingerprint="fb" * 16,
        category="boundary", rule_id="live-whereabouts", severity="low", score=0.5, item_type="post",
        platform="facebook", native_id="1700000000:ab12", url=None, message="Whereabouts.",
        item_created_at=datetime(2024, 2, 3, tzinfo=UTC), change="new", status="open",
    ))
    s.flush()
    html = _html(world)
    assert "Facebook exports give posts no web address" in html and "go to 3 Feb 2024" in html
    assert "Posts have no web address in the export" in html  # the scope's export limits


@pytest.mark.parametrize(("score", "band"), [(0, "none"), (1, "low"), (24, "low"), (25, "moderate"),
                                             (50, "high"), (74, "high"), (75, "very-high"), (100, "very-high")])
def test_risk_bands(score: int, band: str) -> None:
    assert risk_band(score)[0] == band


@pytest.mark.parametrize(("name", "forms"), [
    ("Leah Brandt, LCSW", ["Leah Brandt, LCSW", "Leah Brandt"]),
    ("Pat Okonkwo <svg onload=alert(1)>", ["Pat Okonkwo <svg onload=alert(1)>", "Pat Okonkwo"]),
    ("Cam 🌿", ["Cam 🌿"]),
    ("Mary-Jane O'Neil (she/her)", ["Mary-Jane O'Neil (she/her)", "Mary-Jane O'Neil"]),
    ("José Núñez", ["José Núñez"]),
    ("   ", []),
])
def test_name_forms(name: str, forms: list[str]) -> None:
    assert list(name_forms(name)) == forms


def test_decorated_names_are_masked_in_plain_text(world: World) -> None:
    s = world.session
    personal = s.query(Account).filter_by(handle="dana_w_personal").one()
    s.add(Connection(account_id=personal.id, platform="twitter", relation="follower", person_key="id:77",
                     native_id="77", handle="leahb", name="Leah Brandt, LCSW"))
    s.add(Content(account_id=personal.id, platform="twitter", native_id="120", kind="post",
                  text="Coffee with Leah Brandt"))
    s.add(FindingRow(
        run_id=world.run_id, subject_id=world.subject_id, account_id=personal.id, fingerprint="1b" * 16,
        category="dual_relationship", rule_id="socializing-with-client", severity="high", score=0.8,
        item_type="post", platform="twitter", native_id="120", message="m", excerpt="Coffee with Leah Brandt",
        spans=[[0, 6]], change="new", status="open",
    ))
    s.flush()
    html = _html(world)
    assert "Leah Brandt" not in html and "Coffee with [name]" in html


def test_invisible_characters_are_shown() -> None:
    assert show_invisible("a\u202etxt.exe\u200b") == "a⟨U+202E⟩txt.exe⟨U+200B⟩"
    assert show_invisible(3) == 3


def test_citations_carry_how_firm_the_number_is(world: World) -> None:
    view = build_report(world.session, redact=True)
    cites = [c for f in view.findings for c in f.citations if c.code == "AAMFT 2015"]
    assert cites and all(isinstance(c, CitationView) for c in cites)
    # "2.1" is confirmed only in a secondary source in auditor/codes: the report says so.
    assert {c.verified for c in cites} <= {"V", "S", "M", ""}


def test_audit_facts_for_a_consultant(world: World) -> None:
    html = _html(world, auditor="Northside Ethics Consulting")
    assert "Prepared by" in html and "Northside Ethics Consulting" in html
    assert "Audit date" in html and "10 Jan 2026" in html
    assert "Scope and limitations" in html and "not legal advice" in html


def test_empty_run_renders(session: Any) -> None:
    session.add(AuditRun(rules_version="r", code_version="c"))
    session.flush()
    html = render(build_report(session, redact=True), "html")
    assert "No practitioner recorded" in html


def test_overlap_people_named_by_handle_or_id_and_quoted_spellings(world: World) -> None:
    entries = (
        OverlapEntry("@maria.g", "likely", 0.8, True, (
            Membership("instagram", "maria.g", None, None, "whitfieldcounseling", "professional", "follower"),),
            ("roster entry 'Maria G.' ~ 'maria.g' (handle spells the name)",),
            remediation="Remove @maria.g from the personal account.", fingerprints=("e5" * 16, "zz" * 16)),
        OverlapEntry("twitter id 5551212", "certain", 1.0, False, (
            Membership("twitter", None, None, "5551212", "dana_w_personal", "personal", "follower"),),
            ("same X account id on both sides",)),
    )
    view = build_report(world.session, redact=True, overlap=entries)
    first, second = view.overlap
    assert first.person == "@m***" and second.person == "twitter id [id]"
    assert first.explanation == ("roster entry '[masked]' ~ 'm***' (handle spells the name)",)
    assert first.remediation == "Remove @m*** from the personal account."
    # Anchors only for the findings this report shows.
    assert view.sections[0].overlap[0].anchors == (anchor("e5" * 16),)
    html = render(view, "html")
    assert f'href="#{anchor("e5" * 16)}">finding 1</a>' in html
    assert "maria" not in html.casefold() and "5551212" not in html
