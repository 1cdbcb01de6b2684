"""Report scenarios built through the public API: the demo, the demo a year later, a hostile
archive, and overlap entries and discovered accounts inserted by hand (their producers are
other issues' modules; the report only renders what it is given).

Every name here is fictional.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from auditor import api
from auditor.db import open_engine
from reports.build import build_report
from reports.view import DiscoveredAccount, Membership, OverlapEntry, ReportView
from tests.helpers import FIXTURES

DEMO = FIXTURES / "demo"
HOSTILE = FIXTURES / "hostile"
SUBJECT = api.DEMO_SUBJECT
DELETED_TEXT = "My 3pm today cried about her divorce again"
#: The demo post ("my caseload is full of crazies lol") marked remediated but still there.
REMEDIATED_POST = "1804350043087863245"
NEW_TWEET_ID = "1859000000000000001"
NEW_TWEET_TEXT = (
    "Had a client today who teaches at Sunnyside Elementary, and she cried the whole "
    "session. Some days this job is heavy."
)

#: Overlap as issue 5 will store it: one certain person, one roster client, one possible.
OVERLAP: tuple[OverlapEntry, ...] = (
    OverlapEntry(
        person="Marisol Quintero",
        tier="certain",
        confidence=0.98,
        roster_match=False,
        memberships=(
            Membership("twitter", "mquintero_pdx", "Marisol Quintero", "700100", "dana_w_pdx",
                       "personal", "follower"),
            Membership("twitter", "mquintero_pdx", "Marisol Quintero", "700100",
                       "WhitfieldFamilyTherapy", "professional", "follower"),
        ),
        explanation=("same X account follows the personal and the professional account",),
    ),
    OverlapEntry(
        person="Theo Brandvold",
        tier="likely",
        confidence=0.81,
        roster_match=True,
        memberships=(
            Membership("twitter", "theo.brandvold", None, None, "dana_w_pdx", "personal", "following"),
        ),
        explanation=("roster client's handle 'theo.brandvold' matches an account the personal account follows",),
    ),
    OverlapEntry(
        person="J. Okafor",
        tier="possible",
        confidence=0.42,
        roster_match=False,
        memberships=(
            Membership("twitter", "jokafor", "J. Okafor", None, "dana_w_pdx", "personal", "follower"),
            Membership("twitter", "jo_kafor_art", "J Okafor", None, "WhitfieldFamilyTherapy",
                       "professional", "follower"),
        ),
        explanation=("initial and surname only: 'J. Okafor' ~ 'J Okafor' (0.42)",),
    ),
)
#: Third parties the overlap names: a redacted report must show none of them.
OVERLAP_PEOPLE: tuple[str, ...] = (
    "Marisol Quintero", "mquintero_pdx", "Theo Brandvold", "theo.brandvold", "J. Okafor",
    "jokafor", "jo_kafor_art", "700100",
)

DISCOVERED: tuple[DiscoveredAccount, ...] = (
    DiscoveredAccount(
        "instagram", "whitfieldfamilytherapy", "https://www.instagram.com/whitfieldfamilytherapy/",
        "footprint ingest INSTAGRAM-EXPORT.zip --role professional --subject 'Dana Whitfield'",
    ),
    DiscoveredAccount(
        "mastodon", "@dana@example.social", "https://example.social/@dana",
        "footprint fetch mastodon https://example.social/@dana --role personal",
    ),
)


def build_demo(folder: Path) -> str:
    """The demo audit in `folder`; returns its database path."""
    api.demo(folder)
    return str(folder / "footprint.db")


def _tweets(path: Path) -> tuple[str, list[dict[str, Any]]]:
    text = path.read_text("utf-8")
    prefix, _, body = text.partition("[")
    return prefix, json.loads("[" + body)


def newer_personal_archive(dest: Path) -> Path:
    """The personal demo archive a year on: one flagged post deleted, one new post."""
    shutil.copytree(DEMO / "dana-personal-x", dest)
    path = dest / "data" / "tweets.js"
    prefix, items = _tweets(path)
    kept = [t for t in items if DELETED_TEXT not in t["tweet"]["full_text"]]
    assert len(kept) == len(items) - 1, "the demo no longer has the post this scenario deletes"
    new = json.loads(json.dumps(kept[0]))
    tweet = new["tweet"]
    tweet.update(id=NEW_TWEET_ID, id_str=NEW_TWEET_ID, full_text=NEW_TWEET_TEXT,
                 created_at="Sat Nov 16 18:20:00 +0000 2024", in_reply_to_status_id_str=None,
                 in_reply_to_status_id=None, in_reply_to_user_id=None, in_reply_to_user_id_str=None,
                 in_reply_to_screen_name=None, display_text_range=["0", str(len(NEW_TWEET_TEXT))])
    tweet = {k: v for k, v in tweet.items() if v is not None}
    tweet.setdefault("edit_info", {}).setdefault("initial", {})["editTweetIds"] = [NEW_TWEET_ID]
    new["tweet"] = tweet
    path.write_text(prefix + json.dumps([new, *kept], indent=2), "utf-8")
    return dest


def annual_review(folder: Path) -> str:
    """The demo, then a decision, a newer personal archive and a second audit run."""
    db = build_demo(folder / "demo")
    # Chosen by the post, not the rule: the rules that flag it are still being tuned.
    remediated = [f.fingerprint for f in api.findings(db) if f.native_id == REMEDIATED_POST]
    assert remediated, "the demo no longer flags the post this scenario marks remediated"
    api.decide(db, remediated, status="remediated", note="deleted it on X", who="Dana Whitfield")
    api.ingest(db, [newer_personal_archive(folder / "dana-personal-x-2025")], role="personal",
               subject=SUBJECT)
    api.audit(db, subject=SUBJECT)
    return db


def view_of(db: str, *, redact: bool = True, auditor: str | None = "Northside Ethics Consulting",
            overlap: Sequence[OverlapEntry] = (), discovered: Sequence[DiscoveredAccount] = (),
            run: int | None = None) -> ReportView:
    """Build the report view of a scenario's database."""
    engine = open_engine(db, create=False)
    try:
        with Session(engine) as s:
            return build_report(s, redact=redact, auditor=auditor, overlap=overlap,
                                discovered_accounts=discovered, run_id=run)
    finally:
        engine.dispose()


def render_to(view: ReportView, path: Path, render: Callable[[ReportView, str], str | bytes],
              fmt: str = "html") -> Path:
    data = render(view, fmt)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, "utf-8")
    return path
