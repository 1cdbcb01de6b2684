"""The generic CSV connector: one documented CSV layout for platforms footprint does not support.

A consultant exports or copies an unsupported platform's posts into a CSV with the columns of
`docs/generic-csv.md` (platform, account, kind, id, created_at, text, url, in_reply_to) and
ingests it like any archive. The connector claims a CSV only when its header holds the required
columns (account, kind, id, text), so a LinkedIn or Reddit CSV is never taken for one.

Each distinct (platform, account) is one owned account, and the stream gives each account's
records in one run after its `AccountRecord`. The files are read twice, streaming, never held in
memory: a first pass checks every row and learns the accounts in order of appearance; then, when
the rows are grouped by account, one pass yields them all, and otherwise one pass per account
yields that account's rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast, get_args

from auditor.errors import MalformedArchive
from auditor.records import (
    AccountRecord,
    ContentKind,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
    Record,
)
from auditor.sources import Source
from connectors.base import Connector, parse_time
from connectors.generic.csvrows import CsvRow, CsvTable, read_header

#: The documented columns (docs/generic-csv.md); the first four are required.
REQUIRED_COLUMNS = ("account", "kind", "id", "text")
OPTIONAL_COLUMNS = ("platform", "created_at", "url", "in_reply_to")
DEFAULT_PLATFORM = "generic"

_KINDS: frozenset[str] = frozenset(get_args(ContentKind))
_PLATFORM_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CSV_MEMBER = re.compile(r"\.csv$", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)

AccountKey = tuple[str, str]  # (platform, normalised account)


def is_generic_header(columns: list[str]) -> bool:
    """True when a normalised header has every required column of the generic layout."""
    return set(REQUIRED_COLUMNS) <= set(columns)


def _starts_as_utf8(source: Source, name: str, limit: int = 64 * 1024) -> bool:
    """Whether the member's first bytes decode as UTF-8 (a character cut at the limit is fine)."""
    with source.open_member(name) as fh:
        head = fh.read(limit)
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4
    return True


class GenericCsvConnector(Connector):
    """Posts, replies and comments of any platform, from a CSV with the documented header."""

    name = "generic"
    title = "Generic CSV"

    def detect(self, source: Source) -> bool:
        return any(is_generic_header(read_header(source, n))
                   for n in source.names() if _CSV_MEMBER.search(n))

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        tables: list[str] = []
        others: list[CoverageRecord] = []
        for name in source.names():
            if not _CSV_MEMBER.search(name):
                others.append(CoverageRecord(name, "unrecognized", "not a CSV file"))
            elif not is_generic_header(read_header(source, name)):
                if not _starts_as_utf8(source, name):
                    # Named as the problem it is: --platform generic on a Latin-1 or UTF-16 file.
                    raise MalformedArchive(f"{name} is not valid UTF-8; save it as a UTF-8 CSV",
                                           path=source.label)
                others.append(CoverageRecord(name, "unrecognized", "a CSV without the generic "
                                             "header (account, kind, id, text)"))
            else:
                tables.append(name)
        for name in tables:
            if not _starts_as_utf8(source, name):  # an ASCII header over Latin-1 rows, say
                raise MalformedArchive(f"{name} is not valid UTF-8; save it as a UTF-8 CSV",
                                       path=source.label)
        survey = _Survey.run(source, tables)
        if not survey.accounts:
            raise MalformedArchive("the generic CSV holds no usable rows (each row needs "
                                   "account, kind, id and text)", path=source.label)
        emitter = _Emitter(source, tables, include_messages)
        if survey.grouped:
            yield from emitter.rows(None)
        else:
            for account in survey.accounts:
                yield from emitter.rows(account)
        for name in tables:
            yield from survey.tallies[name].coverage(name, emitter.counts.get(name, 0),
                                                     emitter.unstored.get(name, 0))
        yield from others


@dataclass
class _Tally:
    """What the first pass found wrong in one file: line numbers by reason."""

    skipped: dict[str, list[int]] = field(default_factory=dict)
    degraded: dict[str, list[int]] = field(default_factory=dict)
    ragged: str | None = None

    def coverage(self, name: str, records: int, unstored: int) -> Iterator[CoverageRecord]:
        reason = (f"{unstored} message row(s): text not stored without --include-messages"
                  if unstored else "")
        yield CoverageRecord(name, "read", reason, count=records)
        parts = [f"{len(lines)} row(s) skipped: {why} (line {_quote(lines)})"
                 for why, lines in self.skipped.items()]
        parts += [f"{len(lines)} row(s) read, but {why} (line {_quote(lines)})"
                  for why, lines in self.degraded.items()]
        parts += [self.ragged] if self.ragged else []
        if parts:
            yield CoverageRecord(name, "warning", "; ".join(parts))


class _Survey:
    """The first pass: every row checked, the accounts in order, whether rows are grouped."""

    def __init__(self) -> None:
        self.tallies: dict[str, _Tally] = {}
        self.accounts: list[AccountKey] = []
        self.grouped = True

    @classmethod
    def run(cls, source: Source, tables: list[str]) -> _Survey:
        survey, ids = cls(), _Ids()
        last: AccountKey | None = None
        for name in tables:
            tally = survey.tallies[name] = _Tally()
            with CsvTable(source, name) as table:
                for row in table:
                    problem = ids.problem(row)
                    if problem:
                        tally.skipped.setdefault(problem, []).append(row.line)
                        continue
                    raw_time = row.get("created_at")
                    if raw_time and parse_time(raw_time) is None:
                        tally.degraded.setdefault("created_at is not ISO 8601 and was left empty",
                                                  []).append(row.line)
                    key = _key(row)
                    if key != last:
                        if key in survey.accounts:
                            survey.grouped = False
                        else:
                            survey.accounts.append(key)
                        last = key
            tally.ragged = table.ragged_warning()
        return survey


class _Ids:
    """The ids seen so far, per account: a repeated id is a row to skip."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()

    def problem(self, row: CsvRow) -> str | None:
        """Why a row cannot be read, or None (and the row's id is remembered)."""
        platform, account = _key(row)
        kind, native_id = row.get("kind").lower(), row.get("id")
        if not _PLATFORM_NAME.match(platform):
            return "platform is not a lower-case name"
        if not account or not native_id:
            return "account or id is empty"
        if kind not in _KINDS:
            return f"kind is not one of {', '.join(sorted(_KINDS))}"
        if (platform, account, native_id) in self._seen:
            return "the id was already used for this account"
        self._seen.add((platform, account, native_id))
        return None


class _Emitter:
    """The emitting passes: records of the rows the survey accepted, each account in one run."""

    def __init__(self, source: Source, tables: list[str], include_messages: bool) -> None:
        self.source, self.tables, self.include_messages = source, tables, include_messages
        self.counts: dict[str, int] = {}
        self.unstored: dict[str, int] = {}  # message rows whose text was not stored

    def rows(self, only: AccountKey | None) -> Iterator[Record]:
        """One pass over every file: the rows of account `only`, or of every account."""
        ids, current = _Ids(), None
        for name in self.tables:
            with CsvTable(self.source, name) as table:
                for row in table:
                    if ids.problem(row):
                        continue
                    key = _key(row)
                    if only is not None and key != only:
                        continue
                    if key != current:
                        current = key
                        yield account_record(*key)
                        # A hand-made CSV is not known to be complete: it never marks stored
                        # items deleted.
                        yield ExportRecord(partial=True)
                    yield from self._row(row, key[0], name)

    def _row(self, row: CsvRow, platform: str, name: str) -> Iterator[Record]:
        kind, native_id = row.get("kind").lower(), row.get("id")
        created_at = parse_time(row.get("created_at"))
        # in_reply_to: "@handle" names the person replied to, anything else the item's id.
        reply_to = row.get("in_reply_to")
        person = Person(handle=reply_to[1:]) if reply_to.startswith("@") and reply_to[1:] else None
        reply_id = reply_to if reply_to and person is None else None
        if kind == "message" and not self.include_messages:
            self.unstored[name] = self.unstored.get(name, 0) + 1
            if person is not None:  # the recipient: participants and dates only
                self.counts[name] = self.counts.get(name, 0) + 1
                yield InteractionRecord(platform, "message", person, direction="out",
                                        item_id=native_id, created_at=created_at)
            return
        self.counts[name] = self.counts.get(name, 0) + 1
        yield ContentRecord(
            platform=platform, kind=cast(ContentKind, kind), native_id=native_id,
            text=row.text("text"), created_at=created_at, url=row.get("url") or None,
            in_reply_to_id=reply_id, in_reply_to=person,
            visibility="direct" if kind == "message" else None, source_file=name)


def _key(row: CsvRow) -> AccountKey:
    """The row's account: its platform (default "generic") and its account cell, a handle
    without a leading "@" or a profile URL."""
    account = row.get("account")
    return (row.get("platform").lower() or DEFAULT_PLATFORM,
            account if _URL.match(account) else account.lstrip("@").strip())


def account_record(platform: str, account: str) -> AccountRecord:
    """The owned account of a normalised account cell; the cell is also the account's native id."""
    if _URL.match(account):
        return AccountRecord(platform=platform, native_id=account, url=account)
    return AccountRecord(platform=platform, native_id=account, handle=account)


def _quote(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:5])
    return shown + (", …" if len(lines) > 5 else "")
