"""Inferring whether an account is personal or professional, with the reason printed to the user.

Inference only runs when the user gave no `--role`; a role the user set is never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Licences and degrees that US mental-health clinicians put after their names. Word-bounded and
# case-sensitive for the acronyms, because "lpc" or "phd" in running text is rarer than in a bio.
CREDENTIALS = re.compile(
    r"\b(LPCC?|LPC-S|LCPC|LMHC|LCMHC|LCSW|LICSW|LISW|LMSW|LMFT|LPCC|MFT|NCC|PsyD|Psy\.D\.|"
    r"BCBA|CADC|LCADC|LADC|LSW|RPT|PMHNP)\b"
)
PROFESSION_WORDS = re.compile(
    r"\b(therapist|psychotherapist|counsel+or|psychologist|social worker|clinician|"
    r"psychiatrist|marriage and family therapist|family therapist|terapeuta|psic[oó]log[oa])\b",
    re.IGNORECASE,
)
PRACTICE_WORDS = re.compile(
    r"(therapy|counsel+ing|psychotherapy|psychological|wellness|mental health|behavioral health|"
    r"practice|clinic)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RoleGuess:
    role: str  # personal | professional | unknown
    reason: str


def infer_role(*, handle: str | None, display_name: str | None, bio: str | None,
               account_type: str | None, categories: tuple[str, ...] | list[str] = ()) -> RoleGuess:
    """Guess the role from what the export says about the account, strongest signal first."""
    if account_type and account_type.lower() in {"business", "creator", "professional", "page"}:
        cats = f" ({', '.join(categories)})" if categories else ""
        return RoleGuess("professional", f"the export marks it a {account_type.lower()} account{cats}")
    for label, value in (("display name", display_name), ("handle", handle)):
        if value and PRACTICE_WORDS.search(value):
            word = PRACTICE_WORDS.search(value).group(0)  # type: ignore[union-attr]
            return RoleGuess("professional", f"the {label} names a practice ('{word}')")
        if value and CREDENTIALS.search(value):
            return RoleGuess("professional", f"the {label} carries the credential '{CREDENTIALS.search(value).group(0)}'")  # type: ignore[union-attr]
    if bio:
        m = CREDENTIALS.search(bio)
        if m:
            return RoleGuess("professional", f"the bio lists the credential '{m.group(0)}'")
        m = PROFESSION_WORDS.search(bio)
        if m:
            return RoleGuess("professional", f"the bio names the profession ('{m.group(0)}')")
    return RoleGuess("unknown", "nothing in the export says whether it is personal or professional; "
                                "set it with --role")
