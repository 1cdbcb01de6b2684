"""A small audited workspace, inserted row by row: one subject, two accounts, one run's findings.

Third parties are planted in every place redaction must reach (excerpts, messages,
explanations, remediation, URLs, coverage file names), and hostile text wherever data can
reach the HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from auditor.models import (
    Account,
    AuditRun,
    Base,
    Connection,
    Content,
    Decision,
    FindingRow,
    Import,
    Interaction,
    Subject,
)
from tests.reports import golden

RUN_STARTED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden` rewrites fixtures/expected/ from the current output (see golden.py).

    Registered here, so it is known when pytest is pointed at tests/reports (or a file in it);
    the environment variable FOOTPRINT_UPDATE_GOLDEN=1 works from anywhere.
    """
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the report golden files in fixtures/expected/")


def pytest_configure(config: pytest.Config) -> None:
    try:
        golden.update_requested = bool(config.getoption("--update-golden"))
    except ValueError:
        golden.update_requested = False

HOSTILE_SCRIPT = "<script>alert('x')</script>"
HOSTILE_IMG = '<img src=x onerror="alert(1)">'
HOSTILE_URL = "javascript:alert(document.cookie)"

POST = (
    "Ran into my client @jmorrow_88 at the grocery store today, poor José Núñez "
    "looked awful. cc @Ellie.K " + HOSTILE_SCRIPT
)


def span_of(text: str, needle: str) -> list[int]:
    start = text.index(needle)
    return [start, start + len(needle)]


CONNECTION_POST = "priya_r (Priya Raman) follows your personal account and your practice account"


@dataclass
class World:
    session: Session
    subject_id: int
    run_id: int
    old_run_id: int
    #: Third-party strings that appear in the unredacted report and must vanish when redacted.
    third_parties: tuple[str, ...]
    own: tuple[str, ...]
    #: The text of the post that the first finding quotes.
    post: str = POST


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def _finding(run: AuditRun, subject: Subject, account: Account | None, fp: str, **kw: object) -> FindingRow:
    defaults: dict[str, object] = {
        "run_id": run.id,
        "subject_id": subject.id,
        "account_id": account.id if account else None,
        "fingerprint": fp,
        "item_type": "post",
        "platform": account.platform if account else "twitter",
        "native_id": None,
        "url": None,
        "message": "A finding.",
        "excerpt": "",
        "spans": [],
        "explanation": [],
        "citations": [],
        "remediation": "",
        "change": "new",
        "status": "open",
    }
    defaults.update(kw)
    return FindingRow(**defaults)


@pytest.fixture
def world(session: Session) -> World:
    s = session
    dana = Subject(name="Dana Whitfield", profession="mft", covered_entity=None)
    s.add(dana)
    s.flush()
    personal = Account(
        subject_id=dana.id, platform="twitter", account_key="1001", native_id="1001",
        handle="dana_w_personal", display_name="Dana W", role="personal",
        role_reason="set with --role", private=None,
    )
    practice = Account(
        subject_id=dana.id, platform="instagram", account_key="2002", native_id="2002",
        handle="whitfieldcounseling", display_name="Whitfield Counseling LMFT",
        role="professional", role_reason="credential LMFT in the bio", private=False,
    )
    s.add_all([personal, practice])
    s.flush()

    s.add_all([
        Content(account_id=personal.id, platform="twitter", native_id="111", kind="post", text=POST,
                mentions=[{"native_id": "77", "handle": "jmorrow_88", "name": "Jamie Morrow", "url": None}],
                in_reply_to={"native_id": "78", "handle": "ellie.k", "name": "Ellie Kowalski", "url": None}),
        Content(account_id=personal.id, platform="twitter", native_id="112", kind="reply", text="thanks!"),
        Content(account_id=personal.id, platform="twitter", native_id="113", kind="share", text="RT"),
        Content(account_id=personal.id, platform="twitter", native_id="114", kind="post", text="gone",
                deleted_at=datetime(2025, 6, 1, tzinfo=UTC)),
        Content(account_id=practice.id, platform="instagram", native_id="p1", kind="caption", text="Open house"),
        Content(account_id=practice.id, platform="instagram", native_id="bio", kind="bio", text="LMFT"),
    ])
    s.add_all([
        Connection(account_id=personal.id, platform="twitter", relation="follower", person_key="id:5",
                   native_id="5", handle="priya_r", name="Priya Raman"),
        Connection(account_id=personal.id, platform="twitter", relation="follower", person_key="id:6",
                   native_id="6"),
        Connection(account_id=personal.id, platform="twitter", relation="follower", person_key="id:7",
                   native_id="7", deleted_at=datetime(2025, 6, 1, tzinfo=UTC)),
        Connection(account_id=personal.id, platform="twitter", relation="following", person_key="id:8",
                   native_id="8", handle="mbell", name="Marcus Bell"),
        Connection(account_id=personal.id, platform="twitter", relation="blocked", person_key="id:9",
                   native_id="9", handle="troll9"),
        Connection(account_id=practice.id, platform="instagram", relation="follower", person_key="id:10",
                   native_id="10", handle="renee.aubertin", name="Renée Aubertin"),
        Connection(account_id=practice.id, platform="instagram", relation="subscriber", person_key="id:11",
                   native_id="11", name=HOSTILE_IMG),
        Connection(account_id=practice.id, platform="instagram", relation="following", person_key="id:12",
                   native_id="12"),
        # The subject's personal account follows her practice: her own handle, not a third party.
        Connection(account_id=practice.id, platform="instagram", relation="follower", person_key="id:13",
                   native_id="13", handle="dana_w_personal", name="Dana W"),
    ])
    s.add(Interaction(account_id=personal.id, platform="twitter", kind="like", direction="in",
                      person_key="handle:tomasz.w", handle="tomasz.w", name="Tomasz Wójcik"))
    # Stored without accents; the post spells it with them: redaction must still catch it.
    s.add(Interaction(account_id=personal.id, platform="twitter", kind="comment_received", direction="in",
                      person_key="name:jose nunez", name="JOSE NUNEZ", item_key="111"))
    s.add_all([
        # Superseded by the newer import of the same account below.
        Import(subject_id=dana.id, account_id=personal.id, connector="twitter",
               source_name="/home/dana/Downloads/twitter-2023.zip", source_digest="a" * 64,
               started_at=datetime(2025, 1, 1, tzinfo=UTC), finished_at=datetime(2025, 1, 1, tzinfo=UTC),
               coverage=[{"file": "data/old-only.js", "status": "read", "reason": "", "count": 1}]),
        Import(subject_id=dana.id, account_id=personal.id, connector="twitter",
               source_name="/home/dana/Downloads/twitter-2024.zip", source_digest="b" * 64,
               started_at=datetime(2026, 1, 1, tzinfo=UTC), finished_at=datetime(2026, 1, 1, tzinfo=UTC),
               coverage=[
                   {"file": "data/tweets.js", "status": "read", "reason": "", "count": 4},
                   {"file": "data/deleted-tweets.js", "status": "skipped",
                    "reason": "deleted items are not audited", "count": None},
                   {"file": "data/grok-chat.js", "status": "unrecognized", "reason": "", "count": None},
                   {"file": "data/follower.js", "status": "warning",
                    "reason": "manifest says 4 items, found 3", "count": 3},
                   {"file": "messages/inbox/priya_r_123/message_1.json", "status": "skipped",
                    "reason": "messages are read only with --include-messages", "count": None},
               ]),
        Import(subject_id=dana.id, account_id=practice.id, connector="instagram",
               source_name="/home/dana/Downloads/instagram.zip", source_digest="c" * 64,
               started_at=datetime(2026, 1, 2, tzinfo=UTC), finished_at=datetime(2026, 1, 2, tzinfo=UTC),
               coverage=[{"file": "content/posts_1.json", "status": "read", "reason": "", "count": 1}]),
    ])

    old = AuditRun(started_at=datetime(2025, 1, 5, tzinfo=UTC), rules_version="2025.1", code_version="0.1.0",
                   parameters={"subjects": [dana.id]})
    run = AuditRun(started_at=RUN_STARTED, rules_version="2026.1", code_version="0.1.0",
                   parameters={"subjects": [dana.id]})
    s.add_all([old, run])
    s.flush()
    s.add(_finding(old, dana, personal, "0" * 32, category="boundary", rule_id="old-rule",
                   severity="low", score=0.2, message="An old finding."))
    s.add_all([
        _finding(run, dana, personal, "a1" * 16, category="confidentiality", rule_id="client-sighting",
                 severity="high", score=0.9, native_id="111",
                 url="https://x.com/dana_w_personal/status/111",
                 item_created_at=datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC),
                 message="A post mentions a client by handle: @jmorrow_88.",
                 excerpt=POST,
                 spans=[span_of(POST, "my client"), span_of(POST, "@jmorrow_88"), span_of(POST, "José Núñez")],
                 explanation=["cue: 'my client' (+0.40)", "named person: 'José Núñez' (+0.20)",
                              "replied to Ellie Kowalski (+0.10)"],
                 citations=[{"code": "AAMFT 2015", "section": "2.1", "title": "Disclosures"},
                            {"code": "HIPAA", "section": "164.502", "title": "Uses and disclosures"}],
                 remediation="Delete the post and do not name @jmorrow_88 or Jamie Morrow again."),
        _finding(run, dana, practice, "b2" * 16, category="boundary", rule_id="public-professional-account",
                 severity="medium", score=0.5, item_type="account", native_id="2002",
                 message="The practice account is public."),
        _finding(run, dana, practice, "c3" * 16, category="testimonial", rule_id="testimonial-request",
                 severity="low", score=0.4, item_type="caption", native_id="p1", status="false_positive",
                 message="A caption asks for reviews.", excerpt="Open house", spans=[[0, 4]]),
        _finding(run, dana, personal, "d4" * 16, category="professional_conduct", rule_id="hostile-row",
                 severity="critical", score=0.7, native_id="115", url=HOSTILE_URL,
                 message="Hostile " + HOSTILE_IMG, excerpt="x " + HOSTILE_SCRIPT + " " + HOSTILE_IMG,
                 spans=[[2, 10]], explanation=[HOSTILE_SCRIPT], remediation=HOSTILE_IMG,
                 citations=[{"code": HOSTILE_SCRIPT, "section": HOSTILE_IMG, "title": '" onmouseover="x'}]),
        _finding(run, dana, personal, "e5" * 16, category="dual_relationship", rule_id="client-follows-personal",
                 severity="high", score=0.8, item_type="connection", native_id="5",
                 url="https://x.com/i/user/5", message="Priya Raman follows the personal account.",
                 excerpt=CONNECTION_POST, spans=[span_of(CONNECTION_POST, "Priya Raman")],
                 remediation="Remove @priya_r and Marcus Bell (@mbell) from the personal account; "
                             "ask Renée Aubertin, tomasz.w and Tomasz Wójcik too."),
        _finding(run, dana, personal, "f6" * 16, category="confidentiality", rule_id="client-sighting",
                 severity="critical", score=1.0, native_id="110", change="resolved",
                 message="A deleted post."),
    ])
    # Before the run: already applied by the run (the row says open), so it must not override.
    s.add(Decision(subject_id=dana.id, fingerprint="a1" * 16, status="false_positive", note="n",
                   decided_by="t", decided_at=datetime(2026, 1, 9, tzinfo=UTC)))
    # After the run: `footprint decide` without a re-run; the report shows it.
    s.add(Decision(subject_id=dana.id, fingerprint="b2" * 16, status="acknowledged", note="n",
                   decided_by="t", decided_at=datetime(2026, 1, 11, tzinfo=UTC)))
    s.flush()
    return World(
        session=s,
        subject_id=dana.id,
        run_id=run.id,
        old_run_id=old.id,
        third_parties=("jmorrow_88", "José Núñez", "Ellie.K", "Ellie Kowalski", "Jamie Morrow",
                       "priya_r", "Priya Raman", "Marcus Bell", "mbell", "Renée Aubertin",
                       "tomasz.w", "Tomasz Wójcik"),
        own=("dana_w_personal", "whitfieldcounseling", "Dana Whitfield"),
    )
