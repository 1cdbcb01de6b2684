"""Audit runs: run the analyzer for each subject and persist its findings with status and change.

`change` compares with the subject's previous run (DESIGN: Triage, re-runs): `new`, `unchanged`,
`reappeared` (decided remediated, yet present again: its status goes back to open) and
`resolved` (present in the previous run, gone now: listed once, in this first run after).

Two reviews made once hold here: allowlist entries suppress the findings they match (the run
records how many, per entry, for the report), and an overlap entry marked "not the same person"
(a `false_positive` decision on its `overlap_key`) dismisses the findings it raises, even when
their fingerprints changed (a new tier, a roster match) since the mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from auditor import __version__
from auditor.clock import utcnow
from auditor.corrections import Allowlist, allow_entries
from auditor.db import BulkInsert, insert_many
from auditor.findings import Finding
from auditor.models import Account, AuditRun, Decision, FindingRow
from auditor.roster import Roster
from auditor.triage import NOT_SAME_PERSON, current_decisions, overlap_key


def previous_run_id(session: Session, subject_id: int, before: int) -> int | None:
    """The newest run before `before` that audited this subject."""
    runs = session.scalars(select(AuditRun).where(AuditRun.id < before).order_by(AuditRun.id.desc()))
    for run in runs:
        if subject_id in (run.parameters or {}).get("subjects", []):
            return run.id
    return None


def run_audit(session: Session, subject_ids: Sequence[int], *, rule_files: Sequence[Path] = (),
              include_messages: bool = False, extra_findings: dict[int, list[Finding]] | None = None,
              parameters: dict[str, Any] | None = None, roster: Roster | None = None,
              progress: Callable[[str, int, int | None], None] | None = None) -> AuditRun:
    """Analyse every subject (posts, accounts, client overlap), persist one run, return it.

    The roster, when given, is only matched in memory: the run records that one was used, and
    overlap findings say which kind of evidence matched, never the roster's own text.
    """
    from auditor import overlap
    from auditor.analyzer import analyze_into

    params = {"subjects": list(subject_ids), "rule_files": [str(p) for p in rule_files],
              "include_messages": include_messages, "roster": roster is not None, **(parameters or {})}
    run = AuditRun(rules_version="", code_version=__version__, parameters=params)
    session.add(run)
    session.flush()
    for sid in subject_ids:
        decisions = current_decisions(session, sid)
        writer = _FindingWriter(session, run, sid, decisions, _allowlist(session, sid))

        def match_people(sid: int = sid, writer: _FindingWriter = writer,
                         decisions: dict[str, Decision] = decisions) -> None:
            """Client overlap: its entries, and its findings before the texts' (in both of
            `analyze_into`'s ways, so that the stored run is the same either way)."""
            if progress is not None:
                progress("matching people across accounts", 0, None)
            entries, overlap_findings = overlap.compute(session, sid, roster)
            # Marks reach only the findings of overlap entries, which are written after this.
            _apply_overlap_marks(decisions, entries)
            for finding in overlap_findings:
                writer.add(finding)
            overlap.persist(session, run.id, sid, entries)

        # Client overlap is computed and written while worker processes scan a big footprint's
        # texts (before the texts are scanned, in one process).
        result = analyze_into(writer.add, session, sid, rule_files=rule_files,
                              include_messages=include_messages, progress=progress,
                              meanwhile=match_people)
        run.rules_version = result.rules_version
        for finding in (extra_findings or {}).get(sid, []):
            writer.add(finding)
        writer.finish()
    run.finished_at = utcnow()
    session.flush()
    return run


def _allowlist(session: Session, subject_id: int) -> Allowlist:
    entries = allow_entries(session, subject_id)
    handles = dict(session.execute(select(Account.id, Account.handle)
                                   .where(Account.subject_id == subject_id)).all())
    return Allowlist(entries, handles)


def _apply_overlap_marks(decisions: dict[str, Decision], entries: Sequence[Any]) -> None:
    """Give the findings of entries marked "not the same person" that mark, unless a newer
    decision on the finding itself says otherwise (the newest decision wins, as everywhere)."""
    for entry in entries:
        mark = decisions.get(overlap_key(m.as_dict() for m in entry.memberships))
        if mark is None or mark.status != NOT_SAME_PERSON:
            continue
        for fp in entry.fingerprints:
            own = decisions.get(fp)
            if own is None or (own.decided_at, own.id) < (mark.decided_at, mark.id):
                decisions[fp] = mark


class _FindingWriter:
    """Writes one subject's findings of a run as they are made, a batch at a time: what stays in
    memory is one entry per fingerprint (its severity and score), not the findings.

    - Duplicates (one fingerprint twice) keep the most severe, then highest-scoring, finding, as
      `analyze` does; a better one arriving after its twin was written updates the row.
    - Allowlisted findings are counted per entry and not written; the counts go into the run's
      parameters (`suppressed`, `suppressed_by`) for the report.
    - `status` comes from the decisions in force, `change` from the previous run's fingerprints;
      `finish` writes, for each finding of the previous run that is gone now, its `resolved` copy.
    """

    BATCH = 1000

    def __init__(self, session: Session, run: AuditRun, subject_id: int, decisions: dict[str, Decision],
                 allowed: Allowlist) -> None:
        self.session, self.run, self.subject_id = session, run, subject_id
        self.decisions = decisions
        self.allowed = allowed
        self.prev_id = previous_run_id(session, subject_id, run.id)
        self.prev: set[str] = set()
        if self.prev_id is not None:
            self.prev = set(session.scalars(select(FindingRow.fingerprint).where(
                FindingRow.run_id == self.prev_id, FindingRow.subject_id == subject_id,
                FindingRow.change != "resolved")))
        self.best: dict[str, tuple[int, float]] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.suppressed: set[str] = set()
        self.by_entry = {str(eid): 0 for eid in allowed.ids}
        self.counted: set[tuple[int, str]] = set()
        self._bulk: dict[Any, BulkInsert] = {}

    def add(self, f: Finding) -> None:
        fp = f.fingerprint
        hits = self.allowed.matching(f)
        if hits:
            for eid in hits:
                if (eid, fp) not in self.counted:  # a finding given twice counts once
                    self.counted.add((eid, fp))
                    self.by_entry[str(eid)] += 1
            self.suppressed.add(fp)
            return
        rank = (f.severity.rank, f.score)
        kept = self.best.get(fp)
        if kept is not None and rank <= kept:
            return
        self.best[fp] = rank
        values = self._values(f, fp)
        if kept is None or fp in self.pending:
            self.pending[fp] = values
            if len(self.pending) >= self.BATCH:
                self._flush()
        else:  # its weaker twin is already written
            self.session.execute(update(FindingRow).where(
                FindingRow.run_id == self.run.id, FindingRow.fingerprint == fp).values(**values))

    def _values(self, f: Finding, fp: str) -> dict[str, Any]:
        """The row of finding `f`, whose fingerprint is `fp` (worked out once, by `add`)."""
        decision = self.decisions.get(fp)
        status = decision.status if decision else "open"
        change = "unchanged" if fp in self.prev else "new"
        if status == "remediated":
            change, status = "reappeared", "open"
        return {
            "run_id": self.run.id, "subject_id": self.subject_id, "account_id": f.account_id, "fingerprint": fp,
            "category": f.category, "rule_id": f.rule_id, "severity": f.severity.value, "score": round(f.score, 4),
            "item_type": f.item.type, "platform": f.item.platform, "native_id": f.item.native_id,
            "url": f.item.url, "item_created_at": f.item.created_at, "message": f.message, "excerpt": f.excerpt,
            "spans": [list(s) for s in f.spans], "explanation": f.explanation,
            "citations": [{"code": c.code, "section": c.section, "title": c.title} for c in f.citations],
            "remediation": f.remediation, "change": change, "status": status}

    def _flush(self) -> None:
        if self.pending:
            self._insert(list(self.pending.values()))
            self.pending.clear()

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        """Rows through the DB-API (`db.insert_many`), not the ORM's bulk insert, which compiled
        a statement for many of the rows (the benchmark's 10,000 overlap findings: 1.4 s through
        the ORM, 0.7 through Core; the rows are the same)."""
        insert_many(self.session.connection(), FindingRow.__table__, rows, self._bulk)

    def finish(self) -> None:
        self._flush()
        sid = str(self.subject_id)
        suppressed = len(self.suppressed - self.best.keys())
        if suppressed:
            self.run.parameters = {**self.run.parameters, "suppressed": {
                **self.run.parameters.get("suppressed", {}), sid: suppressed}}
        if self.by_entry:
            # Per allowlist entry (by its number in `allow list`): a finding two entries match counts in both.
            self.run.parameters = {**self.run.parameters, "suppressed_by": {
                **self.run.parameters.get("suppressed_by", {}), sid: self.by_entry}}
        if self.prev_id is None:
            return
        gone = self.prev - self.best.keys()
        if not gone:
            return
        table = FindingRow.__table__
        columns = [c for c in table.c if c.name != "id"]
        ordered = sorted(gone)
        for at in range(0, len(ordered), self.BATCH):
            chunk = ordered[at:at + self.BATCH]
            batch: list[dict[str, Any]] = []
            for old in self.session.execute(select(*columns).where(
                    table.c.run_id == self.prev_id, table.c.subject_id == self.subject_id,
                    table.c.change != "resolved", table.c.fingerprint.in_(chunk))).mappings():
                decision = self.decisions.get(old["fingerprint"])
                batch.append({**old, "run_id": self.run.id, "change": "resolved",
                              "status": decision.status if decision else old["status"]})
            if batch:
                self._insert(batch)
