"""Mastodon `outbox.json`: the owner's statuses as ActivityStreams `Create` and `Announce`.

Quirks (`../shared/reference/export-formats.md` §5.1, from a real 2022-24 archive):

* **The duplicate key.** BackupService writes `"orderedItems":[],"orderedItems":[ … ]`: the
  collection serializer's empty list, then the real one spliced in after it. A whole-file parse
  keeps the last key (Python's `json`) or rejects the file (strict parsers). The outbox is streamed
  with ijson events instead, which see both arrays: items of every `orderedItems` array are yielded,
  de-duplicated by activity id, so the empty first array costs nothing and a non-empty one would
  lose nothing.
* `totalItems` (the account's `statuses_count`) need not match the items; a mismatch is a coverage
  warning.
* **Visibility** is not a field: it follows from the addressing. `as:Public` in `to` is public, in
  `cc` unlisted; the followers collection without `as:Public` is followers-only; anything else
  (only the mentioned actors) is a direct message.
* Direct messages sit among the posts. Their participants and dates are always recorded
  (InteractionRecord "message"); their text only with `include_messages`.
* `content` and the content warning `summary` are HTML; boosts (`Announce`) carry only the URI of
  the boosted status; polls are `Question` objects with their options in `oneOf`/`anyOf`.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import MalformedArchive
from auditor.records import ContentKind, ContentRecord, InteractionRecord, Person, Record
from auditor.sources import Source
from connectors.base import parse_time
from connectors.mastodon.html import html_to_text

PLATFORM = "mastodon"
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
#: Mastodon's status URIs name their author: https://host/users/<name>/statuses/<id>.
_STATUS_URI = re.compile(r"^(?P<actor>https?://[^/\s]+/users/[^/\s]+)/statuses/[^/\s]+")


# -- streaming the collection ------------------------------------------------------------------

@dataclass(slots=True)
class OutboxScan:
    """What the stream saw besides the items: the declared total and the `orderedItems` arrays."""

    total_items: int | None = None
    arrays: int = 0
    items: int = 0
    duplicates: int = 0


def iter_outbox(source: Source, name: str, scan: OutboxScan) -> Generator[dict[str, Any], None, None]:
    """Stream the activities of every top-level `orderedItems` array, one object at a time.

    Nesting deeper than `Limits.max_depth` is an input error, as is malformed JSON.
    """
    import ijson
    from ijson.common import ObjectBuilder

    from connectors.base import json_events  # capped depth and record size

    max_depth = source.limits.max_depth
    seen: set[str] = set()
    try:
        builder: ObjectBuilder | None = None
        depth = 0
        for prefix, event, value in json_events(source, name):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                    if depth > max_depth:
                        raise MalformedArchive(f"{name}: an item nests deeper than {max_depth} "
                                               "levels", path=source.label)
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        item, builder = builder.value, None
                        if isinstance(item, dict):
                            key = item.get("id")
                            if isinstance(key, str):
                                if key in seen:
                                    scan.duplicates += 1
                                    continue
                                seen.add(key)
                            scan.items += 1
                            yield item
                continue
            if prefix == "totalItems" and event == "number":
                scan.total_items = int(value)
            elif prefix == "orderedItems" and event == "start_array":
                scan.arrays += 1
            elif prefix == "orderedItems.item" and event == "start_map":
                builder, depth = ObjectBuilder(), 1
                builder.event(event, value)
    except (ijson.JSONError, ijson.common.IncompleteJSONError) as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise MalformedArchive(f"{name} is not valid JSON ({first})",
                               path=source.label) from None
    except UnicodeDecodeError as exc:
        raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})",
                               path=source.label) from None


# -- addressing --------------------------------------------------------------------------------

def _uris(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def is_followers(uri: str, followers: str | None) -> bool:
    return uri == followers or uri.endswith("/followers")


def visibility_of(to: Any, cc: Any, followers: str | None = None) -> str:
    """"public", "unlisted", "followers" or "direct", from an activity's `to` and `cc`."""
    to_list, cc_list = _uris(to), _uris(cc)
    if any(u in PUBLIC for u in to_list):
        return "public"
    if any(u in PUBLIC for u in cc_list):
        return "unlisted"
    if any(is_followers(u, followers) for u in to_list + cc_list):
        return "followers"
    return "direct"


def actor_of_status(uri: str | None) -> str | None:
    """The author's actor URI from a Mastodon status URI, or None for other URI shapes."""
    m = _STATUS_URI.match(uri or "")
    return m.group("actor") if m else None


def acct(name: str, href: str) -> str:
    """A mention's `@user@domain`: local mentions are written `@user`, so the domain comes from
    the actor URI."""
    name = name.strip()
    if not name.startswith("@"):
        name = "@" + name
    if name.count("@") == 1:
        host = urlsplit(href).hostname
        if host:
            name = f"{name}@{host}"
    return name


def mentions_of(obj: dict[str, Any]) -> tuple[Person, ...]:
    """The `Mention` tags of a status, as people keyed by actor URI."""
    out: list[Person] = []
    for tag in obj.get("tag") or []:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        href, name = tag.get("href"), tag.get("name")
        if isinstance(href, str):
            out.append(Person(native_id=href,
                              handle=acct(name, href) if isinstance(name, str) and name else None))
    return tuple(out)


# -- activities → records ----------------------------------------------------------------------

@dataclass(slots=True)
class OutboxContext:
    """What every activity needs: the owner's URIs, the caller's choices, and running counts."""

    owner: str | None
    followers: str | None
    include_messages: bool
    source_file: str
    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


def status_text(obj: dict[str, Any]) -> str:
    """Content warning, body and poll options as one plain text."""
    options = [f"- {o['name']}" for o in (obj.get("oneOf") or []) + (obj.get("anyOf") or [])
               if isinstance(o, dict) and isinstance(o.get("name"), str)]
    parts = [html_to_text(obj.get("summary")), html_to_text(obj.get("content")), "\n".join(options)]
    return "\n\n".join(p for p in parts if p)


def activity_records(item: dict[str, Any], ctx: OutboxContext) -> Iterator[Record]:
    """The records of one outbox activity (see the module docstring)."""
    kind = item.get("type")
    obj = item.get("object")
    if kind == "Create" and isinstance(obj, dict):
        yield from _create(item, obj, ctx)
    elif kind == "Announce" and isinstance(obj, (str, dict)):
        yield from _announce(item, obj, ctx)
    else:
        ctx.bump(f"{kind}" if isinstance(kind, str) else "untyped")


def _create(item: dict[str, Any], obj: dict[str, Any], ctx: OutboxContext) -> Iterator[Record]:
    native = obj.get("id") if isinstance(obj.get("id"), str) else item.get("id")
    if not isinstance(native, str):
        ctx.bump("without id")
        return
    to = obj.get("to", item.get("to"))
    cc = obj.get("cc", item.get("cc"))
    visibility = visibility_of(to, cc, ctx.followers)
    mentions = mentions_of(obj)
    created = parse_time(obj.get("published") or item.get("published"))
    reply_to = obj.get("inReplyTo") if isinstance(obj.get("inReplyTo"), str) else None
    reply_person = _replied_person(reply_to, mentions)
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    kind: ContentKind
    if visibility == "direct":
        for person in _recipients(to, cc, mentions, ctx):
            yield InteractionRecord(PLATFORM, "message", person, "out", item_id=native,
                                    created_at=created)
        ctx.bump("direct")
        if not ctx.include_messages:
            return
        kind = "message"
    else:
        kind = "reply" if reply_to else "post"
    ctx.bump(kind)
    yield ContentRecord(
        platform=PLATFORM,
        kind=kind,
        native_id=native,
        text=status_text(obj),
        created_at=created,
        url=url,
        in_reply_to_id=reply_to,
        in_reply_to=reply_person,
        visibility=visibility,
        mentions=mentions,
        source_file=ctx.source_file,
    )


def _announce(item: dict[str, Any], obj: str | dict[str, Any],
              ctx: OutboxContext) -> Iterator[Record]:
    """A boost: kind "share" with no text of its own. Its id is the activity id, which is also the
    reblog's `uri` in Mastodon's REST API; its `url` is the boosted status."""
    native = item.get("id")
    boosted = obj if isinstance(obj, str) else obj.get("id")
    if not isinstance(native, str):
        ctx.bump("without id")
        return
    ctx.bump("share")
    yield ContentRecord(
        platform=PLATFORM,
        kind="share",
        native_id=native,
        text="",
        created_at=parse_time(item.get("published")),
        url=boosted if isinstance(boosted, str) else None,
        visibility=visibility_of(item.get("to"), item.get("cc"), ctx.followers),
        source_file=ctx.source_file,
    )


def _replied_person(reply_to: str | None, mentions: Iterable[Person]) -> Person | None:
    actor = actor_of_status(reply_to)
    if actor is None:
        return None
    return next((p for p in mentions if p.native_id == actor), Person(native_id=actor))


def _recipients(to: Any, cc: Any, mentions: tuple[Person, ...], ctx: OutboxContext) -> list[Person]:
    """Everyone a direct message is addressed to: its mentions, then any other addressed actor."""
    people = [p for p in mentions if p.native_id != ctx.owner]
    known = {p.native_id for p in people}
    for uri in _uris(to) + _uris(cc):
        if uri in PUBLIC or is_followers(uri, ctx.followers) or uri == ctx.owner or uri in known:
            continue
        known.add(uri)
        people.append(Person(native_id=uri))
    return people
