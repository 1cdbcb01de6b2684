"""LinkedIn "Get a copy of your data": the Basic zip, the Complete zip, or a loose CSV from either.

LinkedIn delivers two zips (`../shared/reference/export-formats.md` §4): a **Basic** one within
minutes (`Basic_LinkedInDataExport_MM-DD-YYYY.zip`, the files the member picked) and a
**Complete** one about a day later. The Basic zip is partial (DESIGN.md, "A newer export"): it
deletes nothing on ingest. Files are matched by name anywhere in the tree (a top folder is
common), `Shares*.csv` included (the Complete export may suffix a member id:
`Shares_155814142.csv`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from auditor.records import CoverageRecord, ExportRecord, Record
from auditor.sources import Source
from connectors.base import Connector
from connectors.linkedin.activity import read_comments, read_shares
from connectors.linkedin.csvfile import Tally
from connectors.linkedin.messages import read_messages
from connectors.linkedin.network import read_company_follows, read_connections
from connectors.linkedin.profile import Owner, account_record, find_owner, read_profile

#: File roles by lower-cased base name.
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((role, re.compile(rx)) for role, rx in (
    ("connections", r"^connections\.csv$"),
    ("shares", r"^shares(?:_\d+)?\.csv$"),
    ("comments", r"^comments\.csv$"),
    ("profile", r"^profile\.csv$"),
    ("messages", r"^messages\.csv$"),
    ("invitations", r"^invitations\.csv$"),
    ("company_follows", r"^company follows\.csv$"),
    ("reactions", r"^reactions\.csv$"),
))
#: Files only LinkedIn writes, enough on their own to claim a source.
_SIGNATURES = frozenset({"connections", "shares", "invitations", "company_follows"})
#: LinkedIn profile files that, next to `Profile.csv`, make a LinkedIn export.
_PROFILE_COMPANIONS = frozenset({"positions.csv", "skills.csv", "education.csv", "registration.csv",
                                 "email addresses.csv", "phonenumbers.csv"})
#: Files that only the Complete export holds (the member's activity).
_ACTIVITY = frozenset({"shares", "comments", "reactions"})
_BASIC = re.compile(r"basic_linkedindataexport", re.I)
_COMPLETE = re.compile(r"complete_linkedindataexport", re.I)
_SNIFF_BYTES = 8192


def role_of(name: str) -> str | None:
    """The role of a member ("connections", "shares", ...) from its base name, or None."""
    base = PurePosixPath(name).name.lower()
    return next((role for role, rx in _ROLES if rx.match(base)), None)


class LinkedInConnector(Connector):
    """Reads LinkedIn's CSV export: profile, connections, posts, comments, follows, messages."""

    name: ClassVar[str] = "linkedin"
    title: ClassVar[str] = "LinkedIn"

    def detect(self, source: Source) -> bool:
        names = source.names()
        if any(_BASIC.search(n) or _COMPLETE.search(n) for n in names + [source.label]):
            return True
        roles = {n: role_of(n) for n in names}
        for member, role in roles.items():
            if role == "connections":
                # "Connections.csv" is a generic name: confirm LinkedIn's header in its first bytes.
                with source.open_member(member) as fh:
                    if b"Connected On" in fh.read(_SNIFF_BYTES):
                        return True
            elif role in _SIGNATURES:
                return True
        bases = {PurePosixPath(n).name.lower() for n in names}
        return "profile.csv" in bases and bool(bases & _PROFILE_COMPANIONS)

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        names = source.names()
        roles = {n: role_of(n) for n in names}
        first: dict[str, str] = {}  # role → the first member with it
        for member, role in roles.items():
            if role:
                first.setdefault(role, member)

        profile = read_profile(source, first["profile"]) if "profile" in first else {}
        owner = find_owner(source, profile, first.get("invitations"), first.get("messages"))
        yield account_record(profile, owner)
        yield self._export_record(source, set(first), include_messages)

        for name in names:
            role = roles[name]
            if role is not None and first[role] != name:
                yield CoverageRecord(name, "skipped", f"a second {PurePosixPath(name).name} in one "
                                     "source; ingest each export separately")
                continue
            yield from self._read_member(source, name, role, owner, profile, include_messages)

    # -- per file ----------------------------------------------------------------------------------
    def _read_member(self, source: Source, name: str, role: str | None, owner: Owner,
                     profile: dict[str, str], include_messages: bool) -> Iterator[Record]:
        tally = Tally()
        count = 0
        extra: list[CoverageRecord] = []
        if role == "profile":
            yield CoverageRecord(name, "read", count=1 if profile else 0)
            return
        if role == "connections":
            hidden: list[int] = []
            for record in read_connections(source, name, tally, hidden):
                count += 1
                yield record
            if hidden:
                extra.append(CoverageRecord(
                    name, "warning", f"{len(hidden)} connection(s) with neither a name nor a "
                    "profile URL (LinkedIn hides members who opted out) not read",
                    count=len(hidden)))
        elif role == "shares":
            for record in read_shares(source, name, tally):
                count += 1
                yield record
        elif role == "comments":
            for record in read_comments(source, name, tally):
                count += 1
                yield record
        elif role == "company_follows":
            for record in read_company_follows(source, name, tally):
                count += 1
                yield record
        elif role == "messages":
            for msg in read_messages(source, name, tally, owner, include_text=include_messages):
                count += 1
                yield msg
        elif role == "invitations":
            yield CoverageRecord(name, "skipped", "pending invitations have no record type yet; "
                                 "read only to find the owner's profile URL")
            return
        elif role == "reactions":
            yield CoverageRecord(name, "skipped", "reactions name the post, not its author: "
                                 "there is no person to record")
            return
        elif name.lower().endswith(".csv"):
            yield CoverageRecord(name, "skipped", "LinkedIn file not used by the audit")
            return
        else:
            yield CoverageRecord(name, "unrecognized", "not a LinkedIn CSV file")
            return
        if not tally.found_header:
            yield CoverageRecord(name, "skipped", "no header row found (an unknown layout)")
            return
        yield CoverageRecord(name, "read", count=count)
        yield from tally.warnings(name)
        yield from extra

    @staticmethod
    def _export_record(source: Source, roles: set[str], include_messages: bool) -> ExportRecord:
        """Basic is partial; so is a source without the Complete marker and without activity files
        (a loose CSV, an extracted folder renamed), because it cannot prove it holds everything."""
        labels = source.names() + [source.label]
        complete = any(_COMPLETE.search(n) for n in labels)
        basic = any(_BASIC.search(n) for n in labels)
        partial = basic or (not complete and not roles & _ACTIVITY)
        datasets: set[str] = set()
        if "connections" in roles:
            datasets.add("connection")
        if "shares" in roles:
            datasets |= {"post", "share"}
        if "comments" in roles:
            datasets.add("comment")
        if "company_follows" in roles:
            datasets.add("following")
        if "messages" in roles and include_messages:
            datasets.add("message")
        return ExportRecord(partial=partial, datasets=frozenset(datasets))
