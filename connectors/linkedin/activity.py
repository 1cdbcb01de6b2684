"""What the owner wrote on LinkedIn: `Shares.csv` (posts and bare reposts) and `Comments.csv`.

LinkedIn gives these items no id column. A share's id is the URN in its `ShareLink`
(`…/feed/update/urn%3Ali%3Ashare%3A123` → `urn:li:share:123`, or `ugcPost`/`activity`), a
comment's the `commentUrn` in its `Link` when there is one; otherwise the id is the timestamp
plus a short hash of the text, so a re-export gives the same id and an edit gives a new one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import unquote

from auditor.records import ContentRecord
from auditor.sources import Source
from connectors.linkedin.csvfile import Tally, iter_rows
from connectors.linkedin.dates import linkedin_time
from connectors.linkedin.profile import PLATFORM

_ITEM_URN = re.compile(r"urn:li:(?:share|ugcPost|activity|groupPost|article|post):[\w-]+")
_COMMENT_URN = re.compile(r"urn:li:comment:\([^()\s]*\)")

#: Shares.csv `Visibility` → ContentRecord.visibility. MEMBER_NETWORK and CONNECTIONS reach the
#: member's network only, the closest of our values being "followers".
VISIBILITY = {
    "PUBLIC": "public",
    "LOGGED_IN": "public",
    "MEMBER_NETWORK": "followers",
    "CONNECTIONS": "followers",
}


def item_urn(link: str) -> str | None:
    """The post URN in a LinkedIn URL (percent-encoded or not), or None."""
    m = _ITEM_URN.search(unquote(link or ""))
    return m.group(0) if m else None


def comment_urn(link: str) -> str | None:
    m = _COMMENT_URN.search(unquote(link or ""))
    return m.group(0) if m else None


def fallback_id(created: datetime | None, *parts: str) -> str:
    """`<UTC timestamp>-<8 hex>` from the date and a hash of the normalised text."""
    basis = " ".join(unicodedata.normalize("NFC", " ".join(parts)).split())
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]
    stamp = created.strftime("%Y%m%dT%H%M%SZ") if created else "undated"
    return f"{stamp}-{digest}"


def export_path(name: str) -> str:
    """A member's path within the export: LinkedIn's files sit flat at its root, so the base name.

    Kept as the records' `source_file`, so that re-zipping or extracting the export under another
    top folder does not make every item look edited.
    """
    return PurePosixPath(name).name


def clean_commentary(text: str) -> str:
    """Undo the extra quoting some Shares.csv exports put inside `ShareCommentary`.

    A multi-line commentary has been seen written as `"line one"\\n"line two"` *inside* the CSV
    cell, with inner quotes doubled once more [parser: linkedin-analyzer's shares cleaner]. Only a
    cell that both starts and ends with a quote is treated that way.
    """
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('"\r\n"', "\n").replace('"\n"', "\n").replace('""', '"')
    return text.strip()


def read_shares(source: Source, name: str, tally: Tally) -> Iterator[ContentRecord]:
    """Shares.csv → kind "post", or "share" for a bare repost (empty commentary)."""
    for row in iter_rows(source, name, tally, header_has="ShareLink"):
        created = linkedin_time(row.get("Date"))
        link = row.get("ShareLink")
        text = clean_commentary(row.get("ShareCommentary"))
        native = item_urn(link) or fallback_id(created, text, row.get("SharedUrl"))
        yield ContentRecord(
            platform=PLATFORM,
            kind="post" if text else "share",
            native_id=native,
            text=text,
            created_at=created,
            url=link or None,
            visibility=VISIBILITY.get(row.get("Visibility").upper()),
            source_file=export_path(name),
        )


def read_comments(source: Source, name: str, tally: Tally) -> Iterator[ContentRecord]:
    """Comments.csv → kind "comment", replying to the post in `Link`."""
    # Comments.csv escapes quotes with a backslash (see csvfile).
    for row in iter_rows(source, name, tally, header_has="Message", escapechar="\\"):
        created = linkedin_time(row.get("Date"))
        link = row.get("Link")
        text = row.get("Message")
        yield ContentRecord(
            platform=PLATFORM,
            kind="comment",
            native_id=comment_urn(link) or fallback_id(created, text, link),
            text=text,
            created_at=created,
            url=link or None,
            in_reply_to_id=item_urn(link),
            source_file=export_path(name),
        )
