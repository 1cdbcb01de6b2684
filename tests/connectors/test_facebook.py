"""The Facebook connector on tiny fixtures of every layout version (2018-19, 2020-21, 2022-23,
2024+), on Meta's quirks (mojibake, split parts, no post ids, HTML exports) and on the real sample.

Fixtures live unzipped under fixtures/archives/facebook/<variant>/ and are zipped at test time,
with and without a top folder, as Facebook wraps them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import MalformedArchive, UnrecognizedArchive
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
from connectors._meta import content_id, fix_text, repair
from connectors.facebook import FacebookConnector
from connectors.facebook.people import title_target
from connectors.instagram import InstagramConnector
from tests.helpers import strings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
VARIANTS = ("v2019", "v2021", "v2023", "v2024")
TOP = "facebook-analuciaferreira-2024-06-10-Xk3p9Q"
OWNER = "Ana Lúcia Ferreira"


def ts(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def read(path: Path, *, include_messages: bool = False) -> list[Record]:
    with Source.open(path) as source:
        return list(FacebookConnector().read(source, include_messages=include_messages))


# -- whole records, every layout version -------------------------------------------------------

POSTS_2024 = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"
POSTS_2024_2 = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_2.json"
COMMENTS_2024 = "your_facebook_activity/comments_and_reactions/comments.json"

EXPECTED: dict[str, list[Record]] = {
    "v2019": [
        AccountRecord("facebook", None, display_name="Ana Lúcia Ferreira", created_at=ts(1262304000), url="https://www.facebook.com/ana.lucia.ferreira.example"),
        ExportRecord(datasets=frozenset({'comment', 'follower', 'following', 'friend', 'post', 'share'})),
        CoverageRecord("profile_information/profile_information.json", "read", count=1),
        ContentRecord("facebook", "post", "1546300800-dde64067", "Back from Kraków — what a trip", created_at=ts(1546300800), mentions=(Person(name="Łukasz Żółw"),), source_file="posts/your_posts.json"),
        MediaRecord("facebook", "photos_and_videos/Krakow_99/1001_n.jpg", content_id="1546300800-dde64067"),
        ContentRecord("facebook", "post", "1546387200-66477aff", "Checked in", created_at=ts(1546387200), source_file="posts/your_posts.json", place="Rynek Główny", latitude=50.0617, longitude=19.9373),
        CoverageRecord("posts/your_posts.json", "read", count=2),
        ContentRecord("facebook", "post", "1546560000-db31e6c6", "Looking for a quiet place to study near Rynek", created_at=ts(1546560000), source_file="groups/your_posts_and_comments_in_groups.json"),
        ContentRecord("facebook", "comment", "1546646400-9956aea6", "Try the library on Rajska", created_at=ts(1546646400), in_reply_to=Person(name="María González"), source_file="groups/your_posts_and_comments_in_groups.json"),
        InteractionRecord("facebook", "comment", Person(name="María González"), item_id="1546646400-9956aea6", created_at=ts(1546646400)),
        CoverageRecord("groups/your_posts_and_comments_in_groups.json", "read", count=2),
        ContentRecord("facebook", "comment", "1546473600-d53d45e3", "Dziękuję Łukasz!", created_at=ts(1546473600), in_reply_to=Person(name="Łukasz Żółw"), source_file="comments/comments.json"),
        InteractionRecord("facebook", "comment", Person(name="Łukasz Żółw"), item_id="1546473600-d53d45e3", created_at=ts(1546473600)),
        CoverageRecord("comments/comments.json", "read", count=1),
        InteractionRecord("facebook", "like", Person(name="María González"), created_at=ts(1546732800)),
        CoverageRecord("likes_and_reactions/posts_and_comments.json", "read", count=1),
        ConnectionRecord("facebook", "friend", Person(name="Łukasz Żółw"), created_at=ts(1400000000)),
        CoverageRecord("friends/friends.json", "read", count=1),
        ConnectionRecord("facebook", "following", Person(name="Zoë Brontë"), created_at=ts(1400100000)),
        CoverageRecord("following_and_followers/following.json", "read", count=1),
        ConnectionRecord("facebook", "follower", Person(name="María González")),
        CoverageRecord("following_and_followers/followers.json", "read", count=1),
    ],
    "v2021": [
        AccountRecord("facebook", None, display_name="Ana Lúcia Ferreira", location="Lisboa, Portugal", created_at=ts(1262304000), url="https://www.facebook.com/ana.lucia.ferreira.example"),
        ExportRecord(datasets=frozenset({'comment', 'follower', 'following', 'friend', 'post', 'share'})),
        CoverageRecord("profile_information/profile_information.json", "read", count=1),
        ContentRecord("facebook", "post", "1609459200-1b268f5f", "Grateful for this year’s clients… I mean friends!", created_at=ts(1609459200), mentions=(Person(name="Zoë Brontë"), Person(name="María González")), source_file="posts/your_posts_1.json", place="Lisboa", latitude=38.7223, longitude=-9.1393),
        MediaRecord("facebook", "photos_and_videos/TimelinePhotos_ab12/131_n.jpg", content_id="1609459200-1b268f5f", taken_at=ts(1609450000), latitude=38.7223, longitude=-9.1393),
        CoverageRecord("posts/your_posts_1.json", "read", count=1),
        ContentRecord("facebook", "post", "1577836800-e51f930d", "Reading list for 2020 📚", created_at=ts(1577836800), source_file="posts/your_posts_2.json"),
        CoverageRecord("posts/your_posts_2.json", "read", count=1),
        ContentRecord("facebook", "comment", "1609545600-28db7233", "Happy new year Zoë!", created_at=ts(1609545600), in_reply_to=Person(name="Zoë Brontë"), source_file="comments_and_reactions/comments.json"),
        InteractionRecord("facebook", "comment", Person(name="Zoë Brontë"), item_id="1609545600-28db7233", created_at=ts(1609545600)),
        CoverageRecord("comments_and_reactions/comments.json", "read", count=1),
        ConnectionRecord("facebook", "friend", Person(name="Zoë Brontë"), created_at=ts(1500000000)),
        ConnectionRecord("facebook", "friend", Person(name="María González"), created_at=ts(1500100000)),
        CoverageRecord("friends_and_followers/friends.json", "read", count=2),
        ConnectionRecord("facebook", "following", Person(name="María González"), created_at=ts(1500200000)),
        CoverageRecord("friends_and_followers/following.json", "read", count=1),
        ConnectionRecord("facebook", "follower", Person(name="Łukasz Żółw")),
        CoverageRecord("friends_and_followers/followers.json", "read", count=2),
        InteractionRecord("facebook", "message", Person(name="Zoë Brontë"), direction="in", item_id="inbox/zoebronte_55aa66bb/1609546000000", created_at=ts(1609546000)),
        CoverageRecord("messages/inbox/zoebronte_55aa66bb/message_1.json", "read", count=1),
        CoverageRecord("friends_and_followers/removed_friends.json", "skipped", reason="friend requests, suggestions and removed friends: not current connections"),
    ],
    "v2023": [
        AccountRecord("facebook", None, display_name="Ana Lúcia Ferreira", created_at=ts(1262304000)),
        ExportRecord(datasets=frozenset({'comment', 'friend', 'post', 'share'})),
        CoverageRecord("personal_information/profile_information/profile_information.json", "read", count=1),
        ContentRecord("facebook", "post", "1672531200-773b5639", "New year, new office — Zoë helped me move", created_at=ts(1672531200), mentions=(Person(name="Zoë Brontë"),), source_file="your_activity_across_facebook/posts/your_posts_1.json"),
        MediaRecord("facebook", "your_activity_across_facebook/posts/media/Office_x1/887766_n.jpg", content_id="1672531200-773b5639", taken_at=ts(1672500000)),
        CoverageRecord("your_activity_across_facebook/posts/your_posts_1.json", "read", count=1),
        ContentRecord("facebook", "comment", "1672617600-43ff6656", "Beautiful work, Łukasz", created_at=ts(1672617600), in_reply_to=Person(name="Łukasz Żółw"), source_file="your_activity_across_facebook/comments_and_reactions/comments.json"),
        InteractionRecord("facebook", "comment", Person(name="Łukasz Żółw"), item_id="1672617600-43ff6656", created_at=ts(1672617600)),
        CoverageRecord("your_activity_across_facebook/comments_and_reactions/comments.json", "read", count=1),
        ConnectionRecord("facebook", "friend", Person(name="Łukasz Żółw"), created_at=ts(1650000000)),
        CoverageRecord("connections/friends/your_friends.json", "read", count=1),
    ],
    "v2024": [
        AccountRecord("facebook", None, handle="ana.lucia.ferreira.example", display_name="Ana Lúcia Ferreira", location="Montréal, Québec", created_at=ts(1262304000), url="https://www.facebook.com/ana.lucia.ferreira.example"),
        ExportRecord(datasets=frozenset({'comment', 'follower', 'following', 'friend', 'post', 'share'})),
        CoverageRecord("personal_information/profile_information/profile_information.json", "read", count=1),
        ContentRecord("facebook", "post", "1717236000-35b70c63", "Lovely afternoon at the lake with the team ☀️", created_at=ts(1717236000), mentions=(Person(name="Zoë Brontë"),), source_file=POSTS_2024),
        MediaRecord("facebook", "your_facebook_activity/posts/media/Mobileuploads_4kq2/449911_10161_n.jpg", content_id="1717236000-35b70c63", taken_at=ts(1717230000), latitude=45.5088, longitude=-73.5878),
        InteractionRecord("facebook", "comment_received", Person(name="Łukasz Żółw"), direction="in", item_id="1717236000-35b70c63", created_at=ts(1717240000)),
        ContentRecord("facebook", "post", "1717322400-299c71f9", "Between sessions — best coffee in town", created_at=ts(1717322400), source_file=POSTS_2024, place="Café Olé", latitude=45.5017, longitude=-73.5673),
        ContentRecord("facebook", "post", "1717408800-22cf5a6b", "First of two posts in the same second", created_at=ts(1717408800), source_file=POSTS_2024),
        ContentRecord("facebook", "post", "1717408800-80dfb9e6", "Second of two posts in the same second", created_at=ts(1717408800), source_file=POSTS_2024),
        ContentRecord("facebook", "share", "1717495200-668db5a9", "", created_at=ts(1717495200), source_file=POSTS_2024),
        ContentRecord("facebook", "post", "1717581000-26a51243", "", created_at=ts(1717581000), source_file=POSTS_2024),
        MediaRecord("facebook", "your_facebook_activity/posts/media/Mobileuploads_4kq2/449922_10162_n.jpg", content_id="1717581000-26a51243"),
        CoverageRecord(POSTS_2024, "read", count=6),
        ContentRecord("facebook", "post", "1704067200-06f8fbb1", "Happy new year from Łódź! 🎆", created_at=ts(1704067200), source_file=POSTS_2024_2, place="Łódź, Poland", latitude=51.7592, longitude=19.456),
        CoverageRecord(POSTS_2024_2, "read", count=2),
        ContentRecord("facebook", "post", "1717000000-a7cdf766", "Does anyone know a good support group in Montréal?", created_at=ts(1717000000), source_file="your_facebook_activity/groups/group_posts_and_comments.json"),
        CoverageRecord("your_facebook_activity/groups/group_posts_and_comments.json", "read", count=1),
        ContentRecord("facebook", "comment", "1717590000-000be5e9", "Congratulations, María! 🎉", created_at=ts(1717590000), in_reply_to=Person(name="María González"), source_file=COMMENTS_2024),
        InteractionRecord("facebook", "comment", Person(name="María González"), item_id="1717590000-000be5e9", created_at=ts(1717590000)),
        ContentRecord("facebook", "comment", "1717591000-415b4242", "Thanks Seán, see you there", created_at=ts(1717591000), in_reply_to=Person(name="Seán O'Brien"), source_file=COMMENTS_2024),
        InteractionRecord("facebook", "comment", Person(name="Seán O'Brien"), item_id="1717591000-415b4242", created_at=ts(1717591000)),
        ContentRecord("facebook", "comment", "1717592000-62f93987", "More photos from the lake are up", created_at=ts(1717592000), source_file=COMMENTS_2024),
        CoverageRecord(COMMENTS_2024, "read", count=3),
        ContentRecord("facebook", "comment", "1717100000-56a0f16e", "Sending strength to everyone here", created_at=ts(1717100000), in_reply_to=Person(name="Kenji Watanabe"), source_file="your_facebook_activity/groups/your_comments_in_groups.json"),
        InteractionRecord("facebook", "comment", Person(name="Kenji Watanabe"), item_id="1717100000-56a0f16e", created_at=ts(1717100000)),
        CoverageRecord("your_facebook_activity/groups/your_comments_in_groups.json", "read", count=1),
        InteractionRecord("facebook", "like", Person(name="Zoë Brontë"), created_at=ts(1717600000)),
        InteractionRecord("facebook", "like", Person(name="James"), created_at=ts(1717601000)),
        CoverageRecord("your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json", "read", count=3),
        ConnectionRecord("facebook", "friend", Person(name="María González"), created_at=ts(1600000000)),
        ConnectionRecord("facebook", "friend", Person(name="Zoë Brontë"), created_at=ts(1600100000)),
        ConnectionRecord("facebook", "friend", Person(name="Łukasz Żółw"), created_at=ts(1600200000)),
        CoverageRecord("connections/friends/your_friends.json", "read", count=3),
        ConnectionRecord("facebook", "following", Person(name="Zoë Brontë"), created_at=ts(1600400000)),
        ConnectionRecord("facebook", "following", Person(name="Lakeside Wellness Collective"), created_at=ts(1600500000)),
        CoverageRecord("connections/followers/who_you've_followed.json", "read", count=2),
        ConnectionRecord("facebook", "follower", Person(name="María González"), created_at=ts(1600600000)),
        ConnectionRecord("facebook", "follower", Person(name="Kenji Watanabe"), created_at=ts(1600700000)),
        CoverageRecord("connections/followers/people_who_followed_you_1.json", "read", count=2),
        ConnectionRecord("facebook", "follower", Person(name="Ngozi Okafor"), created_at=ts(1600800000)),
        CoverageRecord("connections/followers/people_who_followed_you_2.json", "read", count=2),
        ConnectionRecord("facebook", "follower", Person(name="Zoë Brontë"), created_at=ts(1600900000)),
        CoverageRecord("connections/followers/people_who_followed_you_10.json", "read", count=1),
        InteractionRecord("facebook", "message", Person(name="María González"), item_id="inbox/mariagonzalez_1234567890/1717600000000", created_at=ts(1717600000)),
        InteractionRecord("facebook", "message", Person(name="María González"), direction="in", item_id="inbox/mariagonzalez_1234567890/1717590000000", created_at=ts(1717590000)),
        CoverageRecord("your_facebook_activity/messages/inbox/mariagonzalez_1234567890/message_1.json", "read", count=2),
        CoverageRecord("ads_information/advertisers_using_your_activity_or_information.json", "skipped", reason="not audited: ads_information (settings, ads, logs or activity telemetry)"),
        CoverageRecord("connections/friends/sent_friend_requests.json", "skipped", reason="friend requests, suggestions and removed friends: not current connections"),
        CoverageRecord("logged_information/search/your_search_history.json", "skipped", reason="not audited: logged_information (settings, ads, logs or activity telemetry)"),
        CoverageRecord("your_facebook_activity/new_feature/something_new.json", "unrecognized", reason="not a Facebook file footprint knows"),
        CoverageRecord("your_facebook_activity/posts/media/Mobileuploads_4kq2/449911_10161_n.jpg", "skipped", reason="media file: its bytes are not read (the JSON that lists it gives its metadata)"),
    ],
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_layout_version_reads_to_whole_records(variant: str) -> None:
    assert read(FIXTURES / "facebook" / variant) == EXPECTED[variant]


@pytest.mark.parametrize("top", [None, TOP])
@pytest.mark.parametrize("variant", VARIANTS)
def test_zipped_with_or_without_top_folder_reads_the_same(make_archive, variant: str, top: str | None) -> None:
    archive = make_archive(f"archives/facebook/{variant}", top=top)
    with Source.open(archive) as source:
        assert FacebookConnector().detect(source)
        assert not InstagramConnector().detect(source)
    assert read(archive) == EXPECTED[variant]  # paths are taken from the export root


def test_messages_give_participants_and_dates_and_text_only_on_request() -> None:
    folder = FIXTURES / "facebook" / "v2024"
    thread = "inbox/mariagonzalez_1234567890"
    name = f"your_facebook_activity/messages/{thread}/message_1.json"
    plain = [r for r in read(folder) if isinstance(r, InteractionRecord) and r.kind == "message"]
    assert plain == [
        InteractionRecord("facebook", "message", Person(name="María González"), "out",
                          item_id=f"{thread}/1717600000000", created_at=ts(1717600000)),
        InteractionRecord("facebook", "message", Person(name="María González"), "in",
                          item_id=f"{thread}/1717590000000", created_at=ts(1717590000)),
    ]
    assert not [r for r in read(folder) if isinstance(r, ContentRecord) and r.kind == "message"]
    texts = [r for r in read(folder, include_messages=True) if isinstance(r, ContentRecord) and r.kind == "message"]
    # Only what the owner wrote is content; what María sent stays a dated interaction.
    assert texts == [ContentRecord("facebook", "message", f"{thread}/1717600000000", "See you Thursday at 3",
                                   created_at=ts(1717600000), visibility="direct", source_file=name)]


def test_messages_are_claimed_whole_only_when_their_text_is_read() -> None:
    folder = FIXTURES / "facebook" / "v2024"

    def datasets(records: list[Record]) -> frozenset[str]:
        return next(r for r in records if isinstance(r, ExportRecord)).datasets

    assert "message" not in datasets(read(folder))
    assert "message" in datasets(read(folder, include_messages=True))
    assert "like" not in datasets(read(folder))  # reactions naming nobody are not yielded


# -- Meta's quirks -----------------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_no_mojibake_in_any_yielded_string(variant: str) -> None:
    folder = FIXTURES / "facebook" / variant
    raw = "".join(p.read_bytes().decode("utf-8-sig") for p in folder.rglob("*.json"))
    assert "\\u00c3" in raw or "\\u00c5" in raw  # the fixture really is mojibake'd, as Meta writes it
    for text in strings(read(folder, include_messages=True)):
        assert "Ã" not in text and "â€" not in text and "Å" not in text, text


def test_repair_fixes_keys_and_values_and_leaves_real_text_alone() -> None:
    assert repair({"Compte priv\u00c3\u00a9": ["Zo\u00c3\u00ab", 1]}) == {"Compte privé": ["Zoë", 1]}
    assert fix_text("\u00f0\u009f\u0091\u008d") == "👍"
    assert fix_text("Zoë Brontë") == "Zoë Brontë"           # genuine Latin-1 text: not UTF-8 bytes
    assert fix_text("Łukasz Żółw") == "Łukasz Żółw"         # already real Unicode (> U+00FF)
    assert fix_text(fix_text("Mar\u00c3\u00ada")) == "María"  # idempotent


def test_parts_are_merged_in_part_order_and_deduplicated() -> None:
    records = read(FIXTURES / "facebook" / "v2024")
    followers = [r.person.name for r in records if isinstance(r, ConnectionRecord) and r.relation == "follower"]
    # people_who_followed_you_1, _2 (BOM, repeats Kenji), _10: 1, 2, 10 and not 1, 10, 2.
    assert followers == ["María González", "Kenji Watanabe", "Ngozi Okafor", "Zoë Brontë"]
    posts = [r.native_id for r in records if isinstance(r, ContentRecord) and r.kind in ("post", "share")]
    assert len(posts) == len(set(posts)) == 8  # the share repeated in part 2 is read once
    coverage = {r.file: r.count for r in records if isinstance(r, CoverageRecord)}
    assert coverage[POSTS_2024_2] == 2  # both items were read; one was a duplicate


def test_post_id_is_the_timestamp_plus_a_short_hash_of_the_text() -> None:
    text = "Lovely afternoon at the lake with the team ☀️"
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    assert content_id(1717236000, text) == f"1717236000-{digest}"
    assert content_id(1717236000, "  Lovely afternoon at\nthe lake with the team ☀️ ") == f"1717236000-{digest}"
    posts = [r for r in read(FIXTURES / "facebook" / "v2024") if isinstance(r, ContentRecord)]
    same_second = [r.native_id for r in posts if r.created_at == ts(1717408800)]
    assert len(same_second) == 2 and len(set(same_second)) == 2


def _reexport(src: Path, dest: Path) -> Path:
    """A later export of the same account: posts in reverse order, all in one part."""
    shutil.copytree(src, dest)
    folder = dest / "your_facebook_activity" / "posts"
    items: list[Any] = []
    for part in sorted(folder.glob("your_posts__check_ins__photos_and_videos_*.json")):
        items += json.loads(part.read_text("ascii"))
        part.unlink()
    (folder / "your_posts__check_ins__photos_and_videos_1.json").write_text(
        json.dumps(items[::-1], ensure_ascii=True, indent=2), "ascii")
    return dest


def test_post_ids_are_stable_across_reads_and_a_reordered_reexport(tmp_path: Path) -> None:
    folder = FIXTURES / "facebook" / "v2024"

    def ids(records: list[Record]) -> dict[str, str]:
        return {r.native_id: r.text for r in records if isinstance(r, ContentRecord)}

    first, second = ids(read(folder)), ids(read(folder))
    assert first == second
    assert ids(read(_reexport(folder, tmp_path / "later"))) == first


def _html_export(folder: Path) -> Path:
    """What Facebook sends when the user picks Format: HTML (same paths, .html files)."""
    for rel in ("index.html", "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.html",
                "connections/friends/your_friends.html",
                "personal_information/profile_information/profile_information.html"):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!DOCTYPE html><html><body><div>Zo&euml; Bront&euml;</div></body></html>\n", "ascii")
    return folder


def test_html_export_is_refused_with_a_request_for_json(tmp_path: Path) -> None:
    with Source.open(_html_export(tmp_path / TOP)) as source:
        assert FacebookConnector().detect(source)
        assert not InstagramConnector().detect(source)
        with pytest.raises(UnrecognizedArchive, match="choose Format: JSON"):
            list(FacebookConnector().read(source))


def test_every_file_gets_one_coverage_record() -> None:
    folder = FIXTURES / "facebook" / "v2024"
    records = read(folder)
    coverage = [r for r in records if isinstance(r, CoverageRecord)]
    with Source.open(folder) as source:
        assert sorted(c.file for c in coverage) == sorted(source.names())
    assert {c.status for c in coverage} == {"read", "skipped", "unrecognized"}
    assert all(c.reason for c in coverage if c.status != "read")
    assert isinstance(records[0], AccountRecord) and isinstance(records[1], ExportRecord)


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "export" / "connections" / "friends" / "your_friends.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"friends_v2": [{"name": "Zo', "ascii")
    with pytest.raises(MalformedArchive, match="your_friends.json"):
        read(tmp_path / "export")


@pytest.mark.parametrize(("title", "target"), [
    (f"{OWNER} commented on María González's post.", "María González"),
    (f"{OWNER} replied to Seán O'Brien's comment.", "Seán O'Brien"),
    (f"{OWNER} likes James' photo.", "James"),
    (f"{OWNER} reacted to Zoë Brontë’s video.", "Zoë Brontë"),
    (f"{OWNER} commented on Kenji Watanabe's post in Grief Support Circle.", "Kenji Watanabe"),
    (f"{OWNER} commented on her own post.", None),
    (f"{OWNER} commented on a post.", None),
    (f"{OWNER} a commenté la publication de María González.", None),  # other languages: nobody
])
def test_comment_and_reaction_titles_name_whose_item_it_was(title: str, target: str | None) -> None:
    assert title_target(title, frozenset({OWNER})) == target


# -- detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["v2022", "v2024", "v2025"])
def test_instagram_exports_are_not_facebook(variant: str) -> None:
    with Source.open(FIXTURES / "instagram" / variant) as source:
        assert not FacebookConnector().detect(source)


def test_x_archives_and_unrelated_folders_are_not_facebook(tmp_path: Path) -> None:
    x = tmp_path / "twitter-2024-06-10-abc" / "data"
    x.mkdir(parents=True)
    for name in ("manifest.js", "tweets.js", "follower.js", "following.js", "account.js", "like.js"):
        (x / name).write_text("window.YTD.x.part0 = []", "ascii")
    (tmp_path / "notes.json").write_text("{}", "ascii")
    with Source.open(tmp_path) as source:
        assert not FacebookConnector().detect(source)
        assert not InstagramConnector().detect(source)


# -- the real sample ---------------------------------------------------------------------------

@pytest.mark.samples
def test_real_sample_is_read_fully(samples_dir: Path) -> None:
    folder = samples_dir / "facebook" / "tardigrde-2020-layout"
    with Source.open(folder) as source:
        assert FacebookConnector().detect(source)
        assert not InstagramConnector().detect(source)
        names = source.names()
    raw = json.loads((folder / "friends" / "friends.json").read_text("utf-8"))["friends"]
    records = read(folder)
    friends = [r for r in records if isinstance(r, ConnectionRecord)]
    assert len(friends) == len(raw) == 9
    assert friends[4] == ConnectionRecord("facebook", "friend", Person(name="Tőke Hal"), created_at=ts(1582290479))
    assert friends[5].person.name == "Dér Dénes"
    assert [r for r in records if isinstance(r, CoverageRecord)] == [
        CoverageRecord("friends/friends.json", "read", count=9)]
    assert names == ["friends/friends.json"]
    assert records[0] == AccountRecord("facebook", None)
    for text in strings(records):
        assert "Ã" not in text and "Å" not in text
