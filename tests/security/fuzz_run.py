"""Run the connector fuzz property for one connector, in a process of its own.

    python -m tests.security.fuzz_run CONNECTOR [--examples N] [--survey]

The property: any mutation of a connector's fixture archive ends, within HANG_SECONDS, in
well-typed records or a clean `FootprintError`; never another exception, a hang or a crash.
test_security_fuzz.py runs this module in a subprocess per connector, so that an interpreter crash
(a segfault in a C extension) fails one test with its input instead of killing the test run; the
input being read is written to `--trace FILE` first, so a crash can be replayed.

`--survey` reads without `auditor.guard` and lists, instead of failing, every raw exception class
(with the project line that raised it) and every broken record: the report for connector owners.
Exit status: 0 when the property held (or the survey found nothing), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import FootprintError
from tests.security.fuzz_support import (
    EXAMPLES,
    HANG_SECONDS,
    Hang,
    Workspace,
    check_records,
    mutated,
    read_guarded,
    time_limit,
    variants,
)

ROOT = Path(__file__).resolve().parents[2]


def where(exc: BaseException) -> str:
    """The innermost frame of the project (not of the tests) that the exception went through."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename.startswith(str(ROOT)) and "/tests/" not in f.filename]
    f = (own or frames)[-1]
    name = Path(f.filename).relative_to(ROOT) if f.filename.startswith(str(ROOT)) else f.filename
    return f"{name}:{f.lineno}: {f.line}"


def run(connector: str, *, examples: int = EXAMPLES, survey: bool = False, trace: Path | None = None,
        found: dict[str, list[str]] | None = None) -> None:
    """The property over `examples` seeded inputs; raises (hypothesis' report) when it fails."""
    items = variants()[connector]
    assert items, f"no fixtures for {connector}"
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp), items)

        @settings(max_examples=examples, derandomize=True, database=None, print_blob=False,
                  deadline=None if survey else timedelta(seconds=5),
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.filter_too_much, HealthCheck.large_base_example])
        @given(data=st.data())
        def property_(data: st.DataObject) -> None:
            variant = data.draw(st.sampled_from(items), label="variant")
            member, kind = data.draw(st.sampled_from(variant.members), label="member")
            original = (variant.path / member if variant.path.is_dir() else variant.path).read_bytes()
            blob = data.draw(mutated(original, kind), label="bytes")
            if trace is not None:
                trace.write_bytes(blob)
                trace.with_suffix(".member").write_text(f"{variant.path}/{member}\n")
            with ws.swapped(variant, member, blob) as path:
                if not survey:
                    with time_limit(HANG_SECONDS):
                        try:
                            records = read_guarded(connector, path)
                        except FootprintError:
                            return
                    check_records(records)
                    return
                assert found is not None
                try:
                    with time_limit(HANG_SECONDS):
                        records = read_guarded(connector, path, strict=True)
                    check_records(records)
                except FootprintError:
                    pass
                except AssertionError as exc:
                    found[f"record contract: {str(exc)[:160]}"].append(f"{variant.path.name}/{member}")
                except (Exception, Hang) as exc:  # noqa: BLE001 - surveying
                    found[f"{type(exc).__module__}.{type(exc).__qualname__} at {where(exc)}"].append(
                        f"{variant.path.name}/{member}: {str(exc)[:80]!r}")

        property_()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("connectors", nargs="*", help="default: every registered connector")
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--survey", action="store_true")
    parser.add_argument("--trace", type=Path)
    args = parser.parse_args(argv)
    names = args.connectors or sorted(variants())
    status = 0
    for name in names:
        start = time.perf_counter()
        found: dict[str, list[str]] = defaultdict(list)
        try:
            run(name, examples=args.examples, survey=args.survey, trace=args.trace, found=found)
        except Exception:  # noqa: BLE001 - hypothesis' falsifying example, printed for the test
            traceback.print_exc()
            status = 1
        for key, cases in sorted(found.items()):
            print(f"{name}: {key}  [{len(cases)}x, e.g. {cases[0]}]")
            status = 1
        print(f"{name}: {args.examples} examples in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
