"""What connectors yield: frozen, typed records that `auditor.ingest` persists.

A connector reads one export. Its first record is the `AccountRecord` of the account that owns
it. Every later record belongs to the account of the most recent `AccountRecord`: a second
`AccountRecord` with the same platform and the same (or no) native id updates that account (a
privacy flag found in another file, say); one with another platform or another native id starts
a further owned account in the same export (Threads inside an Instagram export, a second
business location in a Google Takeout). `ExportRecord` and `CoverageRecord` apply to the current
account too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ContentKind = Literal["post", "reply", "comment", "caption", "share", "message", "bio"]
Relation = Literal["follower", "following", "friend", "connection", "subscriber", "blocked"]
InteractionKind = Literal[
    "like", "comment", "comment_received", "mention", "reply", "tag", "message", "review"
]
CoverageStatus = Literal["read", "skipped", "unrecognized", "warning"]

#: Content kinds that count as the account's own authored items (DESIGN: accounts[].content).
AUTHORED_KINDS: frozenset[str] = frozenset({"post", "reply", "comment", "caption"})


@dataclass(frozen=True, slots=True)
class Person:
    """Someone other than the owner, named the way the source names them."""

    native_id: str | None = None
    handle: str | None = None
    name: str | None = None
    url: str | None = None

    def key(self) -> str:
        """A stable key for this person within one platform: id, else handle, else name."""
        if self.native_id:
            return f"id:{self.native_id}"
        if self.handle:
            return f"handle:{self.handle.lstrip('@').casefold()}"
        if self.name:
            return f"name:{' '.join(self.name.split()).casefold()}"
        if self.url:
            return f"url:{self.url}"
        return "unknown"


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """The account that owns the export (or, later in the stream, an update to it)."""

    platform: str
    native_id: str | None
    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    website: str | None = None
    location: str | None = None
    links: tuple[str, ...] = ()
    private: bool | None = None
    #: What the platform itself says about the account: "business", "creator", "personal".
    account_type: str | None = None
    categories: tuple[str, ...] = ()
    created_at: datetime | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ContentRecord:
    """Something the owner wrote: a post, reply, comment, caption, share, message or bio."""

    platform: str
    kind: ContentKind
    native_id: str
    text: str
    created_at: datetime | None = None
    url: str | None = None
    in_reply_to_id: str | None = None
    in_reply_to: Person | None = None
    #: "public", "unlisted", "followers", "direct"; None when the export does not say.
    visibility: str | None = None
    mentions: tuple[Person, ...] = ()
    #: The archive file the record came from, for coverage and evidence.
    source_file: str | None = None
    #: Place or coordinates attached to the item, where the export keeps them.
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    #: The text this item answers, written by someone else, where the export keeps it: the review
    #: an owner's reply is to, the group a comment was posted in. Analysed as context only.
    context: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """A person in one of the owner's connection lists."""

    platform: str
    relation: Relation
    person: Person
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """An interaction between the owner and another person (direction "out" = by the owner)."""

    platform: str
    kind: InteractionKind
    person: Person
    direction: Literal["out", "in"] = "out"
    #: The item interacted with or through (a tweet id, a post URL).
    item_id: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MediaRecord:
    """A media file in the export, with what its metadata reveals."""

    platform: str
    path: str
    content_id: str | None = None
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class CoverageRecord:
    """A file the connector saw: read, skipped (and why), not recognised, or a warning."""

    file: str
    status: CoverageStatus
    reason: str = ""
    count: int | None = None


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """What the export as a whole claims: whether it is partial, and which data sets it holds whole.

    `datasets` names the record families the export contains completely: content kinds ("post",
    "reply", "comment", "message", ...), connection relations ("follower", ...) and interaction
    kinds prefixed "interaction:" ("interaction:like", "interaction:message"). A bare interaction
    kind that names no content kind ("like", "mention", "tag", "review") is accepted too.
    Ingesting a newer, non-partial export marks stored rows of those families that are missing
    from it as deleted; families not listed are left alone.
    """

    partial: bool = False
    generated_at: datetime | None = None
    datasets: frozenset[str] = field(default_factory=frozenset)


Record = (
    AccountRecord
    | ContentRecord
    | ConnectionRecord
    | InteractionRecord
    | MediaRecord
    | CoverageRecord
    | ExportRecord
)
RECORD_TYPES: tuple[type, ...] = (
    AccountRecord,
    ContentRecord,
    ConnectionRecord,
    InteractionRecord,
    MediaRecord,
    CoverageRecord,
    ExportRecord,
)
