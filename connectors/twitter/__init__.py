"""The X / Twitter archive connector ("Download an archive of your data", 2019 to today).

Layouts read: the current one (Nov 2022+: `data/tweets.js`, `window.YTD.tweets.part0`, parts
`tweets-part1.js` …, `manifest.js`), the 2020-2022 one (`data/tweet.js` with `{"tweet": …}`) and
the 2019 one (`tweet.js` with bare tweet objects). The older Grailbird layout (`tweets.csv`,
`data/js/tweets/YYYY_MM.js`) is not recognised.

Record order: the owner's `AccountRecord`, the `ExportRecord`, then content (tweets with their
mention and reply interactions, media), likes, direct-message participants, connections. Every
member of the archive gets one `CoverageRecord` ("read" or "skipped", with the reason), and a
record count that disagrees with manifest.js adds a "warning".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from posixpath import basename
from typing import Any, ClassVar

from auditor.records import (
    AccountRecord,
    CoverageRecord,
    ExportRecord,
    MediaRecord,
    Record,
    Relation,
)
from auditor.sources import Source
from connectors.base import Connector, iter_json_items, parse_time
from connectors.twitter.coverage import media_reason, skip_reason, viewer_reason
from connectors.twitter.manifest import DataFile, Layout, build_layout, looks_like_x
from connectors.twitter.parse import (
    PLATFORM,
    Handles,
    Owner,
    account_record,
    connection_record,
    conversation_records,
    inner,
    like_record,
)
from connectors.twitter.tweets import NoteIndex, TweetReader

__all__ = ["TwitterArchive"]

_ACCOUNT_STEMS = ("account", "profile", "professional-data", "protected-history")
#: "tweets" since Nov 2022, "tweet" before; Community posts have the same shape.
_TWEET_STEMS = ("tweets", "tweet", "community-tweet")
_NOTE_STEMS = ("note-tweet",)
_DM_STEMS = ("direct-messages", "direct-messages-group")
_CONNECTION_STEMS: dict[str, tuple[str, Relation]] = {
    "follower": ("follower", "follower"),
    "following": ("following", "following"),
    "block": ("blocking", "blocked"),
}
_READ_STEMS = frozenset(
    _ACCOUNT_STEMS + _TWEET_STEMS + _NOTE_STEMS + _DM_STEMS + ("like",) + tuple(_CONNECTION_STEMS))
#: Media named `<tweet id>-<media key>.<ext>` (X's README: "tweets_media").
_TWEET_MEDIA_DIRS = ("tweets_media", "community_tweet_media")
_MEDIA_NAME = re.compile(r"^(?P<id>\d+)-[^/]+$")


class TwitterArchive(Connector):
    """An X archive: a zip, a folder (with or without a top folder) or one `window.YTD` file."""

    name: ClassVar[str] = "twitter"
    title: ClassVar[str] = "X / Twitter"

    def detect(self, source: Source) -> bool:
        """A `data/manifest.js` with `window.__THAR_CONFIG`, or a data file with `window.YTD.`."""
        return looks_like_x(source)

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        """Stream the archive's records, the owner's account first."""
        yield from _ArchiveReader(source, build_layout(source), include_messages).run()


class _ArchiveReader:
    """One pass over one archive; holds only the small state that later files need."""

    def __init__(self, source: Source, layout: Layout, include_messages: bool) -> None:
        self.source = source
        self.layout = layout
        self.include_messages = include_messages
        self.handles = Handles()
        self.owner = Owner()
        self.covered: set[str] = set()
        self.stems = {f.member: f.stem for parts in layout.files.values() for f in parts}
        self.tweet_reader = TweetReader(self.owner, self.handles, NoteIndex())
        self._account_coverage: list[CoverageRecord] = []

    def run(self) -> Iterator[Record]:
        account = self._account()
        self.owner = Owner(account.native_id, account.handle, account.private)
        yield account
        yield self._export()
        yield from self._manifest_coverage()
        yield from self._account_coverage
        yield from self._tweets()
        yield from self._media()
        yield from self._likes()
        yield from self._messages()
        yield from self._connections()
        yield from self._skipped()

    # -- helpers --------------------------------------------------------------------------------
    def _items(self, f: DataFile) -> Iterator[Any]:
        return iter_json_items(self.source, f.member, js_prefix=True)

    def _read(self, f: DataFile, count: int, reason: str = "") -> Iterator[CoverageRecord]:
        """Coverage for one file read: "read", then a warning if the manifest disagrees."""
        self.covered.add(f.member)
        file = self.layout.relative(f.member)
        yield CoverageRecord(file=file, status="read", reason=reason, count=count)
        if f.expected is not None and f.expected != count:
            yield CoverageRecord(
                file=file, status="warning", count=count,
                reason=f"manifest.js says {_records(f.expected)}, the file holds {count}")
        if self.layout.manifest_member and not f.listed:
            yield CoverageRecord(file=file, status="warning", count=count,
                                 reason="not listed in manifest.js")

    # -- the account ----------------------------------------------------------------------------
    def _account(self) -> AccountRecord:
        found: dict[str, list[dict[str, Any]]] = {}
        coverage: list[CoverageRecord] = []
        keys = {"account": "account", "profile": "profile", "professional-data": "professionalData",
                "protected-history": "protectedHistory"}
        for stem in _ACCOUNT_STEMS:
            for f in self.layout.parts(stem):
                items = [inner(item, keys[stem]) for item in self._items(f)]
                found.setdefault(stem, []).extend(items)
                coverage.extend(self._read(f, len(items)))
        self._account_coverage = coverage

        def first(stem: str) -> dict[str, Any]:
            return next(iter(found.get(stem) or []), {})

        return account_record(
            user_info=self.layout.user_info, account=first("account"), profile=first("profile"),
            professional=first("professional-data") or None,
            protected=found.get("protected-history") or [])

    def _export(self) -> ExportRecord:
        """Partial or not, and the record families this archive holds whole."""
        layout = self.layout
        datasets: set[str] = set()
        if layout.has("tweets", "tweet"):
            datasets |= {"post", "reply", "share", "mention"}
        for stem, (_key, relation) in _CONNECTION_STEMS.items():
            if layout.has(stem):
                datasets.add(relation)
        if layout.has("like"):
            datasets.add("like")
        # Messages only on opt-in: an ingest without --include-messages must not mark message
        # text stored by an earlier opt-in ingest as deleted.
        if self.include_messages and layout.has(*_DM_STEMS):
            datasets.add("message")
        info = layout.archive_info
        return ExportRecord(partial=info.get("isPartialArchive") is True,
                            generated_at=parse_time(info.get("generationDate")),
                            datasets=frozenset(datasets))

    def _manifest_coverage(self) -> Iterator[CoverageRecord]:
        layout = self.layout
        if layout.manifest_member:
            self.covered.add(layout.manifest_member)
            yield CoverageRecord(file=layout.relative(layout.manifest_member), status="read",
                                 reason="the archive's list of data files and counts")
        for f in layout.missing:
            yield CoverageRecord(file=layout.relative(f.member), status="warning", count=0,
                                 reason=f"listed in manifest.js with {_records(f.expected or 0)}, "
                                        "missing from the archive")

    # -- content --------------------------------------------------------------------------------
    def _tweets(self) -> Iterator[Record]:
        notes = NoteIndex()
        note_files: list[tuple[DataFile, int]] = []
        for f in self.layout.parts(*_NOTE_STEMS):
            n = 0
            for item in self._items(f):
                notes.add(item)
                n += 1
            note_files.append((f, n))
        reader = TweetReader(self.owner, self.handles, notes)
        self.tweet_reader = reader
        for f in self.layout.parts(*_TWEET_STEMS):
            n, superseded, without_id = 0, reader.superseded, reader.without_id
            for item in self._items(f):
                n += 1
                yield from reader.read(item, self.layout.relative(f.member))
            notes_on_file = []
            if reader.superseded > superseded:
                dropped = reader.superseded - superseded
                notes_on_file.append(
                    (f"{dropped} earlier versions of edited posts" if dropped > 1
                     else "1 earlier version of an edited post")
                    + " not stored: an edited post is kept once, latest text, first tweet id")
            if reader.without_id > without_id:
                notes_on_file.append(f"{reader.without_id - without_id} elements without a tweet id")
            yield from self._read(f, n, "; ".join(notes_on_file))
        yield from reader.flush()
        unmatched = notes.unmatched()
        for f, n in note_files:
            yield from self._read(f, n, reason="full text of long posts, matched to tweets by time")
        if unmatched:
            first_note = self.layout.relative(note_files[0][0].member)
            yield CoverageRecord(
                file=first_note, status="warning", count=unmatched,
                reason=f"{unmatched} long posts match no tweet by creation time and text; "
                       "their full text is not stored")

    def _media(self) -> Iterator[Record]:
        """Tweet media, recorded by name (the file is not opened): `<tweet id>-<key>.<ext>`."""
        chains = {version: root for root, version in self.tweet_reader.chains.items()}
        for name in self.source.names():
            folder = self._data_subfolder(name)
            if folder not in _TWEET_MEDIA_DIRS:
                continue
            m = _MEDIA_NAME.match(basename(name))
            tweet_id = m["id"] if m else None
            yield MediaRecord(platform=PLATFORM, path=self.layout.relative(name),
                              content_id=chains.get(tweet_id, tweet_id) if tweet_id else None)
            self.covered.add(name)
            yield CoverageRecord(file=self.layout.relative(name), status="read", count=1,
                                 reason="media file: recorded by name, not opened")

    def _likes(self) -> Iterator[Record]:
        for f in self.layout.parts("like"):
            n = anonymous = 0
            for item in self._items(f):
                n += 1
                record = like_record(item, owner=self.owner, handles=self.handles)
                if record is None:
                    anonymous += 1
                else:
                    yield record
            reason = (f"{anonymous} of {n} likes do not name the liked post's author "
                      "(X does not record it); no interaction stored for them" if anonymous else "")
            yield from self._read(f, n, reason)

    def _messages(self) -> Iterator[Record]:
        reason = ("participants and dates" if self.include_messages
                  else "participants and dates only; message text needs --include-messages")
        if not self.owner.native_id:
            reason = "the archive does not name its owner's account id; conversations not read"
        for f in self.layout.parts(*_DM_STEMS):
            n = 0
            for item in self._items(f):
                n += 1
                yield from conversation_records(item, owner=self.owner,
                                                source_file=self.layout.relative(f.member),
                                                include_messages=self.include_messages)
            yield from self._read(f, n, reason)

    def _connections(self) -> Iterator[Record]:
        for stem, (key, relation) in _CONNECTION_STEMS.items():
            for f in self.layout.parts(stem):
                n = resolved = 0
                for item in self._items(f):
                    n += 1
                    record = connection_record(item, key=key, relation=relation,
                                               handles=self.handles)
                    if record is not None:
                        resolved += record.person.handle is not None
                        yield record
                reason = (f"account ids only; {resolved} of {n} handles resolved from mentions"
                          if n else "")
                yield from self._read(f, n, reason)

    # -- everything else ------------------------------------------------------------------------
    def _data_subfolder(self, name: str) -> str | None:
        """`tweets_media` for `…/data/tweets_media/123-abc.jpg`; None outside the data folder."""
        data_dir = self.layout.data_dir
        if not name.startswith(data_dir):
            return None
        rest = name[len(data_dir):]
        return rest.split("/", 1)[0] if "/" in rest else None

    def _skipped(self) -> Iterator[CoverageRecord]:
        data_dir = self.layout.data_dir
        for name in self.source.names():
            if name in self.covered:
                continue
            folder = self._data_subfolder(name)
            reason = viewer_reason(name)
            status = "skipped"
            if reason is None and folder is not None:
                reason = media_reason(folder)
            elif reason is None and name.startswith(data_dir):
                stem = self.stems.get(name)
                if stem is not None and stem not in _READ_STEMS:
                    reason = skip_reason(stem)
                elif basename(name) == "README.txt":
                    reason = "X's description of the archive's files"
            if reason is None:
                status, reason = "unrecognized", "not part of X's archive layout"
            yield CoverageRecord(file=self.layout.relative(name), status=status, reason=reason)


def _records(n: int) -> str:
    return f"{n} record" if n == 1 else f"{n} records"
