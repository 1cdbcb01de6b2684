"""reports.render.write_report: owner-only files, parents created, existing files tightened."""

from __future__ import annotations

import stat
from pathlib import Path

from reports.render import write_report


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_is_owner_only(tmp_path: Path) -> None:
    out = write_report(tmp_path / "new" / "dir" / "report.html", "<p>é</p>")
    assert out.read_text("utf-8") == "<p>é</p>"
    assert mode(out) == 0o600


def test_existing_file_is_tightened_and_replaced(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old old old old", "utf-8")
    out.chmod(0o644)
    write_report(out, "{}\n")
    assert out.read_text("utf-8") == "{}\n"
    assert mode(out) == 0o600
