"""Database → `ReportView`: every query, count, sort and redaction of a report happens here.

The pieces live in their own modules (selection, accounts and coverage, findings, summary,
fix-it actions, charts, changes since the last review, scope and codes); this module puts
them together, once for the whole report (the JSON contract) and once per subject (the HTML's
sections). Overlap entries and discovered accounts come from their own issues' modules and are
passed in unredacted; they are masked here like everything else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.codes import codes_for
from auditor.errors import UsageError
from auditor.findings import CATEGORIES
from auditor.models import Account, AuditRun, Subject
from reports import charts
from reports.accounts import (
    FOLLOWER_RELATIONS,
    FOLLOWING_RELATIONS,
    AccountKey,
    account_label,
    account_views,
    coverage,
)
from reports.actions import build_actions
from reports.allowlist import allowlist_views
from reports.changes import changes_since_last_review
from reports.dates import day, iso
from reports.findings import (
    CHANGES,
    COUNTED_STATUSES,
    finding_views,
    is_web_url,
    item_identities,
    normalize_spans,
    segments,
)
from reports.guidance import risk_band
from reports.people import third_party_redactor
from reports.redact import Redactor
from reports.scope import codes_applied, scope
from reports.select import select_run, select_subjects
from reports.summary import (
    CATEGORY_TITLES,
    RISK_FORMULA,
    RISK_WEIGHTS,
    SEVERITY_TITLES,
    summarize,
)
from reports.view import (
    AccountView,
    AllowView,
    CategoryGroup,
    DiscoveredAccount,
    FindingView,
    Membership,
    OverlapEntry,
    ReportView,
    RunView,
    SubjectSection,
    SubjectView,
)

__all__ = [
    "CATEGORY_TITLES",
    "CHANGES",
    "COUNTED_STATUSES",
    "FOLLOWER_RELATIONS",
    "FOLLOWING_RELATIONS",
    "RISK_FORMULA",
    "RISK_WEIGHTS",
    "SEVERITY_TITLES",
    "build_report",
    "is_web_url",
    "normalize_spans",
    "segments",
    "subject_codes",
]


def subject_codes(profession: str | None, covered_entity: bool | None) -> tuple[str, ...]:
    """The code labels that apply to a subject (`auditor.codes.codes_for`).

    A profession stored by an older or newer footprint that this one does not know cites every
    code, as no profession does, rather than failing the whole report.
    """
    try:
        return tuple(codes_for(profession, covered_entity))
    except UsageError:
        return tuple(codes_for(None, covered_entity))


#: What the HTML shows at most, per subject: findings per category, fix-it steps, overlap entries.
HTML_PER_CATEGORY = 250
HTML_ACTIONS = 250
HTML_OVERLAP = 500


def build_report(
    session: Session,
    *,
    subject_ids: Sequence[int] | None = None,
    run_id: int | None = None,
    redact: bool,
    auditor: str | None = None,
    overlap: Sequence[OverlapEntry] = (),
    discovered_accounts: Sequence[DiscoveredAccount] = (),
) -> ReportView:
    """The report of one audit run (the latest when `run_id` is None) for some or all subjects.

    `overlap` and `discovered_accounts` are the run's stored entries, unredacted.
    """
    run = select_run(session, run_id)
    subjects = select_subjects(session, subject_ids, run)
    ids = [s.id for s in subjects]
    names = {s.id: s.name for s in subjects}
    accounts = sorted(
        session.scalars(select(Account).where(Account.subject_id.in_(ids))).all(),
        key=lambda a: (names[a.subject_id], a.platform, account_label(a) or "", a.id),
    )
    redactor = (
        third_party_redactor(session, subjects, accounts, overlap) if redact else Redactor.disabled()
    )
    findings = finding_views(session, run, ids, names, redactor)
    counts: Counter[AccountKey] = Counter(
        (f.subject, f.platform, f.account) for f in findings if f.counted
    )
    account_list = account_views(session, accounts, names, counts)
    overlap_views = tuple(_overlap(entry, redactor, accounts, names) for entry in overlap)
    subject_views = tuple(
        SubjectView(s.name, s.profession, subject_codes(s.profession, s.covered_entity)) for s in subjects
    )
    item_keys, relations = item_identities(session, run, ids)
    allowlist = allowlist_views(session, run, names, redactor)
    sections = tuple(
        _section(session, run, subject, view, i, findings, account_list, overlap_views, item_keys, relations,
                 allowlist)
        for i, (subject, view) in enumerate(zip(subjects, subject_views, strict=True), start=1)
    )
    return ReportView(
        subjects=subject_views,
        run=RunView(run.id, iso(run.started_at) or "", run.rules_version),
        accounts=account_list,
        coverage=coverage(session, [a.id for a in accounts], redactor),
        summary=summarize(findings),
        findings=findings,
        overlap=overlap_views,
        discovered_accounts=tuple(_discovered(d, redactor) for d in discovered_accounts),
        categories=_categories(findings),
        redacted=redact,
        auditor=auditor,
        sections=sections,
        audit_date=day(run.started_at) or "",
        code_version=run.code_version or "",
        hipaa_applies=any(s.covered_entity is not False for s in subjects) or not subjects,
        allowlist=allowlist,
    )


def _categories(findings: Sequence[FindingView]) -> tuple[CategoryGroup, ...]:
    return tuple(
        CategoryGroup(c, CATEGORY_TITLES[c], tuple(f for f in findings if f.category == c))
        for c in CATEGORIES
    )


def _section(
    session: Session,
    run: AuditRun,
    subject: Subject,
    view: SubjectView,
    index: int,
    all_findings: Sequence[FindingView],
    all_accounts: Sequence[AccountView],
    all_overlap: Sequence[OverlapEntry],
    item_keys: dict[str, str],
    relations: dict[str, str],
    all_allowlist: Sequence[AllowView] = (),
) -> SubjectSection:
    """Everything the HTML shows about one subject."""
    anchor = f"s{index}"
    findings = tuple(f for f in all_findings if f.subject == subject.name)
    accounts = tuple(a for a in all_accounts if a.subject == subject.name)
    summary = summarize(findings)
    band, band_label = risk_band(summary.risk_score)
    # The HTML shows the highest-ranked findings of each category, fix-it steps and overlap
    # entries up to a limit, so that a footprint with thousands of findings still opens in a
    # browser; the JSON and CSV reports list everything.
    categories = tuple(
        replace(g, findings=g.findings[:HTML_PER_CATEGORY], hidden=max(0, len(g.findings) - HTML_PER_CATEGORY))
        for g in _categories(findings)
    )
    shown = {f.fingerprint: f.anchor for g in categories for f in g.findings}
    anchors = frozenset(shown.values())
    actions = build_actions(findings, item_keys, relations)
    overlap = [o for o in all_overlap if o.subject in (None, subject.name)]
    return SubjectSection(
        subject=view,
        anchor=anchor,
        summary=summary,
        band=band,
        band_label=band_label,
        accounts=accounts,
        actions=tuple(replace(a, findings=tuple(x for x in a.findings if x in anchors))
                      for a in actions[:HTML_ACTIONS]),
        actions_hidden=max(0, len(actions) - HTML_ACTIONS),
        categories=categories,
        overlap=tuple(
            replace(o, anchors=tuple(shown[fp] for fp in o.fingerprints if fp in shown))
            for o in overlap[:HTML_OVERLAP]
        ),
        overlap_hidden=max(0, len(overlap) - HTML_OVERLAP),
        shown=anchors,
        timeline=charts.timeline(anchor, findings),
        account_chart=charts.per_account(anchor, accounts, findings),
        changes=changes_since_last_review(session, run, subject.id, findings),
        codes=codes_applied(view.codes, subject.profession, subject.covered_entity, findings),
        scope=scope(accounts),
        covered_entity=subject.covered_entity,
        allowlist=tuple(a for a in all_allowlist if a.subject == subject.name),
    )


def _overlap(
    entry: OverlapEntry, redactor: Redactor, accounts: Sequence[Account], names: dict[int, str]
) -> OverlapEntry:
    """An overlap entry with the person masked, and the subject it belongs to filled in."""
    subject = entry.subject
    if subject is None:
        # Memberships name the subject's own accounts; the first one that is known tells whose.
        by_label = {(a.platform, account_label(a)): names[a.subject_id] for a in accounts}
        subject = next(
            (by_label[(m.platform, m.account)] for m in entry.memberships if (m.platform, m.account) in by_label),
            None,
        )
    return OverlapEntry(
        person=_person(entry.person, redactor),
        tier=entry.tier,
        confidence=entry.confidence,
        roster_match=entry.roster_match,
        memberships=tuple(
            Membership(
                platform=m.platform,
                handle=redactor.handle(m.handle),
                name=redactor.name(m.name),
                native_id=redactor.native_id(m.native_id),
                account=m.account,
                account_role=m.account_role,
                relation=m.relation,
            )
            for m in entry.memberships
        ),
        explanation=tuple(_explain(line, redactor) for line in entry.explanation),
        subject=subject,
        remediation=redactor.text(entry.remediation),
        fingerprints=entry.fingerprints,
        key=entry.key,
        status=entry.status,
        review_note=redactor.text(entry.review_note),
        reviewed_by=entry.reviewed_by,
        reviewed_at=entry.reviewed_at,
    )


#: How auditor.overlap names a person it knows only by an id: "twitter id 12345".
_BY_ID = re.compile(r"^(?P<platform>\S+) id (?P<id>\S+)$")
#: A quoted string in an overlap explanation ("same name 'Maria G' on both sides").
_QUOTED = re.compile(r"'([^']+)'")
_MASKS = re.compile(r"^(?:\[name\]|\[id\]|@?\w\*\*\*)$")


def _person(person: str, redactor: Redactor) -> str:
    """The overlapping person as a list shows them: a handle, an id or a name, masked as such."""
    if not redactor.enabled:
        return person
    if person.startswith("@"):
        return redactor.handle(person) or ""
    by_id = _BY_ID.match(person)
    if by_id:
        return f"{by_id['platform']} id {redactor.native_id(by_id['id'])}"
    return redactor.name(person) or ""


def _explain(line: str, redactor: Redactor) -> str:
    """An explanation line, masked; under redaction every string it quotes is a person's (a
    roster entry's spelling need not be known to the redactor), so quotes are masked too."""
    line = redactor.text(line)
    if not redactor.enabled:
        return line
    return _QUOTED.sub(lambda m: m.group(0) if _MASKS.match(m.group(1)) else "'[masked]'", line)


def _discovered(d: DiscoveredAccount, redactor: Redactor) -> DiscoveredAccount:
    """A linked profile: masked only where it is a known third party's."""
    url = redactor.url(d.url)
    return DiscoveredAccount(
        platform=d.platform,
        handle=redactor.text(d.handle) if d.handle else d.handle,
        url=url,
        command=redactor.text(d.command),
        link=url if url and is_web_url(url) else None,
    )
