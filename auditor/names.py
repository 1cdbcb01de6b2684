"""Person names: normalisation, handles read as names, and how common a name is.

Two spellings of one person should meet on one key: "María González", "Maria Gonzalez",
"GONZALEZ, Maria", "maria.gonzalez88" and "MariaGonzalez" all give the tokens or the compact
form `mariagonzalez`. Diacritics are folded (NFKD without combining marks, plus the letters
NFKD leaves alone: ø, ł, đ, æ, ß), punctuation and digits split or vanish, honorifics and
credentials are dropped, and name order is read from a comma ("Gonzalez, Maria").

How common a name is comes from `auditor/data/` (U.S. Census 2010 surnames, SSA first names;
see the README there): `expected_people(first, last)` estimates how many people in the U.S.
carry the full name, assuming first name and surname independent. A match on a name that
thousands share says little; a match on one that a handful share says a lot.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SURNAMES_FILE = DATA_DIR / "surnames_us_census_2010.tsv"
FIRST_NAMES_FILE = DATA_DIR / "first_names_us_ssa.tsv"
#: The population the estimates speak of (U.S., 2020 Census, rounded).
POPULATION = 331_000_000

#: Letters NFKD does not decompose.
_SPECIAL = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                          "ß": "ss", "ı": "i", "ħ": "h"})
#: Words around a name that are not the name: honorifics, generational suffixes, credentials.
_NOT_NAME = frozenset(["dr", "mr", "mrs", "ms", "miss", "mx", "prof", "rev", "sir", "dame", "jr", "sr", "ii", "iii", "iv", "phd", "psyd", "edd", "md", "do", "dds", "rn", "np", "lpc", "lpcc", "lcsw", "lmsw", "lmft", "lmhc", "lcpc", "lpa", "msw", "mft", "ncc", "bcba", "cadc", "licsw", "mdiv", "psychd"])
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_LETTERS = re.compile(r"[^a-z]+")


#: Per-string caches: names repeat (the Marias of a list), handles mostly do not; a bound keeps
#: a million distinct strings from staying in memory.
CACHE = 1 << 14


def fold(text: str) -> str:
    """Lower-case, without diacritics or compatibility forms: "María Ødegård" → "maria odegard"."""
    if text.isascii():
        return text.lower()
    return _fold(text)


@lru_cache(maxsize=CACHE)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_SPECIAL)


@lru_cache(maxsize=CACHE)
def tokens(name: str | None) -> tuple[str, ...]:
    """The words of a display or full name, folded, in reading order ("Gonzalez, Maria" is
    read "maria gonzalez"); honorifics, credentials and digits dropped."""
    if not name:
        return ()
    text = name
    if text.count(",") == 1:
        last, _, rest = text.partition(",")
        rest_tokens = _words(rest)
        # "Gonzalez, Maria" is name order; "Maria Gonzalez, LCSW" is a credential after a comma.
        if rest_tokens and not all(t in _NOT_NAME for t in rest_tokens):
            text = f"{rest} {last}"
    return tuple(t for t in _words(text) if t not in _NOT_NAME)


def _words(text: str) -> list[str]:
    return [w for w in _NON_LETTERS.split(fold(_CAMEL.sub(" ", text))) if w]


def compact(text: str | None) -> str:
    """Letters only, folded: "maria.gonzalez88" → "mariagonzalez"; "@M_G" → "mg"."""
    if not text:
        return ""
    return "".join(_NON_LETTERS.split(fold(text)))


@lru_cache(maxsize=CACHE)
def handle_tokens(handle: str | None) -> tuple[str, ...]:
    """A handle's words where separators, digits or camel case mark them ("Maria_Gonzalez88",
    "mariaGonzalez"); a run-together handle ("mariagonzalez") stays one word: see `split_compact`."""
    if not handle:
        return ()
    bare = handle.strip().lstrip("@").split("@", 1)[0]  # "maria@mastodon.social" → "maria"
    if bare.lower() != bare:  # camel case marks words ("mariaGonzalez")
        bare = _CAMEL.sub(" ", bare)
    return tuple(w for w in _NON_LETTERS.split(fold(bare)) if w)


@dataclass(frozen=True, slots=True)
class NameTable:
    """Counts of people per name, and the population the counts cover."""

    counts: dict[str, int]
    total: int
    floor: int

    def count(self, name: str) -> int:
        """People with this name; a name missing from the table counts half its floor."""
        return self.counts.get(name, self.floor // 2)

    def share(self, name: str) -> float:
        return self.count(name) / self.total

    def __contains__(self, name: object) -> bool:
        return name in self.counts


def _load(path: Path) -> NameTable:
    counts: dict[str, int] = {}
    meta: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                parts = line[1:].strip().split("\t")
                if len(parts) == 2 and parts[1].isdigit():
                    meta[parts[0]] = int(parts[1])
                continue
            name, _, count = line.rstrip("\n").partition("\t")
            if name and count:
                counts[name] = int(count)
    return NameTable(counts, meta.get("total", sum(counts.values())), meta.get("floor", 1))


@cache
def surnames() -> NameTable:
    """U.S. Census 2010 surnames (see auditor/data/README.md)."""
    return _load(SURNAMES_FILE)


@cache
def first_names() -> NameTable:
    """SSA first names, births 1920-2017 (see auditor/data/README.md)."""
    return _load(FIRST_NAMES_FILE)


def is_first_name(word: str) -> bool:
    return word in first_names().counts


def is_surname(word: str) -> bool:
    return word in surnames().counts


@lru_cache(maxsize=CACHE)
def first_last(words: tuple[str, ...]) -> tuple[str, str] | None:
    """(first name, surname) of a name's words, middle names dropped; None for a single word.

    When the words look reversed ("Gonzalez Maria", with no comma to tell), the order that
    reads better as first name + surname wins, so a count lookup is not confused.
    """
    if len(words) < 2:
        return None
    first, last = words[0], words[-1]
    fn, sn = first_names().counts, surnames().counts
    if first in fn and last in sn and (last not in fn or first not in sn):
        return first, last  # plainly first name + surname: no need to weigh the other order
    if len(first) > 1 and len(last) > 1:
        forward = _order_score(first, last)
        backward = _order_score(last, first)
        if backward > forward:
            first, last = last, first
    return first, last


def _order_score(first: str, last: str) -> float:
    f, s = first_names(), surnames()
    return math.log(f.count(first) + 1) - math.log(s.count(first) + 1) + \
        math.log(s.count(last) + 1) - math.log(f.count(last) + 1)


def expected_people(first: str | None, last: str | None) -> float:
    """Estimated people in the U.S. with this name (an initial counts as 1/15 of everyone)."""
    share = 1.0
    if first:
        share *= 1 / 15 if len(first) == 1 else first_names().share(first)
    if last:
        share *= 1 / 15 if len(last) == 1 else surnames().share(last)
    if not first and not last:
        return float(POPULATION)
    return POPULATION * share


@lru_cache(maxsize=1 << 16)
def split_compact(text: str) -> tuple[tuple[str, str], ...]:
    """Ways to read a run-together handle as first name + surname (or surname + first name),
    most plausible first: "mariagonzalez" → [("maria", "gonzalez")]. Empty when none reads."""
    out: list[tuple[float, str, str]] = []
    f, s = first_names(), surnames()
    fn, sn = f.counts, s.counts
    n = len(text)
    for i in range(2, n - 1):
        a, b = text[:i], text[i:]
        a_first = a in fn
        if a_first and b in sn:
            out.append((math.log(f.count(a)) + math.log(s.count(b)), a, b))
        if not a_first and a in sn and b in fn:
            out.append((math.log(s.count(a)) + math.log(f.count(b)) - 1.0, b, a))
    out.sort(key=lambda x: (-x[0], x[1], x[2]))
    return tuple((a, b) for _, a, b in out)


def has_split(text: str) -> bool:
    """Whether `split_compact(text)` finds any reading (without ranking them)."""
    fn, sn = first_names().counts, surnames().counts
    for i in range(2, len(text) - 1):
        a, b = text[:i], text[i:]
        if (a in fn and b in sn) or (a in sn and b in fn):
            return True
    return False


def commonness_weight(expected: float) -> float:
    """The confidence adjustment for a name that `expected` people share: negative above ~30
    people (John Smith, ~38,000: -0.25; a name 10,000 people share: -0.2), a small bonus below
    one person (Kwame Lindqvist: +0.1)."""
    if expected <= 0:
        return 0.0
    lg = math.log10(expected)
    if lg > 1.5:
        return round(-0.08 * (lg - 1.5), 2)
    if lg < 0:
        return round(min(0.1, -0.04 * lg), 2)
    return 0.0


def describe_count(expected: float) -> str:
    """ "about 36,000 people in the U.S." in words a report can show."""
    if expected < 1:
        return "fewer than one person in the U.S. expected"
    if expected < 10:
        return f"about {expected:.0f} people in the U.S."
    digits = max(0, int(math.log10(expected)) - 1)
    rounded = round(expected, -digits)
    return f"about {rounded:,.0f} people in the U.S."
