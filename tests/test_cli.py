"""CLI wiring: help on every command, exit codes, --db precedence, error lines."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api
from auditor.cli import app

runner = CliRunner()


def commands() -> list[list[str]]:
    out: list[list[str]] = []
    for info in app.registered_commands:
        out.append([info.name or info.callback.__name__])  # type: ignore[union-attr]
    for group in app.registered_groups:
        for info in group.typer_instance.registered_commands:
            out.append([group.name, info.name])  # type: ignore[list-item]
    return out


@pytest.mark.parametrize("cmd", commands(), ids=lambda c: " ".join(c))
def test_every_command_has_help_with_an_example(cmd: list[str]) -> None:
    result = runner.invoke(app, [*cmd, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: footprint" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for cmd in commands():
        assert f"footprint {' '.join(cmd)}" in readme, cmd


def test_subject_add_set_list(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    r = runner.invoke(app, ["subject", "add", "Dana Whitfield", "--profession", "mft", "--state", "or", "--db", db])
    assert r.exit_code == 0, r.output
    assert "profession mft, state OR" in r.output
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    r = runner.invoke(app, ["subject", "set", "Dana Whitfield", "--no-covered-entity", "--db", db])
    assert "HIPAA covered entity no" in r.output
    r = runner.invoke(app, ["subject", "add", "Dana Whitfield", "--db", db])
    assert r.exit_code == 2 and "exists already" in r.output
    r = runner.invoke(app, ["subject", "add", "X", "--profession", "astrologer", "--db", db])
    assert r.exit_code == 2 and "unknown profession" in r.output


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    for cmd in (["audit"], ["report"], ["subject", "list"], ["subject", "set", "X"]):
        r = runner.invoke(app, [*cmd, "--db", str(db)])
        assert r.exit_code == 3, (cmd, r.output)
        assert "no footprint database" in r.output
        assert not db.exists()


def test_db_precedence_env_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOOTPRINT_DB", str(tmp_path / "env.db"))
    runner.invoke(app, ["subject", "add", "A"])
    assert (tmp_path / "env.db").exists() and not (tmp_path / "footprint.db").exists()
    monkeypatch.delenv("FOOTPRINT_DB")
    runner.invoke(app, ["subject", "add", "B"])
    assert (tmp_path / "footprint.db").exists()
    r = runner.invoke(app, ["subject", "add", "C", "--db", str(tmp_path / "flag.db")])
    assert r.exit_code == 0 and (tmp_path / "flag.db").exists()


def test_ingest_of_a_missing_file_is_one_line_exit_3(tmp_path: Path) -> None:
    r = runner.invoke(app, ["ingest", str(tmp_path / "nope.zip"), "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 3
    assert r.output.strip().count("\n") == 0 and "nope.zip" in r.output


def test_unrecognised_archive_names_the_candidates(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    r = runner.invoke(app, ["ingest", str(f), "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 3
    assert "no connector recognises" in r.output and "twitter" in r.output


def test_unexpected_error_is_exit_5_without_traceback_or_locals(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "client-name-Zebulon"

    def boom(*a: object, **k: object) -> None:
        client = secret  # noqa: F841 - a local that must never be printed
        raise RuntimeError("kaboom")

    monkeypatch.setattr(api, "subjects", boom)
    r = runner.invoke(app, ["subject", "list", "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 5
    assert "internal error" in r.output and "Traceback" not in r.output and secret not in r.output
    r = runner.invoke(app, ["--debug", "subject", "list", "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 5 and "Traceback" in r.output and secret not in r.output


def test_unknown_role_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "x.js"
    f.write_text("x")
    r = runner.invoke(app, ["ingest", str(f), "--role", "boss", "--db", str(tmp_path / "w.db")])
    assert r.exit_code == 2 and "unknown role" in r.output
