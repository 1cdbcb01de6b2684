"""The report's `overlap` list: stored overlap entries of a run → `reports.view.OverlapEntry`.

`overlap_view(session, run.id, ids, redactor)` gives the stored entries of a run with the
subject each belongs to. With `Redactor.disabled()` they come unredacted, which is what
`reports.build.build_report(..., overlap=...)` expects (it masks them itself); with an enabled
redactor each membership's handle, name and native id, the person and the explanation are
masked here (DESIGN: HTML, PDF and CSV redact known third parties).

Each entry carries its key (`auditor.triage.overlap_key`) and, when a reviewer marked it "not
the same person" (`footprint decide --not-same-person KEY`), status `false_positive` with that
review's note, who and when. The newest decision on the key is shown, as for findings decided
after their run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.models import Decision, OverlapRow, Subject
from auditor.triage import NOT_SAME_PERSON, current_decisions, overlap_key
from reports.dates import iso
from reports.redact import Redactor
from reports.view import Membership, OverlapEntry

#: A quoted string in an explanation line: after ": " or " / " or "~ ", up to the closing quote
#: that a separator, " (" or the end follows (names may hold apostrophes: O'Brien).
_QUOTED = re.compile(r"(?<=[:/~(] )'.+?'(?=\s*(?:/|~|\(|,|$))")


def overlap_view(session: Session, run_id: int, subject_ids: Sequence[int],
                 redactor: Redactor) -> list[OverlapEntry]:
    """The run's overlap entries for these subjects, in stored order (roster matches, then by
    tier and confidence)."""
    rows = session.execute(
        select(OverlapRow, Subject.name)
        .join(Subject, Subject.id == OverlapRow.subject_id)
        .where(OverlapRow.run_id == run_id, OverlapRow.subject_id.in_(list(subject_ids)))
        .order_by(Subject.name, OverlapRow.subject_id, OverlapRow.position, OverlapRow.id)
    )
    decisions: dict[int, dict[str, Decision]] = {}
    out = []
    for row, subject in rows:
        if row.subject_id not in decisions:
            decisions[row.subject_id] = current_decisions(session, row.subject_id)
        out.append(_entry(row, subject, redactor, decisions[row.subject_id]))
    return out


def _entry(row: OverlapRow, subject: str, redactor: Redactor,
           decisions: dict[str, Decision] | None = None) -> OverlapEntry:
    person = row.person
    # The person is a handle ("@maria.g"), a name, or "<platform> id <n>": mask it as what it is.
    if person.startswith("@"):
        shown = redactor.handle(person)
    elif " id " in person and person.split(" id ", 1)[1].isdigit():
        platform, _, nid = person.partition(" id ")
        masked = redactor.native_id(nid)
        shown = f"{platform} id {masked}"
    else:
        shown = redactor.name(person)
    return OverlapEntry(
        person=shown or "",
        tier=row.tier,
        confidence=round(float(row.confidence), 4),
        roster_match=bool(row.roster_match),
        memberships=tuple(_membership(m, redactor) for m in row.memberships or [] if isinstance(m, dict)),
        explanation=tuple(_explain(str(line), redactor) for line in row.explanation or []),
        subject=subject,
        # What to do, and the findings raised for this person: the HTML shows and links them.
        remediation=redactor.text(row.remediation or ""),
        fingerprints=tuple(str(fp) for fp in row.fingerprints or []),
        **_review(row, decisions or {}, redactor),
    )


def _review(row: OverlapRow, decisions: dict[str, Decision], redactor: Redactor) -> dict[str, Any]:
    """The entry's key, and the "not the same person" mark in force on it, if any."""
    key = overlap_key(m for m in row.memberships or [] if isinstance(m, dict))
    mark = decisions.get(key)
    if mark is None or mark.status != NOT_SAME_PERSON:
        return {"key": key}
    return {"key": key, "status": NOT_SAME_PERSON, "review_note": redactor.text(mark.note),
            "reviewed_by": mark.decided_by, "reviewed_at": iso(mark.decided_at)}


def _explain(line: str, redactor: Redactor) -> str:
    """An explanation line; under redaction the strings it quotes ('maria.g' / 'Maria G') are
    masked too, whether or not the redactor knows them."""
    line = redactor.text(line)
    if redactor.enabled:
        line = _QUOTED.sub("'[masked]'", line)
    return line


def _membership(m: dict[str, Any], redactor: Redactor) -> Membership:
    def text(key: str) -> str | None:
        value = m.get(key)
        return str(value) if value is not None else None

    return Membership(
        platform=text("platform") or "",
        handle=redactor.handle(text("handle")),
        name=redactor.name(text("name")),
        native_id=redactor.native_id(text("native_id")),
        account=text("account"),
        account_role=text("account_role"),
        relation=text("relation") or "",
    )
