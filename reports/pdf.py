"""PDF: the HTML report printed by a local headless Chromium, or a clear way to do it by hand.

The HTML is written to a private temporary folder and printed from there with the report's
own print styles; its Content-Security-Policy lets nothing load, and Chromium runs with its
network chatter off (reports.chromium), so printing sends nothing anywhere.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from auditor.errors import InputError, UsageError
from reports.chromium import find_chromium, launch_args
from reports.html import render_html
from reports.view import ReportView

TIMEOUT_SECONDS = 120
HOW_TO_PRINT = (
    "write the HTML report instead (footprint report -o report.html), open it in a browser and "
    "choose Print, then Save as PDF (the report has print styles for this)"
)


def render_pdf(view: ReportView) -> bytes:
    """The report as PDF bytes; UsageError when no Chromium is installed."""
    browser = find_chromium()
    if browser is None:
        raise UsageError(
            "PDF output needs a local Chromium or Chrome, and none was found (install Debian's "
            f"`chromium`, or set FOOTPRINT_CHROMIUM to its path); or {HOW_TO_PRINT}"
        )
    html = render_html(view)
    with tempfile.TemporaryDirectory(prefix="footprint-pdf-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o700)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        page.chmod(0o600)
        out = folder / "report.pdf"
        error = _print(browser, page, out, folder / "profile", no_sandbox=None)
        if error is not None and not out.exists():
            # A sandbox that cannot start (containers without user namespaces): try without it.
            error = _print(browser, page, out, folder / "profile2", no_sandbox=True)
        data = out.read_bytes() if out.exists() else b""
    if not data.startswith(b"%PDF"):
        raise InputError(f"Chromium ({browser}) could not print the report ({error or 'no PDF written'}); or {HOW_TO_PRINT}")
    return data


def _print(browser: Path, page: Path, out: Path, profile: Path, *, no_sandbox: bool | None) -> str | None:
    """Run one print; None on success, else a short reason."""
    args = [
        str(browser),
        *launch_args(profile, no_sandbox=no_sandbox),
        f"--print-to-pdf={out}",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",
        page.as_uri(),
    ]
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT_SECONDS} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if done.returncode != 0:
        return f"exit status {done.returncode}"
    return None
