"""The HTML report in a real browser (headless Chromium): inert, offline, clean, usable.

Three reports are opened: the demo exactly as `footprint demo` writes it; a practice report
of two clinicians, one of them built from fixtures/hostile/ (script tags and event handlers in
posts, names, bios, overlap entries, the auditor's name and discovered accounts), redacted and
not; and the demo a year later (since-last-review, overlap, accounts to audit next). Each must
run no script but ours (allowed by its CSP hash), send no request, log nothing to the console,
and pass the layout, keyboard and contrast checks. Screenshots at desktop and phone widths and
a printed PDF go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from reports.render import render
from reports.view import DiscoveredAccount, Membership, OverlapEntry
from tests.reports import scenarios

HOSTILE_AUDITOR = 'Northside <script>alert("auditor")</script> Ethics'
HOSTILE_OVERLAP = (
    OverlapEntry(
        person="<img src=x onerror=alert('overlap')>",
        tier="certain",
        confidence=0.97,
        roster_match=True,
        memberships=(
            Membership("twitter", "<script>alert('m')</script>", "\"><svg onload=alert(2)>", "9001004",
                       "rowan_hale_pdx", "personal", "follower"),
        ),
        explanation=("<b onmouseover=alert('why')>same id</b>",),
        subject="Rowan Hale",
    ),
)
HOSTILE_DISCOVERED = (
    DiscoveredAccount("web", "<svg onload=alert('disc')>", "javascript:alert('disc')",
                      "footprint fetch web '<script>alert(1)</script>'"),
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# -- the reports ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name → report.html for every report the tests open."""
    root = tmp_path_factory.mktemp("browser")
    out: dict[str, Path] = {}
    demo = root / "footprint-demo"
    api.demo(demo)
    out["demo"] = demo / "report.html"

    db = str(root / "practice.db")
    api.subject_add(db, scenarios.SUBJECT, profession="mft", state="OR", covered_entity=True)
    api.subject_add(db, "Rowan Hale", profession="counselor")
    api.ingest(db, [scenarios.DEMO / "dana-personal-x"], role="personal", subject=scenarios.SUBJECT)
    api.ingest(db, [scenarios.DEMO / "dana-professional-x"], role="professional", subject=scenarios.SUBJECT)
    api.ingest(db, [scenarios.HOSTILE / "rowan-personal-x"], role="personal", subject="Rowan Hale")
    api.audit(db)
    for name, redact in (("hostile", True), ("hostile-unredacted", False)):
        view = scenarios.view_of(db, redact=redact, auditor=HOSTILE_AUDITOR, overlap=HOSTILE_OVERLAP,
                                 discovered=HOSTILE_DISCOVERED)
        out[name] = scenarios.render_to(view, root / f"{name}.html", render)

    review = scenarios.annual_review(root / "review")
    view = scenarios.view_of(review, overlap=scenarios.OVERLAP, discovered=scenarios.DISCOVERED)
    out["annual-review"] = scenarios.render_to(view, root / "annual-review.html", render)
    return out


@dataclass
class Log:
    """Everything the page did that a report must not do."""

    url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def violations(self, page: Any) -> list[str]:
        return list(page.evaluate("window.__violations || []"))

    def assert_clean(self, page: Any) -> None:
        __tracebackhide__ = True
        assert self.requests == [self.url], f"requests left the page: {self.requests}"
        assert not self.console, f"console messages: {self.console}"
        assert not self.errors, f"page errors: {self.errors}"
        assert not self.dialogs, f"a script opened dialogs: {self.dialogs}"
        assert not self.violations(page), f"CSP violations: {self.violations(page)}"


#: Runs before the page's own script in every document: records CSP violations (the page's CSP
#: does not apply to scripts the test harness injects).
_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, *, viewport: dict[str, int] = DESKTOP, js: bool = True,
              phone: bool = False) -> tuple[Any, Log]:
        options: dict[str, Any] = {"viewport": viewport, "java_script_enabled": js,
                                   "service_workers": "block"}
        if phone:
            # Scale 1 keeps the full-page screenshots small; the layout is the phone's all the same.
            options.update(is_mobile=True, has_touch=True, device_scale_factor=1)
        context = browser.new_context(**options)
        contexts.append(context)
        log = Log(path.resolve().as_uri())
        context.on("request", lambda r: log.requests.append(r.url))
        # Anything but the report file itself is refused before it leaves the browser.
        context.route("**/*", lambda route: route.continue_() if route.request.url == log.url
                      else route.abort())
        page = context.new_page()
        page.add_init_script(_WATCH)
        page.on("console", lambda m: log.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: log.errors.append(str(e)))
        page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
        page.goto(log.url, wait_until="load")
        return page, log

    yield open_
    for context in contexts:
        context.close()


# -- safety --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo", "hostile", "hostile-unredacted", "annual-review"])
def test_no_script_but_ours_no_request_clean_console(reports: dict[str, Path], open_report: Any,
                                                     name: str) -> None:
    page, log = open_report(reports[name])
    page.wait_for_timeout(200)
    log.assert_clean(page)
    dom = page.evaluate("""() => ({
        scripts: document.scripts.length,
        handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        embedded: document.querySelectorAll('img, iframe, object, embed, frame, link, base, form, meta[http-equiv=refresh]').length,
        jsLinks: [...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|#)/.test(a.getAttribute('href'))).length,
        ourScriptRan: document.documentElement.classList.contains('js') && !document.getElementById('toolbar').hidden,
        status: document.getElementById('filter-status').textContent,
    })""")
    assert dom["scripts"] == 1
    assert dom["handlers"] == 0 and dom["embedded"] == 0 and dom["jsLinks"] == 0
    # Ours did run, so the CSP hash is right; nothing else could.
    assert dom["ourScriptRan"] and dom["status"].endswith("findings shown")


def test_hostile_text_is_shown_as_text(reports: dict[str, Path], open_report: Any) -> None:
    page, log = open_report(reports["hostile-unredacted"])
    text = page.inner_text("main")
    assert "<script>alert('post')</script>" in text
    assert "<img src=x onerror=alert('reply')>" in text
    assert "⟨U+202E⟩txt.exe" in text  # the bidi override is shown, not obeyed
    assert 'Northside <script>alert("auditor")</script> Ethics' in page.inner_text("header")
    log.assert_clean(page)


def test_redacted_hostile_report_names_no_third_party(reports: dict[str, Path], open_report: Any) -> None:
    page, _ = open_report(reports["hostile"])
    text = page.inner_text("body").casefold()
    for name in ("Pat Okonkwo", "pat_okonkwo", "Lena Marsh", "lena_marsh", "Devon Ruiz", "devon.ruiz",
                 "onerror=alert('overlap')", "9001004"):
        assert name.casefold() not in text, name
    assert "rowan_hale_pdx" in text and "[name]" in text


def test_without_javascript_the_report_is_complete(reports: dict[str, Path], open_report: Any) -> None:
    page, log = open_report(reports["demo"], js=False)
    state = page.evaluate("""() => ({
        toolbarShown: !!document.getElementById('toolbar').offsetParent,
        findings: document.querySelectorAll('article.finding').length,
        visible: [...document.querySelectorAll('article.finding .finding-body')].filter(e => e.offsetParent).length,
    })""")
    assert not state["toolbarShown"]
    assert state["findings"] > 0 and state["visible"] == state["findings"]
    log.assert_clean(page)


# -- the script: filtering and folding -----------------------------------------------------------


def test_filter_and_fold(reports: dict[str, Path], open_report: Any) -> None:
    page, log = open_report(reports["annual-review"])
    total = page.locator("article.finding").count()
    high = page.locator("article.finding[data-severity=high]").count()
    assert high > 0
    page.get_by_label("High", exact=True).uncheck()
    assert page.locator("article.finding[data-severity=high]:visible").count() == 0
    assert page.locator("#filter-status").inner_text() == f"{total - high} of {total} findings shown"
    page.get_by_label("Dismissed and resolved").uncheck()
    assert page.locator("article.finding[data-counted=no]:visible").count() == 0
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Dismissed and resolved").check()
    assert page.locator("article.finding:visible").count() == total
    page.get_by_role("button", name="Collapse all findings").click()
    assert page.locator("article.finding details[open]").count() == 0
    page.get_by_role("button", name="Expand all findings").click()
    assert page.locator("article.finding details[open]").count() == total
    log.assert_clean(page)


# -- keyboard, contrast, layout ------------------------------------------------------------------


def test_keyboard_navigation(reports: dict[str, Path], open_report: Any) -> None:
    page, log = open_report(reports["demo"])
    page.keyboard.press("Tab")
    first = page.evaluate("() => ({cls: document.activeElement.className, top: document.activeElement.getBoundingClientRect().top})")
    assert first["cls"] == "skip" and first["top"] >= 0, "the skip link comes first and shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Every stop of the tab order shows where the focus is.
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
        assert focus["tag"] != "BODY"
        assert focus["outline"] != "none" and focus["width"] >= 2, focus
    # A finding folds from the keyboard.
    summary = page.locator("article.finding summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("article.finding details").first.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert page.locator("article.finding details").first.get_attribute("open") is not None
    log.assert_clean(page)


_CONTRAST = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const backdrop = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let bg = {r: 255, g: 255, b: 255, a: 1}; for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg); return bg; };
  const bad = []; const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue; seen.add(el);
    if (el.closest('svg, .visually-hidden, [hidden]') || el.getClientRects().length === 0) continue;
    const s = getComputedStyle(el); if (s.visibility !== 'visible') continue;
    const bg = backdrop(el); const fg = over(parse(s.color), bg);
    const a = lum(fg), b = lum(bg); const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize); const large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${ratio.toFixed(2)} ${s.color} on ${JSON.stringify(bg)}: ${node.textContent.trim().slice(0, 40)}`);
  }
  return bad;
}"""


@pytest.mark.parametrize("name", ["demo", "annual-review"])
def test_text_contrast_passes_wcag_aa(reports: dict[str, Path], open_report: Any, name: str) -> None:
    page, _ = open_report(reports[name])
    assert page.evaluate(_CONTRAST) == []


@pytest.mark.parametrize("name", ["demo", "hostile", "annual-review"])
def test_screenshots_desktop_and_phone(reports: dict[str, Path], open_report: Any, artifacts: Path,
                                       name: str) -> None:
    page, log = open_report(reports[name])
    page.screenshot(path=str(artifacts / f"report-{name}-desktop.png"), full_page=True)
    log.assert_clean(page)
    phone, phone_log = open_report(reports[name], viewport=PHONE, phone=True)
    # The page itself never scrolls sideways on a phone; wide tables scroll in their own box.
    widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide on a {widths[1]}px screen"
    phone.screenshot(path=str(artifacts / f"report-{name}-phone.png"), full_page=True)
    phone_log.assert_clean(phone)


def test_print_gives_a_clean_document(reports: dict[str, Path], open_report: Any, artifacts: Path) -> None:
    page, log = open_report(reports["annual-review"])
    page.get_by_role("button", name="Collapse all findings").click()
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['toolbar'].map(id => getComputedStyle(document.getElementById(id)).display)
        .concat([getComputedStyle(document.querySelector('nav.toc')).display])""")
    assert hidden == ["none", "none"]
    page.pdf(path=str(artifacts / "report-annual-review.pdf"), print_background=True,
             format="Letter")
    # Printing opens everything that was folded on screen (the script's beforeprint).
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("article.finding details:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("article.finding details[open]").count() == 0
    log.assert_clean(page)
