"""Database → `ReportView`: every query, count, sort and redaction of a report happens here.

Choices the JSON contract leaves open, made here once for every format:

- **Accounts.** `content` counts non-deleted items of the authored kinds (post, reply, comment,
  caption). `followers` counts non-deleted connections whose relation is follower, friend,
  connection or subscriber (the people who see the account's posts: a Facebook friend or a
  LinkedIn connection is both, and is counted once, here); `following` counts relation
  following. Blocked accounts count in neither.
- **Coverage** comes from each account's newest finished import (an older archive of the same
  account is superseded by it). Files are named `source: file`, the source being the archive's
  file name (never its folder) or the fetched URL. Read files go to `files_read`. Skipped files
  go to `files_skipped` with their reason; files no connector recognised go there with the
  reason prefixed `not recognised`; files read with a warning (a count that disagrees with the
  manifest) are in `files_read` *and* in `files_skipped` with the reason prefixed
  `read with a warning:`, because the contract has no other place to say that a read file's
  coverage may be incomplete.
- **Status.** A finding's status is the one the run recorded, unless a decision was taken after
  the run started: then the newest such decision is shown (`footprint decide` without a re-run).
- **Counting.** The summary counts open and acknowledged findings that are not `resolved`;
  the others are listed but not counted, and the risk score uses the same set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from auditor.codes import codes_for
from auditor.errors import InputError, UsageError
from auditor.findings import CATEGORIES, SEVERITIES
from auditor.models import (
    Account,
    AuditRun,
    Connection,
    Content,
    Decision,
    FindingRow,
    Import,
    Interaction,
    Subject,
)
from auditor.records import AUTHORED_KINDS
from auditor.triage import STATUSES
from reports.redact import Redactor, Span
from reports.view import (
    AccountView,
    CategoryGroup,
    CitationView,
    CountView,
    CoverageFile,
    CoverageView,
    EvidenceView,
    FindingView,
    ItemView,
    ReportView,
    RunView,
    Segment,
    SkippedFile,
    SubjectView,
    SummaryView,
)

CHANGES: tuple[str, ...] = ("new", "unchanged", "resolved", "reappeared")
#: Statuses that count in the summary and the risk score (the rest were decided away).
COUNTED_STATUSES = frozenset({"open", "acknowledged"})
FOLLOWER_RELATIONS: tuple[str, ...] = ("follower", "friend", "connection", "subscriber")
FOLLOWING_RELATIONS: tuple[str, ...] = ("following",)

CATEGORY_TITLES: dict[str, str] = {
    "confidentiality": "Confidentiality",
    "dual_relationship": "Dual relationships",
    "professional_conduct": "Professional conduct",
    "personalized_advice": "Personalized advice and diagnosis in public",
    "testimonial": "Testimonials and reviews",
    "boundary": "Online boundaries",
}
SEVERITY_TITLES: dict[str, str] = {s: s.capitalize() for s in SEVERITIES}
_SEVERITY_RANK: dict[str, int] = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}

#: Severity weights of the risk score: a critical finding at full score alone makes 100.
RISK_WEIGHTS: dict[str, float] = {"critical": 1.0, "high": 0.6, "medium": 0.3, "low": 0.1}
RISK_FORMULA = (
    "The risk score is 100 × (1 − Π(1 − weight × score)) over the open and acknowledged "
    "findings, with severity weights critical 1.0, high 0.6, medium 0.3 and low 0.1: "
    "0 means nothing open, one critical finding at full confidence makes 100, and every "
    "further finding moves it closer to 100."
)


def subject_codes(profession: str | None, covered_entity: bool | None) -> tuple[str, ...]:
    """The code labels that apply to a subject (`auditor.codes.codes_for`).

    A profession stored by an older or newer footprint that this one does not know cites every
    code, as no profession does, rather than failing the whole report.
    """
    try:
        return tuple(codes_for(profession, covered_entity))
    except UsageError:
        return tuple(codes_for(None, covered_entity))


def build_report(
    session: Session,
    *,
    subject_ids: Sequence[int] | None = None,
    run_id: int | None = None,
    redact: bool,
    auditor: str | None = None,
) -> ReportView:
    """The report of one audit run (the latest when `run_id` is None) for some or all subjects."""
    run = _select_run(session, run_id)
    subjects = _select_subjects(session, subject_ids, run)
    ids = [s.id for s in subjects]
    names = {s.id: s.name for s in subjects}
    accounts = sorted(
        session.scalars(select(Account).where(Account.subject_id.in_(ids))).all(),
        key=lambda a: (names[a.subject_id], a.platform, _account_label(a) or "", a.id),
    )
    account_ids = [a.id for a in accounts]
    redactor = _redactor(session, subjects, accounts) if redact else Redactor.disabled()

    findings = _findings(session, run, ids, names, redactor)
    summary = _summary(findings)
    return ReportView(
        subjects=tuple(
            SubjectView(s.name, s.profession, subject_codes(s.profession, s.covered_entity))
            for s in subjects
        ),
        run=RunView(run.id, _iso(run.started_at) or "", run.rules_version),
        accounts=_accounts(session, accounts, names),
        coverage=_coverage(session, account_ids, redactor),
        summary=summary,
        findings=findings,
        # Filled by the overlap issue; under redaction, pass each membership's handle, name and
        # native_id through redactor.handle/.name/.native_id and the person through .name.
        overlap=(),
        discovered_accounts=(),
        categories=tuple(
            CategoryGroup(c, CATEGORY_TITLES[c], tuple(f for f in findings if f.category == c))
            for c in CATEGORIES
        ),
        redacted=redact,
        auditor=auditor,
    )


# -- selection -----------------------------------------------------------------------------------


def _select_run(session: Session, run_id: int | None) -> AuditRun:
    if run_id is None:
        run = session.scalars(
            select(AuditRun).order_by(AuditRun.started_at.desc(), AuditRun.id.desc()).limit(1)
        ).first()
        if run is None:
            raise InputError("there is no audit run yet: run `footprint audit` first")
        return run
    found = session.get(AuditRun, run_id)
    if found is None:
        known = session.scalars(select(AuditRun.id).order_by(AuditRun.id)).all()
        listed = ", ".join(map(str, known)) or "none; run `footprint audit` first"
        raise InputError(f"there is no audit run {run_id} (runs: {listed})")
    return found


def _select_subjects(
    session: Session, subject_ids: Sequence[int] | None, run: AuditRun
) -> list[Subject]:
    if subject_ids is None:
        # The run records which subjects it audited (auditor.runs); default to those.
        audited = (run.parameters or {}).get("subjects")
        query = select(Subject)
        if isinstance(audited, list) and all(isinstance(i, int) for i in audited):
            query = query.where(Subject.id.in_(audited))
        return list(session.scalars(query.order_by(Subject.name, Subject.id)).all())
    wanted = list(dict.fromkeys(subject_ids))
    found = session.scalars(select(Subject).where(Subject.id.in_(wanted))).all()
    missing = sorted(set(wanted) - {s.id for s in found})
    if missing:
        raise InputError(f"no subject with id {', '.join(map(str, missing))}")
    return sorted(found, key=lambda s: (s.name, s.id))


# -- redaction -----------------------------------------------------------------------------------


def _redactor(
    session: Session, subjects: Sequence[Subject], accounts: Sequence[Account]
) -> Redactor:
    """A redactor for everyone the subjects' accounts know, except the subjects themselves.

    Deleted rows count too: a person gone from the newest export may still be named in an
    older excerpt.
    """
    ids = [a.id for a in accounts]
    handles: set[str] = set()
    names: set[str] = set()
    for model in (Connection, Interaction):
        rows = session.execute(
            select(model.handle, model.name).where(model.account_id.in_(ids)).distinct()
        )
        for handle, name in rows:
            _add(handles, handle)
            _add(names, name)
    people = session.execute(
        select(Content.mentions, Content.in_reply_to)
        .where(Content.account_id.in_(ids))
        .execution_options(yield_per=2000)
    )
    for mentions, in_reply_to in people:
        for person in [*(mentions or []), in_reply_to]:
            if isinstance(person, dict):
                _add(handles, person.get("handle"))
                _add(names, person.get("name"))
    own: set[str] = {s.name for s in subjects}
    for account in accounts:
        _add(own, account.handle)
        _add(own, account.display_name)
    return Redactor(handles=sorted(handles), names=sorted(names), own=sorted(own))


def _add(into: set[str], value: Any) -> None:
    if isinstance(value, str) and value.strip():
        into.add(value.strip())


# -- accounts and coverage -----------------------------------------------------------------------


def _account_label(account: Account) -> str | None:
    """How a report names an account: its handle, else its display name (Facebook has none)."""
    return account.handle or account.display_name or None


def _accounts(
    session: Session, accounts: Sequence[Account], names: dict[int, str]
) -> tuple[AccountView, ...]:
    ids = [a.id for a in accounts]
    content: dict[int, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Content.account_id, func.count())
            .where(
                Content.account_id.in_(ids),
                Content.deleted_at.is_(None),
                Content.kind.in_(sorted(AUTHORED_KINDS)),
            )
            .group_by(Content.account_id)
        ).all()
    )
    followers: dict[int, int] = defaultdict(int)
    following: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Connection.account_id, Connection.relation, func.count())
        .where(Connection.account_id.in_(ids), Connection.deleted_at.is_(None))
        .group_by(Connection.account_id, Connection.relation)
    )
    for account_id, relation, count in rows:
        if relation in FOLLOWER_RELATIONS:
            followers[account_id] += count
        elif relation in FOLLOWING_RELATIONS:
            following[account_id] += count
    return tuple(
        AccountView(
            subject=names[a.subject_id],
            platform=a.platform,
            handle=_account_label(a),
            role=a.role,
            role_reason=a.role_reason,
            content=content.get(a.id, 0),
            followers=followers[a.id],
            following=following[a.id],
            private=a.private,
            privacy=_privacy(a.private),
            privacy_note=_privacy_note(a),
        )
        for a in accounts
    )


def _privacy(private: bool | None) -> str:
    return "unknown" if private is None else ("private" if private else "public")


def _privacy_note(account: Account) -> str:
    if account.private is not None:
        return ""
    if account.platform == "twitter":
        return "X exports carry no current privacy flag; check the account's settings."
    return "The export does not say; check the account's settings."


def _coverage(session: Session, account_ids: Sequence[int], redactor: Redactor) -> CoverageView:
    read: dict[str, int | None] = {}
    skipped: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for imp in _latest_imports(session, account_ids):
        source = _source_label(imp.source_name)
        for entry in imp.coverage or []:
            if not isinstance(entry, dict):
                continue
            file = str(entry.get("file") or "")
            label = redactor.path(source if file in ("", source) else f"{source}: {file}")
            status = str(entry.get("status") or "")
            reason = redactor.text(str(entry.get("reason") or "").strip())
            count = entry.get("count")
            if status == "read":
                read[label] = count if isinstance(count, int) else None
            elif status == "warning":
                read[label] = count if isinstance(count, int) else None
                warnings[label] = "read with a warning: " + (reason or "no reason given")
            elif status == "unrecognized":
                skipped[label] = "not recognised" + (f": {reason}" if reason else "")
            else:
                skipped[label] = reason or status or "skipped"
    all_skipped = {**skipped, **warnings}
    unresolved = session.scalar(
        select(func.count())
        .select_from(Connection)
        .where(
            Connection.account_id.in_(account_ids),
            Connection.deleted_at.is_(None),
            Connection.native_id.is_not(None),
            Connection.native_id != "",
            or_(Connection.handle.is_(None), Connection.handle == ""),
            or_(Connection.name.is_(None), Connection.name == ""),
        )
    )
    return CoverageView(
        files_read=tuple(CoverageFile(f, read[f]) for f in sorted(read)),
        files_skipped=tuple(SkippedFile(f, all_skipped[f]) for f in sorted(all_skipped)),
        connections_unresolved=unresolved or 0,
    )


def _latest_imports(session: Session, account_ids: Sequence[int]) -> list[Import]:
    """Each account's newest finished import: an older archive is superseded by a newer one."""
    rows = session.scalars(
        select(Import)
        .where(Import.account_id.in_(account_ids), Import.finished_at.is_not(None))
        .order_by(Import.account_id, Import.started_at.desc(), Import.id.desc())
    ).all()
    newest: dict[int, Import] = {}
    for imp in rows:
        newest.setdefault(imp.account_id, imp)
    return [newest[k] for k in sorted(newest)]


def _source_label(source_name: str) -> str:
    """A fetched URL as is; an archive by its file name only (its folder is nobody's business)."""
    if "://" in source_name:
        return source_name
    return PurePath(source_name).name or source_name


# -- findings ------------------------------------------------------------------------------------


def _findings(
    session: Session,
    run: AuditRun,
    subject_ids: Sequence[int],
    names: dict[int, str],
    redactor: Redactor,
) -> tuple[FindingView, ...]:
    rows = session.execute(
        select(FindingRow, Account)
        .outerjoin(Account, FindingRow.account_id == Account.id)
        .where(FindingRow.run_id == run.id, FindingRow.subject_id.in_(subject_ids))
    ).all()
    later = _decisions_since(session, subject_ids, run.started_at)
    views = [
        _finding(
            row,
            account,
            names[row.subject_id],
            later.get((row.subject_id, row.fingerprint)),
            redactor,
        )
        for row, account in rows
    ]
    views.sort(key=lambda f: (-_SEVERITY_RANK[f.severity], -f.score, f.fingerprint, f.subject))
    return tuple(views)


def _decisions_since(
    session: Session, subject_ids: Sequence[int], since: datetime
) -> dict[tuple[int, str], str]:
    """The newest decision per (subject, fingerprint) taken after the run started."""
    rows = session.scalars(
        select(Decision)
        .where(Decision.subject_id.in_(subject_ids), Decision.decided_at > since)
        .order_by(Decision.decided_at, Decision.id)
    )
    return {(d.subject_id, d.fingerprint): d.status for d in rows}


def _finding(
    row: FindingRow,
    account: Account | None,
    subject: str,
    decided: str | None,
    redactor: Redactor,
) -> FindingView:
    status = decided or row.status
    _check_enum(row, "category", row.category, CATEGORIES)
    _check_enum(row, "severity", row.severity, SEVERITIES)
    _check_enum(row, "status", status, STATUSES)
    _check_enum(row, "change", row.change, CHANGES)
    native_id, url = row.native_id, redactor.url(row.url)
    if row.item_type == "connection":
        # The item is a third party: their id and profile URL name them as surely as a handle.
        native_id, url = redactor.native_id(native_id), (None if redactor.enabled else url)
    excerpt = row.excerpt or ""
    excerpt, spans = redactor.text_with_spans(excerpt, normalize_spans(row.spans, len(excerpt)))
    spans = normalize_spans(spans, len(excerpt))
    return FindingView(
        fingerprint=row.fingerprint,
        category=row.category,
        rule=row.rule_id,
        severity=row.severity,
        score=round(float(row.score), 4),
        status=status,
        change=row.change,
        subject=subject,
        platform=row.platform,
        account=_account_label(account) if account else None,
        account_role=account.role if account else None,
        item=ItemView(row.item_type, native_id, url, _iso(row.item_created_at)),
        message=redactor.text(row.message),
        evidence=EvidenceView(excerpt, spans, segments(excerpt, spans)),
        explanation=tuple(redactor.text(str(line)) for line in row.explanation or []),
        citations=tuple(_citations(row.citations)),
        remediation=redactor.text(row.remediation or ""),
        link=url if url and is_web_url(url) else None,
        counted=status in COUNTED_STATUSES and row.change != "resolved",
    )


def _check_enum(row: FindingRow, field: str, value: str, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise InputError(
            f"finding {row.fingerprint} has an unknown {field} {value!r} "
            "(a database written by a newer footprint?)"
        )


def _citations(raw: Iterable[Any]) -> Iterable[CitationView]:
    for c in raw or []:
        if isinstance(c, dict):
            yield CitationView(
                str(c.get("code", "")), str(c.get("section", "")), str(c.get("title", ""))
            )
        elif isinstance(c, (list, tuple)) and len(c) == 3:
            yield CitationView(*(str(x) for x in c))


def normalize_spans(raw: Iterable[Any], length: int) -> tuple[Span, ...]:
    """Valid, sorted, non-overlapping spans within `length`; malformed ones are dropped."""
    spans: list[Span] = []
    for item in raw or []:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            continue
        start, end = item
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            continue
        start, end = max(0, start), min(length, end)
        if start < end:
            spans.append((start, end))
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def segments(text: str, spans: Sequence[Span]) -> tuple[Segment, ...]:
    """The text cut into plain and matched runs, so a template only loops and marks."""
    out: list[Segment] = []
    cursor = 0
    for start, end in spans:
        if start > cursor:
            out.append(Segment(text[cursor:start], False))
        out.append(Segment(text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:], False))
    return tuple(out)


def is_web_url(url: str) -> bool:
    """Whether a URL is a plain http(s) URL with a host: the only kind a report links to."""
    if url != url.strip() or any(ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# -- summary -------------------------------------------------------------------------------------


def _summary(findings: Sequence[FindingView]) -> SummaryView:
    counted = [f for f in findings if f.counted]
    by_category = {c: 0 for c in CATEGORIES}
    by_severity = {s: 0 for s in SEVERITIES}
    remaining = 1.0
    for f in counted:
        by_category[f.category] += 1
        by_severity[f.severity] += 1
        remaining *= 1.0 - RISK_WEIGHTS[f.severity] * max(0.0, min(1.0, f.score))
    return SummaryView(
        risk_score=max(0, min(100, round(100 * (1.0 - remaining)))),
        risk_formula=RISK_FORMULA,
        by_category=tuple(CountView(c, CATEGORY_TITLES[c], by_category[c]) for c in CATEGORIES),
        by_severity=tuple(CountView(s, SEVERITY_TITLES[s], by_severity[s]) for s in SEVERITIES),
        counted=len(counted),
        not_counted=len(findings) - len(counted),
    )


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with a `Z`, to the second (the contract's time format)."""
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")
