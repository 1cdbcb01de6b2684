"""Stored findings → `FindingView`: status after later decisions, redaction, spans, links.

- **Status.** A finding's status is the one the run recorded, unless a decision was taken after
  the run started: then the newest such decision is shown (`footprint decide` without a re-run).
- **Counting.** Open and acknowledged findings that are not `resolved` count in the summary and
  the risk score; the others are listed but not counted.
- **Links.** Only plain http(s) URLs become links; anything else is shown as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.errors import InputError
from auditor.findings import CATEGORIES, SEVERITIES
from auditor.models import Account, AuditRun, FindingRow
from auditor.triage import STATUSES, decisions_since
from reports.accounts import account_label
from reports.dates import iso, readable
from reports.guidance import locate, platform_label
from reports.redact import Redactor, Span
from reports.summary import SEVERITY_RANK
from reports.view import CitationView, EvidenceView, FindingView, ItemView, Segment

CHANGES: tuple[str, ...] = ("new", "unchanged", "resolved", "reappeared")
#: Statuses that count in the summary and the risk score (the rest were decided away).
COUNTED_STATUSES = frozenset({"open", "acknowledged"})


def finding_views(
    session: Session,
    run: AuditRun,
    subject_ids: Sequence[int],
    names: Mapping[int, str],
    redactor: Redactor,
) -> tuple[FindingView, ...]:
    """The run's findings for these subjects, most severe first."""
    rows = session.execute(
        select(FindingRow, Account)
        .outerjoin(Account, FindingRow.account_id == Account.id)
        .where(FindingRow.run_id == run.id, FindingRow.subject_id.in_(subject_ids))
    ).all()
    later = decisions_since(session, subject_ids, run.started_at)
    views = [
        finding_view(
            row,
            account,
            names[row.subject_id],
            later.get((row.subject_id, row.fingerprint)),
            redactor,
        )
        for row, account in rows
    ]
    views.sort(key=sort_key)
    return tuple(views)


def sort_key(f: FindingView) -> tuple[int, float, str, str]:
    """Most severe first, then most certain; the fingerprint breaks ties for stable output."""
    return (-SEVERITY_RANK[f.severity], -f.score, f.fingerprint, f.subject)


def finding_view(
    row: FindingRow,
    account: Account | None,
    subject: str,
    decided: str | None,
    redactor: Redactor,
) -> FindingView:
    """One stored finding as the report shows it (redacted when the redactor is enabled)."""
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
    # People the excerpt or message names by handle or full name: their first names are masked
    # in every text of the finding ("review-reply phrasing: 'Thank you John'").
    named = redactor.named_words(f"{excerpt}\n{row.message}")
    excerpt, spans = redactor.text_with_spans(excerpt, normalize_spans(row.spans, len(excerpt)), named)
    spans = normalize_spans(spans, len(excerpt))
    created = iso(row.item_created_at)
    label = account_label(account) if account else None
    link = url if url and is_web_url(url) else None
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
        account=label,
        account_role=account.role if account else None,
        item=ItemView(row.item_type, native_id, url, created),
        message=redactor.text(row.message, named),
        evidence=EvidenceView(excerpt, spans, segments(excerpt, spans)),
        explanation=tuple(redactor.text(str(line), named) for line in row.explanation or []),
        citations=tuple(citations(row.citations)),
        remediation=redactor.text(row.remediation or "", named),
        link=link,
        counted=status in COUNTED_STATUSES and row.change != "resolved",
        anchor=anchor(row.fingerprint),
        locate="" if link else locate(row.platform, row.item_type, readable(created), label),
        platform_label=platform_label(row.platform),
    )


def anchor(fingerprint: str) -> str:
    """The HTML id of a finding: short, stable, and safe as an id whatever the fingerprint holds."""
    return "f-" + "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")[:12]


def _check_enum(row: FindingRow, field: str, value: str, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise InputError(
            f"finding {row.fingerprint} has an unknown {field} {value!r} "
            "(a database written by a newer footprint?)"
        )


@cache
def _verification() -> dict[tuple[str, str], str]:
    """(code label, section) → V/S/M from auditor/codes; empty when the data has none."""
    try:
        from auditor.codes import all_codes

        return {
            (code.code, section): level
            for code in all_codes()
            for section, level in (getattr(code, "verification", None) or {}).items()
        }
    except Exception:  # noqa: BLE001 - the marks are a courtesy; a report must not fail on them
        return {}


def citations(raw: Iterable[Any]) -> Iterable[CitationView]:
    """Stored citations (dicts, or 3-item lists from older rows), with how firm each number is."""
    marks = _verification()
    for c in raw or []:
        if isinstance(c, dict):
            code, section, title = (str(c.get(k, "")) for k in ("code", "section", "title"))
        elif isinstance(c, (list, tuple)) and len(c) == 3:
            code, section, title = (str(x) for x in c)
        else:
            continue
        yield CitationView(code, section, title, marks.get((code, section), ""))


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


_CHUNK = 500


def item_identities(
    session: Session, run: AuditRun, subject_ids: Sequence[int]
) -> tuple[dict[str, str], dict[str, str]]:
    """Per fingerprint: the identity of its item, and for connection items the relation.

    Taken from the stored rows, before redaction masks connection ids, so that the fix-it list
    can group findings on one item and say "remove this follower" rather than "this person".
    """
    from auditor.models import Connection

    keys: dict[str, str] = {}
    wanted: dict[tuple[int, str], list[str]] = {}  # connection findings by (account, native id)
    for fp, account_id, item_type, native_id in session.execute(
        select(FindingRow.fingerprint, FindingRow.account_id, FindingRow.item_type, FindingRow.native_id)
        .where(FindingRow.run_id == run.id, FindingRow.subject_id.in_(subject_ids))
    ):
        if native_id:
            keys[fp] = f"{account_id}:{item_type}:{native_id}"
            if item_type == "connection" and account_id is not None:
                wanted.setdefault((account_id, native_id), []).append(fp)
    # Connections are looked up a chunk of ids at a time: no index leads from a native id alone
    # to its connection rows, and a join per finding would scan an account's list each time.
    relations: dict[str, str] = {}
    by_account: dict[int, list[str]] = {}
    for account_id, native_id in wanted:
        by_account.setdefault(account_id, []).append(native_id)
    for account_id, native_ids in by_account.items():
        for i in range(0, len(native_ids), _CHUNK):
            rows = session.execute(
                select(Connection.native_id, Connection.relation)
                .where(Connection.account_id == account_id, Connection.native_id.in_(native_ids[i:i + _CHUNK]))
                .order_by(Connection.deleted_at.is_not(None), Connection.id)
            )
            for native_id, relation in rows:
                if native_id is None:
                    continue  # not asked for: the query matches ids only
                for fp in wanted[(account_id, native_id)]:
                    relations.setdefault(fp, relation)
    return keys, relations
