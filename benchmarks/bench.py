"""Time and peak memory of ingest, audit and report on a synthetic footprint, beside the floor.

    python benchmarks/bench.py --posts 100000 --followers 50000            # 3 repetitions
    python benchmarks/bench.py --posts 1000000 --followers 50000 --reps 1
    python benchmarks/bench.py --startup                                   # `footprint --help`

The footprint comes from benchmarks/generate.py (into `--dir`, default a folder under the system
temp dir named after the size; it is reused when it is already there with the same arguments).
Each repetition runs, each stage in a fresh Python process:

- **floor**: benchmarks/floor.py, parse with `json`, `executemany` into SQLite, one regex per text;
- **ingest**: `auditor.api.ingest` of the three archives (roles professional, personal, personal)
  into a new database;
- **audit**: `auditor.api.audit` on a copy of the database the ingest wrote (so every repetition
  audits the same first run);
- **report**: `auditor.api.report` of that run to HTML.

Time is the stage's own wall time, measured in the child around the API call (lazy imports of
connectors, analyzer and reports included; interpreter start-up excluded: see `--startup`).
Peak memory is the child's peak resident set (`ru_maxrss` from `os.wait4`), which, unlike
tracemalloc, counts what C extensions (yajl, SQLite) allocate. When the audit scans in worker
processes (auditor/analyzer/parallel.py; `FOOTPRINT_WORKERS`), and when the ingest reads
archives in child processes (auditor/readahead.py), the peak is the stage's process's plus each
child's (the largest child's peak times their number: an upper bound, since forked children
share pages), and beside it the sampled peak of their proportional set sizes together
(`PSS`: each shared page counted once, what the machine gives them); its CPU time includes the
workers'. The table gives medians over the
repetitions and the ratio of ingest + audit to the floor. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
STAGES = ("floor", "ingest", "audit", "report")


# -- the children --------------------------------------------------------------------------------

def _child(stage: str, footprint: Path, db: Path, out: Path) -> dict[str, Any]:
    """Run one stage in this (fresh) process and return what it measured."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from auditor import api

    start = time.perf_counter()
    extra: dict[str, Any] = {}
    sampler = PssSampler() if stage in ("ingest", "audit") else None
    if stage == "ingest":
        info = json.loads((footprint / "footprint.json").read_text())
        paths = [footprint / s["path"] for s in info["sources"]]
        results = api.ingest(str(db), paths, roles=[s["role"] for s in info["sources"]],
                             subject="Avery Lindqvist-Moreau")
        extra["rows"] = sum(sum(a.added.values()) for r in results for a in r.accounts)
        extra["warnings"] = sum(len(a.warnings) for r in results for a in r.accounts)
    elif stage == "audit":
        summary = api.audit(str(db))
        extra["findings"] = summary.total
    elif stage == "report":
        _fmt, text = api.report(str(db), out=out)
        extra["bytes"] = len(text.encode() if isinstance(text, str) else text)
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    extra["seconds"] = time.perf_counter() - start
    # The audit's worker processes (auditor/analyzer/parallel.py) and the ingest's readers are
    # reaped by now: the largest one's peak, to report this process plus every worker (wait4
    # gives only the largest).
    import resource

    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if workers_peak:
        from auditor.analyzer.parallel import workers_wanted

        # The ingest reads each big archive in a child, the next one's while the current one
        # is written (auditor/readahead.py), the audit scans in its workers
        # (auditor/analyzer/parallel.py): as many as the sampler saw at once, where it can.
        extra["workers"] = ((sampler.most_children if sampler is not None else 0)
                            or (2 if stage == "ingest" else workers_wanted()))
        extra["self_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        extra["worker_mib"] = workers_peak
        if sampler is not None and sampler.peak_kib:
            extra["pss_mib"] = sampler.peak_kib / 1024
    return extra


class PssSampler:
    """The peak, sampled every `INTERVAL` seconds, of this process's proportional set size plus
    its child processes' (Linux `smaps_rollup`): memory the audit and its workers use together,
    each shared page counted once. Forked workers share the parent's pages, so summing their
    peak resident sets counts those pages again; this is the total a machine actually gives them.

    A sample walks the processes' page tables in the kernel: about 5 ms for 300 MB. Every 0.2 s
    that took some 5% of a CPU from the stage being measured (the audit's process, which now
    computes client overlap while its workers scan); every 0.5 s, 2%."""

    INTERVAL = 0.5

    def __init__(self) -> None:
        import threading

        self.peak_kib = 0
        #: The most child processes seen at once (the audit's workers, the ingest's reader).
        self.most_children = 0
        if not Path("/proc/self/smaps_rollup").exists():
            return
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        me = os.getpid()
        while True:
            children = _children(me)
            total = _pss_kib(me)
            for pid in children:
                total += _pss_kib(pid)
            self.peak_kib = max(self.peak_kib, total)
            self.most_children = max(self.most_children, len(children))
            time.sleep(self.INTERVAL)


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_stage(argv: list[str]) -> dict[str, Any]:
    """Run a child process; its JSON result plus wall time and peak RSS (MiB) from wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over all of them.
    out_chunks: list[bytes] = []
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    out_chunks.append(out)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    lines = [ln for ln in b"".join(out_chunks).decode().splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1])
    result["process_seconds"] = wall
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux reports KiB
    if "workers" in result:  # the process and its workers together (an upper bound: forked
        # workers share pages with it, which each one's peak counts again)
        result["peak_mib"] = result["self_mib"] + result["workers"] * result["worker_mib"]
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def stage_argv(stage: str, footprint: Path, db: Path, out: Path) -> list[str]:
    if stage == "floor":
        return [sys.executable, str(HERE / "floor.py"), str(footprint), "--db", str(db)]
    return [sys.executable, str(HERE / "bench.py"), "--child", stage, "--dir", str(footprint),
            "--db", str(db), "--out", str(out)]


# -- the benchmark -------------------------------------------------------------------------------

def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _copy_db(src: Path, dst: Path) -> None:
    _remove_db(dst)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")


def ensure_footprint(folder: Path, posts: int, followers: int, seed: int, part_mb: float) -> dict[str, Any]:
    """The generated footprint in `folder`, generated now unless it is there with these arguments."""
    info_file = folder / "footprint.json"
    wanted = {"posts": posts, "followers": followers, "seed": seed, "part_mb": part_mb}
    if info_file.exists():
        info: dict[str, Any] = json.loads(info_file.read_text())
        if info.get("arguments") == wanted:
            return info
    print(f"generating {posts} posts, {followers} followers per side into {folder} ...", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--posts", str(posts), "--followers",
                    str(followers), "--seed", str(seed), "--part-mb", str(part_mb), "--out", str(folder)],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    return json.loads(info_file.read_text())


def bench(footprint: Path, reps: int, work: Path, stages: tuple[str, ...] = STAGES,
          log: Any = print) -> dict[str, list[dict[str, Any]]]:
    """Run the stages `reps` times, interleaved (floor, ingest, audit, report, floor, ...), so
    that a change in the machine's load touches every stage alike."""
    results: dict[str, list[dict[str, Any]]] = {s: [] for s in stages}
    ingested = work / "ingested.db"
    for rep in range(1, reps + 1):
        for stage in stages:
            db = {"floor": work / "floor.db", "ingest": work / "ingest.db",
                  "audit": work / "audit.db", "report": work / "audit.db"}[stage]
            if stage == "ingest":
                _remove_db(db)
            if stage == "audit":
                if not ingested.exists():  # the audit needs an ingested database
                    _remove_db(ingested)
                    run_stage(stage_argv("ingest", footprint, ingested, work / "r.html"))
                _copy_db(ingested, db)
            if stage == "report" and "audit" not in stages:
                raise SystemExit("the report stage needs the audit stage")
            r = run_stage(stage_argv(stage, footprint, db, work / "report.html"))
            if stage == "ingest":
                _copy_db(db, ingested)
            results[stage].append(r)
            workers = (f"  ({r['self_mib']:.0f} + {r['workers']} × {r['worker_mib']:.0f} in child processes;"
                       f" shared pages once: {r.get('pss_mib', 0):.0f} MiB)"
                       if "workers" in r else "")
            log(f"  rep {rep} {stage:<7} {r['seconds']:8.2f} s  (cpu {r['cpu_seconds']:7.2f} s)  "
                f"{r['peak_mib']:7.0f} MiB{workers}", flush=True)
    return results


def summarize(results: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Medians per stage, and ingest + audit summed repetition by repetition."""
    med = statistics.median
    series = {stage: runs for stage, runs in results.items() if runs}
    if "ingest" in series and "audit" in series:
        series["ingest+audit"] = [
            {"seconds": a["seconds"] + b["seconds"], "cpu_seconds": a["cpu_seconds"] + b["cpu_seconds"],
             "peak_mib": max(a["peak_mib"], b["peak_mib"])}
            for a, b in zip(series["ingest"], series["audit"])]
    floor = series.get("floor")
    floor_s = med([r["seconds"] for r in floor]) if floor else None
    floor_cpu = med([r["cpu_seconds"] for r in floor]) if floor else None
    rows = []
    for stage, runs in series.items():
        secs = [r["seconds"] for r in runs]
        cpu = [r["cpu_seconds"] for r in runs]
        rows.append({"stage": stage, "median_s": med(secs), "min_s": min(secs), "max_s": max(secs),
                     "cpu_s": med(cpu), "peak_mib": med([r["peak_mib"] for r in runs]),
                     "max_peak_mib": max(r["peak_mib"] for r in runs),
                     "max_pss_mib": max((r["pss_mib"] for r in runs if "pss_mib" in r), default=None),
                     "x_floor": med(secs) / floor_s if floor_s else None,
                     "x_floor_cpu": med(cpu) / floor_cpu if floor_cpu else None})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| stage | wall s (median) | min–max | × floor | CPU s (median) | × floor (CPU) | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = f"{r['x_floor']:.2f}" if r["x_floor"] is not None else ""
        cratio = f"{r['x_floor_cpu']:.2f}" if r["x_floor_cpu"] is not None else ""
        # With worker processes: the sum of peaks (an upper bound) and, sampled, the total with
        # each shared page counted once.
        pss = f" (PSS {r['max_pss_mib']:.0f})" if r.get("max_pss_mib") else ""
        lines.append(f"| {r['stage']} | {r['median_s']:.2f} | {r['min_s']:.2f}–{r['max_s']:.2f} | {ratio} | "
                     f"{r['cpu_s']:.2f} | {cratio} | {r['max_peak_mib']:.0f}{pss} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal")))
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}){mem}, Python {platform.python_version()}, "
            f"SQLite {__import__('sqlite3').sqlite_version}, {platform.system()} {platform.release()}")


# -- start-up ------------------------------------------------------------------------------------

def startup(runs: int = 10) -> dict[str, Any]:
    """Median wall time of `footprint --help` and the slowest imports of `python -X importtime`."""
    exe = shutil.which("footprint") or str(Path(sys.executable).parent / "footprint")
    def timed(argv: list[str]) -> tuple[float, float]:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        return time.perf_counter() - start, usage.ru_utime + usage.ru_stime

    help_runs = [timed([exe, "--help"]) for _ in range(runs)]
    bare_runs = [timed([sys.executable, "-c", "pass"]) for _ in range(runs)]
    times, cpu = [w for w, _ in help_runs], [c for _, c in help_runs]
    bare, bare_cpu = [w for w, _ in bare_runs], [c for _, c in bare_runs]
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import auditor.cli"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    # importtime prints a module's imports before it; depth is the indentation of the name.
    imports: list[tuple[int, float, str]] = []
    top: list[tuple[float, str]] = []
    total = 0.0
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        ms = int(parts[1]) / 1000
        if name.strip() == "auditor.cli":
            total = ms
            top = sorted(((m, n) for d, m, n in imports if d == 1), reverse=True)[:8]
            imports = []
        elif depth == 0:
            imports = []  # another top-level module (site, encodings): not the CLI's
        else:
            imports.append((depth, ms, name.strip()))
    heavy = ("sqlalchemy", "auditor.api", "connectors", "reports", "jinja2", "ijson", "rich", "typer", "httpx")
    probe = f"import sys, auditor.cli; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.split()
    return {"help_median_s": statistics.median(times), "help_min_s": min(times),
            "help_cpu_median_s": statistics.median(cpu), "python_bare_median_s": statistics.median(bare),
            "python_bare_cpu_median_s": statistics.median(bare_cpu), "import_cli_ms": total,
            "top_imports_ms": top, "modules_loaded": loaded}


# -- command line --------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--posts", type=int, default=100_000, help="posts per X archive")
    p.add_argument("--followers", type=int, default=50_000, help="followers and following per account")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--part-mb", type=float, default=50.0)
    p.add_argument("--reps", type=int, default=3, help="repetitions (medians are reported)")
    p.add_argument("--dir", type=Path, default=None, help="the footprint folder (generated if needed)")
    p.add_argument("--work", type=Path, default=None, help="folder for databases and the report")
    p.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--startup", action="store_true", help="measure `footprint --help` only")
    p.add_argument("--child", choices=("ingest", "audit", "report"), help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        print(json.dumps(_child(args.child, args.dir, args.db, args.out)))
        return 0
    print(f"machine: {machine()}")
    if args.startup:
        s = startup()
        print(f"footprint --help: median {s['help_median_s'] * 1000:.0f} ms wall, "
              f"{s['help_cpu_median_s'] * 1000:.0f} ms CPU over 10 runs (min {s['help_min_s'] * 1000:.0f} ms); "
              f"bare `python -c pass`: {s['python_bare_median_s'] * 1000:.0f} ms wall, "
              f"{s['python_bare_cpu_median_s'] * 1000:.0f} ms CPU")
        print(f"import auditor.cli: {s['import_cli_ms']:.0f} ms cumulative (python -X importtime)")
        print("slowest imports of auditor.cli: " + ", ".join(f"{n} {ms:.0f} ms" for ms, n in s["top_imports_ms"]))
        print("loaded of the heavy modules: " + (" ".join(s["modules_loaded"]) or "none"))
        if args.json:
            args.json.write_text(json.dumps({"machine": machine(), "startup": s}, indent=2))
        return 0

    folder = args.dir or Path(tempfile.gettempdir()) / f"footprint-bench-{args.posts}-{args.followers}-{args.seed}"
    info = ensure_footprint(folder, args.posts, args.followers, args.seed, args.part_mb)
    counts = info["counts"]
    print(f"footprint: {folder} ({info['bytes'] / 2**20:.0f} MiB): "
          + "; ".join(f"{k}: " + ", ".join(f"{n} {v}" for n, v in c.items()) for k, c in counts.items()))
    work = args.work or folder / "work"
    work.mkdir(parents=True, exist_ok=True)
    _remove_db(work / "ingested.db")
    stages = tuple(s for s in args.stages.split(",") if s)
    results = bench(folder, args.reps, work, stages)
    rows = summarize(results)
    print()
    cmd = f"python benchmarks/bench.py --posts {args.posts} --followers {args.followers} --reps {args.reps}"
    if stages != STAGES:
        cmd += f" --stages {','.join(stages)}"
    print(f"`{cmd}` on {machine()}")
    print(table(rows))
    for stage in ("ingest", "audit", "report"):
        if results.get(stage):
            extra = {k: v for k, v in results[stage][-1].items()
                     if k not in ("seconds", "process_seconds", "peak_mib", "cpu_seconds")}
            print(f"{stage}: {extra}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "command": cmd, "footprint": info,
                                         "summary": rows, "runs": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
