"""Tweets: one archive tweet to records, long posts from note-tweet.js, and edit chains.

Quirks handled here, all seen in real archives (../shared/reference/export-formats.md §1.2):
- `full_text` is HTML-escaped (`&amp;`, `&gt;`); every number is a string.
- Retweets are ordinary tweets whose text starts `RT @user: ` (`retweeted` is false even for them).
- `in_reply_to_screen_name` is sometimes missing while `in_reply_to_user_id` is present.
- Long posts (2023+): tweets.js keeps the first ~280 characters; the whole text is in
  note-tweet.js, whose `noteTweetId` is *not* the tweet id. A note belongs to the tweet created
  in the same second whose visible text is a prefix of the note's text.
- Edits (Nov 2022+): every version is its own tweet, linked by `edit_info`; the chain counts as
  its first tweet id (DESIGN: fingerprints), so only the latest version is kept, under that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditor.records import ContentKind, ContentRecord, InteractionRecord, Person, Record
from connectors.base import parse_time, unescape
from connectors.twitter.parse import PLATFORM, Handles, Owner, inner, text_or_none

TWEET_TIME = "%a %b %d %H:%M:%S %z %Y"  # "Thu Nov 03 08:50:26 +0000 2022"
STATUS_URL = "https://x.com/{handle}/status/{id}"
ANON_STATUS_URL = "https://x.com/i/status/{id}"  # X resolves it without knowing the author

# The visible part of a long post ends with "…", then (sometimes) the t.co link X appends.
_TRAILING_LINKS = re.compile(r"(?:\s*https?://t\.co/\w+)+\s*$")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")
_SPACE = re.compile(r"\s+")
#: A visible prefix this long cannot match another note of the same second by chance.
_SURE_PREFIX = 50


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Note:
    """One long post from note-tweet.js."""

    text: str
    mentions: tuple[str, ...]
    used: bool = False


class NoteIndex:
    """Long-post texts by creation second. Notes are few (one per long post), so they are held
    in memory while the (much larger) tweets files stream past."""

    def __init__(self) -> None:
        self._by_second: dict[int, list[Note]] = {}
        self.count = 0

    def add(self, item: Any) -> bool:
        """Index one note-tweet.js element; False when it has no time or no text."""
        note = inner(item, "noteTweet")
        core = note.get("core") if isinstance(note.get("core"), dict) else {}
        created = parse_time(note.get("createdAt"))
        text = core.get("text")
        if created is None or not isinstance(text, str):
            return False
        mentions = tuple(str(m["screenName"]) for m in core.get("mentions") or []
                         if isinstance(m, dict) and m.get("screenName"))
        # note-tweet.js text is not HTML-escaped (">>" appears raw in the 2024 sample).
        self._by_second.setdefault(int(created.timestamp()), []).append(Note(text, mentions))
        self.count += 1
        return True

    def match(self, created: datetime | None, visible: str) -> Note | None:
        """The note created in the same second whose text starts with the tweet's visible text."""
        if created is None:
            return None
        candidates = self._by_second.get(int(created.timestamp()))
        if not candidates:
            return None
        trimmed = _TRAILING_LINKS.sub("", visible).rstrip()
        truncated = trimmed.endswith("…")
        prefix = trimmed[:-1] if truncated else trimmed
        if not truncated and len(prefix) < _SURE_PREFIX:
            return None  # a short, whole tweet is not a long post's visible part
        for attempt in (prefix, _LEADING_MENTIONS.sub("", prefix)):
            wanted = _squash(attempt)
            if not wanted:
                continue
            hits = [n for n in candidates if _squash(n.text).startswith(wanted)]
            if hits:
                best = min(hits, key=lambda n: (n.used, len(n.text)))
                best.used = True
                return best
        return None

    def unmatched(self) -> int:
        return sum(1 for notes in self._by_second.values() for n in notes if not n.used)


def edit_chain(tweet: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(first tweet id, every version id oldest first) of the tweet's edit chain.

    An unedited tweet is a chain of one. The first version lists every later one in
    `edit_info.initial.editTweetIds`; a later version names the first in `edit.initialTweetId`
    and lists the chain in `edit.editControlInitial.editTweetIds` (2024 sample).
    """
    own = text_or_none(tweet.get("id_str")) or text_or_none(tweet.get("id")) or ""
    info = tweet.get("edit_info") if isinstance(tweet.get("edit_info"), dict) else {}
    if isinstance(info.get("edit"), dict):
        edit = info["edit"]
        control = edit.get("editControlInitial")
        control = control if isinstance(control, dict) else {}
        ids = [str(i) for i in control.get("editTweetIds") or []]
        root = text_or_none(edit.get("initialTweetId")) or (ids[0] if ids else own)
    elif isinstance(info.get("initial"), dict):
        ids = [str(i) for i in info["initial"].get("editTweetIds") or []]
        root = own
    else:
        ids, root = [], own
    if own and own not in ids:
        ids.append(own)
    return root, tuple(ids)


@dataclass
class TweetReader:
    """Turns archive tweets into records, keeping one record per edit chain.

    A version that is not the last of its chain is held back (`_pending`, only edited tweets)
    until the last version turns up, possibly in a later part: parts are not in time order.
    Whatever is still held at the end is the latest version the archive has, and is emitted then.
    """

    owner: Owner
    handles: Handles
    notes: NoteIndex
    #: Chain id → the version id yielded under it, for every chain of more than one version.
    chains: dict[str, str] = field(default_factory=dict)
    #: Chain id → (rank in the chain, tweet, file) of the latest version seen so far.
    _pending: dict[str, tuple[int, dict[str, Any], str]] = field(default_factory=dict, init=False)
    #: Earlier versions of edited posts that were dropped for a later one.
    superseded: int = field(default=0, init=False)
    #: Elements with no tweet id, which cannot be stored.
    without_id: int = field(default=0, init=False)

    def read(self, item: Any, source_file: str) -> Iterator[Record]:
        """Records for one tweets.js / tweet.js element (wrapped or, as in 2019, bare)."""
        tweet = inner(item, "tweet")
        own = text_or_none(tweet.get("id_str")) or text_or_none(tweet.get("id"))
        if not own:
            self.without_id += 1
            return
        root, ids = edit_chain(tweet)
        if len(ids) <= 1 and root == own:
            yield from self._records(tweet, own, source_file)
            return
        if root in self.chains:
            self.superseded += 1
            return
        if own == ids[-1]:
            if self._pending.pop(root, None) is not None:
                self.superseded += 1
            self.chains[root] = own
            yield from self._records(tweet, root, source_file)
            return
        # An earlier version: keep the most recent one seen until the chain's last turns up.
        rank = ids.index(own)
        held = self._pending.get(root)
        if held is None or rank > held[0]:
            if held is not None:
                self.superseded += 1
            self._pending[root] = (rank, tweet, source_file)
        else:
            self.superseded += 1

    def flush(self) -> Iterator[Record]:
        """The latest version the archive holds of every chain whose last version it lacks."""
        for root, (_rank, tweet, source_file) in self._pending.items():
            version = text_or_none(tweet.get("id_str")) or text_or_none(tweet.get("id")) or root
            self.chains[root] = version
            yield from self._records(tweet, root, source_file)
        self._pending.clear()

    # -- one tweet ---------------------------------------------------------------------------
    def _records(self, tweet: dict[str, Any], native_id: str, source_file: str) -> Iterator[Record]:
        text = unescape(tweet.get("full_text") or tweet.get("text"))
        created = parse_time(tweet.get("created_at"), TWEET_TIME)
        mentions = self._mentions(tweet)
        note = self.notes.match(created, text)
        if note is not None:
            text = note.text
            seen = {(m.handle or "").casefold() for m in mentions}
            mentions += tuple(Person(native_id=self.handles.native_id(h), handle=h)
                              for h in note.mentions if h.casefold() not in seen)
        reply_user = text_or_none(tweet.get("in_reply_to_user_id_str")) or text_or_none(
            tweet.get("in_reply_to_user_id"))
        reply_status = text_or_none(tweet.get("in_reply_to_status_id_str")) or text_or_none(
            tweet.get("in_reply_to_status_id"))
        reply_handle = text_or_none(tweet.get("in_reply_to_screen_name")) or next(
            (m.handle for m in mentions if reply_user and m.native_id == reply_user), None
        ) or self.handles.handle(reply_user)
        self.handles.learn(reply_user, reply_handle)
        kind: ContentKind = "post"
        if text.startswith("RT @"):
            kind = "share"
        elif reply_status:
            kind = "reply"
        in_reply_to = (Person(native_id=reply_user, handle=reply_handle)
                       if reply_user or reply_handle else None)
        handle = self.owner.handle
        url = (STATUS_URL.format(handle=handle, id=native_id) if handle
               else ANON_STATUS_URL.format(id=native_id))
        latitude, longitude = _coordinates(tweet)
        place = tweet.get("place") if isinstance(tweet.get("place"), dict) else {}
        yield ContentRecord(
            platform=PLATFORM, kind=kind, native_id=native_id, text=text, created_at=created,
            url=url, in_reply_to_id=reply_status, in_reply_to=in_reply_to,
            visibility="followers" if self.owner.private else None, mentions=mentions,
            source_file=source_file,
            place=text_or_none(place.get("full_name")) or text_or_none(place.get("name")),
            latitude=latitude, longitude=longitude)
        if kind == "share":
            return  # a retweet's mentions are the original author's, not the owner's
        replied_to_other = (kind == "reply" and in_reply_to is not None
                            and not self.owner.is_owner(reply_user, reply_handle))
        if replied_to_other:
            assert in_reply_to is not None
            yield InteractionRecord(platform=PLATFORM, kind="reply", person=in_reply_to,
                                    item_id=native_id, created_at=created)
        for person in mentions:
            if self.owner.is_owner(person.native_id, person.handle):
                continue
            # The reply target is already the "reply" interaction; X prefixes its @handle itself.
            if kind == "reply" and in_reply_to is not None and person.key() in (
                    in_reply_to.key(), Person(handle=in_reply_to.handle).key()):
                continue
            yield InteractionRecord(platform=PLATFORM, kind="mention", person=person,
                                    item_id=native_id, created_at=created)

    def _mentions(self, tweet: dict[str, Any]) -> tuple[Person, ...]:
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        people: list[Person] = []
        seen: set[str] = set()
        for m in entities.get("user_mentions") or []:
            if not isinstance(m, dict):
                continue
            person = Person(native_id=text_or_none(m.get("id_str")) or text_or_none(m.get("id")),
                            handle=text_or_none(m.get("screen_name")),
                            name=unescape(m.get("name")) or None)
            if person.key() in seen or person.key() == "unknown":
                continue
            seen.add(person.key())
            self.handles.learn(person.native_id, person.handle)
            people.append(person)
        return tuple(people)


def _coordinates(tweet: dict[str, Any]) -> tuple[float | None, float | None]:
    """Latitude and longitude of a geotagged tweet (older archives keep API v1.1 `coordinates`:
    GeoJSON order, longitude first; `geo` has latitude first)."""
    for key, order in (("coordinates", (1, 0)), ("geo", (0, 1))):
        value = tweet.get(key)
        point = value.get("coordinates") if isinstance(value, dict) else None
        if isinstance(point, list) and len(point) == 2:
            try:
                return float(point[order[0]]), float(point[order[1]])
            except (TypeError, ValueError):
                continue
    return None, None
