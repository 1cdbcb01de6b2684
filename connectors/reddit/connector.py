"""Reddit's GDPR export ("Request your data"): posts, comments, followed users, message metadata.

A zip of flat CSVs (`files.py` lists them). The account is named by `statistics.csv`
(`statistic,value` rows: `account name`, `registration date`, `export time`; seen in
xavdid/reddit-user-to-sqlite's tests). Posts and comments are public; Reddit has no per-item
visibility and no follower list (`friends.csv` is who the owner follows). Messages and chats give
participants and dates, and their text only with `include_messages`.

Reddit lets the requester choose a time range and the export does not say which one was chosen,
so an export is treated as partial: it adds and updates, and never marks stored items deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

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
from connectors.base import Connector, parse_time
from connectors.generic.csvrows import CsvRow, CsvTable, read_header
from connectors.reddit import files

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
#: `2023-01-15 12:34:56 UTC`; a date column can also hold the literal `registration ip`
#: (a column misalignment in some exports), which parses to no date.
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S")
#: What Reddit writes in place of text that is gone.
_PLACEHOLDERS = frozenset({"[deleted]", "[removed]", "[deleted by user]"})
_THREAD_ID = re.compile(r"/comments/([a-z0-9]+)", re.IGNORECASE)
_TYPE_PREFIX = re.compile(r"^t[1-6]_")
#: The record family each file holds (informational: a partial export deletes nothing).
_DATASETS = {"posts": "post", "comments": "comment", "friends": "following"}


@dataclass
class _Owner:
    """What `statistics.csv` and `twitter.csv` say about the account."""

    name: str | None = None
    registered: datetime | None = None
    exported: datetime | None = None
    twitter: str | None = None

    def record(self) -> AccountRecord:
        return AccountRecord(
            platform=PLATFORM,
            # Reddit usernames never change and the export has no t2_ account id.
            native_id=self.name, handle=self.name, created_at=self.registered,
            links=(f"https://x.com/{self.twitter}",) if self.twitter else (),
            url=f"{SITE}/user/{self.name}" if self.name else None)

    def is_owner(self, user: str) -> bool | None:
        """Whether `user` is the owner; None when the owner's name is unknown."""
        return None if not self.name else _user(user).casefold() == self.name.casefold()


@dataclass
class _Tally:
    """What one file gave: records, and rows that could not be read, by reason."""

    records: int = 0
    notes: dict[str, int] = field(default_factory=dict)

    def note(self, reason: str) -> None:
        self.notes[reason] = self.notes.get(reason, 0) + 1


class RedditConnector(Connector):
    """Reddit's GDPR export: a flat folder of CSV files."""

    name = "reddit"
    title = "Reddit"

    def detect(self, source: Source) -> bool:
        for name in source.names():
            family = files.family_of(name)
            if family in files.DISTINCTIVE:
                return True
            if family in ("posts", "comments"):
                header = set(read_header(source, name))
                if files.KINDS[family].required | {"permalink"} <= header:
                    return True
        return False

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        names = source.names()
        owner = _read_owner(source, names)
        yield owner.record()
        present = {files.family_of(n) for n in names}
        datasets = frozenset(d for family, d in _DATASETS.items() if family in present)
        yield ExportRecord(partial=True, generated_at=owner.exported, datasets=datasets)
        seen: dict[str, set[str]] = {}
        for name in names:
            kind = files.kind_of(name)
            if kind is None:
                yield CoverageRecord(name, "unrecognized", "not a file of Reddit's export")
            elif not kind.read:
                yield CoverageRecord(name, "skipped", kind.reason)
            elif kind.family in ("statistics", "twitter"):
                yield CoverageRecord(name, "read", "the account's name, sign-up and export dates"
                                     if kind.family == "statistics" else "the linked X username",
                                     count=1)
            else:
                yield from _read_file(source, name, kind, owner, include_messages,
                                      seen.setdefault(kind.family, set()))


def _read_owner(source: Source, names: list[str]) -> _Owner:
    owner = _Owner()
    for name in names:
        family = files.family_of(name)
        header = set(read_header(source, name)) if family in ("statistics", "twitter") else set()
        if family == "statistics" and files.KINDS[family].required <= header:
            with CsvTable(source, name) as table:
                stats = {row.get("statistic").lower(): row.get("value") for row in table}
            owner.name = _user(stats.get("account name", "")) or None
            owner.registered = _time(stats.get("registration date"))
            owner.exported = _time(stats.get("export time"))
        elif family == "twitter" and "username" in header:
            with CsvTable(source, name) as table:
                owner.twitter = next((row.get("username").lstrip("@") for row in table
                                      if row.get("username")), None)
    return owner


def _read_file(source: Source, name: str, kind: files.FileKind, owner: _Owner,
               include_messages: bool, seen: set[str]) -> Iterator[Record]:
    """Stream one CSV of a family that is read, then its coverage."""
    tally = _Tally()
    with CsvTable(source, name) as table:
        missing = kind.required - set(table.columns)
        if missing:
            yield CoverageRecord(name, "unrecognized",
                                 f"its header lacks {', '.join(sorted(missing))} (columns: "
                                 f"{', '.join(table.header)}): not Reddit's {kind.family}.csv")
            return
        for row in table:
            key = row.get("id") or row.get("message_id") or row.get("username")
            if key and key in seen:
                tally.note("row(s) repeated from another part of the file, skipped")
                continue
            if key:
                seen.add(key)
            for record in _row_records(kind.family, row, name, owner, include_messages, tally):
                tally.records += 1
                yield record
    notes = "; ".join(f"{n} {reason}" for reason, n in tally.notes.items())
    if kind.family in ("messages", "messages_archive", "chat_history") and not include_messages:
        notes = "; ".join(filter(None, [notes, "participants and dates only, text not stored "
                                               "without --include-messages"]))
    yield CoverageRecord(name, "read", notes, count=tally.records)
    warning = table.ragged_warning()
    if warning:
        yield CoverageRecord(name, "warning", warning)
    if kind.family in ("messages", "messages_archive", "chat_history") and owner.name is None:
        yield CoverageRecord(name, "warning", "the account name is unknown (no statistics.csv), "
                             "so who sent each message could not be told; all read as received")


def _row_records(family: str, row: CsvRow, name: str, owner: _Owner, include_messages: bool,
                 tally: _Tally) -> Iterator[Record]:
    if family == "posts":
        yield from _post(row, name, tally)
    elif family == "comments":
        yield from _comment(row, name, tally)
    elif family in ("messages", "messages_archive"):
        yield from _message(row, name, owner, include_messages)
    elif family == "chat_history":
        yield from _chat(row, name, owner, include_messages)
    elif family == "friends" and row.get("username"):
        yield ConnectionRecord(PLATFORM, "following", Person(handle=_user(row.get("username"))))


def _post(row: CsvRow, name: str, tally: _Tally) -> Iterator[Record]:
    post_id = row.get("id")
    title, body = _kept(row.get("title")), _kept(row.text("body"))
    permalink = _absolute(row.get("permalink"))
    link = row.get("url")
    # A link post's `url` is the page it shares; a text post's is its own permalink.
    shared = link if link and not re.search(rf"/comments/{re.escape(post_id)}\b", link) else ""
    if not post_id or not (title or body or shared):
        tally.note("post(s) without an id or with only deleted text, skipped")
        return
    text = "\n\n".join(p for p in (_in(row.get("subreddit"), title), body, shared) if p)
    yield ContentRecord(PLATFORM, "post", post_id, text, created_at=_time(row.get("date")),
                        url=permalink, visibility="public", source_file=name)


def _comment(row: CsvRow, name: str, tally: _Tally) -> Iterator[Record]:
    comment_id, body = row.get("id"), _kept(row.text("body"))
    if not comment_id or not body:
        tally.note("comment(s) without an id or with only deleted text, skipped")
        return
    # `parent` is the comment replied to; a top-level comment replies to the thread in `link`.
    parent = _TYPE_PREFIX.sub("", row.get("parent"))
    thread = _THREAD_ID.search(row.get("link") or row.get("permalink"))
    yield ContentRecord(PLATFORM, "comment", comment_id, _in(row.get("subreddit"), body),
                        created_at=_time(row.get("date")), url=_absolute(row.get("permalink")),
                        in_reply_to_id=parent or (thread.group(1) if thread else None),
                        visibility="public", source_file=name)


def _message(row: CsvRow, name: str, owner: _Owner, include_messages: bool) -> Iterator[Record]:
    sender, recipient = _user(row.get("from")), _user(row.get("to"))
    outgoing = owner.is_owner(sender) is True
    other = recipient if outgoing else sender or recipient
    if not other:
        return
    created = _time(row.get("date"))
    person = Person(handle=other)
    yield InteractionRecord(PLATFORM, "message", person, direction="out" if outgoing else "in",
                            item_id=row.get("id") or None, created_at=created)
    if include_messages and outgoing:
        text = "\n\n".join(p for p in (row.get("subject"), row.text("body")) if p)
        yield ContentRecord(PLATFORM, "message", row.get("id"), text, created_at=created,
                            url=_absolute(row.get("permalink")), in_reply_to=person,
                            visibility="direct", source_file=name)


def _chat(row: CsvRow, name: str, owner: _Owner, include_messages: bool) -> Iterator[Record]:
    sender = _user(row.get("username"))
    outgoing = owner.is_owner(sender) is True
    # The chat file names only the sender; for the owner's own messages the channel stands in.
    person = (Person(name=row.get("channel_name") or None, url=row.get("channel_url") or None)
              if outgoing else Person(handle=sender or None))
    created = _time(row.get("created_at"))
    yield InteractionRecord(PLATFORM, "message", person, direction="out" if outgoing else "in",
                            item_id=row.get("message_id") or None, created_at=created)
    if include_messages and outgoing:
        yield ContentRecord(PLATFORM, "message", row.get("message_id"),
                            row.text("message"), created_at=created,
                            in_reply_to=person, visibility="direct", source_file=name)


def _in(subreddit: str, text: str) -> str:
    """Text with the community it was posted in first: "r/therapists: ...", "u/dana: ..."."""
    if not subreddit or not text:
        return text
    if subreddit.startswith("u_"):  # a post to the user's own profile
        where = f"u/{subreddit[2:]}"
    else:
        where = f"r/{subreddit.removeprefix('r/')}"
    return f"{where}: {text}"


def _kept(text: str) -> str:
    """Text unless it is only Reddit's placeholder for deleted text."""
    return "" if text.strip() in _PLACEHOLDERS else text


def _absolute(permalink: str) -> str | None:
    """Permalinks are absolute in some exports and site-relative in others."""
    if not permalink:
        return None
    return permalink if permalink.startswith("http") else SITE + "/" + permalink.lstrip("/")


def _user(value: str) -> str:
    """A username without the `u/` or `/u/` prefix some files carry."""
    return re.sub(r"^/?u/", "", value.strip())


def _time(value: str | None) -> datetime | None:
    return parse_time(value, *_TIME_FORMATS)
