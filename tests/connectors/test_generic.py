"""Generic CSV: the documented header, accounts in sequence, bad rows, never other platforms' CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import MalformedArchive
from auditor.records import (
    AccountRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
    Record,
)
from auditor.sources import Source
from connectors.generic import GenericCsvConnector
from tests.helpers import read_checked
from tests.helpers import utc as t

ARCHIVES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
PARTIAL = ExportRecord(partial=True)
FORUM = "https://forum.example/u/dwhitfield"


def read(path: Path, **kwargs: bool) -> list[Record]:
    return read_checked(GenericCsvConnector(), path, **kwargs)


@pytest.mark.parametrize("top", [None, "consultant-upload"])
def test_grouped_rows(make_archive, top: str | None) -> None:
    """BOM, CRLF, header in another order and case with an extra column, two accounts, a reply by
    id, a comment to a @handle, a bad date, a bad kind, a message without --include-messages."""
    csv = f"{top}/forum-posts.csv" if top else "forum-posts.csv"
    readme = f"{top}/README.txt" if top else "README.txt"
    assert read(make_archive("archives/generic/grouped", top=top)) == [
        AccountRecord("nextdoor", "dana.w", handle="dana.w"),
        PARTIAL,
        ContentRecord("nextdoor", "post", "nd-100",
                      "Welcome to the neighborhood, Riverbend Counseling is now open on Elm St.",
                      created_at=t(2025, 2, 1, 9), url="https://nextdoor.example/p/nd-100", source_file=csv),
        ContentRecord("nextdoor", "reply", "nd-101", "Yes, we take most insurance.\nCall the office for details.",
                      created_at=t(2025, 2, 1, 18, 15), in_reply_to_id="nd-100", source_file=csv),
        ContentRecord("nextdoor", "comment", "nd-102", "Congrats to the new bakery!",
                      in_reply_to=Person(handle="baker.ben"), source_file=csv),
        AccountRecord("psychology-forum", FORUM, url=FORUM),
        PARTIAL,
        ContentRecord("psychology-forum", "post", "pf-1", "Holiday hours for the practice.",
                      created_at=t(2024, 12, 24), source_file=csv),
        InteractionRecord("psychology-forum", "message", Person(handle="colleague.kim"), direction="out",
                          item_id="pf-2", created_at=t(2024, 12, 26, 12)),
        CoverageRecord(csv, "read", "1 message row(s): text not stored without --include-messages", count=5),
        CoverageRecord(csv, "warning", "1 row(s) skipped: kind is not one of bio, caption, comment, "
                       "message, post, reply, share (line 6); 1 row(s) read, but created_at is not "
                       "ISO 8601 and was left empty (line 5)"),
        CoverageRecord(readme, "unrecognized", "not a CSV file"),
    ]


def test_messages_with_include_messages() -> None:
    records = read(ARCHIVES / "generic" / "grouped", include_messages=True)
    assert [r for r in records if isinstance(r, ContentRecord) and r.kind == "message"] == [
        ContentRecord("psychology-forum", "message", "pf-2", "Private note to a colleague",
                      created_at=t(2024, 12, 26, 12), in_reply_to=Person(handle="colleague.kim"),
                      visibility="direct", source_file="forum-posts.csv"),
    ]
    assert not any(isinstance(r, InteractionRecord) for r in records)


def test_ungrouped_rows_are_read_one_account_at_a_time(make_archive) -> None:
    """Only the required columns; platform defaults to "generic"; rows that switch between
    accounts come out grouped, each account once, in order of first appearance."""
    assert read(make_archive("archives/generic/ungrouped")) == [
        AccountRecord("generic", "dana", handle="dana"),
        PARTIAL,
        ContentRecord("generic", "post", "1", "First post", source_file="posts.csv"),
        ContentRecord("generic", "bio", "bio", "Counselor in private practice", source_file="posts.csv"),
        AccountRecord("generic", "jo", handle="jo"),
        PARTIAL,
        ContentRecord("generic", "post", "1", "Another account's first post", source_file="posts.csv"),
        CoverageRecord("posts.csv", "read", "", count=3),
    ]


def test_duplicate_ids_and_ragged_rows_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("account,kind,id,text\n"
                                       "dana,post,1,one\n"
                                       "dana,post,1,again\n"
                                       "dana,post,2,two, with a comma\n"
                                       "dana,post\n", encoding="utf-8")
    assert read(tmp_path)[2:] == [
        ContentRecord("generic", "post", "1", "one", source_file="rows.csv"),
        ContentRecord("generic", "post", "2", "two, with a comma", source_file="rows.csv"),
        CoverageRecord("rows.csv", "read", "", count=2),
        CoverageRecord("rows.csv", "warning",
                       "1 row(s) skipped: the id was already used for this account (line 3); "
                       "1 row(s) skipped: account or id is empty (line 5); "
                       "2 row(s) had a different number of cells than the 4-column header "
                       "(line 4, 5); read with missing cells empty and surplus cells joined onto "
                       "the last column"),
    ]


def test_no_usable_rows_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("Account,Kind,Id,Text\n,post,1,x\n", encoding="utf-8")
    with Source.open(tmp_path) as source, pytest.raises(MalformedArchive, match="no usable rows"):
        list(GenericCsvConnector().read(source))


def test_other_platforms_csvs_are_not_claimed(tmp_path: Path) -> None:
    linkedin = tmp_path / "linkedin"
    linkedin.mkdir()
    (linkedin / "Connections.csv").write_text(
        'Notes:\n"When exporting your connection data, you may notice..."\n\n'
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Avery,Lin,,Acme,Analyst,15 Mar 2009\n", encoding="utf-8")
    (linkedin / "Shares.csv").write_text("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n",
                                         encoding="utf-8")
    for folder in [linkedin, *[v for v in sorted(ARCHIVES.glob("*/*"))
                               if v.is_dir() and v.parent.name != "generic"]]:
        with Source.open(folder) as source:
            assert not GenericCsvConnector().detect(source), folder
    for variant in sorted((ARCHIVES / "generic").iterdir()):
        with Source.open(variant) as source:
            assert GenericCsvConnector().detect(source), variant


@pytest.mark.samples
def test_real_linkedin_sample_is_not_claimed(samples_dir: Path) -> None:
    with Source.open(samples_dir / "linkedin" / "hestia-fake-2022") as source:
        assert not GenericCsvConnector().detect(source)


def test_two_accounts_on_one_platform_are_stored_apart(make_archive) -> None:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from auditor.db import migrate
    from auditor.ingest import ingest_records
    from auditor.models import Account, Subject

    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s, Source.open(make_archive("archives/generic/ungrouped")) as src:
        subject = Subject(name="Dana Whitfield")
        s.add(subject)
        s.flush()
        ingest_records(s, GenericCsvConnector().read(src), source=src, connector="generic",
                       resolve_subject=lambda _: subject)
        s.flush()
        assert {a.native_id for a in s.scalars(select(Account))} == {"dana", "jo"}
