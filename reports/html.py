"""The self-contained HTML report: Jinja2 templates over the view-model, inlined CSS and one
small static script, both pinned by hash in a strict Content-Security-Policy.

Nothing in the page may load from anywhere (`default-src 'none'`), no script but ours may run
(`script-src` with its hash, Trusted Types required so even ours cannot inject markup), and
every value from the data is autoescaped. The script only filters and folds what is already
on the page; without it (JavaScript off, or a strict viewer) the report is complete.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports import guidance
from reports.dates import readable
from reports.view import ReportView

NOT_LEGAL_ADVICE = guidance.NOT_LEGAL_ADVICE


#: Characters that change how the text around them is displayed without being seen: bidi
#: embeddings, overrides and isolates, and zero-width characters. A post can use them to make
#: "txt.exe" read as "exe.txt"; the report shows them as visible code points instead.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def show_invisible(value: Any) -> Any:
    """Every printed value, with invisible formatting characters made visible (Jinja finalize).

    Our own stylesheet and script (Markup) pass unchanged, so their CSP hashes still match.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group(0)):04X}⟩", value)
    return value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        finalize=show_invisible,
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["readable"] = lambda value: readable(value) or value or ""
    env.filters["plural"] = lambda n, word, many=None: word if n == 1 else (many or word + "s")
    return env


def _static(name: str) -> str:
    text = resources.files("reports").joinpath(f"static/{name}").read_text(encoding="utf-8")
    if "</" in text:  # would end the <style> or <script> element early
        raise ValueError(f"{name} must not contain '</'")
    return text


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The report's CSS, inlined into every HTML report (no external resources at all)."""
    return _static("report.css")


@lru_cache(maxsize=1)
def script() -> str:
    """The report's only script: filtering and folding, inlined and pinned by hash."""
    return _static("report.js")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str | None = None) -> str:
    """Nothing may load; only the inlined stylesheet and script, pinned by their hashes, apply."""
    parts = ["default-src 'none'", f"style-src {_sha256(css)}"]
    if js is not None:
        parts += [f"script-src {_sha256(js)}", "require-trusted-types-for 'script'", "trusted-types 'none'"]
    parts += ["base-uri 'none'", "form-action 'none'"]
    return "; ".join(parts)


def render_html(view: ReportView) -> str:
    """The self-contained HTML report."""
    css, js = stylesheet(), script()
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view,
        # Our own static files, checked above: marked safe so that escaping does not alter the
        # bytes the CSP hashes were computed over.
        css=Markup(css),
        js=Markup(js),
        csp=content_security_policy(css, js),
        not_legal_advice=NOT_LEGAL_ADVICE,
        g=guidance,
    )
