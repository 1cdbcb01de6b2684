"""Ingest semantics: idempotent re-ingest, newer exports, partial exports, roles, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from auditor.db import migrate
from auditor.ingest import ingest_records
from auditor.models import Account, Connection, Content, Import, Subject
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    Person,
    Record,
)
from auditor.sources import Source

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def export(posts: list[str], followers: list[str], *, partial: bool = False,
           bio: str = "Hiking, cooking, dogs") -> list[Record]:
    recs: list[Record] = [
        AccountRecord(platform="twitter", native_id="42", handle="dana_w", display_name="Dana", bio=bio),
        ExportRecord(partial=partial, datasets=frozenset({"post", "follower"})),
    ]
    recs += [ContentRecord(platform="twitter", kind="post", native_id=p, text=f"post {p}", created_at=T0)
              for p in posts]
    recs += [ConnectionRecord(platform="twitter", relation="follower", person=Person(native_id=f))
             for f in followers]
    recs.append(CoverageRecord(file="data/tweets.js", status="read", count=len(posts)))
    return recs


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s:
        yield s


def run(session: Session, tmp_path: Path, recs: list[Record], name: str = "a", role: str | None = None):
    f = tmp_path / f"{name}.js"
    f.write_text(repr(recs))  # a distinct digest per distinct export
    with Source.open(f) as src:
        def resolve(rec: AccountRecord) -> Subject:
            subj = session.scalars(select(Subject)).first()
            if subj is None:
                subj = Subject(name="Dana")
                session.add(subj)
                session.flush()
            return subj
        res = ingest_records(session, iter(recs), source=src, connector="test", resolve_subject=resolve,
                             role=role)
    session.flush()
    return res


def counts(session: Session) -> tuple[int, int, int, int]:
    live = session.scalar(select(func.count()).select_from(Content).where(Content.deleted_at.is_(None)))
    dead = session.scalar(select(func.count()).select_from(Content).where(Content.deleted_at.is_not(None)))
    conns = session.scalar(select(func.count()).select_from(Connection).where(Connection.deleted_at.is_(None)))
    accounts = session.scalar(select(func.count()).select_from(Account))
    return live, dead, conns, accounts  # type: ignore[return-value]


def test_first_ingest_writes_every_record(session: Session, tmp_path: Path) -> None:
    res = run(session, tmp_path, export(["1", "2", "3"], ["a", "b"]))
    assert counts(session) == (3, 0, 2, 1)
    acc = res.accounts[0]
    assert acc.created and acc.added == {"post": 3, "follower": 2}
    imp = session.scalars(select(Import)).one()
    assert imp.coverage == [{"file": "data/tweets.js", "status": "read", "reason": "", "count": 3}]


def test_reingesting_the_same_archive_changes_nothing(session: Session, tmp_path: Path) -> None:
    recs = export(["1", "2"], ["a"])
    run(session, tmp_path, recs)
    before = counts(session)
    res = run(session, tmp_path, recs)
    assert res.accounts[0].skipped
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(Import)) == 1


def test_same_content_in_another_file_adds_nothing(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1", "2"], ["a"]), name="a")
    res = run(session, tmp_path, export(["1", "2"], ["a"]) + [CoverageRecord(file="x", status="read")], name="b")
    assert counts(session) == (2, 0, 1, 1)
    assert res.accounts[0].added == {} and res.accounts[0].updated == {}


def test_newer_export_updates_and_marks_missing_rows_deleted(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1", "2", "3"], ["a", "b"]), name="old")
    res = run(session, tmp_path, export(["2", "3", "4"], ["b", "c"]), name="new")
    acc = res.accounts[0]
    assert acc.added == {"post": 1, "follower": 1}
    assert acc.deleted == {"post": 1, "follower": 1}
    gone = session.scalars(select(Content).where(Content.native_id == "1")).one()
    assert gone.deleted_at is not None
    assert counts(session) == (3, 1, 2, 1)


def test_a_deleted_item_that_comes_back_is_live_again(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1", "2"], []), name="a")
    run(session, tmp_path, export(["2"], []), name="b")
    run(session, tmp_path, export(["1", "2"], []), name="c")
    assert counts(session)[:2] == (2, 0)


def test_partial_export_deletes_nothing(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1", "2", "3"], ["a"]), name="full")
    res = run(session, tmp_path, export(["3"], [], partial=True), name="partial")
    assert res.accounts[0].deleted == {} and res.accounts[0].partial
    assert counts(session) == (3, 0, 1, 1)


def test_data_sets_not_in_the_export_are_left_alone(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1"], ["a", "b"]), name="full")
    recs = [r for r in export(["1"], []) if not isinstance(r, ExportRecord)]
    recs.insert(1, ExportRecord(datasets=frozenset({"post"})))  # this export holds no follower list
    run(session, tmp_path, recs, name="tweets-only")
    assert counts(session)[2] == 2


def test_changed_text_is_an_update(session: Session, tmp_path: Path) -> None:
    run(session, tmp_path, export(["1"], []), name="a")
    recs = export(["1"], [])
    recs[2] = ContentRecord(platform="twitter", kind="post", native_id="1", text="edited", created_at=T0)
    res = run(session, tmp_path, recs, name="b")
    assert res.accounts[0].updated == {"post": 1}
    assert session.scalars(select(Content.text)).one() == "edited"


def test_role_is_inferred_with_a_reason_unless_given(session: Session, tmp_path: Path) -> None:
    res = run(session, tmp_path, export(["1"], [], bio="Dana Whitfield, LMFT. Couples therapy in Portland"))
    acc = res.accounts[0]
    assert acc.role == "professional" and "LMFT" in acc.role_reason and acc.role_source == "inferred"
    res = run(session, tmp_path, export(["1"], [], bio="x"), name="b", role="personal")
    assert res.accounts[0].role == "personal" and res.accounts[0].role_source == "user"
    # A later ingest without --role keeps the role the user chose.
    res = run(session, tmp_path, export(["1", "2"], [], bio="LMFT"), name="c")
    assert res.accounts[0].role == "personal"


def test_nothing_is_inferred_from_an_empty_profile(session: Session, tmp_path: Path) -> None:
    res = run(session, tmp_path, export([], [], bio=""))
    assert res.accounts[0].role == "unknown"


def test_second_platform_in_one_export_is_a_second_account(session: Session, tmp_path: Path) -> None:
    recs = export(["1"], []) + [
        AccountRecord(platform="threads", native_id=None, handle="dana_w"),
        ContentRecord(platform="threads", kind="post", native_id="t1", text="hello threads"),
    ]
    res = run(session, tmp_path, recs)
    assert [a.platform for a in res.accounts] == ["twitter", "threads"]
    threads = session.scalars(select(Account).where(Account.platform == "threads")).one()
    assert threads.account_key == "subject"
    assert session.scalars(select(Content.native_id).where(Content.account_id == threads.id)).all() == ["t1"]


def test_a_record_before_any_account_is_a_bug(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="before an AccountRecord"):
        run(session, tmp_path, [ContentRecord(platform="x", kind="post", native_id="1", text="t")])


def test_interaction_data_sets_do_not_clash_with_content_kinds(session: Session, tmp_path: Path) -> None:
    from auditor.models import Interaction
    from auditor.records import InteractionRecord

    def exp(messages: bool, name: str) -> list[Record]:
        recs: list[Record] = [AccountRecord(platform="twitter", native_id="42", handle="dana_w"),
                              ExportRecord(datasets=frozenset({"interaction:message"}))]
        if messages:
            recs.append(InteractionRecord(platform="twitter", kind="message", person=Person(native_id="7"),
                                          created_at=T0))
        recs.append(ContentRecord(platform="twitter", kind="message", native_id="m1", text="hi"))
        return recs

    run(session, tmp_path, exp(True, "a"), name="a")
    run(session, tmp_path, exp(False, "b"), name="b")
    # "interaction:message" marks the interaction deleted but never the stored message text.
    assert session.scalars(select(Interaction.deleted_at)).one() is not None
    assert session.scalars(select(Content.deleted_at)).one() is None


def _bind(column: str) -> tuple[object, object]:
    """The bind processor SQLAlchemy uses for a content column on SQLite, and the quicker one."""
    from sqlalchemy.dialects import sqlite

    from auditor.db import quicker_processor

    dialect = sqlite.dialect()
    type_ = Content.__table__.c[column].type
    proc = type_.dialect_impl(dialect).bind_processor(dialect)
    assert proc is not None
    return proc, quicker_processor(type_, proc)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=st.timezones())))
def test_quicker_dates_are_stored_as_sqlalchemy_stores_them(value: datetime | None) -> None:
    proc, quick = _bind("created_at")
    assert quick is not proc
    assert quick(value) == proc(value)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                     max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.just([]), st.just(()), st.just({}), _JSON))
def test_quicker_json_is_stored_as_sqlalchemy_stores_it(value: object) -> None:
    for column in ("mentions", "in_reply_to"):
        proc, quick = _bind(column)
        assert quick(value) == proc(value)
