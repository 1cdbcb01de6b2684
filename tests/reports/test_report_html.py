"""The HTML report: self-contained, CSP-pinned, inert against hostile text, redacted by default."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from reports.build import build_report
from reports.render import render

World = Any  # tests/reports/conftest.py's World


class Collector(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def html_of(world: World, *, redact: bool) -> str:
    return render(build_report(world.session, redact=redact, auditor="Compliance <b>Desk</b>"), "html")


def parsed(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


@pytest.mark.parametrize("redact", [True, False])
def test_hostile_text_is_inert(world: World, redact: bool) -> None:
    html = html_of(world, redact=redact)
    doc = parsed(html)
    assert "<script" not in html.lower()
    assert not [t for t, _ in doc.tags if t in ("script", "img", "iframe", "object", "embed", "svg", "b")]
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


def test_self_contained_with_a_strict_csp(world: World) -> None:
    html = html_of(world, redact=False)
    doc = parsed(html)
    metas = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    csp = str(metas[0]["content"])
    assert csp.startswith("default-src 'none'; ")
    assert "unsafe-inline" not in csp and "script-src" not in csp
    assert "base-uri 'none'" in csp and "form-action 'none'" in csp
    # The style hash pins exactly the inlined stylesheet.
    assert len(doc.styles) == 1
    digest = base64.b64encode(hashlib.sha256(doc.styles[0].encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    # Nothing is loaded from anywhere.
    assert not [a for _, a in doc.tags if "src" in a or "srcset" in a]
    assert not [t for t, _ in doc.tags if t == "link"]
    assert "@import" not in html and "url(" not in html
    # Web addresses appear only as link targets.
    hits = [m.start() for m in re.finditer(r"https?://", html)]
    assert hits and all(html[i - 6:i] == 'href="' for i in hits)


def test_sections_and_content(world: World) -> None:
    html = html_of(world, redact=True)
    for heading in ("Executive summary", "Accounts", "Findings", "Client overlap", "Coverage",
                    "Confidentiality", "Dual relationships", "Professional conduct",
                    "Personalized advice", "Testimonials", "Online boundaries"):
        assert f">{heading}" in html, heading
    assert "not legal advice" in html
    assert "X exports carry no current privacy flag" in html
    assert "<mark>my client</mark>" in html
    assert 'href="https://x.com/dana_w_personal/status/111"' in html
    assert "Compliance &lt;b&gt;Desk&lt;/b&gt;" in html
    assert "risk score is 100 × (1 − Π(1 − weight × score))" in html


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
    text = render(build_report(world.session, redact=True), "json").lower()
    plain = render(build_report(world.session, redact=False), "json").lower()
    for name in world.third_parties:
        assert name.lower() in plain
        assert name.lower() not in text
    assert [a["handle"] for a in json.loads(text)["accounts"]] == ["whitfieldcounseling", "dana_w_personal"]
