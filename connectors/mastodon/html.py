"""Mastodon's HTML (status `content`, actor `summary`, profile field values) reduced to plain text.

Statuses are `<p>` paragraphs with `<br />` line breaks; mentions are `<span class="h-card">`
links (`@<span>name</span>`) and long links are split into `invisible`/`ellipsis` spans, whose
text joined together is the full URL. The stdlib-backed `html.parser` is used: no extra parser.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment: paragraphs split by a blank line, `<br>` as "\\n"."""
    if not markup:
        return ""
    soup = BeautifulSoup(markup, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for p in soup.find_all("p"):
        p.insert_after("\n\n")
    lines = (line.strip() for line in soup.get_text().split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def links_in(markup: str | None) -> list[str]:
    """The `href`s of the links in a fragment (profile fields hold a link in an `<a>`)."""
    if not markup:
        return []
    soup = BeautifulSoup(markup, "html.parser")
    return [str(a["href"]) for a in soup.find_all("a", href=True)]
