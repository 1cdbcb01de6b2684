"""Ingest's two write paths give what the row-by-row semantics say (tests/test_ingest.py has the rest).

A first ingest of an account inserts batches without looking anything up; a batch that meets a
key an earlier batch of the same ingest wrote (overlapping X parts) is reconciled row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from auditor.db import migrate
from auditor.ingest import ingest_records
from auditor.models import Connection, Content, Subject
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    ExportRecord,
    Person,
    Record,
)
from auditor.sources import Source

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s:
        yield s


def _ingest(session: Session, tmp_path: Path, recs: list[Record], name: str):
    f = tmp_path / f"{name}.js"
    f.write_text(repr(recs))

    def resolve(_rec: AccountRecord) -> Subject:
        subj = session.scalars(select(Subject)).first()
        if subj is None:
            subj = Subject(name="Dana")
            session.add(subj)
            session.flush()
        return subj

    with Source.open(f) as src:
        return ingest_records(session, iter(recs), source=src, connector="test", resolve_subject=resolve)


def _post(native_id: str, text: str, source_file: str = "data/tweets.js") -> ContentRecord:
    return ContentRecord(platform="twitter", kind="post", native_id=native_id, text=text, created_at=T0,
                         mentions=(Person(handle="kim"),), source_file=source_file)


def test_a_duplicate_in_a_later_batch_updates_the_row(session: Session, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.ingest.BATCH", 2)
    recs: list[Record] = [
        AccountRecord(platform="twitter", native_id="42", handle="dana"),
        ExportRecord(datasets=frozenset({"post", "follower"})),
        _post("1", "first"), _post("2", "second"),            # batch 1
        _post("3", "third"), _post("1", "first, edited"),     # batch 2: "1" again, changed
        _post("4", "fourth"), _post("2", "second", "data/tweets-part1.js"),  # batch 3: same text
        ConnectionRecord(platform="twitter", relation="follower", person=Person(native_id="7")),
        ConnectionRecord(platform="twitter", relation="follower", person=Person(native_id="8")),
        ConnectionRecord(platform="twitter", relation="follower", person=Person(native_id="7")),
    ]
    res = _ingest(session, tmp_path, recs, "a").accounts[0]
    assert res.added == {"post": 4, "follower": 2}
    assert res.updated == {"post": 1}
    texts = dict(session.execute(select(Content.native_id, Content.text)).all())
    assert texts == {"1": "first, edited", "2": "second", "3": "third", "4": "fourth"}
    assert session.scalar(select(Content.mentions).where(Content.native_id == "1")) == [{"handle": "kim"}]
    assert session.scalar(select(Content.created_at).where(Content.native_id == "1")) == T0
    assert len(session.scalars(select(Connection.id)).all()) == 2


def test_a_newer_export_stamps_updates_and_deletes_through_the_lookup_path(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.ingest.BATCH", 3)
    head: list[Record] = [AccountRecord(platform="twitter", native_id="42", handle="dana"),
                          ExportRecord(datasets=frozenset({"post"}))]
    _ingest(session, tmp_path, head + [_post(str(i), f"t{i}") for i in range(10)], "old")
    newer = head + [_post(str(i), f"t{i}" if i != 5 else "changed") for i in range(2, 12)]
    res = _ingest(session, tmp_path, newer, "new").accounts[0]
    assert res.added == {"post": 2} and res.updated == {"post": 1} and res.deleted == {"post": 2}
    live = session.execute(select(Content.native_id, Content.first_import_id, Content.last_import_id)
                           .where(Content.deleted_at.is_(None))).all()
    assert sorted(n for n, _, _ in live) == sorted(str(i) for i in range(2, 12))
    assert {last for _, _, last in live} == {2}
    assert {first for n, first, _ in live if n in ("2", "5")} == {1}
