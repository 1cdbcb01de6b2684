"""The report's view-model: plain frozen dataclasses that every output format renders.

`reports.build` fills them from the database (all querying, counting, sorting and redaction
happen there); renderers and templates only read them. Times are ISO 8601 UTC strings ending
in `Z`. A few fields exist for the HTML only (labels, highlighted segments, safe links); the
JSON renderer picks the contract's fields explicitly, so those never leak into the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "footprint.report/1"


@dataclass(frozen=True, slots=True)
class SubjectView:
    """A practitioner covered by the report and the ethics codes cited for them."""

    name: str
    profession: str | None
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunView:
    """The audit run the report shows."""

    id: int
    started_at: str
    rules_version: str


@dataclass(frozen=True, slots=True)
class AccountView:
    """One of the subjects' own accounts, with stored-row counts."""

    subject: str
    platform: str
    handle: str | None
    role: str
    role_reason: str
    content: int
    followers: int
    following: int
    private: bool | None
    #: "private", "public" or "unknown" (HTML).
    privacy: str
    #: Why the privacy flag is unknown, when it is (HTML).
    privacy_note: str


@dataclass(frozen=True, slots=True)
class CoverageFile:
    """A file read from an export, and how many records it gave when the connector says."""

    file: str
    count: int | None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file not read (or read with a warning), and why."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class CoverageView:
    """What the audit saw and what it could not read."""

    files_read: tuple[CoverageFile, ...]
    #: Skipped and unrecognised files, and files read with a warning (see `reports.build`).
    files_skipped: tuple[SkippedFile, ...]
    #: Connections stored with an account id only: neither a handle nor a name to show.
    connections_unresolved: int


@dataclass(frozen=True, slots=True)
class CountView:
    """One row of a count table: a category or severity key, its label, its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SummaryView:
    """The executive summary: risk score, the formula in words, counts."""

    risk_score: int
    risk_formula: str
    #: All six categories, in `auditor.findings.CATEGORIES` order, zero or not.
    by_category: tuple[CountView, ...]
    #: All four severities, critical first, zero or not.
    by_severity: tuple[CountView, ...]
    #: Findings counted above (open or acknowledged, not resolved).
    counted: int
    #: Findings listed in the report but not counted (dismissed, remediated, accepted, resolved).
    not_counted: int


@dataclass(frozen=True, slots=True)
class ItemView:
    """What a finding is about, traceable to the original by its platform-native id."""

    type: str
    native_id: str | None
    url: str | None
    created_at: str | None


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of excerpt text; `is_match` runs are the evidence spans (highlighted in HTML)."""

    text: str
    is_match: bool


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """The excerpt as emitted (redacted or not) and code-point spans into it."""

    excerpt: str
    spans: tuple[tuple[int, int], ...]
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class CitationView:
    """One ethics-code citation."""

    code: str
    section: str
    title: str


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding of the run, with its triage status and change against the previous run."""

    fingerprint: str
    category: str
    rule: str
    severity: str
    score: float
    status: str
    change: str
    subject: str
    platform: str
    account: str | None
    account_role: str | None
    item: ItemView
    message: str
    evidence: EvidenceView
    explanation: tuple[str, ...]
    citations: tuple[CitationView, ...]
    remediation: str
    #: `item.url` when it is a plain http(s) URL, else None: the only URL the HTML links to.
    link: str | None
    #: Whether the finding counts in the summary (HTML marks the others).
    counted: bool


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """The findings of one category, for the HTML's per-category sections."""

    key: str
    title: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True, slots=True)
class Membership:
    """Where an overlapping person appears: which list of which of the subject's accounts."""

    platform: str
    handle: str | None
    name: str | None
    native_id: str | None
    account: str | None
    account_role: str | None
    relation: str


@dataclass(frozen=True, slots=True)
class OverlapEntry:
    """A person found on both a personal and a professional account (or a roster match)."""

    person: str
    tier: str
    confidence: float
    roster_match: bool
    memberships: tuple[Membership, ...]
    explanation: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiscoveredAccount:
    """A social profile linked from a fetched page, with the command that would audit it."""

    platform: str
    handle: str | None
    url: str | None
    command: str


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything a report shows. Built by `reports.build.build_report`."""

    subjects: tuple[SubjectView, ...]
    run: RunView
    accounts: tuple[AccountView, ...]
    coverage: CoverageView
    summary: SummaryView
    findings: tuple[FindingView, ...]
    overlap: tuple[OverlapEntry, ...]
    discovered_accounts: tuple[DiscoveredAccount, ...]
    #: The findings again, grouped by category in `CATEGORIES` order (HTML).
    categories: tuple[CategoryGroup, ...]
    redacted: bool
    #: Who prepared the report (`--auditor`), shown in the HTML header.
    auditor: str | None
    schema: str = SCHEMA
