"""The RE2 set pass alone (auditor/analyzer/superset.py): what picking each text's candidate
patterns costs, and how many whole-form checks it makes, on an ingested footprint's texts.

    python benchmarks/bench.py --posts 100000 --followers 50000 --reps 1 --stages ingest --dir /tmp/fp
    python benchmarks/bench_setpass.py /tmp/fp/work/ingested.db --texts 20000 --passes 3

For each pass over the same texts (the first builds the automata's states, later ones find them
built) it prints the CPU time per text of `_SetPass.candidates`, the whole-form checks per text
(`superset._may_match`: the second scan that confirms a set form's report) and their time, and
the candidate patterns per text that Python's `re` then runs. Needs google-re2 (the `fast` extra).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("db", type=Path, help="an ingested footprint's SQLite database")
    p.add_argument("--texts", type=int, default=20_000, help="how many texts (the first, by row id)")
    p.add_argument("--passes", type=int, default=3)
    args = p.parse_args(argv)
    if not args.db.is_file():
        p.error(f"no database at {args.db}")

    from auditor.analyzer import superset
    from auditor.analyzer.engine import default_engine
    from auditor.analyzer.textfold import fold

    engine = default_engine()
    set_pass = engine._set_pass()
    if set_pass is None:
        p.error("the RE2 set pass is not available (pip install 'footprint[fast]')")
    with sqlite3.connect(f"file:{args.db}?mode=ro", uri=True) as db:
        texts = [fold(row[0]) for row in db.execute(
            "SELECT text FROM content WHERE text IS NOT NULL ORDER BY id LIMIT ?", (args.texts,))]
    if not texts:
        p.error("the database holds no texts")

    checks = [0, 0.0]
    real = superset._may_match

    def counted(single: Any, data: bytes) -> bool:
        start = time.perf_counter()
        try:
            return real(single, data)
        finally:
            checks[0] += 1
            checks[1] += time.perf_counter() - start

    superset._may_match = counted
    try:
        for n in range(1, args.passes + 1):
            checks[:] = [0, 0.0]
            candidates = 0
            start = time.process_time()
            for text in texts:
                found = set_pass.candidates(text)
                if found:
                    candidates += sum(len(patterns) for patterns in found.values())
            cpu = time.process_time() - start
            per = len(texts)
            print(f"pass {n}: {cpu / per * 1e6:6.1f} µs a text; whole-form checks {checks[0] / per:4.1f} a text, "
                  f"{checks[1] / max(1, checks[0]) * 1e6:4.1f} µs each; candidate patterns {candidates / per:.2f} a text")
    finally:
        superset._may_match = real
    print(f"{len(texts)} texts from {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
