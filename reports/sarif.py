"""SARIF 2.1.0: the findings for code-scanning dashboards and other SARIF viewers.

A finding is a `result`: its rule, a level from the severity, the message, a location (the
original's web address, or a relative reference `platform/account/type/id` when there is
none), the fingerprint as `partialFingerprints`, the change against the previous run as
`baselineState`, decisions that dismissed it as `suppressions`, and everything else
(category, score, excerpt, citations, remediation) in the result's property bag.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from reports.summary import CATEGORY_TITLES
from reports.view import FindingView, ReportView

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS: dict[str, str] = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
BASELINE: dict[str, str] = {
    "new": "new",
    "unchanged": "unchanged",
    # Marked remediated, yet present again: new to anyone who trusted the remediation.
    "reappeared": "new",
    "resolved": "absent",
}
#: Decisions that take a finding off the list, as SARIF suppressions (kept in footprint's db).
SUPPRESSED: dict[str, str] = {
    "false_positive": "dismissed as a false positive",
    "accepted_risk": "risk accepted",
    "remediated": "marked remediated",
}
FINGERPRINT_KEY = "footprint/v1"


def _uri(f: FindingView) -> str:
    if f.link:
        return f.link
    parts = [f.platform, f.account or "-", f.item.type, f.item.native_id or f.fingerprint]
    return "/".join(quote(p, safe="") for p in parts)


def _result(f: FindingView, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": _uri(f)}},
                "logicalLocations": [
                    {
                        "name": f.item.native_id or f.item.type,
                        "fullyQualifiedName": "/".join(
                            p for p in (f.platform, f.account, f.item.type, f.item.native_id) if p
                        ),
                        "kind": f.item.type,
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "baselineState": BASELINE[f.change],
        "rank": round(f.score * 100, 1),
    }
    if f.status in SUPPRESSED:
        result["suppressions"] = [
            {"kind": "external", "state": "accepted", "justification": SUPPRESSED[f.status]}
        ]
    result["properties"] = {
        "tags": [f.category, f.severity],
        "severity": f.severity,
        "category": f.category,
        "score": f.score,
        "status": f.status,
        "change": f.change,
        "subject": f.subject,
        "platform": f.platform,
        "account": f.account,
        "accountRole": f.account_role,
        "itemType": f.item.type,
        "itemUrl": f.item.url,
        "createdAt": f.item.created_at,
        "excerpt": f.evidence.excerpt,
        "spans": [list(s) for s in f.evidence.spans],
        "explanation": list(f.explanation),
        "citations": [{"code": c.code, "section": c.section, "title": c.title} for c in f.citations],
        "remediation": f.remediation,
    }
    return result


def sarif_document(view: ReportView) -> dict[str, Any]:
    """The SARIF log as a dict: one run, the report's findings as results."""
    rules: dict[str, dict[str, Any]] = {}
    for f in view.findings:
        if f.rule not in rules:
            rules[f.rule] = {
                "id": f.rule,
                "shortDescription": {"text": f"{CATEGORY_TITLES.get(f.category, f.category)}: {f.rule}"},
                "defaultConfiguration": {"level": LEVELS[f.severity]},
                "properties": {"tags": [f.category], "category": f.category},
            }
    index = {rule: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "footprint",
                        "version": view.code_version or "unknown",
                        "rules": list(rules.values()),
                    }
                },
                "automationDetails": {"id": f"footprint/run-{view.run.id}/"},
                "invocations": [
                    {"executionSuccessful": True, **({"startTimeUtc": view.run.started_at} if view.run.started_at else {})}
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.rule]) for f in view.findings],
                "properties": {
                    "reportSchema": view.schema,
                    "rulesVersion": view.run.rules_version,
                    "subjects": [s.name for s in view.subjects],
                    "redacted": view.redacted,
                    "riskScore": view.summary.risk_score,
                },
            }
        ],
    }


def render_sarif(view: ReportView) -> str:
    """The SARIF log as UTF-8 JSON text with one trailing newline."""
    return json.dumps(sarif_document(view), ensure_ascii=False, indent=2) + "\n"
