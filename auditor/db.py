"""Opening the workspace database: URL resolution, SQLite pragmas, owner-only files, migrations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from auditor.errors import DatabaseMissing, InputError

DEFAULT_DB = "footprint.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (`Session.execute` is typed as returning rows)."""
    return int(getattr(result, "rowcount", 0) or 0)


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
