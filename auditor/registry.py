"""Finds connectors and code detectors without a hand-edited list.

Built-in connectors are the concrete `connectors.base.Connector` subclasses defined in the
sub-packages of `connectors`; third-party ones come from the `footprint.connectors` entry-point
group. Two connectors with one name is an error at discovery time.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points

from auditor.errors import UnrecognizedArchive, UsageError
from auditor.sources import Source


@cache
def connectors() -> dict[str, type]:
    """Every registered connector class by name, sorted by name."""
    import connectors as pkg
    from connectors.base import Connector

    found: dict[str, type[Connector]] = {}

    def add(cls: type[Connector]) -> None:
        if not cls.name:
            return
        if cls.name in found and found[cls.name] is not cls:
            raise RuntimeError(f"two connectors are named {cls.name!r}: {found[cls.name]!r} and {cls!r}")
        found[cls.name] = cls

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.ispkg:
            module = importlib.import_module(f"connectors.{mod.name}")
            for obj in vars(module).values():
                if isinstance(obj, type) and issubclass(obj, Connector) and obj is not Connector:
                    add(obj)
    for ep in entry_points(group="footprint.connectors"):
        add(ep.load())
    return dict(sorted(found.items()))


def get_connector(name: str) -> object:
    classes = connectors()
    if name not in classes:
        raise UsageError(f"unknown platform {name!r}; known: {', '.join(classes)}")
    return classes[name]()


def detect(source: Source) -> object:
    """The one connector that recognises `source`; an error naming every candidate otherwise."""
    classes = connectors()
    hits = [cls() for cls in classes.values() if cls().detect(source)]
    if not hits:
        raise UnrecognizedArchive(
            "no connector recognises this archive (tried: " + ", ".join(classes) + "); "
            "pass --platform NAME if you know what it is", path=source.label)
    if len(hits) > 1:
        names = ", ".join(h.name for h in hits)  # type: ignore[attr-defined]
        raise UsageError(f"several connectors recognise this archive ({names}); choose one with --platform",
                         path=source.label)
    return hits[0]
