"""Instagram and Threads items → records: posts, stories, reels, Threads posts, comments, likes,
relationship lists (export-formats.md §3.2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.records import (ConnectionRecord, ContentKind, ContentRecord, InteractionRecord,
                             MediaRecord, Person, Relation)
from connectors._meta import (content_id, fold, label_values, list_entry, map_lookup, meta_time,
                              string_map, text_of, username)


def _media_list(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A post's media: `media[]`, or the item itself (stories.json items are bare media objects)."""
    media = item.get("media")
    if isinstance(media, list):
        return [m for m in media if isinstance(m, Mapping)]
    return [item] if ("uri" in item or "creation_timestamp" in item) else []


def _gps(media: Mapping[str, Any]) -> tuple[float | None, float | None]:
    meta = media.get("media_metadata")
    if not isinstance(meta, Mapping):
        return None, None
    for kind in ("photo_metadata", "video_metadata"):
        block = meta.get(kind)
        exif = block.get("exif_data") if isinstance(block, Mapping) else None
        for row in exif if isinstance(exif, list) else []:
            if not isinstance(row, Mapping):
                continue
            lat, lon = row.get("latitude"), row.get("longitude")
            if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and (lat or lon):
                return float(lat), float(lon)
    return None, None


def post_records(item: Mapping[str, Any], *, platform: str, id_prefix: str, source_file: str
                 ) -> tuple[ContentRecord, list[MediaRecord]]:
    """A post, reel, story or Threads post → ContentRecord and its MediaRecords.

    With one media item the caption and time sit inside `media[0]`; carousels (and multi-media
    threads) carry them at the root and leave `media[].title` empty. Instagram items are
    "caption"s; Threads items are "post"s, or "reply"s when `text_app_post.is_reply` (which names
    neither the parent nor its author). Coordinates come from the first media's EXIF GPS.
    """
    media = _media_list(item)
    text = text_of(item.get("title")) or next((text_of(m.get("title")) for m in media
                                               if text_of(m.get("title"))), "")
    ts = item.get("creation_timestamp") or next((m.get("creation_timestamp") for m in media
                                                 if m.get("creation_timestamp")), None)
    uris = [text_of(m.get("uri")) for m in media if text_of(m.get("uri"))]
    native = id_prefix + content_id(ts, text, " ".join(sorted(u.rsplit("/", 1)[-1] for u in uris)))
    lat = lon = None
    for m in media:
        lat, lon = _gps(m)
        if lat is not None:
            break
    kind: ContentKind = "caption"
    if platform == "threads":
        flags = [m.get("text_app_post") for m in media]
        is_reply = any(isinstance(f, Mapping) and f.get("is_reply") is True for f in flags)
        kind = "reply" if is_reply else "post"
    content = ContentRecord(platform, kind, native, text, created_at=meta_time(ts),
                            source_file=source_file, latitude=lat, longitude=lon)
    records: list[MediaRecord] = []
    for m in media:
        uri = text_of(m.get("uri"))
        if uri:
            mlat, mlon = _gps(m)
            records.append(MediaRecord(platform, uri, content_id=native, latitude=mlat,
                                       longitude=mlon))
    return content, records


# Folded `string_map_data` labels of post_comments: English, French, German, Spanish, Portuguese,
# Italian. Only the English ones are seen in a sample; the rest follow Instagram's UI wording and
# are backed by a positional fallback (the export writes Comment, Media Owner, Time in that order).
COMMENT = frozenset({"comment", "commentaire", "kommentar", "comentario", "commento"})
OWNER = frozenset({"media owner", "proprietaire du media", "proprietaire de la publication",
                   "medieninhaber", "inhaber des mediums", "propietario del contenido",
                   "propietario de la publicacion", "dono da midia", "proprietario do conteudo",
                   "proprietario del contenuto", "proprietario del post", "owner", "author",
                   "username", "account"})
TIME = frozenset({"time", "heure", "zeit", "uhrzeit", "hora", "ora", "date"})


def _labelled(item: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    smap = string_map(item)
    if smap:
        return smap
    labels = label_values(item)
    return {label: {"value": value, "href": labels.get(f"{label}#href", "")}
            for label, value in labels.items() if not label.endswith("#href")}


def comment_fields(item: Mapping[str, Any]) -> tuple[str, str | None, Any]:
    """(comment text, media owner username, timestamp) of a post_comments item, by label, else by
    position: the entry with a timestamp and no value is the time; the others are the comment and
    the owner, in that order."""
    entries = _labelled(item)
    comment, owner = map_lookup(entries, COMMENT), map_lookup(entries, OWNER)
    time = map_lookup(entries, TIME)
    rest = [e for e in entries.values() if e is not comment and e is not owner and e is not time]
    if time is None:
        time = next((e for e in rest if e.get("timestamp") and not text_of(e.get("value"))), None)
        rest = [e for e in rest if e is not time]
    if comment is None and rest:
        comment = rest.pop(0)
    if owner is None and rest:
        owner = rest.pop(0)
    ts = (time or {}).get("timestamp") or (time or {}).get("value") or item.get("timestamp")
    if not isinstance(ts, (int, float)):
        ts = int(ts) if isinstance(ts, str) and ts.isdigit() else None
    return (text_of((comment or {}).get("value")), text_of((owner or {}).get("value")) or None, ts)


def comment_records(item: Mapping[str, Any], *, platform: str, owner_handles: frozenset[str],
                    source_file: str) -> tuple[ContentRecord, InteractionRecord | None]:
    """A comment → ContentRecord(kind="comment"), and a comment interaction with the media owner
    (none on the owner's own posts). The export gives no post URL or id."""
    text, media_owner, ts = comment_fields(item)
    native = content_id(ts, text, media_owner)
    own = media_owner is not None and fold(media_owner) in owner_handles
    person = Person(handle=media_owner) if media_owner and not own else None
    when = meta_time(ts)
    content = ContentRecord(platform, "comment", native, text, created_at=when, in_reply_to=person,
                            source_file=source_file)
    if person is None:
        return content, None
    return content, InteractionRecord(platform, "comment", person, "out", item_id=native,
                                      created_at=when)


_LIKE_OWNER = frozenset({"owner", "username", "author", "account", "media owner", "user"})


def like_record(item: Mapping[str, Any], *, platform: str) -> InteractionRecord | None:
    """A liked post or comment → InteractionRecord(kind="like").

    Legacy (2022-25): `title` is the liked post's owner, `string_list_data[0].href` the post URL
    (`value` is the reaction emoji, not an account). 2026 `label_values` items: the owner from an
    owner-like label, else the handle in the post URL when it has one (Threads URLs do); None when
    nobody is named.
    """
    if "label_values" in item and "string_list_data" not in item:
        labels = label_values(item)
        hrefs = [v for k, v in labels.items() if k.endswith("#href") and isinstance(v, str)]
        hrefs += [v for v in labels.values() if isinstance(v, str) and v.startswith("http")]
        owner = next((text_of(v) for k, v in labels.items()
                      if fold(k) in _LIKE_OWNER and text_of(v)), "")
        href, ts = (hrefs[0] if hrefs else None), item.get("timestamp")
    else:
        entry = list_entry(item)
        owner, ts = text_of(item.get("title")), entry.get("timestamp")
        href = text_of(entry.get("href")) or None
    if not owner and href and "/@" in href:
        owner = href.split("/@", 1)[1].split("/", 1)[0]
    if not owner:
        return None
    return InteractionRecord(platform, "like", Person(handle=owner), "out", item_id=href,
                             created_at=meta_time(ts))


def connection_record(item: Any, *, platform: str, relation: Relation) -> ConnectionRecord | None:
    """A relationship item (`{"title","string_list_data":[{"href","value","timestamp"}]}`) →
    ConnectionRecord with the username and the follow date. Threads `title` is a display name."""
    if not isinstance(item, Mapping):
        return None
    handle = username(item)
    if not handle:
        return None
    entry = list_entry(item)
    title = text_of(item.get("title"))
    name = title if title and title != handle and text_of(entry.get("value")) else None
    href = text_of(entry.get("href")) or None
    return ConnectionRecord(platform, relation, Person(handle=handle, name=name, url=href),
                            created_at=meta_time(entry.get("timestamp") or item.get("timestamp")))
