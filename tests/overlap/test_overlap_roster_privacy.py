"""The roster never reaches the database: audit real-format archives with a roster whose names,
e-mails, phones and handles appear nowhere in them, then search every byte of the database
files (and the -journal, -wal and -shm files) for each of them."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import api, overlap, roster
from auditor.db import open_engine
from auditor.models import Connection, FindingRow, OverlapRow
from auditor.runs import run_audit
from tests.helpers import FIXTURES

SECRETS = [
    "Philippa Quennell-Ashdown", "quennell.ashdown@clientmail.example", "+1 (541) 555-0199",
    "pquennell_ash", "Bartholomew Zwiebelkraut", "bzwiebel@clientmail.example", "541-555-0177",
    "zwiebel.kraut", "Intake notes: panic disorder",
]


def _roster_text(matching_handle: str) -> str:
    return (
        "name,email,phone,handles,notes\n"
        f"{SECRETS[0]},{SECRETS[1]},{SECRETS[2]},instagram:@{SECRETS[3]},{SECRETS[8]}\n"
        f"{SECRETS[4]},{SECRETS[5]},{SECRETS[6]},x:@{SECRETS[7]} twitter:@{matching_handle},\n"
    )


def _all_bytes(folder: Path) -> bytes:
    """footprint.db and its -wal, -shm and -journal files, whichever exist."""
    files = [p for p in folder.iterdir() if p.name.startswith("footprint.db")]
    assert any(p.name == "footprint.db" for p in files)
    return b"".join(p.read_bytes() for p in sorted(files))


def _variants(secret: str) -> list[bytes]:
    forms = {secret, secret.lower(), secret.casefold(), secret.upper()}
    out = []
    for f in forms:
        out += [f.encode("utf-8"), f.encode("utf-16-le")]
    return out


def test_roster_text_is_in_no_database_byte(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    db = str(tmp_path / "footprint.db")
    demo = FIXTURES / "demo"
    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [demo / "dana-personal-x"], role="personal", subject="Dana Whitfield")
    api.ingest(db, [demo / "dana-professional-x"], role="professional", subject="Dana Whitfield")
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        # A personal follower the roster names by handle, so the roster really matches something.
        handle = s.scalars(select(Connection.handle).where(Connection.handle.is_not(None))
                           .order_by(Connection.id)).first()
    assert handle, "the demo archives name no follower by handle"
    roster_file = tmp_path / "clients.csv"
    roster_file.write_text(_roster_text(handle), encoding="utf-8")
    ros = roster.load(roster_file)
    roster_file.unlink()  # only the in-memory roster is left

    with Session(engine) as s, s.begin():
        sid = api._subject_named(s, "Dana Whitfield").id
        entries, findings = overlap.compute(s, sid, ros)
        run = run_audit(s, [sid], extra_findings={sid: findings})
        overlap.persist(s, run.id, sid, entries)
        assert s.scalar(select(func.count()).select_from(OverlapRow).where(OverlapRow.roster_match)) >= 1
        assert s.scalar(select(func.count()).select_from(FindingRow)
                        .where(FindingRow.rule_id == "roster-client-connected")) >= 1
    # Read the files twice: with the write-ahead log still open (the newest pages live in
    # footprint.db-wal), and after the engine is closed and the log checkpointed.
    before = _all_bytes(tmp_path)
    assert b"roster-client-connected" in before
    del ros
    gc.collect()
    engine.dispose()
    blob = before + _all_bytes(tmp_path)
    logged = caplog.text.encode()
    for secret in SECRETS:
        for form in _variants(secret):
            assert form not in blob, f"roster text found in the database: {secret!r}"
            assert form not in logged
    # The digits of the phones, however written, are nowhere either.
    for digits in (b"5415550199", b"5415550177"):
        assert digits not in blob
