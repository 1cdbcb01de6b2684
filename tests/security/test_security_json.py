"""The JSON caps of connectors/base.py, the encodings of Source, the caps' configuration, and the
guard that turns a connector's raw exception into an input error."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import ijson
import pytest

from auditor.errors import FootprintError, MalformedArchive, UsageError
from auditor.guard import guard_call, guard_records
from auditor.records import AccountRecord
from auditor.sources import GiB, KiB, Limits, MiB, Source
from connectors.base import iter_json_items, json_events, load_json, parse_time
from tests.helpers import FIXTURES


def _source(tmp_path: Path, data: bytes, name: str = "f.json", limits: Limits | None = None) -> Source:
    (tmp_path / name).write_bytes(data)
    return Source.open(tmp_path / name, limits)


def _items(src: Source, name: str = "f.json", **kw: object) -> list[object]:
    return list(iter_json_items(src, name, **kw))  # type: ignore[arg-type]


# -- nesting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [64, 65, 100_000])
def test_nesting_is_capped_the_same_way_when_streamed_and_loaded(tmp_path: Path, depth: int) -> None:
    data = b"[" * depth + b"]" * depth
    with _source(tmp_path, data) as src:
        if depth <= 64:
            assert len(_items(src)) == 1
            assert isinstance(load_json(src, "f.json"), list)
        else:
            with pytest.raises(MalformedArchive, match="f.json nests deeper than 64 levels"):
                _items(src)
            with pytest.raises(MalformedArchive, match="f.json nests deeper than 64 levels"):
                load_json(src, "f.json")


def test_depth_cap_is_configurable(tmp_path: Path) -> None:
    with (_source(tmp_path, b'[{"a": [1]}]', limits=Limits(max_depth=2)) as src,
          pytest.raises(MalformedArchive, match="deeper than 2")):
        _items(src)
    with _source(tmp_path, b'[{"a": 1}]', limits=Limits(max_depth=2)) as src:
        assert _items(src) == [{"a": 1}]


def test_deep_nesting_costs_no_memory_to_refuse(tmp_path: Path) -> None:
    """100,000 brackets: ijson.parse would build gigabytes of prefixes; json_events stops at 65."""
    import tracemalloc

    data = b'{"items": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    tracemalloc.start()
    try:
        with _source(tmp_path, data) as src, pytest.raises(MalformedArchive, match="nests deeper"):
            list(json_events(src, "f.json"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MiB


# -- one record over the cap -------------------------------------------------------------------------

class _Endless(io.RawIOBase):
    """`[{"text": "xxxx…` forever: a record of any size, without writing it anywhere."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = len(buffer)
        chunk = (self.head[self.served:] + b"x" * n)[:n] if self.served < len(self.head) else b"x" * n
        buffer[:n] = chunk
        self.served += n
        return n


class _EndlessSource(Source):
    def __init__(self, head: bytes, limits: Limits) -> None:
        super().__init__(Path("endless.zip"), "zip", limits)
        self._members = {"data/tweets.js": None}
        self.stream = _Endless(head)

    def open_member(self, name: str) -> IO[bytes]:
        self.last_member = name
        return io.BufferedReader(self.stream, buffer_size=64 * KiB)


@pytest.mark.parametrize("head", [b'[{"text": "', b'[["', b'window.YTD.tweets.part0 = [{"a": [1, "',
                                  b'{"junk": "'])
def test_a_record_of_any_size_is_refused_after_about_the_cap(head: bytes) -> None:
    """An endless record (500 MB, or 500 GB) is refused once the cap is read, never built."""
    cap = 1 * MiB
    src = _EndlessSource(head, Limits(max_record=cap))
    with pytest.raises(MalformedArchive, match=r"data/tweets.js holds a JSON record larger than the cap of 1048576"):
        _items(src, "data/tweets.js", js_prefix=head.startswith(b"window"))
    # Read at most the cap, one parser buffer (cap / 16) and one stream buffer (64 KiB) past it.
    assert src.stream.served <= cap + cap // 16 + 2 * 64 * KiB


def test_records_under_the_cap_stream_past_any_file_size(tmp_path: Path) -> None:
    """The cap is per record: a 2 MiB file of small records reads under a 4 KiB cap."""
    data = json.dumps([{"id": str(i), "text": "hello " * 20} for i in range(15_000)]).encode()
    assert len(data) > 2 * MiB
    with _source(tmp_path, data, limits=Limits(max_record=4 * KiB)) as src:
        assert len(_items(src)) == 15_000


def test_load_json_holds_the_whole_member_to_the_record_cap(tmp_path: Path) -> None:
    data = json.dumps({"bio": "x" * 10_000}).encode()
    with (_source(tmp_path, data, limits=Limits(max_record=4 * KiB)) as src,
          pytest.raises(MalformedArchive, match="over the cap of 4096 bytes")):
        load_json(src, "f.json")


# -- what JSON is not ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("doc", "says"), [
    (b"[1, NaN]", "NaN is not a JSON number"),
    (b"[1e999]", "not valid JSON"),
    (b"[" + b"9" * 5000 + b"]", "not valid JSON"),
    (b"[1, 2", "not valid JSON"),
    (b'["\xff\xfe"]', "not valid UTF-8"),
])
def test_malformed_json_is_an_input_error_in_both_readers(tmp_path: Path, doc: bytes, says: str) -> None:
    with _source(tmp_path, doc) as src:
        with pytest.raises(MalformedArchive, match="f.json"):
            _items(src)
        with pytest.raises(MalformedArchive, match=says):
            load_json(src, "f.json")


def test_parser_messages_never_quote_the_input(tmp_path: Path) -> None:
    """yajl's message quotes the bytes around the error; they may be client text."""
    with (_source(tmp_path, b'[{"text": "my client Jane Roe said"} oops]') as src,
          pytest.raises(MalformedArchive) as exc):
        _items(src)
    assert "Jane" not in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize(("encoding", "says"), [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"),
                                                ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")])
def test_utf16_and_utf32_are_refused_by_name(tmp_path: Path, encoding: str, says: str) -> None:
    with _source(tmp_path, '[{"text": "café"}]'.encode(encoding)) as src:
        for read in (lambda: _items(src), lambda: load_json(src, "f.json"), lambda: src.read_text("f.json")):
            with pytest.raises(MalformedArchive, match=f"not valid UTF-8: it is {says} text"):
                read()


def test_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    with _source(tmp_path, b'\xef\xbb\xbf[{"text": "caf\xc3\xa9"}]') as src:
        assert _items(src) == [{"text": "café"}]
        assert load_json(src, "f.json") == [{"text": "café"}]


def test_json_events_match_ijson_on_every_fixture() -> None:
    """The capped event stream is ijson.parse's, event for event, on real-format files."""
    checked = 0
    for f in sorted((FIXTURES / "archives").rglob("*.json")):
        raw = f.read_bytes().removeprefix(b"\xef\xbb\xbf")
        with Source.open(f) as src:
            mine = list(json_events(src, f.name))
        assert mine == list(ijson.parse(io.BytesIO(raw), use_float=True)), f
        checked += 1
    assert checked > 40


def test_parse_time_is_total() -> None:
    values: tuple[object, ...] = (1e300, float("nan"), float("inf"), 10**30, -(10**20), [], {},
                                  "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2024-13-45")
    for value in values:
        assert parse_time(value) is None
    assert parse_time(1_700_000_000).year == 2023  # type: ignore[union-attr]


# -- configuring the caps --------------------------------------------------------------------------------

def test_limits_from_env() -> None:
    assert Limits.from_env({}) == Limits()
    got = Limits.from_env({"FOOTPRINT_LIMITS": "max_record=128MiB, max_depth=100,max_ratio=50,max_total=1G"})
    assert (got.max_record, got.max_depth, got.max_ratio, got.max_total) == (128 * MiB, 100, 50.0, GiB)
    for bad in ("max_depth=-1", "max_depth=ten", "maxdepth=3", "max_record=12 parsecs"):
        with pytest.raises(UsageError, match="FOOTPRINT_LIMITS"):
            Limits.from_env({"FOOTPRINT_LIMITS": bad})


def test_source_open_uses_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTPRINT_LIMITS", "max_depth=7")
    with _source(tmp_path, b"[]") as src:
        assert src.limits.max_depth == 7


# -- containers -------------------------------------------------------------------------------------------

def test_tar_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    import tarfile
    import time

    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo("data/a.js")
        info.size = 64 * MiB
        tf.addfile(info, io.BytesIO(b"\0" * info.size))
        info = tarfile.TarInfo("data/b.js")
        info.size = 1
        tf.addfile(info, io.BytesIO(b"x"))
    start = time.perf_counter()
    with pytest.raises(FootprintError, match="tar bomb"):
        Source.open(path)
    assert time.perf_counter() - start < 0.2  # the 64 MiB member was never inflated


def test_tar_ratio_is_also_checked_while_streaming(tmp_path: Path) -> None:
    import tarfile

    path = tmp_path / "a.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo("a.json")
        info.size = 300_000
        tf.addfile(info, io.BytesIO(b" " * info.size))
    src = Source.open(path)
    # Lower the caps after the listing: only the streaming check stands between the read and them.
    src.limits = Limits(ratio_floor=1000, max_ratio=10)
    with src, pytest.raises(FootprintError, match="tar bomb"):
        src.read_bytes("a.json")


def test_last_member_names_what_was_being_read(tmp_path: Path) -> None:
    with _source(tmp_path, b"[]") as src:
        assert src.last_member is None
        src.read_bytes("f.json")
        assert src.last_member == "f.json"


# -- the guard ----------------------------------------------------------------------------------------------

def _records_then(exc: BaseException) -> Iterator[object]:
    yield AccountRecord("twitter", "1")
    raise exc


@pytest.mark.parametrize("exc", [KeyError("Jane Roe"), TypeError("'int' object is not iterable"),
                                 AttributeError("x"), ValueError("client Jane Roe"), RecursionError(),
                                 UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), MemoryError()])
def test_guard_turns_raw_exceptions_into_one_input_error(tmp_path: Path, exc: BaseException) -> None:
    with _source(tmp_path, b"[]", name="tweets.js") as src:
        src.read_bytes("tweets.js")
        out = guard_records(_records_then(exc), source_label="archive.zip", source=src)  # type: ignore[arg-type]
        assert isinstance(next(out), AccountRecord)
        with pytest.raises(MalformedArchive) as caught:
            next(out)
    message = str(caught.value)
    assert message.startswith("archive.zip: tweets.js could not be read: " + type(exc).__name__)
    assert "Jane" not in message  # an exception's text may quote client data
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_guard_lets_footprint_errors_and_interrupts_through() -> None:
    with pytest.raises(MalformedArchive, match="original"):
        list(guard_records(_records_then(MalformedArchive("original")), source_label="a.zip"))  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        list(guard_records(_records_then(KeyboardInterrupt()), source_label="a.zip"))  # type: ignore[arg-type]
    with pytest.raises(MalformedArchive, match="a.zip: could not be read: KeyError"):
        empty: dict[str, int] = {}
        guard_call(lambda: empty["x"], source_label="a.zip")


def test_guard_closes_the_connector_when_the_ingest_stops_early() -> None:
    closed: list[bool] = []

    def records() -> Iterator[object]:
        try:
            yield from itertools.count()
        finally:
            closed.append(True)

    out = guard_records(records(), source_label="a.zip")  # type: ignore[arg-type]
    next(out)
    out.close()
    assert closed == [True]
