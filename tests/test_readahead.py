"""Reading an archive in a forked child while the parent writes (auditor/readahead.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import api, readahead
from auditor.errors import MalformedArchive
from auditor.readahead import read_ahead
from tests.backends import BACKENDS, database_url

pytestmark = pytest.mark.skipif(not readahead.AVAILABLE, reason="reading ahead forks: Linux only")

ROOT = Path(__file__).resolve().parents[1]


def _numbers(n: int, fail_at: int | None = None, exc: BaseException | None = None) -> Iterator[int]:
    for i in range(n):
        if i == fail_at:
            raise exc or MalformedArchive("data/tweets.js could not be read: KeyError", path="x.zip")
        yield i


def test_every_item_arrives_in_order_across_batches() -> None:
    assert list(read_ahead(lambda: _numbers(1_300), batch=512)) == list(range(1_300))
    assert list(read_ahead(lambda: _numbers(0))) == []


def test_an_error_arrives_after_the_items_before_it() -> None:
    got: list[int] = []
    with pytest.raises(MalformedArchive) as info:
        got.extend(read_ahead(lambda: _numbers(1_000, fail_at=700), batch=64))  # keeps what came first
    assert got == list(range(700))
    assert str(info.value) == "x.zip: data/tweets.js could not be read: KeyError"
    assert info.value.path == "x.zip" and info.value.exit_code == 3


class _Unpicklable(Exception):
    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("no")


def test_an_error_that_cannot_cross_arrives_named() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable"):
        list(read_ahead(lambda: _numbers(10, fail_at=3, exc=_Unpicklable("Dana's file"))))


def test_a_child_that_dies_is_an_error_not_a_hang() -> None:
    def dies() -> Iterator[int]:
        yield 1
        os._exit(7)

    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        list(read_ahead(dies, batch=1))


def test_stopping_early_ends_the_child() -> None:
    def endless() -> Iterator[int]:
        i = 0
        while True:
            yield i
            i += 1

    before = {t.ident for t in threading.enumerate()}
    items = read_ahead(endless, batch=16)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    started = time.monotonic()
    items.close()  # kills and reaps the child; an endless reader must not keep it waiting
    assert time.monotonic() - started < 10
    assert {t.ident for t in threading.enumerate()} <= before | {None}


def test_worth_it_only_for_a_big_archive_with_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.sources import Source

    (tmp_path / "a.json").write_bytes(b"x" * 1000)
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    with Source.open(tmp_path) as source:
        assert not readahead.worth_it(source)
        monkeypatch.setattr(readahead, "MIN_BYTES", 1000)
        assert readahead.worth_it(source)
        monkeypatch.setenv("FOOTPRINT_WORKERS", "1")
        assert not readahead.worth_it(source)


#: Columns that say when a row was written, not what was read.
_WRITTEN_AT = {("accounts", "first_seen"), ("accounts", "last_seen"), ("subjects", "created_at"),
               ("imports", "started_at"), ("imports", "finished_at")}


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, leaving out the columns that record when they were written."""
    con = sqlite3.connect(db)
    out = {}
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if (table, r[1]) not in _WRITTEN_AT]
        out[table] = list(con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"))
    con.close()
    return out


@pytest.fixture(scope="module")
def footprint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fp")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--posts", "1500", "--followers",
                    "700", "--seed", "3", "--part-mb", "0.2", "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    return out


def _ingest(footprint: Path, db: Path | str) -> list:
    import json

    info = json.loads((footprint / "footprint.json").read_text())
    return api.ingest(str(db), [footprint / s["path"] for s in info["sources"]],
                      roles=[s["role"] for s in info["sources"]], subject="Avery Lindqvist-Moreau")


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per archive the ingest reads in a child (`start` counted as it is called)."""
    calls: list[int] = []
    real = readahead.start

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(readahead, "start", counted)
    return calls


def test_an_ingest_read_ahead_stores_what_one_read_in_process_does(
        footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> None:
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setenv("FOOTPRINT_WORKERS", "1")
    alone = _ingest(footprint, tmp_path / "alone.db")
    assert forked == []
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    ahead = _ingest(footprint, tmp_path / "ahead.db")
    assert len(forked) == 3  # every source went through the child
    assert [[(a.platform, a.handle, a.added, a.warnings) for a in r.accounts] for r in ahead] == \
        [[(a.platform, a.handle, a.added, a.warnings) for a in r.accounts] for r in alone]
    one, two = _rows(tmp_path / "alone.db"), _rows(tmp_path / "ahead.db")
    assert sum(len(v) for v in one.values()) > 3_000
    for table in one:
        assert two[table] == one[table], table


def test_a_broken_archive_read_ahead_fails_as_it_does_in_process(
        footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    broken = tmp_path / "x"
    shutil.copytree(footprint / "x-personal", broken)
    part = max((broken / "data").glob("tweets*.js"))
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])  # cut off mid-record
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    errors = []
    for workers in ("1", "2"):
        monkeypatch.setenv("FOOTPRINT_WORKERS", workers)
        db = tmp_path / f"w{workers}.db"
        with pytest.raises(MalformedArchive) as info:
            api.ingest(str(db), [broken], role="personal", subject="Avery Lindqvist-Moreau")
        errors.append(str(info.value))
        assert sqlite3.connect(db).execute("SELECT count(*) FROM content").fetchone() == (0,)  # rolled back
    assert errors[0] == errors[1] and "tweets" in errors[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_read_ahead_ingest_on_each_back_end_stores_the_posts(
        backend: str, footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child never touches the parent's database connection, PostgreSQL's included."""
    from sqlalchemy import create_engine, text

    query = text("SELECT (SELECT count(*) FROM content), (SELECT count(DISTINCT text) FROM content), "
                 "(SELECT count(*) FROM connections), (SELECT count(*) FROM interactions)")
    monkeypatch.setenv("FOOTPRINT_WORKERS", "1")
    _ingest(footprint, tmp_path / "alone.db")
    with sqlite3.connect(tmp_path / "alone.db") as con:
        expected = con.execute(str(query)).fetchone()
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    for url in database_url(backend, tmp_path):
        _ingest(footprint, url)
        engine = create_engine(url if "://" in url else f"sqlite:///{url}")
        with engine.connect() as conn:
            assert tuple(conn.execute(query).one()) == expected
        engine.dispose()
    assert expected[0] > 3_000 and expected[2] > 1_000


def test_when_no_child_can_start_the_items_are_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.process

    def refuse(self: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # what fork(2) gives at a limit

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    assert list(read_ahead(lambda: _numbers(700), batch=64)) == list(range(700))
    with pytest.raises(MalformedArchive):
        list(read_ahead(lambda: _numbers(10, fail_at=5)))


def _packed(folder: Path, kind: str, out: Path) -> Path:
    """`folder`'s files in a zip or a .tar.gz, named as in the folder."""
    import tarfile
    import zipfile

    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if kind == "zip":
        target = out / f"{folder.name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in files:
                zf.write(p, p.relative_to(folder).as_posix())
    else:
        target = out / f"{folder.name}.tar.gz"
        with tarfile.open(target, "w:gz") as tf:
            for p in files:
                tf.add(p, p.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_an_archive_file_read_ahead_stores_what_one_read_in_process_does(
        kind: str, footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> None:
    """The child reads through the archive file the parent opened (a forked copy of it)."""
    archives = [_packed(footprint / name, kind, tmp_path) for name in ("x-personal", "instagram-personal")]
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    stored = []
    for workers in ("1", "2"):
        monkeypatch.setenv("FOOTPRINT_WORKERS", workers)
        db = tmp_path / f"w{workers}.db"
        results = api.ingest(str(db), archives, role="personal", subject="Avery Lindqvist-Moreau")
        assert all(sum(a.added.values()) > 500 for r in results for a in r.accounts)
        stored.append(_rows(db))
    assert len(forked) == 2  # both archives were read in a child the second time
    for table in stored[0]:
        assert stored[1][table] == stored[0][table], table


def test_the_next_archive_is_read_while_the_current_one_is_written(
        footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import ingest

    events: list[str] = []
    real_start, real_records = readahead.start, ingest.ingest_records

    def started(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("reader")
        return real_start(*args, **kwargs)

    def written(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("write")
        try:
            return real_records(*args, **kwargs)
        finally:
            events.append("stored")

    monkeypatch.setattr(readahead, "start", started)
    monkeypatch.setattr(ingest, "ingest_records", written)
    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setenv("FOOTPRINT_WORKERS", "2")
    _ingest(footprint, tmp_path / "ahead.db")
    assert events == ["reader", "reader", "write", "stored", "reader", "write", "stored", "write", "stored"]


def test_a_bad_next_archive_fails_in_its_turn_after_the_one_before_is_stored(
        footprint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the next archive ahead must not change when or how a broken one fails."""
    from auditor.errors import FootprintError

    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    unknown = tmp_path / "notes"
    unknown.mkdir()
    (unknown / "notes.txt").write_text("not an export\n" * 1000)
    for bad in (tmp_path / "missing", unknown):
        messages = []
        for workers in ("1", "2"):
            monkeypatch.setenv("FOOTPRINT_WORKERS", workers)
            db = tmp_path / f"{bad.name}-{workers}.db"
            with pytest.raises(FootprintError) as info:
                api.ingest(str(db), [footprint / "x-personal", bad], role="personal",
                           subject="Avery Lindqvist-Moreau")
            messages.append(str(info.value))
            assert sqlite3.connect(db).execute("SELECT count(*) FROM content").fetchone()[0] > 1_000
        assert messages[0] == messages[1]


def _chunks(n: int, marker: Path) -> Iterator[bytes]:
    for i in range(n):
        yield bytes([i % 256]) * 10_000
    marker.write_text("parsed to the end")


@pytest.mark.parametrize("room", [64 << 20, 200_000])
def test_a_child_runs_ahead_of_the_parent_as_far_as_its_room(
        room: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five megabytes, five times what the pipe holds: with room for them the child gets to the
    end before the parent reads anything; with less it waits for the parent (memory stays flat)."""
    monkeypatch.setattr(readahead, "AHEAD_BYTES", room)
    marker = tmp_path / "end"
    ahead = readahead.start(lambda: _chunks(500, marker), batch=10)
    try:
        deadline = time.monotonic() + (60 if room > 5_000_000 else 1.5)
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists() == (room > 5_000_000)
        assert list(ahead) == list(_chunks(500, tmp_path / "again"))
        assert marker.exists()
    finally:
        ahead.close()


def test_a_closed_reader_is_closed_for_good(tmp_path: Path) -> None:
    """Closing twice is harmless, and a closed reader never reads its archive again here."""
    marker = tmp_path / "end"
    ahead = readahead.start(lambda: _chunks(5, marker), batch=1)
    ahead.close()
    ahead.close()
    with pytest.raises(OSError):
        next(iter(ahead))
