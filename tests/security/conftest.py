"""Helpers of the hostile-input tests: the CLI, database dumps, archives built to order."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.helpers import FIXTURES, zip_folder

DEMO = FIXTURES / "demo"
_YTD = re.compile(r"^\s*(window\.[A-Za-z0-9_.]+\s*=\s*)")


class Cli:
    """`footprint ...` in-process (typer's CliRunner), stdout and stderr together."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def dump(db: Path) -> dict[str, Any]:
    """The schema and every row of every table, for "the database exactly as it was" checks."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        schema = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=repr)
        tables = [r[1] for r in schema if r[0] == "table" and not r[1].startswith("sqlite_")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()
    return {"schema": schema, "rows": rows}


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("footprint:")]


def assert_one_clean_error(result: Any, *, names: str, says: str | re.Pattern[str]) -> str:
    """Exit 3, exactly one error line naming `names` and saying `says`, no traceback."""
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and 'File "' not in result.output, result.output
    errors = error_lines(result.output)
    assert len(errors) == 1, result.output
    line = errors[0]
    assert names in line, line
    if isinstance(says, str):
        assert says in line, line
    else:
        assert says.search(line), line
    return line


# -- X archives built to order -----------------------------------------------------------------

def read_ytd(path: Path) -> tuple[str, Any]:
    """An X data file as (its `window.YTD.x.part0 = ` prefix, its parsed items)."""
    text = path.read_text(encoding="utf-8")
    m = _YTD.match(text)
    prefix = m.group(1) if m else ""
    return prefix, json.loads(text[len(prefix):].strip().rstrip(";"))


def write_ytd(path: Path, prefix: str, items: Any) -> None:
    path.write_text(prefix + json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def x_folder(tmp_path: Path) -> Callable[..., Path]:
    """x_folder("professional") → a copy of a demo X archive folder, to edit before zipping."""

    def make(which: str = "professional", name: str | None = None) -> Path:
        dest = tmp_path / (name or f"x-{which}")
        shutil.copytree(DEMO / f"dana-{which}-x", dest)
        return dest

    return make


@pytest.fixture
def zipped(tmp_path: Path) -> Callable[..., Path]:
    def make(folder: Path, name: str | None = None, top: str | None = None) -> Path:
        return zip_folder(folder, tmp_path / (name or f"{folder.name}.zip"), top=top)

    return make


@pytest.fixture
def workspace(tmp_path: Path, cli: Cli) -> Path:
    """A database that already holds Dana's personal X archive (the "before" of every failure)."""
    db = tmp_path / "w.db"
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "personal.zip")
    r = cli("ingest", str(archive), "--role", "personal", "--subject", "Dana Whitfield", "--db", str(db))
    assert r.exit_code == 0, r.output
    return db


# -- no network ----------------------------------------------------------------------------------

@pytest.fixture
def sockets_disabled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to reach the network raises (and is recorded); the test fails if one is tried."""
    attempts: list[str] = []

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*args: object, **kwargs: object) -> Any:
            attempts.append(what)
            raise AssertionError(f"footprint tried the network: socket.{what}")
        return refused

    class RefusedSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            attempts.append("socket")
            raise AssertionError("footprint tried to open a socket")

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "socketpair", "fromfd", "create_server"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts
