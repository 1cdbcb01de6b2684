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


def test_every_missing_folder_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0)
    try:
        out = write_report(tmp_path / "a" / "b" / "c" / "report.html", "x")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode(folder) == 0o700, folder
    assert mode(out) == 0o600
    # An existing folder is not changed.
    assert mode(tmp_path) != 0 and write_report(tmp_path / "r.html", "y").parent == tmp_path
