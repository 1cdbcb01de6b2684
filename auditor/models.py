"""The database schema: SQLAlchemy 2.0 typed models.

Writers: `auditor.ingest` owns subjects' source data (accounts, imports, content, media,
connections, interactions); `auditor.analyzer` owns audit runs and findings; `auditor.triage`
owns decisions. Natural keys make a re-ingest a no-op and a newer export an update.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from auditor.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and gives them back aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        # Called for every date of every row read (an audit reads millions): UTC is imported
        # once, at the top, not on each call.
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Subject(Base):
    """A practitioner whose footprint is audited."""

    __tablename__ = "subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    profession: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str | None] = mapped_column(String(8))
    covered_entity: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accounts: Mapped[list[Account]] = relationship(back_populates="subject", cascade="all, delete-orphan")


class Account(Base):
    """One account of a subject on one platform (the owner of an export)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("subject_id", "platform", "account_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    #: The natural key: the native id where the platform has one, else "subject" (one per subject).
    account_key: Mapped[str] = mapped_column(String(300))
    native_id: Mapped[str | None] = mapped_column(String(300))
    handle: Mapped[str | None] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(default=list)
    url: Mapped[str | None] = mapped_column(Text)
    private: Mapped[bool | None]
    account_type: Mapped[str | None] = mapped_column(String(40))
    categories: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime | None]
    role: Mapped[str] = mapped_column(String(20), default="unknown")
    role_reason: Mapped[str] = mapped_column(Text, default="")
    #: "user" when set with --role or `account set-role`, "inferred" otherwise.
    role_source: Mapped[str] = mapped_column(String(20), default="inferred")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[Subject] = relationship(back_populates="accounts")


class Import(Base):
    """One ingest of one source into one account."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connector: Mapped[str] = mapped_column(String(40))
    source_name: Mapped[str] = mapped_column(Text)
    source_digest: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    generated_at: Mapped[datetime | None]
    partial: Mapped[bool] = mapped_column(default=False)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    coverage: Mapped[list[Any]] = mapped_column(default=list)


class _SourceRow:
    """Columns shared by rows that an export can later drop (deleted_at marks them gone)."""

    first_import_id: Mapped[int | None] = mapped_column(Integer)
    last_import_id: Mapped[int | None] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None]


class Content(_SourceRow, Base):
    """An item the account authored: post, reply, comment, caption, share, message, bio."""

    __tablename__ = "content"
    __table_args__ = (
        UniqueConstraint("account_id", "native_id"),
        Index("ix_content_account_kind", "account_id", "kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(40))
    native_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime | None]
    url: Mapped[str | None] = mapped_column(Text)
    in_reply_to_id: Mapped[str | None] = mapped_column(String(300))
    in_reply_to: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    visibility: Mapped[str | None] = mapped_column(String(20))
    mentions: Mapped[list[Any]] = mapped_column(default=list)
    place: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    source_file: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(Text)


class Media(_SourceRow, Base):
    __tablename__ = "media"
    __table_args__ = (UniqueConstraint("account_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint's begins with it (migration 0004).
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    content_id: Mapped[str | None] = mapped_column(String(300))
    taken_at: Mapped[datetime | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Connection(_SourceRow, Base):
    """A person in a connection list of an account (follower, following, friend, ...)."""

    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("account_id", "relation", "person_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    relation: Mapped[str] = mapped_column(String(20))
    person_key: Mapped[str] = mapped_column(String(400))
    native_id: Mapped[str | None] = mapped_column(String(300))
    handle: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None]


class Interaction(_SourceRow, Base):
    """An interaction between the account and another person (like, mention, reply, message...)."""

    __tablename__ = "interactions"
    __table_args__ = (UniqueConstraint("account_id", "kind", "direction", "person_key", "item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint's begins with it (migration 0004).
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(4))
    person_key: Mapped[str] = mapped_column(String(400))
    native_id: Mapped[str | None] = mapped_column(String(300))
    handle: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(Text)
    item_key: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime | None]


class AuditRun(Base):
    __tablename__ = "audit_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    rules_version: Mapped[str] = mapped_column(String(80))
    code_version: Mapped[str] = mapped_column(String(40))
    #: Subjects audited (ids), rule files, thresholds; never the roster's contents.
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("run_id", "fingerprint"),
        Index("ix_findings_fingerprint", "fingerprint"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(30))
    rule_id: Mapped[str] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    item_type: Mapped[str] = mapped_column(String(20))
    platform: Mapped[str] = mapped_column(String(40))
    native_id: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    item_created_at: Mapped[datetime | None]
    message: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    spans: Mapped[list[Any]] = mapped_column(default=list)
    explanation: Mapped[list[Any]] = mapped_column(default=list)
    citations: Mapped[list[Any]] = mapped_column(default=list)
    remediation: Mapped[str] = mapped_column(Text, default="")
    change: Mapped[str] = mapped_column(String(12), default="new")
    status: Mapped[str] = mapped_column(String(20), default="open")


class Decision(Base):
    """A triage decision on a fingerprint; the newest per fingerprint and subject is in force."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class OverlapRow(Base):
    """One overlap entry of an audit run (DESIGN: JSON `overlap`), written by `auditor.overlap`.

    It names people as the subject's own data names them; a roster match is only the flag and
    the kind of evidence in `explanation`, never the roster's text.
    """

    __tablename__ = "overlaps"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    #: Order within the run and subject: roster matches, then by tier and confidence.
    position: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[str] = mapped_column(Text)
    tier: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    roster_match: Mapped[bool] = mapped_column(default=False)
    #: [{platform, handle, name, native_id, account, account_role, relation}]
    memberships: Mapped[list[Any]] = mapped_column(default=list)
    explanation: Mapped[list[Any]] = mapped_column(default=list)
    #: The fingerprints of the findings raised for this person (one per personal-side membership).
    fingerprints: Mapped[list[Any]] = mapped_column(default=list)
    remediation: Mapped[str] = mapped_column(Text, default="")


class AllowEntry(Base):
    """A phrase or account a clinician reviewed once: findings matching it are suppressed."""

    __tablename__ = "allowlist"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # phrase | account
    value: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportFile(Base):
    """A report file footprint wrote, so `purge --reports` can remove it."""

    __tablename__ = "report_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(10))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
