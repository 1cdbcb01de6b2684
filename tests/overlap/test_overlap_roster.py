"""The roster CSV: parsing, clear errors naming file and line (never the value), hashes only."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from auditor import roster
from auditor.errors import InputError

GOOD = """name,email,phone,handles,notes
Maria Gonzalez,maria@example.org,+1 (503) 555-0142,instagram:@maria.g88; x:mgonz
"Okonkwo, Chidi",,,@chidi_ok https://www.tiktok.com/@chidi.dances
Zofia Wren,,,,private note
"""


def test_parses_names_emails_phones_and_handles() -> None:
    r = roster.parse(GOOD, "r.csv")
    assert len(r) == 3
    assert [h.evidence for h in r.match("facebook", names=["María González"])] == [roster.BY_NAME]
    assert r.match("instagram", handles=["Maria.G88"])[0].evidence == roster.BY_HANDLE
    assert r.match("twitter", handles=["@mgonz"])[0].entry == 0
    assert r.match("instagram", handles=["mgonz"]) == []  # the x: handle is X's only
    assert r.match("reddit", handles=["chidi_ok"])[0].entry == 1  # a bare @handle: any platform
    assert r.match("tiktok", handles=["chidi.dances"])[0].entry == 1  # a profile URL
    assert r.match("facebook", names=["Chidi Okonkwo"])[0].entry == 1  # "Last, First"
    assert r.match("generic", emails=["MARIA@example.org"])[0].evidence == roster.BY_EMAIL
    assert r.match("generic", phones=["503.555.0142"])[0].evidence == roster.BY_PHONE
    assert r.match("instagram", handles=["zofiawren"])[0].evidence == roster.BY_HANDLE_NAME
    assert r.match("facebook", names=["Zofia Brown"]) == []


def test_holds_no_roster_text() -> None:
    r = roster.parse(GOOD, "r.csv")
    blob = pickle.dumps(r) + repr(r).encode()
    for secret in ("Maria", "maria", "Gonzalez", "gonzalez", "example.org", "555", "0142", "maria.g88",
                   "chidi", "Okonkwo", "Zofia", "wren", "private note"):
        assert secret.encode() not in blob, secret
    assert repr(r) == "Roster(3 entries)"


@pytest.mark.parametrize("text, line, what", [
    ("email,phone\nmaria@example.org,\n", 1, "no `name` column"),
    ("name,email\n,maria@example.org\n", 2, "`name` column is empty"),
    ("name,email\nMaria Gonzalez,not-an-address\n", 2, "not an e-mail address"),
    ("name,phone\nMaria Gonzalez,call me\n", 2, "not a phone number"),
    ("name,handles\nMaria Gonzalez,myspace:@maria\n", 2, "unknown platform"),
    ("name,handles\nMaria Gonzalez,instagram:@\n", 2, "no handle"),
    ('name\n"Maria\n', 2, "not valid CSV"),
])
def test_bad_rows_name_file_and_line_but_not_the_value(text: str, line: int, what: str) -> None:
    with pytest.raises(InputError) as err:
        roster.parse(text, "clients.csv")
    msg = str(err.value)
    assert msg.startswith("clients.csv: ")
    assert f"line {line}" in msg and what in msg
    for secret in ("maria@example.org", "not-an-address", "call me", "myspace"):
        assert secret not in msg
    assert err.value.exit_code == 3


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such roster file"):
        roster.load(tmp_path / "missing.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("name\nJos\xe9 Garc\xeda\n".encode("latin-1"))
    with pytest.raises(InputError, match="line 2: the roster is not UTF-8"):
        roster.load(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        roster.load(empty)
    ok = tmp_path / "ok.csv"
    ok.write_bytes(("\ufeff" + GOOD).encode("utf-8"))  # a BOM, as spreadsheet programs write
    assert len(roster.load(ok)) == 3


def test_blank_lines_and_extra_columns_are_ignored() -> None:
    r = roster.parse("Notes,NAME,Diagnosis\nx,Maria Gonzalez,y\n,,\n\n", "r.csv")
    assert len(r) == 1
