"""Bluesky: the account's repository as a CAR file (`com.atproto.sync.getRepo`, "Export my data").

A source holds one `.car` (alone, or in a folder or zip). The repo holds what the owner wrote and
did: posts, reposts, likes, follows, blocks, the profile. It holds no followers (those are records
in other people's repos) and no images (blobs live outside the CAR).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from auditor.errors import UnrecognizedArchive
from auditor.records import CoverageRecord, ExportRecord, Record
from auditor.sources import Source
from connectors.base import Connector
from connectors.bluesky.car import open_repo, read_car_bytes, tid_time, walk_mst
from connectors.bluesky.lexicon import (
    BLOCK,
    FOLLOW,
    LIKE,
    POST,
    PROFILE,
    PROFILE_KEY,
    REPOST,
    account,
    records_of,
)

_CAR = re.compile(r"\.car$", re.I)
_READ = frozenset({POST, REPOST, LIKE, FOLLOW, BLOCK, PROFILE})
_SNIFF_BYTES = 64


class BlueskyConnector(Connector):
    """Reads an atproto repo CAR: posts, replies, reposts, likes, follows, blocks, the profile."""

    name: ClassVar[str] = "bluesky"
    title: ClassVar[str] = "Bluesky"

    def detect(self, source: Source) -> bool:
        for name in source.names():
            if _CAR.search(name):
                with source.open_member(name) as fh:
                    head = fh.read(_SNIFF_BYTES)
                # The CAR v1 header is a DAG-CBOR map with the text keys "roots" and "version".
                if b"roots" in head and b"version" in head:
                    return True
        return False

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        # include_messages: Bluesky DMs are not in the repo; nothing to include.
        names = source.names()
        cars = [n for n in names if _CAR.search(n)]
        if not cars:
            raise UnrecognizedArchive("no repo .car file found", path=source.label)
        car = cars[0]
        repo = open_repo(read_car_bytes(source, car), car, source.label)
        entries = list(walk_mst(repo))
        by_key = dict(entries)
        profile_block = repo.blocks.get(by_key[PROFILE_KEY]) if PROFILE_KEY in by_key else None
        yield account(repo.did, profile_block if isinstance(profile_block, dict) else None)
        yield ExportRecord(partial=False, generated_at=tid_time(repo.rev),
                           datasets=frozenset({"post", "reply", "share", "like", "following",
                                               "blocked"}))

        count = 0
        kinds: Counter[str] = Counter()
        ignored: Counter[str] = Counter()
        for key, cid in entries:
            collection = key.partition("/")[0]
            record = repo.blocks.get(cid)
            if not isinstance(record, dict):
                repo.missing.append(key)
                continue
            if collection not in _READ or record.get("$type") not in (collection, None):
                ignored[collection] += 1
                continue
            kinds[collection.rsplit(".", 1)[-1]] += 1
            for out in records_of(repo.did, key, record, PurePosixPath(car).name):
                count += 1
                yield out
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        if ignored:
            summary += "; other collections not read: " + ", ".join(
                f"{c} ({n})" for c, n in sorted(ignored.items()))
        yield CoverageRecord(car, "read", summary, count=count)
        if repo.missing:
            yield CoverageRecord(car, "warning", f"{len(repo.missing)} block(s) referenced by the "
                                 "repo tree are missing from the CAR (a partial export?)",
                                 count=len(repo.missing))
        for other in names:
            if other == car:
                continue
            if _CAR.search(other):
                yield CoverageRecord(other, "skipped", "a second repo CAR in one source; ingest "
                                     "each repo separately")
            else:
                yield CoverageRecord(other, "unrecognized", "not part of a Bluesky repo export")
