"""Identity-resolution benchmark: time and peak memory at growing list sizes.

    python benchmarks/bench_overlap.py                 # 10k and 100k connections per side
    python benchmarks/bench_overlap.py 10000 100000 1000000

For each size N the script builds, in a fresh process, a synthetic footprint: N connection rows
on the personal side (Facebook friends by name, Instagram followers by handle, X followers by
id with a third named by mentions) and N on the professional side (Instagram, X, LinkedIn),
names drawn by frequency from the committed Census/SSA tables (so common names collide as they
do in life), 5% of the people on both sides. It then times `auditor.overlap.compute_from`
(node building, blocking, scoring, grouping, findings) in wall-clock and CPU seconds (CPU time
is the steadier number on a shared machine) and reports the process's peak resident memory
beside its memory before resolution (`input MiB`: the interpreter and the N rows the script
built; the difference is what resolution itself needed). Growth is near-linear when time per
row stays flat as N grows by 10x.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def sightings(n: int, seed: int = 11) -> tuple[list, list]:
    from auditor.identity import Sighting, SubjectAccount
    from auditor.names import FIRST_NAMES_FILE, SURNAMES_FILE
    from fixtures.overlap.scenario import _table, handle_for

    rng = random.Random(seed)
    firsts, fw = _table(FIRST_NAMES_FILE, 5000)
    lasts, lw = _table(SURNAMES_FILE, 40000)
    accounts = [
        SubjectAccount(1, "facebook", "Dana Whitfield", "personal", None),
        SubjectAccount(2, "instagram", "dana.outdoors", "personal", False, "dana.outdoors"),
        SubjectAccount(3, "twitter", "danaw", "personal", None, "danaw", "1"),
        SubjectAccount(4, "instagram", "whitfieldcounseling", "professional", False, "whitfieldcounseling"),
        SubjectAccount(5, "twitter", "WhitfieldLMFT", "professional", False, "WhitfieldLMFT", "2"),
        SubjectAccount(6, "linkedin", "Dana Whitfield", "professional", None),
    ]
    styles = ["first.last", "first.last##", "firstlast", "first_last##", "FirstLast", "f.last", "word"]
    out: list = []
    people = 3 * n + 10
    fs = rng.choices(firsts, fw, k=people)
    ls = rng.choices(lasts, lw, k=people)
    per_side = {"personal": 0, "professional": 0}
    pid = 0
    while per_side["personal"] < n or per_side["professional"] < n:
        f, ln = fs[pid % people], ls[pid % people]
        handle = f"{handle_for(f, ln, rng.choice(styles), rng)}{pid}"
        name = f"{f.title()} {ln.title()}"
        xid = str(10_000_000 + pid)
        both = rng.random() < 0.05
        sides = ["personal", "professional"] if both else [rng.choice(["personal", "professional"])]
        for side in sides:
            if per_side[side] >= n:
                continue
            per_side[side] += 1
            acc = rng.choice([1, 2, 3] if side == "personal" else [4, 5, 6])
            if acc == 1:
                out.append(Sighting(acc, "facebook", "friend", "", f"name:{name.lower()}", None, None, name))
            elif acc in (2, 4):
                out.append(Sighting(acc, "instagram", "follower", "", f"handle:{handle.lower()}", None, handle))
            elif acc in (3, 5):
                out.append(Sighting(acc, "twitter", "follower", "", f"id:{xid}", xid))
                if rng.random() < 0.33:
                    out.append(Sighting(acc, "twitter", "mention", "out", f"id:{xid}", xid, handle, name))
            else:
                out.append(Sighting(acc, "linkedin", "connection", "", f"name:{name.lower()}", None, None, name,
                                    f"https://www.linkedin.com/in/{handle.lower().replace('.', '-')}"))
        pid += 1
    return accounts, out


def _status_mib(field: str) -> int:
    """A memory line of /proc/self/status in MiB (Linux); 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) // 1024 for line in fh if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return 0


def run_one(n: int) -> dict:
    from auditor import overlap

    accounts, rows = sightings(n)
    input_mib = _status_mib("VmRSS")  # the interpreter, the modules and the rows, before resolution
    c0, t0 = time.process_time(), time.perf_counter()
    result = overlap.compute_from(accounts, rows)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    # The process's own high-water mark: ru_maxrss would carry over the parent's (the
    # calibration loop's) peak into this child.
    peak_mib = _status_mib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    tiers = overlap.summary(result)
    return {"n_per_side": n, "rows": len(rows), "seconds": round(elapsed, 2), "cpu": round(cpu, 2),
            "us_per_row": round(cpu / len(rows) * 1e6, 1), "peak_mib": peak_mib,
            "input_mib": input_mib,
            "entries": {k: tiers[k] for k in overlap.TIERS}, "unresolved": tiers["unresolved"],
            "compared": result.resolution.compared, "skipped_blocks": result.resolution.skipped_blocks}


def calibrate() -> float:
    """CPU seconds for a fixed loop (2M f-strings into a dict): divides out the machine's speed
    and load when comparing runs from different machines."""
    t = time.process_time()
    d = {}
    for i in range(2_000_000):
        d[f"k{i}"] = (i, "x")
    return round(time.process_time() - t, 2)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(f"calibration loop: {calibrate()} CPU s (2M dict inserts; lower is a faster, idler machine)")
    print(f"{'per side':>10} {'rows':>9} {'wall s':>8} {'cpu s':>7} {'cpu µs/row':>10} {'peak MiB':>9} "
          f"{'input MiB':>9} {'compared':>9} {'skipped':>8}  entries")
    for n in sizes:
        # One process per size: peak memory is the process's own.
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n_per_side']:>10,} {r['rows']:>9,} {r['seconds']:>8} {r['cpu']:>7} {r['us_per_row']:>10} "
              f"{r['peak_mib']:>9,} {r['input_mib']:>9,} {r['compared']:>9,} {r['skipped_blocks']:>8}  {r['entries']} "
              f"unresolved {r['unresolved']:,}")


if __name__ == "__main__":
    main()
