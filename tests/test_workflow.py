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


# -- bulk decisions, "not the same person", the allowlist in the report (issue 8) ----------------

PROFESSIONAL = FIXTURES / "demo" / "dana-professional-x"
SCHEMA = json.loads((Path(__file__).parent / "report_schema.json").read_text("utf-8"))


def _cli(db: str, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from auditor.cli import app

    return CliRunner().invoke(app, [*args, "--db", db], input=input)


def _statuses(db: str) -> dict[str, str]:
    return {f.fingerprint: f.status for f in api.findings(db)}


def _decisions(db: str) -> list[tuple[str, str, str, object]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from auditor.db import open_engine
    from auditor.models import Decision

    engine = open_engine(db, create=False)
    with Session(engine) as s:
        rows = [(d.fingerprint, d.status, d.decided_by, d.decided_at) for d in s.scalars(select(Decision))]
    engine.dispose()
    return rows


def _json_report(db: str) -> dict:
    from jsonschema import Draft202012Validator

    _, text = api.report(db, fmt="json")
    doc = json.loads(text)
    Draft202012Validator(SCHEMA).validate(doc)
    return doc


def test_bulk_decide_previews_asks_and_applies(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor import cli

    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    api.audit(db)
    lines = api.findings(db)
    by_rule: dict[str, list[api.FindingLine]] = {}
    for f in lines:
        by_rule.setdefault(f.rule, []).append(f)
    rule, chosen = max(by_rule.items(), key=lambda kv: (len(kv[1]), kv[0]))
    assert len(chosen) >= 2 and len(chosen) < len(lines), "the demo needs a rule with several findings"
    before = _statuses(db)
    assert set(before.values()) == {"open"}

    # Fingerprints and filters together, or neither: usage errors, nothing written.
    r = _cli(db, "decide", chosen[0].fingerprint, "--rule", rule, "--status", "acknowledged", "--note", "n")
    assert r.exit_code == 2 and "not both" in r.output
    r = _cli(db, "decide", "--status", "acknowledged", "--note", "n")
    assert r.exit_code == 2 and "--rule" in r.output
    r = _cli(db, "decide", "--category", "gossip", "--status", "acknowledged", "--note", "n")
    assert r.exit_code == 2 and "unknown category" in r.output

    # Not at a terminal and no --yes: the preview is shown, then a usage error, nothing recorded.
    r = _cli(db, "decide", "--rule", rule, "--status", "acknowledged", "--note", "reviewed")
    assert r.exit_code == 2, r.output
    assert f"{len(chosen)} finding(s) match" in r.output and "--yes" in r.output
    assert all(f.fingerprint[:12] in r.output for f in chosen)
    assert not any(f.fingerprint[:12] in r.output for f in lines if f.rule != rule)
    assert _statuses(db) == before and _decisions(db) == []

    # At a terminal: declining changes nothing.
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    r = _cli(db, "decide", "--rule", rule, "--status", "acknowledged", "--note", "reviewed", input="n\n")
    assert r.exit_code == 0, r.output
    assert "Record acknowledged on these" in r.output and "nothing recorded" in r.output
    assert _statuses(db) == before and _decisions(db) == []

    # Filters combine (AND), as in `footprint findings`; confirming decides exactly those.
    target = chosen[0]
    both = [f for f in lines if f.category == target.category and f.severity == target.severity]
    r = _cli(db, "decide", "--category", target.category, "--severity", target.severity,
             "--status", "accepted_risk", "--note", "reviewed with the board", "--who", "consultant", input="y\n")
    assert r.exit_code == 0, r.output
    assert f"recorded accepted_risk on {len(both)} finding(s)" in r.output
    after = _statuses(db)
    assert {fp for fp, st in after.items() if st == "accepted_risk"} == {f.fingerprint for f in both}
    decided = _decisions(db)
    assert {d[0] for d in decided} == {f.fingerprint for f in both}
    assert all(d[1] == "accepted_risk" and d[2] == "consultant" and d[3] is not None for d in decided)

    # --yes skips the question; --current-status selects on the status in force (the decisions above).
    r = _cli(db, "decide", "--current-status", "accepted_risk", "--account", "dana_w_pdx", "--status", "open",
             "--note", "undo", "--yes")
    assert r.exit_code == 0, r.output
    assert _statuses(db) == before
    r = _cli(db, "decide", "--rule", rule, "--account", "@dana_w_pdx", "--status", "false_positive",
             "--note", "composite cases", "--yes")
    assert r.exit_code == 0 and f"recorded false_positive on {len(chosen)} finding(s)" in r.output
    assert {fp for fp, st in _statuses(db).items() if st == "false_positive"} == {f.fingerprint for f in chosen}
    r = _cli(db, "decide", "--rule", rule, "--account", "someone_else", "--status", "open", "--note", "x", "--yes")
    assert r.exit_code == 0 and "0 finding(s) match" in r.output and "nothing to decide" in r.output

    # The facade: a dry run writes nothing; the decisions hold in the next run.
    n = len(_decisions(db))
    preview = api.decide_matching(db, api.FindingFilters(rule=rule), status="acknowledged", note="x", who="t",
                                  dry_run=True)
    assert [f.fingerprint for f in preview] == [f.fingerprint for f in chosen] and len(_decisions(db)) == n
    api.audit(db)
    assert {f.fingerprint for f in api.findings(db, status="false_positive")} == {f.fingerprint for f in chosen}


def _overlap_entry(doc: dict, native_id: str) -> dict:
    (entry,) = [o for o in doc["overlap"] if any(m["native_id"] == native_id for m in o["memberships"])]
    return entry


def test_not_same_person_holds_across_runs_and_archives(db: str, tmp_path: Path) -> None:
    from sqlalchemy import delete
    from sqlalchemy.orm import Session

    from auditor.db import open_engine
    from auditor.models import Decision

    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    api.ingest(db, [PROFESSIONAL], role="professional", subject="Dana Whitfield")
    api.audit(db)
    # A follower of both accounts, known by the same X id on both sides.
    person_id = "2841177305"
    overlap_fps = {f.fingerprint for f in api.findings(db, category="dual_relationship") if f.native_id == person_id}
    assert overlap_fps
    doc = _json_report(db)
    entry = _overlap_entry(doc, person_id)
    key = entry["key"]
    assert re.fullmatch(r"[0-9a-f]{32}", key) and entry["status"] == "open"
    assert {o["status"] for o in doc["overlap"]} == {"open"}
    with pytest.raises(api.UsageError, match="no overlap entry"):
        api.not_same_person(db, ["0123456789ab"], note="x", who="t")

    # Marked by the fingerprint of one of its findings (what `footprint findings` shows).
    r = _cli(db, "decide", "--not-same-person", min(overlap_fps)[:12], "--note", "a namesake, not a client",
             "--who", "consultant")
    assert r.exit_code == 0, r.output
    assert key[:12] in r.output and "marked not the same person" in r.output
    r = _cli(db, "decide", "--not-same-person", key[:12], "--rule", "overlap-certain", "--note", "x")
    assert r.exit_code == 2
    # Shown at once, before any new run: the entry and its findings are dismissed.
    doc = _json_report(db)
    assert _overlap_entry(doc, person_id)["status"] == "false_positive"
    assert {f["status"] for f in doc["findings"] if f["fingerprint"] in overlap_fps} == {"false_positive"}
    assert [o["status"] for o in doc["overlap"]].count("false_positive") == 1

    # A new run, then a newer archive of the personal account: the mark holds.
    api.audit(db)
    api.ingest(db, [newer_archive(tmp_path, set(), NEW_RISKY)], subject="Dana Whitfield")
    api.audit(db)
    # The mark is the decision on the key, not on a row id or on the findings' fingerprints: with
    # the findings' own decisions gone (as when a new tier or a roster match changes them), the
    # next run still dismisses the entry's findings.
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        s.execute(delete(Decision).where(Decision.fingerprint.in_(overlap_fps)))
    engine.dispose()
    api.audit(db)
    lines = [f for f in api.findings(db) if f.fingerprint in overlap_fps]
    assert {(f.status, f.change) for f in lines} == {("false_positive", "unchanged")}
    doc = _json_report(db)
    entry = _overlap_entry(doc, person_id)
    assert entry["key"] == key and entry["status"] == "false_positive"
    assert {o["status"] for o in doc["overlap"] if o["key"] != key} == {"open"}
    _, html = api.report(db, fmt="html")
    assert "Reviewed: not the same person" in html and "a namesake, not a client" in html
    assert "consultant" in html and f"key {key[:12]}" in html

    # `--status open` undoes it; the next run shows the entry and its findings open again.
    r = _cli(db, "decide", "--not-same-person", key, "--status", "open", "--note", "checked: it is the client")
    assert r.exit_code == 0 and "no longer marked" in r.output
    api.audit(db)
    assert {f.status for f in api.findings(db) if f.fingerprint in overlap_fps} == {"open"}
    assert _overlap_entry(_json_report(db), person_id)["status"] == "open"


def test_allowlist_is_listed_in_the_html_and_json_reports(db: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from auditor.db import open_engine
    from auditor.models import Content

    api.subject_add(db, "Dana Whitfield", profession="mft")
    api.ingest(db, [DEMO], role="personal", subject="Dana Whitfield")
    api.audit(db)
    assert _json_report(db)["allowlist"] == []
    target = next(f for f in api.findings(db) if f.item_type == "post")
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        text = s.scalars(select(Content.text).where(Content.native_id == target.native_id)).one()
    engine.dispose()
    phrase = " ".join(text.split()[:4])
    api.allow_add(db, phrase, note="reviewed: fictional composite", who="consultant")
    api.allow_add(db, "@nobody_matches_this", note="an old colleague", who="dana")
    api.audit(db)
    api.allow_add(db, "added later", note="applies from the next audit", who="dana")
    suppressed = [f for f in api.findings(db) if f.change == "resolved"]
    assert suppressed

    doc = _json_report(db)
    assert [(a["kind"], a["value"], a["note"], a["added_by"], a["suppressed"]) for a in doc["allowlist"]] == [
        ("phrase", phrase, "reviewed: fictional composite", "consultant", len(suppressed)),
        ("account", "@nobody_matches_this", "an old colleague", "dana", 0),
        ("phrase", "added later", "applies from the next audit", "dana", None),
    ]
    assert all(a["subject"] == "Dana Whitfield" and a["added_at"].endswith("Z") for a in doc["allowlist"])

    _, html = api.report(db, fmt="html")
    assert "Set aside after review" in html and 'href="#s1-allowlist"' in html
    for note in ("reviewed: fictional composite", "an old colleague", "applies from the next audit"):
        assert note in html
    section = html[html.index('id="s1-allowlist"'):html.index('id="s1-actions"')]
    assert f'<td class="num">{len(suppressed)}</td>' in section and "from the next audit" in section
