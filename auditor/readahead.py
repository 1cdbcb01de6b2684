"""Reading an archive in a second process while this one writes what it read.

An ingest is two halves of about equal cost: a connector parses the archive into records, and
`auditor.ingest` writes them. In one process they take turns on one CPU. `read_ahead` runs the
first half in a forked child that sends what it reads over a pipe in batches (the ingest sends
rows, `auditor.ingest.prepare`: they cross faster than record objects), so the parent writes
one batch while the child parses the next. The items, their order and the errors are the same
as reading in process: the child sends what the stream raises (a connector's errors are
already `FootprintError`s by then, `guard_records`), and the parent raises it at the same place
in the stream. The child holds at most `AHEAD_BYTES` of pickled batches beyond what the pipe
holds, so memory stays flat: a child that parses faster than the parent writes waits.

`auditor.api.ingest` starts the next big archive's child (`start`) as it begins writing the
current one: the two parse side by side, and the next one's rows wait in its child. On the
benchmark's three archives (two X archives of 100,000 posts, an Instagram export) the ingest
took 18.45 s against 20.15 (medians of four alternating runs).

Only on Linux, where forking is safe and cheap (the child inherits the imported connector and
the open archive); elsewhere, with `FOOTPRINT_WORKERS=1`, or when the child cannot start, the
records are read in this process as before.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from auditor.sources import Source

T = TypeVar("T")

#: Items per message. Large enough that pickling and the pipe cost little per item, small
#: enough that the parent starts writing soon and the memory in flight stays small.
BATCH = 512
#: Bytes the pipe may hold (Linux's default is 64 KiB, a batch or less): room for the child to
#: run a few batches ahead while the parent writes a table's batch of rows at once.
PIPE_BYTES = 1 << 20
#: Pickled batches a child may hold beyond what the pipe holds, waiting for the parent (memory
#: in flight stays bounded, whatever the archive's size).
AHEAD_BYTES = 64 << 20
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
    """The items of `produce()`, produced in a forked child process (started at the first item).

    What `produce()`'s iteration raises is raised here after the items before it; an exception
    that cannot be pickled arrives as a `RuntimeError` naming its type. Closing the iterator
    early (or an error in the caller) ends the child."""
    ahead = start(produce, batch=batch)
    try:
        yield from ahead
    finally:
        ahead.close()


def start(produce: Callable[[], Iterable[T]], *, batch: int = BATCH) -> Ahead[T]:
    """`read_ahead`, with the child started now: the ingest starts the next archive's reader
    while it writes the current one (`auditor.api.ingest`). Iterate the result once, and close
    it (an unread one's child is ended)."""
    return Ahead(produce, batch)


class Ahead(Generic[T]):
    """A child process producing items; see `start`. Where no child can be had (no file
    descriptor, no process) the items are produced in this process, when iterated."""

    def __init__(self, produce: Callable[[], Iterable[T]], batch: int) -> None:
        import multiprocessing

        self._produce = produce
        self._child: Any = None
        self._receiver: Any = None
        self._finished = False
        context = multiprocessing.get_context("fork")
        try:
            receiver, sender = context.Pipe(duplex=False)
        except OSError:  # out of file descriptors: read here
            return
        _widen(sender.fileno())
        child = context.Process(target=_produce, args=(produce, sender, batch), daemon=True)
        try:
            child.start()
        except OSError:  # no process to be had (a process limit, memory): read here, as before
            receiver.close()
            sender.close()
            return
        sender.close()  # the child's end: with it closed here, a dead child reads as EOF
        self._child, self._receiver = child, receiver

    def __iter__(self) -> Iterator[T]:
        if self._receiver is None:
            yield from self._produce()
            return
        receiver = self._receiver
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError(f"the archive reader stopped unexpectedly (exit code {_reap(self._child)})") from None
            if kind == "items":
                yield from payload
            elif kind == "error":
                self._finished = True
                raise payload
            else:  # "done"
                self._finished = True
                return

    def close(self) -> None:
        """End the child (unless it finished) and reap it. Closing twice is harmless."""
        if self._child is None or self._receiver.closed:
            return
        self._receiver.close()
        if not self._finished:
            self._child.kill()  # nothing else wants the rest
        self._child.join()


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
    """The child: send `produce()`'s items in lists of `batch`, then ("done", None) or the error.

    Batches are pickled here and queued, and a thread writes them to the pipe: the child runs
    up to `AHEAD_BYTES` ahead of the parent rather than the pipe's few batches, so that the
    next archive's reader, started while the parent writes the current one, gets on with it."""
    import threading
    from collections import deque
    from multiprocessing.reduction import ForkingPickler

    queue: deque[Any] = deque()
    cond = threading.Condition()
    state = {"held": 0, "closed": False, "broken": False}

    def pump() -> None:
        while True:
            with cond:
                while not queue and not state["closed"]:
                    cond.wait()
                if not queue:
                    return
                data = queue.popleft()
            try:
                sender.send_bytes(data)
            except OSError:  # the parent went away: nobody wants the rest
                with cond:
                    state["broken"] = True
                    cond.notify_all()
                return
            with cond:
                state["held"] -= len(data)
                cond.notify_all()

    def put(message: tuple[str, Any]) -> None:
        data = ForkingPickler.dumps(message)  # a memoryview of the pickle: sent as it is
        with cond:
            while state["held"] and state["held"] + len(data) > AHEAD_BYTES and not state["broken"]:
                cond.wait()
            if state["broken"]:
                raise _ParentGone
            queue.append(data)
            state["held"] += len(data)
            cond.notify_all()

    writer = threading.Thread(target=pump, name="footprint-read-ahead", daemon=True)
    writer.start()
    items: list[Any] = []
    try:
        for item in produce():
            items.append(item)
            if len(items) >= batch:
                put(("items", items))
                items = []
        if items:
            put(("items", items))
        put(("done", None))
    except _ParentGone:
        pass
    except BaseException as exc:  # noqa: BLE001 - the parent decides what it means
        try:
            if items:
                put(("items", items))
            put(("error", _portable(exc)))
        except _ParentGone:
            pass
    finally:
        with cond:
            state["closed"] = True
            cond.notify_all()
        writer.join()
        sender.close()
        os._exit(0)  # the parent's database connection and files are not this process's to close


class _ParentGone(Exception):
    """The pipe to the parent broke: the child stops."""


def _portable(exc: BaseException) -> BaseException:
    """`exc`, or a RuntimeError naming its type when it does not survive pickling."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure means: send a stand-in
        return RuntimeError(f"reading the archive failed: {type(exc).__name__}")
    return copy if isinstance(copy, BaseException) else RuntimeError(type(exc).__name__)
