"""Reading an archive in a second process while this one writes what it read.

An ingest is two halves of about equal cost: a connector parses the archive into records, and
`auditor.ingest` writes them. In one process they take turns on one CPU. `read_ahead` runs the
first half in a forked child that sends what it reads over a pipe in batches (the ingest sends
rows, `auditor.ingest.prepare`: they cross faster than record objects), so the parent writes
one batch while the child parses the next. The items, their order and the errors are the same
as reading in process: the child sends what the stream raises (a connector's errors are
already `FootprintError`s by then, `guard_records`), and the parent raises it at the same place
in the stream. The pipe holds a few batches (`PIPE_BYTES`), so memory stays flat: a child that
parses faster than the parent writes waits.

Only on Linux, where forking is safe and cheap (the child inherits the imported connector and
the open archive); elsewhere, with `FOOTPRINT_WORKERS=1`, or when the child cannot start, the
records are read in this process as before.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from auditor.sources import Source

T = TypeVar("T")

#: Items per message. Large enough that pickling and the pipe cost little per item, small
#: enough that the parent starts writing soon and the memory in flight stays small.
BATCH = 512
#: Bytes the pipe may hold (Linux's default is 64 KiB, a batch or less): room for the child to
#: run a few batches ahead while the parent writes a table's batch of rows at once.
PIPE_BYTES = 1 << 20
#: Below this many bytes an archive is read in process: it takes a fraction of a second anyway.
MIN_BYTES = 8 << 20
#: Reading ahead is worth a process only where forking is safe.
AVAILABLE = sys.platform == "linux"


def worth_it(source: Source) -> bool:
    """Whether to read `source` ahead: on Linux, when it holds at least `MIN_BYTES`, unless
    `FOOTPRINT_WORKERS` is 1."""
    if not AVAILABLE:
        return False
    from auditor.analyzer.parallel import workers_wanted

    if workers_wanted() < 2:
        return False
    total = 0
    for name in source.names():
        total += source.size(name)
        if total >= MIN_BYTES:
            return True
    return False


def read_ahead(produce: Callable[[], Iterable[T]], *, batch: int = BATCH) -> Iterator[T]:
    """The items of `produce()`, produced in a forked child process.

    What `produce()`'s iteration raises is raised here after the items before it; an exception
    that cannot be pickled arrives as a `RuntimeError` naming its type. Closing the iterator
    early (or an error in the caller) ends the child."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    try:
        receiver, sender = context.Pipe(duplex=False)
    except OSError:  # out of file descriptors: read here
        yield from produce()
        return
    _widen(sender.fileno())
    child = context.Process(target=_produce, args=(produce, sender, batch), daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had (a process limit, memory): read here, as before
        receiver.close()
        sender.close()
        yield from produce()
        return
    sender.close()  # the child's end: with it closed here, a dead child reads as EOF
    finished = False
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError(f"the archive reader stopped unexpectedly (exit code {_reap(child)})") from None
            if kind == "items":
                yield from payload
            elif kind == "error":
                finished = True
                raise payload
            else:  # "done"
                finished = True
                return
    finally:
        receiver.close()
        if not finished:
            child.kill()  # the caller stopped early: nothing else wants the rest
        child.join()


def _widen(fd: int) -> None:
    """Let the pipe hold `PIPE_BYTES` where the system allows it (`/proc/sys/fs/pipe-max-size`)."""
    import fcntl

    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is None:
        return
    try:
        fcntl.fcntl(fd, setpipe, PIPE_BYTES)
    except OSError:
        pass  # a smaller cap: the default size works, with less overlap


def _reap(child: Any) -> Any:
    child.join()
    return child.exitcode


def _produce(produce: Callable[[], Iterable[Any]], sender: Any, batch: int) -> None:
    """The child: send `produce()`'s items in lists of `batch`, then ("done", None) or the error."""
    items: list[Any] = []
    try:
        for item in produce():
            items.append(item)
            if len(items) >= batch:
                sender.send(("items", items))
                items = []
        if items:
            sender.send(("items", items))
        sender.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - the parent decides what it means
        if items:
            sender.send(("items", items))
        sender.send(("error", _portable(exc)))
    finally:
        sender.close()
        os._exit(0)  # the parent's database connection and files are not this process's to close


def _portable(exc: BaseException) -> BaseException:
    """`exc`, or a RuntimeError naming its type when it does not survive pickling."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure means: send a stand-in
        return RuntimeError(f"reading the archive failed: {type(exc).__name__}")
    return copy if isinstance(copy, BaseException) else RuntimeError(type(exc).__name__)
