"""Done-when check of issue 6: a redacted report of real-format fixtures, with third-party names
planted in posts, bios, mentions and connection lists, contains none of them.

The practitioner's personal X archive is fixtures/hostile/rowan-personal-x (names in post text,
in mentions with decorated display names, in a reply, in the bio); her professional account is
the Instagram fixture, whose follower and following lists name people by handle and name.
Every third party the database knows is looked for in the redacted HTML, CSV and SARIF.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor import api
from auditor.db import open_engine
from auditor.models import Account, Connection, Content, Interaction
from reports.build import build_report
from reports.redact import fold
from reports.render import render
from tests.helpers import FIXTURES

SUBJECT = "Rowan Hale"
PLANTED = ("Pat Okonkwo", "pat_okonkwo", "Lena Marsh", "lena_marsh", "Devon Ruiz", "devon.ruiz",
           # Known only from the Instagram fixture's follower and following lists:
           "Zoë Brontë", "kenji.watanabe")


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("redaction") / "footprint.db")
    api.subject_add(db, SUBJECT, profession="counselor")
    api.ingest(db, [FIXTURES / "hostile" / "rowan-personal-x"], role="personal", subject=SUBJECT)
    api.ingest(db, [FIXTURES / "archives" / "instagram" / "v2024"], role="professional", subject=SUBJECT)
    api.audit(db, subject=SUBJECT)
    return db


def _third_parties(db: str) -> tuple[set[str], set[str]]:
    """Every third party's handle and name the database holds, and the subject's own strings."""
    engine = open_engine(db, create=False)
    people: set[str] = set()
    own: set[str] = {SUBJECT}
    with Session(engine) as s:
        for model in (Connection, Interaction):
            for handle, name in s.execute(select(model.handle, model.name)):
                people.update(v for v in (handle, name) if v)
        for mentions, reply in s.execute(select(Content.mentions, Content.in_reply_to)):
            for person in [*(mentions or []), reply]:
                if isinstance(person, dict):
                    people.update(v for v in (person.get("handle"), person.get("name")) if v)
        for handle, display in s.execute(select(Account.handle, Account.display_name)):
            own.update(v for v in (handle, display) if v)
    engine.dispose()
    return people, own


def _views(db: str, *, redact: bool) -> dict[str, str]:
    engine = open_engine(db, create=False)
    with Session(engine) as s:
        view = build_report(s, redact=redact)
    engine.dispose()
    return {fmt: str(render(view, fmt)) for fmt in ("html", "csv", "sarif")}


def _contains(text: str, term: str) -> bool:
    """Whether the term occurs as a whole word (with or without @), ignoring case and accents."""
    return re.search(r"(?<![\w@])@?" + re.escape(fold(term.lstrip("@"))) + r"(?!\w)", fold(text)) is not None


def test_fixture_plants_third_parties_everywhere(practice: str) -> None:
    people, _ = _third_parties(practice)
    assert {"pat_okonkwo", "lena_marsh", "devon.ruiz"} <= people          # mentions, reply
    engine = open_engine(practice, create=False)
    with Session(engine) as s:
        named = s.execute(select(Connection).where(Connection.handle.is_not(None))).scalars().all()
        bio = s.scalars(select(Account.bio).where(Account.handle == "rowan_hale_pdx")).one()
    engine.dispose()
    assert named, "the Instagram fixture's connection lists name people"
    assert "@pat_okonkwo" in (bio or "") and "Lena Marsh" in (bio or "")
    plain = _views(practice, redact=False)["html"]
    for name in PLANTED:
        assert _contains(plain, name), f"{name} is not in the unredacted report"


def test_redacted_reports_name_no_third_party(practice: str) -> None:
    people, own = _third_parties(practice)
    own_folded = {fold(o) for o in own}
    terms = {p for p in people if len(fold(p)) >= 4 and fold(p) not in own_folded}
    assert len(terms) >= 10
    for fmt, text in _views(practice, redact=True).items():
        leaked = sorted(t for t in terms | set(PLANTED) if _contains(text, t))
        assert not leaked, f"{fmt} names {leaked}"


def test_own_handles_stay(practice: str) -> None:
    html = _views(practice, redact=True)["html"]
    assert "rowan_hale_pdx" in html and SUBJECT in html

