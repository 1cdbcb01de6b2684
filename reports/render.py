"""`ReportView` → report files: the table of formats, and writing files owner-only.

A format is one entry in `FORMATS`: a function from the view to text (or bytes, for PDF),
whether it redacts by default, and its file suffix. `auditor.api` takes its list of formats
from here, so a new format is one module and one line below.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import UsageError
from reports.csvreport import render_csv
from reports.html import NOT_LEGAL_ADVICE, content_security_policy, render_html, script, stylesheet
from reports.jsonreport import json_document, render_json
from reports.pdf import render_pdf
from reports.sarif import render_sarif
from reports.view import ReportView

__all__ = [
    "FORMATS",
    "NOT_LEGAL_ADVICE",
    "RENDERERS",
    "Format",
    "content_security_policy",
    "json_document",
    "redacts_by_default",
    "render",
    "render_html",
    "render_json",
    "script",
    "stylesheet",
    "write_report",
]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format."""

    name: str
    render: Callable[[ReportView], str | bytes]
    #: DESIGN.md: HTML, PDF and CSV mask third parties unless --no-redact; JSON is the complete
    #: machine format. SARIF is meant for dashboards other people see, so it masks too.
    redacts: bool
    suffix: str
    binary: bool = False


FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format("html", render_html, True, ".html"),
        Format("json", render_json, False, ".json"),
        Format("csv", render_csv, True, ".csv"),
        Format("sarif", render_sarif, True, ".sarif"),
        Format("pdf", render_pdf, True, ".pdf", binary=True),
    )
}
#: Format name → renderer (the table older callers and tests use).
RENDERERS: Mapping[str, Callable[[ReportView], str | bytes]] = {n: f.render for n, f in FORMATS.items()}


def _format(fmt: str) -> Format:
    found = FORMATS.get(fmt.lower())
    if found is None:
        raise UsageError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return found


def redacts_by_default(fmt: str) -> bool:
    """Whether a format masks third parties when neither --redact nor --no-redact is given."""
    return _format(fmt).redacts


def render(view: ReportView, fmt: str) -> str | bytes:
    """Render the view in one of `FORMATS`; an unknown format is a usage error."""
    return _format(fmt).render(view)


def write_report(path: Path, data: str | bytes) -> Path:
    """Write a report readable by its owner only (0600), creating missing parent folders."""
    path = Path(path)
    # Each missing folder owner-only, not just the last: mkdir(parents=True) would give the
    # ones above it the umask's mode.
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # whatever the umask
    if path.exists():
        # Tighten an existing file before the sensitive text goes in, not after.
        os.chmod(path, 0o600)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if isinstance(data, bytes):
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    else:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
    return path
