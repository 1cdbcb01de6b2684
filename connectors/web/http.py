"""The HTTP seam shared by every fetcher: what a client must offer, URL checks, status → error.

Fetch functions take an `HttpGet`: a plain `httpx.Client` satisfies it (unit tests pass one over
`httpx.MockTransport`), and so does `auditor.fetch.PoliteHttp`, which adds the User-Agent,
retries, rate limits and robots.txt. The fetchers themselves never sleep or retry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from auditor.errors import InputError, NetworkError, UsageError
from auditor.records import Record
from connectors.web.profiles import DiscoveredAccount


class HttpGet(Protocol):
    """Anything with `httpx.Client.get`'s shape (only the keywords the fetchers use)."""

    def get(self, url: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> httpx.Response: ...


@dataclass
class Fetched:
    """What a fetch function hands back to `auditor.fetch`.

    `records` start with the owner's AccountRecord. `partial` is True when a limit cut a list
    short. `public_only` says the source sees public items only (an API read without signing in),
    so it must not delete non-public items that an archive stored. The page fields are for `web`.
    """

    label: str
    records: list[Record]
    partial: bool = False
    public_only: bool = False
    discovered: list[DiscoveredAccount] = field(default_factory=list)
    testimonials: bool | None = None
    social_media_policy: bool | None = None
    notes: list[str] = field(default_factory=list)


def require_http_url(url: str, *, what: str = "URL") -> str:
    """`url` without its fragment when it is an absolute http or https URL; UsageError otherwise.

    Only http and https are accepted (DESIGN: fetch): no `file:`, no `ftp:`, no bare paths.
    """
    value = url.strip()
    try:
        parts = urlsplit(value)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"{what} must be an http:// or https:// address, not {url!r}")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def absolute_url(base: str, href: str | None) -> str | None:
    """`href` resolved against `base` when that gives an http(s) URL; None otherwise, including
    for addresses urllib cannot parse (an unclosed IPv6 bracket, a port out of range), which a
    hostile page or feed may hold."""
    if not href or not isinstance(href, str):
        return None
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


def check_status(resp: httpx.Response, what: str) -> None:
    """Turn an unsuccessful answer into the error the CLI maps to an exit code.

    404 and 410 mean the thing asked for does not exist (exit 3); 401 and 403 that the server will
    not show it without signing in (exit 3: the user must export instead). Anything else that is
    not 2xx is a network-side failure (exit 4). `PoliteHttp` has already retried 429 and 5xx.
    """
    code = resp.status_code
    if 200 <= code < 300:
        return
    host = host_of(str(resp.request.url)) if _has_request(resp) else "the server"
    if code in (404, 410):
        raise InputError(f"{what} not found on {host} (HTTP {code})")
    if code in (401, 403):
        raise InputError(f"{host} will not show {what} without signing in (HTTP {code}); "
                         "request an export from the platform and run `footprint ingest`")
    raise NetworkError(f"{host} answered HTTP {code} for {what}")


def json_body(resp: httpx.Response, what: str) -> Any:
    """The response's JSON; a server that answers something else is the wrong kind of server."""
    try:
        return json.loads(resp.content)
    except (ValueError, RecursionError):
        host = host_of(str(resp.request.url)) if _has_request(resp) else "the server"
        raise InputError(f"{host} did not answer JSON for {what}: is it the right kind of "
                         "server?") from None


def _has_request(resp: httpx.Response) -> bool:
    """A response built by hand (in a test) has no request; `.request` then raises."""
    try:
        return resp.request is not None
    except RuntimeError:
        return False
