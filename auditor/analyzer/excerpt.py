"""Evidence excerpts: the text trimmed around its spans, with spans re-based onto the excerpt.

Offsets are code points (Python str indices), matching the JSON report contract: spans are
offsets into the excerpt as emitted, ellipses included.
"""

from __future__ import annotations

ELLIPSIS = "…"
MAX_EXCERPT = 400
#: Characters of context kept before the first span when the text must be cut.
LEAD = 120


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching spans merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def make_excerpt(text: str, spans: list[tuple[int, int]], limit: int = MAX_EXCERPT
                 ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(excerpt, spans into it). Short texts are kept whole; long ones are cut around the first
    span at word boundaries, with an ellipsis on each cut side. Spans that fall outside the
    excerpt are dropped, and one crossing a cut is clipped to it."""
    spans = merge_spans(spans)
    if len(text) <= limit:
        return text, tuple(spans)
    budget = limit - 2  # room for two ellipses
    first = spans[0][0] if spans else 0
    start = max(0, first - LEAD)
    end = min(len(text), start + budget)
    start = max(0, end - budget)  # near the end of the text, use the room before the span
    # Snap to whitespace so the excerpt does not start or end mid-word (never past a span).
    if start > 0:
        space = text.find(" ", start, first if spans else start + 40)
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end)
        if space != -1:
            end = space
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    excerpt = prefix + text[start:end] + suffix
    shift = len(prefix) - start
    rebased: list[tuple[int, int]] = []
    for s, e in spans:
        s2, e2 = max(s, start), min(e, end)
        if s2 < e2:
            rebased.append((s2 + shift, e2 + shift))
    return excerpt, tuple(rebased)
