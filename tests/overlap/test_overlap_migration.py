"""Migration 0002: a database at 0001 (last year's) upgrades to the overlap table, model-exact."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from auditor.db import MIGRATIONS, migrate
from auditor.models import Base


def _cfg(conn) -> Config:  # type: ignore[no-untyped-def]
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_upgrade_from_0001_keeps_data_and_adds_overlaps(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(_cfg(conn), "0001")
        assert not inspect(conn).has_table("overlaps")
        conn.execute(text("INSERT INTO subjects (name, created_at) VALUES ('Dana', '2025-01-01')"))
    migrate(engine)
    with engine.connect() as conn:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_cfg(conn)).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert inspect(conn).has_table("overlaps")
        assert conn.execute(text("SELECT name FROM subjects")).scalar() == "Dana"
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        mine = [d for d in diffs if "overlaps" in repr(d)]
        assert mine == []


def test_0002_follows_0001() -> None:
    from alembic.script import ScriptDirectory

    rev = ScriptDirectory.from_config(_cfg(None)).get_revision("0002")
    assert rev is not None and rev.down_revision == "0001"


def test_downgrade_to_0001_drops_the_table(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'db.db'}")
    migrate(engine)
    with engine.begin() as conn:
        command.downgrade(_cfg(conn), "0001")
        assert not inspect(conn).has_table("overlaps")
