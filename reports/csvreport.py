"""CSV: one row per finding under a fixed header, safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return (after any leading
spaces) would be read as a formula by Excel, LibreOffice or Google Sheets: such a cell gets a
leading apostrophe, the usual escape (OWASP "CSV injection"). Post text is attacker-controlled
here: anyone can reply "=HYPERLINK(...)" to a therapist. The file starts with a UTF-8 byte
order mark so that Excel reads names with accents correctly, and ends rows with CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io

from reports.view import FindingView, ReportView

HEADER: tuple[str, ...] = (
    "subject",
    "severity",
    "category",
    "rule",
    "score",
    "status",
    "change",
    "platform",
    "account",
    "account_role",
    "item_type",
    "native_id",
    "url",
    "created_at",
    "message",
    "excerpt",
    "explanation",
    "citations",
    "remediation",
    "fingerprint",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def escape_cell(value: str) -> str:
    """The value, with a leading apostrophe when a spreadsheet would take it for a formula."""
    if value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(f: FindingView) -> list[str]:
    """One finding as cells in `HEADER` order (unescaped)."""
    return [
        f.subject,
        f.severity,
        f.category,
        f.rule,
        f"{f.score:.2f}",
        f.status,
        f.change,
        f.platform,
        f.account or "",
        f.account_role or "",
        f.item.type,
        f.item.native_id or "",
        f.item.url or "",
        f.item.created_at or "",
        f.message,
        f.evidence.excerpt,
        " | ".join(f.explanation),
        "; ".join(
            " ".join(p for p in (c.code, c.section) if p) + (f" ({c.title})" if c.title else "")
            for c in f.citations
        ),
        f.remediation,
        f.fingerprint,
    ]


def render_csv(view: ReportView) -> str:
    """The CSV report: a header row, then every finding of the view in report order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for f in view.findings:
        writer.writerow([escape_cell(cell) for cell in row(f)])
    return BOM + out.getvalue()
