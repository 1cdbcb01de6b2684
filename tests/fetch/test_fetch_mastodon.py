"""Mastodon's REST API: pure parsing of saved responses, fetching over a fake server, and an
archive and a fetch of one account agreeing in the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import api
from auditor.db import open_engine
from auditor.errors import InputError, UsageError
from auditor.fetch import fetch_records, ingest_fetched
from auditor.models import Account, Connection, Content
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
)
from connectors.mastodon.api import StatusContext, parse_account, parse_profile_url, status_records
from connectors.mastodon.csvexport import normalise_acct
from tests.fetch.fakes import DANA_ID, FakeClock, FakeSocial, cassette_bodies, load, mock_client
from tests.helpers import FIXTURES

BASE = "https://therapy.example"


def parsed(**kw: object) -> list[Any]:
    return parse_account(load("mastodon/account.json"), load("mastodon/statuses.json"),
                         load("mastodon/followers.json"), load("mastodon/following.json"),
                         instance=BASE, **kw)  # type: ignore[arg-type]


def by_id(records: list[Any]) -> dict[str, ContentRecord]:
    return {r.native_id.rsplit("/", 2)[-1] if not r.native_id.endswith("/activity") else "06": r
            for r in records if isinstance(r, ContentRecord)}


# -- parsing -----------------------------------------------------------------------------------

def test_owner_is_keyed_by_actor_uri_like_the_archive() -> None:
    owner = parsed()[0]
    assert isinstance(owner, AccountRecord)
    assert owner.native_id == "https://therapy.example/users/dana"
    assert owner.handle == "@dana@therapy.example"
    assert owner.private is True  # locked
    assert owner.links == ("https://whitlow-counseling.example",)
    assert owner.bio == "Counselor in Springfield. Posts are not therapy.\nCrisis? Call 988."


def test_statuses_kinds_visibility_and_text() -> None:
    items = by_id(parsed())
    assert len(items) == 10
    assert items["111000000000000012"].text.startswith("My 3pm client cried about her divorce today")
    assert items["111000000000000002"].visibility == "unlisted"
    assert items["111000000000000009"].text == ("mental health\n\nReminder: asking for help is not "
                                                "a sign of weakness.")  # the content warning first
    assert items["111000000000000007"].text.endswith("- Tuesday noon\n- Thursday evening")
    assert items["111000000000000001"].text == ("New blog post on #anxiety and sleep:\n\n"
                                                "https://whitlow-counseling.example/blog/sleep-and-anxiety")


def test_a_boost_is_a_share_keyed_like_the_archive_announce() -> None:
    share = by_id(parsed())["06"]
    assert share.kind == "share" and share.text == ""
    assert share.native_id == "https://therapy.example/users/dana/statuses/111000000000000006/activity"
    assert share.url == "https://social.example/users/rivka/statuses/111000000000008888"


def test_replies_name_their_parent_and_its_author() -> None:
    items = by_id(parsed())
    thread = items["111000000000000011"]
    assert thread.kind == "reply"
    # the parent is one of the fetched statuses: its URI, as the archive has it
    assert thread.in_reply_to_id == "https://therapy.example/users/dana/statuses/111000000000000010"
    assert thread.in_reply_to == Person(native_id="https://therapy.example/users/dana", handle="@dana@therapy.example")
    remote = items["111000000000000004"]
    assert remote.in_reply_to_id == "https://therapy.example/@rivka@social.example/111000000000007777"
    assert remote.in_reply_to == Person(handle="@rivka@social.example", url="https://social.example/@rivka")
    assert remote.mentions == (Person(handle="@rivka@social.example", url="https://social.example/@rivka"),)


def test_private_visibility_is_followers_and_direct_is_participants_only() -> None:
    ctx = StatusContext(owner_id=DANA_ID, owner_uri=f"{BASE}/users/dana", owner_handle="@dana@therapy.example",
                        instance=BASE, local_domain="therapy.example")
    status = load("mastodon/statuses.json")[0]
    followers_only = next(status_records({**status, "visibility": "private"}, ctx))
    assert isinstance(followers_only, ContentRecord) and followers_only.visibility == "followers"
    dm = list(status_records({**status, "visibility": "direct",
                              "mentions": [{"id": "9", "username": "lee", "acct": "lee@other.example",
                                            "url": "https://other.example/@lee"}]}, ctx))
    assert [type(r).__name__ for r in dm] == ["InteractionRecord"]
    assert isinstance(dm[0], InteractionRecord)
    assert dm[0].kind == "message" and dm[0].person.handle == "@lee@other.example"


def test_followers_and_following_keyed_like_the_csv_export() -> None:
    conns = [r for r in parsed() if isinstance(r, ConnectionRecord)]
    assert [c.relation for c in conns].count("follower") == 6
    assert [c.relation for c in conns].count("following") == 5
    morgan = next(c.person for c in conns if c.person.name == "Morgan Reyes")
    assert morgan.handle == "@morgan@therapy.example"  # a local account gets the server's domain
    # the same key a `following_accounts.csv` line gives, so a CSV and a fetch upsert one row
    assert morgan.key() == Person(handle=normalise_acct("morgan@therapy.example")).key()


def test_export_record_claims_only_complete_lists() -> None:
    complete = [r for r in parsed(complete=frozenset({"statuses", "follower"})) if isinstance(r, ExportRecord)]
    assert complete[0].datasets == {"post", "reply", "share", "follower"}
    assert not complete[0].partial


@pytest.mark.parametrize(("target", "expected"), [
    ("https://therapy.example/@dana", ("https://therapy.example", "dana")),
    ("https://Therapy.Example/@dana/", ("https://therapy.example", "dana")),
    ("https://therapy.example/@dana/with_replies", ("https://therapy.example", "dana")),
    ("https://mastodon.example/@rivka@social.example", ("https://social.example", "rivka")),
    ("https://therapy.example/users/dana", ("https://therapy.example", "dana")),
    ("@dana@therapy.example", ("https://therapy.example", "dana")),
    ("http://127.0.0.1:8080/@dana", ("http://127.0.0.1:8080", "dana")),
])
def test_profile_urls(target: str, expected: tuple[str, str]) -> None:
    assert parse_profile_url(target) == expected


@pytest.mark.parametrize("target", ["https://therapy.example/about", "dana", "ftp://therapy.example/@dana",
                                    "https://therapy.example/@dana/12345"])
def test_not_profile_urls(target: str) -> None:
    with pytest.raises(UsageError):
        parse_profile_url(target)


@pytest.mark.samples
def test_real_cassette_statuses_parse(samples_dir: Path) -> None:
    """The Mastodon.py cassettes: real responses of a 4.5-era server (numeric `/ap/users/` URIs)."""
    cassette = samples_dir / "mastodon" / "Mastodon.py-cassettes" / "test_fetch_next_previous.yaml"
    pages = [json.loads(body) for uri, body in cassette_bodies(cassette)
             if "/api/v1/accounts/" in uri and "/statuses" in uri]
    assert len(pages) == 3
    statuses = [s for page in pages for s in page]
    account = statuses[0]["account"]
    records = parse_account(account, statuses, [], [], instance="http://localhost:3000")
    owner = records[0]
    assert isinstance(owner, AccountRecord)
    assert owner.native_id == "http://localhost:3000/ap/users/117020565966271181"
    assert owner.handle == "@mastodonpy_test@localhost" and owner.private is True
    content = [r for r in records if isinstance(r, ContentRecord)]
    assert len(content) == len({s["uri"] for s in statuses})  # repeated pages are kept once
    assert all(c.visibility == "unlisted" and c.text.startswith("Toot number") for c in content)


@pytest.mark.samples
def test_real_cassette_lookup_404_is_an_input_error(samples_dir: Path) -> None:
    cassette = samples_dir / "mastodon" / "Mastodon.py-cassettes" / "test_account_lookup.yaml"
    bodies = dict(cassette_bodies(cassette))
    missing = bodies["http://localhost:3000/api/v1/accounts/lookup?acct=kljadklajsdkljlkjlkjlkjasdasd"]
    assert json.loads(missing) == load("mastodon/lookup-404.json")


# -- fetching ----------------------------------------------------------------------------------

def test_fetch_pages_through_every_list_and_honours_the_429() -> None:
    fake, clock = FakeSocial(), FakeClock()
    seen: list[int] = []
    result = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(fake),
                           clock=clock, progress=seen.append)
    content = [r for r in result.records if isinstance(r, ContentRecord)]
    assert len(content) == len({c.native_id for c in content}) == 10
    conns = [r for r in result.records if isinstance(r, ConnectionRecord)]
    assert len(conns) == 11
    assert clock.sleeps == [3.0]  # Retry-After of the one 429
    statuses = [r for r in fake.requests if r.startswith(f"/api/v1/accounts/{DANA_ID}/statuses")]
    assert len(statuses) == 4  # 429, then pages of 4, 4, 2
    followers = [r for r in fake.requests if "/followers" in r]
    assert len(followers) == 3  # 3, 3, then the empty page after a full one
    assert seen == sorted(seen) and seen[-1] == 21
    assert not result.partial and result.public_only
    assert result.label == "https://therapy.example/@dana"
    assert any("followers-only" in n for n in result.notes)


def test_limit_cuts_each_list_and_marks_the_fetch_partial() -> None:
    result = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(FakeSocial()),
                           clock=FakeClock(), limit=5)
    assert result.partial
    export = next(r for r in result.records if isinstance(r, ExportRecord))
    assert export.partial
    assert sum(isinstance(r, ContentRecord) for r in result.records) == 5
    assert sum(isinstance(r, ConnectionRecord) and r.relation == "follower" for r in result.records) == 5


def test_an_unknown_account_is_an_input_error() -> None:
    with pytest.raises(InputError) as exc:
        fetch_records("mastodon", "https://therapy.example/@nobody", client=mock_client(FakeSocial()),
                      clock=FakeClock())
    assert exc.value.exit_code == 3 and "no Mastodon account @nobody on therapy.example" in str(exc.value)


def test_a_hidden_network_is_not_read_nor_claimed_whole() -> None:
    fake = FakeSocial(hide_collections=True)
    result = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(fake), clock=FakeClock())
    assert not any("/followers" in r or "/following" in r for r in fake.requests)
    export = next(r for r in result.records if isinstance(r, ExportRecord))
    assert export.datasets == {"post", "reply", "share"}
    assert any(isinstance(r, CoverageRecord) and r.status == "warning" and "hides" in r.reason
               for r in result.records)


def test_a_server_that_is_not_mastodon() -> None:
    import httpx

    from auditor.fetch import make_client

    client = make_client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html>hi</html>")))
    with pytest.raises(InputError, match="did not answer JSON"):
        fetch_records("mastodon", "https://blog.example/@dana", client=client, clock=FakeClock())


def test_digest_is_stable_across_fetches_of_unchanged_data() -> None:
    a = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(FakeSocial()), clock=FakeClock())
    b = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(FakeSocial()), clock=FakeClock())
    assert a.digest == b.digest and len(a.digest) == 64


# -- an archive and a fetch of one account -----------------------------------------------------

def test_archive_then_fetch_is_one_account_and_keeps_followers_only_posts(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    api.ingest(db, [FIXTURES / "archives" / "mastodon" / "archive-2024"], subject="Dana Whitlow")
    result = fetch_records("mastodon", "https://therapy.example/@dana", client=mock_client(FakeSocial()),
                           clock=FakeClock())
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        resolver = api._subject_resolver(s, "Dana Whitlow", lambda _: None)
        out = ingest_fetched(s, result, resolve_subject=resolver, role="professional")
    assert not out.accounts[0].created  # the archive's account, found by actor URI
    # only what the archive did not hold is new: statuses 09-12 and the lists (no followers in archives)
    assert out.accounts[0].added == {"post": 3, "reply": 1, "follower": 6, "following": 5}
    assert "share" not in out.accounts[0].updated  # the boost agrees field for field
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 1
        rows = {c.native_id.rsplit("/", 1)[-1]: c for c in s.scalars(select(Content))}
        # the followers-only status from the archive is not public, so not in the fetch: kept alive
        assert rows["111000000000000003"].deleted_at is None
        assert rows["111000000000000003"].visibility == "followers"
        assert rows["activity"].kind == "share"  # the boost, one row for archive and fetch
        assert s.scalar(select(func.count()).select_from(Content).where(Content.kind == "share")) == 1
        assert s.scalar(select(func.count()).select_from(Connection)) == 11
