"""Mastodon: the account archive ("Request your archive", a `.tar.gz`, or extracted) and the
Follows / Blocks CSV exports, alone or next to it.

The archive (`app/services/backup_service.rb` [doc]; `../shared/reference/export-formats.md` §5.1)
holds `outbox.json` (every status), `actor.json` (the profile), `likes.json` and `bookmarks.json`
(status URIs only), `avatar.*`, `header.*` and `media_attachments/…`. It has no followers and no
following: those come from the separate CSV export (`csvexport`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar

from auditor.records import (
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
    Record,
    Relation,
)
from auditor.sources import Source
from connectors.base import Connector, iter_json_items, load_json
from connectors.mastodon.actor import account_from_actor, account_from_uri
from connectors.mastodon.csvexport import (
    EXPORT_FILE,
    looks_like_export,
    read_accounts,
    relation_of,
)
from connectors.mastodon.outbox import (
    PLATFORM,
    OutboxContext,
    OutboxScan,
    activity_records,
    actor_of_status,
    iter_outbox,
)

_OUTBOX = re.compile(r"(?:^|/)outbox\.json$")
#: BackupService names the archive `archive-YYYYMMDDHHMMSS-<32 hex>.tar.gz`.
_ARCHIVE_NAME = re.compile(r"archive-(?P<stamp>\d{14})-[0-9a-f]{32}", re.I)
_MEDIA = re.compile(r"(?:^|/)media_attachments/")
_PROFILE_IMAGE = re.compile(r"(?:^|/)(?:avatar|header)\.\w+$")
_SNIFF_BYTES = 4096


def _sibling(outbox: str, filename: str) -> str:
    parent = PurePosixPath(outbox).parent
    return filename if str(parent) == "." else f"{parent}/{filename}"


class MastodonConnector(Connector):
    """Reads a Mastodon account archive and the Follows / Blocks CSV exports."""

    name: ClassVar[str] = "mastodon"
    title: ClassVar[str] = "Mastodon"

    def detect(self, source: Source) -> bool:
        names = source.names()
        for n in names:
            if _OUTBOX.search(n):
                # Mastodon (and other ActivityPub servers) write actor.json next to the outbox.
                if source.exists(_sibling(n, "actor.json")):
                    return True
                with source.open_member(n) as fh:
                    head = fh.read(_SNIFF_BYTES)
                if b'"OrderedCollection"' in head and b"activitystreams" in head:
                    return True
        for n in names:
            if EXPORT_FILE.search(n):
                with source.open_member(n) as fh:
                    if looks_like_export(fh.read(_SNIFF_BYTES)):
                        return True
        return False

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        names = source.names()
        outboxes = [n for n in names if _OUTBOX.search(n)]
        outbox = outboxes[0] if outboxes else None
        actor_file = _sibling(outbox, "actor.json") if outbox else None
        actor: dict[str, Any] = {}
        if actor_file and source.exists(actor_file):
            loaded = load_json(source, actor_file)
            actor = loaded if isinstance(loaded, dict) else {}
        likes = _sibling(outbox, "likes.json") if outbox else None
        csv_files: dict[str, Relation] = {}
        for n in names:
            relation = relation_of(n)
            if relation is not None:
                csv_files[n] = relation

        yield account_from_actor(actor) if actor else account_from_uri(
            self._outbox_actor(source, outbox) if outbox else None)
        yield self._export_record(source, outbox, likes, set(csv_files.values()), include_messages)

        followers = actor.get("followers") if isinstance(actor.get("followers"), str) else None
        owner = actor.get("id") if isinstance(actor.get("id"), str) else None
        done: set[str] = set()
        if outbox:
            yield from self._read_outbox(source, outbox, owner, followers, include_messages)
            done.add(outbox)
            if actor_file and source.exists(actor_file):
                yield CoverageRecord(actor_file, "read" if actor else "skipped",
                                     "" if actor else "actor.json is not a JSON object",
                                     count=1 if actor else None)
                done.add(actor_file)
            if likes and source.exists(likes):
                yield from self._read_likes(source, likes)
                done.add(likes)
        for name, relation in csv_files.items():
            invalid: list[int] = []
            count = 0
            for record in read_accounts(source, name, relation, invalid):
                count += 1
                yield record
            yield CoverageRecord(name, "read", count=count)
            if invalid:
                yield CoverageRecord(name, "warning", f"{len(invalid)} line(s) hold no account "
                                     f"address (lines {', '.join(map(str, invalid[:5]))})",
                                     count=len(invalid))
            done.add(name)
        for name in names:
            if name not in done:
                yield self._other(name, outbox)

    # -- files ---------------------------------------------------------------------------------
    def _read_outbox(self, source: Source, name: str, owner: str | None, followers: str | None,
                     include_messages: bool) -> Iterator[Record]:
        # source_file is the path within the archive (the outbox sits at its root), so that an
        # archive extracted under another top folder does not make every status look edited.
        ctx = OutboxContext(owner=owner, followers=followers, include_messages=include_messages,
                            source_file=PurePosixPath(name).name)
        scan = OutboxScan()
        for item in iter_outbox(source, name, scan):
            yield from activity_records(item, ctx)
        counts = ctx.counts
        read = sum(counts.get(k, 0) for k in ("post", "reply", "share", "message"))
        notes = [f"{counts[k]} {k}" for k in ("post", "reply", "share", "direct") if counts.get(k)]
        if counts.get("direct") and not include_messages:
            notes.append("direct messages as participants and dates only")
        yield CoverageRecord(name, "read", "; ".join(notes), count=read)
        other = {k: v for k, v in counts.items()
                 if k not in ("post", "reply", "share", "message", "direct")}
        if other:
            yield CoverageRecord(name, "warning", "activities not read: " + ", ".join(
                f"{k} ({v})" for k, v in sorted(other.items())), count=sum(other.values()))
        if scan.total_items is not None and scan.total_items != scan.items:
            yield CoverageRecord(name, "warning", f"totalItems says {scan.total_items}, the outbox "
                                 f"holds {scan.items} activities", count=scan.items)

    def _read_likes(self, source: Source, name: str) -> Iterator[Record]:
        """likes.json holds status URIs only. A Mastodon URI names its author (`/users/<name>/`);
        a like of any other URI shape has no owner to record and is counted instead."""
        count = unresolved = 0
        for uri in iter_json_items(source, name, path="orderedItems.item"):
            actor = actor_of_status(uri) if isinstance(uri, str) else None
            if actor is None:
                unresolved += 1
                continue
            count += 1
            yield InteractionRecord(PLATFORM, "like", Person(native_id=actor), "out", item_id=uri)
        yield CoverageRecord(name, "read", count=count)
        if unresolved:
            yield CoverageRecord(name, "warning", f"{unresolved} liked status URI(s) do not name "
                                 "their author (not a Mastodon server); not recorded",
                                 count=unresolved)

    @staticmethod
    def _other(name: str, outbox: str | None) -> CoverageRecord:
        base = PurePosixPath(name).name
        if base == "bookmarks.json":
            return CoverageRecord(name, "skipped", "bookmarks are private saves (status URIs only)")
        if _MEDIA.search(name):
            return CoverageRecord(name, "skipped",
                                  "media file: Mastodon strips its metadata on upload")
        if _PROFILE_IMAGE.search(name):
            return CoverageRecord(name, "skipped", "profile image")
        if base in ("likes.json", "actor.json", "outbox.json"):
            return CoverageRecord(name, "skipped", "a second archive in one source; ingest each "
                                  "archive separately")
        return CoverageRecord(name, "unrecognized", "not part of a Mastodon archive")

    @staticmethod
    def _outbox_actor(source: Source, outbox: str) -> str | None:
        """The `actor` of the first outbox activity, for an archive without actor.json."""
        items = iter_outbox(source, outbox, OutboxScan())
        try:
            first = next(items, None)
        finally:
            items.close()
        actor = first.get("actor") if first else None
        return actor if isinstance(actor, str) else None

    @staticmethod
    def _export_record(source: Source, outbox: str | None, likes: str | None,
                       relations: set[str], include_messages: bool) -> ExportRecord:
        """The archive holds every status (and every like when likes.json is there); a CSV export
        holds the whole list it names. Nothing here is partial."""
        datasets: set[str] = set(relations)
        if outbox:
            datasets |= {"post", "reply", "share"}
            if include_messages:
                datasets.add("message")
        if likes and source.exists(likes):
            datasets.add("like")
        generated = None
        m = _ARCHIVE_NAME.search(PurePosixPath(source.label).name)
        if m:
            generated = datetime.strptime(m.group("stamp"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        return ExportRecord(partial=False, generated_at=generated, datasets=frozenset(datasets))
