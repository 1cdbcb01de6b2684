"""What an audit covered and under which codes: the consultant's scope and limitations, and
the "codes and editions applied" section (the seed's principle of staying informed)."""

from __future__ import annotations

from collections.abc import Sequence

from reports.actions import account_display
from reports.dates import readable
from reports.guidance import EDITIONS, export_limits, platform_label, profession_label
from reports.view import AccountView, CitationView, CodeApplied, ExportLimit, FindingView, ScopeView


def codes_applied(
    codes: Sequence[str],
    profession: str | None,
    covered_entity: bool | None,
    findings: Sequence[FindingView],
) -> tuple[CodeApplied, ...]:
    """Each code cited for a subject: edition, why it applies, and the sections findings cite."""
    try:
        from auditor.codes import all_codes

        known = {c.code: c for c in all_codes()}
    except Exception:  # noqa: BLE001 - without code data the section still lists the labels
        known = {}
    out = []
    for label in codes:
        code = known.get(label)
        kind = getattr(code, "kind", "ethics")
        key = getattr(code, "key", label.split()[0])
        cited: dict[str, CitationView] = {}
        for f in findings:
            for c in f.citations:
                if c.code == label:
                    cited.setdefault(c.section, c)
        out.append(CodeApplied(
            code=label,
            name=getattr(code, "name", label),
            kind=kind,
            edition=EDITIONS.get(key, ""),
            why=_why(kind, profession, covered_entity),
            cited=tuple(cited[s] for s in sorted(cited, key=_section_key)),
        ))
    return tuple(out)


def _why(kind: str, profession: str | None, covered_entity: bool | None) -> str:
    if kind == "law":
        if covered_entity:
            return "The practice is recorded as a HIPAA covered entity."
        return (
            "Whether the practice is a HIPAA covered entity is not recorded, so HIPAA is cited; "
            "if it is not one, set `footprint subject set NAME --no-covered-entity`."
        )
    if profession in (None, "other"):
        return "No profession is set, so every profession's code is cited; set it with `footprint subject set`."
    return f"The practitioner's profession: {profession_label(profession)}."


def _section_key(section: str) -> tuple[tuple[int, object], ...]:
    """Sort "A.5.e" before "A.10" and "1.3" before "1.10": numbers as numbers."""
    parts: list[tuple[int, object]] = []
    for piece in section.replace("(", ".").replace(")", "").split("."):
        parts.append((0, int(piece)) if piece.isdigit() else (1, piece))
    return tuple(parts)


def scope(accounts: Sequence[AccountView]) -> ScopeView:
    """Which accounts and periods the audit read, and what their exports cannot show."""
    lines = []
    for a in accounts:
        period = ""
        if a.first_item and a.last_item:
            period = f", {readable(a.first_item)} to {readable(a.last_item)}"
        noun = "item" if a.content == 1 else "items"
        lines.append(
            f"{platform_label(a.platform)} {account_display(a.platform, a.handle)} ({a.role}): "
            f"{a.content} {noun}{period}"
        )
    starts = [a.first_item for a in accounts if a.first_item]
    ends = [a.last_item for a in accounts if a.last_item]
    limits: list[ExportLimit] = []
    for platform in sorted({a.platform for a in accounts}):
        for limit in export_limits(platform):
            limits.append(ExportLimit(platform, platform_label(platform), limit.lacks, limit.check))
    return ScopeView(
        accounts=tuple(lines),
        period_start=readable(min(starts)) if starts else None,
        period_end=readable(max(ends)) if ends else None,
        limits=tuple(limits),
    )
