"""LinkedIn's CSV files, read with the shared CSV reader (connectors/generic/csvrows.py).

LinkedIn writes its CSVs loosely (`../shared/reference/export-formats.md` §4): a byte-order mark
on some files; `Connections.csv` opens with a `Notes:` line, a quoted paragraph and a blank line
before the header, so the header is found by a column it must contain (`First Name`), not by
position; quoted cells span lines (`ShareCommentary`, `Message`); `Comments.csv` escapes quotes
inside a cell with a backslash (`\\"`) instead of doubling them [parser: linkedin-analyzer's
comments cleaner]; rows of only commas; rows with more or fewer cells than the header.

A ragged row is skipped and counted (the caller reports it as a coverage warning), never a crash;
invalid UTF-8 and broken quoting are input errors that name the member and the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.records import CoverageRecord
from auditor.sources import Source
from connectors.generic.csvrows import CsvRow, CsvTable


@dataclass(slots=True)
class Tally:
    """What reading one file found besides its rows: the header, and the ragged rows skipped."""

    header: list[str] = field(default_factory=list)
    found_header: bool = False
    ragged: int = 0
    #: The first few ragged rows' line numbers (the count above is complete).
    ragged_lines: list[int] = field(default_factory=list)

    def warnings(self, name: str) -> list[CoverageRecord]:
        """A coverage warning for ragged rows, if there were any."""
        if not self.ragged:
            return []
        quoted = ", ".join(str(n) for n in self.ragged_lines)
        more = "…" if self.ragged > len(self.ragged_lines) else ""
        return [CoverageRecord(
            name, "warning",
            f"{self.ragged} row(s) with a different number of cells than the header "
            f"({len(self.header)}) skipped; line(s) {quoted}{more}",
            count=self.ragged)]


def iter_rows(source: Source, name: str, tally: Tally, *, header_has: str,
              escapechar: str | None = None) -> Iterator[CsvRow]:
    """Stream the data rows of `name` after the first row that has a `header_has` cell.

    Rows before the header (a preamble) and rows whose cells are all empty are skipped silently;
    ragged rows are skipped and counted in `tally`. When no header is found nothing is yielded
    and `tally.found_header` stays False.
    """
    with CsvTable(source, name, header_has=header_has, escapechar=escapechar, skip_ragged=True) as table:
        tally.header, tally.found_header = table.header, table.found_header
        try:
            yield from table
        finally:
            tally.ragged, tally.ragged_lines = table.ragged, list(table.ragged_lines)
