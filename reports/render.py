"""`ReportView` → report text (HTML, JSON), and writing report files owner-only.

A format is one function from the view to text, registered in `RENDERERS`; csv, sarif and pdf
join the table later without touching the others.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from auditor.errors import UsageError
from reports.view import (
    AccountView,
    CoverageView,
    FindingView,
    Membership,
    OverlapEntry,
    ReportView,
)

NOT_LEGAL_ADVICE = (
    "This report is a risk screen, not legal advice or a ruling by any licensing board or ethics "
    "committee. Check the cited codes and your board's rules, and consult your professional "
    "association's ethics line or an attorney before acting on anything serious."
)


# -- JSON ----------------------------------------------------------------------------------------


def json_document(view: ReportView) -> dict[str, Any]:
    """The JSON contract (DESIGN.md "JSON report") as a dict, keys in contract order."""
    return {
        "schema": view.schema,
        "subjects": [
            {"name": s.name, "profession": s.profession, "codes": list(s.codes)}
            for s in view.subjects
        ],
        "run": {
            "id": view.run.id,
            "started_at": view.run.started_at,
            "rules_version": view.run.rules_version,
        },
        "accounts": [_account_json(a) for a in view.accounts],
        "coverage": _coverage_json(view.coverage),
        "summary": {
            "risk_score": view.summary.risk_score,
            "by_category": {c.key: c.count for c in view.summary.by_category},
            "by_severity": {c.key: c.count for c in view.summary.by_severity},
        },
        "findings": [_finding_json(f) for f in view.findings],
        "overlap": [_overlap_json(o) for o in view.overlap],
        "discovered_accounts": [
            {"platform": d.platform, "handle": d.handle, "url": d.url, "command": d.command}
            for d in view.discovered_accounts
        ],
    }


def _account_json(a: AccountView) -> dict[str, Any]:
    return {
        "subject": a.subject,
        "platform": a.platform,
        "handle": a.handle,
        "role": a.role,
        "role_reason": a.role_reason,
        "content": a.content,
        "followers": a.followers,
        "following": a.following,
        "private": a.private,
    }


def _coverage_json(c: CoverageView) -> dict[str, Any]:
    return {
        "files_read": [f.file for f in c.files_read],
        "files_skipped": [{"file": f.file, "reason": f.reason} for f in c.files_skipped],
        "connections_unresolved": c.connections_unresolved,
    }


def _finding_json(f: FindingView) -> dict[str, Any]:
    return {
        "fingerprint": f.fingerprint,
        "category": f.category,
        "rule": f.rule,
        "severity": f.severity,
        "score": f.score,
        "status": f.status,
        "change": f.change,
        "subject": f.subject,
        "platform": f.platform,
        "account": f.account,
        "account_role": f.account_role,
        "item": {
            "type": f.item.type,
            "native_id": f.item.native_id,
            "url": f.item.url,
            "created_at": f.item.created_at,
        },
        "message": f.message,
        "evidence": {"excerpt": f.evidence.excerpt, "spans": [list(s) for s in f.evidence.spans]},
        "explanation": list(f.explanation),
        "citations": [
            {"code": c.code, "section": c.section, "title": c.title} for c in f.citations
        ],
        "remediation": f.remediation,
    }


def _membership_json(m: Membership) -> dict[str, Any]:
    return {
        "platform": m.platform,
        "handle": m.handle,
        "name": m.name,
        "native_id": m.native_id,
        "account": m.account,
        "account_role": m.account_role,
        "relation": m.relation,
    }


def _overlap_json(o: OverlapEntry) -> dict[str, Any]:
    return {
        "person": o.person,
        "tier": o.tier,
        "confidence": o.confidence,
        "roster_match": o.roster_match,
        "memberships": [_membership_json(m) for m in o.memberships],
        "explanation": list(o.explanation),
    }


def render_json(view: ReportView) -> str:
    """The JSON report: UTF-8 text, stable key order, one trailing newline."""
    return json.dumps(json_document(view), ensure_ascii=False, indent=2) + "\n"


# -- HTML ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The report's CSS, inlined into every HTML report (no external resources at all)."""
    css = resources.files("reports").joinpath("static/report.css").read_text(encoding="utf-8")
    if "</" in css:  # would end the <style> element early
        raise ValueError("report.css must not contain '</'")
    return css


def content_security_policy(css: str) -> str:
    """Nothing may load; only the inlined stylesheet, pinned by its hash, may apply."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(view: ReportView) -> str:
    """The self-contained HTML report: inlined CSS, a strict CSP, no script, no external loads."""
    css = stylesheet()
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view,
        # Our own static file, checked above: marked safe so that escaping does not alter the
        # bytes the CSP hash was computed over.
        css=Markup(css),
        csp=content_security_policy(css),
        not_legal_advice=NOT_LEGAL_ADVICE,
    )


# -- dispatch and files --------------------------------------------------------------------------

RENDERERS: dict[str, Callable[[ReportView], str]] = {
    "html": render_html,
    "json": render_json,
}


def render(view: ReportView, fmt: str) -> str:
    """Render the view in one of `RENDERERS`' formats; an unknown format is a usage error."""
    renderer = RENDERERS.get(fmt.lower())
    if renderer is None:
        raise UsageError(f"unknown report format {fmt!r}; choose one of {', '.join(RENDERERS)}")
    return renderer(view)


def write_report(path: Path, text: str) -> Path:
    """Write a report readable by its owner only (0600), creating missing parent folders."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        # Tighten an existing file before the sensitive text goes in, not after.
        os.chmod(path, 0o600)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path
