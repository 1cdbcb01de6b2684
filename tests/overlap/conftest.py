"""Overlap test fixtures: an in-memory database with a scenario of fixtures/overlap written in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from auditor.db import migrate
from fixtures.overlap import scenario as scen


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s:
        yield s


@pytest.fixture
def traps(session: Session) -> tuple[Session, int, scen.Scenario, dict]:
    data = scen.load_traps()
    sc = scen.scenario_from_json(data)
    sid = scen.ingest(session, sc)
    return session, sid, sc, data
