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
    #: Date (YYYY-MM-DD) of the oldest and newest authored item still present (HTML).
    first_item: str | None = None
    last_item: str | None = None
    #: Counted findings on this account (HTML).
    findings: int = 0
    #: The platform's name as people know it: "X", "Facebook" (HTML).
    platform_label: str = ""


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
    #: How firmly the section number is confirmed (auditor/codes data): "V" confirmed in a
    #: stored copy, "S" secondary source only, "M" not re-confirmed, "" unknown (HTML).
    verified: str = ""


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
    #: The anchor of this finding in the HTML (`f-` and the fingerprint's first 12 characters).
    anchor: str = ""
    #: How to find the original when the export gives no link (HTML).
    locate: str = ""
    #: The platform's name as people know it (HTML).
    platform_label: str = ""


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """The findings of one category, for the HTML's per-category sections."""

    key: str
    title: str
    findings: tuple[FindingView, ...]
    #: How many more of the category the HTML leaves out (the lowest ranked; JSON and CSV list all).
    hidden: int = 0


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
    #: The practitioner whose accounts the memberships belong to (HTML's per-subject sections).
    subject: str | None = None
    #: What to do about this person, when the overlap module says (HTML; a default otherwise).
    remediation: str = ""
    #: Fingerprints of the findings raised for this person.
    fingerprints: tuple[str, ...] = ()
    #: Anchors of those findings in the report (HTML links to them).
    anchors: tuple[str, ...] = ()
    #: The entry's stable identity (`auditor.triage.overlap_key`): what `decide --not-same-person` takes.
    key: str = ""
    #: "open", or "false_positive" when a reviewer said its people are not one person.
    status: str = "open"
    #: That review: its note (redacted like any text), who, and when (ISO 8601 UTC) (HTML).
    review_note: str = ""
    reviewed_by: str = ""
    reviewed_at: str | None = None


@dataclass(frozen=True, slots=True)
class AllowView:
    """An allowlist entry: a phrase or account reviewed once, whose findings audits suppress."""

    subject: str
    #: "phrase" or "account".
    kind: str
    value: str
    note: str
    added_by: str
    added_at: str
    #: How many findings it suppressed in this run; None when the run did not count per entry,
    #: or the entry was added after the run (it applies from the next audit).
    suppressed: int | None
    #: The entry was added after the run started (HTML says it applies from the next audit).
    after_run: bool = False


@dataclass(frozen=True, slots=True)
class DiscoveredAccount:
    """A social profile linked from a fetched page, with the command that would audit it."""

    platform: str
    handle: str | None
    url: str | None
    command: str
    #: `url` when it is a plain http(s) URL, else None: the only URL the HTML links to.
    link: str | None = None


# -- HTML-only parts: the fix-it list, charts, change since the last review, guidance ------------


@dataclass(frozen=True, slots=True)
class ActionView:
    """One step of the fix-it list: a thing to do to one item, with the findings it settles."""

    #: "delete", "edit", "remove_person", "make_private", "edit_profile", "review".
    kind: str
    #: The instruction as a heading: "Delete this post".
    title: str
    #: Which item: "X post by @dana_w_pdx, 15 Apr 2024".
    target: str
    #: The remediation of the most severe finding it settles.
    detail: str
    severity: str
    score: float
    subject: str
    #: A plain http(s) link to the item, when the platform gives one.
    link: str | None
    #: The link's words: "Open the post on X".
    link_label: str
    #: How to find the item when there is no link (or the link cannot name a masked person).
    locate: str
    #: A short, redacted quotation of the item, for recognising it.
    excerpt: str
    #: Anchors of the findings this action settles (`FindingView.anchor`).
    findings: tuple[str, ...]
    anchor: str
    #: The lead finding's change against the previous run (new, unchanged, reappeared).
    change: str = "new"


@dataclass(frozen=True, slots=True)
class ChartSegment:
    """One coloured piece of a bar: a key (category or severity), its count, its rectangle."""

    key: str
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    #: Where the count is written inside the segment, or None when the segment is too small.
    label_x: float | None
    label_y: float | None


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar: a year of the timeline or an account of the per-account chart."""

    label: str
    #: A second line under (or beside) the label: an account's role.
    sublabel: str
    total: int
    segments: tuple[ChartSegment, ...]
    #: Where the label and the total are written.
    label_x: float
    label_y: float
    total_x: float
    total_y: float


@dataclass(frozen=True, slots=True)
class ChartTick:
    """A value line of the axis."""

    value: int
    x1: float
    y1: float
    x2: float
    y2: float
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class LegendItem:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ChartView:
    """An inline SVG chart, laid out in Python so the template only draws numbers.

    Every series has a fill pattern as well as a colour, and every count is written as text,
    so the chart reads in grey and in print; `summary` and `table` are its text alternatives.
    """

    id: str
    title: str
    #: One or two sentences that say what the chart shows (the SVG's description).
    summary: str
    width: float
    height: float
    bars: tuple[ChartBar, ...]
    ticks: tuple[ChartTick, ...]
    legend: tuple[LegendItem, ...]
    #: "column" (timeline) or "row" (per account).
    orientation: str
    #: The data as a table: the header row, then one row per bar (label, counts..., total).
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    empty: bool


@dataclass(frozen=True, slots=True)
class ResolvedItem:
    """A finding of the previous review that this run no longer finds, and why."""

    finding: FindingView
    #: "deleted" (the newer export no longer holds the item) or "not found" (still there, or
    #: unknown, but no rule matches it now).
    reason: str


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed since the subject's previous audit run."""

    previous_run: int
    previous_started_at: str
    #: new, unchanged, reappeared, resolved: always all four.
    counts: tuple[CountView, ...]
    resolved: tuple[ResolvedItem, ...]
    reappeared: tuple[FindingView, ...]
    #: How many resolved items were deleted from the newer export.
    deleted: int


@dataclass(frozen=True, slots=True)
class CodeApplied:
    """An ethics code or law this audit cited, with its edition and why it applies."""

    code: str
    name: str
    kind: str
    edition: str
    why: str
    #: Sections the findings cite, with how firmly each number is confirmed.
    cited: tuple[CitationView, ...]


@dataclass(frozen=True, slots=True)
class ExportLimit:
    """Something a platform's export cannot show, and how to check it instead."""

    platform: str
    platform_label: str
    lacks: str
    check: str


@dataclass(frozen=True, slots=True)
class ScopeView:
    """What the audit covered: accounts, periods, and what the exports cannot show."""

    accounts: tuple[str, ...]
    period_start: str | None
    period_end: str | None
    limits: tuple[ExportLimit, ...]


@dataclass(frozen=True, slots=True)
class SubjectSection:
    """Everything the HTML shows about one practitioner (one section each when several)."""

    subject: SubjectView
    anchor: str
    summary: SummaryView
    #: The risk band: "none", "low", "moderate", "high", "very-high", with its label.
    band: str
    band_label: str
    accounts: tuple[AccountView, ...]
    actions: tuple[ActionView, ...]
    categories: tuple[CategoryGroup, ...]
    overlap: tuple[OverlapEntry, ...]
    timeline: ChartView
    account_chart: ChartView
    changes: ChangesView | None
    codes: tuple[CodeApplied, ...]
    scope: ScopeView
    covered_entity: bool | None
    #: The subject's allowlist: what was set aside and why (HTML, near "since the last review").
    allowlist: tuple[AllowView, ...] = ()
    #: Fix-it steps and overlap entries past the HTML's limits (see reports/build.py).
    actions_hidden: int = 0
    overlap_hidden: int = 0
    #: The anchors of the findings the HTML shows: links to any other would lead nowhere.
    shown: frozenset[str] = frozenset()


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
    #: One section per practitioner, in subject order (HTML, PDF).
    sections: tuple[SubjectSection, ...] = ()
    #: The audit date shown to readers (the run's start, YYYY-MM-DD) (HTML).
    audit_date: str = ""
    #: footprint's version that wrote the run (HTML footer, SARIF).
    code_version: str = ""
    #: Whether any subject may be a HIPAA covered entity (unknown counts as may) (HTML).
    hipaa_applies: bool = True
    #: Every subject's allowlist entries (JSON `allowlist`).
    allowlist: tuple[AllowView, ...] = ()
