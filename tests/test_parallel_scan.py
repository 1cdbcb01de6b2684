"""A big footprint's texts are scanned by worker processes (auditor/analyzer/parallel.py) while
the audit's own process computes and writes client overlap. The stored run must be the same, row
for row and in the same order, as a scan in one process: on SQLite and PostgreSQL, forked and
spawned, with a user's rule pack, across a year of review, with people on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import api
from auditor.analyzer import parallel
from auditor.db import open_engine
from auditor.errors import UsageError
from auditor.models import FindingRow, OverlapRow
from tests.test_run_writer import _year

USER_PACK = """\
format = 1
pack = "practice-extra"

[[rules]]
id = "practice-extra-coffee"
category = "professional_conduct"
severity = "low"
score = 0.6
message = "Mentions coffee."
keywords = ["coffee"]
patterns = ['''\\bcoffee\\b''']
citations = ["ACA:H.6.a"]
remediation = "Nothing to do; a test rule."
targets = ["post", "reply", "comment", "caption", "share"]

  [[rules.examples]]
  text = "more coffee please"
  expect = true
  [[rules.examples]]
  text = "tea, always tea"
  expect = false
  [[rules.examples]]
  text = "coffee again"
  expect = true
  [[rules.examples]]
  text = "water only"
  expect = false
"""


def _stored(db: str) -> list[list[tuple]]:
    """Every run's findings and overlap rows, in the order they were written (ids)."""
    engine = open_engine(db, create=False)
    try:
        with Session(engine) as s:
            findings = s.execute(select(FindingRow.run_id, FindingRow.fingerprint, FindingRow.rule_id,
                                        FindingRow.native_id, FindingRow.severity, FindingRow.score,
                                        FindingRow.explanation, FindingRow.change, FindingRow.status)
                                 .order_by(FindingRow.id)).all()
            overlaps = s.execute(select(OverlapRow.run_id, OverlapRow.person, OverlapRow.tier, OverlapRow.confidence)
                                 .order_by(OverlapRow.id)).all()
    finally:
        engine.dispose()
    return [[tuple(r) for r in findings], [tuple(r) for r in overlaps]]


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Workers for any audit, spans of three texts; records how many spans each parallel scan had."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_TEXTS", 1)
    monkeypatch.setattr(parallel, "SPAN", 3)
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    started: list[int] = []
    original = parallel.ParallelScan.__init__

    def recording(self: parallel.ParallelScan, *args: object, **kwargs: object) -> None:
        started.append(len(kwargs["spans"]))  # type: ignore[arg-type]
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel.ParallelScan, "__init__", recording)
    return started


def test_workers_store_what_one_process_stores(dbs: tuple[str, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, scans: list[int]) -> None:
    monkeypatch.setenv("FOOTPRINT_WORKERS", "1")
    _year(dbs[0], tmp_path / "a")
    assert scans == [], "one worker must mean no worker processes"
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    _year(dbs[1], tmp_path / "b")
    assert len(scans) == 2 and min(scans) > 4, f"both audits must scan several spans in workers: {scans}"
    alone, together = _stored(dbs[0]), _stored(dbs[1])
    assert alone[0], "the audits must find something"
    assert together == alone


def test_spawned_workers_load_the_users_rule_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  scans: list[int]) -> None:
    """Where workers cannot be forked they load the packs themselves, the user's included."""
    from tests.helpers import FIXTURES

    pack = tmp_path / "extra.toml"
    pack.write_text(USER_PACK, encoding="utf-8")
    results = []
    for name, method in (("fork.db", "fork"), ("spawn.db", "spawn")):
        monkeypatch.setattr(parallel, "START_METHOD", method)
        db = str(tmp_path / name)
        api.subject_add(db, "Dana Whitfield", profession="mft")
        api.ingest(db, [FIXTURES / "demo" / "dana-personal-x"], role="personal", subject="Dana Whitfield")
        api.audit(db, rules=[pack])
        results.append(_stored(db))
    assert len(scans) == 2
    assert results[0] == results[1]
    assert any(row[2] == "practice-extra-coffee" for row in results[1][0]), "the user's rule must run in the workers"


def test_small_and_in_memory_audits_stay_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTPRINT_WORKERS", "4")
    engine = open_engine("sqlite:///:memory:", create=True)
    with Session(engine) as s:
        assert parallel.database_url(s) is None
    file_engine = open_engine(str(tmp_path / "f.db"), create=True)
    with Session(file_engine) as s:
        assert parallel.database_url(s) == f"sqlite:///{tmp_path / 'f.db'}"
    engine.dispose()
    file_engine.dispose()


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("3", 3), (" 2 ", 2), ("0", 1)])
def test_footprint_workers_sets_how_many(monkeypatch: pytest.MonkeyPatch, raw: str, expected: int) -> None:
    monkeypatch.setenv("FOOTPRINT_WORKERS", raw)
    assert parallel.workers_wanted() == expected


def test_footprint_workers_must_be_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTPRINT_WORKERS", "many")
    with pytest.raises(UsageError, match="FOOTPRINT_WORKERS"):
        parallel.workers_wanted()


def test_by_default_one_worker_per_usable_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOOTPRINT_WORKERS", raising=False)
    assert 1 <= parallel.workers_wanted() <= parallel.MAX_WORKERS


def test_overlap_written_while_workers_scan_stores_what_one_process_stores(
        dbs: tuple[str, str], monkeypatch: pytest.MonkeyPatch, scans: list[int]) -> None:
    """Both sides of the demo (people who follow both accounts): client overlap's findings and
    entries written while workers scan, against everything in one process, where they are
    written before the scan."""
    from auditor.overlap import RULE_IDS

    stored = []
    for db, workers in zip(dbs, ("1", "2"), strict=True):
        monkeypatch.setenv("FOOTPRINT_WORKERS", workers)
        api.subject_add(db, "Dana Whitfield", profession="mft")
        root = api.demo_fixtures()
        api.ingest(db, [root / "dana-professional-x"], role="professional", subject="Dana Whitfield")
        api.ingest(db, [root / "dana-personal-x"], role="personal", subject="Dana Whitfield")
        api.audit(db)
        stored.append(_stored(db))
    assert len(scans) == 1, "only the two-worker audit scans in workers"
    alone, together = stored
    assert alone[1], "the demo must have people on both sides"
    assert any(row[2] in RULE_IDS for row in alone[0]), "the demo must have overlap findings"
    assert together == alone
