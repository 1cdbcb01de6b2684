"""The report's two charts, laid out here so that the template only draws rectangles and text.

- **Timeline**: findings per year, stacked by category (a column per year, and one for
  findings without a date, such as account settings).
- **Per account**: findings per account, stacked by severity (a row per account).

Both count the findings the summary counts. Every series has a fill pattern as well as a
colour (styles in report.css), counts are written on the bars, and each chart carries a
sentence and a table as its text alternative, so they read in grey, in print and aloud.
Coordinates are rounded to one decimal so that the output is stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from auditor.findings import CATEGORIES, SEVERITIES
from reports.actions import account_display
from reports.guidance import platform_label
from reports.summary import CATEGORY_TITLES, SEVERITY_TITLES
from reports.view import (
    AccountView,
    ChartBar,
    ChartSegment,
    ChartTick,
    ChartView,
    FindingView,
    LegendItem,
)

WIDTH = 540.0
#: The smallest segment that gets its count written inside it.
MIN_LABEL_HEIGHT = 10.0
MIN_LABEL_WIDTH = 18.0
UNDATED = "No date"


def _r(value: float) -> float:
    return round(value, 1)


def nice_step(top: int, *, max_ticks: int = 5) -> int:
    """A tick step of 1, 2 or 5 times a power of ten that gives at most `max_ticks` steps."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= max_ticks:
                return step * factor
        step *= 10


def _scale_top(largest: int) -> tuple[int, int]:
    """The axis top (a multiple of the step, at least 1) and the step."""
    step = nice_step(max(largest, 1))
    return max(step, -(-largest // step) * step), step


def timeline(anchor: str, findings: Sequence[FindingView]) -> ChartView:
    """Counted findings per year of the item's date, stacked by category."""
    counted = [f for f in findings if f.counted]
    per_year: dict[str, Counter[str]] = {}
    for f in counted:
        year = f.item.created_at[:4] if f.item.created_at else UNDATED
        per_year.setdefault(year, Counter())[f.category] += 1
    years = sorted(y for y in per_year if y != UNDATED)
    if years:
        # Every year between the first and the last, so gaps read as the quiet years they are.
        years = [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
    if UNDATED in per_year:
        years.append(UNDATED)
    height, x0, y0, right, bottom = 260.0, 44.0, 22.0, 12.0, 40.0
    plot_w, plot_h = WIDTH - x0 - right, height - y0 - bottom
    totals = {y: sum(per_year.get(y, Counter()).values()) for y in years}
    top, step = _scale_top(max(totals.values(), default=0))
    # A few years get slim slots at the left rather than bars adrift in a wide chart.
    slot = min(plot_w / max(len(years), 1), 96.0)
    bar_w = min(56.0, slot * 0.62)
    bars = []
    for i, year in enumerate(years):
        x = x0 + slot * i + (slot - bar_w) / 2
        base = y0 + plot_h
        segments = []
        for cat in CATEGORIES:
            count = per_year.get(year, Counter())[cat]
            if not count:
                continue
            h = count / top * plot_h
            base -= h
            fits = h >= MIN_LABEL_HEIGHT and bar_w >= MIN_LABEL_WIDTH
            segments.append(ChartSegment(
                cat, CATEGORY_TITLES[cat], count, _r(x), _r(base), _r(bar_w), _r(h),
                _r(x + bar_w / 2) if fits else None, _r(base + h / 2 + 3.5) if fits else None,
            ))
        # Narrow slots (many years) get two-digit years so that labels do not collide.
        label = year if slot >= 44 or year == UNDATED else "’" + year[2:]
        bars.append(ChartBar(
            label, "", totals[year], tuple(segments),
            _r(x + bar_w / 2), _r(y0 + plot_h + 18), _r(x + bar_w / 2), _r(base - 6),
        ))
    ticks = tuple(
        ChartTick(v, x0, _r(y0 + plot_h - v / top * plot_h), WIDTH - right,
                  _r(y0 + plot_h - v / top * plot_h), x0 - 8, _r(y0 + plot_h - v / top * plot_h + 4))
        for v in range(0, top + 1, step)
    )
    used = [c for c in CATEGORIES if any(s.key == c for b in bars for s in b.segments)]
    return ChartView(
        id=f"{anchor}-chart-timeline",
        title="Findings per year, by category",
        summary=_timeline_summary(years, per_year),
        width=WIDTH,
        height=height,
        bars=tuple(bars),
        ticks=ticks,
        legend=tuple(LegendItem(c, CATEGORY_TITLES[c]) for c in used),
        orientation="column",
        table_head=("Year", *(CATEGORY_TITLES[c] for c in CATEGORIES), "Total"),
        table_rows=tuple(
            (y, *(str(per_year.get(y, Counter())[c]) for c in CATEGORIES), str(totals[y]))
            for y in years
        ),
        empty=not counted,
    )


def _timeline_summary(years: Sequence[str], per_year: dict[str, Counter[str]]) -> str:
    if not years:
        return "No open findings to chart."
    parts = []
    for year in years:
        counts = per_year.get(year, Counter())
        total = sum(counts.values())
        if not total:
            continue
        detail = ", ".join(f"{CATEGORY_TITLES[c].lower()} {counts[c]}" for c in CATEGORIES if counts[c])
        label = "without a date" if year == UNDATED else f"in {year}"
        parts.append(f"{total} {label} ({detail})")
    return "Open findings by the date of the item: " + "; ".join(parts) + "."


def per_account(anchor: str, accounts: Sequence[AccountView], findings: Sequence[FindingView]) -> ChartView:
    """Counted findings per account, stacked by severity; accounts without findings show 0."""
    counts: dict[tuple[str, str | None], Counter[str]] = {}
    for f in findings:
        if f.counted:
            counts.setdefault((f.platform, f.account), Counter())[f.severity] += 1
    rows = [(a.platform_label or a.platform, a.platform, a.handle, a.role) for a in accounts]
    known = {(platform, handle) for _, platform, handle, _ in rows}
    # Findings on no stored account (a subject-level finding) get a row of their own.
    for platform, handle in sorted(counts, key=lambda k: (k[0], k[1] or "")):
        if (platform, handle) not in known:
            rows.append((platform, platform, handle, ""))
    row_h, gap, top_pad, axis = 26.0, 14.0, 8.0, 26.0
    x0, right = 172.0, 40.0
    plot_w = WIDTH - x0 - right
    height = top_pad + len(rows) * (row_h + gap) + axis
    totals = [sum(counts.get((p, h), Counter()).values()) for _, p, h, _ in rows]
    top, step = _scale_top(max(totals, default=0))
    bars = []
    for i, (label, platform, handle, role) in enumerate(rows):
        y = top_pad + i * (row_h + gap)
        x = x0
        segments = []
        for sev in SEVERITIES:
            count = counts.get((platform, handle), Counter())[sev]
            if not count:
                continue
            w = count / top * plot_w
            fits = w >= MIN_LABEL_WIDTH
            segments.append(ChartSegment(
                sev, SEVERITY_TITLES[sev], count, _r(x), _r(y), _r(w), row_h,
                _r(x + w / 2) if fits else None, _r(y + row_h / 2 + 4) if fits else None,
            ))
            x += w
        # The handle on the first line, platform and role under it: short enough for the margin.
        name = _shorten(account_display(platform, handle), 22)
        sub = " · ".join(p for p in (platform_label(platform), role) if p)
        bars.append(ChartBar(
            name, sub, totals[i], tuple(segments),
            x0 - 10, _r(y + row_h / 2 - 2), _r(x + 6), _r(y + row_h / 2 + 4),
        ))
    axis_y = _r(top_pad + len(rows) * (row_h + gap) - gap / 2)
    ticks = tuple(
        ChartTick(v, _r(x0 + v / top * plot_w), top_pad - 4, _r(x0 + v / top * plot_w), axis_y,
                  _r(x0 + v / top * plot_w), _r(axis_y + 16))
        for v in range(0, top + 1, step)
    )
    used = [s for s in SEVERITIES if any(seg.key == s for b in bars for seg in b.segments)]
    summary = "; ".join(
        f"{b.label}: {b.total}" + (
            " (" + ", ".join(f"{s.count} {s.label.lower()}" for s in b.segments) + ")" if b.segments else ""
        )
        for b in bars
    )
    return ChartView(
        id=f"{anchor}-chart-accounts",
        title="Open findings per account, by severity",
        summary=(f"Open findings per account: {summary}." if bars else "No accounts to chart."),
        width=WIDTH,
        height=_r(height),
        bars=tuple(bars),
        ticks=ticks,
        legend=tuple(LegendItem(s, SEVERITY_TITLES[s]) for s in used),
        orientation="row",
        table_head=("Account", "Role", *(SEVERITY_TITLES[s] for s in SEVERITIES), "Total"),
        table_rows=tuple(
            (f"{label} {account_display(platform, handle)}", role or "—",
             *(str(counts.get((platform, handle), Counter())[s]) for s in SEVERITIES), str(totals[i]))
            for i, (label, platform, handle, role) in enumerate(rows)
        ),
        empty=not rows,
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
