"""Bluesky's AppView: pure parsing of lexicon-shaped responses, cursor paging over a fake server,
errors, and the repo (CAR) and a fetch of one account agreeing in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import api
from auditor.db import open_engine
from auditor.errors import InputError, UsageError
from auditor.fetch import fetch_records, ingest_fetched, make_client
from auditor.models import Account, Connection, Content
from auditor.records import AccountRecord, ConnectionRecord, ContentRecord, ExportRecord, Person
from connectors.bluesky.api import feed_item_records, normalise_actor, parse_actor
from tests.fetch.fakes import DID, HANDLE, FakeClock, FakeSocial, load, mock_client
from tests.helpers import FIXTURES


def parsed(**kw: object) -> list[Any]:
    return parse_actor(load("bluesky/profile.json"), load("bluesky/author-feed.json")["feed"],
                       load("bluesky/followers.json")["followers"], load("bluesky/follows.json")["follows"],
                       **kw)  # type: ignore[arg-type]


def test_profile_is_the_did_with_the_handle() -> None:
    owner = parsed()[0]
    assert isinstance(owner, AccountRecord)
    assert owner.native_id == DID and owner.handle == HANDLE
    assert owner.url == f"https://bsky.app/profile/{DID}"  # as the repo connector writes it
    assert owner.links == ("https://whitlow-counseling.example",) and owner.private is False


def test_feed_posts_replies_and_reposts() -> None:
    content = [r for r in parsed() if isinstance(r, ContentRecord)]
    kinds = [c.kind for c in content]
    assert kinds.count("post") == 5 and kinds.count("reply") == 2 and kinds.count("share") == 1
    repost = next(c for c in content if c.kind == "share")
    assert repost.native_id == f"at://{DID}/app.bsky.feed.repost/3letdoq4es22b"  # the repo's key
    assert repost.url == "https://bsky.app/profile/did:plc:rivkafictionalaaaaaaaaaa/post/3letdfrz4222b"
    reply = next(c for c in content if c.native_id.endswith("3leudazobk22b"))
    assert reply.in_reply_to == Person(native_id="did:plc:rivkafictionalaaaaaaaaaa")
    mention = next(c for c in content if c.native_id.endswith("3letgr3af222b"))
    assert mention.mentions == (Person(native_id="did:plc:rivkafictionalaaaaaaaaaa", handle="rivka.bsky.social"),)


def test_posts_by_others_in_the_feed_are_not_the_owners() -> None:
    other = load("bluesky/author-feed.json")["feed"][4]["reply"]["parent"]  # rivka's post
    assert feed_item_records({"post": other}, DID) == []


def test_a_repost_without_its_record_uri_gets_a_stable_key() -> None:
    item = dict(load("bluesky/author-feed.json")["feed"][6])
    item["reason"] = {k: v for k, v in item["reason"].items() if k not in ("uri", "cid")}
    (rec,) = feed_item_records(item, DID)
    assert isinstance(rec, ContentRecord) and rec.native_id == f"{item['post']['uri']}#repost-by-{DID}"


def test_people_are_keyed_by_did() -> None:
    conns = [r for r in parsed() if isinstance(r, ConnectionRecord)]
    assert len([c for c in conns if c.relation == "follower"]) == 5
    assert len([c for c in conns if c.relation == "following"]) == 3
    assert all(c.person.native_id and c.person.native_id.startswith("did:") for c in conns)


@pytest.mark.parametrize(("target", "actor"), [
    ("danawhitlow.bsky.social", "danawhitlow.bsky.social"),
    ("@DanaWhitlow.bsky.social", "danawhitlow.bsky.social"),
    ("https://bsky.app/profile/danawhitlow.bsky.social", "danawhitlow.bsky.social"),
    (DID, DID),
    ("did:web:clinic.example", "did:web:clinic.example"),
])
def test_actor_forms(target: str, actor: str) -> None:
    assert normalise_actor(target) == actor


@pytest.mark.parametrize("target", ["dana", "https://example.com/dana", "did:key:z6Mk", "a b.bsky.social"])
def test_not_actors(target: str) -> None:
    with pytest.raises(UsageError):
        normalise_actor(target)


def test_fetch_follows_cursors_to_the_end() -> None:
    fake = FakeSocial()
    progress: list[int] = []
    result = fetch_records("bluesky", HANDLE, client=mock_client(fake), clock=FakeClock(), progress=progress.append)
    feed_calls = [r for r in fake.requests if "getAuthorFeed" in r]
    assert len(feed_calls) == 3  # 8 items, 3 a page
    assert "filter=posts_with_replies" in feed_calls[0] and "cursor=c3" in feed_calls[1]
    content = [r for r in result.records if isinstance(r, ContentRecord)]
    assert len(content) == len({c.native_id for c in content}) == 8
    assert sum(isinstance(r, ConnectionRecord) for r in result.records) == 8
    assert progress[-1] == 16 and not result.partial
    assert result.label == f"https://bsky.app/profile/{HANDLE}"
    assert all(r.startswith("/xrpc/") for r in fake.requests)  # no robots.txt for the API
    export = next(r for r in result.records if isinstance(r, ExportRecord))
    assert export.datasets == {"post", "reply", "share", "follower", "following"}


def test_fetch_uses_the_given_appview() -> None:
    hosts: list[str] = []
    fake = FakeSocial()
    transport = fake.mock_transport()

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return transport.handle_request(request)

    client = make_client(transport=httpx.MockTransport(handler))
    fetch_records("bluesky", HANDLE, client=client, clock=FakeClock(), appview="https://appview.example/")
    assert set(hosts) == {"appview.example"}


def test_default_appview_is_the_public_one() -> None:
    hosts: list[str] = []
    transport = FakeSocial().mock_transport()

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return transport.handle_request(request)

    fetch_records("bluesky", HANDLE, client=make_client(transport=httpx.MockTransport(handler)), clock=FakeClock())
    assert set(hosts) == {"public.api.bsky.app"}


def test_limit_marks_partial() -> None:
    result = fetch_records("bluesky", HANDLE, client=mock_client(FakeSocial()), clock=FakeClock(), limit=2)
    assert result.partial
    assert sum(isinstance(r, ContentRecord) for r in result.records) == 2


def test_profile_not_found_is_an_input_error() -> None:
    with pytest.raises(InputError) as exc:
        fetch_records("bluesky", "nobody.bsky.social", client=mock_client(FakeSocial()), clock=FakeClock())
    assert exc.value.exit_code == 3 and "Profile not found" in str(exc.value)


def test_no_unauthenticated_is_honoured() -> None:
    fake = FakeSocial(no_unauthenticated=True)
    with pytest.raises(InputError, match="no-unauthenticated"):
        fetch_records("bluesky", HANDLE, client=mock_client(fake), clock=FakeClock())
    assert not any("getAuthorFeed" in r for r in fake.requests)


def test_an_appview_that_is_not_one() -> None:
    client = make_client(transport=httpx.MockTransport(lambda r: httpx.Response(404, text="nope")))
    with pytest.raises(InputError, match="is it a Bluesky AppView"):
        fetch_records("bluesky", HANDLE, client=client, clock=FakeClock(), appview="https://www.example.com")


def test_repo_then_fetch_is_one_account_without_duplicates(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    api.ingest(db, [FIXTURES / "archives" / "bluesky" / "repo-v3.car"], subject="Dana Whitlow")
    result = fetch_records("bluesky", HANDLE, client=mock_client(FakeSocial()), clock=FakeClock())
    engine = open_engine(db, create=False)
    with Session(engine) as s, s.begin():
        out = ingest_fetched(s, result, resolve_subject=api._subject_resolver(s, "Dana Whitlow", lambda _: None),
                             role=None)
    assert not out.accounts[0].created
    # new to the fetch: three newer posts and replies, and the followers the repo cannot hold
    assert out.accounts[0].added == {"post": 2, "reply": 1, "follower": 5, "following": 1}
    with Session(engine) as s:
        acc = s.scalars(select(Account)).one()
        assert acc.handle == HANDLE  # the repo has no handle; the fetch adds it
        shares = s.scalar(select(func.count()).select_from(Content).where(Content.kind == "share"))
        assert shares == 1
        follows = s.scalars(select(Connection).where(Connection.relation == "following",
                                                     Connection.native_id == "did:plc:rivkafictionalaaaaaaaaaa")).all()
        assert len(follows) == 1 and follows[0].handle == "rivka.bsky.social"
