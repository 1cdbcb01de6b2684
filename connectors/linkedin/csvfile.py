"""Stream LinkedIn's CSV files: BOM, a preamble, quoted multi-line cells, ragged rows.

LinkedIn writes its CSVs loosely (`../shared/reference/export-formats.md` §4):

* a UTF-8 byte-order mark at the start of some files;
* `Connections.csv` opens with a `Notes:` line, a quoted paragraph and a blank line before the
  header, so the header is found by a column it must contain (`First Name`), not by position;
* quoted cells span lines (`ShareCommentary`, `Message`);
* `Comments.csv` escapes quotes inside a cell with a backslash (`\\"`) instead of doubling them
  [parser: linkedin-analyzer's comments cleaner], so that file is read with `escapechar="\\"`;
* rows of only commas, and rows with more or fewer cells than the header.

A ragged row is skipped and counted (the caller reports it as a coverage warning), never a crash;
invalid UTF-8 and broken quoting are input errors that name the member and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.errors import MalformedArchive
from auditor.records import CoverageRecord
from auditor.sources import Source

#: How many ragged line numbers a warning quotes; the count is always complete.
_QUOTED_LINES = 5


def column_key(name: str) -> str:
    """A header cell as looked up: BOM and surrounding space dropped, case folded."""
    return name.replace("\ufeff", "").strip().casefold()


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its cells by folded column name, and the line it ends on."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped cell of `column` (any case), line ends as "\\n"; "" when there is none."""
        return self.cells.get(column.casefold(), "").replace("\r\n", "\n").strip()


@dataclass(slots=True)
class Tally:
    """What reading one file found besides its rows: the header, and the ragged lines skipped."""

    header: list[str] = field(default_factory=list)
    found_header: bool = False
    ragged_lines: list[int] = field(default_factory=list)

    def warnings(self, name: str) -> list[CoverageRecord]:
        """A coverage warning for ragged rows, if there were any."""
        if not self.ragged_lines:
            return []
        quoted = ", ".join(str(n) for n in self.ragged_lines[:_QUOTED_LINES])
        more = "…" if len(self.ragged_lines) > _QUOTED_LINES else ""
        return [CoverageRecord(
            name, "warning",
            f"{len(self.ragged_lines)} row(s) with a different number of cells than the header "
            f"({len(self.header)}) skipped; line(s) {quoted}{more}",
            count=len(self.ragged_lines))]


def iter_rows(source: Source, name: str, tally: Tally, *, header_has: str,
              escapechar: str | None = None) -> Iterator[Row]:
    """Stream the data rows of `name` after the first row that has a `header_has` cell.

    Rows before the header (a preamble) and rows whose cells are all empty are skipped silently;
    ragged rows are skipped and recorded in `tally`. When no header is found nothing is yielded
    and `tally.found_header` stays False.
    """
    wanted = column_key(header_has)
    with source.open_member(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text, escapechar=escapechar, doublequote=True, strict=False)
        columns: list[str] = []
        try:
            for cells in reader:
                if not columns:
                    keys = [column_key(c) for c in cells]
                    if wanted in keys:
                        columns = keys
                        tally.header = [c.replace("\ufeff", "").strip() for c in cells]
                        tally.found_header = True
                    continue
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(columns):
                    tally.ragged_lines.append(reader.line_num)
                    continue
                yield Row(reader.line_num, dict(zip(columns, cells, strict=True)))
        except UnicodeDecodeError as exc:
            raise MalformedArchive(f"{name} is not valid UTF-8 (byte {exc.start})",
                                   path=source.label) from None
        except csv.Error as exc:
            raise MalformedArchive(f"{name}: broken CSV near line {reader.line_num} ({exc})",
                                   path=source.label) from None
