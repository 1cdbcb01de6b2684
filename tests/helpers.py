"""Helpers shared by test modules (import as `tests.helpers`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def zip_folder(folder: Path, dest: Path, *, top: str | None = None) -> Path:
    """Zip a fixture folder (optionally under one top folder, as platforms do) and return the zip."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder).as_posix()
                zf.write(path, f"{top}/{rel}" if top else rel)
    return dest
