"""Database back ends for storage and workflow tests: SQLite always, PostgreSQL when configured.

`FOOTPRINT_TEST_POSTGRES` is an SQLAlchemy URL of a server where the test role may create
databases (`.ci/run` starts one). Outside CI the PostgreSQL cases skip when it is unset; in CI
they fail, because CI must prove both back ends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BACKENDS = ["sqlite", "postgresql"]


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield a fresh, empty database URL on `backend`, dropped afterwards."""
    if backend == "sqlite":
        yield str(tmp_path / "footprint.db")
        return
    server = os.environ.get("FOOTPRINT_TEST_POSTGRES")
    if not server:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("FOOTPRINT_TEST_POSTGRES is not set, and CI must test PostgreSQL")
        pytest.skip("FOOTPRINT_TEST_POSTGRES is not set: no PostgreSQL server to test against")
    name = f"footprint_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
