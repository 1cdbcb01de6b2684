"""Read-only views over the database for the engine and the code detectors.

Detectors get an `AnalysisContext`, never the Session itself: the views are frozen dataclasses
and the queries only read. Rows whose item disappeared from a newer export (`deleted_at` set)
are invisible here. Queries select columns rather than ORM entities and stream with
`yield_per`, so a large footprint does not fill the Session's identity map.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from auditor.analyzer.links import find_links
from auditor.analyzer.profession import handle_words, profession_term
from auditor.codes import codes_for
from auditor.errors import UsageError
from auditor.models import Account, Connection, Content, Interaction, Media, Subject

#: Rows fetched per round trip while streaming.
BATCH = 500


@dataclass(frozen=True, slots=True)
class SubjectView:
    id: int
    name: str
    profession: str | None
    covered_entity: bool | None


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    platform: str
    handle: str | None
    display_name: str | None
    native_id: str | None
    role: str
    role_reason: str
    private: bool | None
    bio: str | None
    website: str | None
    location: str | None
    links: tuple[str, ...]
    account_type: str | None
    url: str | None
    #: The stored natural key (native id, or "subject" for exports without one).
    account_key: str = ""

    @property
    def item_id(self) -> str:
        """The id an account-level finding is traced by: native id, else handle, else key."""
        return self.native_id or self.handle or self.account_key or str(self.id)

    @property
    def profession_term(self) -> str | None:
        """What in the profile names the profession (bio, display name, handle), if anything."""
        return profession_term(self.bio, self.display_name, handle_words(self.handle))

    @property
    def identified(self) -> bool:
        """Whether the account can be attributed to the professional role by its profile."""
        return self.profession_term is not None


@dataclass(frozen=True, slots=True)
class TextItem:
    """One authored text with the account that wrote it."""

    account: AccountView
    kind: str
    native_id: str
    text: str
    url: str | None = None
    created_at: datetime | None = None
    in_reply_to_id: str | None = None
    in_reply_to: dict[str, Any] | None = None
    visibility: str | None = None
    mentions: list[Any] = field(default_factory=list)
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    #: The text this item answers, where the export keeps it (the review a reply is to).
    context: str | None = None


@dataclass(frozen=True, slots=True)
class TextSpan:
    """The texts of one account whose row ids fall in a range (`AnalysisContext.spans`)."""

    account_id: int
    first_id: int
    last_id: int


#: (account id, kind, native id, text, url, created_at, context, visibility)
ScanRow = tuple[int, str, str, str, str | None, datetime | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class MediaView:
    """A media file of one of the subject's accounts, with what its metadata reveals."""

    id: int
    account_id: int
    platform: str
    path: str
    content_id: str | None
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class ConnectionView:
    id: int
    account_id: int
    platform: str
    relation: str
    person_key: str
    native_id: str | None
    handle: str | None
    name: str | None
    url: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class InteractionView:
    id: int
    account_id: int
    platform: str
    kind: str
    direction: str
    person_key: str
    native_id: str | None
    handle: str | None
    name: str | None
    item_key: str
    created_at: datetime | None


class AnalysisContext:
    """What one subject's audit can read: the subject, its accounts, its texts and its graph."""

    def __init__(self, session: Session, subject_id: int, include_messages: bool = False) -> None:
        self._session = session
        self.include_messages = include_messages
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise UsageError(f"no subject with id {subject_id}")
        self.subject = SubjectView(subject.id, subject.name, subject.profession, subject.covered_entity)
        self.codes: list[str] = codes_for(subject.profession, subject.covered_entity)
        rows = session.execute(
            select(Account).where(Account.subject_id == subject_id).order_by(Account.id)
        ).scalars()
        self.accounts: tuple[AccountView, ...] = tuple(_account_view(a) for a in rows)
        self._by_id = {a.id: a for a in self.accounts}
        self._identified: dict[int, bool] = {}

    def account(self, account_id: int) -> AccountView:
        return self._by_id[account_id]

    def identified(self, account_id: int) -> bool:
        """Whether an account is attributable to the subject's professional role: its profile
        names the profession, or it links to one of the subject's professional accounts
        (worked out once per account: the scan asks for every text)."""
        known = self._identified.get(account_id)
        if known is None:
            account = self._by_id[account_id]
            professional = [a for a in self.accounts if a.role == "professional" and a.id != account_id]
            known = self._identified[account_id] = (
                account.identified or account.role == "professional"
                or next(find_links(account, professional), None) is not None)
        return known

    def _account_ids(self, account_id: int | None) -> list[int]:
        if account_id is None:
            return list(self._by_id)
        return [account_id] if account_id in self._by_id else []

    def _text_filter(self, stmt: Any, *, accounts: bool = True) -> Any:
        c = Content
        if accounts:
            stmt = stmt.where(c.account_id.in_(self._account_ids(None)))
        stmt = stmt.where(c.deleted_at.is_(None))
        if not self.include_messages:
            stmt = stmt.where(c.kind != "message", or_(c.visibility.is_(None), c.visibility != "direct"))
        return stmt

    def count_texts(self) -> int:
        """How many items `texts()` will yield (for progress, and to pick the engine's pass)."""
        if not self._account_ids(None):
            return 0
        return int(self._session.execute(self._text_filter(select(func.count(Content.id)))).scalar_one())

    def spans(self, size: int) -> Iterator[TextSpan]:
        """`scan_rows`' rows cut into consecutive spans of row ids, each at most `size` ids wide
        and of one account, in its order, so that workers can each read and scan a share.

        The ranges come from each account's first and last id (an index answers that), not
        from the rows: reading every row's id and filter columns for exact spans of `size`
        texts took the better part of a second for 200,000 posts, before any worker could
        start. A span may hold fewer texts than ids (a deleted row, another account's rows, a
        message left out), none at all."""
        ids = self._account_ids(None)
        if not ids:
            return
        c = Content
        stmt = (select(c.account_id, func.min(c.id), func.max(c.id))
                .where(c.account_id.in_(ids)).group_by(c.account_id).order_by(c.account_id))
        for account_id, low, high in self._session.execute(stmt).all():
            for first in range(low, high + 1, size):
                yield TextSpan(account_id, first, min(first + size - 1, high))

    def scan_rows(self, span: TextSpan | None = None) -> Iterator[ScanRow]:
        """What the rule engine reads of each text `texts()` yields, in the same order, as
        plain tuples (account id, kind, native id, text, url, created, context, visibility);
        with `span`, only that span's rows."""
        c = Content
        stmt = select(c.account_id, c.kind, c.native_id, c.text, c.url, c.created_at, c.context,
                      c.visibility).order_by(c.account_id, c.id)
        if span is None:
            stmt = self._text_filter(stmt)
        else:
            # By primary key: `account_id + 0` keeps SQLite from reading the span through the
            # account index (every row of the account, then a sort) instead of the id range.
            stmt = self._text_filter(stmt, accounts=False).where(
                c.id >= span.first_id, c.id <= span.last_id, c.account_id + 0 == span.account_id)
        yield from self._session.execute(stmt.execution_options(yield_per=BATCH))  # type: ignore[misc]

    def texts(self, *, located: bool = False) -> Iterator[TextItem]:
        """Every non-deleted content item of the subject's accounts, streamed (with `located`,
        only those that carry a place or coordinates).

        Messages (kind "message" or visibility "direct") only with `include_messages`.
        """
        ids = self._account_ids(None)
        if not ids:
            return
        c = Content
        stmt = (
            select(c.account_id, c.kind, c.native_id, c.text, c.url, c.created_at, c.in_reply_to_id,
                   c.in_reply_to, c.visibility, c.mentions, c.place, c.latitude, c.longitude, c.context)
            .order_by(c.account_id, c.id)
        )
        stmt = self._text_filter(stmt)
        if located:
            stmt = stmt.where(or_(c.place.is_not(None), c.latitude.is_not(None)))
        for row in self._session.execute(stmt.execution_options(yield_per=BATCH)):
            yield TextItem(
                account=self._by_id[row.account_id], kind=row.kind, native_id=row.native_id,
                text=row.text or "", url=row.url, created_at=row.created_at,
                in_reply_to_id=row.in_reply_to_id, in_reply_to=row.in_reply_to,
                visibility=row.visibility, mentions=list(row.mentions or []), place=row.place,
                latitude=row.latitude, longitude=row.longitude, context=row.context,
            )

    def media(self, account_id: int | None = None) -> Iterator[MediaView]:
        """Non-deleted media rows of one account, or of all the subject's accounts."""
        ids = self._account_ids(account_id)
        if not ids:
            return
        m = Media
        stmt = (
            select(m.id, m.account_id, m.platform, m.path, m.content_id, m.taken_at, m.latitude, m.longitude)
            .where(m.account_id.in_(ids), m.deleted_at.is_(None))
            .order_by(m.account_id, m.id)
        )
        for row in self._session.execute(stmt.execution_options(yield_per=BATCH)):
            yield MediaView(*row)

    def connections(self, account_id: int | None = None) -> Iterator[ConnectionView]:
        """Non-deleted connection rows of one account, or of all the subject's accounts."""
        for row in self.connection_rows(account_id):
            yield ConnectionView(*row)

    def connection_rows(self, account_id: int | None = None) -> Iterator[tuple[Any, ...]]:
        """`connections` as plain rows in ConnectionView's field order, for a reader of hundreds
        of thousands (client overlap) that would only take each view apart again."""
        ids = self._account_ids(account_id)
        if not ids:
            return
        k = Connection
        stmt = (
            select(k.id, k.account_id, k.platform, k.relation, k.person_key, k.native_id, k.handle,
                   k.name, k.url, k.created_at)
            .where(k.account_id.in_(ids), k.deleted_at.is_(None))
            .order_by(k.account_id, k.id)
        )
        for rows in self._session.execute(stmt.execution_options(yield_per=BATCH)).partitions():
            yield from rows

    def interactions(self, account_id: int | None = None) -> Iterator[InteractionView]:
        """Non-deleted interaction rows of one account, or of all the subject's accounts."""
        ids = self._account_ids(account_id)
        if not ids:
            return
        i = Interaction
        stmt = (
            select(i.id, i.account_id, i.platform, i.kind, i.direction, i.person_key, i.native_id,
                   i.handle, i.name, i.item_key, i.created_at)
            .where(i.account_id.in_(ids), i.deleted_at.is_(None))
            .order_by(i.account_id, i.id)
        )
        for row in self._session.execute(stmt.execution_options(yield_per=BATCH)):
            yield InteractionView(*row)

    def interaction_people(self) -> Iterator[InteractionView]:
        """The subject's interaction rows with repeats folded: one row per account, kind,
        direction and person as the rows name them (key, id, handle, name), dated by the earliest
        and numbered by the first (`item_key` is empty). Client overlap needs who and how, not
        how often, and a million posts mention far fewer people than they have mentions: this
        keeps its memory from growing with the number of posts."""
        for row in self.interaction_people_rows():
            yield InteractionView(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                                  "", row[9])

    def interaction_people_rows(self) -> Iterator[tuple[Any, ...]]:
        """`interaction_people` as plain rows: InteractionView's fields without `item_key`."""
        ids = self._account_ids(None)
        if not ids:
            return
        i = Interaction
        first = func.min(i.id)
        stmt = (
            select(first, i.account_id, i.platform, i.kind, i.direction, i.person_key, i.native_id,
                   i.handle, i.name, func.min(i.created_at))
            .where(i.account_id.in_(ids), i.deleted_at.is_(None))
            .group_by(i.account_id, i.platform, i.kind, i.direction, i.person_key, i.native_id, i.handle, i.name)
            .order_by(i.account_id, first)
        )
        for rows in self._session.execute(stmt.execution_options(yield_per=BATCH)).partitions():
            yield from rows


def _account_view(a: Account) -> AccountView:
    return AccountView(
        id=a.id, platform=a.platform, handle=a.handle, display_name=a.display_name,
        native_id=a.native_id, role=a.role or "unknown", role_reason=a.role_reason or "",
        private=a.private, bio=a.bio, website=a.website, location=a.location,
        links=tuple(str(x) for x in (a.links or [])), account_type=a.account_type, url=a.url,
        account_key=a.account_key,
    )
