"""The owner's LinkedIn network: `Connections.csv` and `Company Follows.csv`."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.records import ConnectionRecord, Person
from auditor.sources import Source
from connectors.linkedin.csvfile import Tally, iter_rows
from connectors.linkedin.dates import linkedin_time
from connectors.linkedin.profile import PLATFORM, full_name


def read_connections(source: Source, name: str, tally: Tally,
                     hidden: list[int]) -> Iterator[ConnectionRecord]:
    """Connections.csv → relation "connection", person = name (and profile URL when the export
    has the `URL` column, 2024+). The e-mail address stays out: it is not needed to name anyone.

    The header is found by its `First Name` cell, after the `Notes:` preamble. A row with neither
    a name nor a URL (LinkedIn hides members who opted out) is counted in `hidden`, not yielded.
    """
    for row in iter_rows(source, name, tally, header_has="First Name"):
        person_name = full_name(row.get("First Name"), row.get("Last Name"))
        url = row.get("URL") or None
        if person_name is None and url is None:
            hidden.append(row.line)
            continue
        yield ConnectionRecord(PLATFORM, "connection", Person(name=person_name, url=url),
                               created_at=linkedin_time(row.get("Connected On")))


def read_company_follows(source: Source, name: str, tally: Tally) -> Iterator[ConnectionRecord]:
    """Company Follows.csv → relation "following", person = the organisation's name."""
    for row in iter_rows(source, name, tally, header_has="Organization"):
        org = row.get("Organization")
        if org:
            yield ConnectionRecord(PLATFORM, "following", Person(name=org),
                                   created_at=linkedin_time(row.get("Followed On")))
