"""Golden files, coverage.py style: scrub what changes run to run, compare as text, keep the
actual output of a mismatch in the git-ignored `tests/actual/`, and regenerate on request.

Regenerate every golden file in one command:

    FOOTPRINT_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/reports/test_report_golden.py
    (or: pytest tests/reports --update-golden)
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable

from tests.helpers import FIXTURES, ROOT

EXPECTED = FIXTURES / "expected"
ACTUAL = ROOT / "tests" / "actual"
UPDATE_ENV = "FOOTPRINT_UPDATE_GOLDEN"

#: Set by tests/reports/conftest.py from `--update-golden`.
update_requested = False

Scrub = tuple[str, str]


def updating() -> bool:
    return update_requested or os.environ.get(UPDATE_ENV, "") not in ("", "0")


def scrub(text: str, scrubs: Iterable[Scrub]) -> str:
    """Apply each (regex, replacement) in order."""
    for pattern, replacement in scrubs:
        text = re.sub(pattern, replacement, text)
    return text


def literal(value: str, replacement: str) -> Scrub:
    """A scrub for one exact string."""
    return (re.escape(value), replacement)


def compare(name: str, actual: str, scrubs: Iterable[Scrub] = ()) -> None:
    """Assert that `actual`, scrubbed, equals fixtures/expected/NAME (or write it when updating)."""
    __tracebackhide__ = True
    text = scrub(actual, scrubs)
    expected_path = EXPECTED / name
    if updating():
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(text, "utf-8")
        return
    if not expected_path.exists():
        raise AssertionError(
            f"no golden file {expected_path.relative_to(ROOT)}; create it with "
            f"{UPDATE_ENV}=1 pytest tests/reports/test_report_golden.py"
        )
    expected = expected_path.read_text("utf-8")
    if text == expected:
        return
    actual_path = ACTUAL / name
    actual_path.parent.mkdir(parents=True, exist_ok=True)
    actual_path.write_text(text, "utf-8")
    diff = "".join(list(difflib.unified_diff(
        expected.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=f"expected/{name}", tofile=f"actual/{name}", n=2,
    ))[:200])
    raise AssertionError(
        f"{name} differs from its golden file (actual output saved to "
        f"{actual_path.relative_to(ROOT)}; if the change is intended, regenerate with "
        f"{UPDATE_ENV}=1 pytest tests/reports/test_report_golden.py):\n{diff}"
    )
