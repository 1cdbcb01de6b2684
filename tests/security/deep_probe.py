"""Probe: every JSON member of a connector's fixtures replaced, one at a time, by 100,000 nested
brackets (200 KB). Run in a process of its own under an address-space limit:

    python -m tests.security.deep_probe CONNECTOR

Prints one JSON line per member: how the read ended ("clean", or the raw exception class) and the
process's peak resident memory so far, in MiB. `ijson.parse` and `ijson.items` build a prefix
string per nesting level for every event of a read buffer before they yield the first one, so on
such a file they need gigabytes; `connectors.base.json_events` stops at `Limits.max_depth`.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

from auditor.errors import FootprintError
from tests.security.fuzz_support import Workspace, read_guarded, variants

DEEP = b"[" * 100_000 + b"]" * 100_000
#: The address-space cap of the probe process: a parser that needs more fails with MemoryError.
ADDRESS_SPACE = 1024**3


def _peak_mib() -> int:
    """This process's own peak resident memory, in MiB.

    /proc's VmHWM belongs to the address space, which exec makes new; `ru_maxrss` does not: Linux
    carries it over from the parent across fork and exec, so under a large pytest process it
    reported the parent's peak, not the probe's.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(connector: str) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    items = variants()[connector]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp), items)
        for v in items:
            for member, kind in v.members:
                if kind not in ("json", "js"):
                    continue
                data = (b"window.YTD.x.part0 = " + DEEP) if kind == "js" else DEEP
                with ws.swapped(v, member, data) as path:
                    try:
                        read_guarded(connector, path, strict=True)
                        outcome = "read"
                    except FootprintError:
                        outcome = "clean"
                    except BaseException as exc:  # noqa: BLE001 - probing
                        outcome = type(exc).__name__
                peak = _peak_mib()
                print(json.dumps({"member": f"{v.path.name}/{member}", "outcome": outcome,
                                  "peak_mib": peak}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
