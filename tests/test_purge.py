"""purge removes every row of a subject, and on SQLite no byte of its text lingers in any file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import api
from auditor.db import open_engine
from auditor.models import Account, AuditRun, Content, FindingRow, Subject
from tests.backends import BACKENDS, database_url
from tests.helpers import FIXTURES

PERSONAL = FIXTURES / "demo" / "dana-personal-x"
PROFESSIONAL = FIXTURES / "demo" / "dana-professional-x"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


def test_purge_removes_one_subject_and_keeps_the_other(db: str) -> None:
    api.subject_add(db, "Dana")
    api.subject_add(db, "Sam")
    api.ingest(db, [PERSONAL], role="personal", subject="Dana")
    api.ingest(db, [PROFESSIONAL], role="professional", subject="Sam")
    api.audit(db)
    result = api.purge(db, subject="Dana")
    assert result.rows["content"] > 0
    with Session(open_engine(db, create=False)) as s:
        assert s.scalars(select(Subject.name)).all() == ["Sam"]
        sam = s.scalars(select(Subject.id)).one()
        assert {a.subject_id for a in s.scalars(select(Account))} == {sam}
        assert {f.subject_id for f in s.scalars(select(FindingRow))} == {sam}
        assert s.scalar(select(func.count()).select_from(Content)) > 0
        assert [r.parameters["subjects"] for r in s.scalars(select(AuditRun))] == [[sam]]


def test_purge_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    db = str(tmp_path / "footprint.db")
    api.ingest(db, [PERSONAL], role="personal")
    api.audit(db)
    with Session(open_engine(db, create=False)) as s:
        texts = [t for t in s.scalars(select(Content.text)) if len(t) > 30][:10]
        name = s.scalars(select(Subject.name)).one()
    assert texts
    api.purge(db, subject=name)
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("footprint.db*"))
    for t in texts:
        assert t[:30].encode() not in blob


def test_purge_reports_deletes_the_files_it_wrote(tmp_path: Path) -> None:
    db = str(tmp_path / "footprint.db")
    api.ingest(db, [PERSONAL], role="personal")
    api.audit(db)
    out = tmp_path / "out" / "r.json"
    api.report(db, out=out)
    name = api.subjects(db)[0].name
    result = api.purge(db, subject=name, reports=True)
    assert result.rows["report files"] == 1 and not out.exists()


def test_purge_without_reports_says_which_files_remain(tmp_path: Path) -> None:
    db = str(tmp_path / "footprint.db")
    api.ingest(db, [PERSONAL], role="personal")
    api.audit(db)
    out = tmp_path / "r.json"
    api.report(db, out=out)
    result = api.purge(db, subject=api.subjects(db)[0].name)
    assert out.exists() and result.reports_left == [str(out.resolve())]
