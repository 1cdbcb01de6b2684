"""The Facebook "Download Your Information" connector (JSON; zip or folder, any top folder)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator, Mapping
from typing import Any

from auditor.records import (AccountRecord, ConnectionRecord, CoverageRecord, ExportRecord,
                             MediaRecord, Record, Relation)
from auditor.sources import Source
from connectors._meta import (FACEBOOK_ROOTS, FACEBOOK_SIGNATURES, by_part, export_root,
                              iter_array, load_meta_json, meta_platform, meta_time, read_coverage,
                              read_messages, refuse_html_export, relative_to, root_array, text_of,
                              whole_datasets)
from connectors.base import Connector
from connectors.facebook.files import classify
from connectors.facebook.people import comment_records, connection_record, reaction_record
from connectors.facebook.posts import PLATFORM, listed_media, media_record, post_records

#: Reading order: the owner's profile first, then content, interactions, connections.
_ORDER = ("profile", "posts", "group_posts", "comments", "group_comments", "reactions", "friends",
          "following", "followers", "media", "messages")
#: The record families each file kind holds whole (ExportRecord.datasets). Reactions are left
#: out: one is only yielded when its localised title names whose item it was, so the likes of an
#: export are never known to be complete, and stored likes are never marked deleted.
_DATASETS: dict[str, tuple[str, ...]] = {
    "posts": ("post", "share"), "group_posts": ("post",), "comments": ("comment",),
    "group_comments": ("comment",), "friends": ("friend",), "following": ("following",),
    "followers": ("follower",), "messages": ("message",),
}
_RELATION: dict[str, Relation] = {
    "friends": "friend", "following": "following", "followers": "follower"}


def _profile_account(profile: Mapping[str, Any]) -> AccountRecord:
    """`{"profile_v2": {...}}` (2021+) or `{"profile": {...}}` (2018-20) → the owner's account.

    Facebook exports carry no account id (`native_id` None: DESIGN keys the account on platform
    and subject). `intro_bio` / `about_me` and `websites` are read where present [unverified keys].
    """
    p = profile.get("profile_v2") or profile.get("profile") or {}
    if not isinstance(p, Mapping):
        p = {}
    name = p.get("name")
    full = text_of(name.get("full_name")) if isinstance(name, Mapping) else text_of(name)
    city = p.get("current_city")
    location = text_of(city.get("name")) if isinstance(city, Mapping) else None
    links = tuple(text_of(w.get("address")) for w in p.get("websites") or []
                  if isinstance(w, Mapping) and text_of(w.get("address")))
    bio = next((text_of(p.get(k)) for k in ("intro_bio", "about_me", "bio") if text_of(p.get(k))),
               None)
    return AccountRecord(PLATFORM, None, handle=text_of(p.get("username")) or None,
                         display_name=full or None, bio=bio, location=location or None,
                         links=links, website=links[0] if links else None,
                         created_at=meta_time(p.get("registration_timestamp")),
                         url=text_of(p.get("profile_uri")) or None)


class FacebookConnector(Connector):
    """Facebook JSON exports, 2018 to 2025, every path and key version (export-formats.md §2)."""

    name = "facebook"
    title = "Facebook"

    def detect(self, source: Source) -> bool:
        return meta_platform(source) == "facebook"

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        refuse_html_export(source, FACEBOOK_SIGNATURES, "Facebook")
        root = export_root(source.names(), FACEBOOK_ROOTS)
        plan: dict[str, list[str]] = defaultdict(list)
        skipped: list[CoverageRecord] = []
        for name in source.names():
            kind, rel = classify(name), relative_to(root, name)
            if kind is None:
                skipped.append(CoverageRecord(rel, "unrecognized",
                                              "not a Facebook file footprint knows"))
            elif kind.startswith("skip:"):
                skipped.append(CoverageRecord(rel, "skipped", kind[5:]))
            else:
                plan[kind].append(name)

        account = AccountRecord(PLATFORM, None)
        profile_names = sorted(plan.pop("profile", []))
        if profile_names:
            account = _profile_account(load_meta_json(source, profile_names[0]))
        yield account
        owner = frozenset(n for n in (account.display_name,) if n)
        datasets = whole_datasets(plan, _DATASETS, include_messages=include_messages)
        # DESIGN counts a Meta export of a date range as partial, but nothing in the JSON says
        # which range the user picked, so every export is taken as whole.
        yield ExportRecord(partial=False, datasets=datasets)
        for i, name in enumerate(profile_names):
            rel = relative_to(root, name)
            yield (read_coverage(rel, 1) if i == 0
                   else CoverageRecord(rel, "skipped", "a second profile file; the first was read"))

        seen: set[str] = set()
        for kind in _ORDER[1:]:
            for name in by_part(plan.get(kind, [])):
                rel = relative_to(root, name)
                count = yield from self._read_file(source, name, rel, kind, owner, seen,
                                                   include_messages)
                yield read_coverage(rel, count)
        yield from skipped

    def _read_file(self, source: Source, name: str, rel: str, kind: str, owner: frozenset[str],
                   seen: set[str], include_messages: bool) -> Generator[Record, None, int]:
        """Stream one file's records (de-duplicated across parts through `seen`); return its item
        count. `rel` is the file's path from the export root, the name records carry."""
        if kind == "messages":
            return (yield from read_messages(source, name, platform=PLATFORM, owner_names=owner,
                                             include_text=include_messages, source_file=rel))
        if kind == "media" and name.rsplit("/", 2)[-2] == "album":
            album = load_meta_json(source, name)  # albums are small objects with a photos[] list
            items: Any = list(listed_media(album))
        else:
            where = root_array(source, name)
            items = iter_array(source, name, where) if where else iter(())
        count = 0
        for item in items:
            if not isinstance(item, Mapping):
                continue
            count += 1
            yield from self._item(item, rel, kind, owner, seen)
        return count

    def _item(self, item: Mapping[str, Any], name: str, kind: str, owner: frozenset[str],
              seen: set[str]) -> Iterator[Record]:
        # 2018-19 group files mix posts and comments in one list.
        is_comment = any(isinstance(d, Mapping) and "comment" in d for d in item.get("data") or [])
        if kind in ("posts", "group_posts") and not is_comment:
            content, extra = post_records(item, source_file=name, owner_names=owner)
            if _first(seen, f"content:{content.native_id}"):
                yield content
                for record in extra:  # a photo listed twice (a post, then an album) once
                    if not isinstance(record, MediaRecord) or _first(seen, "media:" + record.path):
                        yield record
        elif kind in ("posts", "group_posts", "comments", "group_comments"):
            comment, interaction = comment_records(item, source_file=name, owner_names=owner)
            if _first(seen, f"content:{comment.native_id}"):
                yield comment
                if interaction is not None:
                    yield interaction
        elif kind == "reactions":
            like = reaction_record(item, owner)
            if like is not None and _first(seen, f"like:{like.person.key()}:{like.created_at}"):
                yield like
        elif kind in _RELATION:
            conn = connection_record(item, _RELATION[kind])
            if conn is not None and _first(seen, _connection_key(conn)):
                yield conn
        elif kind == "media":
            media = media_record(item, None)
            if media is not None and _first(seen, f"media:{media.path}"):
                yield media


def _connection_key(conn: ConnectionRecord) -> str:
    # Names are not unique (two friends may both be "John Smith"), so a split part that repeats
    # an entry is recognised by name and date together.
    return f"{conn.relation}:{conn.person.key()}:{conn.created_at}"


def _first(seen: set[str], key: str) -> bool:
    """True the first time `key` is seen in this export."""
    if key in seen:
        return False
    seen.add(key)
    return True
