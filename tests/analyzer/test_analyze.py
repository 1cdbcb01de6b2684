"""analyze() over a database: what it reads, what it skips, and stable fingerprints."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from auditor.analyzer import AnalysisContext, analyze
from auditor.findings import Severity
from auditor.models import Connection, Interaction

OVERRIDE = Path(__file__).resolve().parents[2] / "fixtures" / "rules" / "valid" / "override.toml"
CLIENT_STORY = "The 15yo I saw this morning finally disclosed what happened at home."
GONE = datetime(2024, 6, 1, tzinfo=UTC)


def build(rows, *, filler: int = 0):
    """One professional and one anonymous personal account; `filler` rows shift every row id."""
    for i in range(filler):
        rows.subject(name=f"filler {i}")
    subject = rows.subject(profession="counselor", covered_entity=False)
    pro = rows.account(subject, native_id="100", handle="dana_counsels", role="professional",
                       bio="Licensed counselor (LPC) in Austin")
    personal = rows.account(subject, platform="instagram", native_id="200", handle="dana.hikes",
                            role="personal", bio="hikes and dogs", private=True)
    rows.content(pro, "t1", CLIENT_STORY)
    rows.content(personal, "i1", CLIENT_STORY, kind="caption")
    rows.content(pro, "t2", "My client cried today.", deleted_at=GONE)
    rows.content(pro, "m1", "My client cried today.", kind="message")
    rows.content(pro, "d1", "My client said thanks today.", kind="reply", visibility="direct")
    rows.content(pro, "t3", "Lovely walk by the lake.")
    return subject


def test_analyze_reads_live_public_content(session: Session, rows):
    subject = build(rows)
    result = analyze(session, subject.id)
    by_item = {(f.item.platform, f.item.native_id): f for f in result.findings if f.item.type != "account"}
    assert set(by_item) == {("twitter", "t1"), ("instagram", "i1")}
    pro, personal = by_item[("twitter", "t1")], by_item[("instagram", "i1")]
    assert pro.rule_id == personal.rule_id == "person-seen-in-practice"
    assert pro.item.type == "post" and personal.item.type == "caption"
    assert pro.item.created_at == datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert personal.severity == pro.severity.shifted(-1)  # anonymous personal account
    assert {c.code for c in pro.citations} == {"ACA 2014"}
    assert result.rules_version and "person-seen-in-practice" in result.rule_ids
    assert "account-boundary" in result.detector_ids


def test_messages_only_when_asked(session: Session, rows):
    subject = build(rows)
    ids = {f.item.native_id for f in analyze(session, subject.id, include_messages=True).findings}
    assert {"m1", "d1"} <= ids
    assert "t2" not in ids  # deleted rows stay invisible


def test_fingerprints_are_stable_and_independent_of_row_ids(session: Session, rows):
    subject = build(rows)
    first = analyze(session, subject.id)
    second = analyze(session, subject.id)
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]

    from sqlalchemy import create_engine

    from auditor.models import Base

    other_engine = create_engine("sqlite://")
    Base.metadata.create_all(other_engine)
    with Session(other_engine) as other:
        other_subject = build(type(rows)(other), filler=3)
        assert other_subject.id != subject.id
        moved = analyze(other, other_subject.id)
    assert {f.fingerprint for f in moved.findings} == {f.fingerprint for f in first.findings}


def test_findings_are_deduplicated_and_sorted(session: Session, rows):
    subject = build(rows)
    findings = analyze(session, subject.id).findings
    assert len({f.fingerprint for f in findings}) == len(findings)
    keys = [(-f.severity.rank, -f.score, f.fingerprint) for f in findings]
    assert keys == sorted(keys)


def test_user_rule_files(session: Session, rows):
    subject = rows.subject()
    account = rows.account(subject)
    rows.content(account, "1", "Damn, what a game. Long day at Whitfield Counseling.")
    plain = analyze(session, subject.id)
    custom = analyze(session, subject.id, rule_files=[OVERRIDE])
    assert not [f for f in plain.findings if f.item.native_id == "1"]
    found = {f.rule_id: f for f in custom.findings if f.item.native_id == "1"}
    assert set(found) == {"profanity", "practice-name-in-personal-post"}
    assert found["profanity"].severity is Severity.MEDIUM
    assert plain.rules_version != custom.rules_version


def test_context_views(session: Session, rows):
    subject = build(rows)
    ctx = AnalysisContext(session, subject.id)
    assert ctx.subject.profession == "counselor" and ctx.codes == ["ACA 2014"]
    assert [a.handle for a in ctx.accounts] == ["dana_counsels", "dana.hikes"]
    assert ctx.accounts[0].identified and not ctx.accounts[1].identified
    assert [t.native_id for t in ctx.texts()] == ["t1", "t3", "i1"]
    account = ctx.accounts[0]
    session.add_all([
        Connection(account_id=account.id, platform="twitter", relation="follower", person_key="id:1", native_id="1"),
        Connection(account_id=account.id, platform="twitter", relation="follower", person_key="id:2",
                   native_id="2", deleted_at=GONE),
        Interaction(account_id=account.id, platform="twitter", kind="like", direction="out", person_key="id:3"),
    ])
    session.flush()
    assert [c.native_id for c in ctx.connections()] == ["1"]
    assert [c.native_id for c in ctx.connections(account.id)] == ["1"]
    assert list(ctx.connections(ctx.accounts[1].id)) == []
    assert [i.kind for i in ctx.interactions()] == ["like"]


def test_interaction_people_fold_repeats_keeping_the_earliest_date(session: Session, rows):
    subject = build(rows)
    ctx = AnalysisContext(session, subject.id)
    pro, personal = ctx.accounts[0].id, ctx.accounts[1].id
    day = [datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3)]

    posts = iter(range(100))

    def mention(account: int, key: str, when: datetime, handle: str = "ana", kind: str = "mention",
                gone: datetime | None = None) -> Interaction:
        return Interaction(account_id=account, platform="twitter", kind=kind, direction="out", person_key=key,
                           native_id=key[3:], handle=handle, created_at=when, deleted_at=gone,
                           item_key=f"post-{next(posts)}")  # one row per post that mentions them

    session.add_all([
        mention(pro, "id:7", day[1]), mention(pro, "id:7", day[0]), mention(pro, "id:7", day[2]),
        mention(pro, "id:7", day[2], handle="ana_new"),     # renamed: another way the rows name them
        mention(pro, "id:7", day[2], kind="reply"),         # another kind
        mention(personal, "id:7", day[2]),                  # another account
        mention(pro, "id:8", day[0], gone=GONE),            # deleted: not read
    ])
    session.flush()
    folded = list(ctx.interaction_people())
    assert [(i.account_id, i.kind, i.handle, i.created_at) for i in folded] == [
        (pro, "mention", "ana", day[0]), (pro, "mention", "ana_new", day[2]), (pro, "reply", "ana", day[2]),
        (personal, "mention", "ana", day[2])]
    assert len(list(ctx.interactions())) == 6


def test_personal_account_linking_to_the_professional_one_is_not_anonymous(session: Session, rows):
    subject = rows.subject()
    pro = rows.account(subject, native_id="100", handle="dana_counsels", role="professional")
    linked = rows.account(subject, platform="instagram", native_id="200", handle="dana.hikes", role="personal",
                          bio="work: @dana_counsels", private=True)
    anonymous = rows.account(subject, platform="facebook", native_id="300", role="personal", private=True)
    for account in (pro, linked, anonymous):
        rows.content(account, f"p{account.id}", CLIENT_STORY)
    severity = {f.account_id: f.severity for f in analyze(session, subject.id).findings
                if f.rule_id == "person-seen-in-practice"}
    assert severity[pro.id] == severity[linked.id] == Severity.HIGH
    assert severity[anonymous.id] == Severity.MEDIUM


def test_spans_cover_every_text_once_in_scan_order(session: Session, rows):
    """Workers read spans of row ids (one account each); together, in order, they are the
    sequential scan, however the accounts' rows interleave and whatever is left out."""
    subject = build(rows)
    ctx = AnalysisContext(session, subject.id)
    pro, personal = ctx.accounts[0], ctx.accounts[1]
    by_id = {pro.id: pro, personal.id: personal}
    for i in range(23):  # a later ingest: both accounts' rows interleave, some deleted
        account = pro if i % 3 else personal
        rows.content(by_id[account.id], f"x{i}", f"text {i}", deleted_at=GONE if i % 7 == 0 else None)
    session.flush()
    for size in (1, 2, 5, 1000):
        spans = list(ctx.spans(size))
        assert all(s.last_id - s.first_id < size for s in spans)
        assert [s.account_id for s in spans] == sorted(s.account_id for s in spans)
        assert [r for s in spans for r in ctx.scan_rows(s)] == list(ctx.scan_rows()), size
