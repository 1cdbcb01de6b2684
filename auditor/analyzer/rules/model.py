"""The rule-pack data model: frozen dataclasses and the constants of pack format 1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regex whose match is evidence; `score` (if set) replaces the rule's base score."""

    regex: re.Pattern[str]
    score: float | None
    label: str


@dataclass(frozen=True, slots=True)
class Cue:
    """A context cue: if `regex` matches near the evidence, `weight` is added to the score."""

    label: str
    regex: re.Pattern[str]
    weight: float
    window: int | None
    #: A severity floor when the cue is found (e.g. a direct identifier makes a story critical).
    severity: Severity | None = None
    #: The cue is a detail about the client (what they said or did, their history): a finding
    #: with such a cue survives another category's `supersedes` (see Rule.supersedes).
    discloses: bool = False


@dataclass(frozen=True, slots=True)
class Negative:
    """A hard negative: drops overlapping matches ("match") or the whole item ("text")."""

    regex: re.Pattern[str]
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
