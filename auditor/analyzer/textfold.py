"""A length-preserving fold of social-media text, so rules can be written in plain ASCII.

Phones type "don’t" and “quotes”; LinkedIn posts use mathematical bold letters (𝗺𝘆 𝗰𝗹𝗶𝗲𝗻𝘁).
Each character is replaced by its NFKC form only when that form is one character, and typographic
apostrophes and quotes become ASCII, so every offset into the folded text is also an offset
into the original: evidence spans stay valid for the text as stored.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_PUNCT = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\uff07": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00a0": " "}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _PUNCT:
        return _PUNCT[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold(text: str) -> str:
    """`text` with the same length, typographic punctuation and compatibility letters folded."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in text)
