"""Triage decisions, kept by fingerprint so they survive new archives and new runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.errors import UsageError
from auditor.models import Decision

STATUSES = ("open", "acknowledged", "false_positive", "remediated", "accepted_risk")
#: Decisions that take a finding out of the risk score and the fix-it list.
CLOSED = frozenset({"false_positive", "remediated", "accepted_risk"})


def current_decisions(session: Session, subject_id: int) -> dict[str, Decision]:
    """The decision in force for each fingerprint of a subject: the newest one."""
    rows = session.scalars(select(Decision).where(Decision.subject_id == subject_id)
                           .order_by(Decision.decided_at, Decision.id)).all()
    return {d.fingerprint: d for d in rows}


def record_decision(session: Session, subject_id: int, fingerprint: str, status: str, note: str,
                    who: str) -> Decision:
    """Record a decision (history is kept; the newest wins). `open` undoes earlier ones."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    if not note.strip():
        raise UsageError("a decision needs a note (--note) saying why")
    d = Decision(subject_id=subject_id, fingerprint=fingerprint, status=status, note=note, decided_by=who)
    session.add(d)
    session.flush()
    return d


def decide_many(session: Session, subject_id: int, fingerprints: list[str], status: str, note: str,
                who: str) -> list[Decision]:
    """Record one decision per fingerprint (all or nothing: the caller owns the transaction)."""
    return [record_decision(session, subject_id, fp, status, note, who) for fp in fingerprints]
