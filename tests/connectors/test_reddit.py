"""Reddit GDPR export: whole-record tests on the two fixture layouts, detection, robustness."""

from __future__ import annotations

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
from auditor.sources import Source
from connectors.reddit import RedditConnector
from tests.helpers import read_checked
from tests.helpers import utc as t

ARCHIVES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
R = "reddit"
SKIP_PRIVATE = "private activity that names no person (votes, saves, hides)"


def read(path: Path, **kwargs: bool) -> list[Record]:
    return read_checked(RedditConnector(), path, **kwargs)


def current_records(p) -> list[Record]:  # type: ignore[no-untyped-def]
    """The records of fixtures/archives/reddit/current, members named through `p`."""
    thread = "https://www.reddit.com/r/therapists/comments/1a2b3c/how_do_you_handle_running_into_clients/"
    return [
        AccountRecord(R, "dana_w_lmft", handle="dana_w_lmft", created_at=t(2019, 2, 11, 16, 45, 3),
                      links=("https://x.com/DanaWhitfieldLMFT",),
                      url="https://www.reddit.com/user/dana_w_lmft"),
        ExportRecord(partial=True, generated_at=t(2026, 9, 30, 10),
                     datasets=frozenset({"post", "comment", "following"})),
        InteractionRecord(R, "message", Person(handle="maple_leaf_77"), direction="in", item_id="c1",
                          created_at=t(2024, 8, 2, 20)),
        InteractionRecord(R, "message", Person(name="maple_leaf_77",
                                              url="https://chat.reddit.com/room/!abc:reddit.com"),
                          direction="out", item_id="c2", created_at=t(2024, 8, 2, 20, 5)),
        CoverageRecord(p("chat_history.csv"), "read", "participants and dates only, text not "
                       "stored without --include-messages", count=2),
        CoverageRecord(p("checkfile.csv"), "skipped", "the export's own checksum list"),
        CoverageRecord(p("comment_votes.csv"), "skipped", SKIP_PRIVATE),
        ContentRecord(R, "comment", "kq1x2y", 'r/therapists: Thanks all, the "nod and move on" rule it is.',
                      created_at=t(2024, 3, 2, 19, 10), url=thread + "kq1x2y/", in_reply_to_id="1a2b3c",
                      visibility="public", source_file=p("comments.csv")),
        ContentRecord(R, "comment", "kq1x3z",
                      "r/AskDocs: Not medical advice, but a consistent wake time helps most people.",
                      created_at=t(2024, 3, 5, 22, 15, 41),
                      url="https://www.reddit.com/r/AskDocs/comments/1z9y8x/sleep_question/kq1x3z/",
                      in_reply_to_id="kp0a0a", visibility="public", source_file=p("comments.csv")),
        CoverageRecord(p("comments.csv"), "read",
                       "1 comment(s) without an id or with only deleted text, skipped", count=2),
        ConnectionRecord(R, "following", Person(handle="riverbend_admin")),
        ConnectionRecord(R, "following", Person(handle="quiet_otter_42")),
        CoverageRecord(p("friends.csv"), "read", "", count=2),
        InteractionRecord(R, "message", Person(handle="quiet_otter_42"), direction="in", item_id="m1",
                          created_at=t(2024, 7, 1, 10)),
        InteractionRecord(R, "message", Person(handle="quiet_otter_42"), direction="out", item_id="m2",
                          created_at=t(2024, 7, 1, 11, 30)),
        CoverageRecord(p("messages_archive.csv"), "read", "participants and dates only, text not "
                       "stored without --include-messages", count=2),
        CoverageRecord(p("messages_archive_headers.csv"), "skipped",
                       "metadata only: the same rows as messages_archive.csv without the body"),
        CoverageRecord(p("post_votes.csv"), "skipped", SKIP_PRIVATE),
        ContentRecord(R, "post", "1a2b3c",
                      "r/therapists: How do you handle running into clients at the grocery store?\n\n"
                      "Small town problems.\n\nI saw one of my clients yesterday and froze. What do you all do?",
                      created_at=t(2024, 3, 2, 18, 4, 11), url=thread, visibility="public",
                      source_file=p("posts.csv")),
        ContentRecord(R, "post", "1a2b3d", "r/hiking: Trail report: Cedar Ridge loop\n\nhttps://imgur.example/cedar.jpg",
                      created_at=t(2024, 4, 10, 7, 30),
                      url="https://www.reddit.com/r/hiking/comments/1a2b3d/trail_report/",
                      visibility="public", source_file=p("posts.csv")),
        ContentRecord(R, "post", "1a2b3f", "u/dana_w_lmft: New office hours\n\nNow open Saturdays at Riverbend Counseling.",
                      created_at=t(2024, 6, 15, 9),
                      url="https://www.reddit.com/r/u_dana_w_lmft/comments/1a2b3f/office_hours/",
                      visibility="public", source_file=p("posts.csv")),
        CoverageRecord(p("posts.csv"), "read",
                       "1 post(s) without an id or with only deleted text, skipped", count=3),
        CoverageRecord(p("saved_posts.csv"), "skipped", SKIP_PRIVATE),
        CoverageRecord(p("statistics.csv"), "read", "the account's name, sign-up and export dates", count=1),
        CoverageRecord(p("subscribed_subreddits.csv"), "skipped",
                       "communities, not people: there is no record type for subreddits yet"),
        CoverageRecord(p("twitter.csv"), "read", "the linked X username", count=1),
        CoverageRecord(p("user_preferences.csv"), "skipped",
                       "account settings: Reddit has no private-account flag"),
    ]


@pytest.mark.parametrize("top", [None, "reddit_export_dana_w_lmft"])
def test_current_export(make_archive, top: str | None) -> None:
    archive = make_archive("archives/reddit/current", top=top)
    assert read(archive) == current_records(lambda n: f"{top}/{n}" if top else n)


def test_current_export_with_messages() -> None:
    records = read(ARCHIVES / "reddit" / "current", include_messages=True)
    messages = [r for r in records if isinstance(r, ContentRecord) and r.kind == "message"]
    # Only what the owner sent: the received message's text is not the owner's content.
    assert messages == [
        ContentRecord(R, "message", "c2", "I keep this account separate from work.",
                      created_at=t(2024, 8, 2, 20, 5),
                      in_reply_to=Person(name="maple_leaf_77",
                                         url="https://chat.reddit.com/room/!abc:reddit.com"),
                      visibility="direct", source_file="chat_history.csv"),
        ContentRecord(R, "message", "m2", "re: hello\n\nPlease call the office line instead of messaging here.",
                      created_at=t(2024, 7, 1, 11, 30), url="https://www.reddit.com/message/messages/m2",
                      in_reply_to=Person(handle="quiet_otter_42"), visibility="direct",
                      source_file="messages_archive.csv"),
    ]
    chat = next(r for r in records if isinstance(r, CoverageRecord) and r.file == "chat_history.csv")
    assert chat == CoverageRecord("chat_history.csv", "read", "", count=3)


def test_older_export(make_archive) -> None:
    """Relative permalinks, `registration ip` as a date, the old comments header, a ragged row,
    messages.csv with /u/ names, split vote files."""
    archive = make_archive("archives/reddit/older", top="export")
    thread = "https://www.reddit.com/r/CasualConversation/comments/9x8y7z/first_week_in_the_new_town/"
    assert read(archive, include_messages=True) == [
        AccountRecord(R, "pine_cone_walker", handle="pine_cone_walker", created_at=t(2021, 8, 30, 20),
                      url="https://www.reddit.com/user/pine_cone_walker"),
        ExportRecord(partial=True, generated_at=t(2022, 1, 5, 9), datasets=frozenset({"post", "comment"})),
        ContentRecord(R, "comment", "h1a1a1", "r/CasualConversation: Thank you! Still learning the bus routes.",
                      created_at=None, url=thread + "h1a1a1/", in_reply_to_id="9x8y7z",
                      visibility="public", source_file="export/comments.csv"),
        ContentRecord(R, "comment", "h1a1a2",
                      "r/CasualConversation: The library, the river path, the Thursday market",
                      created_at=t(2021, 9, 13, 8), url=thread + "h1a1a2/", in_reply_to_id="h0zzzz",
                      visibility="public", source_file="export/comments.csv"),
        CoverageRecord("export/comments.csv", "read", "", count=2),
        CoverageRecord("export/comments.csv", "warning",
                       "1 row(s) had a different number of cells than the 11-column header (line 3); "
                       "read with missing cells empty and surplus cells joined onto the last column"),
        CoverageRecord("export/ip_logs.csv", "skipped", "login IP addresses: not part of the audit"),
        CoverageRecord("export/message_headers.csv", "skipped",
                       "metadata only: the same rows as messages.csv without the body"),
        InteractionRecord(R, "message", Person(handle="harbor_seal_9"), direction="out", item_id="n1",
                          created_at=t(2021, 10, 1, 10)),
        ContentRecord(R, "message", "n1", "question\n\nDo you know a good bakery nearby?",
                      created_at=t(2021, 10, 1, 10), url="https://www.reddit.com/message/messages/n1",
                      in_reply_to=Person(handle="harbor_seal_9"), visibility="direct",
                      source_file="export/messages.csv"),
        CoverageRecord("export/messages.csv", "read", "", count=2),
        CoverageRecord("export/post_votes_1.csv", "skipped", SKIP_PRIVATE),
        CoverageRecord("export/post_votes_2.csv", "skipped", SKIP_PRIVATE),
        ContentRecord(R, "post", "9x8y7z", "r/CasualConversation: First week in the new town\n\n"
                      "Started a new job at a clinic here,\neveryone is friendly so far.",
                      created_at=t(2021, 9, 12, 14, 2), url=thread, visibility="public",
                      source_file="export/posts.csv"),
        CoverageRecord("export/posts.csv", "read", "", count=1),
        CoverageRecord("export/statistics.csv", "read", "the account's name, sign-up and export dates", count=1),
    ]


def test_unknown_owner_reads_messages_as_received(tmp_path: Path) -> None:
    (tmp_path / "messages.csv").write_text(
        "id,permalink,thread_id,date,ip,from,to,subject,body\n"
        "x1,,,2024-01-01 00:00:00 UTC,,someone_else,me_maybe,hi,hello\n", encoding="utf-8")
    (tmp_path / "saved_comments.csv").write_text("id,permalink\n", encoding="utf-8")
    assert read(tmp_path) == [
        AccountRecord(R, None),
        ExportRecord(partial=True, datasets=frozenset()),
        InteractionRecord(R, "message", Person(handle="someone_else"), direction="in", item_id="x1",
                          created_at=t(2024, 1, 1)),
        CoverageRecord("messages.csv", "read", "participants and dates only, text not stored "
                       "without --include-messages", count=1),
        CoverageRecord("messages.csv", "warning", "the account name is unknown (no statistics.csv), "
                       "so who sent each message could not be told; all read as received"),
        CoverageRecord("saved_comments.csv", "skipped", SKIP_PRIVATE),
    ]


def test_files_are_classified_by_header(tmp_path: Path) -> None:
    """A comments.csv with another platform's header is not read as Reddit comments."""
    (tmp_path / "post_votes.csv").write_text("id,permalink,direction\n", encoding="utf-8")
    (tmp_path / "comments.csv").write_text(
        "Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Video ID,Comment Text\n"
        "a,b,2023-09-19T17:42:53.434647+00:00,0,,v,x\n", encoding="utf-8")
    records = read(tmp_path)
    assert [r for r in records if isinstance(r, CoverageRecord) and r.file == "comments.csv"] == [
        CoverageRecord("comments.csv", "unrecognized",
                       "its header lacks body, id, subreddit (columns: Comment ID, Channel ID, Comment "
                       "Create Timestamp, Price, Parent Comment ID, Video ID, Comment Text): not "
                       "Reddit's comments.csv"),
    ]
    assert not any(isinstance(r, ContentRecord) for r in records)


def test_split_parts_are_deduplicated(tmp_path: Path) -> None:
    header = "id,permalink,date,ip,subreddit,gildings,title,url,body\n"
    row = "p1,/r/a/comments/p1/x/,2024-01-01 00:00:00 UTC,,a,0,Title,,Body\n"
    (tmp_path / "posts_1.csv").write_text(header + row, encoding="utf-8")
    (tmp_path / "posts_2.csv").write_text(header + row, encoding="utf-8")
    records = read(tmp_path)
    assert [r.native_id for r in records if isinstance(r, ContentRecord)] == ["p1"]
    assert CoverageRecord("posts_2.csv", "read",
                          "1 row(s) repeated from another part of the file, skipped", count=0) in records


def test_invalid_utf8_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "post_votes.csv").write_text("id,permalink,direction\n", encoding="utf-8")
    (tmp_path / "posts.csv").write_bytes(b"id,permalink,date,ip,subreddit,gildings,title,url,body\n"
                                         b"p1,,,,a,0,T\xff\xfe,,\n")
    with Source.open(tmp_path) as source, pytest.raises(MalformedArchive, match="posts.csv"):
        list(RedditConnector().read(source))


def test_detects_own_fixtures_only() -> None:
    for variant in sorted((ARCHIVES / "reddit").iterdir()):
        with Source.open(variant) as source:
            assert RedditConnector().detect(source), variant
    for variant in sorted(ARCHIVES.glob("*/*")):
        if variant.parent.name != "reddit" and variant.is_dir():
            with Source.open(variant) as source:
                assert not RedditConnector().detect(source), variant


def test_posts_csv_alone_needs_reddit_header(tmp_path: Path) -> None:
    (tmp_path / "posts.csv").write_text("id,title,body\n1,a,b\n", encoding="utf-8")
    with Source.open(tmp_path) as source:
        assert not RedditConnector().detect(source)
    (tmp_path / "posts.csv").write_text(
        "\ufeffid,permalink,date,ip,subreddit,gildings,title,url,body\n", encoding="utf-8")
    with Source.open(tmp_path) as source:
        assert RedditConnector().detect(source)
