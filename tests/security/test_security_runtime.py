"""No network, data at rest, and what an error may show.

- ingest, audit, report and scan open no socket (in-process, with every socket call refused), and
  the installed `footprint scan` works in a network namespace without interfaces;
- the database, its WAL, shared-memory and rollback journal, and every report are owner-only even
  under umask 000; the roster is never stored; purge leaves none of the subject's text in the file;
- tracebacks never show local variables, with or without --debug.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auditor import api
from tests.helpers import zip_folder
from tests.security.conftest import DEMO, Cli, read_ytd

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def _footprint() -> Path:
    """The installed console script of the interpreter running the tests."""
    path = Path(sys.executable).parent / "footprint"
    if not path.exists():
        pytest.fail(f"no installed `footprint` entry point next to {sys.executable}")
    return path


# -- no network ----------------------------------------------------------------------------------

def test_ingest_audit_report_and_scan_open_no_socket(tmp_path: Path, cli: Cli, sockets_disabled: list[str]) -> None:
    db = str(tmp_path / "w.db")
    personal = zip_folder(DEMO / "dana-personal-x", tmp_path / "personal.zip")
    professional = zip_folder(DEMO / "dana-professional-x", tmp_path / "professional.zip")
    assert cli("ingest", str(personal), "--role", "personal", "--db", db).exit_code == 0
    assert cli("ingest", str(professional), "--role", "professional", "--db", db).exit_code == 0
    assert cli("audit", "--db", db).exit_code == 0
    for fmt in api.FORMATS:
        r = cli("report", "--format", fmt, "-o", str(tmp_path / f"r.{fmt}"), "--db", db)
        assert r.exit_code == 0, r.output
    r = cli("scan", "--personal", str(personal), "--professional", str(professional),
            "-o", str(tmp_path / "scan.html"), "--db", str(tmp_path / "scan.db"))
    assert r.exit_code == 0, r.output
    assert sockets_disabled == []


def _netns_prefix() -> list[str]:
    """How to run a command in a new network namespace here, or skip (fail in CI) saying why."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no `unshare` (util-linux) on this machine")
    tried = []
    for prefix in ([unshare, "--net"], [unshare, "--map-root-user", "--net"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
        if probe.returncode == 0:
            return prefix
        tried.append(f"{' '.join(prefix)}: {probe.stderr.strip()}")
    reason = "network namespaces are not permitted here (" + "; ".join(tried) + ")"
    if IN_CI:
        pytest.fail(f"CI must run the network-namespace test: {reason}")
    pytest.skip(reason)


def test_scan_works_in_a_network_namespace_without_interfaces(tmp_path: Path) -> None:
    prefix = _netns_prefix()
    footprint = _footprint()
    # The namespace really has no network: even a connect to a literal address fails at once.
    probe = subprocess.run([*prefix, sys.executable, "-c",
                            "import socket; s = socket.socket(); s.settimeout(2); s.connect(('192.0.2.1', 80))"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower(), probe.stderr
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "twitter-2026.zip", top="twitter-2026")
    out = tmp_path / "report.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")}
    r = subprocess.run([*prefix, str(footprint), "scan", str(archive), "-o", str(out), "--db",
                        str(tmp_path / "w.db")], capture_output=True, text=True, timeout=300, env=env,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "<html" in out.read_text(encoding="utf-8") and mode(out) == 0o600


# -- at rest -------------------------------------------------------------------------------------------

def _db_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + "*"))


def test_database_wal_and_shm_are_owner_only_under_umask_000(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "w.db"
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "p.zip")
    with umask(0o000):
        assert cli("subject", "add", "Dana Whitfield", "--db", str(db)).exit_code == 0
        # A reader held open keeps the -wal and -shm files in place for the checks below.
        keep = sqlite3.connect(db)
        try:
            keep.execute("SELECT count(*) FROM subjects").fetchone()
            assert cli("ingest", str(archive), "--db", str(db)).exit_code == 0
            assert cli("audit", "--db", str(db)).exit_code == 0
            assert cli("report", "-o", str(tmp_path / "r.html"), "--db", str(db)).exit_code == 0
            files = _db_files(db)
            assert {f.name for f in files} >= {"w.db", "w.db-wal", "w.db-shm"}, files
            for f in files:
                assert mode(f) == 0o600, (f.name, oct(mode(f)))
        finally:
            keep.close()


def test_a_rollback_journal_is_owner_only_too(tmp_path: Path) -> None:
    """Where WAL cannot be used, SQLite writes a -journal with the database file's mode."""
    db = tmp_path / "w.db"
    # A process of its own, so that no connection of footprint's stays open (WAL needs them closed
    # to be switched off).
    r = subprocess.run([str(_footprint()), "subject", "add", "Dana Whitfield", "--db", str(db)],
                       capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(0))
    assert r.returncode == 0, r.stderr
    with umask(0o000):
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE subjects SET state = 'OR'")
            journal = tmp_path / "w.db-journal"
            assert journal.exists() and mode(journal) == 0o600
            conn.execute("COMMIT")
        finally:
            conn.close()


@pytest.mark.parametrize("fmt", api.FORMATS)
def test_reports_are_owner_only_under_umask_000(tmp_path: Path, cli: Cli, workspace: Path, fmt: str) -> None:
    assert cli("audit", "--db", str(workspace)).exit_code == 0
    out = tmp_path / "new" / "folder" / f"report.{fmt}"
    with umask(0o000):
        r = cli("report", "--format", fmt, "-o", str(out), "--db", str(workspace))
    assert r.exit_code == 0, r.output
    assert mode(out) == 0o600 and mode(out.parent) == 0o700


def test_every_folder_a_report_creates_is_owner_only(tmp_path: Path, cli: Cli, workspace: Path) -> None:
    assert cli("audit", "--db", str(workspace)).exit_code == 0
    out = tmp_path / "new" / "folder" / "report.html"
    with umask(0o000):
        assert cli("report", "-o", str(out), "--db", str(workspace)).exit_code == 0
    assert mode(tmp_path / "new") == 0o700


def test_the_roster_is_never_stored(tmp_path: Path, cli: Cli, workspace: Path) -> None:
    if "--roster" not in cli("audit", "--help").output:
        pytest.skip("`footprint audit --roster` is not wired yet")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,phone,handles\nQuillon Zephyrine-Abernathy,quillon@zz.example,"
                      "+1 503 555 0199,instagram:@quillon_zz\n", encoding="utf-8")
    r = cli("audit", "--roster", str(roster), "--db", str(workspace))
    assert r.exit_code == 0, r.output
    for f in _db_files(workspace):
        raw = f.read_bytes()
        for secret in ("Quillon", "quillon", "Zephyrine", "555 0199", "5035550199"):
            assert secret.encode() not in raw and secret.encode("utf-16-le") not in raw, (f.name, secret)


def test_purge_leaves_no_trace_of_the_subject_in_the_database_file(tmp_path: Path, cli: Cli,
                                                                  workspace: Path) -> None:
    if "purge" not in cli("--help").output:
        pytest.skip("`footprint purge` is not built yet")
    # A second clinician in the same workspace, audited in the same runs, must stay whole.
    other = DEMO.parent / "archives" / "generic" / "ungrouped" / "posts.csv"
    r = cli("ingest", str(other), "--subject", "Sam Rivera", "--role", "personal", "--db", str(workspace))
    assert r.exit_code == 0, r.output
    assert cli("audit", "--db", str(workspace)).exit_code == 0
    _, tweets = read_ytd(DEMO / "dana-personal-x" / "data" / "tweets.js")
    texts = [t["tweet"]["full_text"] for t in tweets if len(t["tweet"]["full_text"]) > 30][:10]
    _, followers = read_ytd(DEMO / "dana-personal-x" / "data" / "follower.js")
    ids = [f["follower"]["accountId"] for f in followers][:10]
    needles = [t[:30] for t in texts] + ids + ["Dana Whitfield"]
    raw = b"".join(f.read_bytes() for f in _db_files(workspace))
    assert all(n.encode() in raw for n in needles[:3]), "the needles should be stored before the purge"
    r = cli("purge", "--subject", "Dana Whitfield", "--yes", "--db", str(workspace))
    assert r.exit_code == 0, r.output
    for f in _db_files(workspace):
        raw = f.read_bytes()
        left = [n for n in needles if n.encode() in raw]
        assert not left, (f.name, left[:3])
    conn = sqlite3.connect(workspace)
    try:
        assert conn.execute("SELECT name FROM subjects").fetchall() == [("Sam Rivera",)]
        assert conn.execute("SELECT count(*) FROM content").fetchone()[0] > 0
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


# -- tracebacks ---------------------------------------------------------------------------------------------

_CRASH = """
import sys
from auditor import api
from auditor.cli import main

def ingest(*args, **kwargs):
    client_secret = "CLIENT-SECRET-" + "Jane-Roe-MRN-4471"
    notes = {"diagnosis": client_secret}
    raise RuntimeError("boom in the middle of an ingest")

api.ingest = ingest
sys.argv = ["footprint", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_never_shows_local_variables(tmp_path: Path, debug: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("FOOTPRINT_DEBUG", None)
    args = ["--debug"] if debug else []
    r = subprocess.run([sys.executable, "-c", _CRASH, *args, "ingest", "x.zip", "--db", str(tmp_path / "w.db")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 5, out
    assert "Jane-Roe" not in out and "CLIENT-SECRET" not in out and "diagnosis" not in out, out
    assert ("Traceback" in out) is debug, out
    assert "internal error (RuntimeError)" in out


def test_a_connector_bug_is_an_input_error_without_its_message(tmp_path: Path) -> None:
    """Through `auditor.guard`: a KeyError quoting client data becomes type-only, exit 3."""
    from auditor.errors import MalformedArchive
    from auditor.guard import guard_records

    def records() -> Iterator[object]:
        raise KeyError("Jane Roe, DOB 1984-02-11")
        yield  # pragma: no cover

    with pytest.raises(MalformedArchive) as exc:
        list(guard_records(records(), source_label="dana.zip"))  # type: ignore[arg-type]
    assert str(exc.value) == "dana.zip: could not be read: KeyError"
    assert exc.value.exit_code == 3
