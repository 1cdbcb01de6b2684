"""Pure parsing of X archive records other than tweets: the account, connections, likes, DMs.

Every function takes already-decoded JSON (one array element of a `window.YTD.*` file) and
returns records; nothing here opens files. X writes every number as a string, and wraps each
element in a one-key object (`{"follower": {…}}`); `inner` takes the wrapper off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    InteractionRecord,
    Person,
    Record,
    Relation,
)
from connectors.base import parse_time

PLATFORM = "twitter"
PROFILE_URL = "https://x.com/{handle}"

#: A tweet link that names its author: `https://twitter.com/<handle>/status/<id>`. Likes usually
#: carry `https://twitter.com/i/web/status/<id>` instead, which names nobody.
_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/"
    r"(?P<handle>[A-Za-z0-9_]{1,15})/status(?:es)?/\d+")


def text_or_none(value: Any) -> str | None:
    """A non-empty string, or None (X writes ids as strings; older files sometimes as numbers)."""
    if value is None or isinstance(value, bool):
        return None
    s = str(value).strip()
    return s or None


def inner(item: Any, key: str) -> dict[str, Any]:
    """Take off X's one-key wrapper (`{"follower": {…}}`); a bare object is returned as it is."""
    if not isinstance(item, dict):
        return {}
    value = item.get(key)
    if isinstance(value, dict):
        return value
    if len(item) == 1:
        (only,) = item.values()
        if isinstance(only, dict):
            return only
    return item


class Handles:
    """Account id ↔ handle, learned from mentions and replies while the tweets are read.

    X follower and following lists hold account ids only; the tweets name the handles of the
    people the owner mentioned or replied to, so connections read later can carry a handle.
    Memory grows with the number of distinct people mentioned, not with the archive.
    """

    def __init__(self) -> None:
        self._by_id: dict[str, str] = {}
        self._by_handle: dict[str, str] = {}

    def learn(self, native_id: str | None, handle: str | None) -> None:
        if native_id and handle:
            self._by_id.setdefault(native_id, handle)
            self._by_handle.setdefault(handle.casefold(), native_id)

    def handle(self, native_id: str | None) -> str | None:
        return self._by_id.get(native_id) if native_id else None

    def native_id(self, handle: str | None) -> str | None:
        return self._by_handle.get(handle.lstrip("@").casefold()) if handle else None

    def __len__(self) -> int:
        return len(self._by_id)


@dataclass(frozen=True, slots=True)
class Owner:
    """The archive owner, as far as the archive names them."""

    native_id: str | None = None
    handle: str | None = None
    #: True when the account is protected: its posts are seen by approved followers only.
    private: bool | None = None

    def is_owner(self, native_id: str | None = None, handle: str | None = None) -> bool:
        if native_id and self.native_id:
            return native_id == self.native_id
        return bool(handle and self.handle and handle.casefold() == self.handle.casefold())


# -- the account -------------------------------------------------------------------------------

def account_record(*, user_info: dict[str, Any], account: dict[str, Any],
                   profile: dict[str, Any], professional: dict[str, Any] | None,
                   protected: Iterable[dict[str, Any]]) -> AccountRecord:
    """The owner's account from manifest.js `userInfo`, account.js, profile.js,
    professional-data.js and protected-history.js (each already unwrapped; empty when absent)."""
    native_id = text_or_none(account.get("accountId")) or text_or_none(user_info.get("accountId"))
    handle = text_or_none(account.get("username")) or text_or_none(user_info.get("userName"))
    name = (text_or_none(account.get("accountDisplayName"))
            or text_or_none(user_info.get("displayName")))
    description = profile.get("description") if isinstance(profile.get("description"), dict) else {}
    website = text_or_none(description.get("website"))
    links: list[str] = [website] if website else []
    account_type: str | None = None
    categories: tuple[str, ...] = ()
    if professional:
        kind = text_or_none(professional.get("professionalType"))
        account_type = kind.lower() if kind else None  # "Business" / "Creator"
        categories = tuple(
            c["categoryName"] for c in professional.get("categories") or []
            if isinstance(c, dict) and text_or_none(c.get("categoryName")))
        for spot in professional.get("linkSpotlight") or []:
            url = text_or_none(spot.get("rawUrl")) if isinstance(spot, dict) else None
            if url and url not in links:
                links.append(url)
    return AccountRecord(
        platform=PLATFORM, native_id=native_id, handle=handle, display_name=name,
        bio=text_or_none(description.get("bio")), website=website,
        location=text_or_none(description.get("location")), links=tuple(links),
        private=protected_now(protected), account_type=account_type, categories=categories,
        created_at=parse_time(account.get("createdAt")),
        url=PROFILE_URL.format(handle=handle) if handle else None)


def protected_now(toggles: Iterable[dict[str, Any]]) -> bool | None:
    """True when the latest "Protect your posts" toggle protected the account, else None.

    protected-history.js only lists toggles of the last six months (X's README), so no toggle,
    or an "unprotect" last, does not tell whether the account is private today.
    """
    latest: tuple[datetime, str] | None = None
    for toggle in toggles:
        when = parse_time(toggle.get("protectedAt"))
        action = (text_or_none(toggle.get("action")) or "").casefold()
        if when is not None and (latest is None or when >= latest[0]):
            latest = (when, action)
    if latest and latest[1].startswith("protect"):
        return True
    return None


# -- connections and likes ---------------------------------------------------------------------

def connection_record(item: Any, *, key: str, relation: Relation,
                      handles: Handles) -> ConnectionRecord | None:
    """One follower/following/block entry; the handle only when the tweets named it."""
    entry = inner(item, key)
    account_id = text_or_none(entry.get("accountId"))
    if not account_id:
        return None
    person = Person(native_id=account_id, handle=handles.handle(account_id),
                    url=text_or_none(entry.get("userLink")))
    return ConnectionRecord(platform=PLATFORM, relation=relation, person=person)


def like_record(item: Any, *, owner: Owner, handles: Handles) -> InteractionRecord | None:
    """A like, only when its link names the liked tweet's author (like.js usually does not)."""
    like = inner(item, "like")
    tweet_id = text_or_none(like.get("tweetId"))
    m = _STATUS_URL.match(text_or_none(like.get("expandedUrl")) or "")
    if not tweet_id or not m or m["handle"].lower() == "i":
        return None
    handle = m["handle"]
    if owner.is_owner(handle=handle):
        return None
    person = Person(native_id=handles.native_id(handle), handle=handle)
    return InteractionRecord(platform=PLATFORM, kind="like", person=person, item_id=tweet_id)


# -- direct messages ---------------------------------------------------------------------------

def conversation_records(item: Any, *, owner: Owner, include_messages: bool,
                         source_file: str) -> list[Record]:
    """Participants and dates of one DM conversation; the owner's own messages only on opt-in.

    Yields one `InteractionRecord(kind="message")` per other participant and direction, dated by
    the latest message in that direction, with the conversation id as `item_id`. A sent message's
    `ContentRecord` names its recipient (one-to-one conversations) in `in_reply_to`.
    """
    conv = inner(item, "dmConversation")
    conversation_id = text_or_none(conv.get("conversationId"))
    me = owner.native_id
    if not me:
        return []  # without the owner's id, "sent" and "received" cannot be told apart
    participants: set[str] = set()
    if conversation_id and re.fullmatch(r"\d+-\d+", conversation_id):
        participants.update(conversation_id.split("-"))  # one-to-one: the two account ids
    last_in: dict[str, datetime | None] = {}
    last_out: datetime | None = None
    sent_any = False
    out: list[Record] = []
    for entry in conv.get("messages") or []:
        if not isinstance(entry, dict):
            continue
        for kind, event in entry.items():
            if not isinstance(event, dict):
                continue
            if kind != "messageCreate":
                # joinConversation / participantsJoin / participantsLeave in group conversations
                joined = [*(event.get("participantsSnapshot") or []), *(event.get("userIds") or [])]
                participants.update(str(uid) for uid in joined if text_or_none(uid))
                continue
            sender = text_or_none(event.get("senderId"))
            recipient = text_or_none(event.get("recipientId"))
            created = parse_time(event.get("createdAt"))
            participants.update(p for p in (sender, recipient) if p)
            if sender == me:
                sent_any = True
                last_out = _later(last_out, created)
                message_id = text_or_none(event.get("id"))
                if include_messages and message_id:
                    out.append(ContentRecord(
                        platform=PLATFORM, kind="message", native_id=message_id,
                        text=str(event.get("text") or ""), created_at=created, visibility="direct",
                        in_reply_to=Person(native_id=recipient) if recipient else None,
                        source_file=source_file))
            elif sender:
                last_in[sender] = _later(last_in.get(sender), created)
    for person_id in sorted(participants - {me}):
        person = Person(native_id=person_id)
        if sent_any:
            out.append(InteractionRecord(platform=PLATFORM, kind="message", person=person,
                                         direction="out", item_id=conversation_id,
                                         created_at=last_out))
        if person_id in last_in:
            out.append(InteractionRecord(platform=PLATFORM, kind="message", person=person,
                                         direction="in", item_id=conversation_id,
                                         created_at=last_in[person_id]))
    return out


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
