"""The only writer of source data: records from a connector into the database.

The caller owns the session and the transaction (`auditor.api` wraps one archive in one
transaction, so a failure half-way leaves the database as it was). Rows are upserted by natural
keys, in batches, so memory does not grow with the archive:

- content by (account, native id), connections by (account, relation, person key),
  interactions by (account, kind, direction, person key, item), media by (account, path);
- every row seen is stamped with the import's id; after a complete (non-partial) export, rows of
  the data sets it holds whole that were not stamped are marked deleted ("A newer export");
- a source whose digest is that of the account's newest import is skipped as a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from auditor.clock import utcnow
from auditor.db import BulkInsert, rowcount
from auditor.errors import MalformedArchive
from auditor.models import Account, Connection, Content, Import, Interaction, Media, Subject
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    MediaRecord,
    Person,
    Record,
)
from auditor.roles import infer_role
from auditor.sources import Source

BATCH = 2000
SubjectResolver = Callable[[AccountRecord], Subject]


@dataclass
class AccountResult:
    """What one ingest did to one account."""

    account_id: int
    platform: str
    handle: str | None
    role: str
    role_reason: str
    role_source: str
    created: bool
    skipped: bool = False
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    partial: bool = False

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [c for c in self.coverage if c["status"] == "warning"]


@dataclass
class IngestResult:
    source: str
    connector: str
    subject: str
    accounts: list[AccountResult]


def _person_json(p: Person | None) -> dict[str, Any] | None:
    if p is None:
        return None
    # Not dataclasses.asdict: it deep-copies, and this runs for every mention of every post.
    out = {}
    if p.native_id is not None:
        out["native_id"] = p.native_id
    if p.handle is not None:
        out["handle"] = p.handle
    if p.name is not None:
        out["name"] = p.name
    if p.url is not None:
        out["url"] = p.url
    return out


def _item_key(r: InteractionRecord) -> str:
    if r.item_id:
        return r.item_id
    return r.created_at.isoformat() if r.created_at else ""


#: Rows per SELECT of stored rows (bound parameters per statement stay well under SQLite's cap).
_LOOKUP = 500


class _Table:
    """Batched upsert of one kind of source row, keyed by a natural key within one account.

    Rows go through SQLAlchemy Core (`executemany`), never ORM objects: the Session's identity
    map and unit of work cost more than the rows themselves. `key_cols` are in the order of the
    table's unique index after `account_id`; stored rows are looked up with every key column but
    the last fixed and the last one in an `IN` list, so each lookup is an index search.

    When the account had no row in this table before this ingest (a first ingest, the common
    case), a batch is inserted straight away with `ON CONFLICT DO NOTHING` (SQLite), without
    looking anything up; only a batch that hits a conflict (a duplicate of an earlier batch, as
    overlapping X parts give) is reconciled row by row, as a batch of a re-ingest always is.
    """

    def __init__(self, session: Session, model: Any, key_cols: tuple[str, ...], family_col: str | None,
                 import_id: int, account_id: int, result: AccountResult, label: str) -> None:
        self.s, self.model, self.key_cols, self.family_col = session, model, key_cols, family_col
        self.import_id, self.account_id, self.result, self.label = import_id, account_id, result, label
        self.table = model.__table__
        self.pending: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.seen_families: set[str] = set()
        conn = session.connection()
        self.dialect = conn.dialect.name
        t = self.table
        self.fresh = self.dialect == "sqlite" and conn.execute(
            select(t.c.id).where(t.c.account_id == account_id).limit(1)).first() is None
        self._insert: BulkInsert | None = None

    def add(self, row: dict[str, Any]) -> None:
        key = tuple([row[c] for c in self.key_cols])
        self.pending[key] = row  # a later duplicate in the same export wins (X parts overlap)
        if self.family_col:
            self.seen_families.add(row[self.family_col])
        if len(self.pending) >= BATCH:
            self.flush()

    def _family(self, row: dict[str, Any]) -> str:
        return row[self.family_col] if self.family_col else self.label

    def _count(self, counts: dict[str, int], row: dict[str, Any]) -> None:
        fam = self._family(row)
        counts[fam] = counts.get(fam, 0) + 1

    def flush(self) -> None:
        if not self.pending:
            return
        rows = self.pending
        self.pending = {}
        stamp = {"account_id": self.account_id, "first_import_id": self.import_id,
                 "last_import_id": self.import_id, "deleted_at": None}
        for row in rows.values():
            row.update(stamp)
        conn = self.s.connection()
        if self.fresh:
            t = self.table
            before = conn.execute(select(func.max(t.c.id))).scalar() or 0
            if self._insert is None:
                self._insert = BulkInsert(conn, t, list(next(iter(rows.values()))), ignore_conflicts=True)
            if self._insert.run(conn, rows.values()) == len(rows):
                added = self.result.added
                if self.family_col:
                    col = self.family_col
                    for row in rows.values():
                        added[row[col]] = added.get(row[col], 0) + 1
                else:
                    added[self.label] = added.get(self.label, 0) + len(rows)
                return
            # Some keys were written by an earlier batch of this ingest: the rows with ids past
            # `before` are this batch's, the others are reconciled like stored rows.
            self._reconcile(conn, rows, new_after=before)
            return
        self._reconcile(conn, rows, new_after=None)

    def _existing(self, conn: Any, keys: Any) -> dict[tuple[Any, ...], Any]:
        """Stored rows of this account with these keys: key → row (id, deleted_at, values)."""
        t = self.table
        *fixed, last = self.key_cols
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for key in keys:
            groups.setdefault(key[:-1], []).append(key[-1])
        found: dict[tuple[Any, ...], Any] = {}
        for prefix, values in groups.items():
            where = [t.c.account_id == self.account_id]
            where += [t.c[c] == v for c, v in zip(fixed, prefix)]
            for i in range(0, len(values), _LOOKUP):
                q = select(t).where(*where, t.c[last].in_(values[i:i + _LOOKUP]))
                for stored in conn.execute(q).mappings():
                    found[tuple([stored[c] for c in self.key_cols])] = stored
        return found

    def _reconcile(self, conn: Any, rows: dict[tuple[Any, ...], dict[str, Any]],
                   new_after: int | None) -> None:
        """Insert the rows not stored yet, update those that changed, stamp the others as seen.

        With `new_after`, the batch was just inserted (ignoring conflicts): a stored row with a
        larger id is one of its own, counted as added.
        """
        t = self.table
        existing = self._existing(conn, rows.keys())
        new_rows, changed, seen = [], [], []
        for key, row in rows.items():
            stored = existing.get(key)
            if stored is None:
                new_rows.append(row)
                self._count(self.result.added, row)
                continue
            if new_after is not None and stored["id"] > new_after:
                self._count(self.result.added, row)
                continue
            if stored["deleted_at"] is not None or any(
                    stored[k] != v for k, v in row.items() if k not in _NOT_COMPARED):
                update_row = {k: v for k, v in row.items() if k not in _KEPT_ON_UPDATE}
                update_row["_id"] = stored["id"]
                changed.append(update_row)
                self._count(self.result.updated, row)
            elif stored["last_import_id"] != self.import_id:
                seen.append(stored["id"])
        if new_rows:
            conn.execute(insert(t), new_rows)
        if changed:  # the parameters' other keys are the SET clause
            conn.execute(update(t).where(t.c.id == bindparam("_id")), changed)
        for i in range(0, len(seen), _LOOKUP):
            conn.execute(update(t).where(t.c.id.in_(seen[i:i + _LOOKUP]))
                         .values(last_import_id=self.import_id))

    def mark_deleted(self, families: Iterable[str]) -> None:
        """Rows of whole data sets in this export that the export no longer holds are deleted."""
        m = self.model
        fams = list(families)
        if not fams or self.fresh:  # nothing was stored before this ingest: nothing went missing
            return
        cond = [m.account_id == self.account_id, m.deleted_at.is_(None),
                or_(m.last_import_id.is_(None), m.last_import_id != self.import_id)]
        if self.family_col:
            cond.append(getattr(m, self.family_col).in_(fams))
        now = utcnow()
        for fam in fams:
            fam_cond = list(cond)
            if self.family_col:
                fam_cond[-1] = getattr(m, self.family_col) == fam
            gone = rowcount(self.s.execute(update(m).where(and_(*fam_cond)).values(deleted_at=now)))
            if gone:
                self.result.deleted[fam] = self.result.deleted.get(fam, 0) + gone


class _AccountWriter:
    """Everything written for one owned account during one ingest."""

    def __init__(self, session: Session, account: Account, imp: Import, result: AccountResult) -> None:
        self.account, self.imp, self.result = account, imp, result
        args = (imp.id, account.id, result)
        self.content = _Table(session, Content, ("native_id",), "kind", *args, "content")
        self.connections = _Table(session, Connection, ("relation", "person_key"), "relation", *args,
                                  "connection")
        # Looked up by (kind, direction) and person; item_key is matched among a person's rows.
        self.interactions = _Table(session, Interaction, ("kind", "direction", "person_key", "item_key"),
                                   "kind", *args, "interaction")
        self.media = _Table(session, Media, ("path",), None, *args, "media")
        self.export = ExportRecord()

    def tables(self) -> tuple[_Table, ...]:
        return (self.content, self.connections, self.interactions, self.media)

    def finish(self) -> None:
        for t in self.tables():
            t.flush()
        if not self.export.partial:
            ds = self.export.datasets
            self.content.mark_deleted(f for f in ds if f in _CONTENT_KINDS)
            self.connections.mark_deleted(f for f in ds if f in _RELATIONS)
            self.interactions.mark_deleted(_interaction_families(ds))
            if "media" in ds:
                self.media.mark_deleted(["media"])
        self.imp.partial = self.export.partial
        self.imp.generated_at = self.export.generated_at
        self.imp.coverage = self.result.coverage
        self.imp.counts = {"added": self.result.added, "updated": self.result.updated,
                           "deleted": self.result.deleted}
        self.imp.finished_at = utcnow()
        self.result.partial = self.export.partial


#: Columns whose change alone is not an update: the same item in a re-export under another top
#: folder (`source_file`), and the bookkeeping columns this ingest sets itself.
_NOT_COMPARED = frozenset({"source_file", "account_id", "first_import_id", "last_import_id", "deleted_at"})
#: Columns an update leaves as they are.
_KEPT_ON_UPDATE = frozenset({"account_id", "first_import_id"})
_CONTENT_KINDS = {"post", "reply", "comment", "caption", "share", "message", "bio"}
_RELATIONS = {"follower", "following", "friend", "connection", "subscriber", "blocked"}
_INTERACTIONS = {"like", "comment", "comment_received", "mention", "reply", "tag", "message", "review"}


def _interaction_families(datasets: Iterable[str]) -> list[str]:
    """Interaction kinds an export holds whole: "interaction:X", or a bare X that is no content kind."""
    out = []
    for name in datasets:
        kind = name.removeprefix("interaction:")
        if kind in _INTERACTIONS and (name != kind or kind not in _CONTENT_KINDS):
            out.append(kind)
    return out


def ingest_records(session: Session, records: Iterator[Record | Prepared], *, source: Source, connector: str,
                   resolve_subject: SubjectResolver, role: str | None = None,
                   progress: Callable[[int], None] | None = None) -> IngestResult:
    """Persist a connector's record stream. Raises whatever the stream raises (the caller rolls back)."""
    digest = source.digest()
    current: Account | None = None  # the owned account records now belong to
    writer: _AccountWriter | None = None  # None while an already-ingested account is skipped
    subject: Subject | None = None
    results: list[AccountResult] = []
    for n, rec in enumerate(records, 1):
        if progress and n % 1000 == 0:
            progress(n)
        if isinstance(rec, AccountRecord):
            if (current is not None and current.platform == rec.platform
                    and rec.native_id in (None, current.native_id)):
                if writer is not None:
                    _apply_account(current, rec, role)
                continue
            if writer is not None:
                writer.finish()
            if subject is None:
                subject = resolve_subject(rec)
            current, created = _find_account(session, subject, rec)
            if not created and _already_ingested(session, current.id, digest, connector):
                results.append(AccountResult(current.id, current.platform, current.handle, current.role,
                                             current.role_reason, current.role_source, False, skipped=True))
                writer = None
                continue
            _apply_account(current, rec, role)
            session.flush()
            result = AccountResult(current.id, current.platform, current.handle, current.role,
                                   current.role_reason, current.role_source, created)
            results.append(result)
            imp = Import(subject_id=subject.id, account_id=current.id, connector=connector,
                         source_name=source.label, source_digest=digest)
            session.add(imp)
            session.flush()
            writer = _AccountWriter(session, current, imp, result)
            continue
        if current is None:
            raise ValueError(f"connector {connector!r} yielded {type(rec).__name__} before an AccountRecord")
        if writer is not None:
            _write(writer, rec)
    if writer is not None:
        writer.finish()
    if subject is None:
        raise MalformedArchive("the archive holds no account data this connector can read", path=source.label)
    for r in results:
        acc = session.get(Account, r.account_id)
        assert acc is not None
        r.handle, r.role, r.role_reason, r.role_source = acc.handle, acc.role, acc.role_reason, acc.role_source
    return IngestResult(source=source.label, connector=connector, subject=subject.name, accounts=results)


#: A record already turned into the row its table stores (`prepare`): the writer's attribute
#: naming the table ("content", "connections", "interactions", "media") and the row.
Prepared = tuple[str, dict[str, Any]]


def prepare(rec: Record) -> Record | Prepared:
    """`rec` as its table's row, or `rec` itself when it is not one (accounts, coverage, the
    export). `ingest_records` takes either: readahead.py prepares rows in the process that
    reads, since a row crosses the pipe faster than a record and the work is done there."""
    if isinstance(rec, ContentRecord):
        return ("content", {
            "platform": rec.platform, "native_id": rec.native_id, "kind": rec.kind, "text": rec.text,
            "created_at": rec.created_at, "url": rec.url, "in_reply_to_id": rec.in_reply_to_id,
            "in_reply_to": _person_json(rec.in_reply_to), "visibility": rec.visibility,
            "mentions": [_person_json(p) for p in rec.mentions], "place": rec.place,
            "latitude": rec.latitude, "longitude": rec.longitude, "source_file": rec.source_file,
            "context": rec.context,
        })
    if isinstance(rec, ConnectionRecord):
        p = rec.person
        return ("connections", {
            "platform": rec.platform, "relation": rec.relation, "person_key": p.key(),
            "native_id": p.native_id, "handle": p.handle, "name": p.name, "url": p.url,
            "created_at": rec.created_at,
        })
    if isinstance(rec, InteractionRecord):
        p = rec.person
        return ("interactions", {
            "platform": rec.platform, "kind": rec.kind, "direction": rec.direction,
            "person_key": p.key(), "native_id": p.native_id, "handle": p.handle, "name": p.name,
            "item_key": _item_key(rec), "created_at": rec.created_at,
        })
    if isinstance(rec, MediaRecord):
        return ("media", {
            "platform": rec.platform, "path": rec.path, "content_id": rec.content_id,
            "taken_at": rec.taken_at, "latitude": rec.latitude, "longitude": rec.longitude,
        })
    return rec


_TABLES = frozenset({"content", "connections", "interactions", "media"})


def _write(w: _AccountWriter, rec: Record | Prepared) -> None:
    item = rec if isinstance(rec, tuple) else prepare(rec)
    if isinstance(item, tuple):
        table, row = item
        if table not in _TABLES:
            raise TypeError(f"not a table: {table!r}")
        getattr(w, table).add(row)
    elif isinstance(item, CoverageRecord):
        w.result.coverage.append({"file": item.file, "status": item.status, "reason": item.reason,
                                  "count": item.count})
    elif isinstance(item, ExportRecord):
        w.export = item
    else:
        raise TypeError(f"not a record: {type(item).__name__}")


def _already_ingested(session: Session, account_id: int, digest: str, connector: str) -> bool:
    """True when the account's newest import came from this very source (a re-ingest: no-op).

    Only the newest counts: ingesting an older archive again after a newer one is an ingest like
    any other ("newer" means ingested later, DESIGN: A newer export).
    """
    q = (select(Import.source_digest, Import.connector).where(Import.account_id == account_id,
                                                              Import.finished_at.is_not(None))
         .order_by(Import.id.desc()).limit(1))
    row = session.execute(q).first()
    return row is not None and row[0] == digest and row[1] == connector


def _find_account(session: Session, subject: Subject, rec: AccountRecord) -> tuple[Account, bool]:
    """The stored account a record names (platform and native id, else one per subject), or a new one."""
    key = rec.native_id or "subject"
    acc = session.scalars(select(Account).where(Account.subject_id == subject.id,
                                                Account.platform == rec.platform,
                                                Account.account_key == key)).first()
    if acc is not None:
        return acc, False
    acc = Account(subject_id=subject.id, platform=rec.platform, account_key=key, links=[], categories=[])
    session.add(acc)
    session.flush()
    return acc, True


def _apply_account(acc: Account, rec: AccountRecord, role: str | None) -> None:
    """Copy what the record knows onto the account; a value the record lacks keeps the stored one."""
    for attr in ("native_id", "handle", "display_name", "bio", "website", "location", "private",
                 "account_type", "created_at", "url"):
        value = getattr(rec, attr)
        if value is not None:
            setattr(acc, attr, value)
    if rec.links:
        acc.links = sorted(set(acc.links or []) | set(rec.links))
    if rec.categories:
        acc.categories = list(rec.categories)
    acc.last_seen = utcnow()
    if role:
        acc.role, acc.role_source = role, "user"
        acc.role_reason = "set with --role"
    elif acc.role_source != "user":
        guess = infer_role(handle=acc.handle, display_name=acc.display_name, bio=acc.bio,
                           account_type=acc.account_type, categories=tuple(acc.categories or ()))
        acc.role, acc.role_reason, acc.role_source = guess.role, guess.reason, "inferred"


def latest_imports(session: Session, subject_id: int) -> list[Import]:
    """Each account's newest finished import, for coverage in reports."""
    rows = session.scalars(select(Import).where(Import.subject_id == subject_id,
                                                Import.finished_at.is_not(None))
                           .order_by(Import.account_id, Import.id.desc())).all()
    seen: set[int] = set()
    out = []
    for r in rows:
        if r.account_id not in seen:
            seen.add(r.account_id)
            out.append(r)
    return out


