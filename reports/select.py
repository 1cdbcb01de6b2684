"""Which audit run and which subjects a report covers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.errors import InputError
from auditor.models import AuditRun, Subject


def select_run(session: Session, run_id: int | None) -> AuditRun:
    """The run asked for, else the latest; a missing run is an input error naming the known ones."""
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


def select_subjects(
    session: Session, subject_ids: Sequence[int] | None, run: AuditRun
) -> list[Subject]:
    """The subjects asked for, else those the run audited, sorted by name."""
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
