"""The polite HTTP layer (`auditor.fetch.PoliteHttp`): User-Agent, retries, 429, rate limits,
robots.txt, size caps, URL checks. Everything over `httpx.MockTransport` and a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from auditor.errors import InputError, NetworkError, UsageError
from auditor.fetch import (
    USER_AGENT,
    PoliteHttp,
    RobotsDisallowed,
    fetch_records,
    make_client,
    parse_reset,
    rate_limit,
)
from tests.fetch.fakes import FakeClock

Handler = Callable[[httpx.Request], httpx.Response]


def polite(handler: Handler, clock: FakeClock, **kw: object) -> PoliteHttp:
    return PoliteHttp(make_client(transport=httpx.MockTransport(handler)), clock=clock, **kw)  # type: ignore[arg-type]


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering each request with the next response (or raising the exception)."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


def test_every_request_names_footprint_and_a_contact_url() -> None:
    handler, seen = sequence(httpx.Response(200, json={}))
    polite(handler, FakeClock()).get("https://example.social/api/v1/instance")
    assert seen[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("footprint/") and "(+https://github.com/footprint-audit/footprint)" in USER_AGENT


def test_make_client_sets_timeouts_and_follows_redirects() -> None:
    client = make_client(timeout=7.5)
    assert client.timeout.read == 7.5 and client.timeout.connect == 7.5
    assert client.follow_redirects is True
    assert client.headers["user-agent"] == USER_AGENT


def test_429_waits_for_retry_after_then_succeeds() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=[]))
    resp = polite(handler, clock).get("https://example.social/x")
    assert resp.status_code == 200 and len(seen) == 2
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date() -> None:
    clock = FakeClock()
    when = datetime.fromtimestamp(clock.now + 42, UTC)
    handler, _ = sequence(httpx.Response(503, headers={"Retry-After": format_datetime(when, usegmt=True)}),
                          httpx.Response(200))
    polite(handler, clock).get("https://example.social/x")
    assert clock.sleeps == [42.0]


def test_server_errors_are_retried_with_exponential_backoff() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(502), httpx.Response(503), httpx.Response(200))
    assert polite(handler, clock).get("https://example.social/x").status_code == 200
    assert clock.sleeps == [1.0, 2.0] and len(seen) == 3


def test_a_server_that_keeps_failing_is_a_network_error_after_the_retries() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(500))
    with pytest.raises(NetworkError) as exc:
        polite(handler, clock).get("https://example.social/x")
    assert exc.value.exit_code == 4
    assert len(seen) == 5 and clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert "\n" not in str(exc.value) and "HTTP 500" in str(exc.value)


def test_connection_failures_are_retried_then_one_clear_line() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(NetworkError) as exc:
        polite(handler, clock, retries=2).get("https://down.example/x")
    assert len(seen) == 3 and clock.sleeps == [1.0, 2.0]
    msg = str(exc.value)
    assert msg.startswith("could not fetch https://down.example/x: connection failed") and "\n" not in msg


def test_a_timeout_is_a_network_error() -> None:
    handler, _ = sequence(httpx.ReadTimeout("timed out"))
    with pytest.raises(NetworkError, match="read timed out"):
        polite(handler, FakeClock(), retries=0).get("https://slow.example/x")


def test_a_spent_mastodon_budget_waits_until_the_iso_reset() -> None:
    clock = FakeClock()
    reset = datetime.fromtimestamp(clock.now + 120, UTC).isoformat().replace("+00:00", "Z")
    spent = httpx.Response(200, json=[], headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                                  "X-RateLimit-Reset": reset})
    handler, seen = sequence(spent, httpx.Response(200, json=[]))
    http = polite(handler, clock)
    http.get("https://example.social/a")
    assert clock.sleeps == []  # the budget is read after the answer, the wait is before the next
    http.get("https://example.social/b")
    assert clock.sleeps == [pytest.approx(120.0)] and len(seen) == 2


@pytest.mark.parametrize(("headers", "wait"), [
    ({"RateLimit-Remaining": "0", "RateLimit-Reset": "30"}, 30.0),           # IETF: delta seconds
    ({"ratelimit-remaining": "0", "ratelimit-reset": "EPOCH+45"}, 45.0),     # Bluesky: epoch seconds
    ({"RateLimit": '"default";r=0;t=12'}, 12.0),                             # draft structured field
    ({"RateLimit": "limit=100, remaining=0, reset=9"}, 9.0),
])
def test_rate_limit_header_variants(headers: dict[str, str], wait: float) -> None:
    clock = FakeClock()
    headers = {k: v.replace("EPOCH+45", str(int(clock.now) + 45)) for k, v in headers.items()}
    handler, _ = sequence(httpx.Response(200, headers=headers), httpx.Response(200))
    http = polite(handler, clock)
    http.get("https://example.social/a")
    http.get("https://example.social/b")
    assert clock.sleeps == [pytest.approx(wait)]


def test_a_remaining_budget_does_not_wait() -> None:
    clock = FakeClock()
    handler, _ = sequence(httpx.Response(200, headers={"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "60"}))
    http = polite(handler, clock)
    http.get("https://example.social/a")
    http.get("https://example.social/b")
    assert clock.sleeps == []


def test_the_budget_is_per_host() -> None:
    clock = FakeClock()
    handler, _ = sequence(httpx.Response(200, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "30"}))
    http = polite(handler, clock)
    http.get("https://a.example/x")
    http.get("https://b.example/x")
    assert clock.sleeps == []


def test_a_reset_too_far_away_asks_to_try_later() -> None:
    clock = FakeClock()
    handler, _ = sequence(httpx.Response(200, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "7200"}))
    http = polite(handler, clock)
    http.get("https://example.social/a")
    with pytest.raises(NetworkError, match="try again later"):
        http.get("https://example.social/b")


def test_parse_reset_forms() -> None:
    now = 1_767_225_600.0
    assert parse_reset("2026-01-01T00:01:00Z", now) == now + 60
    assert parse_reset("1767225700", now) == 1767225700
    assert parse_reset("15", now) == now + 15
    assert parse_reset("soon", now) is None and parse_reset(None, now) is None
    assert rate_limit(httpx.Headers({}), now) == (None, None)


def _site(routes: dict[str, httpx.Response], seen: list[str]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return routes.get(request.url.path, httpx.Response(404))

    return handler


ROBOTS = ("User-agent: *\nDisallow: /private/\n\n"
          "User-agent: footprint\nDisallow: /private/\nDisallow: /no-footprint/\nCrawl-delay: 2\n")


def test_robots_txt_is_read_once_and_respected() -> None:
    seen: list[str] = []
    clock = FakeClock()
    http = polite(_site({"/robots.txt": httpx.Response(200, text=ROBOTS),
                         "/page": httpx.Response(200, text="<p>hi</p>")}, seen), clock, robots=True)
    assert http.get("https://practice.example/page").status_code == 200
    with pytest.raises(RobotsDisallowed) as exc:
        http.get("https://practice.example/no-footprint/x")
    assert exc.value.exit_code == 3 and "robots.txt" in str(exc.value)
    with pytest.raises(RobotsDisallowed):
        http.get("https://practice.example/private/notes")
    assert seen.count("/robots.txt") == 1


def test_crawl_delay_spaces_requests() -> None:
    seen: list[str] = []
    clock = FakeClock()
    http = polite(_site({"/robots.txt": httpx.Response(200, text=ROBOTS),
                         "/a": httpx.Response(200), "/b": httpx.Response(200)}, seen), clock, robots=True)
    http.get("https://practice.example/a")
    http.get("https://practice.example/b")
    # robots.txt, then /a two seconds later, then /b two seconds after that
    assert clock.sleeps == [2.0, 2.0]


def test_a_missing_robots_txt_allows_everything() -> None:
    seen: list[str] = []
    http = polite(_site({"/private/x": httpx.Response(200)}, seen), FakeClock(), robots=True)
    assert http.get("https://practice.example/private/x").status_code == 200


def test_robots_is_not_consulted_for_apis() -> None:
    seen: list[str] = []
    http = polite(_site({"/api": httpx.Response(200)}, seen), FakeClock(), robots=False)
    http.get("https://example.social/api")
    assert seen == ["/api"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "example.org/feed",
                                 "javascript:alert(1)", "https://"])
def test_only_http_and_https_urls(url: str) -> None:
    handler, seen = sequence(httpx.Response(200))
    with pytest.raises(UsageError) as exc:
        polite(handler, FakeClock()).get(url)
    assert exc.value.exit_code == 2 and not seen


def test_bodies_are_capped() -> None:
    handler, _ = sequence(httpx.Response(200, content=b"x" * 5000))
    with pytest.raises(InputError, match="larger than"):
        polite(handler, FakeClock(), max_bytes=1000).get("https://example.org/big")


def test_gzip_bodies_come_back_decoded() -> None:
    import gzip

    handler, _ = sequence(httpx.Response(200, content=gzip.compress(b'{"a": 1}'),
                                         headers={"content-encoding": "gzip", "content-type": "application/json"}))
    resp = polite(handler, FakeClock()).get("https://example.org/x")
    assert resp.json() == {"a": 1}


def test_redirect_loops_are_a_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "https://loop.example/again"})

    with pytest.raises(NetworkError, match="too many redirects"):
        polite(handler, FakeClock()).get("https://loop.example/start")


@pytest.mark.parametrize(("kind", "kw", "message"), [
    ("twitter", {}, "unknown fetch kind"),
    ("feed", {"limit": 0}, "--limit"),
    ("web", {"appview": "https://appview.example"}, "--appview"),
    ("bluesky", {"appview": "ftp://appview.example"}, "--appview"),
])
def test_fetch_records_usage_errors(kind: str, kw: dict[str, object], message: str) -> None:
    handler, _ = sequence(httpx.Response(200))
    with pytest.raises(UsageError, match=message):
        fetch_records(kind, "danawhitlow.bsky.social", client=make_client(transport=httpx.MockTransport(handler)),
                      clock=FakeClock(), **kw)  # type: ignore[arg-type]
