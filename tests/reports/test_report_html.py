"""The HTML report: self-contained, CSP-pinned, inert against hostile text, redacted by default,
and built of semantic parts (headings in order, tables with headers, charts with text)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from reports.build import build_report
from reports.html import script, stylesheet
from reports.render import render

World = Any  # tests/reports/conftest.py's World


class Collector(HTMLParser):
    """Every start tag with its attributes, the text of <style> and <script>, and headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self._in: str | None = None
        self._heading: list[str] | None = None
        self._level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if dict(attrs).get("id"):
            self.ids.append(str(dict(attrs)["id"]))
        self._in = tag if tag in ("style", "script") else None
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._level = [], int(tag[1])

    def handle_endtag(self, tag: str) -> None:
        self._in = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._level, " ".join("".join(self._heading).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        if self._heading is not None:
            self._heading.append(data)


def html_of(world: World, *, redact: bool, **kw: Any) -> str:
    view = build_report(world.session, redact=redact, auditor="Compliance <b>Desk</b>", **kw)
    text = render(view, "html")
    assert isinstance(text, str)
    return text


def parsed(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


@pytest.mark.parametrize("redact", [True, False])
def test_hostile_text_is_inert(world: World, redact: bool) -> None:
    html = html_of(world, redact=redact)
    doc = parsed(html)
    # The only script is our own static file; the data's <script> is text.
    assert doc.scripts == [script()]
    assert html.lower().count("<script") == 1
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert not [t for t, _ in doc.tags if t in ("img", "iframe", "object", "embed", "b", "link", "base", "form")]
    for tag, attrs in doc.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "https://", "http://")), href
    assert "javascript:" not in " ".join(str(a.get("href")) for _, a in doc.tags)
    # The hostile URL is shown as text, not linked.
    assert "javascript:alert(document.cookie)" in html
    # External links never pass the opener or the referrer.
    links = [a for t, a in doc.tags if t == "a" and not str(a.get("href")).startswith("#")]
    assert links and all(a.get("rel") == "noopener noreferrer" for a in links)
    # Every in-page link points at an element that exists.
    ids = set(doc.ids)
    for _, attrs in doc.tags:
        href = str(attrs.get("href") or "")
        if href.startswith("#"):
            assert href[1:] in ids, href
    assert len(ids) == len(doc.ids), "duplicate ids"


def test_self_contained_with_a_strict_csp(world: World) -> None:
    html = html_of(world, redact=False)
    doc = parsed(html)
    metas = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    csp = str(metas[0]["content"])
    assert csp.startswith("default-src 'none'; ")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "unsafe-hashes" not in csp
    assert "base-uri 'none'" in csp and "form-action 'none'" in csp
    assert "require-trusted-types-for 'script'" in csp and "trusted-types 'none'" in csp
    # The hashes pin exactly the inlined stylesheet and script, and nothing else may run.
    assert doc.styles == [stylesheet()] and doc.scripts == [script()]
    assert f"style-src 'sha256-{_hash(doc.styles[0])}'" in csp
    assert f"script-src 'sha256-{_hash(doc.scripts[0])}'" in csp
    assert re.findall(r"script-src [^;]+", csp) == [f"script-src 'sha256-{_hash(script())}'"]
    # Nothing is loaded from anywhere, and no style attribute (the CSP would refuse it anyway).
    assert not [a for _, a in doc.tags if "src" in a or "srcset" in a or "style" in a]
    assert not [t for t, _ in doc.tags if t == "link"]
    assert "@import" not in html
    # url() appears only as in-document references to the chart patterns.
    assert all(m.group(1).startswith("#p-") for m in re.finditer(r"url\(([^)]*)\)", html))
    # Web addresses appear only as link targets.
    hits = [m.start() for m in re.finditer(r"https?://", html)]
    assert hits and all(html[i - 6:i] == 'href="' for i in hits)


def test_sections_and_content(world: World) -> None:
    html = html_of(world, redact=True)
    for heading in ("Executive summary", "Fix-it list", "Accounts", "Timeline", "Findings",
                    "Client overlap", "Scope and limitations", "Codes and editions applied",
                    "If a disclosure already happened", "Coverage", "Method: how the score is computed",
                    "Confidentiality", "Dual relationships", "Professional conduct",
                    "Personalized advice", "Testimonials", "Online boundaries"):
        assert f">{heading}" in html, heading
    assert "not legal advice" in html
    assert "X exports carry no current privacy flag" in html
    assert "<mark>my client</mark>" in html
    assert 'href="https://x.com/dana_w_personal/status/111"' in html
    assert "Compliance &lt;b&gt;Desk&lt;/b&gt;" in html
    assert "risk score is 100 × (1 − Π(1 − weight × score))" in html
    assert 'href="#method"' in html
    # HIPAA breach risk assessment, informational.
    assert "45 CFR 164.402" in html and "general information, not legal advice" in html
    for step in ("Document it", "Remove it", "Consult", "malpractice insurer", "licensing board"):
        assert step in html, step


def test_headings_are_in_order_and_tables_have_headers(world: World) -> None:
    doc = parsed(html_of(world, redact=True))
    levels = [level for level, _ in doc.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    tables = sum(1 for t, _ in doc.tags if t == "table")
    headers = [a for t, a in doc.tags if t == "th"]
    assert tables and all(a.get("scope") in ("col", "row") for a in headers)
    # Every chart is an image with a title and a description, and its numbers as a table.
    svgs = [a for t, a in doc.tags if t == "svg" and a.get("role") == "img"]
    assert svgs and all(a.get("aria-labelledby") for a in svgs)
    assert "the numbers as a table" in html_of(world, redact=True)


def test_redacted_html_names_no_third_party(world: World) -> None:
    redacted = html_of(world, redact=True).lower()
    plain = html_of(world, redact=False).lower()
    for name in world.third_parties:
        assert name.lower() in plain, f"{name} is not planted in the unredacted report"
        assert name.lower() not in redacted, f"{name} leaks into the redacted report"
    for own in world.own:
        assert own.lower() in redacted and own.lower() in plain
    assert "@j***" in redacted and "[name]" in redacted


def test_redacted_json_names_no_third_party(world: World) -> None:
    text = str(render(build_report(world.session, redact=True), "json")).lower()
    plain = str(render(build_report(world.session, redact=False), "json")).lower()
    for name in world.third_parties:
        assert name.lower() in plain
        assert name.lower() not in text
    assert [a["handle"] for a in json.loads(text)["accounts"]] == ["whitfieldcounseling", "dana_w_personal"]


def test_not_counted_findings_say_why(world: World) -> None:
    html = html_of(world, redact=True)
    assert "not counted: dismissed as a false positive" in html
    assert "not counted: resolved since the previous review" in html


def test_the_report_works_without_the_script(world: World) -> None:
    """The toolbar is hidden until the script shows it; findings are open by default."""
    html = html_of(world, redact=True)
    assert '<div class="toolbar" id="toolbar" hidden>' in html
    assert html.count("<details open>") == html.count('<article class="finding')
