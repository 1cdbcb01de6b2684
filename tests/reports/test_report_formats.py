"""The other formats: CSV (formula-safe, fixed header), SARIF 2.1.0, PDF through Chromium, and
the table of formats the CLI takes its choices from."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator, FormatChecker

from auditor.errors import UsageError
from auditor.models import FindingRow
from reports import pdf
from reports.build import build_report
from reports.chromium import find_chromium
from reports.csvreport import BOM, HEADER, escape_cell
from reports.render import FORMATS, RENDERERS, redacts_by_default, render, write_report
from reports.sarif import sarif_document

World = Any

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0-subset.schema.json").read_text("utf-8"))


def _checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return value.endswith("Z") and datetime.fromisoformat(value) is not None

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and not any(c.isspace() or ord(c) < 32 for c in value)

    @checker.checks("uri-reference", raises=ValueError)
    def _uri_reference(value: object) -> bool:
        if not isinstance(value, str):
            return True
        urlsplit(value)
        return not any(c.isspace() or ord(c) < 32 or c in '<>"{}|\\^`' for c in value)

    return checker


SARIF_VALIDATOR = Draft7Validator(SARIF_SCHEMA, format_checker=_checker())

FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd",
            "  =1+1"]


@pytest.fixture
def formula_world(world: World) -> World:
    """A finding whose every text field begins like a spreadsheet formula."""
    s = world.session
    s.add(FindingRow(
        run_id=world.run_id, subject_id=world.subject_id, account_id=None, fingerprint="ff" * 16,
        category="professional_conduct", rule_id="=cmd|' /C calc'!A0", severity="low", score=0.3,
        item_type="post", platform="twitter", native_id="-42", url=None,
        message=FORMULAS[0], excerpt=FORMULAS[1], spans=[], explanation=[FORMULAS[2], FORMULAS[6]],
        citations=[{"code": "@SUM(1)", "section": "x", "title": "t"}], remediation=FORMULAS[3],
        change="new", status="open",
    ))
    s.flush()
    return world


def _rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):], newline="")))


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_has_a_fixed_header_and_one_row_per_finding(world: World) -> None:
    view = build_report(world.session, redact=True)
    text = render(view, "csv")
    assert isinstance(text, str) and "\r\n" in text
    rows = _rows(text)
    assert tuple(rows[0]) == HEADER
    assert len(rows) == 1 + len(view.findings)
    assert all(len(r) == len(HEADER) for r in rows)
    by_fp = {r[HEADER.index("fingerprint")]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    first = by_fp["a1" * 16]
    assert first["severity"] == "high" and first["score"] == "0.90"
    assert first["url"] == "https://x.com/dana_w_personal/status/111"
    assert "AAMFT 2015 2.1 (Disclosures)" in first["citations"]


def test_csv_cells_never_start_a_formula(formula_world: World) -> None:
    rows = _rows(str(render(build_report(formula_world.session, redact=False), "csv")))
    row = next(dict(zip(HEADER, r, strict=True)) for r in rows if r[-1] == "ff" * 16)
    for cell in rows[1:][0] + [v for r in rows[1:] for v in r]:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)
    assert row["message"] == "'" + FORMULAS[0]
    assert row["excerpt"] == "'+1+1"
    assert row["native_id"] == "'-42"
    assert row["rule"].startswith("'=cmd")
    assert row["remediation"] == "'@SUM(A1)"
    assert row["explanation"].startswith("'-2+3")


@pytest.mark.parametrize(("cell", "escaped"), [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("  =1", "'  =1"), ("a=1", "a=1"), ("", ""), ("0.5", "0.5"), ("'=1", "'=1"),
])
def test_escape_cell(cell: str, escaped: str) -> None:
    assert escape_cell(cell) == escaped


def test_csv_is_redacted_when_the_view_is(world: World) -> None:
    redacted = str(render(build_report(world.session, redact=True), "csv")).lower()
    plain = str(render(build_report(world.session, redact=False), "csv")).lower()
    for name in world.third_parties:
        assert name.lower() in plain, name
        assert name.lower() not in redacted, name


# -- SARIF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("redact", [True, False])
def test_sarif_is_valid(formula_world: World, redact: bool) -> None:
    doc = json.loads(str(render(build_report(formula_world.session, redact=redact), "sarif")))
    errors = sorted(SARIF_VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_schema_rejects_what_sarif_forbids(world: World) -> None:
    doc = sarif_document(build_report(world.session, redact=True))
    broken = []
    for path, value in ((("version",), "2.0.0"), (("runs", 0, "results", 0, "level"), "critical"),
                        (("runs", 0, "results", 0, "baselineState"), "resolved"),
                        (("runs", 0, "results", 0, "color"), "red"),
                        (("runs", 0, "tool", "driver", "name"), None)):
        copy = json.loads(json.dumps(doc))
        target = copy
        for key in path[:-1]:
            target = target[key]
        if value is None:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        broken.append(copy)
    no_message = json.loads(json.dumps(doc))
    del no_message["runs"][0]["results"][0]["message"]
    bad_suppression = json.loads(json.dumps(doc))
    bad_suppression["runs"][0]["results"][0]["suppressions"] = [{"state": "accepted"}]
    for bad in (*broken, no_message, bad_suppression):
        assert not SARIF_VALIDATOR.is_valid(bad)


def test_sarif_maps_findings(world: World) -> None:
    doc = sarif_document(build_report(world.session, redact=True))
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = {r["partialFingerprints"]["footprint/v1"]: r for r in run["results"]}
    assert len(results) == len(run["results"]) == 6
    for r in run["results"]:
        assert rules[r["ruleIndex"]] == r["ruleId"]
    assert results["d4" * 16]["level"] == "error"          # critical
    assert results["b2" * 16]["level"] == "warning"        # medium
    assert results["c3" * 16]["level"] == "note"           # low
    assert results["c3" * 16]["suppressions"][0]["kind"] == "external"   # false positive
    assert "suppressions" not in results["a1" * 16]
    assert results["f6" * 16]["baselineState"] == "absent"               # resolved
    located = results["a1" * 16]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert located == "https://x.com/dana_w_personal/status/111"
    # Without a web address the location is a relative reference, never the hostile URL.
    assert results["d4" * 16]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "twitter/dana_w_personal/post/115"
    )
    assert run["properties"]["redacted"] is True


def test_sarif_is_redacted_by_default(world: World) -> None:
    text = str(render(build_report(world.session, redact=True), "sarif")).lower()
    for name in world.third_parties:
        assert name.lower() not in text, name


# -- the table of formats ------------------------------------------------------------------------


def test_formats_and_their_redaction_defaults() -> None:
    assert list(FORMATS) == ["html", "json", "csv", "sarif", "pdf"] == list(RENDERERS)
    assert {f: redacts_by_default(f) for f in FORMATS} == {
        "html": True, "json": False, "csv": True, "sarif": True, "pdf": True,
    }
    assert FORMATS["pdf"].binary and not FORMATS["html"].binary
    with pytest.raises(UsageError, match="unknown report format 'docx'.*html, json, csv, sarif, pdf"):
        redacts_by_default("docx")


def test_write_report_writes_bytes_owner_only(tmp_path: Path) -> None:
    out = write_report(tmp_path / "r.pdf", b"%PDF-1.7\n")
    assert out.read_bytes() == b"%PDF-1.7\n" and (out.stat().st_mode & 0o777) == 0o600


# -- PDF -----------------------------------------------------------------------------------------


def test_pdf_without_chromium_says_how_to_print(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(UsageError) as info:
        render(build_report(world.session, redact=True), "pdf")
    message = str(info.value)
    assert "Chromium" in message and "Save as PDF" in message and "footprint report -o report.html" in message


def test_pdf_with_chromium(world: World) -> None:
    if find_chromium() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must have Chromium (.ci/install-chromium.sh) for the PDF test")
        pytest.skip("no Chromium installed: the PDF test needs Debian's chromium")
    data = render(build_report(world.session, redact=True), "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2
