"""A footprint with thousands of findings still gives an HTML report a browser can open: the
highest-ranked findings, steps and overlap entries up to a limit, a note for the rest, and no
link to anything left out. The JSON report keeps everything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor import api

ANCHOR_LINK = re.compile(r'href="#([^"]+)"')
ID = re.compile(r'\bid="([^"]+)"')


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("demo")
    api.demo(out)
    return str(out / "footprint.db")


def _html(db: str, tmp_path: Path) -> str:
    api.report(db, out=tmp_path / "r.html")
    return (tmp_path / "r.html").read_text(encoding="utf-8")


def test_limits_leave_a_note_and_no_dangling_link(demo_db: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    full = _html(demo_db, tmp_path)
    assert "more-findings" not in full  # the demo is far below the limits
    findings = json.loads(str(api.report(demo_db, fmt="json")[1]))["findings"]
    by_category: dict[str, int] = {}
    for f in findings:
        by_category[f["category"]] = by_category.get(f["category"], 0) + 1

    monkeypatch.setattr("reports.build.HTML_PER_CATEGORY", 1)
    monkeypatch.setattr("reports.build.HTML_ACTIONS", 2)
    monkeypatch.setattr("reports.build.HTML_OVERLAP", 1)
    html = _html(demo_db, tmp_path)
    assert len(html) < len(full)
    assert html.count('<article class="finding ') == len(by_category)  # one per category with any
    for category, n in by_category.items():
        if n > 1:
            assert f"{n - 1} lower-ranked finding" in html
            assert f"footprint findings --category {category}" in html
        # The heading still counts every finding of the category.
        assert re.search(rf'id="s1-cat-{category}-h">[^<]*<span class="count">\({n}\)</span>', html), category
    assert "less urgent step" in html
    ids = set(ID.findall(html))
    dangling = sorted(set(ANCHOR_LINK.findall(html)) - ids)
    assert dangling == []
    # Nothing is left out of the JSON report.
    assert len(json.loads(str(api.report(demo_db, fmt="json")[1]))["findings"]) == len(findings)
