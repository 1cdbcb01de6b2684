"""Opening the workspace database: URL resolution, SQLite pragmas, owner-only files, migrations."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from auditor.errors import DatabaseMissing, InputError

DEFAULT_DB = "footprint.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (`Session.execute` is typed as returning rows)."""
    return int(getattr(result, "rowcount", 0) or 0)


class BulkInsert:
    """`INSERT` of many rows through the DB-API's `executemany`, on SQLite (`ignore_conflicts`:
    `ON CONFLICT DO NOTHING`). The ingest's rows, an audit's findings and overlap entries.

    Core would build a parameter dict per row and call every column's bind processor; here the
    statement is compiled once, rows become tuples in C (`itemgetter`, `zip`), and only the
    columns that have a bind processor (dates, JSON) are converted, with the very processors
    Core uses (or `quicker_processor`'s equivalents), so the stored values are the same. Every
    row must have the keys of `columns`. Other back ends: `insert_many`.
    """

    def __init__(self, conn: Any, table: Any, columns: list[str], *, ignore_conflicts: bool = False) -> None:
        from operator import itemgetter

        from sqlalchemy import bindparam
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        dialect = conn.dialect
        stmt = sqlite_insert(table).values({c: bindparam(c) for c in columns})
        if ignore_conflicts:
            stmt = stmt.on_conflict_do_nothing()
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        names = list(compiled.positiontup or ())
        self.getter: Any = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        self.processors = [(i, quicker_processor(table.c[name].type, proc)) for i, name in enumerate(names)
                           if (proc := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))]

    def run(self, conn: Any, rows: Iterable[dict[str, Any]]) -> int:
        """Insert the rows (dicts with the columns given); returns how many were new."""
        columns = list(zip(*map(self.getter, rows)))
        if not columns:
            return 0
        for i, proc in self.processors:
            column = columns[i]
            if column.count(None) != len(column):  # deleted_at, and dates a file does not have
                columns[i] = tuple(map(proc, column))
        return int(conn.exec_driver_sql(self.sql, list(zip(*columns))).rowcount)


def insert_many(conn: Any, table: Any, rows: list[dict[str, Any]],
                cache: dict[Any, BulkInsert] | None = None) -> None:
    """Insert `rows` (dicts with the same keys) into `table`: a `BulkInsert` on SQLite (kept in
    `cache` for a caller that inserts batch after batch), Core's `executemany` elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        from sqlalchemy import insert

        conn.execute(insert(table), rows)
        return
    key = (table, tuple(rows[0]))
    bulk = None if cache is None else cache.get(key)
    if bulk is None:
        bulk = BulkInsert(conn, table, list(rows[0]))
        if cache is not None:
            cache[key] = bulk
    bulk.run(conn, rows)


def quicker_processor(type_: Any, proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bind processor that stores what `proc` stores, quicker for the values most rows carry.

    A date (`UTCDateTime`) is written by SQLAlchemy's SQLite DATETIME processor from a dict of
    its fields; `isoformat` gives the same text in C. JSON columns (mentions, the post replied
    to) mostly hold nothing (None or []), whose text is worked out once. Each quicker form is
    checked against `proc` on a sample as it is made, and `proc` is kept if they differ (another
    storage format)."""
    from datetime import UTC, datetime

    from sqlalchemy import JSON

    from auditor.models import UTCDateTime

    if isinstance(type_, UTCDateTime):
        def utc_text(value: datetime | None) -> str | None:
            if value is None:
                return None
            zone = value.tzinfo
            if zone is None:  # naive: UTC already (UTCDateTime)
                return value.isoformat(" ", "microseconds")
            if zone is not UTC:
                value = value.astimezone(UTC)
            return value.isoformat(" ", "microseconds")[:-6]  # without "+00:00"

        samples = (None, datetime(2026, 3, 1, 6, 48, 26, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, 59, 5))
        return utc_text if all(utc_text(v) == proc(v) for v in samples) else proc
    if isinstance(type_, JSON):
        null, empty = proc(None), proc([])

        def json_text(value: Any) -> Any:
            if value is None:
                return null
            if value == [] and type(value) is list:
                return empty
            return proc(value)

        return json_text
    return proc


def resolve_db(db: str | None) -> str:
    """`--db`, else `FOOTPRINT_DB`, else `./footprint.db`, as an SQLAlchemy URL."""
    value = db or os.environ.get("FOOTPRINT_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other back ends and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    tail = url.split(":///", 1)[1] if ":///" in url else ""
    if not tail or tail == ":memory:":
        return None
    return Path(tail.split("?", 1)[0])


def _create_owner_only(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never chmod somebody else's file; SQLite gives its -wal and -shm files this mode too.
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another footprint process created it a moment ago
        return
    os.close(fd)
    os.chmod(path, 0o600)


def open_engine(db: str | None, *, create: bool) -> Engine:
    """An engine on the workspace database, migrated to the current schema.

    Commands that only read pass `create=False`: a missing SQLite file is then an input error
    (exit 3) rather than a new empty database.
    """
    url = resolve_db(db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise DatabaseMissing("no footprint database here; run `footprint ingest` or `footprint scan` first, "
                                  "or pass --db", path=str(path))
        _create_owner_only(path)
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:  # a bad URL or a missing driver
        raise InputError(f"cannot open database {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def open_reader(url: str) -> Engine:
    """An engine that only reads an existing database (the audit's worker processes): no
    migration, which would wait for the audit's own open transaction, and on SQLite
    `query_only`, so that nothing it runs can write."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_reader_pragmas)
    return engine


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # in-memory databases keep their journal mode
        pass
    cur.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a new database gets every revision)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # Two processes opening a new database at once must not both migrate it: take the
            # write lock first, then read the revision (the other process waits, then sees head).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7350001)")
        cfg.attributes["connection"] = conn
        current = _current_revision(conn)
        head = _head_revision(cfg)
        if current != head:
            command.upgrade(cfg, "head")


def _current_revision(conn: Any) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def _head_revision(cfg: Any) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(cfg).get_current_head()
