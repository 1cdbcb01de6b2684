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
    supersedes: tuple[str, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = ()


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
