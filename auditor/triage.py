"""Triage decisions, kept by fingerprint so they survive new archives and new runs.

An overlap entry (a person matched across personal and professional accounts) has a key of its
own, `overlap_key`: a hash of the people it joins as the sources name them, so that "not the same
person" is a decision like any other (status `false_positive` on the key, with note, who and
when) and holds for the same people in later runs and newer archives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.errors import UsageError
from auditor.findings import normalize_text
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


def decisions_since(session: Session, subject_ids: Sequence[int], since: datetime) -> dict[tuple[int, str], str]:
    """The newest status per (subject, fingerprint) decided after `since` (a run's start)."""
    rows = session.scalars(select(Decision).where(Decision.subject_id.in_(list(subject_ids)),
                                                  Decision.decided_at > since)
                           .order_by(Decision.decided_at, Decision.id))
    return {(d.subject_id, d.fingerprint): d.status for d in rows}


#: The decision on an overlap entry's key that says its people are not one person.
NOT_SAME_PERSON = "false_positive"


def overlap_key(memberships: Iterable[Mapping[str, Any]]) -> str:
    """The stable identity of an overlap entry: the people it joins, never a row id or a rule.

    Each membership names a person as its source does; the key hashes the set of (platform,
    native id, else handle, else name), ignoring which list or account they were found in, so the
    same match keeps its key across runs, newer archives and a change of tier or roster.
    """
    people: set[str] = set()
    for m in memberships:
        platform = str(m.get("platform") or "")
        if m.get("native_id"):
            who = "id:" + str(m["native_id"])
        elif m.get("handle"):
            who = "handle:" + normalize_text(str(m["handle"]).lstrip("@"))
        elif m.get("name"):
            who = "name:" + normalize_text(str(m["name"]))
        else:
            continue
        people.add(f"{platform}:{who}")
    # A domain prefix keeps entry keys apart from finding fingerprints in the decisions table.
    payload = "\x1f".join(["overlap-entry", *sorted(people)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
