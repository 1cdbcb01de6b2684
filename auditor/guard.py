"""The last line between a connector and the database: hostile input never crashes an ingest.

Connectors parse untrusted archives. A connector is supposed to turn everything wrong with its
input into a `MalformedArchive`; when one misses a case (a `KeyError` on a missing field, a
`TypeError` on a swapped type, a `csv.Error`, a `RecursionError`), the ingest must still end as
an input error that names the file, exit 3, with the transaction rolled back, not as an
"internal error" with a traceback. `guard_records` wraps a connector's record stream to do that.

The message names the exception's type only: its text may quote client data (`KeyError('Dana')`).
Set `FOOTPRINT_DEBUG=1` (or run with `--debug`) to see the original traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, TypeVar

from auditor.errors import FootprintError, MalformedArchive

if TYPE_CHECKING:
    from auditor.records import Record
    from auditor.sources import Source

T = TypeVar("T")


def guard_records(records: Iterable[Record], *, source_label: str,
                  source: Source | None = None) -> Generator[Record, None, None]:
    """Yield `records`; any exception other than a `FootprintError` becomes a `MalformedArchive`.

    `source`, when given, lets the message name the member that was being read
    (`Source.last_member`). `KeyboardInterrupt` and `SystemExit` pass through untouched.
    """
    iterator = iter(records)
    try:
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                return
            except FootprintError:
                raise
            except Exception as exc:  # noqa: BLE001 - converting is the point
                raise _malformed(exc, source_label, source) from None
            yield record
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def guard_call(fn: Callable[[], T], *, source_label: str, source: Source | None = None) -> T:
    """Call `fn` (a connector's `detect`, say) with the conversion of `guard_records`."""
    try:
        return fn()
    except FootprintError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _malformed(exc, source_label, source) from None


def _malformed(exc: Exception, source_label: str, source: Source | None) -> MalformedArchive:
    if os.environ.get("FOOTPRINT_DEBUG") == "1":
        # Plain traceback: file, line and code only, never local variables.
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    member = source.last_member if source is not None else None
    what = f"{member} could not be read" if member else "could not be read"
    reason = type(exc).__name__
    if isinstance(exc, RecursionError):
        reason = "RecursionError: nested too deeply"
    elif isinstance(exc, MemoryError):
        reason = "MemoryError: too large to read"
    return MalformedArchive(f"{what}: {reason}", path=source_label)
