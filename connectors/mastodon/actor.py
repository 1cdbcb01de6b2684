"""The owner of a Mastodon archive: `actor.json`, the ActivityPub `Person` (or `Service`, `Group`).

The account is keyed by the actor URI, as a `fetch` of the same profile is (DESIGN.md, Storage).
The handle is `@preferredUsername@<host of the actor URI>`: a server whose WebFinger domain differs
from its web domain (LOCAL_DOMAIN ≠ WEB_DOMAIN) is addressed by the other, which the archive does
not say.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from auditor.records import AccountRecord
from connectors.base import parse_time
from connectors.mastodon.html import html_to_text, links_in

PLATFORM = "mastodon"
_ACTOR_PATH = re.compile(r"^https?://[^/]+/users/(?P<user>[^/\s]+)/?$")


def _str(data: dict[str, Any], key: str) -> str | None:
    """A non-empty string value, else None."""
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def handle_of(actor_uri: str | None, username: str | None = None) -> str | None:
    """`@user@host` from an actor URI (and its `preferredUsername` when known)."""
    if not actor_uri:
        return None
    host = urlsplit(actor_uri).hostname
    if not username:
        m = _ACTOR_PATH.match(actor_uri)
        username = m.group("user") if m else None
    return f"@{username}@{host}" if username and host else None


def account_from_actor(actor: dict[str, Any]) -> AccountRecord:
    """`actor.json` → the owner's AccountRecord.

    `manuallyApprovesFollowers` (a locked account) is the privacy flag. Profile fields
    (`attachment[]` `PropertyValue`s) give the links.
    """
    uri = _str(actor, "id")
    links: list[str] = []
    for field in actor.get("attachment") or []:
        if isinstance(field, dict) and field.get("type") == "PropertyValue":
            links.extend(links_in(_str(field, "value")))
    locked = actor.get("manuallyApprovesFollowers")
    # TODO(shared records): keep `discoverable` and `indexable` once AccountRecord has a field
    # for them (see the report); they are the other privacy signals of actor.json.
    return AccountRecord(
        platform=PLATFORM,
        native_id=uri,
        handle=handle_of(uri, _str(actor, "preferredUsername")),
        display_name=_str(actor, "name"),
        bio=html_to_text(_str(actor, "summary")) or None,
        website=links[0] if links else None,
        links=tuple(links),
        private=locked if isinstance(locked, bool) else None,
        created_at=parse_time(actor.get("published")),
        url=_str(actor, "url"),
    )


def account_from_uri(actor_uri: str | None) -> AccountRecord:
    """The owner when the archive has no `actor.json`: the URI of the outbox's actor, if any."""
    return AccountRecord(platform=PLATFORM, native_id=actor_uri, handle=handle_of(actor_uri))
