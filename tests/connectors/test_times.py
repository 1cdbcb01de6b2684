"""Timestamps: the fast path for X's format agrees with strptime on every input."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from connectors.base import parse_time

X = "%a %b %d %H:%M:%S %z %Y"


def _strptime(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), X).astimezone(UTC)
    except ValueError:
        return None


def test_x_times_agree_with_strptime():
    rng = random.Random(3)
    start = datetime(1000, 1, 1, tzinfo=UTC).timestamp()
    end = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()
    for _ in range(5000):
        when = datetime.fromtimestamp(rng.uniform(start, end) // 1, UTC)
        text = when.strftime(X)
        assert parse_time(text, X) == _strptime(text) == when, text


@pytest.mark.parametrize("text", [
    "Thu Nov 03 08:50:26 +0100 2022",   # another offset: strptime's job
    "Thu Nov 3 08:50:26 +0000 2022",    # one-digit day
    "Xyz Nov 03 08:50:26 +0000 2022",
    "Thu Nov 31 08:50:26 +0000 2022",   # no such day
    "Thu Nov 03 24:50:26 +0000 2022",
    "Thu Nov 03 08:50:61 +0000 2022",
    "Thu Nov 03 0٨:50:26 +0000 2022",   # a non-ASCII digit
    "Thu Nov 03 08:50:26 -0000 2022",
    "Thu Nov 03 08:50:26 +0000 20222",
    " Thu Nov 03 08:50:26 +0000 2022 ",
    "Thu  Nov 03 08:50:26 +0000 2022",
])
def test_odd_x_times_agree_with_strptime(text):
    assert parse_time(text, X) == _strptime(text)
