"""Migrations: the migrated schema is the models' schema, and last year's database upgrades intact."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from auditor import api
from auditor.db import open_engine
from auditor.models import Base
from fixtures.db.make_0001 import ROWS
from tests.backends import BACKENDS, database_url
from tests.helpers import FIXTURES


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


def test_migrated_schema_is_the_models_schema(db: str) -> None:
    engine = open_engine(db, create=True)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _at_first_revision(db: str) -> None:
    """Create the database at revision 0001 with last year's rows (PostgreSQL: same SQL as the file)."""
    from alembic import command
    from alembic.config import Config

    from auditor.db import MIGRATIONS, resolve_db

    engine = create_engine(resolve_db(db))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        for sql in ROWS:
            conn.execute(text(sql))
        if engine.dialect.name == "postgresql":
            for table in ("subjects", "accounts", "imports", "content", "decisions"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT MAX(id) FROM {table}))"))
    engine.dispose()


def test_last_years_database_upgrades_with_rows_and_decisions(db: str, tmp_path: Path) -> None:
    if db.endswith(".db"):
        shutil.copy(FIXTURES / "db" / "footprint-0001.db", db)
    else:
        _at_first_revision(db)
    subjects = api.subjects(db)  # opening migrates to the newest revision
    assert [(s.name, s.profession) for s in subjects] == [("Robin Vale", "counselor")]
    engine = open_engine(db, create=False)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == MigrationContext.configure(conn).get_current_revision()
        assert conn.execute(text("SELECT text FROM content")).scalar().startswith("My 3pm client")
        assert conn.execute(text("SELECT status, note FROM decisions")).one() == (
            "remediated", "deleted the post on 2025-11-03")
    # The upgraded workspace keeps working: an audit finds the post, and last year's decision holds.
    api.audit(db)
    assert api.findings(db)
