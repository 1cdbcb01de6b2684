"""The connector contract and the helpers that several connectors share.

A connector parses; it never touches the database. `auditor.registry` finds every concrete
subclass of `Connector` in the `connectors` sub-packages (and in the `footprint.connectors`
entry-point group), so adding a platform edits no central list.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
from collections.abc import Callable, Container, Generator, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, ClassVar

from auditor.errors import MalformedArchive
from auditor.records import Record
from auditor.sources import Source


class Connector:
    """Base class of every archive connector: a stable `name`, a cheap `detect`, a streaming `read`."""

    #: Stable identifier, stored with every row: "twitter", "instagram", ...
    name: ClassVar[str] = ""
    #: Human name for messages and reports.
    title: ClassVar[str] = ""

    def detect(self, source: Source) -> bool:
        """True when the source looks like this platform's export (path signatures, a manifest)."""
        raise NotImplementedError

    def read(self, source: Source, *, include_messages: bool = False) -> Iterator[Record]:
        """Stream the export's records; the owner's `AccountRecord` comes first."""
        raise NotImplementedError


# -- JSON inside archives ----------------------------------------------------------------------
#
# Archives are untrusted, and a JSON parser builds what it reads. Every JSON member goes through
# `json_events`, which enforces two caps of `Limits` while it streams, before anything is built
# past them:
#
# * nesting deeper than `max_depth` (ijson's own prefixes grow with the square of the depth, so a
#   file of 100,000 brackets exhausts memory inside `ijson.parse` before its first event: the
#   events here come from `ijson.basic_parse`, and their prefixes are built in Python, capped);
# * a single record over `max_record` bytes: a counting reader between the member and the parser
#   measures the bytes read since the current record (the value at a record prefix) began, or,
#   outside records, since the last event, so a 500 MB post, string or list is refused after at
#   most one read buffer (a sixteenth of the cap) past the cap.
#
# Malformed JSON, invalid UTF-8 and the caps all become a `MalformedArchive` naming the member.

_YTD_PREFIX = re.compile(rb"^\s*window\.[A-Za-z0-9_.]+\s*=\s*")
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})
Event = tuple[str, str, Any]


class _Prepend:
    """A file-like object that serves `head` first, then the rest of `fh`."""

    def __init__(self, head: bytes, fh: Any) -> None:
        self._pending = head
        self._fh = fh

    def read(self, n: int = -1) -> bytes:
        if self._pending:
            if n is None or n < 0:
                data, self._pending = self._pending + self._fh.read(), b""
                return data
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        rest: bytes = self._fh.read(n)
        return rest


def _skip_prefix(fh: IO[bytes]) -> _Prepend:
    """`fh` without a JavaScript assignment prefix (`window.YTD.x.part0 = `)."""
    head = fh.read(4096)
    m = _YTD_PREFIX.match(head)
    return _Prepend(head[m.end():] if m else head, fh)


class _RecordTooLarge(Exception):
    pass


class _Meter:
    """Counts the bytes the parser reads; refuses a read that takes one record past the cap.

    `mark` is where the current record began (or, outside records, the last event): the parser
    asks for more bytes only after every event of what it has read was consumed, so when `read`
    runs, everything since `mark` belongs to one value still being read.
    """

    def __init__(self, fh: Any, cap: int) -> None:
        self._fh = fh
        self.cap = cap
        self.pos = 0
        self.mark = 0

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._fh.read(n)
        self.pos += len(data)
        if self.pos - self.mark > self.cap:
            raise _RecordTooLarge
        return data


def _buffer_size(cap: int) -> int:
    """ijson's read size: a sixteenth of the record cap, at most 64 KiB (its default)."""
    return max(16, min(64 * 1024, cap // 16))


def json_events(source: Source, name: str, *, js_prefix: bool = False,
                records: Callable[[str], bool] | Container[str] = (),
                stream: Any = None) -> Generator[Event, None, None]:
    """Stream a JSON member's (prefix, event, value) triples, as `ijson.parse` does, with the caps.

    A container at one of the `records` prefixes (a set, or a predicate) is not streamed as events:
    it is built, measured against `max_record` as it is read, and yielded whole as one
    `(prefix, "record", value)` triple. Outside records every scalar is measured alone.
    `js_prefix` drops a `window.X = ` assignment first (X archives). `stream`, a file-like object
    already open on the member (the caller closes it), is read instead of opening it. Use this,
    never `ijson.parse` or `ijson.items`, on archive members.
    """
    is_record = records if callable(records) else records.__contains__
    try:
        yield from _guarded_events(source, name, js_prefix=js_prefix, is_record=is_record, stream=stream)
    except _RecordTooLarge:
        raise MalformedArchive(f"{name} holds a JSON record larger than the cap of "
                               f"{source.limits.max_record} bytes", path=source.label) from None


def _guarded_events(source: Source, name: str, *, js_prefix: bool,
                    is_record: Callable[[str], bool], stream: Any = None) -> Iterator[Event]:
    import ijson  # imported here: only ingest pays for it

    limits = source.limits
    max_depth = limits.max_depth
    with source.open_utf8(name) if stream is None else contextlib.nullcontext(stream) as fh:
        meter = _Meter(_skip_prefix(fh) if js_prefix else fh, limits.max_record)
        # Each open container outside records: [its own prefix, the prefix of its children].
        stack: list[list[str]] = []
        # The record being built: its containers, the keys they sit under, its prefix.
        built: list[Any] = []
        keys: list[Any] = []
        key: Any = None
        record_prefix = ""
        try:
            for event, value in ijson.basic_parse(meter, use_float=True,
                                                  buf_size=_buffer_size(limits.max_record)):
                if built:  # inside a record: build it, nothing else (the hot loop)
                    if event == "map_key":
                        key = value
                        continue
                    if event == "end_map" or event == "end_array":
                        done = built.pop()
                        if built:
                            key = keys.pop()
                            continue
                        meter.mark = meter.pos
                        yield record_prefix, "record", done
                        continue
                    top = built[-1]
                    if event == "start_map" or event == "start_array":
                        if len(stack) + len(built) >= max_depth:
                            raise MalformedArchive(f"{name} nests deeper than {max_depth} levels",
                                                   path=source.label)
                        new: Any = {} if event == "start_map" else []
                        if type(top) is list:
                            top.append(new)
                        else:
                            top[key] = new
                        keys.append(key)
                        built.append(new)
                    elif type(top) is list:
                        top.append(value)
                    else:
                        top[key] = value
                    continue
                here = stack[-1][1] if stack else ""
                if event == "map_key":
                    top = stack[-1]
                    yield top[0], event, value
                    top[1] = f"{top[0]}.{value}" if top[0] else value
                elif event in _OPEN:
                    if len(stack) >= max_depth:
                        raise MalformedArchive(f"{name} nests deeper than {max_depth} levels",
                                               path=source.label)
                    if is_record(here):
                        built.append({} if event == "start_map" else [])
                        record_prefix = here
                        continue  # `mark` stays where the record began
                    yield here, event, None
                    child = (f"{here}.item" if here else "item") if event == "start_array" else here
                    stack.append([here, child])
                elif event in _CLOSE:
                    yield stack.pop()[0], event, None
                else:
                    yield here, event, value
                meter.mark = meter.pos
        except ijson.JSONError as exc:  # IncompleteJSONError (a truncated file) included
            message = _short(exc)
            if "invalid bytes in UTF8" in message:
                raise MalformedArchive(f"{name} is not valid UTF-8", path=source.label) from None
            raise MalformedArchive(f"{name} is not valid JSON ({message})", path=source.label) from None
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})", path=source.label) from None


def iter_json_items(source: Source, name: str, *, js_prefix: bool = False,
                    path: str = "item") -> Iterator[Any]:
    """Stream the values at `path` (ijson prefix syntax) of a JSON member one at a time, never
    the whole file, with the caps of `json_events`.

    `js_prefix` drops a `window.X = ` assignment first (X archives). Malformed JSON, invalid
    UTF-8, a record over `Limits.max_record` bytes and nesting deeper than `Limits.max_depth`
    become a `MalformedArchive` that names the member.

    A top-level array laid out one object per indented block, as X prints it, is cut at its
    element boundaries and each element parsed by the standard library's C parser
    (`_PrettyItems`), faster than building it from parser events. The first element that way
    cannot vouch for (another layout, anything near a cap, anything the two parsers might read
    differently) hands the rest of the member, from that element on, to the event path: the
    values, and the errors, are the event path's.
    """
    if path != "item":
        yield from _event_items(source, name, js_prefix=js_prefix, path=path)
        return
    with source.open_utf8(name) as fh:
        fast = _PrettyItems(_skip_prefix(fh) if js_prefix else fh, source.limits)
        yield from fast
        if fast.rest is not None:  # the rest of the member, from the element it stopped at
            yield from _event_items(source, name, js_prefix=False, path=path, stream=fast.rest)


def _event_items(source: Source, name: str, *, js_prefix: bool, path: str, stream: Any = None) -> Iterator[Any]:
    events = json_events(source, name, js_prefix=js_prefix, records=(path,), stream=stream)
    try:
        for prefix, event, value in events:
            if prefix == path and event not in _CLOSE and event != "map_key":
                yield value
    finally:
        events.close()


class _GiveUp(Exception):
    """The fast path cannot vouch for what comes next: the event path takes over."""


#: `[`, a line break and the indentation of the first element, which opens an object.
_FIRST_ELEMENT = re.compile(rb"\[[ \t]*\r?\n([ \t]{1,16})\{")
#: An escaped UTF-16 surrogate: yajl and `json` read a lone one differently.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
#: What yajl accepts as an integer (it refuses -2**63).
_INT64 = 2**63 - 1
_CHUNK = 1 << 20


def _int64(text: str) -> int:
    value = int(text)
    if -_INT64 <= value <= _INT64:
        return value
    raise ValueError("integer overflow")


class _PrettyItems:
    """The elements of a top-level array of objects printed one per indented block:

        [
          {
            ...
          },
          {

    A raw line break never occurs inside a JSON string, so a line holding only the element
    indentation and `},`, followed by a line opening `{` at that indentation, can only be a
    boundary between two elements; and if every piece between boundaries parses as one JSON
    value, the member is exactly the array of those values. Iterate it for the elements. When
    it meets what it cannot vouch for, it stops, and `rest` is the rest of the member as an
    array (`[` and the bytes from the element it stopped at, then the unread stream), for the
    event path to go on with; `rest` stays None when it read the member to its end."""

    def __init__(self, reader: Any, limits: Any) -> None:
        self._reader = reader
        self._limits = limits
        self.rest: Any = None

    def __iter__(self) -> Iterator[Any]:
        import json

        reader, limits = self._reader, self._limits
        buf: bytes = reader.read(4096)  # enough to see the layout; another layout costs no more
        lead = len(buf) - len(buf.lstrip())
        first = _FIRST_ELEMENT.match(buf, lead)
        if first is None:
            self.rest = _Prepend(buf, reader)
            return
        indent = first.group(1)
        # A line that closes an element (found with `bytes.find`, far faster than a regex
        # search), then what must follow it for a boundary: a comma and the next element.
        closer = b"\n" + indent + b"}"
        then_next = re.compile(rb"[ \t]{0,8},[ \t]{0,8}\r?\n" + re.escape(indent) + rb"\{")
        closing = re.compile(rb"\r?\n" + re.escape(indent) + rb"(\})\s*\]\s*\Z")
        decoder = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float,
                                   parse_int=_int64)
        start = scan = first.end() - 1
        eof = False
        try:
            while True:
                at = buf.find(closer, scan)
                if at >= 0:
                    end = at + len(closer)
                    found = then_next.match(buf, end)
                    if found is None:
                        scan = at + 1
                        continue
                    value = _parse_element(buf[start:end], limits, decoder)
                    start = scan = found.end() - 1
                    yield value
                    continue
                if eof:
                    last = closing.search(buf, start)
                    if last is None:
                        raise _GiveUp
                    yield _parse_element(buf[start:last.end(1)], limits, decoder)
                    return
                if len(buf) - start > limits.max_record:
                    raise _GiveUp  # one element past the cap: the event path says so
                more = reader.read(_CHUNK)
                eof = not more
                kept = len(buf) - start
                buf = buf[start:] + more
                # Search again from a little before the old end (a boundary may straddle it).
                start, scan = 0, max(0, kept - 64)
        except _GiveUp:
            self.rest = _Prepend(b"[" + buf[start:], reader)


def _parse_element(data: bytes, limits: Any, decoder: Any) -> Any:
    """One element, parsed the way the event path would build it, or `_GiveUp`."""
    if len(data) > limits.max_record or (b"\\u" in data and _SURROGATE_ESCAPE.search(data)):
        raise _GiveUp
    try:
        value = decoder.decode(data.decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError included
        raise _GiveUp from None
    # The event path refuses a container opened at depth `max_depth` (the array is depth 1):
    # an element with fewer brackets than that, strings included, is surely within it.
    if data.count(b"{") + data.count(b"[") > limits.max_depth - 3 and _depth_exceeds(value, limits.max_depth - 3):
        raise _GiveUp
    return value


def load_json(source: Source, name: str, *, js_prefix: bool = False) -> Any:
    """Parse a small JSON member whole (manifests, profiles); large lists use `iter_json_items`.

    The whole member is one record: over `Limits.max_record` bytes, nesting deeper than
    `Limits.max_depth`, malformed JSON (NaN and numbers that overflow included) and invalid UTF-8
    are a `MalformedArchive` naming the member. A trailing `;` after a JS prefix is allowed.
    """
    import json

    limits = source.limits
    try:
        size = source.size(name)
    except KeyError:
        size = 0
    if size > limits.max_record:
        raise MalformedArchive(f"{name} is {size} bytes, over the cap of {limits.max_record} bytes "
                               "for one JSON record", path=source.label)
    with source.open_utf8(name) as fh:
        data = fh.read(limits.max_record + 1)
    if len(data) > limits.max_record:
        raise MalformedArchive(f"{name} is larger than the cap of {limits.max_record} bytes for "
                               "one JSON record", path=source.label)
    if js_prefix:
        m = _YTD_PREFIX.match(data[:4096])
        if m:
            data = data[m.end():]
        data = data.strip().rstrip(b";")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})", path=source.label) from None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise MalformedArchive(f"{name} nests deeper than {limits.max_depth} levels", path=source.label) from None
    except ValueError as exc:  # JSONDecodeError, NaN, overflowing numbers, 4300+ digit integers
        raise MalformedArchive(f"{name} is not valid JSON ({_short(exc)})", path=source.label) from None
    if _depth_exceeds(value, limits.max_depth):
        raise MalformedArchive(f"{name} nests deeper than {limits.max_depth} levels", path=source.label)
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _depth_exceeds(value: Any, max_depth: int) -> bool:
    """True when `value` nests containers deeper than `max_depth` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _short(exc: Exception) -> str:
    """The first line of a parser's message: yajl's later lines quote the input, which may be
    client data, so they are never shown."""
    first = exc.args[0] if exc.args else ""
    if isinstance(first, bytes):
        first = first.decode("utf-8", "replace")
    text = str(first).strip().splitlines()[0][:160] if str(first).strip() else ""
    return text or type(exc).__name__


# -- values ------------------------------------------------------------------------------------

def unescape(text: str | None) -> str:
    """X (and others) HTML-escape post text: `&gt;` → `>`. Anything but a string (a hostile
    archive's number or list) is ""."""
    return html.unescape(text) if isinstance(text, str) and text else ""


def parse_time(value: Any, *formats: str) -> datetime | None:
    """Parse a timestamp in any of `formats` (or epoch seconds, or ISO 8601) to aware UTC.

    Total on hostile input: a value that names no representable time (NaN, an epoch past year
    9999, an offset that pushes year 1 below the calendar) is None, never an exception.
    """
    if value is None or value == "":
        return None
    try:
        return _parse_time(value, formats)
    except (OverflowError, OSError, ValueError):
        return None


_X_TIME = "%a %b %d %H:%M:%S %z %Y"  # "Thu Nov 03 08:50:26 +0000 2022": every X timestamp
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                       "Oct", "Nov", "Dec"), start=1)}
_DAYS = frozenset(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))


def _x_time(s: str) -> datetime | None:
    """`_X_TIME` without strptime (a tenth of its cost, and X archives hold one per post): the
    exact shape X writes, in UTC; anything else is None and goes to strptime."""
    parts = s.split(" ")
    if len(parts) != 6 or parts[0] not in _DAYS or parts[4] != "+0000":
        return None
    month = _MONTHS.get(parts[1])
    clock = parts[3]
    if (month is None or len(parts[2]) != 2 or len(parts[5]) != 4 or len(clock) != 8
            or clock[2] != ":" or clock[5] != ":"):
        return None
    digits = parts[2] + parts[5] + clock[:2] + clock[3:5] + clock[6:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(int(parts[5]), month, int(parts[2]), int(clock[:2]), int(clock[3:5]),
                        int(clock[6:]), tzinfo=UTC)
    except ValueError:
        return None


def _parse_time(value: Any, formats: tuple[str, ...]) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(secs, UTC)
    s = str(value).strip()
    for fmt in formats:
        if fmt == _X_TIME:
            fast = _x_time(s)
            if fast is not None:
                return fast
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    try:
        dt = datetime.fromisoformat(s)  # "Z" included (Python 3.11+)
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
