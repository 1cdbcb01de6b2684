"""iter_json_items's fast path (connectors/base.py `_PrettyItems`): an indented top-level array is
cut at its element boundaries and each element parsed by the standard library's C parser. It must
change speed only: the same values, and the same errors, as the event path, on any input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import MalformedArchive
from auditor.sources import KiB, Limits, Source
from connectors import base
from connectors.base import iter_json_items


def _outcome(src: Source, name: str, fast: bool, js_prefix: bool) -> tuple[str, Any]:
    """('ok', values) or ('error', message), by the fast path or by the event path alone."""
    try:
        if fast:
            return "ok", list(iter_json_items(src, name, js_prefix=js_prefix))
        return "ok", list(base._event_items(src, name, js_prefix=js_prefix, path="item"))
    except MalformedArchive as exc:
        return "error", str(exc)


def _both(tmp_path: Path, data: bytes, limits: Limits | None = None, js_prefix: bool = False) -> tuple[Any, Any]:
    (tmp_path / "f.js").write_bytes(data)
    with Source.open(tmp_path / "f.js", limits) as src:
        return _outcome(src, "f.js", True, js_prefix), _outcome(src, "f.js", False, js_prefix)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the elements the fast path parsed (so a test can tell it was used)."""
    parsed: list[int] = []
    real = base._parse_element

    def counting(data: bytes, limits: Any, decoder: Any) -> Any:
        value = real(data, limits, decoder)
        parsed.append(1)
        return value
    monkeypatch.setattr(base, "_parse_element", counting)
    return parsed


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(st.characters(codec="utf-8"), max_size=12),
                     st.sampled_from(["\n  },\n  {", "}, {", "[", "]", "\\", '"']))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                       max_leaves=20)
_elements = st.lists(st.dictionaries(st.text(max_size=6), _values, max_size=5), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(elements=_elements, indent=st.sampled_from([2, 4, "\t"]), ascii_only=st.booleans(),
       prefix=st.booleans(), cut=st.one_of(st.none(), st.integers(0, 10_000)),
       junk=st.sampled_from([b"", b"x", b",", b"]", b"\n  },\n  {", b"\xff", b"\\ud800", b"1e999"]))
def test_the_same_values_and_errors_as_the_event_path(tmp_path: Path, elements: list[dict[str, Any]],
                                                      indent: int | str, ascii_only: bool, prefix: bool,
                                                      cut: int | None, junk: bytes) -> None:
    data = json.dumps(elements, indent=indent, ensure_ascii=ascii_only).encode()
    if cut is not None:  # damage it: bytes inserted somewhere, or the file truncated there
        at = min(cut, len(data))
        data = data[:at] + junk + data[at:] if junk else data[:at]
    if prefix:
        data = b"window.YTD.tweets.part0 = " + data
    fast, events = _both(tmp_path, data, js_prefix=prefix)
    assert fast == events


def test_an_indented_array_is_read_by_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _spy(monkeypatch)
    elements = [{"tweet": {"id_str": str(i), "full_text": f"post {i} }},\n  {{", "entities": {"urls": []}}}
                for i in range(500)]
    data = b"window.YTD.tweets.part0 = " + json.dumps(elements, indent=2).encode()
    fast, events = _both(tmp_path, data, js_prefix=True)
    assert fast == events == ("ok", elements)
    assert len(parsed) == 500


def _two(second: bytes, tail: bytes = b"\n]") -> bytes:
    """An indented array: one good element, then `second` in the next element's block."""
    return b'[\n  {\n    "a": 1\n  },\n  {\n    ' + second + b"\n  }" + tail


@pytest.mark.parametrize(("data", "parsed_before_handover"), [
    (_two(b'"b": [\n  },\n  {\n    "c": 3'), 1),      # a boundary line inside an element
    (_two(b'"b": "\\ud800"'), 1),                    # a lone surrogate: yajl reads "?"
    (_two(b'"b": 9223372036854775808'), 1),           # past yajl's integers
    (_two(b'"b": NaN'), 1),
    (_two(b'"b": 2', b"\n];"), 1),                   # trailing junk
    (_two(b'"b": 2', b"\n"), 1),                     # truncated
    (_two(b'"b": 2'), 2),                             # nothing wrong
    (b'[{"a": 1}, {"b": 2}]', 0),                    # another layout
])
def test_what_it_cannot_vouch_for_goes_to_the_event_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         data: bytes, parsed_before_handover: int) -> None:
    parsed = _spy(monkeypatch)
    fast, events = _both(tmp_path, data)
    assert fast == events
    assert len(parsed) == parsed_before_handover


@pytest.mark.parametrize("depth", [40, 61, 62, 63, 64, 65, 200])
def test_nesting_near_the_cap_is_decided_by_the_event_path(tmp_path: Path, depth: int) -> None:
    inner: Any = 1
    for _ in range(depth - 1):
        inner = [inner]
    data = json.dumps([{"a": 1}, {"deep": inner}], indent=2).encode()
    assert _both(tmp_path, data)[0] == _both(tmp_path, data)[1]


def test_an_element_over_the_record_cap_is_refused_as_before(tmp_path: Path) -> None:
    data = json.dumps([{"a": 1}, {"b": "x" * 20_000}, {"c": 2}], indent=2).encode()
    fast, events = _both(tmp_path, data, limits=Limits(max_record=8 * KiB))
    assert fast == events
    assert fast[0] == "error" and "larger than the cap" in fast[1]
