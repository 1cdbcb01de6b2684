"""The files of Reddit's GDPR export ("Request your data"), and what the connector does with each.

The export is one flat folder of about 38 CSVs (export-formats.md §7; Leftium/epicenter's Reddit
importer accounts for every one). Files are classified by name, then checked by header shape:
Google Takeout, for one, also ships a `comments.csv` (YouTube) with other columns. Large files are
split as `post_votes_1.csv`, `post_votes_2.csv`, ...; the suffix is dropped before lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"^(?P<stem>.+?)(?:_\d+)?\.csv$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a Reddit file family is: read with `required` columns, or skipped for `reason`."""

    family: str
    required: frozenset[str] = frozenset()
    reason: str = ""

    @property
    def read(self) -> bool:
        return not self.reason


def _read(family: str, *columns: str) -> FileKind:
    return FileKind(family, frozenset(columns))


def _skip(family: str, reason: str) -> FileKind:
    return FileKind(family, reason=reason)


_PRIVATE_ACTIVITY = "private activity that names no person (votes, saves, hides)"
_COMMUNITIES = "communities, not people: there is no record type for subreddits yet"
_HEADERS = "metadata only: the same rows as {} without the body"
_IDENTITY = "sensitive identity data the audit does not need"
_MONEY = "payments and awards, not content"

KINDS: dict[str, FileKind] = {k.family: k for k in (
    _read("posts", "id", "subreddit"),
    _read("comments", "id", "subreddit", "body"),
    _read("messages", "id", "from", "to"),
    _read("messages_archive", "id", "from", "to"),
    _read("chat_history", "message_id", "username"),
    _read("friends", "username"),
    _read("statistics", "statistic", "value"),
    _read("twitter", "username"),
    _skip("post_headers", _HEADERS.format("posts.csv")),
    _skip("comment_headers", _HEADERS.format("comments.csv")),
    _skip("message_headers", _HEADERS.format("messages.csv")),
    _skip("messages_archive_headers", _HEADERS.format("messages_archive.csv")),
    _skip("post_votes", _PRIVATE_ACTIVITY),
    _skip("comment_votes", _PRIVATE_ACTIVITY),
    _skip("poll_votes", _PRIVATE_ACTIVITY),
    _skip("saved_posts", _PRIVATE_ACTIVITY),
    _skip("saved_comments", _PRIVATE_ACTIVITY),
    _skip("hidden_posts", _PRIVATE_ACTIVITY),
    _skip("subscribed_subreddits", _COMMUNITIES),
    _skip("moderated_subreddits", _COMMUNITIES),
    _skip("approved_submitter_subreddits", _COMMUNITIES),
    _skip("multireddits", _COMMUNITIES),
    _skip("drafts", "drafts were never published"),
    _skip("scheduled_posts", "scheduled posts are not published yet"),
    _skip("user_preferences", "account settings: Reddit has no private-account flag"),
    _skip("account_gender", _IDENTITY),
    _skip("birthdate", _IDENTITY),
    _skip("linked_identities", _IDENTITY),
    _skip("linked_phone_number", _IDENTITY),
    _skip("persona", _IDENTITY),
    _skip("ip_logs", "login IP addresses: not part of the audit"),
    _skip("sensitive_ads_preferences", "advertising settings"),
    _skip("announcements", "announcements Reddit sent to the account"),
    _skip("purchases", _MONEY),
    _skip("subscriptions", _MONEY),
    _skip("payouts", _MONEY),
    _skip("stripe", _MONEY),
    _skip("gilded_content", _MONEY),
    _skip("gold_received", _MONEY),
    _skip("checkfile", "the export's own checksum list"),
)}

#: File names only a Reddit export has, for `detect` (posts.csv and comments.csv also need their
#: header checked: other exports use those names too).
DISTINCTIVE = frozenset({
    "post_votes", "comment_votes", "poll_votes", "saved_posts", "saved_comments", "hidden_posts",
    "subscribed_subreddits", "moderated_subreddits", "approved_submitter_subreddits",
    "multireddits", "post_headers", "comment_headers", "message_headers", "messages_archive",
    "messages_archive_headers", "gilded_content", "gold_received", "sensitive_ads_preferences",
})


def family_of(name: str) -> str | None:
    """The file family of a member (`post_votes_2.csv` → "post_votes"), or None if not a CSV."""
    base = name.rsplit("/", 1)[-1]
    m = _SPLIT.match(base)
    return m.group("stem") if m else None


def kind_of(name: str) -> FileKind | None:
    """How the connector treats a member, or None for a file Reddit's export does not have."""
    family = family_of(name)
    return KINDS.get(family) if family else None
