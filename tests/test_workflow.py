"""A year of compliance review on one database, on SQLite and on PostgreSQL.

Archive A is ingested and audited; some findings are decided; a newer archive B of the same
account deletes some posts (one of them decided remediated), keeps a remediated one, and adds a
new risky post. The second audit must give every finding the right status and change.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import api
from tests.backends import BACKENDS, database_url
from tests.helpers import FIXTURES

DEMO = FIXTURES / "demo" / "dana-personal-x"
NEW_RISKY = "My 3pm client cried about her divorce again today. Some people never learn."


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


def _tweets(folder: Path) -> tuple[str, list[dict]]:
    raw = (folder / "data" / "tweets.js").read_text()
    prefix = raw[: raw.index("[")]
    return prefix, json.loads(raw[len(prefix):])


def newer_archive(tmp_path: Path, drop: set[str], add_text: str) -> Path:
    """A copy of the demo archive with some tweets deleted and one risky tweet added."""
    folder = tmp_path / "archive-b"
    shutil.copytree(DEMO, folder)
    prefix, items = _tweets(folder)
    kept = [t for t in items if t["tweet"]["id_str"] not in drop]
    template = json.loads(json.dumps(kept[0]))
    tw = template["tweet"]
    tw.pop("edit_info", None)
    for key in [k for k in tw if k.startswith("in_reply_to")]:
        tw.pop(key)
    tw.update(id_str="1999999999999999999", id="1999999999999999999", full_text=add_text,
              created_at="Mon Nov 02 09:00:00 +0000 2026",
              entities={"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
              display_text_range=["0", str(len(add_text))])
    (folder / "data" / "tweets.js").write_text(prefix + json.dumps([template, *kept], indent=2))
    return folder


def by_native(db: str) -> dict[str, list[api.FindingLine]]:
    out: dict[str, list[api.FindingLine]] = {}
    for f in api.findings(db):
        out.setdefault(f.native_id or "", []).append(f)
    return out


def test_a_year_of_review(db: str, tmp_path: Path) -> None:
    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    api.audit(db)
    first = [f for f in api.findings(db) if f.item_type in ("post", "reply")]
    assert len(first) >= 4, "the demo archive must have several post findings"
    assert {f.change for f in first} == {"new"} and {f.status for f in first} == {"open"}
    ids = sorted({f.native_id for f in first if f.native_id})
    fp_native = {f.fingerprint: f.native_id for f in first}
    by_id = {nid: [f for f in first if f.native_id == nid] for nid in ids}
    false_pos, remediated_kept, remediated_gone, acknowledged, undecided_gone = ids[:5]
    decide = {false_pos: "false_positive", remediated_kept: "remediated",
              remediated_gone: "remediated", acknowledged: "acknowledged"}
    for nid, status in decide.items():
        api.decide(db, [f.fingerprint for f in by_id[nid]], status=status, note="reviewed", who="tester")

    api.ingest(db, [newer_archive(tmp_path, {remediated_gone, undecided_gone}, NEW_RISKY)],
               subject="Dana Whitfield")
    api.audit(db)
    second = by_native(db)
    expect = {false_pos: ("unchanged", "false_positive"), remediated_kept: ("reappeared", "open"),
              remediated_gone: ("resolved", "remediated"), acknowledged: ("unchanged", "acknowledged"),
              undecided_gone: ("resolved", "open")}
    for nid, (change, status) in expect.items():
        assert {(f.change, f.status) for f in second[nid]} == {(change, status)}, nid
    for nid in ids[5:]:
        assert {(f.change, f.status) for f in second[nid]} == {("unchanged", "open")}, nid
    new = second["1999999999999999999"]
    assert {f.category for f in new} >= {"confidentiality"} and {f.change for f in new} == {"new"}
    assert set(fp_native) - {f.fingerprint for fs in second.values() for f in fs} == set()

    # A resolved finding is listed once, in the first run after: the third run no longer has it.
    api.audit(db)
    third = by_native(db)
    assert remediated_gone not in third and undecided_gone not in third
    assert {f.change for f in third[remediated_kept]} == {"reappeared"}
    summary = api.diff(db)
    assert summary.by_change["resolved"] == 0 and summary.by_change["new"] == 0


def test_decisions_need_a_note_and_a_known_status(db: str) -> None:
    api.subject_add(db, "Dana Whitfield")
    api.ingest(db, [DEMO], role="personal")
    api.audit(db)
    fp = api.findings(db)[0].fingerprint
    with pytest.raises(api.UsageError, match="note"):
        api.decide(db, [fp], status="acknowledged", note=" ", who="t")
    with pytest.raises(api.UsageError, match="unknown status"):
        api.decide(db, [fp], status="ignored", note="x", who="t")
    with pytest.raises(api.UsageError, match="no finding"):
        api.decide(db, ["ffffffffffff"], status="acknowledged", note="x", who="t")
    assert re.fullmatch(r"[0-9a-f]{32}", fp)
