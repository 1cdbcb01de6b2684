"""Shared test fixtures: real samples from FOOTPRINT_SAMPLES, archives zipped at test time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, zip_folder


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The shared real-sample folder. Outside CI a missing folder skips; in CI it fails."""
    value = os.environ.get("FOOTPRINT_SAMPLES")
    if not value or not Path(value).is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("FOOTPRINT_SAMPLES is not set to a folder, and CI must run the sample tests")
        pytest.skip("FOOTPRINT_SAMPLES is not set: the real-sample tests need ../shared/samples")
    return Path(value)


@pytest.fixture
def make_archive(tmp_path: Path):
    """make_archive("archives/twitter/current") → a zip of that fixture folder in tmp_path."""

    def make(rel: str, *, top: str | None = None, name: str | None = None) -> Path:
        folder = FIXTURES / rel
        assert folder.is_dir(), folder
        return zip_folder(folder, tmp_path / (name or (rel.replace("/", "-") + ".zip")), top=top)

    return make
