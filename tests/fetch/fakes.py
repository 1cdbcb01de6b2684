"""Fake public servers for the fetch tests: one routing function behind both `httpx.MockTransport`
(unit tests) and a threaded `http.server` on 127.0.0.1 (end-to-end tests).

The fake serves the saved synthetic responses in `fixtures/http/`, and pages them the way the
real servers do: Mastodon with `Link: <…>; rel="next"` when a page is full (Mastodon's own rule),
Bluesky with an opaque `cursor` that is missing on the last page. Page sizes are capped small so
that every list takes several pages. The first statuses request is answered `429` with
`Retry-After` once. Fixture URLs on `https://therapy.example` are rewritten to the fake's base.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from tests.helpers import FIXTURES

HTTP = FIXTURES / "http"
FIXTURE_HOST = "https://therapy.example"
DANA_ID = "109000000000000001"
DID = "did:plc:w4xbfzo7kqfes5zb7r6qv3rw"
HANDLE = "danawhitlow.bsky.social"


def load(rel: str) -> Any:
    return json.loads((HTTP / rel).read_text(encoding="utf-8"))


class FakeClock:
    """An injected clock: `sleep` advances time and is recorded, never waits."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class FakeSocial:
    """Routes (path, query) to a fixture response; records what was asked."""

    base: str = FIXTURE_HOST
    status_page: int = 4
    account_page: int = 3
    bsky_page: int = 3
    throttle_once: bool = True
    hide_collections: bool = False
    no_unauthenticated: bool = False
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    _throttled: bool = False

    # -- helpers -------------------------------------------------------------------------------
    def sub(self, text: str) -> str:
        return text.replace(FIXTURE_HOST, self.base)

    def json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        body = self.sub(json.dumps(data)).encode()
        return status, {"content-type": "application/json; charset=utf-8", **(headers or {})}, body

    def file(self, rel: str, ctype: str) -> Reply:
        return 200, {"content-type": ctype}, self.sub((HTTP / rel).read_text(encoding="utf-8")).encode()

    # -- routing -------------------------------------------------------------------------------
    def handle(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        self.requests.append(path + ("?" + urlencode(query) if query else ""))
        if "user-agent" in headers:
            self.user_agents.add(headers["user-agent"])
        if path == "/robots.txt":
            return self.file("web/robots.txt", "text/plain")
        if path.startswith("/api/v1/"):
            return self.mastodon(path, query)
        if path.startswith("/xrpc/"):
            return self.bluesky(path.removeprefix("/xrpc/"), query)
        pages = {"/practice.html": ("web/practice.html", "text/html; charset=utf-8"),
                 "/directory/rowan.html": ("web/three-profiles.html", "text/html"),
                 "/private/notes.html": ("web/three-profiles.html", "text/html"),
                 "/blog/feed.xml": ("feed/blog.rss", "application/rss+xml; charset=utf-8"),
                 "/newsletter.atom": ("feed/newsletter.atom", "application/atom+xml"),
                 "/bomb.xml": ("feed/entity-bomb.xml", "application/xml")}
        if path in pages:
            return self.file(*pages[path])
        return 404, {"content-type": "text/html"}, b"<h1>Not found</h1>"

    def mastodon(self, path: str, query: dict[str, str]) -> Reply:
        limits = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "250",
                  "x-ratelimit-reset": "2026-08-01T13:55:00.212100Z"}
        if path == "/api/v1/accounts/lookup":
            if query.get("acct") != "dana":
                return self.json(load("mastodon/lookup-404.json"), 404, limits)
            account = load("mastodon/account.json")
            if self.hide_collections:
                account["hide_collections"] = True
            return self.json(account, headers=limits)
        prefix = f"/api/v1/accounts/{DANA_ID}/"
        if not path.startswith(prefix):
            return self.json({"error": "Record not found"}, 404)
        what = path.removeprefix(prefix)
        if what == "statuses":
            if self.throttle_once and not self._throttled:
                self._throttled = True
                return self.json({"error": "Too many requests"}, 429,
                                 {"retry-after": "3", "x-ratelimit-remaining": "0"})
            items, cap, key = load("mastodon/statuses.json"), self.status_page, "id"
        elif what in ("followers", "following"):
            if self.hide_collections:
                return self.json([], headers=limits)
            items, cap, key = load(f"mastodon/{what}.json"), self.account_page, None
        else:
            return self.json({"error": "Record not found"}, 404)
        size = min(int(query.get("limit", "20")), cap)
        # Statuses page by status id; lists by an opaque relationship cursor (here an offset).
        if key and "max_id" in query:
            items = [s for s in items if int(s["id"]) < int(query["max_id"])]
            start = 0
        else:
            start = int(query.get("max_id", "0")) if not key else 0
        page = items[start:start + size]
        headers = dict(limits)
        if len(page) == size and page:
            cursor = page[-1]["id"] if key else str(start + size)
            nxt = f"{self.base}{path}?limit={size}&max_id={cursor}"
            headers["link"] = f'<{nxt}>; rel="next", <{self.base}{path}?limit={size}&min_id=1>; rel="prev"'
        return self.json(page, headers=headers)

    def bluesky(self, method: str, query: dict[str, str]) -> Reply:
        limits = {"ratelimit-limit": "3000", "ratelimit-remaining": "2999",
                  "ratelimit-reset": "1767225900", "ratelimit-policy": "3000;w=300"}
        actor = query.get("actor")
        if actor not in (HANDLE, DID):
            return self.json(load("bluesky/profile-not-found.json"), 400, limits)
        if method == "app.bsky.actor.getProfile":
            profile = load("bluesky/profile.json")
            if self.no_unauthenticated:
                profile["labels"] = [{"src": DID, "uri": f"at://{DID}/app.bsky.actor.profile/self",
                                      "val": "!no-unauthenticated", "cts": "2025-01-01T00:00:00.000Z"}]
            return self.json(profile, headers=limits)
        lists = {"app.bsky.feed.getAuthorFeed": ("bluesky/author-feed.json", "feed"),
                 "app.bsky.graph.getFollowers": ("bluesky/followers.json", "followers"),
                 "app.bsky.graph.getFollows": ("bluesky/follows.json", "follows")}
        if method not in lists:
            return self.json({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)
        rel, key = lists[method]
        data = load(rel)
        items = data[key]
        start = int(query["cursor"].removeprefix("c")) if query.get("cursor") else 0
        size = min(int(query.get("limit", "50")), self.bsky_page)
        out = {k: v for k, v in data.items() if k != key}
        out[key] = items[start:start + size]
        if start + size < len(items):
            out["cursor"] = f"c{start + size}"
        return self.json(out, headers=limits)

    # -- transports ----------------------------------------------------------------------------
    def mock_transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            status, headers, body = self.handle(request.url.path, dict(request.url.params),
                                                {k.lower(): v for k, v in request.headers.items()})
            return httpx.Response(status, headers=headers, content=body)

        return httpx.MockTransport(handler)


def mock_client(fake: FakeSocial) -> httpx.Client:
    """A footprint client (User-Agent, redirects) over the fake, no sockets."""
    from auditor.fetch import make_client

    return make_client(transport=fake.mock_transport())


@contextmanager
def serve(fake_factory: Callable[[str], FakeSocial]) -> Iterator[FakeSocial]:
    """Run a fake on 127.0.0.1 on a free port; the factory receives the base URL."""
    holder: dict[str, FakeSocial] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, body = holder["fake"].handle(
                parts.path, dict(parse_qsl(parts.query)),
                {k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    holder["fake"] = fake_factory(base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["fake"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def cassette_bodies(path: Path) -> list[tuple[str, str]]:
    """(request uri, response body) of each interaction in a vcrpy cassette, without PyYAML.

    The cassettes write bodies as single-quoted YAML scalars folded over several lines: a line
    break inside is a space, and `''` is a quote (YAML 1.2 §7.3.2).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[tuple[str, str]] = []
    uri = ""
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("uri: "):
            uri = line[5:]
        if line.startswith("string: '"):
            chunk = line[len("string: '"):]
            parts = [chunk]
            while not _closes(parts[-1]):
                i += 1
                parts.append(lines[i].strip())
            text = " ".join(parts)
            out.append((uri, text[:-1].replace("''", "'")))
        i += 1
    return out


def _closes(text: str) -> bool:
    """True when a single-quoted scalar ends on this line (an odd run of quotes at the end)."""
    stripped = text.rstrip("'")
    return (len(text) - len(stripped)) % 2 == 1
