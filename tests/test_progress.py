"""Progress: every long step reports how far it got, and the bar stays quiet off a terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from auditor import api
from auditor.analyzer import PROGRESS_EVERY
from auditor.analyzer.context import AnalysisContext
from auditor.cli import _Progress
from tests.helpers import FIXTURES


def test_scan_reports_every_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.analyzer.PROGRESS_EVERY", 5)
    calls: list[tuple[str, int, int | None]] = []
    api.scan(str(tmp_path / "fp.db"), professional=[FIXTURES / "archives" / "twitter" / "current"],
             out=tmp_path / "r.html", subject="Dana Whitfield",
             progress=lambda stage, done, total: calls.append((stage, done, total)))
    # Ingest counts records every thousand: this small archive has fewer, so no "reading" stage.
    stages = [s for s in dict.fromkeys(stage for stage, _, _ in calls) if not s.startswith("reading ")]
    # In one process client overlap comes first (its findings are written before the texts',
    # as when workers scan the texts while the audit's process writes it).
    assert stages == ["matching people across accounts", "analysing posts", "saving the findings",
                      "writing the html report"]
    analysed = [(done, total) for stage, done, total in calls if stage == "analysing posts"]
    total = analysed[0][1]
    assert total is not None and total > 5
    assert [d for d, _ in analysed] == sorted(d for d, _ in analysed)  # it only goes forward
    assert analysed[-1] == (total, total)                               # and ends at the total
    assert len(analysed) >= total // 5


def test_audit_counts_the_texts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One count per subject, with or without a progress callback: it sizes the bar and picks
    the engine's pass (the RE2 set only pays off on a large footprint)."""
    db = str(tmp_path / "fp.db")
    api.ingest(db, [FIXTURES / "archives" / "twitter" / "current"], role="professional", subject="Dana Whitfield")
    calls: list[int] = []
    real = AnalysisContext.count_texts

    def counted(self: AnalysisContext) -> int:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(AnalysisContext, "count_texts", counted)
    assert api.audit(db).total >= 0
    assert len(calls) == 1
    assert PROGRESS_EVERY >= 100


def test_the_bar_is_silent_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with _Progress() as progress:
        progress("analysing posts", 10, 100)
        progress.records("archive.zip", 500)
    assert err.getvalue() == ""


def test_the_bar_shows_stages_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    with _Progress() as progress:
        progress.records("x-archive.zip", 1500)
        progress("analysing posts", 40, 100)
        progress("analysing posts", 100, 100)
        progress("matching people across accounts", 0, None)
        bar = progress._bar
        descriptions = [t.description for t in bar.tasks]
        finished = {t.description: t.finished for t in bar.tasks}
    assert descriptions == ["reading x-archive.zip", "analysing posts", "matching people across accounts"]
    assert finished["reading x-archive.zip"] and finished["analysing posts"]
