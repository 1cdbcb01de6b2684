"""The connector contract and the helpers that several connectors share.

A connector parses; it never touches the database. `auditor.registry` finds every concrete
subclass of `Connector` in the `connectors` sub-packages (and in the `footprint.connectors`
entry-point group), so adding a platform edits no central list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
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

_YTD_PREFIX = re.compile(rb"^\s*window\.[A-Za-z0-9_.]+\s*=\s*")


class _SkipPrefix:
    """A file-like object that drops a JavaScript assignment prefix (`window.YTD.x.part0 = `)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        head = fh.read(4096)
        m = _YTD_PREFIX.match(head)
        self._pending = head[m.end():] if m else head

    def read(self, n: int = -1) -> bytes:
        if self._pending:
            if n is None or n < 0:
                data, self._pending = self._pending + self._fh.read(), b""
                return data
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        return self._fh.read(n)


def iter_json_items(source: Source, name: str, *, js_prefix: bool = False,
                    path: str = "item") -> Iterator[Any]:
    """Stream the elements of a JSON array member one at a time (ijson), never the whole file.

    `js_prefix` drops a `window.X = ` assignment first (X archives). Malformed JSON or invalid
    UTF-8 becomes a `MalformedArchive` that names the member.
    """
    import ijson  # imported here: only ingest pays for it

    with source.open_member(name) as fh:
        stream: Any = _SkipPrefix(fh) if js_prefix else fh
        try:
            yield from ijson.items(stream, path, use_float=True)
        except ijson.common.IncompleteJSONError as exc:
            raise MalformedArchive(f"{name} is not valid JSON ({_short(exc)})", path=source.label) from None
        except ijson.JSONError as exc:
            raise MalformedArchive(f"{name} is not valid JSON ({_short(exc)})", path=source.label) from None
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})", path=source.label) from None


def load_json(source: Source, name: str, *, js_prefix: bool = False) -> Any:
    """Parse a small JSON member whole (manifests, profiles); large lists use `iter_json_items`."""
    import json

    text = source.read_text(name)
    if js_prefix:
        m = _YTD_PREFIX.match(text.encode("utf-8", "surrogatepass")[:4096])
        if m:
            text = text[len(m.group(0).decode("utf-8", "ignore")):]
        text = text.strip().rstrip(";")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise MalformedArchive(f"{name} is not valid JSON ({_short(exc)})", path=source.label) from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


# -- values ------------------------------------------------------------------------------------

def unescape(text: str | None) -> str:
    """X (and others) HTML-escape post text: `&gt;` → `>`."""
    return html.unescape(text) if text else ""


def parse_time(value: Any, *formats: str) -> datetime | None:
    """Parse a timestamp in any of `formats` (or epoch seconds, or ISO 8601) to aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        secs = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(secs, UTC)
    s = str(value).strip()
    for fmt in formats:
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
