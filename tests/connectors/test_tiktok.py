"""TikTok JSON export: whole-record tests on the three layouts, real samples, detection."""

from __future__ import annotations

import json
from datetime import datetime
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
    Record,
)
from auditor.sources import Limits, Source
from connectors.tiktok import TikTokConnector
from tests.helpers import read_checked
from tests.helpers import utc as t

ARCHIVES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
T = "tiktok"
UNREAD = ("watch history, likes and favourites, searches, shares, login history and devices, "
          "recently deleted posts")
NO_TEXT = "chat messages: participants and dates only, text not stored without --include-messages"
ALL = frozenset({"post", "comment", "follower", "following", "blocked"})


def read(path: Path, **kwargs: bool) -> list[Record]:
    return read_checked(TikTokConnector(), path, **kwargs)


def follower(handle: str, when: datetime, relation: str = "follower") -> ConnectionRecord:
    return ConnectionRecord(T, relation, Person(handle=handle), created_at=when)  # type: ignore[arg-type]


@pytest.mark.parametrize("top", [None, "TikTok_Data_1700000000"])
def test_old_layout(make_archive, top: str | None) -> None:
    """`user_data.json` (about 2021-2023): Activity, Video, Profile Information, App Settings."""
    member = f"{top}/user_data.json" if top else "user_data.json"
    assert read(make_archive("archives/tiktok/old-2022", top=top)) == [
        AccountRecord(T, None, handle="jo.hart.lpc", bio="Counselor. Mindfulness tips. Not therapy.",
                      private=True, url="https://www.tiktok.com/@jo.hart.lpc"),
        ExportRecord(partial=False, datasets=ALL),
        follower("sunny.side.sam", t(2022, 1, 4, 10)),
        follower("river.otter.ro", t(2022, 2, 14, 18, 30)),
        follower("calm.corner.counseling", t(2021, 12, 1, 9, 15), "following"),
        follower("not.a.fan.99", t(2022, 2, 20, 8), "blocked"),
        ContentRecord(T, "comment", "20220303T214510Z-224aabd58017",
                      "Breathing exercises help me too, thanks for sharing",
                      created_at=t(2022, 3, 3, 21, 45, 10), source_file=member),
        InteractionRecord(T, "message", Person(handle="river.otter.ro"), direction="in",
                          created_at=t(2022, 3, 4, 9)),
        InteractionRecord(T, "message", Person(handle="river.otter.ro"), direction="out",
                          created_at=t(2022, 3, 4, 9, 5)),
        # Old exports list videos with Date, Link and Likes only: no caption.
        ContentRecord(T, "post", "7061111111111111111", "", created_at=t(2022, 3, 2, 17, 20),
                      url="https://www.tiktokv.com/share/video/7061111111111111111/",
                      source_file=member),
        CoverageRecord(member, "read", f"not read: Ads and data, Tiktok Shopping, {UNREAD}; {NO_TEXT}",
                       count=8),
    ]


def test_2024_layout(make_archive) -> None:
    """`user_data_tiktok.json` (2024): Your Activity, Post, Profile Info; null sections."""
    member = "user_data_tiktok.json"
    assert read(make_archive("archives/tiktok/2024")) == [
        AccountRecord(T, None, handle="jo.hart.lpc", private=False, url="https://www.tiktok.com/@jo.hart.lpc"),
        # Chat history is present (empty) but its text is not read: "message" is not claimed.
        ExportRecord(partial=False, datasets=ALL),
        ContentRecord(T, "comment", "20241102T201000Z-aa6d2d80eb97",
                      "We talk about this with clients all the time",
                      created_at=t(2024, 11, 2, 20, 10), source_file=member),
        ContentRecord(T, "post", "7432000000000000001", "3 grounding tricks for a rough Monday #mentalhealth",
                      created_at=t(2024, 11, 1, 8),
                      url="https://www.tiktokv.com/share/video/7432000000000000001/",
                      visibility="public", source_file=member, place="Portland"),
        # No link: the id is the time plus a hash of the caption.
        ContentRecord(T, "post", "20241105T080000Z-77eaecd33bb0", "draft idea: session notes template",
                      created_at=t(2024, 11, 5, 8), visibility="private", source_file=member),
        follower("sunny.side.sam", t(2024, 10, 30, 12)),
        CoverageRecord(member, "read", "not read: Ads and data, Income Plus Wallet Transactions, "
                       f"Location Review, TikTok Shop, Tiktok Live, {UNREAD}", count=4),
    ]


def test_2025_layout_with_messages(make_archive) -> None:
    """2025+: Profile And Settings holds the profile, settings and follower lists; comments
    dates end in " UTC" and link the video commented on."""
    member = "export/user_data_tiktok.json"
    assert read(make_archive("archives/tiktok/2025", top="export"), include_messages=True) == [
        AccountRecord(T, None, handle="jo.hart.lpc", display_name="Jo Hart, LPC",
                      bio="Jo Hart, LPC | mindfulness", links=("https://www.instagram.com/jo.hart.lpc",),
                      private=False, url="https://www.tiktok.com/@jo.hart.lpc"),
        ExportRecord(partial=False, datasets=ALL | {"message"}),
        ContentRecord(T, "comment", "20250901T190000Z-891395928da7", "So true, rest is productive",
                      created_at=t(2025, 9, 1, 19), in_reply_to_id="7545000000000000002",
                      source_file=member),
        InteractionRecord(T, "message", Person(handle="sunny.side.sam"), direction="out",
                          created_at=t(2025, 9, 2, 8)),
        ContentRecord(T, "message", "20250902T080000Z-98f2d3fa08f1", "Thanks for the follow!",
                      created_at=t(2025, 9, 2, 8), in_reply_to=Person(handle="sunny.side.sam"),
                      visibility="direct", source_file=member),
        ContentRecord(T, "post", "7545000000000000001", "Why I don't give advice in the comments",
                      created_at=t(2025, 8, 30, 7, 45),
                      url="https://www.tiktokv.com/share/video/7545000000000000001/",
                      visibility="followers", source_file=member),
        follower("sunny.side.sam", t(2025, 8, 31, 9)),
        follower("maple.and.moss", t(2025, 9, 1, 10)),
        follower("calm.corner.counseling", t(2025, 8, 1, 9), "following"),
        CoverageRecord(member, "read", "not read: Income+ Wallet, Likes and Favorites, Location Review, "
                       f"TikTok Live, TikTok Shop, {UNREAD}", count=7),
    ]


def test_unknown_sections_are_a_warning(tmp_path: Path) -> None:
    data = {"Profile And Settings": {"Profile Info": {"ProfileMap": {"userName": "a.b"}}},
            "Brand New Section": {"x": 1}, "Comment": {"Comments": {"CommentsList": None}}}
    (tmp_path / "user_data_tiktok.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not from TikTok", encoding="utf-8")
    records = read(tmp_path)
    assert records[1] == ExportRecord(partial=False, datasets=frozenset({"comment"}))
    assert records[2:] == [
        CoverageRecord("user_data_tiktok.json", "read", f"not read: {UNREAD}", count=0),
        CoverageRecord("user_data_tiktok.json", "warning", "sections this connector does not know, "
                       "not read (a newer export layout?): Brand New Section"),
        CoverageRecord("notes.txt", "unrecognized", "not part of a TikTok JSON export"),
    ]


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "user_data.json").write_text('{"Activity": {"Follower List": {"FansList": [', encoding="utf-8")
    with Source.open(tmp_path) as source, pytest.raises(MalformedArchive, match="user_data.json"):
        list(TikTokConnector().read(source))


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "user_data.json").write_text('{"Activity": ' + "[" * 80 + "]" * 80 + "}", encoding="utf-8")
    with Source.open(tmp_path, Limits(max_depth=64)) as source, pytest.raises(MalformedArchive, match="nests deeper"):
        list(TikTokConnector().read(source))


def test_detects_own_fixtures_only(tmp_path: Path) -> None:
    for variant in sorted((ARCHIVES / T).iterdir()):
        with Source.open(variant) as source:
            assert TikTokConnector().detect(source), variant
    for variant in sorted(ARCHIVES.glob("*/*")):
        if variant.parent.name != T and variant.is_dir():
            with Source.open(variant) as source:
                assert not TikTokConnector().detect(source), variant
    (tmp_path / "user_data.json").write_text('{"settings": {"theme": "dark"}}', encoding="utf-8")
    with Source.open(tmp_path) as source:
        assert not TikTokConnector().detect(source)


@pytest.mark.samples
def test_real_samples(samples_dir: Path) -> None:
    old = read(samples_dir / "tiktok" / "hestia-fake-2022")
    assert old[0] == AccountRecord(T, None, handle="john.lennon", bio="Hi It's John", private=True,
                                   url="https://www.tiktok.com/@john.lennon")
    assert _counts(old) == {"AccountRecord": 1, "ExportRecord": 1, "ConnectionRecord": 9,
                            "ContentRecord": 3, "InteractionRecord": 6, "CoverageRecord": 1}
    assert {r.relation for r in old if isinstance(r, ConnectionRecord)} == {"follower", "following", "blocked"}

    new = read(samples_dir / "tiktok" / "laminelsu-2024-12-testaccount", include_messages=True)
    assert new[:2] == [
        AccountRecord(T, None, handle="user", private=False, url="https://www.tiktok.com/@user"),
        ExportRecord(partial=False, datasets=ALL | {"message"}),
    ]
    assert _counts(new) == {"AccountRecord": 1, "ExportRecord": 1, "CoverageRecord": 1}


def _counts(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[type(r).__name__] = counts.get(type(r).__name__, 0) + 1
    return counts
