"""Who a report must mask: every third party the subjects' accounts know of.

Connections, interactions, mentioned and replied-to accounts come from the database; overlap
entries (and so roster matches, which are stored as overlap) are passed in, because a person
on both sides is a third party by definition even if no other row names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.models import Account, Connection, Content, Interaction, Subject
from reports.redact import Redactor
from reports.view import OverlapEntry


def third_party_redactor(
    session: Session,
    subjects: Sequence[Subject],
    accounts: Sequence[Account],
    overlap: Iterable[OverlapEntry] = (),
) -> Redactor:
    """A redactor for everyone the subjects' accounts know, except the subjects themselves.

    Deleted rows count too: a person gone from the newest export may still be named in an
    older excerpt.
    """
    ids = [a.id for a in accounts]
    handles: set[str] = set()
    names: set[str] = set()
    # (handle, name) of one person, so that naming them once masks their first name too.
    persons: set[tuple[str | None, str | None]] = set()
    for model in (Connection, Interaction):
        rows = session.execute(
            select(model.handle, model.name).where(model.account_id.in_(ids)).distinct()
        )
        for handle, name in rows:
            _add(handles, handle)
            _add_name(names, name)
            _add_person(persons, handle, name)
    people = session.execute(
        select(Content.mentions, Content.in_reply_to)
        .where(Content.account_id.in_(ids))
        .execution_options(yield_per=2000)
    )
    for mentions, in_reply_to in people:
        for person in [*(mentions or []), in_reply_to]:
            if isinstance(person, dict):
                _add(handles, person.get("handle"))
                _add_name(names, person.get("name"))
                _add_person(persons, person.get("handle"), person.get("name"))
    for entry in overlap:
        _add_name(names, entry.person)
        for m in entry.memberships:
            _add(handles, m.handle)
            _add_name(names, m.name)
            _add_person(persons, m.handle, m.name or entry.person)
    own: set[str] = {s.name for s in subjects}
    for account in accounts:
        _add(own, account.handle)
        _add_name(own, account.display_name)
    return Redactor(handles=sorted(handles), names=sorted(names), own=sorted(own),
                    people=sorted(persons, key=lambda p: (p[0] or "", p[1] or "")))


def _add(into: set[str], value: Any) -> None:
    if isinstance(value, str) and value.strip():
        into.add(value.strip())


def _add_person(into: set[tuple[str | None, str | None]], handle: Any, name: Any) -> None:
    if isinstance(name, str) and name.strip():
        # The plain form: "Pat Okonkwo" rather than "Pat Okonkwo <svg ...>".
        plain = list(name_forms(name))[-1]
        into.add((handle.strip() if isinstance(handle, str) and handle.strip() else None, plain))


def _add_name(into: set[str], value: Any) -> None:
    """A name as stored, and the plain name inside a decorated one."""
    if isinstance(value, str):
        for form in name_forms(value):
            into.add(form)


#: A word of a person's name: letters, with inner apostrophes, hyphens or a trailing period.
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*\.?")


def name_forms(name: str) -> Iterator[str]:
    """The stored display name, and its leading run of name words when more follows.

    Display names carry credentials, emoji and worse ("Leah Brandt, LCSW", "Pat Okonkwo 🌿"),
    while posts name the person plainly; masking only the whole stored string would let
    "Leah Brandt" through. The plain form needs two words, so "Cam 🌿" does not become "Cam"
    (the whole string is masked already; one word alone would mask every "Cam" in any text).
    """
    name = name.strip()
    if not name:
        return
    yield name
    words: list[str] = []
    rest = name
    while True:
        m = _NAME_WORD.match(rest)
        if not m:
            break
        words.append(m.group(0))
        rest = rest[m.end():]
        if not rest.startswith(" "):
            break
        rest = rest.lstrip(" ")
    plain = " ".join(words)
    if len(words) >= 2 and plain != name:
        yield plain
