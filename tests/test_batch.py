"""The consultant's batch: three practices, one with a broken archive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from auditor.batch import load_manifest, slugify
from auditor.cli import app
from auditor.db import open_engine
from auditor.errors import InputError
from auditor.models import Connection, Content, Subject
from tests.helpers import FIXTURES, zip_folder

DEMO = FIXTURES / "demo"


def manifest(tmp_path: Path) -> Path:
    arch = tmp_path / "archives"
    arch.mkdir()
    zip_folder(DEMO / "dana-personal-x", arch / "dana-x.zip")
    shutil.copytree(DEMO / "dana-professional-x", arch / "practice-x")
    broken = arch / "broken.zip"
    broken.write_bytes((arch / "dana-x.zip").read_bytes()[:500])
    text = """
[[practice]]
name = "Whitfield Counseling"
  [[practice.clinician]]
  name = "Dana Whitfield"
  profession = "mft"
  sources = [ { path = "archives/dana-x.zip", role = "personal" },
              { path = "archives/practice-x", role = "professional" } ]

[[practice]]
name = "Harbor Psychology"
  [[practice.clinician]]
  name = "Lee Okafor"
  profession = "psychologist"
  sources = [ { path = "archives/broken.zip", role = "personal" } ]

[[practice]]
name = "Cedar Social Work"
  [[practice.clinician]]
  name = "Ana Ruiz"
  profession = "social-worker"
  sources = [ { path = "archives/practice-x", role = "professional" } ]
"""
    path = tmp_path / "practices.toml"
    path.write_text(text)
    return path


def test_batch_goes_on_past_a_failing_practice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["batch", str(manifest(tmp_path)), "--out", str(out)])
    assert r.exit_code == 3, r.output
    assert "Harbor Psychology: FAILED" in r.output and "broken.zip" in r.output
    for slug in ("whitfield-counseling", "cedar-social-work"):
        assert (out / slug / "report.html").exists() and (out / slug / "report.json").exists()
    assert not (out / "harbor-psychology" / "report.html").exists()
    data = json.loads((out / "portfolio.json").read_text())
    status = {p["folder"]: p["status"] for p in data["practices"]}
    assert status == {"whitfield-counseling": "ok", "harbor-psychology": "failed", "cedar-social-work": "ok"}
    ok = next(p for p in data["practices"] if p["folder"] == "whitfield-counseling")
    assert ok["clinicians"] == 1 and ok["accounts"] == 2 and 0 <= ok["risk_score"] <= 100

    # The portfolio holds counts, scores and dates: no post text, no person's name or handle.
    db = out / "whitfield-counseling" / "footprint.db"
    with Session(open_engine(str(db), create=False)) as s:
        texts = [t for t in s.scalars(select(Content.text)) if len(t) > 12]
        people = [n for row in s.execute(select(Connection.handle, Connection.name)) for n in row if n]
        names = list(s.scalars(select(Subject.name)))
    for f in ("portfolio.json", "portfolio.html"):
        blob = (out / f).read_text()
        for t in texts:
            assert t[:12] not in blob
        for n in [*people, *names, "Lee Okafor", "Ana Ruiz", "dana_w_pdx"]:
            assert n not in blob, (f, n)


def test_manifest_errors_name_the_file_and_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text("[[practice]]\nname = 'A'\n")
    with pytest.raises(InputError, match="m.toml: practice 1 .A. lists no"):
        load_manifest(bad)
    bad.write_text("not toml [")
    with pytest.raises(InputError, match="not a valid TOML manifest"):
        load_manifest(bad)
    bad.write_text("[[practice]]\nname='A'\n[[practice.clinician]]\nname='B'\n"
                   "sources=[{path='x.zip', role='boss'}]\n")
    with pytest.raises(InputError, match="role must be personal or professional"):
        load_manifest(bad)


def test_slugs_are_ascii_folder_names() -> None:
    assert slugify("Whitfield Counseling, LLC") == "whitfield-counseling-llc"
    assert slugify("Psicología Añil") == "psicologia-anil"
