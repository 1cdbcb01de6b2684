"""The rule-pack data model: frozen dataclasses and the constants of pack format 1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from auditor.errors import RulePackError
from auditor.findings import Severity

FORMAT = 1

#: Content kinds a rule may target (DESIGN: ContentRecord kinds).
KINDS: tuple[str, ...] = ("post", "reply", "comment", "caption", "share", "message", "bio")
#: Default targets: what the account authored in public. Messages are opt-in per rule because
#: their text reaches the analyzer only with --include-messages and they are not public; bios
#: are opt-in because most cues (sessions, clients) do not apply to a profile line.
DEFAULT_TARGETS: frozenset[str] = frozenset({"post", "reply", "comment", "caption", "share"})
DEFAULT_MIN_SCORE = 0.5
#: Who must be able to see the post for the rule to apply (see `Rule.audience`).
AUDIENCES: tuple[str, ...] = ("any", "clients")

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RegexSource(Protocol):
    """What the prefilter's and the RE2 set's analyses read of a regex (derived.py): its source
    and flags, as `re.Pattern` has them. `Regex` has them without compiling."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...


#: Flags a pattern sets for the whole of itself (Python 3.11 allows them only at its start).
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


class Regex:
    """A pack regex, compiled by Python's `re` the first time a text needs it.

    Loading the built-in packs used to compile some thousand regexes (two seconds, before an
    audit read its first text); most of them then run on few texts or none, since the engine's
    one pass (engine.py) picks the patterns worth trying. Their source and flags are what that
    pass and the shipped analyses (derived.py) read, so those need no compiling. A user's pack is
    compiled, and so checked, as it loads (fields.py `compile_regex`)."""

    __slots__ = ("_compiled", "_requested", "pattern")

    def __init__(self, pattern: str, flags: int = re.IGNORECASE, compiled: re.Pattern[str] | None = None) -> None:
        self.pattern = pattern
        self._requested = flags
        self._compiled = compiled

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self._requested)
        return compiled

    @property
    def flags(self) -> int:
        """`re.Pattern.flags`: the flags asked for, plus UNICODE for a str pattern, plus any the
        pattern sets for itself at its start (only then is it compiled to know them)."""
        if self._compiled is None and not _GLOBAL_FLAGS.match(self.pattern):
            return self._requested if self._requested & re.ASCII else self._requested | re.UNICODE
        return self.compiled.flags

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Regex):
            return NotImplemented
        return self.pattern == other.pattern and self._requested == other._requested

    def __hash__(self) -> int:
        return hash((self.pattern, self._requested))

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"

    def __getstate__(self) -> tuple[str, int]:
        return self.pattern, self._requested  # compiled again where it is unpickled, if used

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.pattern, self._requested = state
        self._compiled = None


class _Compiles:
    """A pack entry's `regex`: its `source`, compiled when first asked for."""

    __slots__ = ()
    source: Regex

    @property
    def regex(self) -> re.Pattern[str]:
        return self.source.compiled


@dataclass(frozen=True, slots=True)
class Pattern(_Compiles):
    """A regex whose match is evidence; `score` (if set) replaces the rule's base score."""

    source: Regex
    score: float | None
    label: str


@dataclass(frozen=True, slots=True)
class Cue(_Compiles):
    """A context cue: if `regex` matches near the evidence, `weight` is added to the score."""

    label: str
    source: Regex
    weight: float
    window: int | None
    #: A severity floor when the cue is found (e.g. a direct identifier makes a story critical).
    severity: Severity | None = None
    #: The cue is a detail about the client (what they said or did, their history): a finding
    #: with such a cue survives another category's `supersedes` (see Rule.supersedes).
    discloses: bool = False


@dataclass(frozen=True, slots=True)
class Negative(_Compiles):
    """A hard negative: drops overlapping matches ("match") or the whole item ("text")."""

    source: Regex
    scope: str
    label: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expect: bool
    kind: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated, compiled rule."""

    id: str
    pack: str
    category: str
    severity: Severity
    score: float
    min_score: float
    message: str
    keywords: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    context: tuple[Cue, ...]
    negatives: tuple[Negative, ...]
    targets: frozenset[str]
    citations: tuple[str, ...]
    remediation: str
    examples: tuple[Example, ...]
    #: (severity, min score) pairs, highest severity first.
    escalate: tuple[tuple[Severity, float], ...] = ()
    #: Rule ids whose hit on the same text this rule's hit replaces. Within a category the other
    #: hit is always dropped. Across categories (a dual-relationship story superseding a bare
    #: client reference) it is dropped only when it discloses nothing about the client: no cue
    #: marked `discloses` and no mosaic detail other than the time anchor (the labelling rule
    #: "accepted a friend request from a client today" is conduct only, "went to my client's
    #: wedding at the vineyard" is also confidentiality).
    supersedes: tuple[str, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = ()
    #: "clients": the risk exists only where clients can see the account (a professional account,
    #: an unknown one, or a personal account whose profile names the profession), such as the
    #: author's whereabouts. On an anonymous personal account the rule does not apply. "any":
    #: the account role changes severity and score only (role.py).
    audience: str = "any"
    #: Add the identifiability mosaic (mosaic.py) to the score: time anchor, age, occupation...
    mosaic: bool = False
    #: What the engine's prefilter keys on: `keywords` plus the literal factors of any pattern
    #: they do not cover (literals.py), so a pattern can never match where its rule was skipped.
    prefilter: tuple[str, ...] = ()
    #: Patterns with no literal the prefilter can key on (they run only when a keyword is found).
    unkeyed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RulePack:
    """A parsed pack file."""

    name: str
    path: Path
    description: str
    rules: tuple[Rule, ...]
    disable: tuple[str, ...]
    #: sha256 of the file's bytes: part of the rules version.
    digest: str
    builtin: bool = False


class Errors:
    """Builds RulePackError messages that name the file and, where there is one, the rule."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, message: str, rule: str | None = None) -> RulePackError:
        where = f"rule {rule!r}: " if rule else ""
        return RulePackError(where + message, path=str(self.path))
