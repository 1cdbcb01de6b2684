"""The Instagram connector (Threads included) on tiny fixtures of the 2021-23, 2024 and 2025+
layouts, on Meta's quirks (mojibake in keys and values, localised labels, wrapped and bare lists,
split parts) and on the real samples.

Fixtures live unzipped under fixtures/archives/instagram/<variant>/ and are zipped at test time,
with and without a top folder.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import UnrecognizedArchive
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
from connectors._meta import label_values, parse_flag, username
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from tests.helpers import strings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
VARIANTS = ("v2022", "v2024", "v2025")
TOP = "instagram-ana.lucia.photos-2025-03-10-qW3rTy"


def ts(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def read(path: Path, *, include_messages: bool = False) -> list[Record]:
    with Source.open(path) as source:
        return list(InstagramConnector().read(source, include_messages=include_messages))


def meta_json(obj: Any) -> str:
    """JSON the way Meta writes it: every non-ASCII UTF-8 byte as its own \\u00XX escape."""
    def moj(v: Any) -> Any:
        if isinstance(v, str):
            return v.encode("utf-8").decode("latin-1")
        if isinstance(v, dict):
            return {moj(k): moj(x) for k, x in v.items()}
        if isinstance(v, list):
            return [moj(x) for x in v]
        return v
    return json.dumps(moj(obj), ensure_ascii=True, indent=2)


# -- whole records, every layout version -------------------------------------------------------

THREADS_POSTS = "your_instagram_activity/threads/threads_and_replies.json"

EXPECTED: dict[str, list[Record]] = {
    "v2022": [
        AccountRecord("instagram", None, handle="ana.lucia.photos", display_name="Ana Lúcia Ferreira", bio="Photos, lacs et café ☕ — Montréal", private=True, url="https://www.instagram.com/ana.lucia.photos"),
        ExportRecord(datasets=frozenset({'caption', 'comment', 'follower', 'following', 'like'})),
        CoverageRecord("account_information/personal_information.json", "read", count=1),
        ContentRecord("instagram", "caption", "1655294400-3a5ab3e1", "Coucher de soleil sur Łódź 🌅 #sunset", created_at=ts(1655294400), source_file="content/posts_1.json", latitude=51.7592, longitude=19.456),
        MediaRecord("instagram", "media/posts/202206/17900000000000001.jpg", content_id="1655294400-3a5ab3e1", latitude=51.7592, longitude=19.456),
        ContentRecord("instagram", "caption", "1657886400-dd16aef0", "Week-end avec Zoë et María", created_at=ts(1657886400), source_file="content/posts_1.json"),
        MediaRecord("instagram", "media/posts/202207/17900000000000002.jpg", content_id="1657886400-dd16aef0"),
        MediaRecord("instagram", "media/posts/202207/17900000000000003.jpg", content_id="1657886400-dd16aef0"),
        CoverageRecord("content/posts_1.json", "read", count=2),
        ContentRecord("instagram", "caption", "story:1660000000-79eb8ba0", "", created_at=ts(1660000000), source_file="content/stories.json", latitude=45.5017, longitude=-73.5673),
        MediaRecord("instagram", "media/stories/202208/17800000000000001.mp4", content_id="story:1660000000-79eb8ba0", latitude=45.5017, longitude=-73.5673),
        CoverageRecord("content/stories.json", "read", count=1),
        ContentRecord("instagram", "comment", "1660100000-6ab95268", "Magnifique photo, Łukasz !", created_at=ts(1660100000), in_reply_to=Person(handle="lukasz.zolw"), source_file="comments/post_comments.json"),
        InteractionRecord("instagram", "comment", Person(handle="lukasz.zolw"), item_id="1660100000-6ab95268", created_at=ts(1660100000)),
        CoverageRecord("comments/post_comments.json", "read", count=1),
        InteractionRecord("instagram", "like", Person(handle="zoe.bronte"), item_id="https://www.instagram.com/p/CgZ0eExAmPlE1/", created_at=ts(1660200000)),
        CoverageRecord("likes/liked_posts.json", "read", count=1),
        ConnectionRecord("instagram", "follower", Person(handle="maria.gonzalez", url="https://www.instagram.com/maria.gonzalez"), created_at=ts(1600000000)),
        ConnectionRecord("instagram", "follower", Person(handle="zoe.bronte", url="https://www.instagram.com/zoe.bronte"), created_at=ts(1600100000)),
        CoverageRecord("followers_and_following/followers.json", "read", count=2),
        ConnectionRecord("instagram", "following", Person(handle="lukasz.zolw", url="https://www.instagram.com/lukasz.zolw"), created_at=ts(1600200000)),
        CoverageRecord("followers_and_following/following.json", "read", count=1),
        InteractionRecord("instagram", "message", Person(name="Zoë Brontë"), item_id="inbox/zoebronte_987654321/1660300000000", created_at=ts(1660300000)),
        CoverageRecord("messages/inbox/zoebronte_987654321/message_1.json", "read", count=1),
        CoverageRecord("media/posts/202206/17900000000000001.jpg", "skipped", reason="media file: its bytes are not read (the JSON that lists it gives its metadata)"),
    ],
    "v2024": [
        AccountRecord("instagram", None, handle="ana.lucia.photos", display_name="Ana Lúcia Ferreira", bio="Lakes, light and coffee ☕ | LMFT in training", website="https://example.org/ana", links=("https://example.org/ana",), private=False, url="https://www.instagram.com/ana.lucia.photos"),
        ExportRecord(datasets=frozenset({'caption', 'comment', 'follower', 'following', 'like'})),
        CoverageRecord("personal_information/personal_information/personal_information.json", "read", count=1),
        ContentRecord("instagram", "caption", "1715000000-62f5e7b8", "New office plants 🌿 thanks @zoe.bronte", created_at=ts(1715000000), source_file="your_instagram_activity/content/posts_1.json", latitude=45.5088, longitude=-73.5878),
        MediaRecord("instagram", "media/posts/202405/18000000000000001.jpg", content_id="1715000000-62f5e7b8", latitude=45.5088, longitude=-73.5878),
        CoverageRecord("your_instagram_activity/content/posts_1.json", "read", count=1),
        ContentRecord("instagram", "caption", "reel:1715100000-6dd1a98f", "A minute of calm 🌊", created_at=ts(1715100000), source_file="your_instagram_activity/content/reels.json"),
        MediaRecord("instagram", "media/reels/202405/18100000000000001.mp4", content_id="reel:1715100000-6dd1a98f"),
        CoverageRecord("your_instagram_activity/content/reels.json", "read", count=1),
        ContentRecord("instagram", "comment", "1715200000-959ae2cc", "Congratulations María! 🎉", created_at=ts(1715200000), in_reply_to=Person(handle="maria.gonzalez"), source_file="your_instagram_activity/comments/post_comments_1.json"),
        InteractionRecord("instagram", "comment", Person(handle="maria.gonzalez"), item_id="1715200000-959ae2cc", created_at=ts(1715200000)),
        ContentRecord("instagram", "comment", "1715300000-eb06402d", "Thank you all ❤️", created_at=ts(1715300000), source_file="your_instagram_activity/comments/post_comments_1.json"),
        CoverageRecord("your_instagram_activity/comments/post_comments_1.json", "read", count=2),
        InteractionRecord("instagram", "like", Person(handle="kenji.watanabe"), item_id="https://www.instagram.com/p/C6ExAmPlE02/", created_at=ts(1715400000)),
        CoverageRecord("your_instagram_activity/likes/liked_posts.json", "read", count=1),
        ConnectionRecord("instagram", "follower", Person(handle="maria.gonzalez", url="https://www.instagram.com/maria.gonzalez"), created_at=ts(1700000000)),
        ConnectionRecord("instagram", "follower", Person(handle="kenji.watanabe", url="https://www.instagram.com/kenji.watanabe"), created_at=ts(1700100000)),
        CoverageRecord("connections/followers_and_following/followers_1.json", "read", count=2),
        ConnectionRecord("instagram", "follower", Person(handle="ngozi.okafor", url="https://www.instagram.com/ngozi.okafor"), created_at=ts(1700200000)),
        CoverageRecord("connections/followers_and_following/followers_2.json", "read", count=2),
        ConnectionRecord("instagram", "following", Person(handle="zoe.bronte", url="https://www.instagram.com/zoe.bronte"), created_at=ts(1700300000)),
        CoverageRecord("connections/followers_and_following/following.json", "read", count=1),
        CoverageRecord("ads_information/instagram_ads_and_businesses/advertisers_using_your_activity_or_information.json", "skipped", reason="not audited: ads_information (settings, ads, logs or activity telemetry)"),
        CoverageRecord("connections/followers_and_following/close_friends.json", "skipped", reason="close friends and hidden-story lists: no connection relation for them yet"),
        CoverageRecord("media/posts/202405/18000000000000001.jpg", "skipped", reason="media file: its bytes are not read (the JSON that lists it gives its metadata)"),
        AccountRecord("threads", None, handle="ana.lucia.photos", display_name="Ana Lúcia Ferreira", bio="Threads about light and lakes", private=False, url="https://www.threads.com/@ana.lucia.photos"),
        ExportRecord(datasets=frozenset({'follower', 'following', 'like', 'post', 'reply'})),
        CoverageRecord("your_instagram_activity/threads/personal_information.json", "read", count=1),
        ContentRecord("threads", "post", "1716000000-bce687c4", "Café thoughts — Zoë’s recipe is the best ☕", created_at=ts(1716000000), source_file=THREADS_POSTS),
        ContentRecord("threads", "reply", "1716100000-9f49c62c", "Agreed, Łukasz!", created_at=ts(1716100000), source_file=THREADS_POSTS),
        ContentRecord("threads", "post", "1716200000-3202aefe", "Two views of the lake", created_at=ts(1716200000), source_file=THREADS_POSTS),
        MediaRecord("threads", "media/threads/202405/18200000000000001.jpg", content_id="1716200000-3202aefe"),
        MediaRecord("threads", "media/threads/202405/18200000000000002.jpg", content_id="1716200000-3202aefe"),
        CoverageRecord(THREADS_POSTS, "read", count=3),
        InteractionRecord("threads", "like", Person(handle="lukasz.zolw"), item_id="https://www.threads.com/@lukasz.zolw/post/DAbExAmPlE1", created_at=ts(1716600000)),
        CoverageRecord("your_instagram_activity/threads/liked_threads.json", "read", count=1),
        ConnectionRecord("threads", "follower", Person(handle="zoe.bronte", name="Zoë Brontë", url="https://www.threads.com/zoe.bronte"), created_at=ts(1716300000)),
        ConnectionRecord("threads", "follower", Person(handle="kenji.watanabe", url="https://www.threads.com/kenji.watanabe"), created_at=ts(1716400000)),
        CoverageRecord("your_instagram_activity/threads/followers.json", "read", count=2),
        ConnectionRecord("threads", "following", Person(handle="maria.gonzalez", name="María González", url="https://www.threads.net/maria.gonzalez"), created_at=ts(1716500000)),
        CoverageRecord("your_instagram_activity/threads/following.json", "read", count=1),
        CoverageRecord("your_instagram_activity/threads/threads_viewed.json", "skipped", reason="Threads viewing, saving and settings data, not posts or people"),
    ],
    "v2025": [
        AccountRecord("instagram", None, handle="ana.lucia.photos", display_name="Ana Lúcia Ferreira", private=True, url="https://www.instagram.com/ana.lucia.photos"),
        ExportRecord(datasets=frozenset({'caption', 'follower', 'following'})),
        CoverageRecord("personal_information/personal_information/personal_information.json", "read", count=1),
        CoverageRecord("security_and_login_information/login_and_profile_creation/profile_privacy_changes.json", "read", count=1),
        ContentRecord("instagram", "caption", "1741000000-38c3f0ea", "Spring is coming 🌸", created_at=ts(1741000000), source_file="your_instagram_activity/media/posts_1.json"),
        MediaRecord("instagram", "media/posts/202503/18300000000000001.jpg", content_id="1741000000-38c3f0ea"),
        CoverageRecord("your_instagram_activity/media/posts_1.json", "read", count=1),
        ConnectionRecord("instagram", "follower", Person(handle="maria.gonzalez", url="https://www.instagram.com/maria.gonzalez"), created_at=ts(1740100000)),
        CoverageRecord("connections/followers_and_following/followers_1.json", "read", count=1),
        ConnectionRecord("instagram", "following", Person(handle="zoe.bronte", url="https://www.instagram.com/_u/zoe.bronte"), created_at=ts(1740200000)),
        ConnectionRecord("instagram", "following", Person(handle="lukasz.zolw", url="https://www.instagram.com/_u/lukasz.zolw"), created_at=ts(1740300000)),
        CoverageRecord("connections/followers_and_following/following.json", "read", count=2),
        CoverageRecord("logged_information/past_instagram_insights/profile_reach.json", "skipped", reason="not audited: logged_information (settings, ads, logs or activity telemetry)"),
    ],
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_layout_version_reads_to_whole_records(variant: str) -> None:
    assert read(FIXTURES / "instagram" / variant) == EXPECTED[variant]


@pytest.mark.parametrize("top", [None, TOP])
@pytest.mark.parametrize("variant", VARIANTS)
def test_zipped_with_or_without_top_folder_reads_the_same(make_archive, variant: str, top: str | None) -> None:
    archive = make_archive(f"archives/instagram/{variant}", top=top)
    with Source.open(archive) as source:
        assert InstagramConnector().detect(source)
        assert not FacebookConnector().detect(source)
    assert read(archive) == EXPECTED[variant]  # paths are taken from the export root


def test_threads_records_follow_their_own_account_after_every_instagram_record() -> None:
    records = read(FIXTURES / "instagram" / "v2024")
    accounts = [i for i, r in enumerate(records) if isinstance(r, AccountRecord)]
    assert [records[i].platform for i in accounts] == ["instagram", "threads"]  # type: ignore[attr-defined]
    split = accounts[1]
    platforms = {getattr(r, "platform", None) for r in records[:split]} - {None}
    assert platforms == {"instagram"}
    assert {getattr(r, "platform", None) for r in records[split:]} - {None} == {"threads"}
    assert all(c.file.split("/")[-2] == "threads" for c in records[split:] if isinstance(c, CoverageRecord))


def test_an_export_of_threads_alone_starts_with_the_threads_account(tmp_path: Path) -> None:
    src = FIXTURES / "instagram" / "v2024" / "your_instagram_activity" / "threads"
    shutil.copytree(src, tmp_path / "your_instagram_activity" / "threads")
    records = read(tmp_path)
    assert records[0] == next(r for r in EXPECTED["v2024"]
                              if isinstance(r, AccountRecord) and r.platform == "threads")
    assert not [r for r in records if getattr(r, "platform", "threads") != "threads"]


def test_messages_give_participants_and_dates_and_text_only_on_request() -> None:
    folder = FIXTURES / "instagram" / "v2022"
    thread = "inbox/zoebronte_987654321"
    assert [r for r in read(folder) if isinstance(r, InteractionRecord) and r.kind == "message"] == [
        InteractionRecord("instagram", "message", Person(name="Zoë Brontë"), "out",
                          item_id=f"{thread}/1660300000000", created_at=ts(1660300000))]
    assert not [r for r in read(folder) if isinstance(r, ContentRecord) and r.kind == "message"]
    texts = [r for r in read(folder, include_messages=True) if isinstance(r, ContentRecord) and r.kind == "message"]
    assert texts == [ContentRecord("instagram", "message", f"{thread}/1660300000000", "Merci pour hier 😊",
                                   created_at=ts(1660300000), visibility="direct",
                                   source_file=f"messages/{thread}/message_1.json")]


# -- Meta's quirks -----------------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_no_mojibake_in_any_yielded_string(variant: str) -> None:
    folder = FIXTURES / "instagram" / variant
    raw = "".join(p.read_text("ascii") for p in folder.rglob("*.json"))
    assert "\\u00c3" in raw or "\\u00c5" in raw or "\\u00f0" in raw
    for text in strings(read(folder, include_messages=True)):
        assert "Ã" not in text and "â€" not in text and "ð" not in text, text


LANGUAGES = [
    ("English", "Private Account", "True", True),
    ("English", "Private Account", "False", False),
    ("English", "Private account", "Yes", True),
    ("French", "Compte privé", "True", True),
    ("French", "Compte privé", "Non", False),
    ("French", "Compte privé", "Oui", True),
    ("German", "Privates Konto", "Ja", True),
    ("German", "Privates Konto", "False", False),
    ("Spanish", "Cuenta privada", "Sí", True),
    ("Spanish", "Cuenta privada", "No", False),
    ("Portuguese", "Conta privada", "Sim", True),
    ("Portuguese", "Conta privada", "Não", False),
    ("Italian", "Account privato", "Sì", True),
    ("Italian", "Account privato", "False", False),
]


@pytest.mark.parametrize(("language", "label", "value", "private"), LANGUAGES)
def test_private_flag_in_six_languages(tmp_path: Path, language: str, label: str, value: str,
                                       private: bool) -> None:
    path = tmp_path / "personal_information" / "personal_information" / "personal_information.json"
    path.parent.mkdir(parents=True)
    path.write_text(meta_json({"profile_user": [{"title": "", "media_map_data": {}, "string_map_data": {
        "Nom d’utilisateur" if language == "French" else "Username": {"href": "", "value": "zoe.bronte", "timestamp": 0},
        label: {"href": "", "value": value, "timestamp": 0}}}]}), "ascii")
    account = read(tmp_path)[0]
    assert account == AccountRecord("instagram", None, handle="zoe.bronte", private=private,
                                    url="https://www.instagram.com/zoe.bronte")


def test_private_flag_accepts_a_json_boolean_and_unknown_stays_none() -> None:
    assert parse_flag(True) is True and parse_flag("FALSE") is False
    assert parse_flag("maybe") is None and parse_flag(None) is None


def test_usernames_fall_back_from_value_to_title_to_href() -> None:
    def item(title: str, **entry: Any) -> dict[str, Any]:
        return {"title": title, "media_list_data": [], "string_list_data": [entry]}

    assert username(item("", href="https://www.instagram.com/zoe.bronte", value="zoe.bronte")) == "zoe.bronte"
    assert username(item("maria.gonzalez", href="https://www.instagram.com/_u/maria.gonzalez")) == "maria.gonzalez"
    assert username(item("", href="https://www.instagram.com/_u/lukasz.zolw", timestamp=1)) == "lukasz.zolw"
    assert username(item("", href="https://www.threads.com/@kenji.watanabe")) == "kenji.watanabe"
    assert username(item("")) is None


def test_label_values_items_read_values_hrefs_and_nested_dicts() -> None:
    item = {"timestamp": 1740000000, "media": [], "fbid": "123", "label_values": [
        {"label": "URL", "value": "https://www.instagram.com/p/C7ExAmPlE/", "href": "https://www.instagram.com/p/C7ExAmPlE/"},
        {"label": "Owner", "value": "zoe.bronte"},
        {"label": "Declared city", "dict": [{"label": "City", "value": "Montréal"}, {"label": "Country", "value": "Canada"}]},
        {"label": "Tags", "vec": [{"value": "lake"}, {"value": "café"}]},
    ]}
    assert label_values(item) == {
        "URL": "https://www.instagram.com/p/C7ExAmPlE/", "URL#href": "https://www.instagram.com/p/C7ExAmPlE/",
        "Owner": "zoe.bronte", "Declared city": {"City": "Montréal", "Country": "Canada"}, "Tags": ["lake", "café"]}


def test_wrapped_and_bare_follower_files_and_split_parts_merge_without_duplicates() -> None:
    wrapped = [r.person.handle for r in read(FIXTURES / "instagram" / "v2022")
               if isinstance(r, ConnectionRecord) and r.relation == "follower"]
    bare = [r.person.handle for r in read(FIXTURES / "instagram" / "v2024")
            if isinstance(r, ConnectionRecord) and r.platform == "instagram" and r.relation == "follower"]
    assert wrapped == ["maria.gonzalez", "zoe.bronte"]
    assert bare == ["maria.gonzalez", "kenji.watanabe", "ngozi.okafor"]  # kenji repeats in part 2


def _reexport(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    for posts in dest.rglob("posts_1.json"):
        posts.write_text(json.dumps(json.loads(posts.read_text("ascii"))[::-1], ensure_ascii=True), "ascii")
    threads = dest / "your_instagram_activity" / "threads" / "threads_and_replies.json"
    if threads.exists():
        data = json.loads(threads.read_text("ascii"))
        data["text_post_app_text_posts"].reverse()
        threads.write_text(json.dumps(data, ensure_ascii=True), "ascii")
    return dest


@pytest.mark.parametrize("variant", VARIANTS)
def test_post_ids_are_stable_across_reads_and_a_reordered_reexport(tmp_path: Path, variant: str) -> None:
    folder = FIXTURES / "instagram" / variant

    def ids(records: list[Record]) -> set[tuple[str, str, str]]:
        return {(r.platform, r.native_id, r.text) for r in records if isinstance(r, ContentRecord)}

    first = ids(read(folder))
    assert first == ids(read(folder))
    assert ids(read(_reexport(folder, tmp_path / "later"))) == first


def test_html_export_is_refused_with_a_request_for_json(tmp_path: Path) -> None:
    for rel in ("your_instagram_activity/content/posts_1.html",
                "connections/followers_and_following/followers_1.html",
                "personal_information/personal_information/personal_information.html"):
        path = tmp_path / TOP / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!DOCTYPE html><html><body>zoe.bronte</body></html>\n", "ascii")
    with Source.open(tmp_path) as source:
        assert InstagramConnector().detect(source)
        assert not FacebookConnector().detect(source)
        with pytest.raises(UnrecognizedArchive, match="choose Format: JSON"):
            list(InstagramConnector().read(source))


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_file_gets_one_coverage_record(variant: str) -> None:
    folder = FIXTURES / "instagram" / variant
    records = read(folder)
    with Source.open(folder) as source:
        assert sorted(c.file for c in records if isinstance(c, CoverageRecord)) == sorted(source.names())
    assert isinstance(records[0], AccountRecord) and isinstance(records[1], ExportRecord)


# -- detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["v2019", "v2021", "v2023", "v2024"])
def test_facebook_exports_are_not_instagram(variant: str) -> None:
    with Source.open(FIXTURES / "facebook" / variant) as source:
        assert not InstagramConnector().detect(source)


def test_x_archives_are_not_instagram(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("manifest.js", "tweets.js", "follower.js", "following.js", "personal-information.js"):
        (data / name).write_text("window.YTD.x.part0 = []", "ascii")
    with Source.open(tmp_path) as source:
        assert not InstagramConnector().detect(source)


# -- the real samples --------------------------------------------------------------------------

def _items(path: Path) -> list[Any]:
    data = json.loads(path.read_text("utf-8"))
    return data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))


@pytest.mark.samples
def test_real_2022_french_sample_is_read_fully(samples_dir: Path) -> None:
    folder = samples_dir / "instagram" / "hestia-fake-2022"
    root = folder / "Instagram-fake-data"
    with Source.open(folder) as source:
        assert InstagramConnector().detect(source)
        assert not FacebookConnector().detect(source)
        names = source.names()
    records = read(folder)
    assert records[0] == AccountRecord("instagram", None, handle="johndoe", display_name="John Lennon",
                                       private=True, url="https://www.instagram.com/johndoe")
    coverage = {r.file: r for r in records if isinstance(r, CoverageRecord)}
    # File names are taken from the export root, inside the kit's top folder.
    assert sorted(f"Instagram-fake-data/{f}" for f in coverage) == sorted(names)
    for rel, kind in [("content/posts_1.json", "caption"), ("content/stories.json", "caption")]:
        n = len(_items(root / rel))
        assert coverage[rel] == CoverageRecord(rel, "read", count=n)
        assert len([r for r in records if isinstance(r, ContentRecord) and r.source_file == rel]) == n
    assert [r.person.handle for r in records if isinstance(r, InteractionRecord) and r.kind == "like"] == [
        "brittany.petty", "candace.wright", "anthony.williams"]
    followers = [r for r in records if isinstance(r, ConnectionRecord) and r.relation == "follower"]
    following = [r for r in records if isinstance(r, ConnectionRecord) and r.relation == "following"]
    assert len(followers) == len(_items(root / "followers_and_following" / "followers.json")) == 5
    assert len(following) == len(_items(root / "followers_and_following" / "following.json")) == 5
    assert followers[0] == ConnectionRecord("instagram", "follower", Person(
        handle="david.holmes", url="https://www.instagram.com/david.holmes"), created_at=ts(1351500658))
    posts = [r for r in records if isinstance(r, ContentRecord) and r.kind == "caption"]
    assert posts[0] == ContentRecord("instagram", "caption", posts[0].native_id, "Cover task artist left less pretty.",
                                     created_at=ts(1609544948), source_file="content/posts_1.json",
                                     latitude=-15.21194, longitude=-75.11028)
    assert all(c.status == "read" for c in coverage.values())
    for text in strings(records):
        assert "Ã" not in text and "ð" not in text


@pytest.mark.samples
def test_real_2024_sample_is_read_fully(samples_dir: Path) -> None:
    folder = samples_dir / "instagram" / "rmaatougui-synthetic"
    with Source.open(folder) as source:
        assert InstagramConnector().detect(source)
        assert not FacebookConnector().detect(source)
        names = source.names()
    records = read(folder)
    assert records[0] == AccountRecord("instagram", None, handle="example_user", display_name="Example User",
                                       private=False, url="https://www.instagram.com/example_user")
    assert sorted(r.file for r in records if isinstance(r, CoverageRecord)) == sorted(names)
    assert all(r.status == "read" for r in records if isinstance(r, CoverageRecord))
    assert [r.person.handle for r in records if isinstance(r, ConnectionRecord) and r.relation == "follower"] == [
        "sample_follower", "example_follower"]
    assert [r.person.handle for r in records if isinstance(r, ConnectionRecord) and r.relation == "following"] == [
        "example_creator", "sample_photographer", "demo_kitchen"]
    comment = next(r for r in records if isinstance(r, ContentRecord) and r.kind == "comment")
    assert comment == ContentRecord("instagram", "comment", comment.native_id, "Nice example!",
                                    created_at=ts(1736147100), in_reply_to=Person(handle="example_creator"),
                                    source_file="your_instagram_activity/comments/post_comments_1.json")
    assert InteractionRecord("instagram", "comment", Person(handle="example_creator"), item_id=comment.native_id,
                             created_at=ts(1736147100)) in records
