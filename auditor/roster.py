"""The client roster (`--roster FILE`): read once, held in memory as salted hashes, never stored.

DESIGN.md: a CSV file with a header row: `name` (required), `email`, `phone`, `handles`
(entries like `instagram:@handle`, separated by spaces or semicolons); other columns are ignored.

Matching a follower list against a client list is itself gathering client information
electronically (NASW 1.07(q), ACA H.6.c), so the roster is handled as the sensitive thing it
is: `load` turns every entry into keyed hashes (HMAC-SHA256 under a random key made for this
process) and keeps nothing else, not even the name, so no roster text can reach the database,
a log, a report or a traceback's locals. What a match keeps is the entry's position and the
kind of evidence ("name matched a roster entry"). Errors name the file, the line and the
column, never the value.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from auditor import names as nm
from auditor.errors import InputError

#: Platform names a roster handle may carry (and aliases people write).
PLATFORMS: dict[str, str] = {
    "twitter": "twitter", "x": "twitter", "instagram": "instagram", "ig": "instagram",
    "facebook": "facebook", "fb": "facebook", "threads": "threads", "linkedin": "linkedin",
    "mastodon": "mastodon", "bluesky": "bluesky", "bsky": "bluesky", "reddit": "reddit",
    "tiktok": "tiktok",
}
_SPLIT = re.compile(r"[\s;]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: A roster file is small; a huge one is a mistake (or not a roster).
MAX_BYTES = 50 * 1024 * 1024

# What a hit rests on, as findings and entries say it (never the roster's text).
BY_NAME = "name matched a roster entry"
BY_HANDLE_NAME = "handle spells the name of a roster entry"
BY_HANDLE = "handle matched a roster entry"
BY_EMAIL = "email matched a roster entry"
BY_PHONE = "phone matched a roster entry"
#: Evidence that identifies an account outright (versus a name, which people share).
EXACT = frozenset({BY_HANDLE, BY_EMAIL, BY_PHONE})


@dataclass(frozen=True, slots=True)
class RosterHit:
    """A roster entry (by position) that a person matched, and on what."""

    entry: int
    evidence: str
    #: People in the U.S. expected to share the matched name (None for handle, e-mail, phone).
    expected: float | None = None

    @property
    def exact(self) -> bool:
        return self.evidence in EXACT


@dataclass(slots=True)
class Roster:
    """Hashed roster keys, each mapped to the entries it came from. Holds no roster text."""

    size: int = 0
    _key: bytes = field(default_factory=lambda: os.urandom(32), repr=False)
    _index: dict[bytes, list[int]] = field(default_factory=dict, repr=False)
    #: Per entry: people expected to share its name (commonness, computed at load).
    _expected: list[float | None] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        return f"Roster({self.size} entries)"

    def _h(self, kind: str, value: str) -> bytes:
        return hmac.new(self._key, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()[:16]

    def _put(self, kind: str, value: str, entry: int) -> None:
        bucket = self._index.setdefault(self._h(kind, value), [])
        if entry not in bucket:
            bucket.append(entry)

    def _get(self, kind: str, value: str) -> list[int]:
        return self._index.get(self._h(kind, value), [])

    # -- building ------------------------------------------------------------------------------

    def add(self, name: str, emails: Iterable[str] = (), phones: Iterable[str] = (),
            handles: Iterable[tuple[str | None, str]] = ()) -> int:
        """Add one client; returns its position. Callers validate the values first."""
        entry = self.size
        self.size += 1
        words = nm.tokens(name)
        fl = nm.first_last(words)
        expected: float | None = None
        if fl:
            first, last = fl
            self._put("n", _name_key(first, last), entry)
            for form in {first + last, last + first, "".join(words)}:
                self._put("c", form, entry)
            expected = nm.expected_people(first, last)
        elif words:
            self._put("n1", words[0], entry)
            expected = nm.expected_people(words[0], None)
        self._expected.append(expected)
        for e in emails:
            self._put("e", e.casefold(), entry)
        for p in phones:
            self._put("p", phone_key(p), entry)
        for platform, handle in handles:
            self._put("h", f"{platform or '*'}:{_handle_key(handle)}", entry)
        return entry

    # -- matching ------------------------------------------------------------------------------

    def match(self, platform: str, *, names: Iterable[str] = (), handles: Iterable[str] = (),
              emails: Iterable[str] = (), phones: Iterable[str] = ()) -> list[RosterHit]:
        """Roster entries that a person named this way matches, strongest evidence first."""
        hits: dict[int, RosterHit] = {}

        def hit(entries: list[int], evidence: str, expected_of_entry: bool) -> None:
            for i in entries:
                h = RosterHit(i, evidence, self._expected[i] if expected_of_entry else None)
                old = hits.get(i)
                if old is None or _rank(h) > _rank(old):
                    hits[i] = h

        for e in emails:
            hit(self._get("e", e.casefold()), BY_EMAIL, False)
        for p in phones:
            if len(phone_key(p)) >= 7:
                hit(self._get("p", phone_key(p)), BY_PHONE, False)
        for handle in handles:
            key = _handle_key(handle)
            hit(self._get("h", f"{platform}:{key}"), BY_HANDLE, False)
            hit(self._get("h", f"*:{key}"), BY_HANDLE, False)
            c = nm.compact(handle.split("@", 1)[0] if not handle.startswith("@") else handle[1:].split("@", 1)[0])
            if len(c) >= 5:
                hit(self._get("c", c), BY_HANDLE_NAME, True)
        for name in names:
            words = nm.tokens(name)
            fl = nm.first_last(words)
            if fl:
                hit(self._get("n", _name_key(*fl)), BY_NAME, True)
            elif len(words) == 1:
                hit(self._get("n1", words[0]), BY_NAME, True)
        return sorted(hits.values(), key=lambda h: (-_rank(h), h.entry))

    def __len__(self) -> int:
        return self.size


def _rank(h: RosterHit) -> int:
    return {BY_EMAIL: 5, BY_PHONE: 4, BY_HANDLE: 4, BY_HANDLE_NAME: 2, BY_NAME: 2}[h.evidence]


def _name_key(first: str, last: str) -> str:
    return "|".join(sorted((first, last)))


def _handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


def phone_key(phone: str) -> str:
    """The last ten digits: "+1 (503) 555-0142" and "503.555.0142" agree."""
    return re.sub(r"\D", "", phone)[-10:]


def looks_like_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return len(digits) >= 7 and not re.search(r"[A-Za-z]", text)


# -- reading the CSV ------------------------------------------------------------------------------


def load(path: Path | str) -> Roster:
    """Read a roster CSV; an `InputError` (exit 3) names the file, line and column of bad input."""
    path = Path(path)
    label = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"the roster is larger than {MAX_BYTES // (1024 * 1024)} MB", path=label)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such roster file", path=label) from None
    except IsADirectoryError:
        raise InputError("the roster is a folder, not a CSV file", path=label) from None
    except PermissionError:
        raise InputError("cannot read the roster file (permission denied)", path=label) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"line {line}: the roster is not UTF-8 text", path=label) from None
    del raw
    return parse(text, label)


def parse(text: str, label: str = "roster") -> Roster:
    """A roster from CSV text (see `load`)."""
    if "\x00" in text:
        raise InputError("the roster is not a CSV text file", path=label)
    roster = Roster()
    rows = _rows(text, label)
    try:
        header = next(rows)
    except StopIteration:
        raise InputError("the roster is empty: it needs a header row with a `name` column",
                         path=label) from None
    columns = {h.strip().casefold(): i for i, h in reversed(list(enumerate(header[1])))}
    if "name" not in columns:
        raise InputError(f"line {header[0]}: the roster's header has no `name` column "
                         "(expected name, email, phone, handles)", path=label)
    col = {k: columns.get(k) for k in ("name", "email", "phone", "handles")}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank lines are no clients

        def cell(key: str, row: list[str] = row) -> str:
            i = col[key]
            return row[i].strip() if i is not None and i < len(row) else ""

        name = cell("name")
        if not nm.tokens(name):
            raise InputError(f"line {line}: the `name` column is empty or holds no letters", path=label)
        emails = [e for e in _SPLIT.split(cell("email")) if e]
        for e in emails:
            if not _EMAIL.match(e):
                raise InputError(f"line {line}: the `email` column is not an e-mail address", path=label)
        phones = [p for p in re.split(r"[;,/]+", cell("phone")) if p.strip()]
        for p in phones:
            if len(re.sub(r"\D", "", p)) < 7 or re.search(r"[A-Za-z]", p.replace("ext", "")):
                raise InputError(f"line {line}: the `phone` column is not a phone number", path=label)
        handles = [_handle(entry, line, label) for entry in _SPLIT.split(cell("handles")) if entry]
        roster.add(name, emails, phones, handles)
    return roster


def _rows(text: str, label: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise InputError(f"line {reader.line_num}: the roster is not valid CSV", path=label) from None
        yield reader.line_num, row


def _handle(entry: str, line: int, label: str) -> tuple[str | None, str]:
    """`instagram:@maria`, `x:maria`, `@maria` (any platform), or a profile URL."""
    from auditor.identity import profile_link

    if entry.startswith(("http://", "https://")) or re.match(r"^[\w.-]+\.[a-z]{2,}/", entry):
        link = profile_link(entry)
        if link is None:
            raise InputError(f"line {line}: a `handles` entry is a link to no known profile", path=label)
        return link
    platform, sep, handle = entry.partition(":")
    if not sep:
        platform, handle = "", entry
    elif platform.casefold() not in PLATFORMS:
        raise InputError(f"line {line}: a `handles` entry names an unknown platform "
                         f"(use one of {', '.join(sorted(set(PLATFORMS.values())))})", path=label)
    bare = handle.strip().lstrip("@")
    if not bare or re.search(r"\s", bare):
        raise InputError(f"line {line}: a `handles` entry has no handle after the platform", path=label)
    return (PLATFORMS[platform.casefold()] if platform else None), bare
