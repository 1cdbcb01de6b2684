"""The allowlist as the report shows it: what was reviewed once and set aside, by whom, and why.

An entry suppresses the findings it matches at audit time (`auditor.runs` counts them per entry
in the run's parameters), so a suppressed finding is never in the report; listing the entries
with their notes and counts lets a reader see what was set aside. The subjects' current entries
are shown: one added after the run says it applies from the next audit, and has no count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.models import AllowEntry, AuditRun
from reports.dates import as_utc, iso
from reports.redact import Redactor
from reports.view import AllowView


def allowlist_views(session: Session, run: AuditRun, names: Mapping[int, str],
                    redactor: Redactor) -> tuple[AllowView, ...]:
    """Every entry of these subjects (subject, then entry order), with this run's counts."""
    # {subject id: {entry id: count}} for every entry the run knew (runs before per-entry
    # counting recorded only a total per subject: no count is shown for them).
    counts = (run.parameters or {}).get("suppressed_by") or {}
    rows: Sequence[AllowEntry] = session.scalars(
        select(AllowEntry).where(AllowEntry.subject_id.in_(list(names))).order_by(AllowEntry.id)
    ).all()
    out = []
    for e in sorted(rows, key=lambda e: (names[e.subject_id], e.id)):
        after = as_utc(e.added_at) > as_utc(run.started_at)
        count = (counts.get(str(e.subject_id)) or {}).get(str(e.id))
        out.append(AllowView(
            subject=names[e.subject_id],
            kind=e.kind,
            value=redactor.text(e.value),
            note=redactor.text(e.note),
            added_by=e.added_by,
            added_at=iso(e.added_at) or "",
            suppressed=None if after or count is None else int(count),
            after_run=after,
        ))
    return tuple(out)
