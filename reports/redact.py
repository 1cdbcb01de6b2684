"""Masking known third parties in report text, keeping evidence spans pointed at the right text.

A `Redactor` knows three sets of strings: third-party handles, third-party names, and the
subject's own handles and names (which always stay). It masks every occurrence of a third-party
string in free text: case-insensitively, ignoring diacritics and compatibility forms (so "José"
also catches "Jose" and a decomposed "José"), only at word boundaries, with or without a leading
`@`. Handles become `@j***` (their first character kept so a reader can tell masks apart),
names become `[name]`. Only whole stored strings are masked: a connection named "Jane Doe"
masks "Jane Doe", not every "Jane".

The masked text can be shorter or longer than the original, so `text_with_spans` also maps
evidence spans into the new text: a span that touched a masked string now covers its mask.

People, given as (handle, name) pairs, add one rule: once a text names a person by a stored
handle or name, that person's first and last names (each word of three letters or more) are
masked in the rest of the same text too. "@jmercer Thank you John" must not keep "John"; a
"John" in a text that names no John is left alone, as a whole-string rule would.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

Span = tuple[int, int]
#: A character trie: each key one character ("" marks the end of a term).
_Trie = dict[str, "_Trie"]

NAME_MASK = "[name]"
ID_MASK = "[id]"
#: Strings shorter than this are not masked: a one-letter "name" would blank out every "a".
MIN_TERM = 2
#: Longer strings are not real names or handles (and would make the pattern needlessly deep).
MAX_TERM = 100
#: Squeezed terms shorter than this are not looked for inside path segments (too many false hits).
MIN_COMPACT = 4

_OWN, _HANDLE, _NAME = "own", "handle", "name"
#: What may stand between the words of a name: "Jane Doe", "Jane-Doe", "jane.doe", "jane_doe".
_GAP = r"[\s_.\-]+"
_GAP_RE = re.compile(_GAP)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character's matching form: casefolded, compatibility-decomposed, without accents."""
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The matching form of a whole string, with runs of whitespace collapsed to one space."""
    return " ".join("".join(_fold_char(c) for c in text).split())


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its original character."""
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


def _trie_pattern(terms: Iterable[str]) -> str:
    """One regex alternation of all terms, shaped as a trie so matching cost does not grow
    with the number of terms (thousands of followers), preferring the longest term."""
    trie: _Trie = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a term

    def pattern(node: _Trie) -> str:
        branches = [
            (_GAP if ch == " " else re.escape(ch)) + pattern(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Optional, and greedy: the longer term wins, the shorter one is the fallback.
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


def _normalise_handle(handle: str) -> list[str]:
    """A handle's forms to look for: without its `@`, and the local part of `user@server`."""
    bare = handle.strip().lstrip("@")
    forms = [bare]
    if "@" in bare:
        forms.append(bare.split("@", 1)[0])
    return forms


class Redactor:
    """Masks known third parties in text; a disabled redactor returns everything unchanged."""

    def __init__(
        self,
        *,
        handles: Iterable[str] = (),
        names: Iterable[str] = (),
        own: Iterable[str] = (),
        people: Iterable[tuple[str | None, str | None]] = (),
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        kinds: dict[str, str] = {}
        # Precedence: the subject's own strings stay even when a third party shares them
        # (a personal account that follows the subject's professional one), then handles.
        # Handles and the subject's own strings may come with an `@`; match them without it.
        sources = ((_NAME, names), (_HANDLE, _handle_forms(handles)), (_OWN, _handle_forms(own)))
        for kind, values in sources:
            for value in values:
                term = fold(value.lstrip("@"))
                if kind == _NAME:  # "Mary-Jane Watson" also as "Mary Jane Watson"
                    term = " ".join(_GAP_RE.sub(" ", term).split())
                if MIN_TERM <= len(term) <= MAX_TERM:
                    kinds[term] = kind
        self._kinds = kinds
        self._own_terms = frozenset(t for t, k in kinds.items() if k == _OWN)
        self._regex: re.Pattern[str] | None = None
        self._compact: re.Pattern[str] | None = None
        self._own_compact: re.Pattern[str] | None = None
        third = sorted(t for t, k in kinds.items() if k != _OWN)
        if enabled and third:
            # Not preceded by a word character or `@` (so "mail@jane.com" is left alone),
            # not followed by a word character; an optional `@` in front of any term.
            self._regex = re.compile(r"(?<![\w@])@?(?:" + _trie_pattern(sorted(kinds)) + r")(?!\w)")
            compact = sorted({c for c in map(_compact, third) if len(c) >= MIN_COMPACT})
            if compact:
                self._compact = re.compile(_trie_pattern(compact))
            own_compact = sorted({c for c in map(_compact, self._own_terms) if c})
            if own_compact:
                self._own_compact = re.compile(_trie_pattern(own_compact))
        self._words = _person_words(people, self._own_terms) if enabled else {}

    @classmethod
    def disabled(cls) -> Redactor:
        """A redactor that changes nothing (`--no-redact`)."""
        return cls(enabled=False)

    def _matches(self, text: str) -> tuple[str, list[int], list[tuple[int, int, str]]]:
        """The folded text, its origin map, and (start, end, mask) for every stored string."""
        folded, origin = _fold_with_map(text)
        out: list[tuple[int, int, str]] = []
        assert self._regex is not None
        for m in self._regex.finditer(folded):
            matched = m.group(0)
            has_at = matched.startswith("@")
            bare = matched.lstrip("@")
            # A handle's own dots and underscores first ("ellie.k"), then a name's gaps.
            kind = self._kinds.get(" ".join(bare.split())) or self._kinds.get(
                " ".join(_GAP_RE.sub(" ", bare).split())
            )
            if kind is None or kind == _OWN or m.start() == m.end():
                continue
            start = origin[m.start()]
            end = origin[m.end() - 1] + 1
            # Combining marks after the last letter fold to nothing: they belong to the match.
            while end < len(text) and not _fold_char(text[end]):
                end += 1
            if kind == _HANDLE or has_at:
                mask = _handle_mask(matched.lstrip("@"), at=has_at)
            else:
                mask = NAME_MASK
            out.append((start, end, mask))
        return folded, origin, out

    def _words_of(self, text: str, found: Iterable[tuple[int, int, str]]) -> set[str]:
        """The name words of every person `found` names in `text`."""
        words: set[str] = set()
        for start, end, _ in found:
            term = fold(text[start:end]).lstrip("@")
            for key in (" ".join(term.split()), " ".join(_GAP_RE.sub(" ", term).split())):
                words |= self._words.get(key, set())
        return words

    def named_words(self, context: str) -> frozenset[str]:
        """The name words of the people a text names: pass them as `context` to mask those
        first names in texts that belong with it (a finding's explanation and its excerpt)."""
        if self._regex is None or not self._words or not context:
            return frozenset()
        return frozenset(self._words_of(context, self._matches(context)[2]))

    def _replacements(
        self, text: str, context: frozenset[str] = frozenset()
    ) -> list[tuple[int, int, str]]:
        """(start, end, mask) in the original text for every third-party string in it."""
        if self._regex is None or not text:
            return []
        folded, origin, found = self._matches(text)
        if not self._words:
            return found
        words = self._words_of(text, found) | context
        if not words:
            return found
        pattern = re.compile(r"(?<![\w@])(?:" + "|".join(map(re.escape, sorted(words))) + r")(?!\w)")
        taken = [(s, e) for s, e, _ in found]
        extra = []
        for m in pattern.finditer(folded):
            start, end = origin[m.start()], origin[m.end() - 1] + 1
            if not any(s < end and start < e for s, e in taken):
                extra.append((start, end, NAME_MASK))
        return sorted(found + extra)

    def text(self, text: str, context: frozenset[str] = frozenset()) -> str:
        """The text with every known third party masked (and `context`'s name words)."""
        return self.text_with_spans(text, (), context)[0]

    def text_with_spans(
        self, text: str, spans: Sequence[Span], context: frozenset[str] = frozenset()
    ) -> tuple[str, tuple[Span, ...]]:
        """The masked text, and `spans` mapped onto it (empty spans dropped)."""
        replacements = self._replacements(text, context)
        if not replacements:
            return text, tuple((s, e) for s, e in spans if s < e)
        pieces: list[str] = []
        edits: list[tuple[int, int, int, int]] = []  # old start, old end, new start, new end
        cursor = 0
        length = 0
        for start, end, mask in replacements:
            pieces.append(text[cursor:start])
            length += start - cursor
            edits.append((start, end, length, length + len(mask)))
            pieces.append(mask)
            length += len(mask)
            cursor = end
        pieces.append(text[cursor:])
        mapped = ((_map(s, edits, end=False), _map(e, edits, end=True)) for s, e in spans)
        return "".join(pieces), tuple((s, e) for s, e in mapped if s < e)

    def path(self, path: str) -> str:
        """A file path with every segment that embeds a third party replaced by `[name]`.

        Exports name folders after people without spaces or word boundaries (Facebook's
        `messages/inbox/janedoe_10153/`), so a segment is masked when a third party's name or
        handle, squeezed to letters and digits, occurs anywhere in it.
        """
        if self._compact is None:
            return self.text(path)
        segments = [NAME_MASK if self._names_someone(seg) else seg for seg in path.split("/")]
        return self.text("/".join(segments))

    def _names_someone(self, segment: str) -> bool:
        assert self._compact is not None
        squeezed = _compact(segment)
        if self._own_compact is not None:
            # The subject's own name in a folder ("dana-whitfield-x.zip") is not a third party's,
            # even when a third party is called "Dana".
            squeezed = self._own_compact.sub("|", squeezed)
        return self._compact.search(squeezed) is not None

    def url(self, url: str | None) -> str | None:
        """The URL, or None when it names a third party (a masked URL is no use as a link)."""
        if url is None or not self.enabled:
            return url
        return url if self.text(url) == url else None

    def handle(self, handle: str | None) -> str | None:
        """A third party's handle from a list (always masked unless it is the subject's own)."""
        if handle is None or not self.enabled or fold(handle.lstrip("@")) in self._own_terms:
            return handle
        return _handle_mask(fold(handle.lstrip("@")), at=handle.startswith("@"))

    def name(self, name: str | None) -> str | None:
        """A third party's name from a list (always masked unless it is the subject's own)."""
        if name is None or not self.enabled or fold(name) in self._own_terms:
            return name
        return NAME_MASK

    def native_id(self, native_id: str | None) -> str | None:
        """A third party's platform id, which resolves to the person as surely as a handle."""
        if native_id is None or not self.enabled:
            return native_id
        return ID_MASK


#: The smallest name word masked on its own (no initials, no "Al" in "Al Green").
MIN_WORD = 3


def _person_words(
    people: Iterable[tuple[str | None, str | None]], own_terms: frozenset[str]
) -> dict[str, set[str]]:
    """Term (folded handle or name) → the name words of the person it names.

    Words of the subject's own names are never among them: "Dana" stays when a third party
    "Dana Smith" is named in a post by Dana Whitfield.
    """
    own_words = {w for term in own_terms for w in _GAP_RE.sub(" ", term).split()}
    out: dict[str, set[str]] = {}
    for handle, name in people:
        if not name:
            continue
        plain = " ".join(_GAP_RE.sub(" ", fold(name)).split())
        words = {
            w for w in plain.split()
            if len(w) >= MIN_WORD and w.isalpha() and w not in own_words
        }
        if not words:
            continue
        keys = [plain]
        if handle:
            keys += [fold(h) for h in _normalise_handle(handle)]
        for key in keys:
            if key and key not in own_terms:
                out.setdefault(key, set()).update(words)
    return out


def _compact(text: str) -> str:
    """Letters and digits only, folded: how a name looks inside a folder name."""
    return "".join(c for c in fold(text) if c.isalnum())


def _handle_forms(handles: Iterable[str]) -> Iterable[str]:
    for handle in handles:
        yield from _normalise_handle(handle)


def _handle_mask(folded_handle: str, *, at: bool) -> str:
    first = folded_handle[:1] or "*"
    return ("@" if at else "") + first + "***"


def _map(pos: int, edits: Sequence[tuple[int, int, int, int]], *, end: bool) -> int:
    """Where an original position lands in the masked text; inside a mask it snaps outwards."""
    delta = 0
    for old_start, old_end, new_start, new_end in edits:
        if pos <= old_start:
            break
        if pos < old_end:
            return new_end if end else new_start
        delta = new_end - old_end
    return pos + delta
