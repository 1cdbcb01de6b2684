"""Ethics-code citation data: which codes apply to a subject, and what a rule's refs cite.

Each `*.toml` file beside this module describes one code: its `code` label as reports print it
("ACA 2014"), a short `key` that rule packs use in refs ("ACA:B.1.c"), `kind` ("ethics" for a
profession's code, "law" for HIPAA), the `professions` it binds, and `[sections]` (id → title).
A new code is one more data file; nothing here lists them by hand.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from auditor.errors import RulePackError, UsageError
from auditor.findings import Citation

CODES_DIR = Path(__file__).resolve().parent

#: The profession values of `footprint subject --profession`.
PROFESSIONS: tuple[str, ...] = ("counselor", "psychologist", "social-worker", "mft", "other")


@dataclass(frozen=True, slots=True)
class Code:
    """One ethics code or law, as its data file describes it."""

    code: str
    key: str
    name: str
    kind: str  # "ethics" | "law"
    professions: tuple[str, ...]
    sections: dict[str, str] = field(hash=False)
    #: Per section: V (confirmed), S (secondary source only), M (not re-confirmed). See the data.
    verification: dict[str, str] = field(hash=False, default_factory=dict)


@cache
def all_codes() -> tuple[Code, ...]:
    """Every code with a data file: profession codes by key, then laws by key."""
    found: list[Code] = []
    for path in sorted(CODES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        found.append(
            Code(
                code=data["code"],
                key=data["key"],
                name=data.get("name", data["code"]),
                kind=data.get("kind", "ethics"),
                professions=tuple(data.get("professions", ())),
                sections=dict(data.get("sections", {})),
                verification=dict(data.get("verification", {})),
            )
        )
    keys = [c.key for c in found]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"two code files share a key: {sorted(keys)}")
    # Law after ethics: a report lists the profession's own code first.
    return tuple(sorted(found, key=lambda c: (c.kind != "ethics", c.key)))


@cache
def _by_key() -> dict[str, Code]:
    return {c.key: c for c in all_codes()}


def codes_for(profession: str | None, covered_entity: bool | None) -> list[str]:
    """The code labels that apply to a subject.

    A profession selects its own code; no profession (or "other") selects every profession
    code, because we cannot tell which one binds. HIPAA applies unless the subject is known
    not to be a covered entity (`covered_entity is False`).
    """
    if profession is not None and profession not in PROFESSIONS:
        raise UsageError(f"unknown profession {profession!r}; known: {', '.join(PROFESSIONS)}")
    labels: list[str] = []
    for code in all_codes():
        if code.kind == "law":
            if covered_entity is not False:
                labels.append(code.code)
        elif profession in (None, "other") or profession in code.professions:
            labels.append(code.code)
    return labels


def split_ref(ref: str) -> tuple[str, str]:
    """ "ACA:B.1.c" → ("ACA", "B.1.c"); a ref without a colon is a ValueError."""
    key, sep, section = ref.partition(":")
    if not sep or not key or not section:
        raise ValueError(f"citation {ref!r} is not KEY:SECTION (e.g. 'ACA:B.1.c')")
    return key.strip(), section.strip()


def check_ref(ref: str) -> None:
    """Raise ValueError with a helpful message if `ref` names no known code section."""
    key, section = split_ref(ref)
    code = _by_key().get(key)
    if code is None:
        raise ValueError(f"citation {ref!r}: unknown code {key!r} (known: {', '.join(_by_key())})")
    if section not in code.sections:
        raise ValueError(f"citation {ref!r}: {code.code} has no section {section!r} in auditor/codes")


def resolve(refs: Iterable[str], codes: list[str]) -> tuple[Citation, ...]:
    """The citations of `refs` that belong to `codes`, in the order of `codes`, then of `refs`.

    Refs are validated when a rule pack loads, so an unknown ref here is a programming error
    in a code detector; it is still reported as a RulePackError naming the ref.
    """
    wanted = {label: i for i, label in enumerate(codes)}
    picked: list[tuple[int, int, Citation]] = []
    seen: set[tuple[str, str]] = set()
    for pos, ref in enumerate(refs):
        try:
            check_ref(ref)
        except ValueError as exc:
            raise RulePackError(str(exc)) from None
        key, section = split_ref(ref)
        code = _by_key()[key]
        if code.code not in wanted or (code.code, section) in seen:
            continue
        seen.add((code.code, section))
        picked.append((wanted[code.code], pos, Citation(code.code, section, code.sections[section])))
    return tuple(c for _, _, c in sorted(picked, key=lambda t: (t[0], t[1])))


def all_code_labels() -> list[str]:
    """Every code label, for callers that cite everything (no subject)."""
    return [c.code for c in all_codes()]


def codes_version() -> str:
    """A short digest of the code data, for audit runs (citations change when the data does)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(CODES_DIR.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
