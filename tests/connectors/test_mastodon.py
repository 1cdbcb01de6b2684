"""Mastodon connector: the account archive (tar.gz or extracted), the CSV exports, the real sample."""

from __future__ import annotations

import json
import tarfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.errors import MalformedArchive
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
)
from auditor.sources import Source
from connectors.mastodon import MastodonConnector
from connectors.mastodon.outbox import visibility_of
from tests.helpers import FIXTURES

HERE = FIXTURES / "archives" / "mastodon"
M = "mastodon"
A = "https://therapy.example/users/dana"
S = f"{A}/statuses"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MEDIA = "therapyexample/media_attachments/files/111/000/000/000/000/001/original/0a1b2c3d4e5f6a7b.png"


def t(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def tar_folder(folder: Path, dest: Path, *, top: str | None = None) -> Path:
    """A .tar.gz of a fixture folder, as Mastodon's BackupService delivers the archive."""
    with tarfile.open(dest, "w:gz") as tf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                tf.add(path, f"{top}/{rel}" if top else rel)
    return dest


def read(path: Path, *, include_messages: bool = False) -> list[object]:
    with Source.open(path) as src:
        return list(MastodonConnector().read(src, include_messages=include_messages))


RIVKA = Person(native_id="https://social.example/users/rivka", handle="@rivka@social.example")
MORGAN = Person(native_id="https://therapy.example/users/morgan", handle="@morgan@therapy.example")
LEE = Person(native_id="https://other.example/users/lee")


def status(n: int, kind: str, text: str, when: datetime, visibility: str, **kw: object) -> ContentRecord:
    sid = f"11100000000000000{n}"
    return ContentRecord(M, kind, f"{S}/{sid}", text, when,  # type: ignore[arg-type]
                         url=f"https://therapy.example/@dana/{sid}", visibility=visibility,
                         source_file="outbox.json", **kw)  # type: ignore[arg-type]


def expected_archive(*, include_messages: bool, generated: datetime | None) -> list[object]:
    dm = [InteractionRecord(M, "message", MORGAN, "out", f"{S}/111000000000000005", t(2024, 1, 9, 21, 45)),
          InteractionRecord(M, "message", LEE, "out", f"{S}/111000000000000005", t(2024, 1, 9, 21, 45))]
    if include_messages:
        dm.append(status(5, "message", "@morgan can we move Thursday to 5pm?", t(2024, 1, 9, 21, 45),
                         "direct", mentions=(MORGAN,)))
    datasets = {"post", "reply", "share", "like"} | ({"message"} if include_messages else set())
    read_note = "5 post; 1 reply; 1 share; 1 direct" + (
        "" if include_messages else "; direct messages as participants and dates only")
    return [
        AccountRecord(platform=M, native_id=A, handle="@dana@therapy.example",
                      display_name="Dana Whitlow, LPC",
                      bio="Counselor in Springfield. Posts are not therapy.\nCrisis? Call 988.",
                      website="https://whitlow-counseling.example",
                      links=("https://whitlow-counseling.example",), private=True,
                      created_at=t(2023, 11, 2), url="https://therapy.example/@dana"),
        ExportRecord(partial=False, generated_at=generated, datasets=frozenset(datasets)),
        status(1, "post", "New blog post on #anxiety and sleep:\n\n"
               "https://whitlow-counseling.example/blog/sleep-and-anxiety", t(2024, 1, 5, 9), "public"),
        status(2, "post", "Quiet week.\nBack on Monday.", t(2024, 1, 6, 10, 30), "unlisted"),
        status(3, "post", "work feelings\n\nHard session today; proud of the progress though.",
               t(2024, 1, 7, 20, 15), "followers"),
        status(4, "reply", "@rivka Thank you, that means a lot!", t(2024, 1, 8, 8), "public",
               in_reply_to_id="https://social.example/users/rivka/statuses/111000000000009999",
               in_reply_to=RIVKA, mentions=(RIVKA,)),
        *dm,
        ContentRecord(M, "share", f"{S}/111000000000000006/activity", "", t(2024, 1, 10, 12),
                      url="https://social.example/users/rivka/statuses/111000000000008888",
                      visibility="public", source_file="outbox.json"),
        status(7, "post", "Which time works better for the free webinar?\n\n- Tuesday noon\n"
               "- Thursday evening", t(2024, 1, 11, 16), "public"),
        status(8, "post", "Edited: office closed for the holiday & back on the 15th.",
               t(2024, 1, 12, 7, 30), "public"),
        CoverageRecord("outbox.json", "read", read_note, count=8 if include_messages else 7),
        CoverageRecord("outbox.json", "warning", "totalItems says 9, the outbox holds 8 activities",
                       count=8),
        CoverageRecord("actor.json", "read", count=1),
        InteractionRecord(M, "like", Person(native_id="https://social.example/users/rivka"), "out",
                          "https://social.example/users/rivka/statuses/111000000000008888"),
        InteractionRecord(M, "like", Person(native_id="https://therapy.example/users/morgan"), "out",
                          "https://therapy.example/users/morgan/statuses/111000000000007777"),
        CoverageRecord("likes.json", "read", count=2),
        CoverageRecord("likes.json", "warning", "1 liked status URI(s) do not name their author (not a "
                       "Mastodon server); not recorded", count=1),
        CoverageRecord("avatar.png", "skipped", "profile image"),
        CoverageRecord("bookmarks.json", "skipped", "bookmarks are private saves (status URIs only)"),
        CoverageRecord(MEDIA, "skipped", "media file: Mastodon strips its metadata on upload"),
    ]


def test_archive_tar_gz_read_whole(tmp_path: Path) -> None:
    archive = tar_folder(HERE / "archive-2024",
                         tmp_path / "archive-20240115093000-0123456789abcdef0123456789abcdef.tar.gz")
    assert read(archive) == expected_archive(include_messages=False, generated=t(2024, 1, 15, 9, 30))


def test_extracted_archive_with_messages(tmp_path: Path) -> None:
    assert read(HERE / "archive-2024", include_messages=True) == expected_archive(
        include_messages=True, generated=None)


def test_fixture_keeps_the_duplicate_key_quirk() -> None:
    raw = (HERE / "archive-2024" / "outbox.json").read_text(encoding="utf-8")
    assert '"orderedItems":[],"orderedItems":[' in raw


def test_items_of_both_duplicate_arrays_are_read_once(tmp_path: Path) -> None:
    item = {"id": f"{S}/1/activity", "type": "Create", "actor": A, "to": [PUBLIC], "cc": [],
            "object": {"id": f"{S}/1", "type": "Note", "content": "<p>one</p>", "to": [PUBLIC], "cc": []}}
    item2 = json.loads(json.dumps(item).replace("/1", "/2").replace("one", "two"))
    body = json.dumps(item)
    (tmp_path / "outbox.json").write_text(
        '{"type":"OrderedCollection","orderedItems":[' + body + '],"orderedItems":[' + body + ","
        + json.dumps(item2) + "]}")
    records = read(tmp_path)
    assert [r.text for r in records if isinstance(r, ContentRecord)] == ["one", "two"]
    assert records[0] == AccountRecord(platform=M, native_id=A, handle="@dana@therapy.example")


def test_unknown_activities_are_a_coverage_warning(tmp_path: Path) -> None:
    (tmp_path / "outbox.json").write_text(json.dumps({
        "type": "OrderedCollection", "totalItems": 1, "orderedItems": [
            {"id": f"{S}/9/activity", "type": "Update", "actor": A, "object": {"id": f"{S}/9"}}]}))
    records = read(tmp_path)
    assert CoverageRecord("outbox.json", "warning", "activities not read: Update (1)", count=1) in records
    assert CoverageRecord("outbox.json", "read", "", count=0) in records


def test_malformed_outbox_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "actor.json").write_text(json.dumps({"id": A, "preferredUsername": "dana"}))
    (tmp_path / "outbox.json").write_text('{"orderedItems":[{"id": "x", ')
    with pytest.raises(MalformedArchive, match="outbox.json is not valid JSON"):
        read(tmp_path)


@pytest.mark.parametrize(("to", "cc", "expected"), [
    ([PUBLIC], [f"{A}/followers"], "public"),
    ([f"{A}/followers"], [PUBLIC], "unlisted"),
    (["as:Public"], [], "public"),
    ([f"{A}/followers"], ["https://social.example/users/rivka"], "followers"),
    (["https://social.example/users/rivka"], [], "direct"),
    ([], [], "direct"),
])
def test_visibility_from_addressing(to: list[str], cc: list[str], expected: str) -> None:
    assert visibility_of(to, cc, f"{A}/followers") == expected


# -- the CSV exports -------------------------------------------------------------------------------

def test_following_csv_alone_is_a_source() -> None:
    assert read(HERE / "csv-export-2024" / "following_accounts.csv") == [
        AccountRecord(platform=M, native_id=None),
        ExportRecord(partial=False, datasets=frozenset({"following"})),
        ConnectionRecord(M, "following", Person(handle="@rivka@social.example")),
        ConnectionRecord(M, "following", Person(handle="@morgan@therapy.example")),
        CoverageRecord("following_accounts.csv", "read", count=2),
    ]


def test_follows_and_blocks_exports_together() -> None:
    assert read(HERE / "csv-export-2024") == [
        AccountRecord(platform=M, native_id=None),
        ExportRecord(partial=False, datasets=frozenset({"following", "blocked"})),
        ConnectionRecord(M, "blocked", Person(handle="@troll@bad.example")),
        ConnectionRecord(M, "blocked", Person(handle="@spam@junk.example")),
        CoverageRecord("blocked_accounts.csv", "read", count=2),
        ConnectionRecord(M, "following", Person(handle="@rivka@social.example")),
        ConnectionRecord(M, "following", Person(handle="@morgan@therapy.example")),
        CoverageRecord("following_accounts.csv", "read", count=2),
    ]


def test_legacy_headerless_following_csv() -> None:
    assert read(HERE / "csv-export-legacy") == [
        AccountRecord(platform=M, native_id=None),
        ExportRecord(partial=False, datasets=frozenset({"following"})),
        ConnectionRecord(M, "following", Person(handle="@rivka@social.example")),
        ConnectionRecord(M, "following", Person(handle="@morgan@therapy.example")),
        CoverageRecord("following_accounts.csv", "read", count=2),
        CoverageRecord("following_accounts.csv", "warning", "1 line(s) hold no account address "
                       "(lines 3)", count=1),
    ]


# -- detection -------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["archive-2024", "csv-export-2024", "csv-export-legacy"])
def test_detects_own_fixtures(variant: str, tmp_path: Path) -> None:
    tarred = tar_folder(HERE / variant, tmp_path / "archive.tar.gz", top="export")
    for path in (HERE / variant, tarred):
        with Source.open(path) as src:
            assert MastodonConnector().detect(src)


def test_a_csv_that_only_shares_the_name_is_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "following_accounts.csv").write_text("name,since\nA,2020\n")
    with Source.open(tmp_path / "following_accounts.csv") as src:
        assert not MastodonConnector().detect(src)


# -- the real samples ------------------------------------------------------------------------------

def _independent_visibility(activity: dict) -> str:
    """The rule written out once more, independently of the connector's code."""
    holder = activity["object"] if isinstance(activity["object"], dict) else activity
    to, cc = holder.get("to", []), holder.get("cc", [])
    if PUBLIC in to:
        return "public"
    if PUBLIC in cc:
        return "unlisted"
    if any(u.endswith("/followers") for u in to + cc):
        return "followers"
    return "direct"


@pytest.mark.samples
def test_real_outbox_every_item_with_its_visibility(samples_dir: Path, tmp_path: Path) -> None:
    folder = samples_dir / "mastodon" / "dealingwith-archive"
    # json keeps the last of the duplicate `orderedItems` keys: the real list.
    items = json.loads((folder / "outbox.json").read_text(encoding="utf-8"))["orderedItems"]
    expected = Counter(_independent_visibility(i) for i in items)
    assert sum(expected.values()) == len(items) == 12
    assert set(expected) == {"public", "unlisted", "followers", "direct"}

    archive = tar_folder(folder, tmp_path / "archive.tar.gz")
    records = read(archive, include_messages=True)
    content = [r for r in records if isinstance(r, ContentRecord)]
    assert Counter(r.visibility for r in content) == expected
    assert len({r.native_id for r in content}) == len(items)
    kinds = Counter(r.kind for r in content)
    assert kinds == Counter({"post": 6, "reply": 3, "share": 2, "message": 1})
    assert all(r.kind == "message" for r in content if r.visibility == "direct")

    without = read(archive)
    assert not [r for r in without if isinstance(r, ContentRecord) and r.kind == "message"]
    dm = [r for r in without if isinstance(r, InteractionRecord) and r.kind == "message"]
    assert dm == [InteractionRecord(
        M, "message", Person(native_id="https://indieweb.social/users/obsolete29",
                             handle="@obsolete29@indieweb.social"), "out",
        "https://indieweb.social/users/dealingwith/statuses/109361289517644172", t(2022, 11, 17, 21, 34, 8))]

    assert records[0] == AccountRecord(
        platform=M, native_id="https://indieweb.social/users/dealingwith",
        handle="@dealingwith@indieweb.social", display_name="dealingwith",
        bio="ennui. far too much more info at link below", website="https://daniel.industries",
        links=("https://daniel.industries",), private=False, created_at=t(2022, 11, 7),
        url="https://indieweb.social/@dealingwith")
    likes = [r for r in records if isinstance(r, InteractionRecord) and r.kind == "like"]
    assert len(likes) == 4  # the fifth liked URI (/objects/…) names no author
    assert CoverageRecord("bookmarks.json", "skipped",
                          "bookmarks are private saves (status URIs only)") in records
    assert CoverageRecord("outbox.json", "warning", "totalItems says 1557, the outbox holds 12 "
                          "activities", count=12) in records


@pytest.mark.samples
def test_real_following_csv(samples_dir: Path) -> None:
    records = read(samples_dir / "mastodon" / "following_accounts.csv")
    assert [r for r in records if isinstance(r, ConnectionRecord)] == [
        ConnectionRecord(M, "following", Person(handle="@user@example.com")),
        ConnectionRecord(M, "following", Person(handle="@user@test.com")),
    ]
