"""LinkedIn's date formats, one per file (`../shared/reference/export-formats.md` §0, §4).

Every value is read as UTC: the export gives no zone except the literal "UTC" in some files.
"""

from __future__ import annotations

from datetime import datetime

from connectors.base import parse_time

#: Tried in order; the first that parses wins.
FORMATS: tuple[str, ...] = (
    "%d %b %Y",                  # Connections.csv "Connected On": 15 Mar 2009, 1 Jan 2024
    "%Y-%m-%d %H:%M:%S",         # Shares.csv, Comments.csv, Reactions.csv: 2026-05-07 16:41:18
    "%Y-%m-%d %H:%M:%S UTC",     # messages.csv "DATE": 2023-03-17 18:37:41 UTC
    "%m/%d/%y, %I:%M %p",        # Invitations.csv "Sent At": 9/5/26, 1:12 AM
    "%a %b %d %H:%M:%S UTC %Y",  # Company Follows.csv "Followed On": Sat Sep 05 08:12:14 UTC 2026
    "%b %d, %Y",                 # Profile.csv "Birth Date"-style: Mar 15, 2009
    "%b %Y",                     # Positions.csv "Started On": Jan 2020
    "%m/%d/%Y",                  # reported for some Connections.csv [unverified]: 03/15/2024
)


def linkedin_time(value: str | None) -> datetime | None:
    """Any LinkedIn date or timestamp as aware UTC; None when empty or unreadable."""
    if not value or not value.strip():
        return None
    return parse_time(" ".join(value.split()), *FORMATS)
