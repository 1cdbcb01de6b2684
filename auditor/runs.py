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

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import __version__
from auditor.clock import utcnow
from auditor.corrections import Allowlist, allow_entries
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
    from auditor.analyzer import analyze

    params = {"subjects": list(subject_ids), "rule_files": [str(p) for p in rule_files],
              "include_messages": include_messages, "roster": roster is not None, **(parameters or {})}
    run = AuditRun(rules_version="", code_version=__version__, parameters=params)
    session.add(run)
    session.flush()
    for sid in subject_ids:
        result = analyze(session, sid, rule_files=rule_files, include_messages=include_messages,
                         progress=progress)
        run.rules_version = result.rules_version
        if progress is not None:
            progress("matching people across accounts", 0, None)
        entries, overlap_findings = overlap.compute(session, sid, roster)
        findings = [*result.findings, *overlap_findings, *(extra_findings or {}).get(sid, [])]
        allowed = _allowlist(session, sid)
        kept: list[Finding] = []
        by_entry = {str(eid): 0 for eid in allowed.ids}
        counted: set[tuple[int, str]] = set()
        for f in findings:
            hits = allowed.matching(f)
            for eid in hits:
                if (eid, f.fingerprint) not in counted:  # a finding given twice counts once
                    counted.add((eid, f.fingerprint))
                    by_entry[str(eid)] += 1
            if not hits:
                kept.append(f)
        if len(kept) != len(findings):
            run.parameters = {**run.parameters, "suppressed": {**run.parameters.get("suppressed", {}),
                                                               str(sid): len(findings) - len(kept)}}
        if by_entry:
            # Per allowlist entry (by its number in `allow list`): a finding two entries match counts in both.
            run.parameters = {**run.parameters, "suppressed_by": {**run.parameters.get("suppressed_by", {}),
                                                                  str(sid): by_entry}}
        decisions = current_decisions(session, sid)
        _apply_overlap_marks(decisions, entries)
        _persist(session, run, sid, kept, decisions)
        overlap.persist(session, run.id, sid, entries)
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


def _persist(session: Session, run: AuditRun, subject_id: int, findings: list[Finding],
             decisions: dict[str, Decision] | None = None) -> None:
    prev_id = previous_run_id(session, subject_id, run.id)
    prev: dict[str, FindingRow] = {}
    if prev_id is not None:
        prev = {r.fingerprint: r for r in session.scalars(
            select(FindingRow).where(FindingRow.run_id == prev_id, FindingRow.subject_id == subject_id))
            if r.change != "resolved"}
    if decisions is None:
        decisions = current_decisions(session, subject_id)
    seen: set[str] = set()
    rows = []
    for f in findings:
        fp = f.fingerprint
        if fp in seen:
            continue
        seen.add(fp)
        decision = decisions.get(fp)
        status = decision.status if decision else "open"
        change = "unchanged" if fp in prev else "new"
        if status == "remediated":
            change, status = "reappeared", "open"
        rows.append(FindingRow(
            run_id=run.id, subject_id=subject_id, account_id=f.account_id, fingerprint=fp,
            category=f.category, rule_id=f.rule_id, severity=f.severity.value, score=round(f.score, 4),
            item_type=f.item.type, platform=f.item.platform, native_id=f.item.native_id,
            url=f.item.url, item_created_at=f.item.created_at, message=f.message, excerpt=f.excerpt,
            spans=[list(s) for s in f.spans], explanation=f.explanation,
            citations=[{"code": c.code, "section": c.section, "title": c.title} for c in f.citations],
            remediation=f.remediation, change=change, status=status))
    for fp, old in prev.items():
        if fp in seen:
            continue
        decision = decisions.get(fp)
        rows.append(FindingRow(
            run_id=run.id, subject_id=subject_id, account_id=old.account_id, fingerprint=fp,
            category=old.category, rule_id=old.rule_id, severity=old.severity, score=old.score,
            item_type=old.item_type, platform=old.platform, native_id=old.native_id, url=old.url,
            item_created_at=old.item_created_at, message=old.message, excerpt=old.excerpt,
            spans=old.spans, explanation=old.explanation, citations=old.citations,
            remediation=old.remediation, change="resolved",
            status=decision.status if decision else old.status))
    session.add_all(rows)
    session.flush()
