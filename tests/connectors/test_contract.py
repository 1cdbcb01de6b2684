"""The connector contract, run over every registered connector and every fixture archive.

Fixture archives live in fixtures/archives/<connector name>/<variant> (a folder, or a single
export file such as a .car or .csv). Each connector must detect its own fixtures and no one
else's, yield only records with the owner's AccountRecord first, and a second ingest must change
nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from auditor import registry
from auditor.db import migrate
from auditor.ingest import ingest_records
from auditor.models import Connection, Content, Interaction, Media, Subject
from auditor.records import RECORD_TYPES, AccountRecord
from auditor.sources import Source
from tests.helpers import FIXTURES, zip_folder

ARCHIVES = FIXTURES / "archives"
NOT_ARCHIVES = {".py", ".md"}


def variants() -> list[tuple[str, Path]]:
    out = []
    for platform_dir in sorted(p for p in ARCHIVES.iterdir() if p.is_dir()):
        for v in sorted(platform_dir.iterdir()):
            if v.suffix in NOT_ARCHIVES or v.name.startswith("."):
                continue
            out.append((platform_dir.name, v))
    return out


VARIANTS = variants()
IDS = [f"{name}/{path.name}" for name, path in VARIANTS]


def test_every_registered_connector_has_fixtures() -> None:
    have = {name for name, _ in VARIANTS}
    missing = set(registry.connectors()) - have
    assert not missing, f"connectors without fixtures under fixtures/archives/: {missing}"


@pytest.mark.parametrize(("owner", "path"), VARIANTS, ids=IDS)
def test_only_its_own_connector_detects_a_fixture(owner: str, path: Path) -> None:
    with Source.open(path) as src:
        hits = [name for name, cls in registry.connectors().items() if cls().detect(src)]
    assert hits == [owner]


@pytest.mark.parametrize(("owner", "path"), VARIANTS, ids=IDS)
def test_read_yields_records_with_the_account_first(owner: str, path: Path) -> None:
    conn = registry.connectors()[owner]()
    with Source.open(path) as src:
        recs = list(conn.read(src))
    assert recs and isinstance(recs[0], AccountRecord)
    assert all(isinstance(r, RECORD_TYPES) for r in recs)


def _counts(s: Session) -> tuple[int, ...]:
    return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                 for m in (Content, Connection, Interaction, Media))


@pytest.mark.parametrize(("owner", "path"), VARIANTS, ids=IDS)
def test_second_ingest_changes_nothing(owner: str, path: Path, tmp_path: Path) -> None:
    # The second pass reads the same export zipped (a new digest, so the upsert path really runs).
    second = zip_folder(path, tmp_path / "again.zip", top="export") if path.is_dir() else path
    engine = create_engine("sqlite://")
    migrate(engine)
    conn = registry.connectors()[owner]()

    def resolve(rec: AccountRecord) -> Subject:
        subj = s.scalars(select(Subject)).first()
        if subj is None:
            subj = Subject(name="Test")
            s.add(subj)
            s.flush()
        return subj

    with Session(engine) as s:
        counts = []
        for p in (path, second):
            with Source.open(p) as src:
                res = ingest_records(s, conn.read(src), source=src, connector=owner, resolve_subject=resolve)
            s.flush()
            counts.append(_counts(s))
        first = counts[0]
        assert counts[1] == first
        assert all(not a.added and not a.updated and not a.deleted for a in res.accounts)
        assert sum(first) > 0
