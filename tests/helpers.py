"""Helpers shared by test modules (import as `tests.helpers`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.records import Record
    from connectors.base import Connector

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def zip_folder(folder: Path, dest: Path, *, top: str | None = None) -> Path:
    """Zip a fixture folder (optionally under one top folder, as platforms do) and return the zip."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                zf.write(path, f"{top}/{rel}" if top else rel)
    return dest


def utc(*parts: int) -> datetime:
    """A UTC datetime: utc(2024, 3, 1, 12)."""
    from datetime import UTC

    return datetime(*parts, tzinfo=UTC)


def read_checked(connector: Connector, path: Path, **kwargs: bool) -> list[Record]:
    """Every record `connector` reads from `path`, after checking the stream's contract: the
    connector detects the source, the AccountRecord comes first, only record types are yielded,
    and every member of the source gets a coverage record."""
    from auditor.records import RECORD_TYPES, AccountRecord, CoverageRecord
    from auditor.sources import Source

    with Source.open(path) as source:
        assert connector.detect(source)
        records = list(connector.read(source, **kwargs))
        names = source.names()
    assert isinstance(records[0], AccountRecord)
    assert all(isinstance(r, RECORD_TYPES) for r in records)
    assert {r.file for r in records if isinstance(r, CoverageRecord)} == set(names), \
        "every file gets a coverage record"
    return records


def strings(value: object) -> Iterator[str]:
    """Every string inside a record: fields, nested people, lists and dict keys and values."""
    import dataclasses

    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name))
    elif isinstance(value, (tuple, list, frozenset, set)):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
