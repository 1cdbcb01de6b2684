"""LinkedIn connector: the Basic and Complete zips, every date format, the CSV quirks, the real sample."""

from __future__ import annotations

import csv
import io
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
from connectors.linkedin import LinkedInConnector
from connectors.linkedin.activity import clean_commentary, item_urn
from connectors.linkedin.dates import linkedin_time
from connectors.linkedin.profile import split_recipients
from tests.helpers import FIXTURES, zip_folder

HERE = FIXTURES / "archives" / "linkedin"
LI = "linkedin"


def t(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def read(path: Path, *, include_messages: bool = False) -> list[object]:
    with Source.open(path) as src:
        return list(LinkedInConnector().read(src, include_messages=include_messages))


DANA = "https://www.linkedin.com/in/dana-whitlow-lpc"
MORGAN = Person(name="Morgan Vale", url="https://www.linkedin.com/in/morgan-vale-12ab")
JULES = Person(name="Jules Marrow", url="https://www.linkedin.com/in/jules-marrow-7c1d")
AVERY = Person(name="Avery Quill", url="https://www.linkedin.com/in/avery-quill")

BASIC_ACCOUNT = AccountRecord(
    platform=LI, native_id="dana-whitlow-lpc", handle="dana-whitlow-lpc", display_name="Dana Whitlow",
    bio="Licensed Professional Counselor (LPC) | Anxiety & trauma\n\n"
        "I help adults work through anxiety.\nSliding-scale sessions available.",
    website="https://whitlow-counseling.example", location="Springfield, Illinois, United States",
    links=("https://whitlow-counseling.example", "https://x.com/danawhitlow"),
    categories=("Mental Health Care",), url=DANA)


def test_basic_zip_is_partial_and_read_whole(tmp_path: Path) -> None:
    archive = zip_folder(HERE / "basic-2022", tmp_path / "Basic_LinkedInDataExport_12-05-2022.zip")
    assert read(archive) == [
        BASIC_ACCOUNT,
        ExportRecord(partial=True, datasets=frozenset({"connection"})),
        ConnectionRecord(LI, "connection", Person(name="Avery Quill"), t(2009, 3, 15)),
        ConnectionRecord(LI, "connection", Person(name="Rowan Thistle"), t(2012, 12, 4)),
        CoverageRecord("Connections.csv", "read", count=2),
        CoverageRecord("Connections.csv", "warning", "1 connection(s) with neither a name nor a "
                       "profile URL (LinkedIn hides members who opted out) not read", count=1),
        CoverageRecord("Invitations.csv", "skipped", "pending invitations have no record type yet; "
                       "read only to find the owner's profile URL"),
        CoverageRecord("Profile.csv", "read", count=1),
        InteractionRecord(LI, "message", MORGAN, "in", "2-Zm9vYmFy", t(2022, 9, 6, 10)),
        InteractionRecord(LI, "message", MORGAN, "out", "2-Zm9vYmFy", t(2022, 9, 6, 11, 30)),
        CoverageRecord("messages.csv", "read", count=2),
    ]


def test_basic_marker_in_a_top_folder_makes_it_partial(tmp_path: Path) -> None:
    archive = zip_folder(HERE / "complete-2025", tmp_path / "export.zip",
                         top="Basic_LinkedInDataExport_05-07-2026")
    export = read(archive)[1]
    assert isinstance(export, ExportRecord) and export.partial


def test_complete_zip_read_whole(tmp_path: Path) -> None:
    archive = zip_folder(HERE / "complete-2025", tmp_path / "Complete_LinkedInDataExport_05-08-2026.zip")
    shares = "Shares_155814142.csv"
    assert read(archive) == [
        AccountRecord(platform=LI, native_id="dana-whitlow-lpc", handle="dana-whitlow-lpc",
                      display_name="Dana Whitlow", bio="LPC, private practice",
                      website="https://whitlow-counseling.example",
                      location="Springfield, Illinois, United States",
                      links=("https://whitlow-counseling.example", "https://clinic.example"),
                      categories=("Mental Health Care",), url=DANA),
        ExportRecord(partial=False, datasets=frozenset({"connection", "post", "share", "comment",
                                                        "following"})),
        ContentRecord(LI, "comment", "urn:li:comment:(activity:7326000000000000004,7326100000000000005)",
                      'Well said, "boundaries" matter.\nThanks for sharing.', t(2026, 5, 8, 7, 15, 2),
                      url="https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7326000000000000004"
                          "?commentUrn=urn%3Ali%3Acomment%3A%28activity%3A7326000000000000004%2C"
                          "7326100000000000005%29",
                      in_reply_to_id="urn:li:activity:7326000000000000004", source_file="Comments.csv"),
        ContentRecord(LI, "comment", "20260509T182000Z-451fe723", "Congratulations!",
                      t(2026, 5, 9, 18, 20),
                      url="https://www.linkedin.com/feed/update/urn:li:activity:7327000000000000006/",
                      in_reply_to_id="urn:li:activity:7327000000000000006", source_file="Comments.csv"),
        CoverageRecord("Comments.csv", "read", count=2),
        ConnectionRecord(LI, "following", Person(name="Springfield Counseling Association"),
                         t(2026, 9, 5, 8, 12, 14)),
        CoverageRecord("Company Follows.csv", "read", count=1),
        ConnectionRecord(LI, "connection", AVERY, t(2009, 3, 15)),
        ConnectionRecord(LI, "connection", JULES, t(2024, 1, 1)),
        CoverageRecord("Connections.csv", "read", count=2),
        CoverageRecord("Connections.csv", "warning", "1 connection(s) with neither a name nor a "
                       "profile URL (LinkedIn hides members who opted out) not read", count=1),
        CoverageRecord("Positions.csv", "skipped", "LinkedIn file not used by the audit"),
        CoverageRecord("Profile.csv", "read", count=1),
        CoverageRecord("Reactions.csv", "skipped", "reactions name the post, not its author: there "
                       "is no person to record"),
        ContentRecord(LI, "post", "urn:li:share:7325841123456789012",
                      'Grateful for a week of "small wins" with the team.\nNew group starts in June.',
                      t(2026, 5, 7, 16, 41, 18),
                      url="https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7325841123456789012",
                      visibility="public", source_file=shares),
        ContentRecord(LI, "post", "urn:li:ugcPost:7312000000000000001",
                      'First line of a long post\nSecond line with "quotes"', t(2026, 4, 1, 9, 5),
                      url="https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7312000000000000001",
                      visibility="followers", source_file=shares),
        ContentRecord(LI, "share", "urn:li:share:7306000000000000002", "", t(2026, 3, 15, 12),
                      url="https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7306000000000000002",
                      visibility="followers", source_file=shares),
        CoverageRecord(shares, "read", count=3),
        CoverageRecord(shares, "warning", "1 row(s) with a different number of cells than the header "
                       "(6) skipped; line(s) 7", count=1),
        InteractionRecord(LI, "message", JULES, "out", "2-YmF6cXV4", t(2026, 5, 10, 9)),
        InteractionRecord(LI, "message", AVERY, "out", "2-YmF6cXV4", t(2026, 5, 10, 9)),
        InteractionRecord(LI, "message", JULES, "in", "2-YmF6cXV4", t(2026, 5, 10, 9, 30)),
        CoverageRecord("messages.csv", "read", count=3),
    ]


def test_message_text_only_with_include_messages() -> None:
    without = read(HERE / "complete-2025")
    with_text = read(HERE / "complete-2025", include_messages=True)
    assert not [r for r in without if isinstance(r, ContentRecord) and r.kind == "message"]
    messages = [r for r in with_text if isinstance(r, ContentRecord) and r.kind == "message"]
    assert messages == [ContentRecord(
        LI, "message", "2-YmF6cXV4/20260510T090000Z-e632ad75",
        "Are you both free to talk about the referral?", t(2026, 5, 10, 9), visibility="direct",
        mentions=(JULES, AVERY), source_file="messages.csv")]
    export = with_text[1]
    assert isinstance(export, ExportRecord) and "message" in export.datasets
    # The incoming message's text is never kept: it is not the owner's.
    assert "Yes, Tuesday works." not in repr(with_text)


def test_extracted_folder_without_markers_but_with_activity_is_complete() -> None:
    export = read(HERE / "complete-2025")[1]
    assert export == ExportRecord(partial=False, datasets=frozenset(
        {"connection", "post", "share", "comment", "following"}))


def test_owner_without_profile_or_invitations_comes_from_messages(tmp_path: Path) -> None:
    # The owner takes part in every conversation: with two conversations, she is the one name
    # that appears most; with one, nobody can tell, and the account stays without a key.
    group = (HERE / "complete-2025" / "messages.csv").read_text(encoding="utf-8-sig")
    pair = (HERE / "basic-2022" / "messages.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "messages.csv").write_text(group + pair, encoding="utf-8")
    (folder / "Shares.csv").write_text("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n")
    assert read(folder)[0] == AccountRecord(platform=LI, native_id="dana-whitlow-lpc",
                                            handle="dana-whitlow-lpc", display_name="Dana Whitlow",
                                            url=DANA)
    (folder / "messages.csv").write_text(group, encoding="utf-8")
    assert read(folder)[0] == AccountRecord(platform=LI, native_id=None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("15 Mar 2009", t(2009, 3, 15)),                     # Connections.csv
    ("1 Jan 2024", t(2024, 1, 1)),
    ("2026-05-07 16:41:18", t(2026, 5, 7, 16, 41, 18)),  # Shares.csv, Comments.csv
    ("2023-03-17 18:37:41 UTC", t(2023, 3, 17, 18, 37, 41)),  # messages.csv
    ("9/5/26, 1:12 AM", t(2026, 9, 5, 1, 12)),           # Invitations.csv
    ("9/5/26, 1:12 PM", t(2026, 9, 5, 13, 12)),
    ("Sat Sep 05 08:12:14 UTC 2026", t(2026, 9, 5, 8, 12, 14)),  # Company Follows.csv
    ("Jan 2020", t(2020, 1, 1)),                         # Positions.csv
    ("", None),
    ("not a date", None),
])
def test_every_date_format(raw: str, expected: datetime | None) -> None:
    assert linkedin_time(raw) == expected


def test_share_urns_and_commentary_quirk() -> None:
    assert item_urn("https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7312/") == "urn:li:ugcPost:7312"
    assert item_urn("https://example.com/") is None
    assert clean_commentary('"one"\n"two ""x"""') == 'one\ntwo "x"'
    assert clean_commentary('plain "quoted" text') == 'plain "quoted" text'


def test_group_recipients_pair_names_and_urls() -> None:
    assert split_recipients("A B, C D", "https://www.linkedin.com/in/ab,https://www.linkedin.com/in/cd") == [
        ("A B", "https://www.linkedin.com/in/ab"), ("C D", "https://www.linkedin.com/in/cd")]
    assert split_recipients("Doe, Jane", "https://www.linkedin.com/in/jd") == [
        ("Doe, Jane", "https://www.linkedin.com/in/jd")]
    assert split_recipients("", "") == []


def test_invalid_utf8_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Connections.csv").write_bytes(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\xff\xfe,x,,,,,1 Jan 2024\n")
    with pytest.raises(MalformedArchive, match="Connections.csv is not valid UTF-8"):
        read(folder)


def test_unknown_layout_is_a_coverage_note(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Shares.csv").write_text("When,Where\n2026-01-01,somewhere\n")
    (folder / "notes.txt").write_text("hello")
    records = read(folder)
    assert CoverageRecord("Shares.csv", "skipped", "no header row found (an unknown layout)") in records
    assert CoverageRecord("notes.txt", "unrecognized", "not a LinkedIn CSV file") in records


# -- detection -----------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["basic-2022", "complete-2025"])
def test_detects_own_fixtures_as_folder_and_zip(variant: str, tmp_path: Path) -> None:
    archive = zip_folder(HERE / variant, tmp_path / "x.zip", top="LinkedInDataExport")
    for path in (HERE / variant, archive):
        with Source.open(path) as src:
            assert LinkedInConnector().detect(src)


def test_a_generic_connections_csv_is_not_claimed(tmp_path: Path) -> None:
    other = tmp_path / "Connections.csv"
    other.write_text("name,email\nA,a@example.org\n")
    with Source.open(other) as src:
        assert not LinkedInConnector().detect(src)


# -- the real sample -----------------------------------------------------------------------------

@pytest.mark.samples
def test_real_connections_sample_is_read_fully(samples_dir: Path) -> None:
    path = samples_dir / "linkedin" / "hestia-fake-2022" / "Connections.csv"
    # Independent count: the rows after the `First Name` header, read with the csv module.
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "First Name")
    expected = [r for r in rows[header + 1:] if any(c.strip() for c in r)]
    records = read(path)
    connections = [r for r in records if isinstance(r, ConnectionRecord)]
    assert len(connections) == len(expected) == 20
    assert connections[0] == ConnectionRecord(LI, "connection", Person(name="Carla Smith"), t(2009, 3, 15))
    assert all(c.created_at is not None and c.person.name for c in connections)
    assert records[1] == ExportRecord(partial=True, datasets=frozenset({"connection"}))
    assert records[-1] == CoverageRecord("Connections.csv", "read", count=20)
