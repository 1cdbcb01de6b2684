"""Google Business Profile (Google Takeout): the reviews of a practice and the owner's replies.

Each business location is one owned account (`AccountRecord(native_id=<location id>,
account_type="business")`); a Takeout with two offices yields two accounts in sequence. For each
location, every review is an `InteractionRecord(kind="review", direction="in")` naming the
reviewer, and the owner's public reply, when there is one, is a `ContentRecord(kind="reply")`
whose text is the reply alone: the review itself was written by a stranger and must never be
analysed as the owner's words.

Reviews of a location are merged from every `reviews*.json` page and from every account folder
that repeats the location (a personal account and a location group), de-duplicated by review id,
keeping the copy with the newest `updateTime` (export-formats.md §9.3). Merging needs the reviews
of one location at hand, so the connector keeps one entry per review in memory: pages hold about
20 reviews and a practice has hundreds, not millions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditor.errors import MalformedArchive
from auditor.records import (
    AccountRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
    Record,
)
from auditor.sources import Source
from connectors.base import Connector, iter_json_items, load_json, parse_time
from connectors.google_business import takeout

PLATFORM = "google_business"

#: A pending records.py change adds `ContentRecord.context`, the text an item answers (here the
#: review a reply is to). Until it lands the review text cannot travel with the reply; once it
#: does, this flag turns true and the connector fills it, with no other change.


@dataclass
class _Review:
    review: dict[str, Any]
    file: str
    updated: datetime | None


@dataclass
class _Location:
    """One business location: its review pages and its reviews merged by review id."""

    id: str
    pages: list[takeout.ReviewPage] = field(default_factory=list)
    reviews: dict[str, _Review] = field(default_factory=dict)
    per_file: dict[str, int] = field(default_factory=dict)


class GoogleBusinessConnector(Connector):
    """Google Takeout's "Google Business Profile" (formerly "Google My Business") folder."""

    name = "google_business"
    title = "Google Business Profile"

    def detect(self, source: Source) -> bool:
        names = source.names()
        if any(takeout.REVIEWS.search(n) for n in names):
            return True
        # A single reviews page the user picked out of a Takeout: recognised by its content.
        return source.kind == "file" and any(
            takeout.LOOSE_REVIEWS.search(n) and _looks_like_reviews(source, n) for n in names)

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        locations = self._locations(source)
        if not locations:
            raise MalformedArchive("no Google Business Profile reviews file found",
                                   path=source.label)
        names = source.names()
        listing = self._listing_names(source, names)
        business = self._business(source, names)
        later_part = bool(takeout.LATER_PART.search(source.label))
        for index, location in enumerate(locations.values()):
            self._merge(source, location)
            display = listing.get(location.id) or (business[0] if len(locations) == 1 else None)
            yield AccountRecord(platform=PLATFORM, native_id=location.id, display_name=display,
                                account_type="business", categories=business[1])
            # Pages without the first page of their location, a page picked out by hand, or a
            # later zip of a split Takeout are part of an export: they must not mark the
            # location's other reviews deleted.
            partial = later_part or not any(p.first_page for p in location.pages)
            yield ExportRecord(partial=partial, datasets=frozenset({"review", "reply"}))
            for entry in location.reviews.values():
                yield from _records(entry)
            yield from self._location_coverage(source, names, location, listing)
            if index == 0:
                yield from self._other_coverage(names, locations, business)

    # -- gathering ---------------------------------------------------------------------------
    def _locations(self, source: Source) -> dict[str, _Location]:
        """Every location with reviews, in archive order, with its pages (not yet read)."""
        locations: dict[str, _Location] = {}
        for name in source.names():
            page = takeout.review_page(name)
            if page is None and source.kind == "file" and takeout.LOOSE_REVIEWS.search(name):
                # A page picked out by hand is not known to hold all of its location's reviews:
                # treated like a later page, so the export counts as partial.
                page = takeout.ReviewPage(name, _loose_location(source, name), first_page=False)
            if page is not None:
                locations.setdefault(page.location, _Location(page.location)).pages.append(page)
        for location in locations.values():
            # First pages before later ones (`reviews-<token>.json` sorts before `reviews.json`),
            # so reviews come out in page order; a stable sort keeps archive order otherwise.
            location.pages.sort(key=lambda p: not p.first_page)
        return locations

    def _merge(self, source: Source, location: _Location) -> None:
        """Read a location's pages into `location.reviews`, newest copy of each review winning."""
        for page in location.pages:
            count = 0
            for review in iter_json_items(source, page.name, path="reviews.item"):
                if not isinstance(review, dict):
                    continue
                count += 1
                key = review_id(review)
                updated = parse_time(review.get("updateTime") or review.get("createTime"))
                held = location.reviews.get(key)
                if held is None or (updated and (held.updated is None or updated > held.updated)):
                    location.reviews[key] = _Review(review, page.name, updated)
            location.per_file[page.name] = count

    def _listing_names(self, source: Source, names: list[str]) -> dict[str, str]:
        """Location id → the listing name in its `additionalData.json` (LISTING_NAME)."""
        found: dict[str, str] = {}
        for name in names:
            m = takeout.ADDITIONAL.search(name)
            if m and m.group("location") not in found:
                listing = _listing_name(load_json(source, name))
                if listing:
                    found[m.group("location")] = listing
        return found

    def _business(self, source: Source, names: list[str]) -> tuple[str | None, tuple[str, ...]]:
        """The business's name and category from `businessPersonalization.json`, if present."""
        for name in names:
            if takeout.PERSONALIZATION.search(name):
                info = (load_json(source, name).get("partialBusinessDetails") or {}).get(
                    "businessInfo") or {}
                category = str(info.get("category") or "").removeprefix("gcid:")
                return (str(info.get("name")) if info.get("name") else None,
                        (category,) if category else ())
        return None, ()

    # -- coverage ----------------------------------------------------------------------------
    def _location_coverage(self, source: Source, names: list[str], location: _Location,
                           listing: dict[str, str]) -> Iterator[CoverageRecord]:
        pages = {p.name for p in location.pages}
        for name in names:
            if name in pages:
                lost = location.per_file[name] - sum(
                    1 for r in location.reviews.values() if r.file == name)
                reason = (f"{lost} review(s) also in another file of this location; the copy "
                          "with the newest updateTime was kept" if lost else "")
                yield CoverageRecord(name, "read", reason, count=location.per_file[name])
            elif takeout.location_of(name) == location.id:
                if takeout.ADDITIONAL.search(name):
                    yield CoverageRecord(name, "read", "the location's listing name",
                                         count=1 if location.id in listing else 0)
                elif name.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".mp4")):
                    yield CoverageRecord(name, "skipped", "a photo or video of the listing: "
                                         "media are not analysed")
                else:
                    yield CoverageRecord(name, "unrecognized",
                                         "an unknown file in a location folder")

    def _other_coverage(self, names: list[str], locations: dict[str, _Location],
                        business: tuple[str | None, tuple[str, ...]]) -> Iterator[CoverageRecord]:
        """Coverage of the members outside the location folders (reported once)."""
        pages = {p.name for loc in locations.values() for p in loc.pages}
        for name in names:
            if name in pages or (takeout.location_of(name) or "") in locations:
                continue
            if takeout.PERSONALIZATION.search(name):
                yield CoverageRecord(name, "read", "the business's name and category",
                                     count=1 if business != (None, ()) else 0)
            elif takeout.ACCOUNT_DATA.search(name):
                yield CoverageRecord(name, "skipped", "the Google account or location group "
                                     "that manages the locations; each location is an account")
            elif takeout.MAPS_REVIEWS.search(name):
                yield CoverageRecord(name, "skipped", "reviews the signed-in person wrote about "
                                     "other places (Google Maps), not reviews of the business")
            elif takeout.location_of(name):
                yield CoverageRecord(name, "skipped", "a location folder without reviews")
            elif name.endswith("archive_browser.html"):
                yield CoverageRecord(name, "skipped", "Takeout's index page")
            else:
                yield CoverageRecord(name, "skipped", f"another Google product in the same "
                                     f"Takeout ({takeout.product_of(name)}); not read")


def _records(entry: _Review) -> Iterator[Record]:
    """A review (received) and the owner's reply to it (authored)."""
    review = entry.review
    rid = review_id(review)
    reviewer = review.get("reviewer") if isinstance(review.get("reviewer"), dict) else {}
    person = Person(name=str(reviewer["displayName"]) if reviewer.get("displayName") else None)
    yield InteractionRecord(PLATFORM, "review", person, direction="in", item_id=rid,
                            created_at=parse_time(review.get("createTime")))
    reply = review.get("reviewReply")
    if isinstance(reply, dict) and str(reply.get("comment") or "").strip():
        yield ContentRecord(
            platform=PLATFORM, kind="reply", native_id=f"{rid}/reply",
            text=str(reply["comment"]).strip(),
            # A reply carries only `updateTime`: Takeout keeps no creation time or history.
            created_at=parse_time(reply.get("updateTime")),
            in_reply_to_id=rid, in_reply_to=person, visibility="public",
            source_file=entry.file, context=review_text(review))


def review_id(review: dict[str, Any]) -> str:
    """The review id: the last segment of `name` (`accounts/<a>/locations/<l>/reviews/<r>`)."""
    m = takeout.REVIEW_NAME.search(str(review.get("name") or ""))
    if m:
        return m.group("review")
    # No name (never seen in Takeout): a stable id from who wrote it and when.
    basis = f"{(review.get('reviewer') or {}).get('displayName')}\0{review.get('createTime')}"
    return "nameless-" + hashlib.sha256(basis.encode()).hexdigest()[:16]


def review_text(review: dict[str, Any]) -> str | None:
    """The review's own words; for a machine-translated review, the original part.

    Google writes translated reviews as "(Translated by Google) <translation>\\n\\n(Original)\\n
    <original>" (export-formats.md §9.2). A star-only review has no comment: None.
    """
    comment = str(review.get("comment") or "").strip()
    if comment.startswith("(Translated by Google)") and "(Original)" in comment:
        comment = comment.split("(Original)", 1)[1].strip()
    return comment or None


def _listing_name(data: Any) -> str | None:
    for attribute in (data or {}).get("attributes") or []:
        if ((attribute.get("id") or {}).get("attributeType")) == "LISTING_NAME":
            for value in attribute.get("values") or []:
                text = (((value.get("datum") or {}).get("listingName")) or {}).get("text")
                if text:
                    return str(text)
    return None


def _looks_like_reviews(source: Source, name: str) -> bool:
    with source.open_member(name) as fh:
        head = fh.read(4096)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"reviews"' in head \
        and b"/locations/" in head


def _loose_location(source: Source, name: str) -> str:
    """The location of a loose reviews page: from its first review's `name`."""
    for review in iter_json_items(source, name, path="reviews.item"):
        m = takeout.REVIEW_NAME.search(str((review or {}).get("name") or ""))
        if m:
            return m.group("location")
    return "unknown"
