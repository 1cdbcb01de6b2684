"""`fetch web`: one page's text, the social profiles it links (accounts to audit), testimonials
and the social media policy."""

from __future__ import annotations

import httpx
import pytest

from auditor.errors import InputError
from auditor.fetch import fetch_records, make_client
from auditor.records import AccountRecord, ContentRecord
from connectors.web.page import parse_page
from connectors.web.profiles import DiscoveredAccount, classify
from tests.fetch.fakes import HTTP, FakeClock, FakeSocial, mock_client

SITE = "https://whitlow-counseling.example/"


def practice():  # type: ignore[no-untyped-def]
    return parse_page((HTTP / "web" / "practice.html").read_bytes(), SITE)


def test_a_page_linking_three_profiles_lists_the_three() -> None:
    page = parse_page((HTTP / "web" / "three-profiles.html").read_bytes(),
                      "https://directory.example/therapists/rowan-ellery")
    assert [(d.platform, d.handle_or_url) for d in page.discovered] == [
        ("twitter", "@rowanellery_mft"),
        ("instagram", "@rowan.ellery.lmft"),
        ("linkedin", "https://www.linkedin.com/in/rowan-ellery-lmft"),
    ]
    assert all("footprint ingest" in d.command for d in page.discovered)
    assert not page.testimonials and not page.social_media_policy


def test_practice_page_accounts_to_audit_with_their_commands() -> None:
    found = {d.platform: d for d in practice().discovered}
    assert set(found) == {"mastodon", "instagram", "facebook", "linkedin", "bluesky", "feed"}
    assert found["mastodon"] == DiscoveredAccount(
        "mastodon", "@dana@therapy.example", "footprint fetch mastodon https://therapy.example/@dana")
    assert found["bluesky"].command == "footprint fetch bluesky danawhitlow.bsky.social"
    assert found["feed"].command == "footprint fetch feed https://whitlow-counseling.example/blog/feed.xml"
    assert found["instagram"].handle_or_url == "@whitlowcounseling"
    assert "Facebook" in found["facebook"].command and "footprint ingest" in found["facebook"].command


def test_share_buttons_and_posts_are_not_accounts() -> None:
    handles = [d.handle_or_url for d in practice().discovered]
    assert not any("intent" in h or "sharer" in h or "/p/" in h for h in handles)
    assert len(handles) == len(set(handles))


def test_testimonials_and_policy_are_noted() -> None:
    page = practice()
    assert page.testimonials and page.social_media_policy
    assert any("What clients say" in n for n in page.notes)
    assert any("social-media-policy.pdf" in n for n in page.notes)


def test_page_text_is_what_a_reader_sees() -> None:
    records = practice().records
    account, content = records[0], records[2]
    assert isinstance(account, AccountRecord) and isinstance(content, ContentRecord)
    assert account.platform == "web" and account.native_id == "https://whitlow-counseling.example"
    assert account.display_name == "Whitlow Counseling" and account.handle == "whitlow-counseling.example"
    assert "https://www.instagram.com/whitlowcounseling/" in account.links
    assert content.native_id == SITE and content.kind == "post" and content.platform == "web"
    text = content.text
    assert "Dana helped me through my divorce" in text
    for hidden in ("Session notes", "waitlist", "THERAPY10", "color: red", "ProfessionalService"):
        assert hidden not in text  # scripts, styles, hidden and display:none elements


def test_a_page_without_testimonials_or_policy() -> None:
    page = parse_page(b"<html><title>Dr. Lee</title><body><p>Welcome.</p></body></html>", "https://lee.example/")
    assert not page.testimonials and not page.social_media_policy
    assert page.notes == ["no social media policy found on this page (ACA H.6.b asks for one in informed consent)"]


def test_policy_mentioned_in_text_and_review_markup() -> None:
    page = parse_page(b"""<html><body><p>Please read my Social Media Policy before we start.</p>
        <script type="application/ld+json">{"@type": "LocalBusiness", "review": [{"@type": "Review"}]}</script>
        </body></html>""", "https://lee.example/")
    assert page.social_media_policy and page.testimonials


@pytest.mark.parametrize(("url", "platform", "handle"), [
    ("https://twitter.com/DanaW", "twitter", "@DanaW"),
    ("https://x.com/DanaW?s=21", "twitter", "@DanaW"),
    ("https://www.facebook.com/profile.php?id=1000123", "facebook", "https://www.facebook.com/profile.php?id=1000123"),
    ("https://m.facebook.com/WhitlowCounseling/", "facebook", "https://www.facebook.com/WhitlowCounseling"),
    ("https://www.threads.net/@dana.w", "threads", "@dana.w"),
    ("https://www.threads.com/@dana.w", "threads", "@dana.w"),
    ("https://www.tiktok.com/@dana.talks", "tiktok", "@dana.talks"),
    ("https://www.youtube.com/@DanaTalks", "youtube", "@DanaTalks"),
    ("https://www.youtube.com/channel/UC123abc", "youtube", "https://www.youtube.com/channel/UC123abc"),
    ("https://www.linkedin.com/company/whitlow-counseling/", "linkedin", "https://www.linkedin.com/company/whitlow-counseling"),
    ("https://www.reddit.com/user/dana_w/", "reddit", "u/dana_w"),
    ("https://fosstodon.example/@dana", "mastodon", "@dana@fosstodon.example"),
    ("https://mastodon.example/@dana@therapy.example", "mastodon", "@dana@therapy.example"),
    ("https://bsky.app/profile/did:plc:w4xbfzo7kqfes5zb7r6qv3rw", "bluesky", "did:plc:w4xbfzo7kqfes5zb7r6qv3rw"),
])
def test_profile_links(url: str, platform: str, handle: str) -> None:
    found = classify(url)
    assert found is not None and (found.platform, found.handle_or_url) == (platform, handle)


@pytest.mark.parametrize("url", [
    "https://twitter.com/intent/tweet?text=hi", "https://x.com/home", "https://x.com/DanaW/status/123",
    "https://www.facebook.com/sharer/sharer.php?u=x", "https://www.facebook.com/groups/123",
    "https://www.instagram.com/p/C0ffee123/", "https://www.instagram.com/explore/",
    "https://www.linkedin.com/feed/", "https://medium.com/@dana", "https://www.tiktok.com/@dana/video/1",
    "https://bsky.app/profile/dana.bsky.social/post/3lfcz7ajxk22b", "https://example.com/about",
    "mailto:office@example.com", "https://www.youtube.com/watch?v=abc",
])
def test_not_profile_links(url: str) -> None:
    assert classify(url) is None


def test_fetch_web_through_robots_and_the_fake_site() -> None:
    fake = FakeSocial()
    result = fetch_records("web", "https://whitlow-counseling.example/practice.html", client=mock_client(fake),
                           clock=FakeClock())
    assert fake.requests == ["/robots.txt", "/practice.html"]
    assert result.testimonials is True and result.social_media_policy is True
    assert result.kind == "web" and result.connector == "web"
    assert {d.platform for d in result.discovered} >= {"mastodon", "bluesky", "instagram"}
    assert result.label == "https://whitlow-counseling.example/practice.html"


def test_fetch_web_refuses_non_html() -> None:
    client = make_client(transport=httpx.MockTransport(
        lambda r: httpx.Response(404) if r.url.path == "/robots.txt"
        else httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"})))
    with pytest.raises(InputError, match="not an HTML page"):
        fetch_records("web", "https://lee.example/policy.pdf", client=client, clock=FakeClock())
