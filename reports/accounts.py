"""The subjects' accounts and the coverage of their exports, as the report shows them.

- `content` counts non-deleted items of the authored kinds (post, reply, comment, caption).
  `followers` counts non-deleted connections whose relation is follower, friend, connection or
  subscriber (the people who see the account's posts: a Facebook friend or a LinkedIn
  connection is both, and is counted once, here); `following` counts relation following.
  Blocked accounts count in neither.
- The date range is that of the same authored items.
- Coverage comes from each account's newest finished import (an older archive of the same
  account is superseded by it). Files are named `source: file`, the source being the archive's
  file name (never its folder) or the fetched URL. Read files go to `files_read`. Skipped files
  go to `files_skipped` with their reason; files no connector recognised go there with the
  reason prefixed `not recognised`; files read with a warning (a count that disagrees with the
  manifest) are in `files_read` *and* in `files_skipped` with the reason prefixed
  `read with a warning:`, because the contract has no other place to say that a read file's
  coverage may be incomplete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from auditor.models import Account, Connection, Content, Import
from auditor.records import AUTHORED_KINDS
from reports.dates import day
from reports.guidance import platform_label
from reports.redact import Redactor
from reports.view import AccountView, CoverageFile, CoverageView, SkippedFile

FOLLOWER_RELATIONS: tuple[str, ...] = ("follower", "friend", "connection", "subscriber")
FOLLOWING_RELATIONS: tuple[str, ...] = ("following",)

#: (subject, platform, account label): how findings and accounts are matched for counting.
AccountKey = tuple[str, str, str | None]


def account_label(account: Account) -> str | None:
    """How a report names an account: its handle, else its display name (Facebook has none)."""
    return account.handle or account.display_name or None


def account_views(
    session: Session,
    accounts: Sequence[Account],
    names: Mapping[int, str],
    finding_counts: Mapping[AccountKey, int],
) -> tuple[AccountView, ...]:
    """One view per account, with stored-row counts, the date range and its counted findings."""
    ids = [a.id for a in accounts]
    authored = (
        Content.account_id.in_(ids),
        Content.deleted_at.is_(None),
        Content.kind.in_(sorted(AUTHORED_KINDS)),
    )
    stats = {
        account_id: (count, first, last)
        for account_id, count, first, last in session.execute(
            select(
                Content.account_id,
                func.count(),
                func.min(Content.created_at),
                func.max(Content.created_at),
            )
            .where(*authored)
            .group_by(Content.account_id)
        )
    }
    followers: dict[int, int] = defaultdict(int)
    following: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Connection.account_id, Connection.relation, func.count())
        .where(Connection.account_id.in_(ids), Connection.deleted_at.is_(None))
        .group_by(Connection.account_id, Connection.relation)
    )
    for account_id, relation, count in rows:
        if relation in FOLLOWER_RELATIONS:
            followers[account_id] += count
        elif relation in FOLLOWING_RELATIONS:
            following[account_id] += count
    views = []
    for a in accounts:
        count, first, last = stats.get(a.id, (0, None, None))
        label = account_label(a)
        views.append(
            AccountView(
                subject=names[a.subject_id],
                platform=a.platform,
                handle=label,
                role=a.role,
                role_reason=a.role_reason,
                content=count,
                followers=followers[a.id],
                following=following[a.id],
                private=a.private,
                privacy=privacy(a.private),
                privacy_note=privacy_note(a.platform, a.private),
                first_item=day(first),
                last_item=day(last),
                findings=finding_counts.get((names[a.subject_id], a.platform, label), 0),
                platform_label=platform_label(a.platform),
            )
        )
    return tuple(views)


def privacy(private: bool | None) -> str:
    return "unknown" if private is None else ("private" if private else "public")


def privacy_note(platform: str, private: bool | None) -> str:
    """Why the privacy flag is unknown, and where to look instead."""
    if private is not None:
        return ""
    if platform == "twitter":
        return "X exports carry no current privacy flag; check the account's settings."
    return "The export does not say; check the account's settings."


def coverage(session: Session, account_ids: Sequence[int], redactor: Redactor) -> CoverageView:
    """Files read, skipped or not understood, and connections that name nobody."""
    read: dict[str, int | None] = {}
    skipped: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for imp in latest_imports(session, account_ids):
        source = source_label(imp.source_name)
        for entry in imp.coverage or []:
            if not isinstance(entry, dict):
                continue
            file = str(entry.get("file") or "")
            label = redactor.path(source if file in ("", source) else f"{source}: {file}")
            status = str(entry.get("status") or "")
            reason = redactor.text(str(entry.get("reason") or "").strip())
            count = entry.get("count")
            if status == "read":
                read[label] = count if isinstance(count, int) else None
            elif status == "warning":
                read[label] = count if isinstance(count, int) else None
                warnings[label] = "read with a warning: " + (reason or "no reason given")
            elif status == "unrecognized":
                skipped[label] = "not recognised" + (f": {reason}" if reason else "")
            else:
                skipped[label] = reason or status or "skipped"
    all_skipped = {**skipped, **warnings}
    unresolved = session.scalar(
        select(func.count())
        .select_from(Connection)
        .where(
            Connection.account_id.in_(account_ids),
            Connection.deleted_at.is_(None),
            Connection.native_id.is_not(None),
            Connection.native_id != "",
            or_(Connection.handle.is_(None), Connection.handle == ""),
            or_(Connection.name.is_(None), Connection.name == ""),
        )
    )
    return CoverageView(
        files_read=tuple(CoverageFile(f, read[f]) for f in sorted(read)),
        files_skipped=tuple(SkippedFile(f, all_skipped[f]) for f in sorted(all_skipped)),
        connections_unresolved=unresolved or 0,
    )


def latest_imports(session: Session, account_ids: Sequence[int]) -> list[Import]:
    """Each account's newest finished import: an older archive is superseded by a newer one."""
    rows = session.scalars(
        select(Import)
        .where(Import.account_id.in_(account_ids), Import.finished_at.is_not(None))
        .order_by(Import.account_id, Import.started_at.desc(), Import.id.desc())
    ).all()
    newest: dict[int, Import] = {}
    for imp in rows:
        newest.setdefault(imp.account_id, imp)
    return [newest[k] for k in sorted(newest)]


def source_label(source_name: str) -> str:
    """A fetched URL as is; an archive by its file name only (its folder is nobody's business)."""
    if "://" in source_name:
        return source_name
    return PurePath(source_name).name or source_name
