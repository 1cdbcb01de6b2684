"""Two footprint processes on one SQLite database: an ingest and reports (and an audit) at once.

Real subprocesses of the installed `footprint` entry point. WAL lets the reports read the last
committed state while the ingest writes; the busy timeout makes a second writer wait for the
first instead of failing with "database is locked". Afterwards the file passes SQLite's integrity
and foreign-key checks and holds exactly the ingested archive.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import zip_folder
from tests.security.conftest import DEMO, read_ytd, write_ytd

# Large enough that the ingest writes for several seconds, so that reports overlap it.
TWEETS = 30_000
FOLLOWERS = 30_000


def _footprint() -> str:
    path = Path(sys.executable).parent / "footprint"
    if not path.exists():
        pytest.fail(f"no installed `footprint` entry point next to {sys.executable}")
    return str(path)


def _big_archive(tmp: Path) -> Path:
    """Dana's professional X archive grown to TWEETS tweets and FOLLOWERS followers."""
    folder = tmp / "big-x"
    shutil.copytree(DEMO / "dana-professional-x", folder)
    data = folder / "data"
    prefix, tweets = read_ytd(data / "tweets.js")
    grown = []
    for i in range(TWEETS):
        t = copy.deepcopy(tweets[i % len(tweets)])
        new_id = str(1_900_000_000_000_000_000 + i)
        t["tweet"].update(id_str=new_id, id=new_id)
        t["tweet"].pop("edit_info", None)
        grown.append(t)
    write_ytd(data / "tweets.js", prefix, grown)
    prefix, _ = read_ytd(data / "follower.js")
    write_ytd(data / "follower.js", prefix, [
        {"follower": {"accountId": str(10_000_000 + i),
                      "userLink": f"https://twitter.com/intent/user?user_id={10_000_000 + i}"}}
        for i in range(FOLLOWERS)])
    for stale in ("note-tweet.js", "manifest.js"):  # counts and note links of the original
        (data / stale).unlink(missing_ok=True)
    return zip_folder(folder, tmp / "big-x.zip")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_footprint(), *args], capture_output=True, text=True, timeout=600, cwd=cwd,
                          env={k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")})


def _start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([_footprint(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, env={k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")})


def _check_file(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_an_ingest_and_reports_at_once_neither_fail_nor_corrupt(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    small = zip_folder(DEMO / "dana-personal-x", tmp_path / "personal.zip")
    big = _big_archive(tmp_path)
    for args in (("ingest", str(small), "--role", "personal", "--subject", "Dana Whitfield"), ("audit",)):
        r = _run(*args, "--db", str(db), cwd=tmp_path)
        assert r.returncode == 0, r.stderr

    r = _run("report", "--format", "json", "-o", str(tmp_path / "before.json"), "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ingest = _start("ingest", str(big), "--role", "professional", "--subject", "Dana Whitfield",
                    "--db", str(db), cwd=tmp_path)
    reports: list[subprocess.CompletedProcess[str]] = []
    started = time.monotonic()
    while ingest.poll() is None and time.monotonic() - started < 600:
        reports.append(_run("report", "--format", "json", "-o", str(tmp_path / f"r{len(reports)}.json"),
                            "--db", str(db), cwd=tmp_path))
    _, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    for r in reports:
        assert r.returncode == 0, r.stderr
        assert "locked" not in r.stderr.lower() and "busy" not in r.stderr.lower()
    # Every report read one committed state, before the ingest or after it, never a part of it.
    r = _run("report", "--format", "json", "-o", str(tmp_path / "after.json"), "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    before = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))["accounts"]
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))["accounts"]
    assert before != after
    states = [json.loads((tmp_path / f"r{i}.json").read_text(encoding="utf-8"))["accounts"]
              for i in range(len(reports))]
    assert all(state in (before, after) for state in states)
    assert states.count(before) >= 1, "a report should have run while the ingest wrote"
    _check_file(db)
    conn = sqlite3.connect(db)
    try:
        n = conn.execute("SELECT count(*) FROM content WHERE native_id LIKE '19000000000%'").fetchone()[0]
        followers = conn.execute("SELECT count(*) FROM connections c JOIN accounts a ON a.id = c.account_id "
                                 "WHERE a.role = 'professional' AND c.relation = 'follower'").fetchone()[0]
    finally:
        conn.close()
    assert (n, followers) == (TWEETS, FOLLOWERS)


def test_an_ingest_and_an_audit_at_once_wait_for_each_other(tmp_path: Path) -> None:
    """Two writers: the second waits on the busy timeout instead of failing."""
    db = tmp_path / "w.db"
    small = zip_folder(DEMO / "dana-personal-x", tmp_path / "personal.zip")
    big = _big_archive(tmp_path)
    r = _run("ingest", str(small), "--role", "personal", "--subject", "Dana Whitfield", "--db", str(db),
             cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ingest = _start("ingest", str(big), "--role", "professional", "--subject", "Dana Whitfield",
                    "--db", str(db), cwd=tmp_path)
    time.sleep(1.0)  # let the ingest take the write lock
    audits: list[subprocess.CompletedProcess[str]] = []
    while ingest.poll() is None and len(audits) < 3:
        audits.append(_run("audit", "--db", str(db), cwd=tmp_path))
    _, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    for a in audits:
        assert a.returncode == 0, a.stderr
    _check_file(db)


def test_two_processes_creating_one_database_at_once(tmp_path: Path) -> None:
    for attempt in range(3):
        db = tmp_path / f"w{attempt}.db"
        procs = [_start("subject", "add", f"Clinician {attempt}-{i}", "--db", str(db), cwd=tmp_path) for i in range(2)]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        _check_file(db)
