"""End to end over real sockets: a small server on 127.0.0.1 pages (Link headers, cursors),
rate-limits once with 429, serves robots.txt, an RSS and an Atom feed and a practice page.
Fetched data goes through the ingest bridge into a real SQLite file and the real analyzer."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import api
from auditor.analyzer.engine import scan_text
from auditor.db import open_engine
from auditor.errors import NetworkError
from auditor.fetch import FetchResult, RobotsDisallowed, fetch_records, ingest_fetched, make_client
from auditor.ingest import IngestResult
from auditor.models import Account, Connection, Content, FindingRow, Import
from tests.fetch.fakes import DID, HANDLE, FakeClock, FakeSocial, serve

SUBJECT = "Dana Whitlow"
RISKY = "My 3pm client cried about her divorce today"


@pytest.fixture
def site() -> Iterator[FakeSocial]:
    with serve(lambda base: FakeSocial(base=base)) as fake:
        yield fake


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "w.db")
    open_engine(path, create=True)
    api.subject_add(path, SUBJECT, profession="counselor")
    return path


def fetch_and_ingest(db: str, kind: str, target: str, clock: FakeClock, **kw: object) -> tuple[FetchResult, IngestResult]:
    """What `api.fetch` will do: fetch with a real client, ingest in one transaction."""
    with make_client(timeout=5) as client:
        result = fetch_records(kind, target, client=client, clock=clock, **kw)  # type: ignore[arg-type]
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        out = ingest_fetched(s, result, resolve_subject=api._subject_resolver(s, SUBJECT, lambda _: None),
                             role=None)
    return result, out


def targets(base: str) -> list[tuple[str, str, dict[str, object]]]:
    return [("mastodon", f"{base}/@dana", {}),
            ("bluesky", HANDLE, {"appview": base}),
            ("feed", f"{base}/blog/feed.xml", {}),
            ("feed", f"{base}/newsletter.atom", {}),
            ("web", f"{base}/practice.html", {})]


def counts(db: str) -> dict[str, tuple[int, int]]:
    """(live content rows, connection rows) per account, keyed by platform and native id."""
    with Session(open_engine(db, create=False)) as s:
        out = {}
        for acc in s.scalars(select(Account)):
            n_content = s.scalar(select(func.count()).select_from(Content)
                                 .where(Content.account_id == acc.id, Content.deleted_at.is_(None)))
            n_conn = s.scalar(select(func.count()).select_from(Connection).where(Connection.account_id == acc.id))
            out[f"{acc.platform} {acc.native_id}"] = (n_content or 0, n_conn or 0)
        return out


def test_everything_arrives_once_is_upserted_and_is_audited(site: FakeSocial, db: str) -> None:
    base, clock = site.base, FakeClock()
    results = [fetch_and_ingest(db, kind, target, clock, **kw) for kind, target, kw in targets(base)]
    assert 3.0 in clock.sleeps  # the one 429 was honoured with its Retry-After
    assert all(ua.startswith("footprint/") for ua in site.user_agents)
    assert site.requests.count("/robots.txt") == 3  # one per web or feed fetch, none for the APIs
    expected = {
        f"mastodon {base}/users/dana": (10, 11),
        f"bluesky {DID}": (8, 8),
        f"feed {base}/blog/feed.xml": (4, 0),
        f"feed {base}/newsletter.atom": (3, 0),
        f"web {base}": (1, 0),
    }
    assert counts(db) == expected
    # every status, post, item and person exactly once (natural keys are unique per account)
    with Session(open_engine(db, create=False)) as s:
        ids = s.execute(select(Content.account_id, Content.native_id)).all()
        assert len(ids) == len(set(ids)) == 26

    # Fetching again: unchanged data is recognised and skipped; nothing is added.
    again = [fetch_and_ingest(db, kind, target, FakeClock(), **kw)[1] for kind, target, kw in targets(base)]
    assert all(r.accounts[0].skipped for r in again)
    assert counts(db) == expected

    summary = api.audit(db)
    assert summary.total > 0
    with Session(open_engine(db, create=False)) as s:
        rows = s.scalars(select(FindingRow).where(FindingRow.run_id == summary.run_id)).all()
    risky = {(f.platform, f.native_id) for f in rows if f.category == "confidentiality"}
    assert ("mastodon", f"{base}/users/dana/statuses/111000000000000012") in risky
    assert ("bluesky", f"at://{DID}/app.bsky.feed.post/3lfcz7ajxk22b") in risky
    assert ("feed", "whitlow-blog-0004") in risky
    # the same analyzer as archived items: the rule that flags the text on its own flags it here
    alone = {f.rule_id for f in scan_text(RISKY + ".") if f.category == "confidentiality"}
    fetched = {f.rule_id for f in rows if f.platform == "mastodon" and (f.native_id or "").endswith("012")}
    assert alone and alone <= fetched
    testimonial = {f.rule_id for f in rows if f.platform == "web" and f.category == "testimonial"}
    assert testimonial, "client praise on the practice page is a testimonial finding"
    web = results[4][0]
    assert web.testimonials and web.social_media_policy
    assert len(web.discovered) == 6


def test_the_mastodon_account_a_page_links_can_be_fetched_by_its_command(site: FakeSocial, db: str) -> None:
    web, _ = fetch_and_ingest(db, "web", f"{site.base}/practice.html", FakeClock())
    mastodon = next(d for d in web.discovered if d.platform == "mastodon")
    assert mastodon.command == f"footprint fetch mastodon {site.base}/@dana"
    kind, target = mastodon.command.split()[2:4]
    _, out = fetch_and_ingest(db, kind, target, FakeClock())
    assert out.accounts[0].added == {"post": 7, "reply": 2, "share": 1, "follower": 6, "following": 5}


def test_limit_is_partial_and_deletes_nothing(site: FakeSocial, db: str) -> None:
    fetch_and_ingest(db, "mastodon", f"{site.base}/@dana", FakeClock())
    result, out = fetch_and_ingest(db, "mastodon", f"{site.base}/@dana", FakeClock(), limit=2)
    assert result.partial and out.accounts[0].partial and out.accounts[0].deleted == {}
    assert counts(db)[f"mastodon {site.base}/users/dana"] == (10, 11)
    with Session(open_engine(db, create=False)) as s:
        assert s.scalars(select(Import.partial).order_by(Import.id.desc())).first() is True


def test_robots_disallowed_page_is_refused(site: FakeSocial) -> None:
    with make_client(timeout=5) as client, pytest.raises(RobotsDisallowed) as exc:
        fetch_records("web", f"{site.base}/private/notes.html", client=client, clock=FakeClock())
    assert exc.value.exit_code == 3
    assert "/private/notes.html" not in site.requests


def test_unreachable_server_is_exit_4(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clock = FakeClock()
    with make_client(timeout=2) as client, pytest.raises(NetworkError) as exc:
        fetch_records("mastodon", f"http://127.0.0.1:{port}/@dana", client=client, clock=clock)
    assert exc.value.exit_code == 4 and "\n" not in str(exc.value)
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]  # backed off, without really sleeping


def test_unknown_account_on_the_server_is_exit_3(site: FakeSocial) -> None:
    from auditor.errors import InputError

    with make_client(timeout=5) as client, pytest.raises(InputError) as exc:
        fetch_records("mastodon", f"{site.base}/@nobody", client=client, clock=FakeClock())
    assert exc.value.exit_code == 3


def _cli_has_fetch() -> bool:
    from auditor.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    return "fetch" in names or any(g.name == "fetch" for g in app.registered_groups)


@pytest.mark.skipif(not _cli_has_fetch(), reason="`footprint fetch` is not wired into the CLI yet")
def test_cli_fetch_against_the_local_server(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    with serve(lambda base: FakeSocial(base=base, throttle_once=False)) as fake:
        for args in (["mastodon", f"{fake.base}/@dana"], ["bluesky", HANDLE, "--appview", fake.base],
                     ["feed", f"{fake.base}/blog/feed.xml"], ["web", f"{fake.base}/practice.html"]):
            result = runner.invoke(app, ["fetch", *args, "--db", db, "--subject", SUBJECT])
            assert result.exit_code == 0, result.output
        missing = runner.invoke(app, ["fetch", "mastodon", f"{fake.base}/@nobody", "--db", db, "--subject", SUBJECT])
        assert missing.exit_code == 3
        bad = runner.invoke(app, ["fetch", "feed", "file:///etc/passwd", "--db", db])
        assert bad.exit_code == 2
    assert counts(db)[f"mastodon {fake.base}/users/dana"] == (10, 11)
    assert runner.invoke(app, ["audit", "--db", db]).exit_code in (0, 1)
