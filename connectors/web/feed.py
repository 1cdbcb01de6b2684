"""RSS and Atom feeds (a blog, a podcast, a Substack) → the feed's account and its items as posts.

Formats: RSS 2.0 (`<rss><channel><item>`, RFC 822 `pubDate`, `guid`, `content:encoded`), RSS 1.0
(RDF, `dc:date`) and Atom 1.0 (RFC 3339 `published`/`updated`, `id`, `content` typed text, html or
xhtml). Parsing is `connectors.web.xmlsafe` (no DTDs, no entities); item HTML becomes text with
BeautifulSoup (`connectors.web.text`), and nothing in it is fetched.

Keys: the feed is an account on platform "feed" keyed by its URL as the user gave it (so fetching
it again a year later updates that account); an item's native id is its `guid`/`id`, else its
link. A feed lists only its latest items, so it never claims a data set whole: items that dropped
off the end of the feed are not marked deleted.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from auditor.errors import InputError
from auditor.records import AccountRecord, ContentRecord, CoverageRecord, ExportRecord, Record
from connectors.base import parse_time
from connectors.web.http import Fetched, HttpGet, absolute_url, check_status, require_http_url
from connectors.web.page import feed_links
from connectors.web.text import html_text, soup_of, visible_text
from connectors.web.xmlsafe import BadXML, UnsafeXML, parse_xml

PLATFORM = "feed"
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _when(value: str) -> datetime | None:
    """RFC 822 (RSS `pubDate`) or ISO 8601 (Atom, `dc:date`)."""
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return parse_time(value)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _join(title: str, body: str) -> str:
    """Title and body as one text; a body that repeats the title (short posts) is kept once."""
    if not title or body.startswith(title):
        return body or title
    return f"{title}\n\n{body}" if body else title


def _fallback_id(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


# -- RSS -------------------------------------------------------------------------------------------

def _rss_items(root: ET.Element) -> tuple[ET.Element | None, list[ET.Element], str]:
    if root.tag == "rss":
        channel = root.find("channel")
        return channel, list(channel.iter("item")) if channel is not None else [], "RSS 2.0"
    # RSS 1.0: items are siblings of the channel, in the RSS 1.0 namespace.
    return root.find(f"{RSS1}channel"), root.findall(f"{RSS1}item"), "RSS 1.0"


def _rss_field(el: ET.Element, name: str) -> str:
    return _text(el.find(name)) or _text(el.find(f"{RSS1}{name}"))


def _rss_item(item: ET.Element, base: str, source: str) -> ContentRecord | None:
    title = html_text(_rss_field(item, "title"))
    link = _rss_field(item, "link")
    guid_el = item.find("guid")
    guid = _text(guid_el) or (item.get(f"{RDF}about") or "").strip()
    body_html = (_text(item.find(f"{CONTENT}encoded")) or _rss_field(item, "description")
                 or _text(item.find(f"{ITUNES}summary")))
    when = _when(_rss_field(item, "pubDate") or _text(item.find(f"{DC}date")))
    url = absolute_url(base, link)
    if url is None and guid and (guid_el is None or guid_el.get("isPermaLink", "true") != "false"):
        url = absolute_url(guid, guid)  # a permalink guid is the item's address
    text = _join(title, html_text(body_html))
    native = guid or url or (_fallback_id(title, when.isoformat() if when else "") if text else "")
    if not native:
        return None
    return ContentRecord(PLATFORM, "post", native, text, created_at=when, url=url,
                         visibility="public", source_file=source)


def _rss_account(channel: ET.Element | None, feed_url: str, base: str) -> AccountRecord:
    title = html_text(_rss_field(channel, "title")) if channel is not None else ""
    site = _rss_field(channel, "link") if channel is not None else ""
    about = ""
    if channel is not None:
        about = html_text(_rss_field(channel, "description")
                          or _text(channel.find(f"{ITUNES}summary")))
    return _account(feed_url, title, about, absolute_url(base, site))


# -- Atom ------------------------------------------------------------------------------------------

def _atom_link(el: ET.Element, base: str) -> str | None:
    """The `alternate` link (a link without `rel` is one)."""
    for link in el.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return absolute_url(base, link.get("href"))
    return None


def _atom_text(el: ET.Element | None) -> str:
    """An Atom text construct: `type` text (default), html (escaped HTML) or xhtml (a div)."""
    if el is None:
        return ""
    kind = el.get("type", "text")
    if kind == "xhtml":
        # The content is a namespaced XHTML <div>: bare tag names, so html.parser sees blocks.
        for node in el.iter():
            if isinstance(node.tag, str) and "}" in node.tag:
                node.tag = node.tag.split("}", 1)[1]
        markup = "".join(ET.tostring(child, encoding="unicode") for child in el)
        return visible_text(soup_of(markup))
    if kind == "html" or kind.endswith("html"):
        return html_text(el.text)
    return (el.text or "").strip()


def _atom_entry(entry: ET.Element, base: str, source: str) -> ContentRecord | None:
    title = _atom_text(entry.find(f"{ATOM}title"))
    body = _atom_text(entry.find(f"{ATOM}content")) or _atom_text(entry.find(f"{ATOM}summary"))
    url = _atom_link(entry, base)
    when = _when(_text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")))
    text = _join(title, body)
    native = _text(entry.find(f"{ATOM}id")) or url or (
        _fallback_id(title, when.isoformat() if when else "") if text else "")
    if not native:
        return None
    return ContentRecord(PLATFORM, "post", native, text, created_at=when, url=url,
                         visibility="public", source_file=source)


def _atom_account(root: ET.Element, feed_url: str, base: str) -> AccountRecord:
    return _account(feed_url, _atom_text(root.find(f"{ATOM}title")),
                    _atom_text(root.find(f"{ATOM}subtitle")), _atom_link(root, base))


# -- the feed --------------------------------------------------------------------------------------

def _account(feed_url: str, title: str, about: str, site: str | None) -> AccountRecord:
    return AccountRecord(platform=PLATFORM, native_id=feed_url, handle=urlsplit(feed_url).netloc,
                         display_name=title or None, bio=about or None, website=site,
                         links=(site,) if site else (), url=site or feed_url)


def parse_feed(data: bytes, feed_url: str, *, final_url: str | None = None,
               limit: int | None = None) -> tuple[list[Record], bool]:
    """(records, partial) of an RSS or Atom document: the account, the export record, the items
    (at most `limit`, in feed order) and a coverage line. Raises InputError for anything else."""
    base = final_url or feed_url
    try:
        root = parse_xml(data)
    except UnsafeXML as exc:
        raise InputError(f"refusing the feed: {exc}", path=feed_url) from None
    except BadXML as exc:
        raise InputError(f"not an RSS or Atom feed ({exc})", path=feed_url) from None
    items: list[ContentRecord | None]
    if root.tag == f"{ATOM}feed":
        account = _atom_account(root, feed_url, base)
        entries = root.findall(f"{ATOM}entry")
        fmt = "Atom"
        items = [_atom_entry(e, base, feed_url) for e in entries[:limit]]
    elif root.tag in ("rss", f"{RDF}RDF"):
        channel, entries, fmt = _rss_items(root)
        account = _rss_account(channel, feed_url, base)
        items = [_rss_item(e, base, feed_url) for e in entries[:limit]]
    else:
        raise InputError(f"not an RSS or Atom feed (the document is <{root.tag}>)", path=feed_url)
    partial = limit is not None and len(entries) > limit
    posts = _unique([i for i in items if i is not None])
    records: list[Record] = [account, ExportRecord(partial=partial, datasets=frozenset()), *posts]
    records.append(CoverageRecord(feed_url, "read", f"{fmt} feed, {len(posts)} item(s)"
                                  + (f" of {len(entries)} (--limit)" if partial else ""),
                                  count=len(posts)))
    skipped = sum(1 for i in items if i is None)
    if skipped:
        records.append(CoverageRecord(feed_url, "warning", f"{skipped} item(s) without id, link "
                                      "or text were not read", count=skipped))
    return records, partial


def _unique(posts: list[ContentRecord]) -> list[ContentRecord]:
    """Feeds sometimes repeat an item; the first copy (the newest, in feed order) is kept."""
    seen: set[str] = set()
    out = []
    for p in posts:
        if p.native_id not in seen:
            seen.add(p.native_id)
            out.append(p)
    return out


def fetch_feed(http: HttpGet, url: str, *, limit: int | None = None) -> Fetched:
    """GET the feed and parse it. A web page instead of a feed is an input error that names the
    feeds the page announces, if any."""
    url = require_http_url(url)
    resp = http.get(url, headers={"Accept": ACCEPT})
    check_status(resp, f"feed {url}")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    head = resp.content[:512].lstrip().lower()
    is_html = head.startswith((b"<!doctype html", b"<html"))
    if ctype in ("text/html", "application/xhtml+xml") or is_html:
        found = feed_links(soup_of(resp.content), str(resp.url))
        hint = (f"; its feed is at {found[0]}: run `footprint fetch feed {found[0]}`" if found
                else "; use `footprint fetch web` for a page")
        raise InputError(f"this is a web page, not a feed{hint}", path=url)
    records, partial = parse_feed(resp.content, url, final_url=str(resp.url), limit=limit)
    return Fetched(label=url, records=records, partial=partial)
