"""Corrections a clinician makes once and the next audits keep: account roles and the allowlist.

An allowlist entry is a phrase or an account the clinician has reviewed ("the 'client' in our
newsletter means a software client"); findings it matches are suppressed at audit time and the
entry, with its note, is listed in the report, so a reader sees what was set aside and why.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.errors import UsageError
from auditor.findings import Finding
from auditor.models import Account, AllowEntry

ALLOW_KINDS = ("phrase", "account")


def find_accounts(session: Session, subject_id: int, handle: str, platform: str | None) -> list[Account]:
    """The subject's accounts with this handle (and platform, when given)."""
    q = select(Account).where(Account.subject_id == subject_id)
    if platform:
        q = q.where(Account.platform == platform)
    want = handle.lstrip("@").casefold()
    return [a for a in session.scalars(q) if (a.handle or "").casefold() == want
            or (a.native_id or "") == handle]


def set_role(session: Session, subject_id: int, handle: str, role: str, platform: str | None) -> Account:
    """Fix an inferred role; a role the user sets is never overwritten by a later ingest."""
    if role not in ("personal", "professional"):
        raise UsageError(f"unknown role {role!r}; choose personal or professional")
    found = find_accounts(session, subject_id, handle, platform)
    if not found:
        raise UsageError(f"no account {handle!r} for this subject (see `footprint account list`)")
    if len(found) > 1:
        raise UsageError(f"several accounts are named {handle!r}; choose one with --platform")
    acc = found[0]
    acc.role, acc.role_source, acc.role_reason = role, "user", "set with `footprint account set-role`"
    return acc


def allow(session: Session, subject_id: int, kind: str, value: str, note: str, who: str) -> AllowEntry:
    if kind not in ALLOW_KINDS:
        raise UsageError(f"unknown allowlist kind {kind!r}; choose phrase or account")
    if not value.strip():
        raise UsageError("an allowlist entry needs a phrase or an account")
    if not note.strip():
        raise UsageError("an allowlist entry needs a note (--note) saying why it was reviewed")
    entry = AllowEntry(subject_id=subject_id, kind=kind, value=value.strip(), note=note, added_by=who)
    session.add(entry)
    session.flush()
    return entry


def allow_entries(session: Session, subject_id: int) -> list[AllowEntry]:
    return list(session.scalars(select(AllowEntry).where(AllowEntry.subject_id == subject_id)
                                .order_by(AllowEntry.id)))


class Allowlist:
    """Matches findings against a subject's allowlist entries."""

    def __init__(self, entries: list[AllowEntry], handles: dict[int, str | None]) -> None:
        self.ids = [e.id for e in entries]
        self._phrases = [(e.id, re.compile(re.escape(e.value), re.IGNORECASE)) for e in entries
                         if e.kind == "phrase"]
        self._accounts: dict[str, list[int]] = {}
        for e in entries:
            if e.kind == "account":
                self._accounts.setdefault(e.value.lstrip("@").casefold(), []).append(e.id)
        self._handles = handles  # account id -> handle

    def matching(self, f: Finding) -> list[int]:
        """The ids of the entries that match the finding (none: the finding stays)."""
        hits = [eid for eid, p in self._phrases if p.search(f.excerpt)]
        if self._accounts:
            handle = (self._handles.get(f.account_id or -1) or "").casefold()
            # A person named in the evidence (an overlap or a mention) is allowed as an account too.
            named = {m.casefold() for m in re.findall(r"@([\w.]+)", f.excerpt)} | ({handle} if handle else set())
            hits += [eid for h in sorted(named & self._accounts.keys()) for eid in self._accounts[h]]
        return sorted(set(hits))

    def suppresses(self, f: Finding) -> bool:
        return bool(self.matching(f))
