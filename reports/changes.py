"""Since the last review: what a subject's run found new, still, again, and no longer.

Every finding of a run carries `change` against the subject's previous run (auditor.runs). A
`resolved` finding is listed once, in the first run after its item or connection disappeared
or stopped matching; when the newer export no longer holds the item (the subject deleted the
post, or removed the follower) the report says so, because that is the fix working.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from auditor.models import AuditRun, Connection, Content, FindingRow
from auditor.runs import previous_run_id
from reports.dates import iso
from reports.view import ChangesView, CountView, FindingView, ResolvedItem

CHANGE_ORDER: tuple[str, ...] = ("new", "unchanged", "reappeared", "resolved")
CHANGE_TITLES: dict[str, str] = {
    "new": "New",
    "unchanged": "Still present",
    "reappeared": "Back after being marked remediated",
    "resolved": "Resolved",
}


def changes_since_last_review(
    session: Session, run: AuditRun, subject_id: int, findings: Sequence[FindingView]
) -> ChangesView | None:
    """The subject's changes in this run, or None when the run is the subject's first."""
    previous = previous_run_id(session, subject_id, run.id)
    if previous is None:
        return None
    prev_run = session.get(AuditRun, previous)
    counts = dict.fromkeys(CHANGE_ORDER, 0)
    for f in findings:
        counts[f.change] = counts.get(f.change, 0) + 1
    resolved = [f for f in findings if f.change == "resolved"]
    deleted = _deleted_items(session, run.id, subject_id, [f.fingerprint for f in resolved])
    items = tuple(ResolvedItem(f, "deleted" if f.fingerprint in deleted else "not found") for f in resolved)
    return ChangesView(
        previous_run=previous,
        previous_started_at=(iso(prev_run.started_at) or "") if prev_run else "",
        counts=tuple(CountView(c, CHANGE_TITLES[c], counts[c]) for c in CHANGE_ORDER),
        resolved=items,
        reappeared=tuple(f for f in findings if f.change == "reappeared"),
        deleted=sum(1 for i in items if i.reason == "deleted"),
    )


def _deleted_items(session: Session, run_id: int, subject_id: int, fingerprints: Sequence[str]) -> set[str]:
    """Fingerprints whose item (content or connection) the newer export no longer holds."""
    if not fingerprints:
        return set()
    base = (
        FindingRow.run_id == run_id,
        FindingRow.subject_id == subject_id,
        FindingRow.fingerprint.in_(fingerprints),
    )
    gone: set[str] = set()
    for model in (Content, Connection):
        rows = session.execute(
            select(FindingRow.fingerprint)
            .join(model, and_(model.account_id == FindingRow.account_id, model.native_id == FindingRow.native_id))
            .where(*base, model.deleted_at.is_not(None))
        )
        gone.update(fp for (fp,) in rows)
    return gone
