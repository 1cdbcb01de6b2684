"""Facebook posts (timeline, check-ins, photos, group posts) and photo listings → records.

One record shape across 2018-2025 (export-formats.md §2.2): `timestamp`, `data[]` (`post`,
`update_timestamp`), `title` (localised boilerplate), `attachments[].data[]` (exactly one key
each: `media`, `external_context`, `place`, `event`, `life_event`, ...), `tags` (strings until
2021, `{"name"}` objects later). There is no post id and no URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from auditor.records import ContentRecord, InteractionRecord, MediaRecord, Person, Record
from connectors._meta import content_id, meta_time, text_of

PLATFORM = "facebook"


def _attachment_data(item: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every `attachments[].data[]` element of a post."""
    for attachment in item.get("attachments") or []:
        if isinstance(attachment, Mapping):
            for data in attachment.get("data") or []:
                if isinstance(data, Mapping):
                    yield data


def _post_text(item: Mapping[str, Any]) -> str:
    for data in item.get("data") or []:
        if isinstance(data, Mapping) and text_of(data.get("post")):
            return text_of(data["post"])
    return ""


def _places(item: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Places attached to a post: check-ins, and the places of events, life events, sale items."""
    for data in _attachment_data(item):
        if isinstance(data.get("place"), Mapping):
            yield data["place"]
        for key, inner in (("event", "place"), ("life_event", "place"),
                           ("for_sale_item", "location")):
            holder = data.get(key)
            if isinstance(holder, Mapping) and isinstance(holder.get(inner), Mapping):
                yield holder[inner]


def _coordinates(place: Mapping[str, Any]) -> tuple[float | None, float | None]:
    coord = place.get("coordinate")
    if not isinstance(coord, Mapping):
        return None, None
    lat, lon = coord.get("latitude"), coord.get("longitude")
    return _point(lat, lon)


def _media(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [d["media"] for d in _attachment_data(item) if isinstance(d.get("media"), Mapping)]


def _exif(media: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first EXIF block of a photo or video (2020+ `exif_data[]`; 2018-19 a flat object)."""
    meta = media.get("media_metadata")
    if not isinstance(meta, Mapping):
        return {}
    for kind in ("photo_metadata", "video_metadata"):
        block = meta.get(kind)
        if isinstance(block, Mapping):
            exif = block.get("exif_data")
            if isinstance(exif, list) and exif and isinstance(exif[0], Mapping):
                return exif[0]
            return block
    return {}


def _gps(exif: Mapping[str, Any]) -> tuple[float | None, float | None]:
    # deface: EXIF fields are usually "" or 0 when absent; only real numbers count.
    return _point(exif.get("latitude"), exif.get("longitude"))


def _point(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    """Coordinates when both are numbers and not (0, 0), Meta's "no location"."""
    numbers = isinstance(lat, (int, float)) and isinstance(lon, (int, float))
    if not numbers or isinstance(lat, bool) or (lat == 0 and lon == 0):
        return None, None
    return float(lat), float(lon)


def media_record(media: Mapping[str, Any], content: str | None) -> MediaRecord | None:
    """A `media` object (`uri`, `creation_timestamp`, `media_metadata`) → MediaRecord."""
    uri = text_of(media.get("uri"))
    if not uri:
        return None
    exif = _exif(media)
    lat, lon = _gps(exif)
    return MediaRecord(PLATFORM, uri, content_id=content,
                       taken_at=meta_time(exif.get("taken_timestamp")), latitude=lat, longitude=lon)


def _tags(item: Mapping[str, Any]) -> tuple[Person, ...]:
    people: list[Person] = []
    for tag in item.get("tags") or []:
        # 2018-21: a list of names; later exports: a list of {"name"} objects.
        name = text_of(tag.get("name")) if isinstance(tag, Mapping) else text_of(tag)
        if name:
            people.append(Person(name=name))
    return tuple(people)


def post_records(item: Mapping[str, Any], *, source_file: str,
                 owner_names: frozenset[str]) -> tuple[ContentRecord, list[Record]]:
    """One post → its ContentRecord, and the records that hang off it (media, comments received).

    A post without text of its own that only carries a link is a "share" (title "X shared a
    post."); without own text, a photo's description (usually the caption again) is its text.
    """
    text = _post_text(item)
    media = _media(item)
    if not text:
        descriptions = [text_of(m.get("description")) for m in media]
        text = next((d for d in descriptions if d), "")
    links = [text_of(d["external_context"].get("url")) for d in _attachment_data(item)
             if isinstance(d.get("external_context"), Mapping)]
    place_name, lat, lon = None, None, None
    for place in _places(item):
        name = text_of(place.get("name")) or text_of(place.get("address"))
        plat, plon = _coordinates(place)
        if place_name is None and name:
            place_name = name
        if lat is None and plat is not None:
            lat, lon = plat, plon
    media_names = " ".join(sorted(text_of(m.get("uri")).rsplit("/", 1)[-1] for m in media))
    ts = item.get("timestamp")
    native = content_id(ts, text, next((u for u in links if u), ""), place_name, media_names)
    kind = "share" if not text and links else "post"
    content = ContentRecord(PLATFORM, kind, native, text, created_at=meta_time(ts),
                            mentions=_tags(item), source_file=source_file, place=place_name,
                            latitude=lat, longitude=lon)
    extra: list[Record] = []
    for m in media:
        record = media_record(m, native)
        if record is not None:
            extra.append(record)
        for comment in m.get("comments") or []:
            if not isinstance(comment, Mapping):
                continue
            author = text_of(comment.get("author"))
            if author and author not in owner_names:
                extra.append(InteractionRecord(
                    PLATFORM, "comment_received", Person(name=author), "in", item_id=native,
                    created_at=meta_time(comment.get("timestamp"))))
    return content, extra


def listed_media(value: Any) -> Iterator[Mapping[str, Any]]:
    """The media objects of a photo or video listing (`album/N.json` → `photos[]`,
    `your_uncategorized_photos.json` → `other_photos_v2[]`, `your_videos.json` → `videos_v2[]`)."""
    if isinstance(value, Mapping):
        if text_of(value.get("uri")):
            yield value
            return
        for key in ("photos", "videos", "media"):
            for m in value.get(key) or []:
                if isinstance(m, Mapping) and text_of(m.get("uri")):
                    yield m
