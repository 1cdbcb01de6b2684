"""The Google Takeout layout of Google Business Profile data, and what each member is.

Layout (export-formats.md §9.1, seen in the anonymised gtakeout skeleton of 2025 and the proofql
fixture; see fixtures/README.md)::

    Takeout/Google Business Profile/            ("Google My Business/" before about 2021)
        businessPersonalization.json            the business's name and category
        account-<accountId>/data.json           the Google account or location group
        account-<accountId>/location-<locationId>/
            additionalData.json                 LISTING_NAME attribute: the location's name
            reviews.json                        the first page of reviews
            reviews-<pageToken>.json            further pages
    Takeout/Maps (your places)/Reviews.json     reviews the signed-in person WROTE (not read)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PRODUCT = r"(?:^|/)Google (?:Business Profile|My Business)/"
# proofql's rule: reviews pages directly in a location folder; `photos/reviews.json` and other
# nested files do not match.
REVIEWS = re.compile(_PRODUCT + r"account-(?P<account>[^/]+)/location-(?P<location>[^/]+)/"
                     r"reviews(?P<page>-[^/]+)?\.json$")
ADDITIONAL = re.compile(_PRODUCT + r"account-[^/]+/location-(?P<location>[^/]+)/"
                        r"additionalData\.json$")
LOCATION_FILE = re.compile(_PRODUCT + r"account-[^/]+/location-(?P<location>[^/]+)/")
ACCOUNT_DATA = re.compile(_PRODUCT + r"account-[^/]+/data\.json$")
PERSONALIZATION = re.compile(_PRODUCT + r"businessPersonalization\.json$")
MAPS_REVIEWS = re.compile(r"(?:^|/)Maps \(your places\)/Reviews\.json$")
#: A reviews page the user picked out of a Takeout by itself.
LOOSE_REVIEWS = re.compile(r"(?:^|/)reviews(?:-[^/]+)?\.json$")
#: `accounts/<a>/locations/<l>/reviews/<r>`: the review id is the last segment.
REVIEW_NAME = re.compile(r"locations/(?P<location>[^/]+)/reviews/(?P<review>[^/]+)$")
#: A split Takeout's second and later zips (`takeout-<time>-002.zip`) hold only part of the data.
LATER_PART = re.compile(r"-(?!001)\d{3}\.(?:zip|tgz|tar\.gz)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One reviews file of one location."""

    name: str
    location: str
    first_page: bool


def review_page(name: str) -> ReviewPage | None:
    """The reviews page a member is, by its Takeout path; None for any other member."""
    m = REVIEWS.search(name)
    if not m:
        return None
    return ReviewPage(name, m.group("location"), first_page=m.group("page") is None)


def location_of(name: str) -> str | None:
    """The location folder a member sits in, if any."""
    m = LOCATION_FILE.search(name)
    return m.group("location") if m else None


def product_of(name: str) -> str:
    """The Takeout product folder a member belongs to ("YouTube and YouTube Music", ...)."""
    parts = name.split("/")
    if "Takeout" in parts[:-1]:
        rest = parts[parts.index("Takeout") + 1:]
        return rest[0] if len(rest) > 1 else "Takeout"
    return parts[0] if len(parts) > 1 else name
