"""Mutated fixture archives for the connector fuzz tests (hypothesis strategies) and the fuzz target.

A fuzz case is one fixture variant (fixtures/archives/<connector>/<variant>) with one of its text
members (JSON, X's `.js`, CSV, a Bluesky CAR) replaced by a mutation of it:

* bytes: flipped bytes, a truncation, inserted or deleted runs, "interesting" bytes (quotes,
  brackets, NUL, 0xFF, lone UTF-8 continuation bytes);
* JSON structure: one value swapped for another type, a huge or overflowing number, a deep
  nesting, random unicode (lone surrogates included), a key dropped or renamed;
* CSV structure: a header cell renamed or dropped, ragged rows, unterminated quotes, NUL bytes,
  long or random cells, formulas;
* encodings: UTF-16 with and without a byte-order mark, Latin-1, a stray BOM.

`read_guarded` is the fuzz target: detect and read through `auditor.guard`, as the ingest does,
and return the records or raise a `FootprintError`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st

from auditor import registry
from auditor.guard import guard_call, guard_records
from auditor.records import RECORD_TYPES, AccountRecord, Person
from auditor.sources import Source
from tests.helpers import FIXTURES

ARCHIVES = FIXTURES / "archives"
NOT_ARCHIVES = {".py", ".md"}
TEXT_SUFFIXES = {".json": "json", ".js": "js", ".csv": "csv", ".car": "car", ".txt": "text",
                 ".html": "text"}
_JS_PREFIX = re.compile(rb"^\s*window\.[A-Za-z0-9_.]+\s*=\s*")

#: Examples per connector: 200 in CI (seeded), more with FOOTPRINT_FUZZ_EXAMPLES=5000 locally.
EXAMPLES = int(os.environ.get("FOOTPRINT_FUZZ_EXAMPLES", "200"))
#: A hang: one example may take this long (seconds) before it is interrupted and fails.
HANG_SECONDS = 10


@dataclass(frozen=True)
class Variant:
    connector: str
    path: Path  # a folder, or a single export file
    members: tuple[tuple[str, str], ...]  # (relative path, kind) of the members worth mutating


def variants() -> dict[str, list[Variant]]:
    """Every fixture variant of every registered connector, with its mutable members."""
    out: dict[str, list[Variant]] = {}
    for name in registry.connectors():
        folder = ARCHIVES / name
        found = []
        for v in sorted(folder.iterdir()) if folder.is_dir() else []:
            if v.suffix in NOT_ARCHIVES or v.name.startswith("."):
                continue
            if v.is_dir():
                members = tuple((p.relative_to(v).as_posix(), TEXT_SUFFIXES[p.suffix.lower()])
                                for p in sorted(v.rglob("*"))
                                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            else:
                members = ((v.name, TEXT_SUFFIXES.get(v.suffix.lower(), "bytes")),)
            if members:
                found.append(Variant(name, v, members))
        out[name] = found
    return out


# -- the fuzz target ---------------------------------------------------------------------------

class Hang(Exception):
    """An example ran past HANG_SECONDS."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Interrupt the block after `seconds` (SIGALRM; main thread, Unix). Elsewhere: no limit."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def read_guarded(connector: str, path: Path, *, strict: bool = False) -> list[Any]:
    """What an ingest does before it writes: open, detect, read every record, through
    `auditor.guard` (`strict`: without it, so raw exceptions surface)."""
    conn = registry.connectors()[connector]()
    with Source.open(path) as source:
        if strict:
            conn.detect(source)
            return list(conn.read(source, include_messages=True))
        guard_call(lambda: conn.detect(source), source_label=source.label, source=source)
        return list(guard_records(conn.read(source, include_messages=True),
                                  source_label=source.label, source=source))


def check_records(records: list[Any]) -> None:
    """The record contract: known record types, the owner's account first, every field typed."""
    if not records:
        return
    assert isinstance(records[0], AccountRecord), f"first record is {type(records[0]).__name__}"
    for rec in records:
        assert isinstance(rec, RECORD_TYPES), f"not a record: {type(rec).__name__}"
        hints = _hints(type(rec))
        for f in fields(rec):  # type: ignore[arg-type]
            value = getattr(rec, f.name)
            assert _conforms(value, hints[f.name]), (
                f"{type(rec).__name__}.{f.name} is {type(value).__name__} {str(value)[:60]!r}, "
                f"not {hints[f.name]}")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _conforms(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is type(None):
        return value is None
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_conforms(value, a) for a in args)
    if origin is Literal:
        return value in args
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        inner = args[0] if args and (len(args) == 1 or args[-1] is Ellipsis) else None
        return inner is None or all(_conforms(v, inner) for v in value)
    if origin is frozenset:
        return isinstance(value, frozenset) and all(_conforms(v, args[0]) for v in value)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if hint is Person:
        return isinstance(value, Person) and all(
            v is None or isinstance(v, str) for v in (value.native_id, value.handle, value.name, value.url))
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


# -- a working copy whose members are swapped per example ----------------------------------------

class Workspace:
    """A copy of a connector's fixtures; `swapped` replaces one member for one example."""

    def __init__(self, root: Path, items: list[Variant]) -> None:
        self.root = root
        self.copies: dict[Path, Path] = {}
        for v in items:
            dest = root / v.path.name
            if v.path.is_dir():
                shutil.copytree(v.path, dest)
            else:
                shutil.copy2(v.path, dest)
            self.copies[v.path] = dest

    @contextmanager
    def swapped(self, variant: Variant, member: str, data: bytes) -> Iterator[Path]:
        copy = self.copies[variant.path]
        target = copy / member if copy.is_dir() else copy
        original = target.read_bytes()
        target.write_bytes(data)
        try:
            yield copy
        finally:
            target.write_bytes(original)


# -- mutations -----------------------------------------------------------------------------------

INTERESTING = [b'"', b"'", b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\x00", b"\xff", b"\xc3",
               b"\x80", b"\n", b"\r", b"\r\n", b'"""', b"\xef\xbb\xbf", b"\\u0000", b"\\ud800",
               b"-", b"1e999", b"null", b"=cmd|' /C calc'!A0"]

#: Raw JSON texts that json.dumps cannot write: overflowing and over-long numbers, constants.
RAW_NUMBERS = ["1e999", "-1e999", "1" + "0" * 400, "9" * 5000, "-0", "1.5e-400", "NaN", "Infinity",
               "18446744073709551616", "-9223372036854775809", "0.1e1", "123456789012345678901234567890"]


def unicode_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any code points, lone surrogates included, plus the scripts and controls that break things."""
    return st.one_of(
        st.text(st.characters(codec=None, exclude_categories=()), max_size=max_size),
        st.sampled_from(["<script>alert(1)</script>", "\u202e\u0000\ufeff", "\ud800", "Ã©Ã¨",
                         "ﷺ" * 30, "\U0001F600" * 20, "%s%n%x", "../../etc/passwd", "=1+1",
                         "javascript:alert(1)", " ", "", "\r\n\r\n", "\x1b[31m"]),
    )


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    how = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "interesting"]))
    n = len(out)
    if n == 0:
        return bytes(draw(st.binary(max_size=64)))
    pos = draw(st.integers(0, n - 1))
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, n - 1))
            out[i] ^= draw(st.integers(1, 255))
    elif how == "truncate":
        del out[pos:]
    elif how == "insert":
        out[pos:pos] = draw(st.binary(min_size=1, max_size=64))
    elif how == "delete":
        del out[pos:pos + draw(st.integers(1, 64))]
    elif how == "duplicate":
        chunk = out[pos:pos + draw(st.integers(1, 256))]
        out[pos:pos] = chunk * draw(st.integers(1, 4))
    else:
        token = draw(st.sampled_from(INTERESTING))
        if draw(st.booleans()):
            out[pos:pos] = token
        else:
            out[pos:pos + len(token)] = token
    return bytes(out)


@st.composite
def encoding_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    how = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "bom",
                                "double-bom", "invalid-utf8", "cp1252"]))
    if how in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        return text.encode(how, "surrogatepass")
    if how in ("latin-1", "cp1252"):
        return (text + " café déjà").encode(how, "replace")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "double-bom":
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data.removeprefix(b"\xef\xbb\xbf")
    pos = draw(st.integers(0, max(len(data) - 1, 0)))
    bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80"]))
    return data[:pos] + bad + data[pos:]


_DEEP = "\u0000deep:"
_RAW = "\u0000raw:"


def _replacement(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["null", "bool", "int", "float", "str", "list", "dict", "unicode",
                                 "deep", "raw", "long", "many"]))
    if kind == "null":
        return None
    if kind == "bool":
        return draw(st.booleans())
    if kind == "int":
        return draw(st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, -(2**63), 2**64, 10**30, 253402300800,
                                     -62135596800, 10**15, 10**19]))
    if kind == "float":
        return draw(st.sampled_from([0.5, -0.0, 1e308, -1e308, 5e-324, 1.7976931348623157e308, 1e15]))
    if kind == "str":
        return draw(st.sampled_from(["", " ", "0", "true", "null", "2024-13-45T99:99:99Z",
                                     "Wed Oct 99 25:61:61 +9999 2018", "9" * 40, "-1", "1e999",
                                     "http://", "@", "@@", "a" * 300, "window.YTD.x = [", "[]", "{}"]))
    if kind == "list":
        return draw(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=4))
    if kind == "dict":
        return draw(st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(),
                                                                   st.text(max_size=5)), max_size=3))
    if kind == "unicode":
        return draw(unicode_text())
    if kind == "deep":
        return _DEEP + str(draw(st.sampled_from([65, 100, 1000, 5000])))
    if kind == "raw":
        return _RAW + draw(st.sampled_from(RAW_NUMBERS))
    if kind == "long":
        return "x" * draw(st.sampled_from([10_000, 200_000]))
    return [draw(st.sampled_from([None, 0, "", {}, []]))] * 2000


def _containers(value: Any, path: tuple[Any, ...] = (), out: list | None = None,
                depth: int = 0) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in a parsed document, for picking a node to mutate."""
    out = [] if out is None else out
    out.append((path, value))
    if depth > 40 or len(out) > 5000:
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            _containers(v, (*path, k), out, depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _containers(v, (*path, i), out, depth + 1)
    return out


def _set(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    parent[path[-1]] = new
    return doc


def _dumps(doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=True)  # lone surrogates become \\ud800 escapes

    def expand(m: re.Match[str]) -> str:
        body = json.loads(m.group(0))
        if body.startswith(_DEEP):
            n = int(body[len(_DEEP):])
            return "[" * n + "]" * n
        return body[len(_RAW):]

    text = re.sub(r'"\\u0000(?:deep|raw):[^"]*"', expand, text)
    return text.encode("utf-8")


@st.composite
def json_mutation(draw: st.DrawFn, data: bytes, js: bool) -> bytes:
    prefix = b""
    body = data
    if js:
        m = _JS_PREFIX.match(data)
        if m:
            prefix, body = data[:m.end()], data[m.end():]
    try:
        doc = json.loads(body.decode("utf-8-sig").strip().rstrip(";"))
    except ValueError:
        return draw(byte_mutation(data))
    nodes = _containers(doc)
    path, node = draw(st.sampled_from(nodes))
    how = draw(st.sampled_from(["replace", "replace", "replace", "drop-key", "rename-key", "wrap",
                                "empty"]))
    if how in ("drop-key", "rename-key") and isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node)))
        value = node.pop(key)
        if how == "rename-key":
            node[draw(st.sampled_from([key.upper(), key + " ", "", "\u0000", key[::-1] or "x"]))] = value
    elif how == "wrap":
        doc = _set(doc, path, draw(st.sampled_from([[node], {"value": node}, {"": node}])))
    elif how == "empty" and isinstance(node, (dict, list)):
        node.clear()
    else:
        doc = _set(doc, path, _replacement(draw))
    return prefix + _dumps(doc)


@st.composite
def csv_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    try:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return draw(byte_mutation(data))
    if not rows:
        rows = [[]]
    how = draw(st.sampled_from(["cell", "cell", "header", "drop-column", "ragged", "quote", "nul",
                                "empty", "header-only", "formula", "raw-join", "blank-lines"]))
    r = draw(st.integers(0, len(rows) - 1))
    row = rows[r]
    if how == "cell" and row:
        row[draw(st.integers(0, len(row) - 1))] = draw(st.one_of(
            unicode_text(), st.sampled_from(["x" * 200_000, "", " ", "2024-13-99", "@", "9" * 50])))
    elif how == "header" and rows[0]:
        i = draw(st.integers(0, len(rows[0]) - 1))
        rows[0][i] = draw(st.sampled_from(["", rows[0][i].upper(), rows[0][i] + " ", "\ufeff" + rows[0][i],
                                           rows[0][0], "id"]))
    elif how == "drop-column" and rows[0]:
        i = draw(st.integers(0, len(rows[0]) - 1))
        for row_ in rows:
            if i < len(row_):
                del row_[i]
    elif how == "ragged":
        row.extend(draw(st.lists(st.text(max_size=5), min_size=1, max_size=5)))
        if len(rows) > 1 and rows[-1]:
            rows[-1].pop()
    elif how == "formula" and row:
        row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(
            ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", "\t=1", "=HYPERLINK(\"http://x\")"]))
    elif how == "empty":
        return b""
    elif how == "header-only":
        rows = rows[:1]
    elif how == "blank-lines":
        rows[r:r] = [[]] * draw(st.integers(1, 5))
    buf = io.StringIO(newline="")
    if how == "raw-join":
        buf.write("\r\n".join(",".join(cells) for cells in rows))
    else:
        csv.writer(buf, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL,
                                                      csv.QUOTE_NONNUMERIC]))).writerows(rows)
    out = buf.getvalue().encode("utf-8", "surrogatepass")
    if how == "quote":
        pos = draw(st.integers(0, max(len(out) - 1, 0)))
        out = out[:pos] + b'"' + out[pos:]
    elif how == "nul":
        pos = draw(st.integers(0, max(len(out) - 1, 0)))
        out = out[:pos] + b"\x00" + out[pos:]
    return out


@st.composite
def mutated(draw: st.DrawFn, data: bytes, kind: str) -> bytes:
    """One mutation of a member's bytes, chosen for its kind."""
    choices = ["bytes", "encoding"]
    if kind in ("json", "js"):
        choices += ["json", "json", "json"]
    elif kind == "csv":
        choices += ["csv", "csv", "csv"]
    elif kind in ("car", "bytes"):
        choices = ["bytes"]
    how = draw(st.sampled_from(choices))
    if how == "json":
        return draw(json_mutation(data, kind == "js"))
    if how == "csv":
        return draw(csv_mutation(data))
    if how == "encoding":
        return draw(encoding_mutation(data))
    return draw(byte_mutation(data))
