"""Analyzer test helpers: a fresh in-memory database per test and a row builder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from auditor.models import Account, Base, Content, Subject


class Rows:
    """Inserts Subject, Account and Content rows directly (the analyzer only reads them)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def subject(self, name: str = "Dana Whitfield", **kw: Any) -> Subject:
        subject = Subject(name=name, **kw)
        self.session.add(subject)
        self.session.flush()
        return subject

    def account(self, subject: Subject, *, platform: str = "twitter", native_id: str | None = "100",
                role: str = "professional", **kw: Any) -> Account:
        kw.setdefault("account_key", native_id or "subject")
        account = Account(subject_id=subject.id, platform=platform, native_id=native_id, role=role, **kw)
        self.session.add(account)
        self.session.flush()
        return account

    def content(self, account: Account, native_id: str, text: str, *, kind: str = "post", **kw: Any) -> Content:
        kw.setdefault("created_at", datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
        row = Content(account_id=account.id, platform=account.platform, native_id=native_id, kind=kind,
                      text=text, **kw)
        self.session.add(row)
        self.session.flush()
        return row


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def rows(session: Session) -> Rows:
    return Rows(session)
