"""Finding and starting a local headless Chromium: for PDF output and for the browser tests.

Debian's `chromium` is the one CI installs (.ci/install-chromium.sh). On a closed network it
tries to phone home unless told not to, so every start uses the flags below and a fresh
profile folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: Executables tried in order when FOOTPRINT_CHROMIUM is not set.
CANDIDATES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

#: Quiet, offline, headless: no first-run UI, no updates, no sync, no QUIC probes.
FLAGS: tuple[str, ...] = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--metrics-recording-only",
    "--mute-audio",
)


def find_chromium() -> Path | None:
    """`$FOOTPRINT_CHROMIUM` when set, else the first Chromium or Chrome on PATH, else None."""
    explicit = os.environ.get("FOOTPRINT_CHROMIUM")
    if explicit:
        path = Path(explicit)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def needs_no_sandbox() -> bool:
    """Chromium refuses to start as root with its sandbox on; CI and containers run as root."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def launch_args(user_data_dir: Path, *, no_sandbox: bool | None = None) -> list[str]:
    """The flags for one start, with its own profile folder."""
    args = [*FLAGS, f"--user-data-dir={user_data_dir}"]
    if no_sandbox if no_sandbox is not None else needs_no_sandbox():
        args.append("--no-sandbox")
    return args
