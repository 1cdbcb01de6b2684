"""Property-based fuzzing of every registered connector's parser over mutated fixtures.

Each connector runs `tests/security/fuzz_run.py` in a subprocess of its own (at most one per CPU
at a time), so that a crash of the interpreter fails that connector's test with the input that
caused it, instead of killing the test run. The run is seeded (`derandomize`): the same inputs on
every machine. FOOTPRINT_FUZZ_EXAMPLES sets the examples per connector (200 by default, the CI
run; 5000 for a long local run: see SECURITY.md).

Until the lead wires `auditor.guard.guard_records` into the ingest, the fuzz target reads through
it itself, so these tests state the final contract: records, or a `FootprintError`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor import registry
from tests.security.fuzz_support import EXAMPLES, variants

ROOT = Path(__file__).resolve().parents[2]
CONNECTORS = sorted(registry.connectors())

#: Crashes already reported to the connector owners: (connector, predicate on the input, why).
#: A crash that matches is an xfail; any other crash, exception or hang fails.
KNOWN_CRASHES: list[tuple[frozenset[str], re.Pattern[bytes], str]] = [
]


@dataclass
class FuzzResult:
    returncode: int
    output: str
    trace: Path


def _run(connector: str, trace: Path) -> FuzzResult:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-m", "tests.security.fuzz_run", connector,
         "--examples", str(EXAMPLES), "--trace", str(trace)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=max(300, EXAMPLES))
    return FuzzResult(proc.returncode, proc.stdout + proc.stderr, trace)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[FuzzResult]]]:
    """Every connector's fuzz run, started at once (one process per CPU at a time)."""
    folder = tmp_path_factory.mktemp("fuzz")
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        yield {name: pool.submit(_run, name, folder / f"{name}.input") for name in CONNECTORS}


@pytest.mark.parametrize("connector", CONNECTORS)
def test_mutated_archives_end_in_records_or_a_clean_error(connector: str,
                                                          fuzz: dict[str, Future[FuzzResult]]) -> None:
    res = fuzz[connector].result()
    if res.returncode not in (0, 1):  # a signal: the interpreter crashed
        data = res.trace.read_bytes() if res.trace.exists() else b""
        member = res.trace.with_suffix(".member").read_text().strip() if res.trace.exists() else "?"
        for names, pattern, why in KNOWN_CRASHES:
            if connector in names and pattern.search(data):
                pytest.xfail(f"known crash: {why}")
        pytest.fail(f"{connector}: the interpreter crashed (exit {res.returncode}) reading a mutation of "
                    f"{member}; the input is saved at {res.trace}\n{res.output[-3000:]}")
    assert res.returncode == 0, f"{connector}:\n{res.output[-6000:]}"
    assert f"{connector}: {EXAMPLES} examples in" in res.output


def test_every_connector_has_mutable_fixtures() -> None:
    found = variants()
    assert sorted(found) == CONNECTORS
    for name, items in found.items():
        assert items and all(v.members for v in items), name


# -- nesting that exhausts ijson's memory ---------------------------------------------------------

#: Connectors that parse with `ijson.parse`/`ijson.items` directly: on 100,000 nested brackets
#: they need gigabytes before the first event. Fix: `connectors.base.json_events`.
DEEP_VULNERABLE: dict[str, str] = {}  # every connector now parses on connectors.base.json_events
#: The peak memory a read of a 200 KB file may reach (the interpreter and footprint take ~40 MiB).
DEEP_PEAK_MIB = 300


@pytest.mark.parametrize("connector", [
    pytest.param(c, marks=pytest.mark.xfail(reason=DEEP_VULNERABLE[c], strict=False)) if c in DEEP_VULNERABLE
    else c for c in CONNECTORS])
def test_deep_nesting_is_refused_in_bounded_memory(connector: str) -> None:
    members = [m for v in variants()[connector] for m, kind in v.members if kind in ("json", "js")]
    if not members:
        pytest.skip(f"{connector} reads no JSON")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "tests.security.deep_probe", connector], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and len(lines) == len(members), proc.stdout + proc.stderr
    bad = [x for x in lines if x["outcome"] not in ("clean", "read")]
    assert not bad, f"raw exceptions: {bad}"
    over = [x for x in lines if x["peak_mib"] > DEEP_PEAK_MIB]
    assert not over, f"past {DEEP_PEAK_MIB} MiB: {over[:3]}"
