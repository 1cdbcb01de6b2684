"""Time formats of the report: the contract's ISO 8601 UTC with `Z`, and the reader's dates."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC (SQLite hands back naive datetimes that are UTC by convention)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with a `Z`, to the second (the contract's time format)."""
    if value is None:
        return None
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: datetime | str | None) -> str | None:
    """The date part, YYYY-MM-DD, of a stored time or of a contract time string."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10] if len(value) >= 10 else None
    return as_utc(value).strftime("%Y-%m-%d")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def readable(value: str | None) -> str | None:
    """ "2024-04-15T01:31:47Z" → "15 Apr 2024": unambiguous for readers in any country."""
    if not value or len(value) < 10:
        return None
    try:
        year, month, dd = int(value[:4]), int(value[5:7]), int(value[8:10])
    except ValueError:
        return None
    if not 1 <= month <= 12:
        return None
    return f"{dd} {_MONTHS[month - 1]} {year}"
