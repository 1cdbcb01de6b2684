"""RSS and Atom feeds: parsing saved feeds, safe XML, and fetching through robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from auditor.errors import InputError
from auditor.fetch import RobotsDisallowed, fetch_records, make_client
from auditor.records import AccountRecord, ContentRecord, ExportRecord
from connectors.web.feed import parse_feed
from connectors.web.xmlsafe import BadXML, UnsafeXML, parse_xml
from tests.fetch.fakes import HTTP, FakeClock, FakeSocial, mock_client

RSS_URL = "https://whitlow-counseling.example/blog/feed.xml"
ATOM_URL = "https://newsletter.whitlow-counseling.example/feed.atom"


def rss(**kw: object) -> tuple[list[Any], bool]:
    return parse_feed((HTTP / "feed" / "blog.rss").read_bytes(), RSS_URL, **kw)  # type: ignore[arg-type]


def items(records: list[Any]) -> list[ContentRecord]:
    return [r for r in records if isinstance(r, ContentRecord)]


def test_rss_channel_is_the_account() -> None:
    owner = rss()[0][0]
    assert isinstance(owner, AccountRecord) and owner.platform == "feed"
    assert owner.native_id == RSS_URL and owner.display_name == "Notes from Whitlow Counseling"
    assert owner.website == "https://whitlow-counseling.example/blog/"
    assert owner.bio and "Dana Whitlow, LPC" in owner.bio


def test_rss_items_as_posts_with_ids_links_and_dates() -> None:
    posts = items(rss()[0])
    assert [p.native_id for p in posts] == [
        "whitlow-blog-0004", "https://whitlow-counseling.example/blog/sleep-and-anxiety",
        "https://whitlow-counseling.example/blog/choosing-a-therapist", "podcast-ep-3"]
    first = posts[0]
    assert first.kind == "post" and first.platform == "feed" and first.visibility == "public"
    assert first.url == "https://whitlow-counseling.example/blog/hard-week"
    assert first.created_at == datetime(2024, 2, 20, 19, 0, tzinfo=UTC)
    # content:encoded wins over description; HTML is text; the script is dropped, not run
    assert first.text == ("What a hard week taught me\n\nMy 3pm client cried about her divorce today, "
                          "and I carried it home.\n\nWalk\n\nWrite")
    assert "alert" not in first.text
    assert posts[1].text.endswith("a wind-down hour, a fixed wake time, and less caffeine.")
    assert posts[2].url == "https://whitlow-counseling.example/blog/choosing-a-therapist"  # relative link
    assert posts[2].created_at == datetime(2023, 12, 11, 16, 30, tzinfo=UTC)  # -0800 to UTC
    assert posts[3].url is None and "burnout in the helping professions" in posts[3].text


def test_a_feed_never_claims_its_items_whole() -> None:
    export = next(r for r in rss()[0] if isinstance(r, ExportRecord))
    assert export.datasets == frozenset() and not export.partial


def test_limit_on_a_feed() -> None:
    records, partial = rss(limit=2)
    assert partial and len(items(records)) == 2
    assert next(r for r in records if isinstance(r, ExportRecord)).partial


def test_atom_text_constructs() -> None:
    records, _ = parse_feed((HTTP / "feed" / "newsletter.atom").read_bytes(), ATOM_URL)
    owner = records[0]
    assert isinstance(owner, AccountRecord)
    assert owner.display_name == "Whitlow Counseling Newsletter"
    assert owner.bio == "Monthly notes for clients and colleagues"
    assert owner.website == "https://newsletter.whitlow-counseling.example/"
    posts = items(records)
    assert posts[0].native_id == "urn:uuid:5f1d2c3e-0000-4000-8000-whitlownews04"
    assert posts[0].text.startswith("March: new office & hours\n\nWe move to Elm Street")
    assert posts[0].created_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # published, not updated
    assert posts[1].text == "February: winter blues\n\nLight in the morning helps.\n\nWalk early\n\nOpen the blinds"
    assert posts[1].url == "https://newsletter.whitlow-counseling.example/p/february"
    assert posts[1].created_at == datetime(2024, 2, 1, 11, 0, tzinfo=UTC)
    assert posts[2].text == "January\n\nNew year, gentle goals."


@pytest.mark.parametrize("name", ["entity-bomb.xml", "external-entity.xml"])
def test_dtds_and_entities_are_refused(name: str) -> None:
    with pytest.raises(UnsafeXML):
        parse_xml((HTTP / "feed" / name).read_bytes())
    with pytest.raises(InputError, match="refusing the feed"):
        parse_feed((HTTP / "feed" / name).read_bytes(), RSS_URL)


def test_malformed_xml_and_other_documents() -> None:
    with pytest.raises(BadXML):
        parse_xml(b"<rss><channel></rss>")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed(b"<rss><channel></rss>", RSS_URL)
    with pytest.raises(InputError, match="<svg>"):
        parse_feed(b"<svg></svg>", RSS_URL)


def test_rss_1_0() -> None:
    doc = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
             xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://old.example/"><title>Old blog</title><link>https://old.example/</link>
        <description>d</description></channel>
      <item rdf:about="https://old.example/1"><title>One</title><link>https://old.example/1</link>
        <description>First post</description><dc:date>2009-03-01T10:00:00-05:00</dc:date></item>
    </rdf:RDF>"""
    records, _ = parse_feed(doc, "https://old.example/index.rdf")
    (post,) = items(records)
    assert post.native_id == "https://old.example/1" and post.text == "One\n\nFirst post"
    assert post.created_at == datetime(2009, 3, 1, 15, 0, tzinfo=UTC)


def test_fetch_feed_reads_robots_then_the_feed() -> None:
    fake = FakeSocial()
    result = fetch_records("feed", f"{RSS_URL}", client=mock_client(fake), clock=FakeClock())
    assert fake.requests[:2] == ["/robots.txt", "/blog/feed.xml"]
    assert result.label == RSS_URL and len(items(result.records)) == 4
    assert result.discovered == [] and result.testimonials is None


def test_fetch_feed_refuses_what_robots_disallows() -> None:
    fake = FakeSocial()
    with pytest.raises(RobotsDisallowed):
        fetch_records("feed", "https://whitlow-counseling.example/private/notes.html", client=mock_client(fake),
                      clock=FakeClock())
    assert fake.requests == ["/robots.txt"]


def test_a_page_given_as_a_feed_points_to_its_feed() -> None:
    with pytest.raises(InputError, match=r"its feed is at https://whitlow-counseling.example/blog/feed.xml"):
        fetch_records("feed", "https://whitlow-counseling.example/practice.html", client=mock_client(FakeSocial()),
                      clock=FakeClock())


def test_a_missing_feed_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not found"):
        fetch_records("feed", "https://whitlow-counseling.example/nothing.xml", client=mock_client(FakeSocial()),
                      clock=FakeClock())


def test_entity_bomb_over_http() -> None:
    client = make_client(transport=FakeSocial().mock_transport())
    with pytest.raises(InputError, match="DTD"):
        fetch_records("feed", "https://whitlow-counseling.example/bomb.xml", client=client, clock=FakeClock())


def test_feed_fetch_failure_is_a_network_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known")

    from auditor.errors import NetworkError

    with pytest.raises(NetworkError) as exc:
        fetch_records("feed", RSS_URL, client=make_client(transport=httpx.MockTransport(down)), clock=FakeClock())
    assert exc.value.exit_code == 4
