"""Text is data: hostile post text, names, bios and URLs from real archives are inert in every
report format.

tests/reports/test_report_html.py plants hostile strings in database rows; here they travel the
whole way, from an X archive and a generic CSV through ingest, audit and every renderer in
`reports.render.RENDERERS` (PDF is HTML printed by Chromium: its input is the HTML checked here).
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from tests.security.conftest import Cli, read_ytd, write_ytd

SCRIPT = "<script>alert('post')</script>"
HANDLER = '<img src=x onerror="alert(1)">'
CSS = "<style>body{background:url(https://evil.example/leak)}</style><div style=\"background:url(javascript:alert(3))\">"
LINK = "<a href=\"javascript:alert(2)\">click</a>"
FORMULA = "=cmd|' /C calc'!A0"
JS_URL = "javascript:alert('url')"
#: One risky post (a client reference with a time anchor: a confidentiality finding) carrying
#: every payload, its first characters a spreadsheet formula.
POST = (f"{FORMULA} Saw my client at the grocery store today after our session, she looked awful "
        f"{SCRIPT} {HANDLER} {CSS} {LINK} =HYPERLINK(\"https://evil.example\")")
NAME = '<img src=x onerror=alert("name")>Whitfield "Family" Therapy'
BIO = f"LMFT {SCRIPT.replace('post', 'bio')} <style>*{{display:none}}</style> Couples therapy"
HOSTILE_MARKERS = ("alert(", "evil.example", "onerror", "javascript:", "cmd|")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One audited workspace built from hostile archives, rendered in every format there is."""
    import shutil

    from reports.render import RENDERERS
    from tests.helpers import zip_folder
    from tests.security.conftest import DEMO

    tmp = tmp_path_factory.mktemp("text")
    cli = Cli()
    folder = tmp / "x"
    shutil.copytree(DEMO / "dana-professional-x", folder)
    data = folder / "data"
    prefix, acct = read_ytd(data / "account.js")
    acct[0]["account"]["accountDisplayName"] = NAME
    write_ytd(data / "account.js", prefix, acct)
    prefix, prof = read_ytd(data / "profile.js")
    prof[0]["profile"]["description"].update(bio=BIO, website=JS_URL, location='" onmouseover="alert(1)')
    write_ytd(data / "profile.js", prefix, prof)
    prefix, tweets = read_ytd(data / "tweets.js")
    for t in tweets:
        t["tweet"]["full_text"] = POST + " " + t["tweet"]["id_str"]
        t["tweet"]["display_text_range"] = ["0", str(len(t["tweet"]["full_text"]))]
    write_ytd(data / "tweets.js", prefix, tweets)
    archive = zip_folder(folder, tmp / "hostile-x.zip")
    generic = tmp / "hostile-forum.csv"
    with generic.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account", "kind", "id", "created_at", "text", "url"])
        w.writerow(["forum", "@dana.w", "post", "p1", "2025-02-01T09:00:00Z", POST, JS_URL])
        w.writerow(["forum", "@dana.w", "post", "p2", "2025-02-02T09:00:00Z",
                    "@SUM(1+1)*cmd|' /C calc'!A0 my client told me today in session she is leaving her husband",
                    "data:text/html,<script>alert(1)</script>"])
    db = str(tmp / "w.db")
    for path in (archive, generic):
        r = cli("ingest", str(path), "--subject", "Dana Whitfield", "--role", "professional", "--db", db)
        assert r.exit_code == 0, r.output
    r = cli("audit", "--db", db)
    assert r.exit_code == 0, r.output
    out: dict[str, Path] = {}
    for fmt in RENDERERS:
        if fmt == "pdf":
            continue
        for redact in ("--redact", "--no-redact"):
            path = tmp / f"report-{redact.strip('-')}.{fmt}"
            if fmt in api.FORMATS:
                r = cli("report", "--format", fmt, "-o", str(path), redact, "--db", db)
                assert r.exit_code == 0, (fmt, r.output)
            else:  # a renderer the CLI does not offer yet: the library, as `report` will call it
                path.write_text(_render(db, fmt, redact=redact == "--redact"), encoding="utf-8")
            out[f"{fmt}{redact}"] = path
    return out


def _render(db: str, fmt: str, *, redact: bool) -> str:
    from sqlalchemy.orm import Session

    from auditor.db import open_engine
    from reports.build import build_report
    from reports.render import render

    engine = open_engine(db, create=False)
    with Session(engine) as s:
        view = build_report(s, redact=redact)
    text = render(view, fmt)
    engine.dispose()
    return text if isinstance(text, str) else text.decode("utf-8")


class _Doc(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw_text: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw_text:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw_text[self._in].append(data)


def _formats(reports: dict[str, Path], fmt: str) -> list[Path]:
    found = [p for k, p in reports.items() if k.startswith(fmt + "--")]
    if not found:
        pytest.skip(f"no {fmt} renderer in reports.render.RENDERERS yet")
    return found


@pytest.mark.parametrize("redact", ["--redact", "--no-redact"])
def test_html_renders_hostile_text_as_text(reports: dict[str, Path], redact: str) -> None:
    html = reports[f"html{redact}"].read_text(encoding="utf-8")
    doc = _Doc()
    doc.feed(html)
    # The payloads arrive, escaped: the post is quoted as evidence, the bio and name shown.
    assert "&lt;script&gt;alert(" in html
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster"):
                v = (value or "").strip().lower()
                assert v.startswith(("#", "https://", "http://")), (tag, name, value)
            if name == "style":
                assert not any(m in (value or "") for m in HOSTILE_MARKERS), (tag, value)
        # No element of the payloads became markup (the template's own elements carry no data).
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        assert tag not in ("iframe", "object", "embed", "base", "form"), (tag, attrs)
    # Style and script bodies are the static stylesheet and script, never data.
    for kind, bodies in doc.raw_text.items():
        for body in bodies:
            assert not any(m in body for m in HOSTILE_MARKERS), (kind, body[:200])
    assert "Content-Security-Policy" in html


@pytest.mark.parametrize("redact", ["--redact", "--no-redact"])
def test_json_keeps_hostile_text_as_plain_string_values(reports: dict[str, Path], redact: str) -> None:
    data = json.loads(reports[f"json{redact}"].read_text(encoding="utf-8"))
    strings = list(_strings(data))
    # The text is data: present exactly, as a value, never parsed or executed.
    assert any(SCRIPT in s for s in strings)
    assert any(s.startswith(FORMULA) for s in strings) or any(FORMULA in s for s in strings)
    assert all(isinstance(k, str) for k in _keys(data))


def test_csv_cells_never_start_a_formula(reports: dict[str, Path]) -> None:
    for path in _formats(reports, "csv"):
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) > 1, path
        data_cells = [c for row in rows[1:] for c in row]
        assert any("cmd|" in c for c in data_cells), "the formula payload should reach the CSV"
        for cell in data_cells:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell[:80])


def test_sarif_links_and_messages_are_inert(reports: dict[str, Path]) -> None:
    for path in _formats(reports, "sarif"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in _items(data):
            if key in ("uri", "href", "helpUri") and isinstance(value, str):
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (key, value)
            if key == "markdown" and isinstance(value, str):
                assert "<script" not in value.lower() and "javascript:" not in value.lower(), value[:200]


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _keys(value: Any) -> Any:
    if isinstance(value, dict):
        yield from value
        for v in value.values():
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def _items(value: Any) -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _items(v)
    elif isinstance(value, list):
        for v in value:
            yield from _items(v)
