"""The JSON report: the contract of DESIGN.md ("JSON report"), field by field.

Fields are picked explicitly from the view, so HTML-only parts of the view-model (labels,
highlighted segments, sections, charts) never leak into the contract.

Beyond DESIGN.md's example, and optional in tests/report_schema.json: each `overlap` entry's
`key` (what `footprint decide --not-same-person` takes) and `status` (`false_positive` once a
reviewer said its people are not one person), and the subjects' `allowlist` with the number of
findings each entry suppressed in this run (null when the run did not count it).
"""

from __future__ import annotations

import json
from typing import Any

from reports.view import (
    AccountView,
    AllowView,
    CoverageView,
    FindingView,
    Membership,
    OverlapEntry,
    ReportView,
)


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
        "allowlist": [_allow_json(a) for a in view.allowlist],
    }


def _allow_json(a: AllowView) -> dict[str, Any]:
    return {
        "subject": a.subject,
        "kind": a.kind,
        "value": a.value,
        "note": a.note,
        "added_by": a.added_by,
        "added_at": a.added_at,
        "suppressed": a.suppressed,
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
        "key": o.key,
        "status": o.status,
    }


def render_json(view: ReportView) -> str:
    """The JSON report: UTF-8 text, stable key order, one trailing newline."""
    return json.dumps(json_document(view), ensure_ascii=False, indent=2) + "\n"
