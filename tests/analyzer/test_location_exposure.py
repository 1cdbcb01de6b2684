"""Location exposure: places, coordinates and photo GPS on accounts clients can see."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from auditor.analyzer import analyze
from auditor.findings import Severity
from auditor.models import Media

EVENING = datetime(2024, 3, 2, 21, 0, tzinfo=UTC)  # a Saturday night


def setup(rows, *, personal_bio: str = "hikes and dogs", private: bool | None = None):
    subject = rows.subject()
    pro = rows.account(subject, native_id="100", handle="dana_counsels", role="professional")
    personal = rows.account(subject, platform="instagram", native_id="200", handle="dana.hikes", role="personal",
                            bio=personal_bio, private=private)
    return subject, pro, personal


def by_rule(session: Session, subject_id: int) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in analyze(session, subject_id).findings:
        out.setdefault(f.rule_id, []).append(f)
    return out


def test_check_in_on_the_professional_account(session: Session, rows):
    subject, pro, _ = setup(rows)
    rows.content(pro, "t1", "Great coffee", place="Blue Door Cafe", latitude=45.5, longitude=-122.6)
    [f] = by_rule(session, subject.id)["location-check-in"]
    assert f.severity is Severity.LOW and f.item.native_id == "t1"
    assert sum(c.weight for c in f.contributions) == f.score


def test_home_by_name_and_by_repetition(session: Session, rows):
    subject, pro, _ = setup(rows)
    rows.content(pro, "h1", "Cozy night in", place="Home")
    rows.content(pro, "g1", "Sunset", latitude=45.51231, longitude=-122.60012, created_at=EVENING)
    rows.content(pro, "g2", "Porch", latitude=45.51229, longitude=-122.60009, created_at=EVENING)
    found = {f.item.native_id: f for f in by_rule(session, subject.id)["location-home-revealed"]}
    assert set(found) == {"h1", "g1", "g2"}
    assert all(f.severity is Severity.HIGH for f in found.values())


def test_photo_gps(session: Session, rows):
    subject, pro, _ = setup(rows)
    session.add(Media(account_id=pro.id, platform="twitter", path="media/1.jpg", content_id="t9",
                      latitude=45.5, longitude=-122.6, taken_at=EVENING))
    session.flush()
    [f] = by_rule(session, subject.id)["photo-gps-exposed"]
    assert f.item.type == "media" and f.severity is Severity.MEDIUM


def test_anonymous_or_private_personal_accounts_are_skipped(session: Session, rows):
    subject, _, personal = setup(rows, personal_bio="hikes and dogs")
    rows.content(personal, "p1", "Beach day", place="Cannon Beach", kind="caption")
    assert "location-check-in" not in by_rule(session, subject.id)


def test_identified_personal_account_counts(session: Session, rows):
    subject, _, personal = setup(rows, personal_bio="Therapist by day (LMFT)")
    rows.content(personal, "p1", "Park morning", place="Laurelhurst Park", kind="caption")
    assert [f.item.native_id for f in by_rule(session, subject.id)["location-check-in"]] == ["p1"]
