"""The one output type of every detector: a `Finding`, identified by a content fingerprint."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

CATEGORIES: tuple[str, ...] = (
    "confidentiality",
    "dual_relationship",
    "professional_conduct",
    "personalized_advice",
    "testimonial",
    "boundary",
)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def shifted(self, steps: int) -> Severity:
        """The severity `steps` tiers up (positive) or down (negative), clamped."""
        order = list(reversed(list(Severity)))  # low .. critical
        i = max(0, min(len(order) - 1, order.index(self) + steps))
        return order[i]


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)


@dataclass(frozen=True, slots=True)
class Citation:
    code: str  # "ACA 2014"
    section: str  # "B.1.c"
    title: str


@dataclass(frozen=True, slots=True)
class Contribution:
    """One line of a finding's explanation: a cue, the text it matched, its signed weight."""

    label: str
    matched: str | None
    weight: float

    def render(self) -> str:
        what = f"{self.label}: '{self.matched}'" if self.matched else self.label
        return f"{what} ({self.weight:+.2f})"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What the finding is about: an item's type and platform-native id (DESIGN: item.type)."""

    type: str  # post, reply, comment, caption, share, message, bio, account, connection, media
    platform: str
    native_id: str | None
    url: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    category: str
    severity: Severity
    score: float
    message: str
    item: ItemRef
    #: The database id of the account the finding is about (None for subject-level findings).
    account_id: int | None
    excerpt: str
    spans: tuple[tuple[int, int], ...]
    contributions: tuple[Contribution, ...]
    citations: tuple[Citation, ...]
    remediation: str
    #: The text that identifies the finding for its fingerprint (normally the matched text).
    identity: str = ""
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} out of 0..1")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule_id, self.item.platform, self.item.native_id or "", self.identity)

    @property
    def explanation(self) -> list[str]:
        return [c.render() for c in self.contributions]


def normalize_text(text: str) -> str:
    """Case-, width- and whitespace-insensitive form of matched text for fingerprints."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def fingerprint(rule_id: str, platform: str, native_id: str, matched: str) -> str:
    """sha256 of rule id, platform, native id and normalised matched text: never a row id."""
    payload = "\x1f".join((rule_id, platform, native_id, normalize_text(matched)))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
