"""An audit writes its findings a batch at a time (runs.py `_FindingWriter`), so that memory does
not grow with the footprint. Writing in batches of one must store exactly what one batch stores,
on SQLite and on PostgreSQL, across a re-audit with decisions and a newer archive."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import api
from auditor.analyzer import scan_text
from auditor.db import open_engine
from auditor.models import AuditRun, FindingRow, Subject
from auditor.runs import _FindingWriter, run_audit
from tests.helpers import FIXTURES
from tests.test_workflow import NEW_RISKY, newer_archive

DEMO = FIXTURES / "demo" / "dana-personal-x"
COLUMNS = ("subject_id", "fingerprint", "category", "rule_id", "severity", "score", "native_id",
           "excerpt", "explanation", "citations", "change", "status")


def _rows(db: str, run_id: int) -> list[tuple]:
    engine = open_engine(db, create=False)
    try:
        with Session(engine) as s:
            rows = s.execute(select(*(getattr(FindingRow, c) for c in COLUMNS))
                             .where(FindingRow.run_id == run_id)).all()
    finally:
        engine.dispose()
    return sorted(tuple(r) for r in rows)


def _year(db: str, tmp_path: Path) -> list[list[tuple]]:
    """Audit, decide, audit a newer archive: each run's stored findings."""
    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    first = api.audit(db)
    lines = [f for f in api.findings(db) if f.native_id]
    ids = sorted({f.native_id for f in lines})
    api.decide(db, [f.fingerprint for f in lines if f.native_id == ids[0]], status="remediated",
               note="deleted", who="tester")
    api.decide(db, [f.fingerprint for f in lines if f.native_id == ids[1]], status="false_positive",
               note="not a client", who="tester")
    api.ingest(db, [newer_archive(tmp_path, {ids[0], ids[2]}, NEW_RISKY)], subject="Dana Whitfield")
    second = api.audit(db)
    return [_rows(db, first.run_id), _rows(db, second.run_id)]


def test_batches_of_one_store_what_one_batch_stores(dbs: tuple[str, str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _year(dbs[0], tmp_path / "a")
    monkeypatch.setattr(_FindingWriter, "BATCH", 1)
    one_by_one = _year(dbs[1], tmp_path / "b")
    assert whole == one_by_one
    changes = {row[COLUMNS.index("change")] for row in whole[1]}
    assert {"new", "unchanged", "resolved"} <= changes, "the re-audit must exercise every kind of change"


def test_a_stronger_twin_after_its_batch_was_written_replaces_it(dbs: tuple[str, str], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = dbs[0]
    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    [finding] = [f for f in scan_text(NEW_RISKY, role="personal", native_id="777") if f.category == "confidentiality"][:1]
    weak = dataclasses.replace(finding, score=0.5)
    strong = dataclasses.replace(finding, score=0.9)
    weaker_again = dataclasses.replace(finding, score=0.7)
    monkeypatch.setattr(_FindingWriter, "BATCH", 1)  # `weak` is written before `strong` arrives
    engine = open_engine(db, create=False)
    try:
        with Session(engine) as s, s.begin():
            sid = s.scalar(select(Subject.id))
            run = run_audit(s, [sid], extra_findings={sid: [weak, strong, weaker_again]})
            stored = s.scalars(select(FindingRow.score).where(FindingRow.run_id == run.id,
                                                              FindingRow.fingerprint == finding.fingerprint)).all()
            assert stored == [0.9]
            assert s.get(AuditRun, run.id) is not None
    finally:
        engine.dispose()

