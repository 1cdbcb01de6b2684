"""The RE2 set pass alone (auditor/analyzer/superset.py): what picking each text's candidate
patterns costs, and how many whole-form checks it makes, on an ingested footprint's texts.

    python benchmarks/bench.py --posts 100000 --followers 50000 --reps 1 --stages ingest --dir /tmp/fp
    python benchmarks/bench_setpass.py /tmp/fp/work/ingested.db --texts 20000 --passes 3

For each pass over the same texts (the first builds the automata's states, later ones find them
built) it prints the CPU time per text of `_SetPass.candidates_many`, the whole-form checks per text
(`PatternSet.confirm_many`: the second scan that confirms a set form's report) and their time, and
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

    from auditor.analyzer.parallel import BATCH

    checks = [0, 0.0]
    patterns = set_pass._patterns
    real = patterns.confirm_many

    def counted(data: Any, wanted: Any) -> Any:
        """`confirm_many`, counting the whole-form checks it makes and timing it."""
        start = time.perf_counter()
        try:
            return real(data, wanted)
        finally:
            checks[0] += sum(1 for js in wanted if js for j in js if patterns._whole[j] is not None)
            checks[1] += time.perf_counter() - start

    patterns.confirm_many = counted  # type: ignore[method-assign]
    for n in range(1, args.passes + 1):
        checks[:] = [0, 0.0]
        candidates = 0
        start = time.process_time()
        for at in range(0, len(texts), BATCH):  # as the audit reads them (`Engine.scan_batch`)
            for found in set_pass.candidates_many(texts[at:at + BATCH]):
                if found:
                    candidates += sum(len(ks) for ks in found.values())
        cpu = time.process_time() - start
        per = len(texts)
        print(f"pass {n}: {cpu / per * 1e6:6.1f} µs a text; whole-form checks {checks[0] / per:4.1f} a text "
              f"({checks[1] / per * 1e6:4.1f} µs a text with the confirming around them); "
              f"candidate patterns {candidates / per:.2f} a text")
    print(f"{len(texts)} texts from {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
