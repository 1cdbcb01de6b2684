"""Corrections: fixing an inferred role, and the allowlist that suppresses reviewed findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import api
from tests.helpers import FIXTURES

PERSONAL = FIXTURES / "demo" / "dana-personal-x"


@pytest.fixture
def db(tmp_path: Path) -> str:
    db = str(tmp_path / "w.db")
    api.ingest(db, [PERSONAL])
    return db


def test_set_role_is_kept_by_later_ingests(db: str) -> None:
    (acc,) = api.accounts(db)
    line = api.set_role(db, acc.handle or "", "personal")
    assert line.role == "personal" and "set-role" in line.role_reason
    api.ingest(db, [PERSONAL])  # the same archive: skipped
    api.ingest(db, [Path(str(PERSONAL))], role=None)
    assert api.accounts(db)[0].role == "personal"
    with pytest.raises(api.UsageError, match="no account"):
        api.set_role(db, "nobody", "personal")
    with pytest.raises(api.UsageError, match="unknown role"):
        api.set_role(db, acc.handle or "", "boss")


def test_allowlisted_phrase_and_account_suppress_findings(db: str) -> None:
    api.audit(db)
    before = api.findings(db)
    post = next(f for f in before if f.item_type == "post")
    excerpt_word = post.message.split()[0]
    assert excerpt_word
    # Allow the whole account: every finding on it is suppressed in the next run.
    (acc,) = api.accounts(db)
    entry = api.allow_add(db, f"@{acc.handle}", note="reviewed with the clinician", who="consultant")
    assert entry.kind == "account"
    api.audit(db)
    assert [f for f in api.findings(db) if f.change != "resolved"] == []
    api.allow_remove(db, entry.id)
    api.audit(db)
    assert {f.fingerprint for f in api.findings(db)} >= {f.fingerprint for f in before}


def test_allowlist_needs_a_note(db: str) -> None:
    with pytest.raises(api.UsageError, match="note"):
        api.allow_add(db, "client portal", note="", who="x")
    assert api.allow_list(db) == []
    api.allow_add(db, "client portal", note="scheduling software", who="x")
    assert [(e.kind, e.value) for e in api.allow_list(db)] == [("phrase", "client portal")]


def test_allowlisted_phrase_suppresses_only_matching_findings(db: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from auditor.db import open_engine
    from auditor.models import Content

    api.audit(db)
    before = [f for f in api.findings(db) if f.item_type == "post"]
    target = before[0]
    with Session(open_engine(db, create=False)) as s:
        text = s.scalars(select(Content.text).where(Content.native_id == target.native_id)).one()
    phrase = " ".join(text.split()[:4])
    api.allow_add(db, phrase, note="reviewed: fictional composite", who="x")
    api.audit(db)
    after = {f.native_id: f.change for f in api.findings(db)}
    assert after[target.native_id] == "resolved"
    assert all(after[f.native_id] != "resolved" for f in before if f.native_id != target.native_id)
