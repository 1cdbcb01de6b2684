"""LinkedIn `messages.csv`: participants and dates always, text only when asked for.

Columns: `CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS,
DATE, SUBJECT, CONTENT` (+ `FOLDER` in some exports). A message from the owner is "out" to each
recipient; any other is "in" from its sender. The owner is recognised by profile URL, else by name.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.records import ContentRecord, InteractionRecord, Person, Record
from auditor.sources import Source
from connectors.linkedin.activity import export_path, fallback_id
from connectors.linkedin.csvfile import Tally, iter_rows
from connectors.linkedin.dates import linkedin_time
from connectors.linkedin.profile import PLATFORM, Owner, full_name, profile_handle, split_recipients


def _is_owner(owner: Owner, sender: str | None, sender_url: str) -> bool:
    if owner.handle and profile_handle(sender_url):
        return profile_handle(sender_url) == owner.handle
    return sender is not None and sender == owner.name


def read_messages(source: Source, name: str, tally: Tally, owner: Owner, *,
                  include_text: bool) -> Iterator[Record]:
    """messages.csv → InteractionRecord(kind="message") per message and counterpart; with
    `include_text`, also the owner's own messages as ContentRecord(kind="message")."""
    for row in iter_rows(source, name, tally, header_has="CONVERSATION ID"):
        conversation = row.get("CONVERSATION ID")
        created = linkedin_time(row.get("DATE"))
        sender = full_name(row.get("FROM"), "")
        sender_url = row.get("SENDER PROFILE URL")
        if _is_owner(owner, sender, sender_url):
            people = [Person(name=n, url=u) for n, u in
                      split_recipients(row.get("TO"), row.get("RECIPIENT PROFILE URLS"))]
            for person in people:
                yield InteractionRecord(PLATFORM, "message", person, "out",
                                        item_id=conversation or None, created_at=created)
            text = row.get("CONTENT")
            if include_text and text:
                yield ContentRecord(
                    platform=PLATFORM,
                    kind="message",
                    native_id=f"{conversation}/{fallback_id(created, text)}",
                    text=text,
                    created_at=created,
                    visibility="direct",
                    mentions=tuple(people),
                    source_file=export_path(name),
                )
        elif sender or sender_url:
            yield InteractionRecord(PLATFORM, "message",
                                    Person(name=sender, url=sender_url or None), "in",
                                    item_id=conversation or None, created_at=created)
