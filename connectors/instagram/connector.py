"""The Instagram export connector (JSON; 2021-2023 and 2024+ layouts), Threads included.

Threads data arrives inside the Instagram export (`your_instagram_activity/threads/`). Per the
ownership rule of `auditor.records`, the Instagram account and its records come first, then a
second `AccountRecord(platform="threads")` and the Threads records. An export that holds only
Threads files starts with the Threads account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from auditor.records import AccountRecord, CoverageRecord, ExportRecord, Record, Relation
from auditor.sources import Source
from connectors._meta import (INSTAGRAM_ROOTS, INSTAGRAM_SIGNATURES, by_part, export_root, fold,
                              iter_array, load_meta_json, meta_platform, read_coverage,
                              read_messages, refuse_html_export, relative_to, root_array,
                              whole_datasets)
from connectors.base import Connector
from connectors.instagram.content import (comment_records, connection_record, like_record,
                                          post_records)
from connectors.instagram.files import classify, is_threads
from connectors.instagram.profile import account_from_profile, privacy_from_history, profile_item

_IG_ORDER = ("posts", "reels", "stories", "comments", "likes", "followers", "following", "blocked",
             "messages")
_THREADS_ORDER = ("threads_posts", "threads_likes", "threads_followers", "threads_following",
                  "threads_blocked")
_DATASETS: dict[str, tuple[str, ...]] = {
    "posts": ("caption",), "reels": ("caption",), "stories": ("caption",), "comments": ("comment",),
    "likes": ("like",), "followers": ("follower",), "following": ("following",),
    "blocked": ("blocked",), "messages": ("message",), "threads_posts": ("post", "reply"),
    "threads_likes": ("like",), "threads_followers": ("follower",),
    "threads_following": ("following",), "threads_blocked": ("blocked",),
}
_RELATION: dict[str, Relation] = {
    "followers": "follower", "following": "following", "blocked": "blocked",
    "threads_followers": "follower", "threads_following": "following", "threads_blocked": "blocked",
}
#: Stories and reels have their own id space, so a post and a story of the same second differ.
_ID_PREFIX = {"reels": "reel:", "stories": "story:"}


class InstagramConnector(Connector):
    """Instagram (and Threads) JSON exports, 2021 to 2026 (export-formats.md §3)."""

    name = "instagram"
    title = "Instagram"

    def detect(self, source: Source) -> bool:
        return meta_platform(source) == "instagram"

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        refuse_html_export(source, INSTAGRAM_SIGNATURES, "Instagram")
        root = export_root(source.names(), INSTAGRAM_ROOTS)
        yield from _Reader(source, root, include_messages).records()


@dataclass
class _Reader:
    """One read of one export: the source, its root folder, and what has been yielded already."""

    source: Source
    root: str
    include_messages: bool
    seen: set[str] = field(default_factory=set)

    def rel(self, name: str) -> str:
        return relative_to(self.root, name)

    def records(self) -> Iterator[Record]:
        plan: dict[str, list[str]] = defaultdict(list)
        ig_skipped: list[CoverageRecord] = []
        threads_skipped: list[CoverageRecord] = []
        for name in self.source.names():
            kind, rel = classify(name), self.rel(name)
            bucket = threads_skipped if is_threads(name) else ig_skipped
            if kind is None:
                bucket.append(CoverageRecord(rel, "unrecognized",
                                             "not an Instagram file footprint knows"))
            elif kind.startswith("skip:"):
                bucket.append(CoverageRecord(rel, "skipped", kind[5:]))
            else:
                plan[kind].append(name)
        has_threads = any(k.startswith("threads_") for k in plan)
        has_instagram = any(not k.startswith("threads_") for k in plan)

        instagram: AccountRecord | None = None
        if has_instagram or not has_threads:
            instagram = yield from self._instagram(plan)
            yield from ig_skipped
        else:
            threads_skipped = ig_skipped + threads_skipped
        if has_threads:
            yield from self._threads(plan, instagram)
            yield from threads_skipped

    def _profile_coverage(self, names: list[str]) -> Iterator[CoverageRecord]:
        for i, name in enumerate(names):
            yield (read_coverage(self.rel(name), 1) if i == 0 else CoverageRecord(
                self.rel(name), "skipped", "a second profile file; the first was read"))

    # -- Instagram ---------------------------------------------------------------------------
    def _instagram(self, plan: dict[str, list[str]]) -> Generator[Record, None, AccountRecord]:
        profiles, privacy = sorted(plan.get("profile", [])), sorted(plan.get("privacy", []))
        history = privacy_from_history(load_meta_json(self.source, privacy[0])) if privacy else None
        if profiles:
            item = profile_item(load_meta_json(self.source, profiles[0]), "profile_user")
            account = account_from_profile("instagram", item, private=history)
        else:
            account = AccountRecord("instagram", None, private=history)
        yield account
        yield ExportRecord(partial=False, datasets=whole_datasets(
            (k for k in plan if not k.startswith("threads_")), _DATASETS,
            include_messages=self.include_messages))
        yield from self._profile_coverage(profiles)
        yield from self._profile_coverage(privacy)
        owner = frozenset(fold(n) for n in (account.handle, account.display_name) if n)
        names = frozenset(n for n in (account.handle, account.display_name) if n)
        for kind in _IG_ORDER:
            for name in by_part(plan.get(kind, [])):
                if kind == "messages":
                    count = yield from read_messages(
                        self.source, name, platform="instagram", owner_names=names,
                        include_text=self.include_messages, source_file=self.rel(name))
                else:
                    count = yield from self._read_list(name, kind, "instagram", owner)
                yield read_coverage(self.rel(name), count)
        return account

    # -- Threads -----------------------------------------------------------------------------
    def _threads(self, plan: dict[str, list[str]],
                 instagram: AccountRecord | None) -> Iterator[Record]:
        profiles = sorted(plan.get("threads_profile", []))
        fallback = instagram.handle if instagram else None
        if profiles:
            data = load_meta_json(self.source, profiles[0])
            item = profile_item(data, "text_post_app_text_post_app_profile")
            account = account_from_profile("threads", item, fallback_handle=fallback)
        else:
            url = f"https://www.threads.com/@{fallback}" if fallback else None
            account = AccountRecord("threads", None, handle=fallback, url=url)
        if instagram is not None and account.display_name is None and instagram.display_name:
            account = replace(account, display_name=instagram.display_name)
        yield account
        yield ExportRecord(partial=False, datasets=whole_datasets(
            (k for k in plan if k.startswith("threads_")), _DATASETS,
            include_messages=self.include_messages))
        yield from self._profile_coverage(profiles)
        owner = frozenset(fold(n) for n in (account.handle,) if n)
        for kind in _THREADS_ORDER:
            for name in by_part(plan.get(kind, [])):
                count = yield from self._read_list(name, kind, "threads", owner)
                yield read_coverage(self.rel(name), count)

    # -- one list file -----------------------------------------------------------------------
    def _read_list(self, name: str, kind: str, platform: str,
                   owner: frozenset[str]) -> Generator[Record, None, int]:
        """Stream one list file's records, de-duplicated across parts; return its item count."""
        where = root_array(self.source, name)
        count = 0
        for item in iter_array(self.source, name, where) if where else ():
            if not isinstance(item, Mapping):
                continue
            count += 1
            yield from self._item(item, self.rel(name), kind, platform, owner)
        return count

    def _item(self, item: Mapping[str, Any], rel: str, kind: str, platform: str,
              owner: frozenset[str]) -> Iterator[Record]:
        def first(key: str) -> bool:  # Instagram and Threads have separate key spaces
            return _first(self.seen, f"{platform}:{key}")

        if kind in ("posts", "reels", "stories", "threads_posts"):
            content, media = post_records(item, platform=platform,
                                          id_prefix=_ID_PREFIX.get(kind, ""), source_file=rel)
            if first(f"content:{content.native_id}"):
                yield content
                yield from (m for m in media if first(f"media:{m.path}"))
        elif kind == "comments":
            comment, interaction = comment_records(item, platform=platform, owner_handles=owner,
                                                   source_file=rel)
            if first(f"content:{comment.native_id}"):
                yield comment
                if interaction is not None:
                    yield interaction
        elif kind in ("likes", "threads_likes"):
            like = like_record(item, platform=platform)
            key = f"like:{like.person.key()}:{like.item_id}:{like.created_at}" if like else ""
            if like is not None and first(key):
                yield like
        elif kind in _RELATION:
            conn = connection_record(item, platform=platform, relation=_RELATION[kind])
            if conn is not None and first(f"{conn.relation}:{conn.person.key()}"):
                yield conn


def _first(seen: set[str], key: str) -> bool:
    """True the first time `key` is seen in this export (parts overlap: keep the first)."""
    if key in seen:
        return False
    seen.add(key)
    return True

