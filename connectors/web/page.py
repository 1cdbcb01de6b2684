"""One public web page (a practice website, a directory profile) → its text, the profiles it links,
and two notes for the report: does it show testimonials, does it publish a social media policy.

- The page's visible text is one post (platform "web", native id = the URL as given), so the
  analyzer reads it like any archived post: client praise on the page is a `testimonial` finding.
- The site is the account (native id = its origin, handle = its host), so several pages of one
  site land in one account. Its `links` are the social profiles the page links to, which lets the
  boundary detector see a professional site that links a personal account.
- Links to social profiles become accounts to audit (`connectors.web.profiles`), and the feeds
  the page announces (`<link rel="alternate" type="application/rss+xml">`) too.
- `testimonials`: a section headed "Testimonials" / "What clients say" / "Kind words", an element
  whose class or id names testimonials, schema.org `Review` markup, or a link to a testimonials
  page. ACA C.3.b, APA 5.05 and NASW 4.07(b) restrict testimonials from clients.
- `social_media_policy`: a link to, or a mention of, a social media policy. ACA H.6.b asks
  counselors to explain the benefits, limits and boundaries of social media in informed consent.

Nothing in the page is executed or fetched; BeautifulSoup uses the stdlib `html.parser`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from auditor.errors import InputError
from auditor.records import AccountRecord, ContentRecord, CoverageRecord, ExportRecord, Record
from connectors.web.http import (
    Fetched,
    HttpGet,
    absolute_url,
    check_status,
    origin,
    require_http_url,
)
from connectors.web.profiles import DiscoveredAccount, classify, discover, feed_account
from connectors.web.text import soup_of, visible_text

PLATFORM = "web"
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                        "application/feed+json"})
_TESTIMONIAL_HEADING = re.compile(
    r"\b(?:testimonials?|what (?:my |our )?clients (?:are )?say(?:ing)?|client (?:reviews|stories|"
    r"love|feedback|praise)|kind words|words from (?:my |our )?clients|success stories|"
    r"(?:client|patient) testimonials?)\b", re.IGNORECASE)
_TESTIMONIAL_ATTR = re.compile(r"testimonial|client[-_]?review|review[-_]?(?:slider|carousel|card)",
                               re.IGNORECASE)
_TESTIMONIAL_LINK = re.compile(r"testimonial|kind[-_ ]words|client[-_ ](?:reviews|stories)",
                               re.IGNORECASE)
_POLICY = re.compile(r"social[\s_-]*media[\s_-]*polic(?:y|ies)", re.IGNORECASE)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class PageParse:
    """What a page holds for the audit (see the module docstring)."""

    records: list[Record]
    discovered: list[DiscoveredAccount]
    testimonials: bool
    social_media_policy: bool
    notes: list[str] = field(default_factory=list)


def feed_links(soup: BeautifulSoup, base: str) -> list[str]:
    """The feeds a page announces in `<link rel="alternate">`, as absolute URLs."""
    out: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels = [str(r) for r in rel] if isinstance(rel, list) else str(rel or "").split()
        kind = str(link.get("type", "")).split(";")[0].strip().lower()
        if "alternate" in [r.lower() for r in rels] and kind in FEED_TYPES:
            url = absolute_url(base, str(link["href"]))
            if url and url not in out:
                out.append(url)
    return out


def _hrefs(soup: BeautifulSoup, base: str) -> list[str]:
    """Absolute http(s) targets of the page's links and `rel="me"` links, in page order."""
    out = []
    for tag in soup.find_all(["a", "link", "area"], href=True):
        url = absolute_url(base, str(tag["href"]))
        if url:
            out.append(url)
    return out


def _base_url(soup: BeautifulSoup, page_url: str) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        joined = absolute_url(page_url, str(base["href"]))
        if joined:
            return joined
    return page_url


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        content = tag.get("content") if isinstance(tag, Tag) else None
        if isinstance(content, str) and content.strip():
            return " ".join(content.split())
    return None


def _testimonials(soup: BeautifulSoup, base: str) -> list[str]:
    """Why the page shows testimonials (empty when it does not)."""
    reasons: list[str] = []
    for h in soup.find_all(_HEADINGS):
        text = " ".join(h.get_text(" ").split())
        if text and _TESTIMONIAL_HEADING.search(text):
            reasons.append(f"a section headed {text[:60]!r}")
            break
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.name in ("a", "link", "body", "html"):
            continue
        parts = [str(tag.get("id", "")), *[str(c) for c in tag.get("class") or []]]
        names = " ".join(dict.fromkeys(parts))
        if names.strip() and _TESTIMONIAL_ATTR.search(names):
            reasons.append(f"a <{tag.name}> marked {names.strip()[:40]!r}")
            break
    review_type = re.compile(r"schema\.org/(?:Review|AggregateRating)", re.IGNORECASE)
    ld_scripts = soup.find_all("script", attrs={"type": "application/ld+json"})
    if soup.find(True, attrs={"itemtype": review_type}) or any(_ld_has_reviews(s.string or "")
                                                         for s in ld_scripts):
        reasons.append("schema.org Review markup")
    for a in soup.find_all("a", href=True):
        label = " ".join(a.get_text(" ").split())
        href = str(a["href"])
        target = absolute_url(base, href)
        if target and (_TESTIMONIAL_LINK.search(label) or _TESTIMONIAL_LINK.search(urlsplit(target).path)):
            reasons.append(f"a link to a testimonials page ({target})")
            break
    return reasons


def _ld_has_reviews(text: str) -> bool:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if "Review" in kinds or "AggregateRating" in kinds or "review" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _policy(soup: BeautifulSoup, text: str, base: str) -> list[str]:
    """Why the page counts as publishing a social media policy (empty when it does not)."""
    for a in soup.find_all("a", href=True):
        label = " ".join(a.get_text(" ").split())
        href = str(a["href"])
        if _POLICY.search(label) or _POLICY.search(href):
            return [f"a link to a social media policy ({absolute_url(base, href) or href})"]
    m = _POLICY.search(text)
    return [f"the text mentions a {m.group(0).lower()}"] if m else []


def parse_page(data: bytes | str, url: str, *, final_url: str | None = None,
               encoding: str | None = None) -> PageParse:
    """Parse one page. `url` is the address as given (the page's native id); `final_url` is where
    redirects ended, against which relative links resolve."""
    soup = soup_of(data, encoding=encoding)
    base = _base_url(soup, final_url or url)
    hrefs = _hrefs(soup, base)
    feeds = feed_links(soup, base)
    profiles = discover(hrefs)
    testimonial_reasons = _testimonials(soup, base)
    title = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    site_name = _meta(soup, "og:site_name", "application-name") or title or None
    description = _meta(soup, "description", "og:description")
    body = soup.body or soup
    text = visible_text(body)
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}" if text else title
    policy_reasons = _policy(soup, text, base)
    site = origin(final_url or url)
    account = AccountRecord(platform=PLATFORM, native_id=origin(url), handle=urlsplit(url).netloc,
                            display_name=site_name, bio=description, website=site + "/",
                            links=tuple(u for u in dict.fromkeys(hrefs) if classify(u)),
                            url=site + "/")
    records: list[Record] = [
        account,
        # One page of a site: it holds no data set whole, so nothing else is marked deleted.
        ExportRecord(partial=False, datasets=frozenset()),
        ContentRecord(PLATFORM, "post", url, text, url=final_url or url, visibility="public",
                      source_file=url),
        CoverageRecord(url, "read", f"web page: {len(text)} characters, {len(profiles)} social "
                       f"profile link(s), {len(feeds)} feed(s)", count=1),
    ]
    notes = [f"testimonials: {r}" for r in testimonial_reasons]
    notes += [f"social media policy: {r}" for r in policy_reasons] or [
        "no social media policy found on this page (ACA H.6.b asks for one in informed consent)"]
    return PageParse(records=records, discovered=[*profiles, *(feed_account(f) for f in feeds)],
                     testimonials=bool(testimonial_reasons),
                     social_media_policy=bool(policy_reasons), notes=notes)


def fetch_page(http: HttpGet, url: str) -> Fetched:
    """GET one page (robots.txt is checked by the caller's `PoliteHttp`) and parse it."""
    url = require_http_url(url)
    resp = http.get(url, headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"})
    check_status(resp, f"page {url}")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        hint = "; for a feed use `footprint fetch feed`" if "xml" in ctype else ""
        raise InputError(f"not an HTML page (content-type {ctype}){hint}", path=url)
    charset = resp.charset_encoding
    parsed = parse_page(resp.content, url, final_url=str(resp.url), encoding=charset)
    return Fetched(label=url, records=parsed.records, discovered=parsed.discovered,
                   testimonials=parsed.testimonials, social_media_policy=parsed.social_media_policy,
                   notes=parsed.notes)
