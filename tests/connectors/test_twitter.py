"""The X / Twitter archive connector, on the fixtures of every layout and on the real samples."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import MalformedArchive
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    MediaRecord,
    Person,
    Record,
)
from auditor.sources import Source
from connectors.twitter import TwitterArchive
from connectors.twitter.parse import Handles, Owner, protected_now
from connectors.twitter.tweets import NoteIndex, TweetReader, edit_chain

ROOT = Path(__file__).resolve().parents[2]
X = ROOT / "fixtures" / "archives" / "twitter"
DEMO = ROOT / "fixtures" / "demo"
OWNER_ID = "1497325066125828097"  # fixtures/archives/twitter/current: @MorganElleryLPC
CASEY = Person(native_id="1183712490120765440", handle="casey_reads", name="Casey Park")
LEE = Person(native_id="2804419913", handle="dr_lee_sleep", name="Dr. Lee Sato")


def read(path: Path, **kw: Any) -> list[Record]:
    with Source.open(path) as src:
        return list(TwitterArchive().read(src, **kw))


def detect(path: Path) -> bool:
    with Source.open(path) as src:
        return TwitterArchive().detect(src)


def of(records: Iterable[Record], cls: type) -> list[Any]:
    return [r for r in records if isinstance(r, cls)]


def content(records: Iterable[Record]) -> dict[str, ContentRecord]:
    return {r.native_id: r for r in of(records, ContentRecord)}


def coverage(records: Iterable[Record], status: str | None = None) -> dict[str, CoverageRecord]:
    return {r.file: r for r in of(records, CoverageRecord) if status is None or r.status == status}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def copy_archive(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def ytd(name: str, items: list[Any]) -> str:
    return f"window.YTD.{name}.part0 = " + json.dumps(items, indent=2)


# -- detection ---------------------------------------------------------------------------------

def test_detects_a_folder_a_zip_and_a_zip_with_a_top_folder(make_archive) -> None:
    assert detect(X / "current")
    assert detect(make_archive("archives/twitter/current"))
    assert detect(make_archive("archives/twitter/current", top="twitter-2026-03-02-9f0c1d2e", name="top.zip"))
    for variant in ("legacy-2019", "legacy-2020", "multipart", "no-manifest"):
        assert detect(X / variant), variant


def test_detects_one_ytd_file_passed_alone_whatever_its_name(tmp_path: Path) -> None:
    assert detect(X / "current" / "data" / "tweets.js")
    renamed = tmp_path / "my-old-tweets.js"
    shutil.copy(X / "legacy-2019" / "data" / "tweet.js", renamed)
    assert detect(renamed)
    recs = read(renamed)
    assert recs[0] == AccountRecord(platform="twitter", native_id=None)
    assert [c.kind for c in of(recs, ContentRecord)] == ["post", "reply", "share"]
    # Without the owner's handle the url still resolves on x.com.
    assert all(c.url.startswith("https://x.com/i/status/") for c in of(recs, ContentRecord))


def test_detects_a_manifest_alone(tmp_path: Path) -> None:
    (tmp_path / "x" / "data").mkdir(parents=True)
    shutil.copy(X / "current" / "data" / "manifest.js", tmp_path / "x" / "data" / "manifest.js")
    assert detect(tmp_path / "x")


def test_does_not_detect_other_exports(tmp_path: Path) -> None:
    plain = tmp_path / "plain" / "data"
    plain.mkdir(parents=True)
    (plain / "tweets.js").write_text('[{"id": "1", "text": "not an X archive"}]')
    (plain / "account.js").write_text("console.log('hello');\n")
    assert not detect(tmp_path / "plain")
    script = tmp_path / "app.js"
    script.write_text("window.APP = {};\n")
    assert not detect(script)
    others = [v for p in (ROOT / "fixtures" / "archives").iterdir()
              if p.is_dir() and p.name != "twitter" for v in p.iterdir() if v.suffix not in (".py", ".md")]
    for other in others:
        assert not detect(other), other


def test_a_zip_with_a_top_folder_reads_the_same_records_as_the_folder(make_archive) -> None:
    zipped = read(make_archive("archives/twitter/current", top="twitter-2026-03-02-9f0c1d2e"),
                  include_messages=True)
    assert zipped == read(X / "current", include_messages=True)


# -- the current layout, whole records -----------------------------------------------------------

@pytest.fixture(scope="module")
def current() -> list[Record]:
    return read(X / "current")


def test_account_comes_first_from_manifest_account_profile_and_professional_data(current) -> None:
    assert current[0] == AccountRecord(
        platform="twitter", native_id=OWNER_ID, handle="MorganElleryLPC",
        display_name="Morgan Ellery, LPC",
        bio="Licensed Professional Counselor (LPC). Anxiety, sleep and life transitions. Not for emergencies.",
        website="https://t.co/Qe3LmV9sKd", location="Portland, OR", links=("https://t.co/Qe3LmV9sKd",),
        # protected-history.js: "Unprotect" in October, then "Protect" in January.
        private=True, account_type="creator", categories=("Counselor",),
        created_at=utc(2022, 2, 25, 18, 30, 7, 114000), url="https://x.com/MorganElleryLPC")
    assert current[1] == ExportRecord(
        partial=False, generated_at=utc(2026, 3, 2, 14, 20, 33, 512000),
        datasets=frozenset({"post", "reply", "share", "mention", "follower", "following", "blocked", "like"}))


def test_record_order_is_account_then_content_then_connections(current) -> None:
    kinds = [type(r) for r in current if not isinstance(r, CoverageRecord)]
    first_connection = kinds.index(ConnectionRecord)
    assert kinds[0] is AccountRecord
    assert ContentRecord not in kinds[first_connection:]
    assert kinds.index(ContentRecord) < first_connection


def test_tweets_become_whole_content_records(current) -> None:
    items = content(current)
    assert items["1995980079888649384"] == ContentRecord(
        platform="twitter", kind="reply", native_id="1995980079888649384",
        text="@casey_reads Thank you for sharing this, Casey & welcome!",
        created_at=utc(2025, 12, 2, 22, 15, 9),
        url="https://x.com/MorganElleryLPC/status/1995980079888649384",
        in_reply_to_id="1995870981256224961",
        in_reply_to=Person(native_id=CASEY.native_id, handle="casey_reads"),
        visibility="followers",  # the account is protected
        mentions=(CASEY,), source_file="data/tweets.js")
    # HTML entities are unescaped.
    assert items["1985377727096770310"].text.startswith("Counseling tip: anxiety > avoidance > more anxiety.")
    assert not any("&amp;" in c.text or "&gt;" in c.text for c in items.values())
    # A reply whose in_reply_to_screen_name is missing keeps the id only: the id is not guessed.
    assert items["1996844487648182707"].in_reply_to == Person(native_id=LEE.native_id, handle=None)
    assert {c.kind for c in items.values()} == {"post", "reply", "share"}
    assert len(items) == 9  # 10 tweets, one of them the earlier version of an edited post


def test_retweet_is_a_share_without_mention_interactions(current) -> None:
    rt = content(current)["2013582463162970373"]
    assert rt.kind == "share"
    assert rt.text == ("RT @pdx_wellness_net: Free workshop on burnout for helpers, March 14 at the "
                       "Central Library. Register early & bring a friend!")
    assert [m.handle for m in rt.mentions] == ["pdx_wellness_net"]
    assert not [i for i in of(current, InteractionRecord) if i.item_id == rt.native_id]


def test_edit_chain_keeps_the_latest_text_under_the_first_id(current) -> None:
    items = content(current)
    assert "2021238603651634853" not in items  # the later version's own id
    edited = items["2021237729899814011"]
    assert edited.text == "Office hours moved to Thursday this week."
    assert edited.created_at == utc(2026, 2, 10, 15, 3, 30)
    assert edited.url == "https://x.com/MorganElleryLPC/status/2021237729899814011"


def test_long_post_takes_its_full_text_from_note_tweet_by_creation_time(current) -> None:
    note = content(current)["2011365693580602498"]
    assert note.text.endswith("Thanks to @casey_reads for the conversation that started this thread.")
    assert "…" not in note.text
    # @casey_reads is named only past the cut, so only note-tweet.js knows it (by handle).
    assert note.mentions == (Person(handle="casey_reads"),)
    assert not coverage(current, "warning")


def test_mentions_and_replies_become_interactions(current) -> None:
    got = {(i.kind, i.person.native_id or i.person.handle, i.item_id) for i in of(current, InteractionRecord)
           if i.kind in ("mention", "reply")}
    assert got == {
        ("mention", CASEY.native_id, "1991593040007278143"),
        ("mention", LEE.native_id, "1991593040007278143"),
        ("mention", "casey_reads", "2011365693580602498"),
        # Replies name the person replied to once, as a reply (X writes the @handle itself).
        ("reply", CASEY.native_id, "1995980079888649384"),
        ("reply", LEE.native_id, "1996844487648182707"),
        # The self-reply 1985378350969654388 (a thread) is not an interaction.
    }
    assert all(i.direction == "out" for i in of(current, InteractionRecord) if i.kind != "message")


def test_followers_get_handles_resolved_from_mentions(current) -> None:
    connections = of(current, ConnectionRecord)
    link = "https://twitter.com/intent/user?user_id="
    assert [(c.relation, c.person) for c in connections] == [
        ("follower", Person(native_id=CASEY.native_id, handle="casey_reads", url=link + CASEY.native_id)),
        ("follower", Person(native_id=LEE.native_id, handle="dr_lee_sleep", url=link + LEE.native_id)),
        ("follower", Person(native_id="1620034118807322624", url=link + "1620034118807322624")),
        ("follower", Person(native_id="998877112", url=link + "998877112")),
        ("following", Person(native_id=CASEY.native_id, handle="casey_reads", url=link + CASEY.native_id)),
        ("following", Person(native_id="1329981245066919936", handle="pdx_wellness_net",
                             url=link + "1329981245066919936")),
        ("following", Person(native_id="1399001122334455667", url=link + "1399001122334455667")),
        ("blocked", Person(native_id="1755123412341234123", url=link + "1755123412341234123")),
    ]
    assert coverage(current)["data/follower.js"].reason == "account ids only; 2 of 4 handles resolved from mentions"


def test_likes_only_when_the_author_is_known(current) -> None:
    likes = [i for i in of(current, InteractionRecord) if i.kind == "like"]
    assert likes == [InteractionRecord(platform="twitter", kind="like", person=Person(
        native_id=CASEY.native_id, handle="casey_reads"), item_id="1990001112223334445")]
    cov = coverage(current)["data/like.js"]
    assert (cov.status, cov.count) == ("read", 3)
    assert "2 of 3 likes do not name" in cov.reason


def test_media_files_are_recorded_by_name(current) -> None:
    assert of(current, MediaRecord) == [MediaRecord(
        platform="twitter", path="data/tweets_media/2024178431151823038-GGcFRl1SPnXNYvM.jpg",
        content_id="2024178431151823038")]


def test_direct_messages_give_participants_and_dates_but_no_text_by_default(current) -> None:
    assert not [c for c in of(current, ContentRecord) if c.kind == "message"]
    messages = {(i.person.native_id, i.direction, i.item_id, i.created_at)
                for i in of(current, InteractionRecord) if i.kind == "message"}
    one_to_one = f"{CASEY.native_id}-{OWNER_ID}"
    group = "1921477705560051712"
    assert messages == {
        (CASEY.native_id, "out", one_to_one, utc(2025, 11, 18, 20, 5, 41, 226000)),
        (CASEY.native_id, "in", one_to_one, utc(2025, 11, 18, 19, 58, 2, 870000)),
        (LEE.native_id, "out", group, utc(2025, 11, 21, 17, 0, 10, 4000)),
        (LEE.native_id, "in", group, utc(2025, 11, 21, 16, 40, 55, 381000)),
        # A group member who never wrote still received the owner's message.
        ("1620034118807322624", "out", group, utc(2025, 11, 21, 17, 0, 10, 4000)),
    }
    assert "needs --include-messages" in coverage(current)["data/direct-messages.js"].reason


def test_direct_message_text_only_with_include_messages() -> None:
    recs = read(X / "current", include_messages=True)
    sent = [c for c in of(recs, ContentRecord) if c.kind == "message"]
    assert sent == [
        ContentRecord(platform="twitter", kind="message", native_id="1993000000000000002",
                      text="Happy to! Let's find a time after the panel.",
                      created_at=utc(2025, 11, 18, 20, 5, 41, 226000), visibility="direct",
                      in_reply_to=Person(native_id=CASEY.native_id), source_file="data/direct-messages.js"),
        ContentRecord(platform="twitter", kind="message", native_id="1994100000000000003",
                      text="See you all Thursday.", created_at=utc(2025, 11, 21, 17, 0, 10, 4000),
                      visibility="direct", source_file="data/direct-messages-group.js"),
    ]  # messages received are never stored as text
    assert "message" in of(recs, ExportRecord)[0].datasets


def test_every_file_gets_coverage_with_a_reason_for_what_is_skipped(current) -> None:
    with Source.open(X / "current") as src:
        members = set(src.names())
    cov = coverage(current)
    assert set(cov) == members
    skipped = {f: c.reason for f, c in coverage(current, "skipped").items()}
    assert skipped == {
        "Your archive.html": "X's HTML archive viewer, not data",
        "data/ad-engagements.js": "ads data, not audited",
        "data/ip-audit.js": "account security and identity data, not audited",
        "data/tweet-headers.js": "tweet ids and dates only; the tweets file holds the tweets",
        "data/deleted-tweets.js": "deleted from the account (X keeps them about 14 days), not audited",
    }
    assert cov["data/tweets.js"] == CoverageRecord(
        file="data/tweets.js", status="read", count=10,
        reason="1 earlier version of an edited post not stored: an edited post is kept once, "
               "latest text, first tweet id")
    assert not coverage(current, "unrecognized")


# -- other layouts ------------------------------------------------------------------------------

def test_legacy_2020_wrapped_tweet_js() -> None:
    recs = read(X / "legacy-2020")
    assert recs[0].handle == "jpike_counsel"
    items = of(recs, ContentRecord)
    assert [(c.kind, c.text) for c in items] == [
        ("post", "Couples & family sessions now on Saturdays too."),
        ("reply", "@rileytran Congrats on the new office!"),
        ("share", "RT @rileytran: Free mindfulness class this Sunday at the community center, all welcome."),
    ]
    assert all(c.source_file == "data/tweet.js" for c in items)
    # About 2019-20 follower lists hold the account id only, no userLink.
    assert [c.person for c in of(recs, ConnectionRecord)] == [
        Person(native_id="2213004455", handle="rileytran"), Person(native_id="301122334")]
    assert of(recs, ExportRecord)[0] == ExportRecord(
        datasets=frozenset({"post", "reply", "share", "mention", "follower"}))


def test_legacy_2019_bare_tweet_objects() -> None:
    recs = read(X / "legacy-2019")
    items = of(recs, ContentRecord)
    assert [c.kind for c in items] == ["post", "reply", "share"]
    assert items[1].in_reply_to == Person(native_id="2213004455", handle="rileytran")
    assert items[0].created_at == utc(2019, 10, 4, 21, 14, 8)


def test_multipart_reads_every_part_and_warns_on_a_count_mismatch() -> None:
    recs = read(X / "multipart")
    items = content(recs)
    # The first version of an edited post sits in tweets.js, the edit in tweets-part1.js.
    assert items["1786017798661315179"].text == "Group starts Monday at 6pm."
    assert items["1786017798661315179"].source_file == "data/tweets-part1.js"
    assert len(items) == 3
    assert len(of(recs, ConnectionRecord)) == 4
    # A follower named in tweets-part1.js resolves in follower.js.
    assert of(recs, ConnectionRecord)[0].person.handle == "ana_ruiz_rn"
    assert [(w.file, w.reason) for w in of(recs, CoverageRecord) if w.status == "warning"] == [
        ("data/follower-part1.js", "manifest.js says 3 records, the file holds 2")]


def test_without_a_manifest_the_data_folder_is_globbed(make_archive) -> None:
    recs = read(make_archive("archives/twitter/no-manifest", top="archive"))
    assert recs[0].native_id == "1560012233445566778"
    assert [c.source_file for c in of(recs, ContentRecord)] == ["data/tweets.js", "data/tweets-part1.js"]
    assert of(recs, ExportRecord)[0].datasets == frozenset(
        {"post", "reply", "share", "mention", "follower", "following", "like"})
    cov = coverage(recs)
    assert cov["data/following.js"] == CoverageRecord(file="data/following.js", status="read", count=0)
    assert not coverage(recs, "warning")


def test_partial_archive_and_files_the_manifest_lists_but_the_archive_lacks(tmp_path: Path) -> None:
    archive = copy_archive(X / "current", tmp_path / "x")
    manifest = archive / "data" / "manifest.js"
    manifest.write_text(manifest.read_text().replace('"isPartialArchive" : false', '"isPartialArchive" : true'))
    (archive / "data" / "block.js").unlink()
    recs = read(archive)
    assert of(recs, ExportRecord)[0].partial is True
    assert "blocked" not in of(recs, ExportRecord)[0].datasets
    assert coverage(recs, "warning")["data/block.js"].reason == (
        "listed in manifest.js with 1 record, missing from the archive")


def test_a_part_the_manifest_does_not_list_is_read_with_a_warning(tmp_path: Path) -> None:
    archive = copy_archive(X / "current", tmp_path / "x")
    extra = [{"tweet": {"id_str": "1870000000000000001", "created_at": "Fri Dec 20 10:00:00 +0000 2024",
                        "full_text": "An older post in a part the manifest forgot."}}]
    (archive / "data" / "tweets-part1.js").write_text(ytd("tweets", extra).replace("part0", "part1"))
    recs = read(archive)
    assert content(recs)["1870000000000000001"].source_file == "data/tweets-part1.js"
    assert coverage(recs, "warning")["data/tweets-part1.js"].reason == "not listed in manifest.js"


@pytest.mark.parametrize("name", ["tweets.js", "follower.js", "manifest.js", "profile.js"])
def test_malformed_json_raises_naming_the_file(tmp_path: Path, name: str) -> None:
    archive = copy_archive(X / "current", tmp_path / "x")
    path = archive / "data" / name
    path.write_text(path.read_text()[:-40])  # truncated mid-record
    with pytest.raises(MalformedArchive, match=name.replace(".", r"\.")):
        read(archive)


# -- units ---------------------------------------------------------------------------------------

def _note(created: str, text: str, note_id: str = "1") -> dict[str, Any]:
    return {"noteTweet": {"noteTweetId": note_id, "createdAt": created, "core": {"text": text, "mentions": []}}}


def test_notes_match_by_creation_second_and_text_prefix_not_by_note_id() -> None:
    notes = NoteIndex()
    long_a = "3. Don't be afraid to ask. " + "a" * 300
    long_b = "2. Focus on the short term. " + "b" * 300
    # Two notes in the same second (as in the 2024 sample): only the text prefix tells them apart.
    notes.add(_note("2024-04-21T14:48:05.000Z", long_a, note_id="1782058733842948096"))
    notes.add(_note("2024-04-21T14:48:05.000Z", long_b, note_id="1782058730885980160"))
    when = utc(2024, 4, 21, 14, 48, 5)
    assert notes.match(when, long_b[:270] + "… https://t.co/AbCdEf1234").text == long_b
    assert notes.match(when, long_a[:250] + "…").text == long_a
    assert notes.match(utc(2024, 4, 21, 14, 48, 6), long_a[:250] + "…") is None  # another second
    assert notes.match(when, "3. Don't…") is not None  # truncated: a short prefix is enough
    assert notes.match(when, "3. Don't") is None  # a short whole tweet is not a long post
    assert notes.unmatched() == 0


def test_edit_chain_reads_both_edit_info_shapes() -> None:
    first = {"id_str": "10", "edit_info": {"initial": {"editTweetIds": ["10", "11", "12"]}}}
    later = {"id_str": "12", "edit_info": {"edit": {"initialTweetId": "10",
                                                    "editControlInitial": {"editTweetIds": ["10", "11", "12"]}}}}
    plain = {"id_str": "20"}
    assert edit_chain(first) == ("10", ("10", "11", "12"))
    assert edit_chain(later) == ("10", ("10", "11", "12"))
    assert edit_chain(plain) == ("20", ("20",))


def _version(own: str, chain: list[str], text: str) -> dict[str, Any]:
    info: dict[str, Any] = ({"initial": {"editTweetIds": chain}} if own == chain[0]
                            else {"edit": {"initialTweetId": chain[0],
                                           "editControlInitial": {"editTweetIds": chain}}})
    return {"tweet": {"id_str": own, "full_text": text, "edit_info": info,
                      "created_at": "Mon Mar 11 16:47:42 +0000 2024"}}


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (0, 2)])
def test_one_record_per_edit_chain_in_any_order(order: tuple[int, ...]) -> None:
    chain = ["100", "101", "102"]
    versions = [_version(v, chain, f"version {i}") for i, v in enumerate(chain)]
    reader = TweetReader(Owner("1", "me"), Handles(), NoteIndex())
    out = [r for i in order for r in reader.read(versions[i], "data/tweets.js")]
    out += list(reader.flush())
    assert [(c.native_id, c.text) for c in out] == [("100", "version 2")]


def test_an_edit_chain_whose_last_version_is_missing_keeps_the_latest_it_has() -> None:
    chain = ["100", "101", "102"]
    reader = TweetReader(Owner("1", "me"), Handles(), NoteIndex())
    out = [r for v in ("101", "100") for r in reader.read(_version(v, chain, f"text {v}"), "t.js")]
    assert out == []
    assert [(c.native_id, c.text) for c in reader.flush()] == [("100", "text 101")]


def test_protected_history_gives_private_only_when_the_last_toggle_protects() -> None:
    protect = {"protectedAt": "2026-01-31T21:14:09.000Z", "action": "Protect"}
    unprotect = {"protectedAt": "2026-02-01T08:00:00.000Z", "action": "Unprotect"}
    assert protected_now([]) is None
    assert protected_now([unprotect, protect]) is None
    assert protected_now([protect]) is True


# -- the demo -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo() -> dict[str, list[Record]]:
    return {name: read(DEMO / name) for name in ("dana-professional-x", "dana-personal-x")}


def test_demo_archives_are_consistent_with_their_manifests(demo) -> None:
    for name, recs in demo.items():
        with Source.open(DEMO / name) as src:
            assert set(coverage(recs)) == set(src.names()), name
        assert not coverage(recs, "warning"), name
        assert not coverage(recs, "unrecognized"), name


def test_demo_accounts(demo) -> None:
    pro, personal = demo["dana-professional-x"][0], demo["dana-personal-x"][0]
    assert (pro.handle, pro.account_type, pro.categories) == (
        "WhitfieldFamilyTherapy", "business", ("Mental Health Service",))
    assert "LMFT" in (pro.bio or "") and "Whitfield Family Therapy" in (pro.bio or "")
    assert (personal.handle, personal.account_type, personal.private) == ("dana_w_pdx", None, None)
    assert "Therapist" in (personal.bio or "")
    assert len(of(demo["dana-professional-x"], ContentRecord)) == 26
    assert len(of(demo["dana-personal-x"], ContentRecord)) == 31


def test_demo_followers_overlap_and_some_resolve(demo) -> None:
    def followers(name: str) -> dict[str, str | None]:
        return {c.person.native_id: c.person.handle for c in of(demo[name], ConnectionRecord)
                if c.relation == "follower"}

    pro, personal = followers("dana-professional-x"), followers("dana-personal-x")
    shared = set(pro) & set(personal)
    assert len(shared) == 5
    resolved = {pro[i] or personal[i] for i in shared} - {None}
    assert resolved == {"marisol_v_art", "jkeller_runs", "raelindq"}


def test_demo_holds_the_risky_posts_and_their_hard_negatives(demo) -> None:
    pro = " ".join(c.text for c in of(demo["dana-professional-x"], ContentRecord))
    personal = " ".join(c.text for c in of(demo["dana-personal-x"], ContentRecord))
    for text in ("borderline personality disorder", "5-star review", "Dana saved our marriage",
                 "working with you and your wife in couples therapy", "Many clients ask me about anxiety",
                 "Imagine a client who", "988 (Suicide & Crisis Lifeline)"):
        assert text in pro, text
    for text in ("My 3pm today cried about her divorce", "teachers at Lincoln High", "varsity soccer",
                 "f*** Mondays", "full of crazies", "farmers market and we grabbed coffee",
                 "tell you if it's ADHD", "503-555-0147", "checked in at Laurelhurst Park",
                 "client meeting at work ran long", "My therapist said"):
        assert text in personal, text
    # Long posts carry their full text (the mosaic's details are past the 280-character cut).
    for recs in demo.values():
        assert sum(len(c.text) > 300 for c in of(recs, ContentRecord)) == 2


# -- the generator ------------------------------------------------------------------------------

X_FIXTURES = ("current", "multipart", "no-manifest", "legacy-2020", "legacy-2019")
X_DEMOS = ("dana-professional-x", "dana-personal-x")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_committed_fixtures_are_exactly_what_the_generator_builds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(X))
    for name in ("make_x_fixtures", "x_demo", "x_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.import_module("make_x_fixtures").main(tmp_path)
    for name in ("make_x_fixtures", "x_demo", "x_format"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    for variant in X_FIXTURES:
        assert _files(tmp_path / "archives" / "twitter" / variant) == _files(X / variant), variant
    for demo_name in X_DEMOS:
        assert _files(tmp_path / "demo" / demo_name) == _files(DEMO / demo_name), demo_name


# -- real samples (FOOTPRINT_SAMPLES) -------------------------------------------------------------

ALROCAR_FILES = ("manifest.js", "tweets.js", "note-tweet.js", "profile.js", "professional-data.js",
                 "protected-history.js", "tweet-headers.js", "follower.js", "following.js", "README.txt")


def _sample_archive(samples: Path, files: Iterable[str], dest: Path) -> Path:
    """The samples are single files from three accounts: lay the relevant ones out as `data/`."""
    (dest / "data").mkdir(parents=True)
    for name in files:
        shutil.copy(samples / name, dest / "data" / Path(name).name)
    return dest


def _load_ytd(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("["):])


@pytest.mark.samples
def test_sample_archive_reads_every_record(samples_dir: Path, tmp_path: Path) -> None:
    x = samples_dir / "twitter"
    recs = read(_sample_archive(x, ALROCAR_FILES, tmp_path / "alrocar"))
    assert recs[0].handle == "alrocar" and recs[0].native_id == "52338276"
    assert recs[0].account_type == "creator" and recs[0].private is None
    cov = coverage(recs, "read")
    assert (cov["data/tweets.js"].count, cov["data/note-tweet.js"].count) == (34, 8)
    items = content(recs)
    assert len(items) == 33  # 34 tweets; 1767497756157866020 is an edit of 1767496415922585688
    assert items["1767496415922585688"].text.startswith("44/100")
    assert "1767497756157866020" not in items
    # The full text of the 3 long tweets comes from note-tweet.js.
    notes = {n["noteTweet"]["createdAt"]: n["noteTweet"]["core"]["text"] for n in _load_ytd(x / "note-tweet.js")}
    for tweet_id, created in (("1776702010894504077", "2024-04-06T20:02:23.000Z"),
                              ("1752243867426926637", "2024-01-30T08:14:27.000Z"),
                              ("1712845356000485462", "2023-10-13T14:58:50.000Z")):
        assert items[tweet_id].text == notes[created], tweet_id
    assert not any("&gt;" in c.text or "&amp;" in c.text for c in items.values())
    assert "&gt;" in (x / "tweets.js").read_text(encoding="utf-8")
    assert sum(c.kind == "share" for c in items.values()) == 4
    assert items["1687209727640621057"].in_reply_to == Person(native_id="253752405")
    followers = [c for c in of(recs, ConnectionRecord) if c.relation == "follower"]
    assert len(followers) == 3
    assert all(c.person.url == f"https://twitter.com/intent/user?user_id={c.person.native_id}" for c in followers)
    assert len([c for c in of(recs, ConnectionRecord) if c.relation == "following"]) == 3
    # The manifest counts the untrimmed archive: every mismatch is a warning, never an error.
    warnings = coverage(recs, "warning")
    assert warnings["data/tweets.js"].reason == "manifest.js says 1223 records, the file holds 34"
    assert warnings["data/follower.js"].reason == "manifest.js says 1333 records, the file holds 3"
    assert warnings["data/like.js"].reason.startswith("listed in manifest.js with 6528 records")
    with Source.open(tmp_path / "alrocar") as src:
        assert set(src.names()) <= set(coverage(recs))


@pytest.mark.samples
def test_sample_legacy_2020_tweet_js_passed_alone(samples_dir: Path) -> None:
    recs = read(samples_dir / "twitter" / "legacy-2020" / "tweet.js")
    assert [(c.native_id, c.kind) for c in of(recs, ContentRecord)] == [
        ("844454048556355584", "post"), ("842535905818632192", "post"), ("841163574529613824", "post")]
    assert of(recs, ContentRecord)[0].created_at == utc(2017, 3, 22, 7, 41, 49)


@pytest.mark.samples
def test_sample_dogsheep_account_and_connections(samples_dir: Path, tmp_path: Path) -> None:
    folder = samples_dir / "twitter" / "dogsheep-twitter-to-sqlite"
    recs = read(_sample_archive(folder, ("account.js", "follower.js", "following.js"), tmp_path / "d"))
    assert recs[0] == AccountRecord(platform="twitter", native_id="12497", handle="simonw",
                                    display_name="Simon Willison", created_at=utc(2006, 11, 15, 13, 18, 50),
                                    url="https://x.com/simonw")
    assert [(c.relation, c.person) for c in of(recs, ConnectionRecord)] == [
        ("follower", Person(native_id="73747798")), ("follower", Person(native_id="386025404")),
        ("following", Person(native_id="547842573")), ("following", Person(native_id="12158"))]
    assert {f: c.count for f, c in coverage(recs).items()} == {
        "data/account.js": 1, "data/follower.js": 2, "data/following.js": 2}
