"""`footprint fetch`: public profile data over HTTP, politely. The only code that opens sockets.

Three parts:

- **The polite HTTP layer** (`PoliteHttp` over an injected `httpx.Client`, see `make_client`): an
  identifying User-Agent with a contact URL, timeouts, retries with exponential backoff on
  network errors and 5xx, `429` + `Retry-After` honoured, rate-limit headers read (Mastodon's
  `X-RateLimit-*` with an ISO reset time, the IETF/Bluesky `RateLimit-*` with delta or epoch
  seconds): when the remaining budget reaches zero the next request waits for the reset.
  `robots.txt` (RFC 9309, read with `urllib.robotparser`) is respected for `web` and `feed`.
  Time comes from an injected `Clock`, so tests never sleep.
- **`fetch_records`**: one target → a `FetchResult` (records in the archive connectors' order,
  owner AccountRecord first; a label; a digest of the records; `partial` when `--limit` cut
  pagination short; accounts discovered on a web page).
- **`ingest_fetched`**: the bridge to `auditor.ingest.ingest_records`, the only writer.

The platform code lives in the connectors (`connectors.mastodon.api`, `connectors.bluesky.api`,
`connectors.web.feed`, `connectors.web.page`): pure parsers plus fetch functions that take any
`HttpGet`. Those modules are imported inside `fetch_records`, so importing this one stays cheap.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from auditor import __version__
from auditor.errors import FootprintError, InputError, NetworkError, UsageError
from auditor.records import AccountRecord, ExportRecord, Record
from connectors.web.http import Fetched, origin, require_http_url
from connectors.web.profiles import DiscoveredAccount

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from auditor.ingest import IngestResult, SubjectResolver

__all__ = [
    "KINDS",
    "USER_AGENT",
    "Clock",
    "DiscoveredAccount",
    "FetchResult",
    "PoliteHttp",
    "RobotsDisallowed",
    "SystemClock",
    "fetch_records",
    "ingest_fetched",
    "make_client",
]

USER_AGENT = f"footprint/{__version__} (+https://github.com/footprint-audit/footprint)"
KINDS = ("mastodon", "bluesky", "feed", "web")
DEFAULT_TIMEOUT = 20.0
DEFAULT_APPVIEW = "https://public.api.bsky.app"
#: The connector name stored with each import, so an import's history says where it came from.
CONNECTORS = {"mastodon": "mastodon-api", "bluesky": "bluesky-appview", "feed": "feed",
              "web": "web"}
#: Statuses worth retrying: the server is overloaded or restarting, not refusing.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Clock(Protocol):
    """Wall time and sleeping, injected so that tests advance time instead of waiting."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class RobotsDisallowed(InputError):
    """The site's robots.txt does not allow footprint to fetch the URL (exit 3)."""


def make_client(timeout: float = DEFAULT_TIMEOUT, *,
                transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An `httpx.Client` that names footprint and a contact URL, with timeouts and redirects."""
    return httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(timeout),
                        follow_redirects=True, max_redirects=5, transport=transport)


# -- the polite HTTP layer -------------------------------------------------------------------------

@dataclass
class _HostState:
    """What one host told us about its limits."""

    wait_until: float = 0.0  # epoch seconds: the rate-limit budget is spent until then
    min_interval: float = 0.0  # robots.txt Crawl-delay
    last_request: float | None = None
    robots: RobotFileParser | None = None


class PoliteHttp:
    """`HttpGet` over an `httpx.Client`, with retries, backoff, rate limits and robots.txt.

    `get` returns any final answer (404 included: the fetchers decide what it means) and raises
    `NetworkError` when the network fails or the server keeps failing after `retries` retries.
    Bodies are read up to `max_bytes` (untrusted servers), then handed back fully read.
    """

    def __init__(self, client: httpx.Client, *, clock: Clock | None = None, robots: bool = False,
                 retries: int = 4, backoff: float = 1.0, max_wait: float = 900.0,
                 max_bytes: int = 20_000_000) -> None:
        self.client, self.clock, self.robots = client, clock or SystemClock(), robots
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.max_bytes = max_bytes
        self.hosts: dict[str, _HostState] = {}
        self.requests = 0

    def get(self, url: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> httpx.Response:
        url = require_http_url(url)
        if self.robots:
            self._check_robots(url)
        return self._request(url, params, headers)

    # -- one request, retried ------------------------------------------------------------------
    def _request(self, url: str, params: Mapping[str, Any] | None,
                 headers: Mapping[str, str] | None) -> httpx.Response:
        host = self.hosts.setdefault(origin(url), _HostState())
        name = urlsplit(url).netloc
        attempt = 0
        while True:
            self._wait_turn(host, name)
            host.last_request = self.clock.time()
            self.requests += 1
            try:
                resp = self._send(url, params, headers)
            except (httpx.TooManyRedirects, httpx.UnsupportedProtocol) as exc:
                raise NetworkError(f"{name}: {_reason(exc)} for {url}") from None
            except httpx.RequestError as exc:
                if attempt >= self.retries:
                    raise NetworkError(f"could not fetch {url}: {_reason(exc)} "
                                       f"(tried {attempt + 1} times)") from None
                self._pause(self._backoff(attempt), name)
                attempt += 1
                continue
            self._note_limits(host, resp)
            if resp.status_code not in RETRY_STATUSES:
                return resp
            if attempt >= self.retries:
                raise NetworkError(f"{name} answered HTTP {resp.status_code} for {url} "
                                   f"{attempt + 1} times; try again later")
            delay = retry_after(resp.headers.get("retry-after"), self.clock.time())
            if delay is None and resp.status_code == 429 and host.wait_until > self.clock.time():
                delay = host.wait_until - self.clock.time()
            self._pause(self._backoff(attempt) if delay is None else delay, name)
            attempt += 1

    def _send(self, url: str, params: Mapping[str, Any] | None,
              headers: Mapping[str, str] | None) -> httpx.Response:
        """GET with a cap on the body; the answer comes back fully read."""
        with self.client.stream("GET", url, params=params, headers=headers) as resp:
            declared = resp.headers.get("content-length", "")
            too_big = InputError(f"{url}: the answer is larger than footprint reads "
                                 f"({_size(self.max_bytes)})")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise too_big
            chunks: list[bytes] = []
            total = 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > self.max_bytes:
                    raise too_big
                chunks.append(chunk)
            # The body is already decoded: drop the headers that described the wire form.
            kept = [(k, v) for k, v in resp.headers.multi_items()
                    if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
            return httpx.Response(resp.status_code, headers=kept, content=b"".join(chunks),
                                  request=resp.request)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * (2 ** attempt), 60.0)

    def _pause(self, seconds: float, name: str) -> None:
        if seconds > self.max_wait:
            raise NetworkError(f"{name} asks footprint to wait {seconds / 60:.0f} min; "
                               "try again later")
        self.clock.sleep(max(seconds, 0.0))

    def _wait_turn(self, host: _HostState, name: str) -> None:
        """Before a request: wait for a spent rate-limit budget to reset, and for Crawl-delay."""
        now = self.clock.time()
        until = host.wait_until
        if host.min_interval and host.last_request is not None:
            until = max(until, host.last_request + host.min_interval)
        if until > now:
            self._pause(until - now, name)

    def _note_limits(self, host: _HostState, resp: httpx.Response) -> None:
        """Read the rate-limit headers; a spent budget makes the next request wait for the reset."""
        remaining, reset = rate_limit(resp.headers, self.clock.time())
        if remaining is not None and remaining <= 0 and reset is not None:
            host.wait_until = max(host.wait_until, reset)

    # -- robots.txt ----------------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        base = origin(url)
        host = self.hosts.setdefault(base, _HostState())
        if host.robots is None:
            host.robots = self._load_robots(base, host)
        if not host.robots.can_fetch(USER_AGENT, url):
            raise RobotsDisallowed(f"{base}/robots.txt does not allow footprint to fetch {url}; "
                                   "save the page yourself, or ask the site owner")

    def _load_robots(self, base: str, host: _HostState) -> RobotFileParser:
        """Fetch and parse robots.txt. Per RFC 9309 a 4xx means no rules (allow all); a server
        that keeps failing (5xx) ends in `NetworkError` from `_request`."""
        parser = RobotFileParser(f"{base}/robots.txt")
        resp = self._request(f"{base}/robots.txt", None, {"Accept": "text/plain"})
        if 200 <= resp.status_code < 300:
            # RFC 9309 asks crawlers to read at least 500 KiB; more is not needed.
            text = resp.content[:512_000].decode("utf-8", "replace")
            parser.parse(text.splitlines())
        elif 400 <= resp.status_code < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(["User-agent: *", "Disallow: /"])
        delay = parser.crawl_delay(USER_AGENT)
        if delay:
            host.min_interval = min(float(delay), 60.0)
        return parser


def _size(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def _reason(exc: Exception) -> str:
    """A short, one-line reason for a transport error."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    kinds: dict[type[Exception], str] = {
        httpx.ConnectTimeout: "connection timed out", httpx.ReadTimeout: "read timed out",
        httpx.ConnectError: "connection failed", httpx.TooManyRedirects: "too many redirects",
        httpx.UnsupportedProtocol: "redirected to a non-http address"}
    kind = kinds.get(type(exc))
    if kind and text:
        return f"{kind} ({text[:120]})"
    return kind or text[:160] or type(exc).__name__


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now, 0.0)


def rate_limit(headers: httpx.Headers, now: float) -> tuple[int | None, float | None]:
    """(remaining, reset as epoch seconds) from the rate-limit headers servers send.

    Mastodon: `X-RateLimit-Remaining` and an ISO 8601 `X-RateLimit-Reset`. Bluesky and the IETF
    drafts: `RateLimit-Remaining` and `RateLimit-Reset` in seconds, which Bluesky sends as an
    epoch time and the drafts as a delta (told apart by size), or one structured `RateLimit`
    header (`limit=300, remaining=0, reset=30` or `"default";r=0;t=30`).
    """
    remaining = _int(headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining"))
    reset_raw = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    structured = headers.get("ratelimit")
    if remaining is None and structured:
        fields = _structured(structured)
        remaining = _int(fields.get("remaining", fields.get("r")))
        reset_raw = reset_raw or fields.get("reset", fields.get("t"))
    return remaining, parse_reset(reset_raw, now)


def parse_reset(value: str | None, now: float) -> float | None:
    """A reset time as epoch seconds: ISO 8601, epoch seconds, or seconds from now."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value)  # 3.11 reads the "Z" suffix
        except ValueError:
            return None
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    # Epoch seconds are about 1.7e9; no window lasts anywhere near that long.
    return number if number > 1e9 else now + number


def _structured(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in value.replace(",", ";").split(";"):
        key, sep, val = part.strip().partition("=")
        if sep:
            out[key.strip().lower()] = val.strip().strip('"')
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# -- one fetch -------------------------------------------------------------------------------------

@dataclass
class FetchResult:
    """What one `footprint fetch` read, ready for `ingest_fetched`.

    `records` follow the archive connectors' order (owner AccountRecord first). `partial` is True
    when `--limit` cut pagination short: the stream then carries `ExportRecord(partial=True)`, so
    nothing stored is marked deleted. `discovered`, `testimonials` and `social_media_policy` are
    set for `web` (None elsewhere); `notes` are one-line remarks for the user (coverage gaps).
    """

    kind: str
    connector: str
    label: str
    records: list[Record]
    digest: str
    partial: bool = False
    discovered: list[DiscoveredAccount] = field(default_factory=list)
    testimonials: bool | None = None
    social_media_policy: bool | None = None
    notes: list[str] = field(default_factory=list)
    #: The source sees public items only (Mastodon's API without signing in): see ingest_fetched.
    public_only: bool = False
    requests: int = 0

    @property
    def account(self) -> AccountRecord:
        first = self.records[0]
        assert isinstance(first, AccountRecord)
        return first

    def page_notes(self) -> dict[str, Any]:
        """What the report shows about a fetched page, JSON-ready: the flags, the reasons, and
        the accounts to audit (DESIGN: `discovered_accounts`)."""
        return {"url": self.label, "testimonials": self.testimonials,
                "social_media_policy": self.social_media_policy, "notes": list(self.notes),
                "discovered_accounts": [{"platform": d.platform, "handle_or_url": d.handle_or_url,
                                         "command": d.command} for d in self.discovered]}

    def counts(self) -> dict[str, int]:
        """Records by family ("post", "follower", ...), for a printed summary."""
        out: dict[str, int] = {}
        for rec in self.records:
            key = getattr(rec, "kind", None) or getattr(rec, "relation", None)
            if isinstance(key, str) and not isinstance(rec, AccountRecord):
                out[key] = out.get(key, 0) + 1
        return out


def fetch_records(kind: str, target: str, *, client: httpx.Client, limit: int | None = None,
                  appview: str | None = None, clock: Clock | None = None,
                  progress: Callable[[int], None] | None = None) -> FetchResult:
    """Fetch one public target and return its records (see `FetchResult`).

    `kind` is mastodon (a profile URL), bluesky (a handle or DID; `appview` defaults to the
    public AppView), feed (an RSS or Atom URL) or web (one page). `limit` caps each paginated
    list (statuses, followers, following, feed items). `progress(n)` is called with the number
    of items read so far after each page. Raises UsageError (exit 2) for a bad target,
    InputError (exit 3) when the account does not exist or robots.txt forbids the URL, and
    NetworkError (exit 4) when the network fails.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown fetch kind {kind!r}; choose one of {', '.join(KINDS)}")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more")
    if appview is not None and kind != "bluesky":
        raise UsageError("--appview applies to `fetch bluesky` only")
    http = PoliteHttp(client, clock=clock, robots=kind in ("web", "feed"))
    try:
        fetched = _dispatch(kind, target, http, limit=limit, appview=appview, progress=progress)
    except FootprintError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        # The parsers check types, but the server is untrusted: an answer they still trip on is
        # bad input (exit 3), as `auditor.guard` does for archives, not an internal error.
        raise InputError(f"{target}: the server's answer could not be read "
                         f"({type(exc).__name__})") from exc
    if not fetched.records or not isinstance(fetched.records[0], AccountRecord):
        raise RuntimeError(f"{kind} fetcher returned no owner AccountRecord first")
    return FetchResult(kind=kind, connector=CONNECTORS[kind], label=fetched.label,
                       records=fetched.records, digest=records_digest(fetched.records),
                       partial=fetched.partial, discovered=fetched.discovered,
                       testimonials=fetched.testimonials,
                       social_media_policy=fetched.social_media_policy, notes=fetched.notes,
                       public_only=fetched.public_only, requests=http.requests)


def _dispatch(kind: str, target: str, http: PoliteHttp, *, limit: int | None, appview: str | None,
              progress: Callable[[int], None] | None) -> Fetched:
    if kind == "mastodon":
        from connectors.mastodon.api import fetch_account

        return fetch_account(http, target, limit=limit, progress=progress)
    if kind == "bluesky":
        from connectors.bluesky.api import fetch_actor

        base = require_http_url(appview or DEFAULT_APPVIEW, what="--appview").rstrip("/")
        return fetch_actor(http, target, appview=base, limit=limit, progress=progress)
    if kind == "feed":
        from connectors.web.feed import fetch_feed

        return fetch_feed(http, target, limit=limit)
    from connectors.web.page import fetch_page

    return fetch_page(http, target)


def records_digest(records: list[Record]) -> str:
    """A hash of what was fetched, as records: unchanged data gives the same digest.

    Records rather than raw bodies, because API answers carry counters and request ids that
    change on every call while the data stays the same.
    """
    h = hashlib.sha256()
    for rec in records:
        h.update(repr(rec).encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


# -- the ingest bridge -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FetchedSource:
    """The two things `ingest_records` asks of a source: a label and a digest."""

    label: str
    _digest: str

    def digest(self) -> str:
        return self._digest


def ingest_fetched(session: Session, result: FetchResult, *, resolve_subject: SubjectResolver,
                   role: str | None = None,
                   progress: Callable[[int], None] | None = None) -> IngestResult:
    """Persist a fetch through `auditor.ingest.ingest_records` (the caller owns the transaction).

    Upserted like any source: the same fetch again is a no-op, a later one updates. Guard: a
    source that sees public items only (`public_only`) must not mark followers-only or direct
    items stored from an archive as deleted, so when the account holds such items the content
    families are dropped from the stream's ExportRecord (its lists still are whole).
    """
    from auditor.ingest import ingest_records
    from auditor.sources import Source

    records: list[Record] = result.records
    if result.public_only and _holds_non_public(session, result.account):
        records = [_without_content(r) if isinstance(r, ExportRecord) else r for r in records]
    source = FetchedSource(result.label, result.digest)
    return ingest_records(session, iter(records), source=cast(Source, source),
                          connector=result.connector, resolve_subject=resolve_subject, role=role,
                          progress=progress)


_CONTENT_FAMILIES = frozenset({"post", "reply", "comment", "caption", "share", "message", "bio"})


def _without_content(rec: ExportRecord) -> ExportRecord:
    return replace(rec, datasets=frozenset(rec.datasets - _CONTENT_FAMILIES))


def _holds_non_public(session: Session, account: AccountRecord) -> bool:
    """True when the stored account has live followers-only or direct items (from an archive)."""
    from sqlalchemy import or_, select

    from auditor.models import Account, Content

    if not account.native_id:
        return False
    q = (select(Content.id).join(Account, Content.account_id == Account.id)
         .where(Account.platform == account.platform, Account.account_key == account.native_id,
                Content.deleted_at.is_(None),
                or_(Content.visibility.in_(("followers", "direct")), Content.kind == "message"))
         .limit(1))
    return session.execute(q).first() is not None

