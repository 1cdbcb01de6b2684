"""Scanning a big footprint's texts in worker processes.

The rule engine is pure Python per text, so one process uses one CPU. For an audit of at least
`PARALLEL_MIN_TEXTS` texts on a database other processes can open (a SQLite file, PostgreSQL),
the texts are cut into spans (`AnalysisContext.spans`) and each worker reads its spans through
its own read-only connection and scans them. The audit's process meanwhile computes and writes
client overlap, then takes the workers' findings span by span in the order of a sequential
scan, so that the stored run is the same row for row.

Workers are forked where that is safe (Linux): they inherit the loaded packs and the compiled
RE2 set. Elsewhere they are spawned and load the packs themselves. `FOOTPRINT_WORKERS` sets
how many (1 turns this off); by default one per CPU the process may use, at most eight.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

    from auditor.analyzer.context import AnalysisContext, ScanRow, TextSpan
    from auditor.analyzer.engine import Engine
    from auditor.findings import Finding

#: Below this many texts a sequential scan is faster than starting workers.
PARALLEL_MIN_TEXTS = 20_000
#: Texts per span: a worker's unit of work.
SPAN = 2_000
#: Texts the RE2 sets read together (`Engine.scan_batch`).
BATCH = 256
MAX_WORKERS = 8
#: Fork where it is safe (the workers inherit the compiled engine), spawn elsewhere.
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


def workers_wanted() -> int:
    """`FOOTPRINT_WORKERS` when set (a whole number, at least 1), else the usable CPUs, at most
    MAX_WORKERS."""
    raw = os.environ.get("FOOTPRINT_WORKERS", "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            from auditor.errors import UsageError

            raise UsageError(f"FOOTPRINT_WORKERS must be a whole number, not {raw!r}") from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def text_findings(engine: Engine, ctx: AnalysisContext, rows: Iterable[ScanRow]) -> Iterator[Finding]:
    """The rule engine's findings on each row, in row order (the sequential scan, and a
    worker's scan of one span). Rows are scanned `BATCH` at a time (`Engine.scan_batch`)."""
    from auditor.findings import ItemRef

    account, identified, codes = ctx.account, ctx.identified, ctx.codes
    for batch in batched(rows, BATCH):
        scanned = engine.scan_batch([(text or "", kind, context) for _a, kind, _n, text, _u, _c, context, _v in batch])
        for (account_id, kind, native_id, text, url, created_at, context, visibility), hits in zip(
                batch, scanned, strict=True):
            acc = account(account_id)
            ref = ItemRef(type=kind, platform=acc.platform, native_id=native_id, url=url, created_at=created_at)
            yield from engine.findings(text or "", kind=kind, item=ref, account_id=account_id, role=acc.role,
                                       identified=identified(account_id), codes=codes, context=context,
                                       visibility=visibility, hits=hits)


def batched(rows: Iterable[ScanRow], n: int) -> Iterator[list[ScanRow]]:
    """Lists of `n` rows, the last one shorter (`itertools.batched`, Python 3.12)."""
    it = iter(rows)
    while batch := list(islice(it, n)):
        yield batch


# -- the workers -------------------------------------------------------------------------------

#: Set by the parent before forking, so that forked workers inherit the compiled engine.
_INHERITED: dict[str, Any] = {}
#: A worker's own state, made by `_start`.
_WORKER: dict[str, Any] = {}


def _start(url: str, subject_id: int, include_messages: bool, rule_files: Sequence[str],
           fast: bool | None) -> None:
    """Worker initializer: its own read-only database connection, context and engine."""
    from sqlalchemy.orm import Session

    from auditor.analyzer.context import AnalysisContext
    from auditor.db import open_reader

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the audit process's to handle
    engine = _INHERITED.get("engine")
    if engine is None:  # spawned: load the packs here
        from auditor.analyzer.detectors.base import discover_text
        from auditor.analyzer.engine import engine_for
        from auditor.analyzer.rules import active_rules, load_packs

        engine = engine_for(active_rules(load_packs([Path(p) for p in rule_files])), discover_text(), fast=fast)
    session = Session(open_reader(url))
    ctx = AnalysisContext(session, subject_id, include_messages=include_messages)
    _WORKER.update(engine=engine, session=session, ctx=ctx)


def _scan(span: TextSpan) -> tuple[int, list[Finding]]:
    """How many texts one span holds, and their findings."""
    w = _WORKER
    rows = list(w["ctx"].scan_rows(span))
    found = list(text_findings(w["engine"], w["ctx"], rows))
    w["session"].rollback()  # end the read transaction: SQLite's WAL can then checkpoint
    return len(rows), found


# -- the audit process's side ------------------------------------------------------------------


class ParallelScan:
    """Worker processes scanning `spans`; iterate it for (texts done, findings) per span, in
    span order. Use as a context manager: leaving it stops the workers."""

    def __init__(self, url: str, subject_id: int, *, include_messages: bool, rule_files: Sequence[Path],
                 engine: Engine, fast: bool | None, spans: Sequence[TextSpan], workers: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "fork":
            engine.uses_set  # noqa: B018 -- compile the RE2 set once, here, for every worker
            _INHERITED["engine"] = engine
            # What exists now is the forked workers' to share: frozen, the collector never
            # writes to it, so its pages stay shared instead of being copied into each worker.
            gc.freeze()
        try:
            self._pool: Pool = context.Pool(
                workers, initializer=_start,
                initargs=(url, subject_id, include_messages, [str(p) for p in rule_files], fast))
        finally:
            _INHERITED.clear()
            if START_METHOD == "fork":
                gc.unfreeze()
        self._results = self._pool.imap(_scan, spans, chunksize=1)

    def __iter__(self) -> Iterator[tuple[int, list[Finding]]]:
        return iter(self._results)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.terminate()
        self._pool.join()


def database_url(session: Any) -> str | None:
    """The URL worker processes can open `session`'s database with, or None when they cannot
    (an in-memory SQLite database lives in this process only)."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and bind.url.database in (None, "", ":memory:"):
        return None
    return str(bind.url.render_as_string(hide_password=False))
