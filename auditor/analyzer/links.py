"""Does one account's profile point at another account (its URL, its website, its @handle)?"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar


class Linkable(Protocol):
    @property
    def url(self) -> str | None: ...
    @property
    def website(self) -> str | None: ...
    @property
    def handle(self) -> str | None: ...
    @property
    def bio(self) -> str | None: ...
    @property
    def links(self) -> tuple[str, ...]: ...


def normalize_url(url: str | None) -> str:
    """Scheme, "www.", query, fragment and trailing slash dropped; lower case."""
    if not url:
        return ""
    u = url.strip().lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = u.split("?", 1)[0].split("#", 1)[0]
    return u.rstrip("/")


def link_patterns(target: Linkable) -> list[re.Pattern[str]]:
    """Regexes for the ways a profile can point at `target`: its URL, its website, its @handle."""
    out: list[re.Pattern[str]] = []
    for url in sorted({normalize_url(target.url), normalize_url(target.website)}):
        # A bare domain or a profile path: at least one dot, and long enough not to be noise.
        if len(url) >= 6 and "." in url:
            out.append(re.compile(r"(?:https?://)?(?:www\.)?" + re.escape(url) + r"/?(?![\w-])", re.IGNORECASE))
    handle = (target.handle or "").lstrip("@")
    if len(handle) >= 3:
        # Not inside an e-mail address or a URL path, and not a longer handle.
        out.append(re.compile(r"(?<![\w@/])@" + re.escape(handle) + r"(?![\w])", re.IGNORECASE))
    return out


def profile_fields(account: Linkable) -> list[tuple[str, str]]:
    """The profile texts that can hold a link: bio, website, each listed link."""
    fields = [("bio", account.bio or ""), ("website", account.website or "")]
    fields += [("link", link) for link in account.links]
    return [(name, text) for name, text in fields if text]


T = TypeVar("T", bound=Linkable)


def find_links(account: Linkable, targets: Iterable[T]) -> Iterator[tuple[str, str, T, re.Match[str]]]:
    """(field name, field text, target, match) for every place `account` points at a target."""
    patterns = [(target, rx) for target in targets for rx in link_patterns(target)]
    for name, text in profile_fields(account):
        for target, rx in patterns:
            for match in rx.finditer(text):
                yield name, text, target, match
