"""Google Business Profile (Takeout): whole-record tests, merging, real samples, detection."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

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
from connectors.google_business import GoogleBusinessConnector
from connectors.google_business.connector import review_text
from tests.helpers import read_checked
from tests.helpers import utc as t

ARCHIVES = Path(__file__).resolve().parents[2] / "fixtures" / "archives"
G = "google_business"
WHOLE = ExportRecord(partial=False, datasets=frozenset({"review", "reply"}))
#: `ContentRecord.context` is a pending records.py field; the connector fills it once it exists.


def read(path: Path) -> list[Record]:
    return read_checked(GoogleBusinessConnector(), path)


def review(name: str | None, rid: str, when: datetime) -> InteractionRecord:
    return InteractionRecord(G, "review", Person(name=name), direction="in", item_id=rid, created_at=when)


def reply(rid: str, text: str, when: datetime, reviewer: str | None, file: str,
          review: str | None) -> ContentRecord:
    return ContentRecord(G, "reply", f"{rid}/reply", text, created_at=when, in_reply_to_id=rid,
                         in_reply_to=Person(name=reviewer), visibility="public", source_file=file,
                         context=review)


@pytest.mark.parametrize("top", [None, "takeout-20251001T000000Z"])
def test_takeout_two_locations(make_archive, top: str | None) -> None:
    """Two locations, a second reviews page, the same location under a location group (newest
    copy wins), a translated, a star-only and an anonymous review, other Takeout products."""
    def p(name: str) -> str:
        return f"{top}/Takeout/{name}" if top else f"Takeout/{name}"

    gbp = "Google Business Profile/"
    loc1, loc2 = gbp + "account-4410/location-8801/", gbp + "account-4410/location-8802/"
    group = gbp + "account-5520/location-8801/reviews.json"
    assert read(make_archive("archives/google_business/takeout-2025", top=top)) == [
        AccountRecord(G, "8801", display_name="Riverbend Counseling", account_type="business",
                      categories=("psychotherapist",)),
        WHOLE,
        review("Morgan Vale", "RvA001", t(2025, 3, 1, 15, 0, 0, 123456)),
        reply("RvA001", "Thank you, Morgan. It was a privilege to work with your son during his treatment.",
              t(2025, 3, 2, 9, 30, 0, 654321), "Morgan Vale", p(group),
              "Dana helped our family through a very hard year. Edited: still grateful."),
        review("Lee Park", "RvA002", t(2025, 4, 10, 11, 0, 0, 1)),
        review("Ana Ruiz", "RvA003", t(2025, 5, 20, 8, 0, 0, 500000)),
        reply("RvA003", "We are sorry. Please call the front desk so we can help.",
              t(2025, 5, 21, 10), "Ana Ruiz", p(loc1 + "reviews.json"),
              "Nunca me devolvieron la llamada."),
        review(None, "RvA004", t(2025, 6, 1, 12)),
        reply("RvA004", "Thanks for visiting!", t(2025, 6, 2, 12), None,
              p(loc1 + "reviews-AFakePageToken2.json"), "Calm office, easy parking."),
        CoverageRecord(p(loc1 + "additionalData.json"), "read", "the location's listing name", count=1),
        CoverageRecord(p(loc1 + "reviews-AFakePageToken2.json"), "read", "", count=1),
        CoverageRecord(p(loc1 + "reviews.json"), "read", "1 review(s) also in another file of this "
                       "location; the copy with the newest updateTime was kept", count=3),
        CoverageRecord(p(group), "read", "1 review(s) also in another file of this location; the copy "
                       "with the newest updateTime was kept", count=2),
        CoverageRecord(p(gbp + "account-4410/data.json"), "skipped", "the Google account or location "
                       "group that manages the locations; each location is an account"),
        CoverageRecord(p(gbp + "account-5520/data.json"), "skipped", "the Google account or location "
                       "group that manages the locations; each location is an account"),
        CoverageRecord(p(gbp + "businessPersonalization.json"), "read", "the business's name and category",
                       count=1),
        CoverageRecord(p("Maps (your places)/Reviews.json"), "skipped", "reviews the signed-in person "
                       "wrote about other places (Google Maps), not reviews of the business"),
        CoverageRecord(p("YouTube and YouTube Music/comments/comments.csv"), "skipped",
                       "another Google product in the same Takeout (YouTube and YouTube Music); not read"),
        CoverageRecord(p("archive_browser.html"), "skipped", "Takeout's index page"),
        AccountRecord(G, "8802", display_name="Riverbend Counseling — Eastside", account_type="business",
                      categories=("psychotherapist",)),
        WHOLE,
        # `isAnonymous` reviewers still carry the display name Takeout gives.
        review("Sam Ortiz", "RvB001", t(2025, 7, 7, 7, 7, 7, 70707)),
        CoverageRecord(p(loc2 + "additionalData.json"), "read", "the location's listing name", count=1),
        CoverageRecord(p(loc2 + "photo-0001.jpg"), "skipped",
                       "a photo or video of the listing: media are not analysed"),
        CoverageRecord(p(loc2 + "reviews.json"), "read", "", count=1),
    ]


def test_older_google_my_business_folder(make_archive) -> None:
    member = "Takeout/Google My Business/account-300/location-77/reviews.json"
    assert read(make_archive("archives/google_business/my-business-2021")) == [
        AccountRecord(G, "77", account_type="business"),
        WHOLE,
        review("Chris Dunn", "OldRv1", t(2021, 5, 5, 10)),
        reply("OldRv1", "Thank you for the kind words.", t(2021, 5, 6, 10), "Chris Dunn", member,
              "Very professional."),
        CoverageRecord(member, "read", "", count=1),
    ]


def test_a_later_part_of_a_split_takeout_is_partial(make_archive) -> None:
    archive = make_archive("archives/google_business/my-business-2021",
                           name="takeout-20251001T000000Z-002.zip")
    assert read(archive)[1] == ExportRecord(partial=True, datasets=frozenset({"review", "reply"}))


def test_pages_without_the_first_page_are_partial(tmp_path: Path) -> None:
    folder = tmp_path / "Takeout" / "Google Business Profile" / "account-1" / "location-2"
    folder.mkdir(parents=True)
    (folder / "reviews-NextPage.json").write_text(json.dumps({"reviews": [
        {"reviewer": {"displayName": "Pat Lee"}, "starRating": "FIVE", "createTime": "2025-01-01T00:00:00Z",
         "updateTime": "2025-01-01T00:00:00Z", "name": "accounts/1/locations/2/reviews/R9"}]}),
        encoding="utf-8")
    assert read(tmp_path)[1] == ExportRecord(partial=True, datasets=frozenset({"review", "reply"}))


def test_a_loose_reviews_file(tmp_path: Path) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps({"reviews": [
        {"reviewer": {"displayName": "Pat Lee"}, "starRating": "TWO", "createTime": "2025-01-01T00:00:00Z",
         "updateTime": "2025-01-01T00:00:00Z", "name": "accounts/1/locations/55/reviews/R1",
         "comment": "Slow to respond.",
         "reviewReply": {"comment": "Sorry to hear that.", "updateTime": "2025-01-02T00:00:00Z"}}]}),
        encoding="utf-8")
    assert read(path) == [
        AccountRecord(G, "55", account_type="business"),
        ExportRecord(partial=True, datasets=frozenset({"review", "reply"})),
        review("Pat Lee", "R1", t(2025, 1, 1)),
        reply("R1", "Sorry to hear that.", t(2025, 1, 2), "Pat Lee", "reviews.json", "Slow to respond."),
        CoverageRecord("reviews.json", "read", "", count=1),
    ]


def test_review_text_keeps_the_original_of_a_translation() -> None:
    assert review_text({"comment": "(Translated by Google) Hi\n\n(Original)\nHola"}) == "Hola"
    assert review_text({"comment": " Plain "}) == "Plain"
    assert review_text({"starRating": "FIVE"}) is None


def test_detects_own_fixtures_only(tmp_path: Path) -> None:
    for variant in sorted((ARCHIVES / G).iterdir()):
        with Source.open(variant) as source:
            assert GoogleBusinessConnector().detect(source), variant
    for variant in sorted(ARCHIVES.glob("*/*")):
        if variant.parent.name != G and variant.is_dir():
            with Source.open(variant) as source:
                assert not GoogleBusinessConnector().detect(source), variant
    # Maps reviews (written by the owner about other places) and Photos' reviews.json are not it.
    maps = tmp_path / "Takeout" / "Maps (your places)"
    maps.mkdir(parents=True)
    (maps / "Reviews.json").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    nested = tmp_path / "Takeout" / "Google Business Profile" / "account-1" / "location-2" / "photos"
    nested.mkdir(parents=True)
    (nested / "reviews.json").write_text('{"reviews": []}', encoding="utf-8")
    with Source.open(tmp_path) as source:
        assert not GoogleBusinessConnector().detect(source)


@pytest.mark.samples
def test_real_samples(samples_dir: Path) -> None:
    root = samples_dir / "google-business-profile"
    skeleton = read(root / "gtakeout-skeleton-2025")
    assert skeleton[:3] == [
        AccountRecord(G, "example", display_name="Example NAME", account_type="business",
                      categories=("ham_shop",)),
        WHOLE,
        review("Example NAME", "id", t(2025, 1, 5, 13, 22, 37, 87133)),
    ]
    assert _counts(skeleton) == {"AccountRecord": 1, "ExportRecord": 1, "InteractionRecord": 1,
                                 "CoverageRecord": 4}

    proofql = read(root / "proofql-fixture")
    accounts = [r for r in proofql if isinstance(r, AccountRecord)]
    assert accounts == [
        AccountRecord(G, "2001", display_name="Harbor Light Bakery", account_type="business",
                      categories=("bakery",)),
        AccountRecord(G, "2002", display_name="Harbor Light Bakery — Pearl Street",
                      account_type="business", categories=("bakery",)),
    ]
    # Location 2001: 20 reviews on the first page, 3 on the second, 2 repeated under account-77.
    assert _counts(proofql) == {"AccountRecord": 2, "ExportRecord": 2, "InteractionRecord": 23 + 4,
                                "ContentRecord": 16, "CoverageRecord": 10}
    ids = [r.item_id for r in proofql if isinstance(r, InteractionRecord)]
    assert len(ids) == len(set(ids))
    # The edited copy under account-77 is newer, so its reply is the one kept.
    jordan = next(r for r in proofql if isinstance(r, ContentRecord) and r.in_reply_to_id == "AbFvOq001Tk")
    assert jordan.source_file and "account-77" in jordan.source_file
    assert all(r.text and not r.text.startswith("(Translated") for r in proofql if isinstance(r, ContentRecord))


def _counts(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        counts[type(r).__name__] = counts.get(type(r).__name__, 0) + 1
    return counts


def test_each_location_is_its_own_stored_account(make_archive) -> None:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from auditor.db import migrate
    from auditor.ingest import ingest_records
    from auditor.models import Account, Subject

    engine = create_engine("sqlite://")
    migrate(engine)
    with Session(engine) as s, Source.open(make_archive("archives/google_business/takeout-2025")) as src:
        subject = Subject(name="Dana Whitfield")
        s.add(subject)
        s.flush()
        ingest_records(s, GoogleBusinessConnector().read(src), source=src, connector=G,
                       resolve_subject=lambda _: subject)
        s.flush()
        stored = {(a.native_id, a.display_name) for a in s.scalars(select(Account))}
    assert stored == {("8801", "Riverbend Counseling"), ("8802", "Riverbend Counseling — Eastside")}
