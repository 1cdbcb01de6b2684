"""Stream the rows of a CSV member robustly: BOM, preamble, quoted multi-line cells, ragged rows.

Used by the generic CSV, Reddit (a folder of CSVs) and LinkedIn connectors. Platforms write CSVs
loosely, so the reader forgives what it can and counts the rest:

* a UTF-8 byte-order mark is dropped (Reddit and LinkedIn write one; Excel adds one on save);
* the header is the first non-blank row, or with `header_has` the first row that has that
  column: LinkedIn's `Connections.csv` opens with a `Notes:` preamble;
* quoted cells may span lines (Reddit post bodies, LinkedIn shares and messages);
* `escapechar` for files that escape quotes with a backslash (LinkedIn's `Comments.csv`);
* blank lines, and rows of only commas, are skipped;
* a *ragged* row, with more or fewer cells than the header, is by default kept: missing cells
  read as empty, surplus cells are joined with "," onto the last column (an unquoted comma in the
  last, free-text column is the usual cause); with `skip_ragged` it is left out. Either way it is
  counted, and the caller reports it as a coverage warning.

Invalid UTF-8 and broken quoting are input errors that name the member and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, Self

from auditor.errors import MalformedArchive
from auditor.sources import Source

#: How many ragged line numbers a warning quotes; the count is always complete.
_QUOTED_LINES = 5


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its values by normalised column name, and the line it ends on."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of `column` (as written or normalised) with surrounding whitespace removed and
        Windows line ends as "\n"; "" when absent."""
        value = self.values.get(column)
        if value is None:
            value = self.values.get(normalise_column(column), "")
        return value.replace("\r\n", "\n").strip()

    def text(self, column: str) -> str:
        """A free-text cell: line breaks as "\\n" (Windows files quote "\\r\\n"), ends stripped."""
        return self.values.get(column, "").replace("\r\n", "\n").replace("\r", "\n").strip()


class CsvTable:
    """One CSV member opened for streaming. Use as a context manager::

        with CsvTable(source, name) as table:
            if {"id", "body"} <= set(table.columns):
                for row in table: ...
    """

    def __init__(self, source: Source, name: str, *, header_has: str | None = None,
                 escapechar: str | None = None, skip_ragged: bool = False) -> None:
        self.source = source
        self.name = name
        #: Column names as written in the file, and as looked up (stripped, lower-cased).
        self.header: list[str] = []
        self.columns: list[str] = []
        #: Whether a header row was found (with `header_has`: a row with that column).
        self.found_header = False
        #: How many rows did not fit the header, and the first few of their line numbers.
        self.ragged = 0
        self.ragged_lines: list[int] = []
        self._header_has = normalise_column(header_has) if header_has else None
        self._escapechar = escapechar
        self._skip_ragged = skip_ragged
        self._text: IO[str] | None = None
        self._csv: Any = None  # a csv reader (its class is private to the csv module)

    def __enter__(self) -> Self:
        raw = self.source.open_member(self.name)
        self._text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        self._csv = csv.reader(self._text, escapechar=self._escapechar, doublequote=True, strict=False)
        try:
            for cells in self._cells():
                columns = [normalise_column(c) for c in cells]
                if self._header_has is not None and self._header_has not in columns:
                    continue  # a preamble line
                self.header = [c.replace("\ufeff", "").strip() for c in cells]
                self.columns = columns
                self.found_header = True
                break
        except BaseException:
            self._text.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._text is not None:
            self._text.close()

    def __iter__(self) -> Iterator[CsvRow]:
        """The data rows after the header."""
        assert self._csv is not None, "use CsvTable as a context manager"
        if not self.found_header:
            return
        for cells in self._cells():
            values = self._fit(cells, self._csv.line_num)
            if values is not None:
                yield CsvRow(self._csv.line_num, values)

    def _cells(self) -> Iterator[list[str]]:
        assert self._csv is not None
        try:
            for cells in self._csv:
                if any(c.strip() for c in cells):  # blank lines carry nothing
                    yield cells
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{self.name} is not valid UTF-8 (byte {exc.start})",
                                   path=self.source.label) from None
        except csv.Error as exc:
            raise MalformedArchive(f"{self.name}: broken CSV near line {self._csv.line_num} ({exc})",
                                   path=self.source.label) from None

    def _fit(self, cells: list[str], line: int) -> dict[str, str] | None:
        width = len(self.columns)
        if len(cells) != width:
            self.ragged += 1
            if len(self.ragged_lines) < _QUOTED_LINES:
                self.ragged_lines.append(line)
            if self._skip_ragged:
                return None
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            else:
                cells = cells[:width - 1] + [",".join(cells[width - 1:])]
        return dict(zip(self.columns, cells, strict=True))

    def ragged_warning(self) -> str | None:
        """A one-line description of the ragged rows, or None when every row fitted."""
        if not self.ragged:
            return None
        lines = ", ".join(str(n) for n in self.ragged_lines)
        more = ", …" if self.ragged > len(self.ragged_lines) else ""
        return (f"{self.ragged} row(s) had a different number of cells than the "
                f"{len(self.columns)}-column header (line {lines}{more}); read with missing "
                f"cells empty and surplus cells joined onto the last column")


def normalise_column(name: str) -> str:
    """How a header cell is looked up: stripped of spaces and any BOM, case folded."""
    return name.replace("\ufeff", "").strip().casefold()


def read_header(source: Source, name: str, *, limit: int = 64 * 1024) -> list[str]:
    """The normalised header of a CSV member from its first `limit` bytes (cheap, for `detect`).

    Returns [] when the start of the member is not UTF-8 text or holds no header line.
    """
    with source.open_member(name) as fh:
        head = fh.read(limit)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return []
        text = head[:exc.start].decode("utf-8-sig")  # a character cut in two at the limit
    for line in text.splitlines():
        if line.strip():
            try:
                cells = next(csv.reader([line]))
            except (csv.Error, StopIteration):
                return []
            return [normalise_column(c) for c in cells]
    return []
