"""Links to social profiles → accounts to audit, each with the command that would audit it.

A practice website or a directory listing links the clinician's profiles; each is an account the
audit should cover (DESIGN: `discovered_accounts`). Only profile addresses count: share buttons
(`twitter.com/intent/tweet`, `facebook.com/sharer.php`), posts (`instagram.com/p/…`) and site
pages (`x.com/home`, `linkedin.com/feed`) are not accounts. Mastodon has no fixed host, so any
`https://host/@user` on a host that is not a known platform is taken for a Mastodon-style profile
(Medium and a few others use `/@user` too and are excluded by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class DiscoveredAccount:
    """A profile found on a fetched page: platform, handle (or URL) and the command to audit it."""

    platform: str
    handle_or_url: str
    command: str


_INGEST = "then run `footprint ingest ARCHIVE.zip`"
#: What the user does to audit an account on each platform that has an export, not a fetch.
EXPORT_STEPS = {
    "twitter": "request the X archive (Settings > Your account > Download an archive of your "
               f"data), {_INGEST}",
    "facebook": "download your information from Facebook (Accounts Center, format JSON), "
                f"{_INGEST}",
    "instagram": "download your information from Instagram (Accounts Center, format JSON), "
                 f"{_INGEST}",
    "threads": "Threads posts come in the Instagram export (Accounts Center, format JSON), "
               f"{_INGEST}",
    "linkedin": "request 'Get a copy of your data' from LinkedIn (Settings > Data privacy), "
                f"{_INGEST}",
    "tiktok": f"request 'Download your data' from TikTok (format JSON), {_INGEST}",
    "reddit": f"request your data from Reddit (Settings > Privacy), {_INGEST}",
    "youtube": "footprint does not read YouTube yet: review the channel's videos and comments by "
               "hand",
}

_X_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"}
_X_RESERVED = {"intent", "share", "home", "i", "search", "hashtag", "explore", "settings",
               "login", "signup", "tos", "privacy", "notifications", "messages", "compose"}
_FB_HOSTS = {"facebook.com", "m.facebook.com", "fb.com", "business.facebook.com"}
_FB_RESERVED = {"sharer", "sharer.php", "dialog", "plugins", "tr", "login", "login.php", "help",
                "policies", "privacy", "events", "watch", "marketplace", "share", "share.php",
                "hashtag", "photo", "photo.php", "story.php", "permalink.php", "l.php", "groups"}
_IG_RESERVED = {"p", "reel", "reels", "explore", "accounts", "stories", "tv", "about", "legal",
                "developer", "direct"}
_YT_HOSTS = {"youtube.com", "m.youtube.com"}
#: Hosts that use `/@user` paths but are not Mastodon-style servers.
_NOT_MASTODON = {"medium.com", "tiktok.com", "threads.net", "threads.com", "youtube.com",
                 "m.youtube.com", "substack.com", "vimeo.com", "giphy.com", "figma.com",
                 "codepen.io", "npmjs.com", "soundcloud.com", "pinterest.com"}
_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_X_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_AT_USER = re.compile(r"^/@(?P<user>[A-Za-z0-9_.\-]{1,64})"
                      r"(?:@(?P<domain>[A-Za-z0-9.\-]+\.[A-Za-z]{2,}))?/?$")
_BSKY_ACTOR = re.compile(r"^(?:did:(?:plc|web):[A-Za-z0-9._:%\-]+"
                         r"|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def classify(url: str) -> DiscoveredAccount | None:
    """The account a link points to, or None when it is no social profile."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:  # an address urllib cannot parse is no profile
        return None
    host = _bare(parts.hostname)
    segs = [s for s in parts.path.split("/") if s]
    first = segs[0] if segs else ""
    if host in _X_HOSTS:
        if len(segs) == 1 and _X_HANDLE.match(first) and first.lower() not in _X_RESERVED:
            return _export("twitter", f"@{first}")
        return None
    if host in _FB_HOSTS:
        if first == "profile.php":
            ids = parse_qs(parts.query).get("id")
            if not ids:
                return None
            return _export("facebook", f"https://www.facebook.com/profile.php?id={ids[0]}")
        if segs and first.lower() not in _FB_RESERVED and _HANDLE.match(first):
            if first.lower() == "people" and len(segs) >= 3:  # /people/Name/<id>
                return _export("facebook", f"https://www.facebook.com/people/{segs[1]}/{segs[2]}")
            if len(segs) == 1 or (len(segs) == 2 and first.lower() == "pg"):
                page = segs[-1]
                return _export("facebook", f"https://www.facebook.com/{page}")
        return None
    if host == "instagram.com":
        if len(segs) == 1 and _HANDLE.match(first) and first.lower() not in _IG_RESERVED:
            return _export("instagram", f"@{first}")
        return None
    if host in ("threads.net", "threads.com"):
        if len(segs) == 1 and first.startswith("@") and _HANDLE.match(first[1:]):
            return _export("threads", first)
        return None
    if host.endswith("linkedin.com"):
        if len(segs) >= 2 and first in ("in", "company", "school") and _HANDLE.match(segs[1]):
            return _export("linkedin", f"https://www.linkedin.com/{first}/{segs[1]}")
        return None
    if host in ("tiktok.com", "m.tiktok.com"):
        if len(segs) == 1 and first.startswith("@") and _HANDLE.match(first[1:]):
            return _export("tiktok", first)
        return None
    if host in _YT_HOSTS:
        if len(segs) == 1 and first.startswith("@") and _HANDLE.match(first[1:]):
            return _export("youtube", first)
        if len(segs) >= 2 and first in ("channel", "c", "user") and _HANDLE.match(segs[1]):
            return _export("youtube", f"https://www.youtube.com/{first}/{segs[1]}")
        return None
    if host in ("reddit.com", "old.reddit.com"):
        if len(segs) >= 2 and first in ("user", "u") and _HANDLE.match(segs[1]):
            return _export("reddit", f"u/{segs[1]}")
        return None
    if host in ("bsky.app", "staging.bsky.app"):
        if len(segs) >= 2 and first == "profile" and _BSKY_ACTOR.match(segs[1]) and len(segs) == 2:
            actor = segs[1].lower() if not segs[1].startswith("did:") else segs[1]
            return DiscoveredAccount("bluesky", actor, f"footprint fetch bluesky {actor}")
        return None
    m = _AT_USER.match(parts.path)
    if m and host not in _NOT_MASTODON and not host.endswith(".substack.com"):
        user, domain = m.group("user"), m.group("domain")
        netloc = parts.netloc.lower()
        profile = f"{parts.scheme}://{netloc}/@{user}" + (f"@{domain}" if domain else "")
        handle = f"@{user}@{domain or parts.hostname.lower()}"
        return DiscoveredAccount("mastodon", handle, f"footprint fetch mastodon {profile}")
    return None


def _export(platform: str, handle_or_url: str) -> DiscoveredAccount:
    return DiscoveredAccount(platform, handle_or_url, EXPORT_STEPS[platform])


def feed_account(url: str) -> DiscoveredAccount:
    """A feed a page announces (`<link rel="alternate" type="application/rss+xml">`)."""
    return DiscoveredAccount("feed", url, f"footprint fetch feed {url}")


def discover(urls: Iterable[str]) -> list[DiscoveredAccount]:
    """The distinct profiles among `urls`, in first-seen order."""
    out: list[DiscoveredAccount] = []
    seen: set[tuple[str, str]] = set()
    for url in urls:
        found = classify(url)
        if found is None:
            continue
        key = (found.platform, found.handle_or_url.casefold())
        if key not in seen:
            seen.add(key)
            out.append(found)
    return out
