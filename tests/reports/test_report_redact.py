"""reports.redact: what gets masked, what stays, and spans that follow the masks."""

from __future__ import annotations

import pytest

from reports.build import normalize_spans, segments
from reports.redact import Redactor
from reports.view import Segment

R = Redactor(
    handles=["@janedoe", "bob@example.social", "k"],
    names=["José Núñez", "Ann Lee", "Dana", "Mary-Jane Watson"],
    own=["dana_w", "Dana Whitfield", "@whitfieldcounseling"],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saw @JaneDoe today", "saw @j*** today"),
        ("saw janedoe today", "saw j*** today"),
        ("janedoes and xjanedoe stay", "janedoes and xjanedoe stay"),
        ("mail@janedoe.com stays", "mail@janedoe.com stays"),
        ("Jose Nunez, José Núñez, JOSÉ  NÚÑEZ", "[name], [name], [name]"),
        ("Jose\u0301 Nun\u0303ez decomposed", "[name] decomposed"),
        ("Ann\nLee across a line", "[name] across a line"),
        ("Ann-Lee, ann_lee and ann.lee", "[name], [name] and [name]"),
        ("Dana-Whitfield stays", "Dana-Whitfield stays"),
        ("Mary Jane Watson, mary-jane watson", "[name], [name]"),
        ("Dana Whitfield wrote to Dana", "Dana Whitfield wrote to [name]"),
        ("@dana_w and @whitfieldcounseling stay", "@dana_w and @whitfieldcounseling stay"),
        ("@bob@example.social and @bob", "@b*** and @b***"),
        ("a k of one letter stays", "a k of one letter stays"),
        ("", ""),
    ],
)
def test_masks(text: str, expected: str) -> None:
    assert R.text(text) == expected


def test_spans_follow_the_masks() -> None:
    text = "my client Ann Lee and @janedoe, said Dana"
    spans = [(0, 9), (10, 17), (22, 30), (37, 41)]
    assert [text[s:e] for s, e in spans] == ["my client", "Ann Lee", "@janedoe", "Dana"]
    out, mapped = R.text_with_spans(text, spans)
    assert out == "my client [name] and @j***, said [name]"
    assert [out[s:e] for s, e in mapped] == ["my client", "[name]", "@j***", "[name]"]


def test_a_span_inside_a_mask_covers_the_mask() -> None:
    out, mapped = R.text_with_spans("hi Ann Lee!", [(6, 8), (0, 5)])
    assert out == "hi [name]!"
    assert [out[s:e] for s, e in mapped] == ["[name]", "hi [name]"]


def test_disabled_changes_nothing() -> None:
    off = Redactor.disabled()
    assert off.text("@janedoe") == "@janedoe"
    assert off.url("https://x.com/janedoe") == "https://x.com/janedoe"
    assert off.name("Ann Lee") == "Ann Lee" and off.native_id("5") == "5"


def test_urls_lists_and_paths() -> None:
    assert R.url("https://x.com/janedoe/status/1") is None
    assert R.url("https://x.com/dana_w/status/1") == "https://x.com/dana_w/status/1"
    assert R.handle("@janedoe") == "@j***" and R.handle("dana_w") == "dana_w"
    assert R.name("Ann Lee") == "[name]" and R.name("Dana Whitfield") == "Dana Whitfield"
    assert R.native_id("12345") == "[id]"
    assert R.path("messages/inbox/annlee_10153/message_1.json") == "messages/inbox/[name]/message_1.json"
    assert R.path("data/tweets.js") == "data/tweets.js"
    # "Dana" is a third party too, but here it is part of the subject's own name.
    assert R.path("dana-whitfield-2024.zip: data/x.js") == "dana-whitfield-2024.zip: data/x.js"
    assert R.path("inbox/dana_12/m.json") == "inbox/[name]/m.json"


def test_many_terms_stay_fast() -> None:
    many = Redactor(handles=[f"user{i:05d}" for i in range(20000)], names=[f"Person {i}" for i in range(5000)])
    text = "hello @user01234 and Person 42 and user99999 " * 20
    out = many.text(text)
    assert "@u***" in out and "[name]" in out and "user99999" in out


def test_spans_and_segments_helpers() -> None:
    assert normalize_spans([[5, 3], [0, 2], [1, 4], "x", [True, 2], [8, 99]], 10) == ((0, 4), (8, 10))
    assert segments("abcdef", ((1, 2), (4, 6))) == (
        Segment("a", False), Segment("b", True), Segment("cd", False), Segment("ef", True),
    )


def test_naming_a_person_masks_their_first_name_in_the_same_text() -> None:
    r = Redactor(handles=["jmercer", "dsmith"], names=["John Mercer", "Dana Smith"],
                 own=["Dana Whitfield", "dana_w"],
                 people=[("jmercer", "John Mercer"), ("dsmith", "Dana Smith")])
    assert r.text("@jmercer Thank you John, it was a pleasure") == "@j*** Thank you [name], it was a pleasure"
    assert r.text("John Mercer and john, not Johnny") == "[name] and [name], not Johnny"
    # A first name alone names nobody for sure: left as it is.
    assert r.text("Thank you John") == "Thank you John"
    # The subject's own first name stays even when a third party shares it.
    assert r.text("@dsmith hi from Dana") == "@d*** hi from Dana"
    out, spans = r.text_with_spans("@jmercer Thank you John!", [(19, 23)])
    assert out == "@j*** Thank you [name]!" and [out[s:e] for s, e in spans] == ["[name]"]


def test_context_masks_first_names_across_a_findings_texts() -> None:
    r = Redactor(handles=["jmercer"], names=["John Mercer"], people=[("jmercer", "John Mercer")])
    named = r.named_words("@jmercer Thank you John")
    assert named == frozenset({"john", "mercer"})
    assert r.text("review-reply phrasing: 'Thank you John,'", named) == "review-reply phrasing: 'Thank you [name],'"
    assert r.text("review-reply phrasing: 'Thank you John,'") == "review-reply phrasing: 'Thank you John,'"
