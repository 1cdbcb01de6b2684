"""TikTok "Download your data" (JSON): profile, privacy flag, posts, comments, followers, chats.

The export is a zip holding one JSON file, `user_data.json` (older) or `user_data_tiktok.json`
(about 2024 on); `layout.py` lists where each data set lives in each generation. The file is read
in two streaming passes: the first builds only the small profile and settings maps (the owner's
`AccountRecord` must come first, but the profile sits late in the file), the second streams the
lists. Watch history, likes, searches, login history, ads and shop data are not read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

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
    Relation,
)
from auditor.sources import Source
from connectors.base import Connector, parse_time
from connectors.tiktok import layout
from connectors.tiktok.jsonscan import scan

PLATFORM = "tiktok"
_MEMBER = re.compile(r"(^|/)user_data(_tiktok)?\.json$")
_VIDEO_ID = re.compile(r"/video/(\d+)")
#: Top-level keys that only TikTok's export has; `detect` looks for one in the file's head.
_SIGNATURE_KEYS = re.compile(rb'"(Activity|Your Activity|Profile And Settings|App Settings|'
                             rb'Ads and data|Direct Messages?|Video|Post|Comment)"\s*:')
#: TikTok's placeholders for an empty scalar (export-formats.md §8).
_EMPTY = frozenset({"", "N/A", "None", "null"})
#: Naive `YYYY-MM-DD HH:MM:SS` is TikTok's usual form. The export states no zone; TikTok's own
#: ` UTC`-suffixed dates (comments, Tako chat, older login history) are the same clock, so naive
#: values are read as UTC too.
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC")


class TikTokConnector(Connector):
    """TikTok's JSON export, in its old (`Activity`), 2024 (`Your Activity`) and 2025+ layouts."""

    name = "tiktok"
    title = "TikTok"

    def detect(self, source: Source) -> bool:
        for name in source.names():
            if _MEMBER.search(name):
                with source.open_member(name) as fh:
                    head = fh.read(4096)
                is_object = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
                if is_object and _SIGNATURE_KEYS.search(head):
                    return True
        return False

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        members = [n for n in source.names() if _MEMBER.search(n)]
        if not members:
            raise MalformedArchive("no user_data.json or user_data_tiktok.json in this archive",
                                   path=source.label)
        main, others = members[0], [n for n in source.names() if n != members[0]]
        first = _FirstPass.run(source, main)
        yield first.account()
        yield ExportRecord(partial=False, datasets=first.datasets(include_messages))
        counts: dict[str, int] = {}
        for hit in scan(source, main, layout.classify, prune=layout.SECOND_PASS_PRUNE):
            if hit.what != "value":
                continue
            for record in _records(hit.label, hit.prefix, hit.value, main, include_messages):
                counts[hit.label] = counts.get(hit.label, 0) + 1
                yield record
        yield CoverageRecord(main, "read", first.coverage_note(counts, include_messages),
                             count=sum(counts.values()))
        unknown = sorted(first.sections - layout.READ_SECTIONS - layout.KNOWN_UNREAD)
        if unknown:
            yield CoverageRecord(main, "warning", "sections this connector does not know, not "
                                 f"read (a newer export layout?): {', '.join(unknown)}")
        for name in others:
            if _MEMBER.search(name):
                yield CoverageRecord(name, "skipped", f"a second TikTok data file; only {main} was read")
            else:
                yield CoverageRecord(name, "unrecognized", "not part of a TikTok JSON export")


class _FirstPass:
    """The small maps read before anything is yielded: profile, settings, sections present."""

    def __init__(self) -> None:
        self.profile: dict[str, Any] = {}
        self.settings: dict[str, Any] = {}
        self.sections: set[str] = set()
        self.present: set[str] = set()  # data sets whose list exists, even if null or empty

    @classmethod
    def run(cls, source: Source, name: str) -> _FirstPass:
        found = cls()
        for hit in scan(source, name, _profile_or_settings, notice=layout.container,
                        prune=layout.FIRST_PASS_PRUNE):
            if hit.what == "section":
                found.sections.add(hit.label)
            elif hit.what == "notice":
                found.present.add(hit.label)
            elif isinstance(hit.value, dict):
                (found.profile if hit.label == "profile" else found.settings).update(hit.value)
        return found

    def account(self) -> AccountRecord:
        p = self.profile
        handle = _text(p.get("userName"))
        links = tuple(v for k in ("instagramLink", "youtubeLink", "lemon8Link")
                      if (v := _text(p.get(k))))
        return AccountRecord(
            platform=PLATFORM,
            # The export names no stable account id (2025 `Status List` has a `UID` whose
            # meaning is unverified), so the account is keyed by platform and subject.
            native_id=None,
            handle=handle,
            display_name=_text(p.get("displayName")),
            bio=_text(p.get("bioDescription")),
            links=links,
            private=_enabled(self.settings.get("Private Account")),
            url=f"https://www.tiktok.com/@{handle}" if handle else None,
        )

    def datasets(self, include_messages: bool) -> frozenset[str]:
        """The families the export holds whole: those whose list is present, even when empty."""
        families = {f for f in self.present if f != "message"}
        if "message" in self.present and include_messages:
            families.add("message")  # without the text, stored message text must not be touched
        return frozenset(families)

    def coverage_note(self, counts: dict[str, int], include_messages: bool) -> str:
        unread = sorted(self.sections & layout.KNOWN_UNREAD) + [
            "watch history", "likes and favourites", "searches", "shares",
            "login history and devices", "recently deleted posts"]
        notes = [f"not read: {', '.join(unread)}"]
        if counts.get("chat") and not include_messages:
            notes.append("chat messages: participants and dates only, text not stored without "
                         "--include-messages")
        return "; ".join(notes)


def _profile_or_settings(prefix: str) -> str | None:
    if prefix in layout.PROFILE_MAPS:
        return "profile"
    if prefix in layout.SETTINGS_MAPS:
        return "settings"
    return None


_RELATIONS: dict[str, Relation] = {"follower": "follower", "following": "following",
                                   "blocked": "blocked"}


def _records(label: str, prefix: str, item: Any, member: str,
             include_messages: bool) -> Iterator[Record]:
    """The records of one list item of data set `label`."""
    if not isinstance(item, dict):
        return
    if label == "post":
        yield _post(item, member)
    elif label == "comment":
        yield _comment(item, member)
    elif label in _RELATIONS:
        user = _text(item.get("UserName") or item.get("userName"))
        if user:
            yield ConnectionRecord(PLATFORM, _RELATIONS[label], Person(handle=user),
                                   created_at=_time(item))
    elif label == "chat":
        yield from _chat_message(prefix, item, member, include_messages)


def _post(item: dict[str, Any], member: str) -> ContentRecord:
    link = _text(item.get("Link") or item.get("link") or item.get("VideoLink"))
    # 2024+ exports keep the caption in `Title`; old exports give only Date, Link and Likes.
    text = _text(item.get("Title") or item.get("Description")) or ""
    created = _time(item)
    m = _VIDEO_ID.search(link or "")
    return ContentRecord(
        platform=PLATFORM, kind="post",
        native_id=m.group(1) if m else synthetic_id(created, text, link or ""),
        text=text, created_at=created, url=link,
        visibility=_visibility(item.get("WhoCanView")), source_file=member,
        place=_text(item.get("Location")))


def _comment(item: dict[str, Any], member: str) -> ContentRecord:
    text = _text(item.get("comment") or item.get("Comment")) or ""
    created = _time(item)
    # 2025+ exports link each comment to the video it was posted on.
    on = _text(item.get("originalPostUrl") or item.get("original post link"))
    m = _VIDEO_ID.search(on or "")
    return ContentRecord(
        platform=PLATFORM, kind="comment", native_id=synthetic_id(created, text),
        text=text, created_at=created, in_reply_to_id=m.group(1) if m else None,
        source_file=member)


def _chat_message(prefix: str, item: dict[str, Any], member: str,
                  include_messages: bool) -> Iterator[Record]:
    """A message of a one-to-one chat: who and when; its text only when the owner sent it and
    `include_messages` is set (what others wrote is never the owner's content)."""
    partner = layout.chat_partner(prefix)
    sender = _text(item.get("From") or item.get("from"))
    if not partner:
        return
    outgoing = sender != partner if sender else False
    created = _time(item)
    person = Person(handle=partner)
    yield InteractionRecord(PLATFORM, "message", person, direction="out" if outgoing else "in",
                            created_at=created)
    if include_messages and outgoing:
        # The old fake export spells the text `comment`; real ones `Content`.
        text = _text(item.get("Content") or item.get("content") or item.get("comment")) or ""
        yield ContentRecord(PLATFORM, "message", synthetic_id(created, text, partner), text,
                            created_at=created, in_reply_to=person, visibility="direct",
                            source_file=member)


def synthetic_id(created: datetime | None, text: str, extra: str = "") -> str:
    """An id for items the export gives none: their time plus a hash of their text (ties only)."""
    stamp = created.strftime("%Y%m%dT%H%M%SZ") if created else "undated"
    digest = hashlib.sha256(f"{text}\0{extra}".encode()).hexdigest()[:12]
    return f"{stamp}-{digest}"


def _time(item: dict[str, Any]) -> datetime | None:
    return parse_time(_text(item.get("Date") or item.get("date")), *_TIME_FORMATS)


def _text(value: Any) -> str | None:
    """A scalar as text, with TikTok's empty placeholders as None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    s = str(value).strip()
    return None if s in _EMPTY else s


def _enabled(value: Any) -> bool | None:
    s = (_text(value) or "").lower()
    if s in ("enabled", "on", "true"):
        return True
    return False if s in ("disabled", "off", "false") else None


def _visibility(value: Any) -> str | None:
    """Per-video `WhoCanView` (2024+) in footprint's terms; "private" for only-me videos."""
    s = (_text(value) or "").lower()
    if s in ("everyone", "public"):
        return "public"
    if s in ("friends", "followers", "mutual friends"):
        return "followers"
    if s in ("only me", "only you", "private", "self"):
        return "private"
    return None
