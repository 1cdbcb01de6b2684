"""Shared test fixtures: real samples from FOOTPRINT_SAMPLES, archives zipped at test time, pairs
of fresh databases on each back end."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import BACKENDS, database_url
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


@pytest.fixture(params=BACKENDS)
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh databases on one back end (SQLite, then PostgreSQL when configured), for tests
    that compare two ways of doing the same audit."""
    made = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        made.append(database_url(request.param, tmp_path / name))
    try:
        yield next(made[0]), next(made[1])
    finally:
        for gen in made:
            gen.close()
