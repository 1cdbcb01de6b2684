"""HTML → the text a reader sees, for feed items and web pages.

BeautifulSoup with the stdlib `html.parser` (no lxml needed). Nothing in the HTML is executed or
fetched: scripts, styles, templates, embedded frames and SVG are dropped, as are elements marked
`hidden` or styled `display:none`. Block elements end a line, so list items and table cells do
not run together ("Anxiety" + "Depression" must not become "AnxietyDepression" for the rules).
"""

from __future__ import annotations

import logging
import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag

# bs4 logs "Some characters could not be decoded" for pages with bad bytes; without a handler
# Python prints it on stderr. A NullHandler keeps it off the terminal (an app that configures
# logging still sees it).
logging.getLogger("bs4.dammit").addHandler(logging.NullHandler())

#: Elements whose content is never shown as text.
INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "canvas", "head", "title", "meta", "link")
#: Elements that start and end a line of text.
BLOCKS = frozenset({"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div",
                    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
                    "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
                    "section", "summary", "table", "tr", "td", "th", "ul", "caption", "cite"})
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def soup_of(markup: str | bytes, *, encoding: str | None = None) -> BeautifulSoup:
    """Parse HTML with the stdlib parser; bytes are decoded from `encoding` or the document's
    own `<meta charset>` (BeautifulSoup's UnicodeDammit)."""
    with warnings.catch_warnings():
        # Text that looks like a URL or a file name, and undecodable bytes (replaced with
        # U+FFFD), are normal in fetched HTML: no warning on the user's terminal.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", UnicodeWarning)
        if isinstance(markup, bytes):
            return BeautifulSoup(markup, "html.parser", from_encoding=encoding)
        return BeautifulSoup(markup, "html.parser")


def drop_invisible(soup: BeautifulSoup | Tag) -> None:
    """Remove what a browser would not show as text (in place)."""
    for tag in soup.find_all(INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:  # inside an element removed already
            continue
        style = tag.get("style")
        if tag.has_attr("hidden") or (isinstance(style, str) and _DISPLAY_NONE.search(style)):
            tag.decompose()


def visible_text(soup: BeautifulSoup | Tag) -> str:
    """The text of a parsed document or fragment, one line per block, blank lines collapsed.

    Source line breaks are spaces, as in a browser (except inside `<pre>`); only blocks and
    `<br>` break lines.
    """
    drop_invisible(soup)
    for string in list(soup.find_all(string=True)):
        if type(string) is NavigableString and string.find_parent("pre") is None:
            string.replace_with(_WHITESPACE.sub(" ", str(string)))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (_SPACES.sub(" ", line).strip() for line in soup.get_text().split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_text(markup: str | None) -> str:
    """Visible text of an HTML fragment (a feed item's description or content)."""
    if not markup:
        return ""
    return visible_text(soup_of(markup))
