"""One streaming pass over a JSON member that builds only the sub-trees a caller asks for.

TikTok puts everything in one JSON file, where a large watch history sits next to the small
profile and follower lists. `scan` walks the file with ijson's event parser and builds a value
only when its path is wanted, so memory stays bounded by the largest wanted item, never by the
file; sub-trees that cannot hold anything wanted are skipped in a tight loop. Paths are ijson
prefixes: object keys joined with ".", and "item" for an array element
(`Your Activity.Follower.FansList.item`). Keys may themselves contain dots
(`Chat History with jo.doe:`), so the callbacks receive the raw prefix and decide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from auditor.errors import MalformedArchive
from auditor.sources import Source

_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})

Labeller = Callable[[str], "str | None"]


class Hit(NamedTuple):
    """What `scan` found: a built value, a noticed path, or a top-level key ("section")."""

    what: str  # "value", "notice" or "section"
    label: str
    prefix: str
    value: Any = None


def scan(source: Source, name: str, build: Labeller, *, notice: Labeller | None = None,
         prune: Callable[[str], bool] | None = None) -> Iterator[Hit]:
    """Stream `name` once, yielding a `Hit` for every value of interest, in file order.

    * `build(prefix)` labels values to build whole (a built value is not searched further);
    * `notice(prefix)` labels values whose presence matters but whose content does not (a list
      that may be `null`, `[]` or large): they are reported, never built;
    * `prune(prefix)` is true for containers under which nothing is wanted: they are skipped;
    * every top-level key is reported as a "section" hit.

    Malformed JSON, invalid UTF-8 and nesting deeper than the source's limit are input errors
    naming the member.
    """
    import ijson  # imported here: only ingest pays for it

    from connectors.base import json_events  # capped depth and record size

    walk = _Walk(source, name)
    labels: dict[str, tuple[str | None, str | None, bool]] = {}
    try:
        events = json_events(source, name)
        for prefix, event, value in events:
            if event == "map_key":
                if walk.depth == 1:
                    yield Hit("section", value, value)
                continue
            if event in _CLOSE:
                walk.depth -= 1
                continue
            if prefix not in labels:
                labels[prefix] = (build(prefix), notice(prefix) if notice else None,
                                  bool(prune and prune(prefix)))
            found, seen, skip = labels[prefix]
            if seen is not None:
                yield Hit("notice", seen, prefix)
            if event not in _OPEN:
                if found is not None:
                    yield Hit("value", found, prefix, value)
                continue
            walk.enter()
            if found is not None:
                yield Hit("value", found, prefix, walk.build(events, event, value))
            elif skip:
                walk.skip(events)
    except ijson.JSONError as exc:
        raise MalformedArchive(f"{name} is not valid JSON ({_short(exc)})",
                               path=source.label) from None
    except UnicodeDecodeError as exc:
        raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})",
                               path=source.label) from None


class _Walk:
    """The nesting depth of the walk, checked against the source's limit."""

    def __init__(self, source: Source, name: str) -> None:
        self.depth = 0
        self._max = source.limits.max_depth
        self._source, self._name = source, name

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self._max:
            raise MalformedArchive(f"{self._name} nests deeper than {self._max} levels",
                                   path=self._source.label)

    def build(self, events: Iterator[tuple[str, str, Any]], event: str, value: Any) -> Any:
        """Build the container that just opened, consuming its events up to its end."""
        import ijson

        builder = ijson.ObjectBuilder()
        builder.event(event, value)
        opened = self.depth
        for _, event, value in events:
            builder.event(event, value)
            if event in _OPEN:
                self.enter()
            elif event in _CLOSE:
                self.depth -= 1
                if self.depth < opened:
                    return builder.value
        return builder.value  # truncated input: ijson raises before this

    def skip(self, events: Iterator[tuple[str, str, Any]]) -> None:
        """Consume the container that just opened, up to its end, building nothing."""
        opened = self.depth
        for _, event, _ in events:
            if event in _OPEN:
                self.enter()
            elif event in _CLOSE:
                self.depth -= 1
                if self.depth < opened:
                    return


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
