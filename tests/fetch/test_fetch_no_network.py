"""Only `fetch` touches the network: ingest, audit and report run with sockets disabled."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from auditor import api
from auditor.errors import NetworkError
from auditor.fetch import fetch_records, make_client
from tests.fetch.fakes import FakeClock
from tests.helpers import FIXTURES


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to resolve a name or open a connection fails the test (and is recorded)."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkUsed(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_ingest_audit_and_report_work_with_no_network(no_sockets: list[Any], tmp_path: Path) -> None:
    db = str(tmp_path / "offline.db")
    archives = FIXTURES / "archives"
    results = api.ingest(db, [archives / "mastodon" / "archive-2024", archives / "bluesky" / "repo-v3.car"],
                         subject="Dana Whitlow")
    assert len(results) == 2
    summary = api.audit(db)
    fmt, text = api.report(db, fmt="json", out=tmp_path / "report.json")
    assert fmt == "json" and text.startswith("{")
    api.report(db, out=tmp_path / "report.html")
    assert summary.run_id and not no_sockets


def test_the_guard_does_catch_a_fetch(no_sockets: list[Any]) -> None:
    """The guard is real: a fetch under it fails (as a network error, after its retries)."""
    with make_client(timeout=1) as client, pytest.raises((NetworkUsed, NetworkError)):
        fetch_records("feed", "https://blog.example/feed.xml", client=client, clock=FakeClock())
    assert no_sockets
