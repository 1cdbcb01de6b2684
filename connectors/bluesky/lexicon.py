"""Bluesky records (`app.bsky.*` lexicons) → footprint records.

Schemas: `../shared/samples/bluesky/lexicons/`. A record's id is its AT URI,
`at://<did>/<collection>/<rkey>`, and a post's web address is
`https://bsky.app/profile/<did>/post/<rkey>`. Everything in a repo is public: posts are
"public". `createdAt` is client-supplied ISO 8601, sometimes with an offset instead of `Z`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    InteractionRecord,
    Person,
    Record,
)
from connectors.base import parse_time

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
LIKE = "app.bsky.feed.like"
FOLLOW = "app.bsky.graph.follow"
BLOCK = "app.bsky.graph.block"
PROFILE = "app.bsky.actor.profile"
PROFILE_KEY = f"{PROFILE}/self"
MENTION = "app.bsky.richtext.facet#mention"


def at_uri(did: str, key: str) -> str:
    return f"at://{did}/{key}"


def did_of(uri: Any) -> str | None:
    """The repo DID of an AT URI (`at://did:plc:x/app.bsky.feed.post/y` → `did:plc:x`)."""
    if isinstance(uri, str) and uri.startswith("at://"):
        authority = uri[5:].split("/", 1)[0]
        return authority or None
    return None


def post_url(uri: Any) -> str | None:
    """The bsky.app address of a post AT URI, or None for anything else."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) == 3 and parts[1] == POST:
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mentions(record: dict[str, Any]) -> tuple[Person, ...]:
    """Mention facets → people by DID, with the handle as written (the facet's UTF-8 bytes)."""
    text = _text(record.get("text")).encode("utf-8")
    out: list[Person] = []
    for facet in record.get("facets") or []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index")
        index = index if isinstance(index, dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        written = None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            written = text[start:end].decode("utf-8", "replace").strip().lstrip("@") or None
        for feature in facet.get("features") or []:
            if isinstance(feature, dict) and feature.get("$type") == MENTION and isinstance(
                    feature.get("did"), str):
                out.append(Person(native_id=feature["did"], handle=written))
    return tuple(out)


def account(did: str, profile: dict[str, Any] | None) -> AccountRecord:
    """The owner: DID, and display name and description from `app.bsky.actor.profile/self`.

    The repo does not hold the handle (it lives in the DID document). Every Bluesky account is
    public; the `!no-unauthenticated` self-label only hides it from logged-out viewers.
    """
    profile = profile or {}
    website = profile.get("website") if isinstance(profile.get("website"), str) else None
    return AccountRecord(
        platform=PLATFORM,
        native_id=did,
        display_name=_text(profile.get("displayName")) or None,
        bio=_text(profile.get("description")) or None,
        website=website,
        links=(website,) if website else (),
        private=False,
        created_at=parse_time(profile.get("createdAt")),
        url=f"https://bsky.app/profile/{did}",
    )


def records_of(did: str, key: str, record: dict[str, Any], source_file: str) -> Iterator[Record]:
    """The footprint records of one repo record; nothing for collections this module ignores."""
    collection, _, rkey = key.partition("/")
    created = parse_time(record.get("createdAt"))
    uri = at_uri(did, key)
    if collection == POST:
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
        parent = reply.get("parent") if reply and isinstance(reply.get("parent"), dict) else {}
        parent_uri = parent.get("uri") if isinstance(parent.get("uri"), str) else None
        parent_did = did_of(parent_uri)
        yield ContentRecord(
            platform=PLATFORM,
            kind="reply" if reply else "post",
            native_id=uri,
            text=_text(record.get("text")),
            created_at=created,
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
            in_reply_to_id=parent_uri,
            in_reply_to=Person(native_id=parent_did) if parent_did else None,
            visibility="public",
            mentions=_mentions(record),
            source_file=source_file,
        )
    elif collection == REPOST:
        subject = record.get("subject")
        subject = subject if isinstance(subject, dict) else {}
        yield ContentRecord(PLATFORM, "share", uri, "", created_at=created,
                            url=post_url(subject.get("uri")), visibility="public",
                            source_file=source_file)
    elif collection == LIKE:
        subject = record.get("subject")
        subject = subject if isinstance(subject, dict) else {}
        author = did_of(subject.get("uri"))
        if author:
            yield InteractionRecord(PLATFORM, "like", Person(native_id=author), "out",
                                    item_id=subject.get("uri"), created_at=created)
    elif collection in (FOLLOW, BLOCK) and isinstance(record.get("subject"), str):
        yield ConnectionRecord(PLATFORM, "following" if collection == FOLLOW else "blocked",
                               Person(native_id=record["subject"]), created_at=created)
