"""Hostile or odd server answers: the parsers never crash on a swapped type or a missing field,
and whatever slips through still ends as one input error (exit 3), never an internal error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.fetch import fetch_records, make_client
from connectors.bluesky.api import parse_actor
from connectors.mastodon.api import parse_account
from tests.fetch.fakes import FakeClock, load

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
STATUS_KEYS = sorted(load("mastodon/statuses.json")[0])
ACCOUNT_KEYS = sorted(load("mastodon/account.json"))
FEED_ITEM_KEYS = ["post", "reason", "reply"]
POST_KEYS = ["uri", "author", "record", "embed"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STATUS_KEYS), st.sampled_from(ACCOUNT_KEYS), JSON, JSON)
def test_mastodon_parser_survives_any_value(status_key: str, account_key: str, v1: Any, v2: Any) -> None:
    statuses = load("mastodon/statuses.json")
    account = load("mastodon/account.json")
    for s in statuses:
        s[status_key] = v1
    account[account_key] = v2
    follower = {**account}
    try:
        parse_account(account, statuses, [follower, v1] if isinstance(v1, dict) else [follower], [],
                      instance="https://therapy.example")
    except InputError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FEED_ITEM_KEYS), st.sampled_from(POST_KEYS), JSON, JSON)
def test_bluesky_parser_survives_any_value(item_key: str, post_key: str, v1: Any, v2: Any) -> None:
    feed = load("bluesky/author-feed.json")["feed"]
    feed[0][item_key] = v1
    if isinstance(feed[1].get("post"), dict):
        feed[1]["post"][post_key] = v2
    profile = load("bluesky/profile.json")
    try:
        parse_actor(profile, feed, [v2] if isinstance(v2, dict) else [], [])
    except InputError:
        pass


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"null", b'{"id": 12}', b"{" * 5000 + b"}" * 5000])
def test_odd_lookup_answers_are_input_errors(body: bytes) -> None:
    client = make_client(transport=httpx.MockTransport(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "application/json"})))
    with pytest.raises(InputError):
        fetch_records("mastodon", "https://therapy.example/@dana", client=client, clock=FakeClock())


def test_statuses_that_are_not_a_list() -> None:
    account = load("mastodon/account.json")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/lookup"):
            return httpx.Response(200, json=account)
        return httpx.Response(200, json={"statuses": []})

    with pytest.raises(InputError, match="no list"):
        fetch_records("mastodon", "https://therapy.example/@dana",
                      client=make_client(transport=httpx.MockTransport(handler)), clock=FakeClock())


def test_a_parser_that_trips_is_still_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors.web import feed

    def trip(*args: object, **kwargs: object) -> None:
        raise KeyError("guid")

    monkeypatch.setattr(feed, "fetch_feed", trip)
    with pytest.raises(InputError, match=r"could not be read \(KeyError\)"):
        fetch_records("feed", "https://blog.example/feed.xml",
                      client=make_client(transport=httpx.MockTransport(lambda r: httpx.Response(404))),
                      clock=FakeClock())


def test_links_urllib_cannot_parse_are_skipped_not_fatal() -> None:
    from connectors.web.page import parse_page

    page = parse_page(b'<a href="https://[::1">x</a><a href="https://x.com:99999/a">y</a>'
                      b'<a href="https://instagram.com/dana.w">ig</a>', "https://site.example/")
    assert [d.handle_or_url for d in page.discovered] == ["@dana.w"]


def test_a_feed_in_an_unknown_encoding_is_an_input_error() -> None:
    from connectors.web.feed import parse_feed

    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed(b'<?xml version="1.0" encoding="UTF28"?><rss/>', "https://blog.example/feed")


def test_profile_fields_of_the_wrong_type() -> None:
    account = {**load("mastodon/account.json"), "fields": True, "uri": "https://[bad"}
    owner = parse_account(account, [], [], [], instance="https://therapy.example")[0]
    assert owner.native_id == "https://therapy.example/users/dana"  # the local default, not junk
