"""Counting findings and the 0-100 risk score, the same way for every format and section."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.findings import CATEGORIES, SEVERITIES
from reports.view import CountView, FindingView, SummaryView

CATEGORY_TITLES: dict[str, str] = {
    "confidentiality": "Confidentiality",
    "dual_relationship": "Dual relationships",
    "professional_conduct": "Professional conduct",
    "personalized_advice": "Personalized advice and diagnosis in public",
    "testimonial": "Testimonials and reviews",
    "boundary": "Online boundaries",
}
SEVERITY_TITLES: dict[str, str] = {s: s.capitalize() for s in SEVERITIES}
#: Higher is more severe: critical 4 … low 1.
SEVERITY_RANK: dict[str, int] = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}

#: Severity weights of the risk score: a critical finding at full score alone makes 100.
RISK_WEIGHTS: dict[str, float] = {"critical": 1.0, "high": 0.6, "medium": 0.3, "low": 0.1}
RISK_FORMULA = (
    "The risk score is 100 × (1 − Π(1 − weight × score)) over the open and acknowledged "
    "findings, with severity weights critical 1.0, high 0.6, medium 0.3 and low 0.1: "
    "0 means nothing open, one critical finding at full confidence makes 100, and every "
    "further finding moves it closer to 100."
)


def summarize(findings: Sequence[FindingView]) -> SummaryView:
    """Counts by category and severity, and the risk score, over the counted findings."""
    counted = [f for f in findings if f.counted]
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_severity = dict.fromkeys(SEVERITIES, 0)
    remaining = 1.0
    for f in counted:
        by_category[f.category] += 1
        by_severity[f.severity] += 1
        remaining *= 1.0 - RISK_WEIGHTS[f.severity] * max(0.0, min(1.0, f.score))
    return SummaryView(
        risk_score=max(0, min(100, round(100 * (1.0 - remaining)))),
        risk_formula=RISK_FORMULA,
        by_category=tuple(CountView(c, CATEGORY_TITLES[c], by_category[c]) for c in CATEGORIES),
        by_severity=tuple(CountView(s, SEVERITY_TITLES[s], by_severity[s]) for s in SEVERITIES),
        counted=len(counted),
        not_counted=len(findings) - len(counted),
    )
