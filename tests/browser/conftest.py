"""A real browser for the report tests: Debian's headless Chromium driven by Playwright.

Playwright's Python package drives the system browser through `executable_path`; it never
downloads a browser of its own (`playwright install` is not used). Chromium starts with the
quiet, offline flags of `reports.chromium` and Playwright's own fresh profile folder.

Without Chromium or Playwright the browser tests skip, saying why; in CI (CI=true) they fail,
because .ci/install-chromium.sh must have installed them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports.chromium import FLAGS, find_chromium
from tests.helpers import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}: CI must run the browser tests (.ci/install-chromium.sh installs Chromium)")
    pytest.skip(f"{what}: the browser tests need Debian's chromium and the playwright package")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    path = find_chromium()
    if path is None:
        _missing("no Chromium found (install Debian's `chromium` or set FOOTPRINT_CHROMIUM)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    # Playwright adds its own --user-data-dir (a fresh temporary profile) and --no-sandbox.
    args = [flag for flag in FLAGS if flag != "--headless"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), headless=True, args=args,
                                    chromium_sandbox=False)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots and PDFs for people to look at (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
