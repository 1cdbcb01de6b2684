"""Location exposure: check-ins, places and photo GPS that reveal where the author lives or goes.

An export can keep a post's place or coordinates and a photo's EXIF GPS. On an account clients can
see, that reveals the author's whereabouts (NASW 1.06(f): personal information that causes boundary
confusion; ethics-codes.md §3.7 "live check-ins at home or private venues to an audience that
includes clients"). Three findings, each on the item that carries the location:

- `location-home-revealed`: a place named like a home ("Home", "My house", a street address), or a
  spot geotagged again and again outside office hours (a likely home). High.
- `location-check-in`: any other place or coordinates on a post. Low: worth knowing, rarely harmful.
- `photo-gps-exposed`: a photo whose metadata keeps GPS coordinates. Medium: whoever gets the file
  gets the spot.

Audience: a professional or unknown account, or a personal account that names the profession and
is not known to be private. An anonymous or private personal account is skipped (role.py's
audience rule: clients are not its audience).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from auditor.analyzer.context import AccountView, AnalysisContext, MediaView, TextItem
from auditor.analyzer.detectors.base import Detector
from auditor.analyzer.scoring import score_of
from auditor.findings import Contribution, Finding, ItemRef, Severity

_CITES = ["NASW:1.06(f)", "ACA:H.6.a", "APA:3.05", "AAMFT:1.3"]
_HOME_PLACE = re.compile(
    r"\b(?:home|my\s+(?:house|place|apartment|flat)|our\s+(?:house|place|home)|casa)\b"
    r"|\b\d{1,5}\s+[A-Za-z][\w'.-]*(?:\s+[A-Za-z][\w'.-]*){0,2}\s+(?:st|street|ave|avenue|rd|road|ln|lane|dr|drive|ct|court|way|blvd)\b",
    re.IGNORECASE,
)
#: ~110 m: two geotags this close are one spot.
_GRID = 3
#: A spot geotagged this often outside office hours is treated as a likely home.
_REPEATS_FOR_HOME = 2


def _off_hours(when: datetime | None) -> bool:
    """Evenings, nights and weekends (UTC in the export, so a rough signal only)."""
    return when is not None and (when.weekday() >= 5 or when.hour < 8 or when.hour >= 19)


def _cell(lat: float, lon: float) -> tuple[float, float]:
    return (round(lat, _GRID), round(lon, _GRID))


class LocationExposure(Detector):
    id = "location-exposure"
    category = "boundary"
    description = "Check-ins, places and photo GPS that reveal a home or private whereabouts on an account clients can see."
    rule_ids = ("location-home-revealed", "location-check-in", "photo-gps-exposed")

    def run(self, ctx: AnalysisContext) -> Iterable[Finding]:
        visible = {a.id: a for a in ctx.accounts if _clients_can_see(ctx, a)}
        if not visible:
            return
        items = [t for t in ctx.texts(located=True) if t.account.id in visible and (t.place or t.latitude is not None)]
        media = [m for m in ctx.media() if m.account_id in visible and m.latitude is not None and m.longitude is not None]
        homes = _likely_homes(items, media)
        for item in items:
            yield from self._item(ctx, item, homes)
        for row in media:
            yield self._media(ctx, visible[row.account_id], row, homes)

    def _item(self, ctx: AnalysisContext, item: TextItem, homes: set[tuple[int, tuple[float, float]]]
              ) -> Iterator[Finding]:
        parts: list[Contribution] = []
        place = item.place or ""
        named_home = _HOME_PLACE.search(place)
        at_home = (item.latitude is not None and item.longitude is not None
                   and (item.account.id, _cell(item.latitude, item.longitude)) in homes)
        if named_home or at_home:
            rule_id, severity = "location-home-revealed", Severity.HIGH
            parts.append(Contribution("base: the place is the author's home", named_home.group(0) if named_home else None, 0.6))
            if at_home:
                parts.append(Contribution("geotagged here repeatedly outside office hours", None, 0.15))
        else:
            rule_id, severity = "location-check-in", Severity.LOW
            parts.append(Contribution("base: the post carries a place or coordinates", place or None, 0.5))
        if item.latitude is not None and item.longitude is not None:
            parts.append(Contribution("exact coordinates", f"{item.latitude:.4f}, {item.longitude:.4f}", 0.1))
        if _off_hours(item.created_at):
            parts.append(Contribution("posted outside office hours", None, 0.05))
        contributions, score = score_of(parts)
        where = place or (f"{item.latitude:.4f}, {item.longitude:.4f}" if item.latitude is not None else "")
        excerpt = f"{item.text[:200]} [{where}]" if item.text else f"[{where}]"
        yield Finding(
            rule_id=rule_id, category="boundary", severity=severity, score=score,
            message="The post's location shows where the author lives." if rule_id == "location-home-revealed"
            else "The post shows where the author was, to an audience that includes clients.",
            item=ItemRef(type=item.kind, platform=item.account.platform, native_id=item.native_id, url=item.url,
                         created_at=item.created_at),
            account_id=item.account.id, excerpt=excerpt, spans=(), contributions=contributions,
            citations=self.cite(ctx, _CITES),
            remediation=("Remove the location from the post (or delete it) and turn off location tagging on "
                         "accounts that clients can see."),
            identity=f"{place}|{_cell(item.latitude, item.longitude) if item.latitude is not None and item.longitude is not None else ''}",
        )

    def _media(self, ctx: AnalysisContext, account: AccountView, row: MediaView,
               homes: set[tuple[int, tuple[float, float]]]) -> Finding:
        assert row.latitude is not None and row.longitude is not None
        cell = _cell(row.latitude, row.longitude)
        parts = [Contribution("base: the photo keeps GPS coordinates", f"{row.latitude:.4f}, {row.longitude:.4f}", 0.55)]
        severity = Severity.MEDIUM
        if (account.id, cell) in homes:
            parts.append(Contribution("geotagged here repeatedly outside office hours", None, 0.2))
            severity = Severity.HIGH
        if _off_hours(row.taken_at):
            parts.append(Contribution("taken outside office hours", None, 0.05))
        contributions, score = score_of(parts)
        return Finding(
            rule_id="photo-gps-exposed", category="boundary", severity=severity, score=score,
            message="A photo's metadata keeps the GPS position where it was taken.",
            item=ItemRef(type="media", platform=row.platform, native_id=row.content_id or row.path, created_at=row.taken_at),
            account_id=account.id, excerpt=row.path, spans=(), contributions=contributions,
            citations=self.cite(ctx, _CITES),
            remediation="Strip location metadata from photos before posting, and turn off location in the camera app.",
            identity=f"{row.path}|{cell}",
        )


def _clients_can_see(ctx: AnalysisContext, account: AccountView) -> bool:
    if account.role in ("professional", "unknown"):
        return True
    return account.private is not True and ctx.identified(account.id)


def _likely_homes(items: list[TextItem], media: list[MediaView]) -> set[tuple[int, tuple[float, float]]]:
    """(account id, grid cell) spots geotagged at least twice outside office hours."""
    counts: dict[tuple[int, tuple[float, float]], int] = defaultdict(int)
    for t in items:
        if t.latitude is not None and t.longitude is not None and _off_hours(t.created_at):
            counts[(t.account.id, _cell(t.latitude, t.longitude))] += 1
    for m in media:
        if m.latitude is not None and m.longitude is not None and _off_hours(m.taken_at):
            counts[(m.account_id, _cell(m.latitude, m.longitude))] += 1
    return {k for k, n in counts.items() if n >= _REPEATS_FOR_HOME}
