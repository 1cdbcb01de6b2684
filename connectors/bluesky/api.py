"""Bluesky's public AppView (XRPC, no sign-in) → the same records the repo (CAR) connector yields.

Endpoints (`../shared/reference/export-formats.md` §6.2; schemas in
`../shared/samples/bluesky/lexicons/`): `app.bsky.actor.getProfile` (profileViewDetailed),
`app.bsky.feed.getAuthorFeed` (feedViewPost[], filter `posts_with_replies`),
`app.bsky.graph.getFollowers` and `app.bsky.graph.getFollows` (profileView[]), each paged by an
opaque `cursor` that is missing on the last page. Default AppView: https://public.api.bsky.app.

Keys agree with the repo: the account is its DID; a post is its AT URI and goes through
`lexicon.records_of`, the function the CAR connector uses, so text, reply parent, mentions and
url are the same; a repost is kind "share" keyed by the repost record's AT URI (`reason.uri`,
present in current AppViews); people are keyed by DID. Unlike the repo, the AppView has the
followers list and the handles.

An account with the self-label `!no-unauthenticated` asks logged-out viewers not to see it; it is
honoured: the fetch stops and points to the repo export instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditor.errors import InputError, UsageError
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    Person,
    Record,
    Relation,
)
from connectors.base import parse_time
from connectors.bluesky.lexicon import PLATFORM, POST, post_url, records_of
from connectors.web.http import Fetched, HttpGet, check_status, json_body

PAGE = 100  # the lexicons' maximum `limit`
REPOST_REASON = "app.bsky.feed.defs#reasonRepost"
NO_UNAUTHENTICATED = "!no-unauthenticated"
#: XRPC error names that mean "no such account (for you)": bad input, not a network failure.
ACCOUNT_ERRORS = frozenset({"InvalidRequest", "NotFound", "ActorNotFound", "AccountTakedown",
                           "AccountDeactivated", "RepoNotFound", "BlockedActor", "BlockedByActor"})
_HANDLE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
                     r"[A-Za-z][A-Za-z0-9\-]*$")
_DID = re.compile(r"^did:(?:plc|web):[A-Za-z0-9._:%\-]+$")
SOURCE = "app.bsky.feed.getAuthorFeed"


def normalise_actor(target: str) -> str:
    """A handle (`name.bsky.social`, `@name.bsky.social`), a DID, or a bsky.app profile URL →
    the actor to ask for. UsageError for anything else."""
    value = target.strip()
    for prefix in ("https://bsky.app/profile/", "http://bsky.app/profile/"):
        if value.startswith(prefix):
            value = value[len(prefix):].split("/", 1)[0]
    value = value.lstrip("@")
    if _DID.match(value):
        return value
    if _HANDLE.match(value):
        return value.lower()
    raise UsageError(f"{target!r} is not a Bluesky handle (name.bsky.social) or DID")


# -- parsing (pure) --------------------------------------------------------------------------------

def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def labels_of(profile: dict[str, Any]) -> set[str]:
    labels = profile.get("labels")
    return {lab["val"] for lab in (labels if isinstance(labels, list) else [])
            if isinstance(lab, dict) and isinstance(lab.get("val"), str)}


def account_record(profile: dict[str, Any]) -> AccountRecord:
    """profileViewDetailed → the owner, as `lexicon.account` builds it from the repo, plus the
    handle (which the repo does not hold)."""
    did = _str(profile, "did")
    if did is None:
        raise InputError("the AppView answered a profile without a DID")
    website = _str(profile, "website")
    return AccountRecord(
        platform=PLATFORM, native_id=did, handle=_str(profile, "handle"),
        display_name=_str(profile, "displayName"), bio=_str(profile, "description"),
        website=website, links=(website,) if website else (), private=False,
        created_at=parse_time(profile.get("createdAt")), url=f"https://bsky.app/profile/{did}",
    )


def person_of(view: dict[str, Any]) -> Person:
    handle = _str(view, "handle")
    return Person(native_id=_str(view, "did"), handle=handle, name=_str(view, "displayName"),
                  url=f"https://bsky.app/profile/{handle}" if handle else None)


def feed_item_records(item: dict[str, Any], did: str) -> list[Record]:
    """The records of one feedViewPost by (or reposted by) the owner; nothing for anything else."""
    post = item.get("post") if isinstance(item.get("post"), dict) else None
    if post is None:
        return []
    post_uri = _str(post, "uri")
    reason = item.get("reason") if isinstance(item.get("reason"), dict) else None
    if reason is not None and reason.get("$type") == REPOST_REASON:
        by = reason.get("by") if isinstance(reason.get("by"), dict) else {}
        if by.get("did") not in (did, None) or post_uri is None:
            return []
        # `reason.uri` is the repost record (the repo's key); older AppViews omit it.
        native = _str(reason, "uri") or f"{post_uri}#repost-by-{did}"
        return [ContentRecord(PLATFORM, "share", native, "",
                              created_at=parse_time(reason.get("indexedAt")),
                              url=post_url(post_uri), visibility="public", source_file=SOURCE)]
    author = post.get("author") if isinstance(post.get("author"), dict) else {}
    record = post.get("record") if isinstance(post.get("record"), dict) else None
    if author.get("did") != did or record is None or post_uri is None:
        return []
    prefix = f"at://{did}/"
    if not post_uri.startswith(prefix) or record.get("$type") not in (POST, None):
        return []
    return list(records_of(did, post_uri[len(prefix):], record, SOURCE))


def parse_actor(profile: dict[str, Any], feed: list[dict[str, Any]],
                followers: list[dict[str, Any]], follows: list[dict[str, Any]], *,
                complete: frozenset[str] = frozenset(), partial: bool = False) -> list[Record]:
    """Everything fetched for one actor → records, owner first. `complete` names the lists read
    to their end ("feed", "follower", "following")."""
    owner = account_record(profile)
    did = owner.native_id or ""
    datasets = {"post", "reply", "share"} if "feed" in complete else set()
    datasets |= {r for r in ("follower", "following") if r in complete}
    records: list[Record] = [owner, ExportRecord(partial=partial, datasets=frozenset(datasets))]
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    for item in feed:
        for rec in feed_item_records(item, did):
            assert isinstance(rec, ContentRecord)
            if rec.native_id in seen:
                continue  # a post repeated across pages, or a pinned post shown twice
            seen.add(rec.native_id)
            kinds[rec.kind] = kinds.get(rec.kind, 0) + 1
            records.append(rec)
    relations: tuple[tuple[Relation, list[dict[str, Any]]], ...] = (
        ("follower", followers), ("following", follows))
    for relation, people in relations:
        for view in people:
            person = person_of(view)
            if person.native_id:
                records.append(ConnectionRecord(PLATFORM, relation, person))
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    records.append(CoverageRecord(SOURCE, "read", summary, count=sum(kinds.values())))
    records.append(CoverageRecord("app.bsky.graph.getFollowers", "read", count=len(followers)))
    records.append(CoverageRecord("app.bsky.graph.getFollows", "read", count=len(follows)))
    return records


# -- fetching --------------------------------------------------------------------------------------

def _xrpc(http: HttpGet, appview: str, method: str, params: dict[str, Any], what: str) -> Any:
    """One XRPC query. XRPC errors name themselves (`{"error": "InvalidRequest", "message":
    "Profile not found"}`); account errors are bad input (exit 3)."""
    resp = http.get(f"{appview}/xrpc/{method}", params=params)
    if resp.status_code in (400, 401, 403, 404):
        body: Any = None
        try:
            body = resp.json()
        except ValueError:
            pass
        error = body.get("error") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        if error in ACCOUNT_ERRORS:
            raise InputError(f"{what}: {message or error}")
        if resp.status_code == 404:
            raise InputError(f"{appview} does not serve {method}: is it a Bluesky AppView?")
    check_status(resp, what)
    data = json_body(resp, what)
    if not isinstance(data, dict):
        raise InputError(f"{appview} answered {method} with no object")
    return data


@dataclass
class _Counter:
    progress: Callable[[int], None] | None
    total: int = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.progress:
            self.progress(self.total)


def _pages(http: HttpGet, appview: str, method: str, key: str, params: dict[str, Any], *,
           limit: int | None, what: str, counter: _Counter) -> tuple[list[dict[str, Any]], str]:
    """(items, how it ended: "end", "limit" or "stopped" on a repeated cursor)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    seen: set[str] = set()
    empties = 0
    while True:
        size = PAGE if limit is None else max(1, min(PAGE, limit - len(items)))
        query = {**params, "limit": size, **({"cursor": cursor} if cursor else {})}
        data = _xrpc(http, appview, method, query, what)
        found = data.get(key)
        page = [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []
        nxt = data.get("cursor") if isinstance(data.get("cursor"), str) else None
        if limit is not None and len(items) + len(page) >= limit:
            room = limit - len(items)
            items.extend(page[:room])
            counter.add(room)
            return items, "limit" if len(page) > room or (nxt and page) else "end"
        items.extend(page)
        counter.add(len(page))
        if not nxt:
            return items, "end"
        # An empty page with a cursor happens when the AppView filtered a page out; a few in a
        # row, or a cursor seen before, end the walk without claiming the list whole.
        empties = 0 if page else empties + 1
        if nxt in seen or empties >= 3:
            return items, "stopped"
        seen.add(nxt)
        cursor = nxt


def fetch_actor(http: HttpGet, target: str, *, appview: str, limit: int | None = None,
                progress: Callable[[int], None] | None = None) -> Fetched:
    """Profile, author feed (posts, replies, reposts), followers and follows of one actor."""
    actor = normalise_actor(target)
    profile = _xrpc(http, appview, "app.bsky.actor.getProfile", {"actor": actor},
                    f"the Bluesky account {actor}")
    if NO_UNAUTHENTICATED in labels_of(profile):
        raise InputError(f"{actor} asks that logged-out viewers not see the account "
                         f"({NO_UNAUTHENTICATED}); footprint honours it: export the repo "
                         "(Settings > Account > Export my data) and run `footprint ingest`")
    did = _str(profile, "did") or actor
    counter = _Counter(progress)
    feed, how_feed = _pages(http, appview, "app.bsky.feed.getAuthorFeed", "feed",
                            {"actor": did, "filter": "posts_with_replies"}, limit=limit,
                            what="the author feed", counter=counter)
    followers, how_followers = _pages(http, appview, "app.bsky.graph.getFollowers", "followers",
                                      {"actor": did}, limit=limit, what="the followers",
                                      counter=counter)
    follows, how_follows = _pages(http, appview, "app.bsky.graph.getFollows", "follows",
                                  {"actor": did}, limit=limit, what="the follows", counter=counter)
    endings = {"feed": how_feed, "follower": how_followers, "following": how_follows}
    complete = frozenset(k for k, v in endings.items() if v == "end")
    partial = "limit" in endings.values()
    records = parse_actor(profile, feed, followers, follows, complete=complete, partial=partial)
    handle = _str(profile, "handle") or did
    return Fetched(label=f"https://bsky.app/profile/{handle}", records=records, partial=partial)
