"""Mastodon's account CSV exports (Preferences → Import and export → Data export).

`following_accounts.csv` (Follows) and `blocked_accounts.csv` (Blocks) are separate downloads, not
part of the archive: either can be ingested alone, as a single-file source. From
`app/models/export.rb` in mastodon/mastodon [doc]:

* following, 2022+ (Mastodon 4.x): a header `Account address,Show boosts,Notify on new posts,
  Languages`, then one row per followed account, `user@domain` first;
* following before that, and blocks in every version: no header, one `user@domain` per row.

Mastodon's own spec fixture has blank lines between rows; they are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from auditor.errors import MalformedArchive
from auditor.records import ConnectionRecord, Person, Relation
from auditor.sources import Source

PLATFORM = "mastodon"
#: `following_accounts.csv`, also as a browser renames a second download: `… (1).csv`.
EXPORT_FILE = re.compile(r"(?:^|/)(?P<kind>following|blocked)_accounts(?: ?\(\d+\))?\.csv$", re.I)
_ACCT = re.compile(r"^@?(?P<user>[\w.-]+)@(?P<domain>[\w.-]+\.[\w-]+)$")
RELATIONS: dict[str, Relation] = {"following": "following", "blocked": "blocked"}


def relation_of(name: str) -> Relation | None:
    m = EXPORT_FILE.search(name)
    return RELATIONS[m.group("kind").lower()] if m else None


def normalise_acct(value: str) -> str | None:
    """`user@domain` or `@user@domain` → `@user@domain`; None for anything else."""
    m = _ACCT.match(value.strip())
    return f"@{m.group('user')}@{m.group('domain')}" if m else None


def looks_like_export(head: bytes) -> bool:
    """True when the first line is the Follows header or an account address (detection sniff)."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().decode("utf-8", "replace")
    cell = first.split(",", 1)[0].strip().strip('"')
    return cell.casefold() == "account address" or normalise_acct(cell) is not None


def read_accounts(source: Source, name: str, relation: Relation,
                  invalid: list[int]) -> Iterator[ConnectionRecord]:
    """One ConnectionRecord per account address; lines that are no address go to `invalid`."""
    with source.open_member(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text)
        try:
            for cells in reader:
                if not cells or not cells[0].strip():
                    continue
                first = cells[0].strip()
                if reader.line_num == 1 and first.casefold() == "account address":
                    continue
                handle = normalise_acct(first)
                if handle is None:
                    invalid.append(reader.line_num)
                    continue
                yield ConnectionRecord(PLATFORM, relation, Person(handle=handle))
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})",
                                   path=source.label) from None
        except csv.Error as exc:
            raise MalformedArchive(f"{name}: broken CSV near line {reader.line_num} ({exc})",
                                   path=source.label) from None
