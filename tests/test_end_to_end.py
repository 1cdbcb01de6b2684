"""The whole audit through the CLI: demo, scan without network, hostile archives, JSON contract."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from auditor.cli import app
from tests.helpers import FIXTURES, zip_folder

runner = CliRunner()
SCHEMA = Path(__file__).parent / "report_schema.json"
DEMO = FIXTURES / "demo"


def invoke(*args: str) -> object:
    result = runner.invoke(app, list(args))
    return result


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, for 'the database exactly as it was' checks."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                for t in inspect(conn).get_table_names()}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("footprint tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_demo_writes_html_and_json_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           no_network: None) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["demo"])
    assert r.exit_code == 0, r.output
    html = tmp_path / "footprint-demo" / "report.html"
    data = json.loads((tmp_path / "footprint-demo" / "report.json").read_text())
    assert html.exists() and stat.S_IMODE(html.stat().st_mode) == 0o600
    assert not (tmp_path / "footprint.db").exists()
    roles = {a["handle"]: a["role"] for a in data["accounts"]}
    assert sorted(roles.values()) == ["personal", "professional"]
    categories = {f["category"] for f in data["findings"]}
    # The demo footprint has risky posts of every content category.
    assert {"confidentiality", "personalized_advice", "professional_conduct", "testimonial",
            "dual_relationship", "boundary"} <= categories
    assert "Content-Security-Policy" in html.read_text()


def test_json_report_validates_against_the_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["demo"]).exit_code == 0
    data = json.loads((tmp_path / "footprint-demo" / "report.json").read_text())
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    for f in data["findings"]:
        for start, end in f["evidence"]["spans"]:
            assert 0 <= start < end <= len(f["evidence"]["excerpt"])


def test_scan_works_with_no_network(tmp_path: Path, no_network: None) -> None:
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "twitter-2026.zip", top="twitter-2026")
    out = tmp_path / "report.html"
    r = runner.invoke(app, ["scan", str(archive), "-o", str(out), "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 0, r.output
    assert out.exists() and "<html" in out.read_text()


def test_scan_fail_on_exits_1(tmp_path: Path) -> None:
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "a.zip")
    r = runner.invoke(app, ["scan", "--personal", str(archive), "-o", str(tmp_path / "r.html"),
                            "--fail-on", "low", "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 1, r.output


def _bad_archives(tmp_path: Path) -> dict[str, Path]:
    good = zip_folder(DEMO / "dana-professional-x", tmp_path / "good.zip")
    data = good.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    traversal = tmp_path / "traversal.zip"
    shutil.copy(good, traversal)
    with zipfile.ZipFile(traversal, "a") as zf:
        zf.writestr("../../evil.js", "window.YTD.x.part0 = []")
    bomb = tmp_path / "bomb.zip"
    shutil.copy(good, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/tweets-part1.js", b" " * (12 * 1024 * 1024))
    malformed_dir = tmp_path / "malformed"
    shutil.copytree(DEMO / "dana-professional-x", malformed_dir)
    tweets = malformed_dir / "data" / "tweets.js"
    # Cut the file half-way through: the account and the first tweets parse, then the JSON breaks,
    # so the ingest fails after it has written rows (the transaction must roll them back).
    body = tweets.read_text()
    tweets.write_text(body[: len(body) * 2 // 3] + "\n  {{ broken")
    malformed = zip_folder(malformed_dir, tmp_path / "malformed.zip")
    return {"truncated": truncated, "traversal": traversal, "bomb": bomb, "malformed": malformed}


@pytest.mark.parametrize("case", ["truncated", "traversal", "bomb", "malformed"])
def test_hostile_archive_exits_3_and_leaves_the_database_as_it_was(tmp_path: Path, case: str) -> None:
    db = tmp_path / "w.db"
    first = zip_folder(DEMO / "dana-personal-x", tmp_path / "personal.zip")
    assert runner.invoke(app, ["ingest", str(first), "--role", "personal", "--db", str(db)]).exit_code == 0
    before = dump(db)
    bad = _bad_archives(tmp_path)[case]
    r = runner.invoke(app, ["ingest", str(bad), "--role", "professional", "--db", str(db)])
    assert r.exit_code == 3, r.output
    errors = [line for line in r.output.splitlines() if line.startswith("footprint:")]
    assert len(errors) == 1 and "Traceback" not in r.output
    assert bad.name in errors[0]
    assert dump(db) == before


def test_second_ingest_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "p.zip")
    assert runner.invoke(app, ["ingest", str(archive), "--db", str(db)]).exit_code == 0
    before = dump(db)
    r = runner.invoke(app, ["ingest", str(archive), "--db", str(db)])
    assert r.exit_code == 0 and "already ingested" in r.output
    assert dump(db) == before
    # The same archive unzipped is another source with the same content: nothing added.
    r = runner.invoke(app, ["ingest", str(DEMO / "dana-personal-x"), "--db", str(db)])
    assert "0 added, 0 updated, 0 marked deleted" in r.output


def test_database_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    archive = zip_folder(DEMO / "dana-personal-x", tmp_path / "p.zip")
    old = os.umask(0o022)
    try:
        assert runner.invoke(app, ["ingest", str(archive), "--db", str(db)]).exit_code == 0
    finally:
        os.umask(old)
    for f in tmp_path.glob("w.db*"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
