"""Does a profile line name a mental-health profession, credential or practice?

Used by the role adjustment (a personal account that names the profession is attributable to the
professional role) and by the account-boundary detector. Precision matters more than recall:
"physical therapist", "camp counselor" and "legal counsel" are not this profession.
"""

from __future__ import annotations

import re

# Licence and credential abbreviations of US mental-health professions. Case-sensitive on purpose:
# "lpc" or "ncc" in lower case inside a handle or a word is noise, the capitalised form is a claim.
_CREDENTIALS = (
    r"LMFTA?|AMFT|MFT|LPCC?|LPCA|LPC-?S|LCPC|LMHC|LCMHC|LMHCA?|LPCI|NCC|LCSW|LICSW|LMSW|LISW|"
    r"LCSW-?C|ACSW|LCADC|LADC|CADC|PsyD|Psy\.D\.?"
)
# Role words. "therapist" alone is ambiguous (massage, physical, speech...): those are excluded below.
_ROLE_WORDS = (
    r"psycho-?therapist|therapist|psychologist|counsell?or|social worker|clinical social work(?:er)?|"
    r"marriage (?:and|&) family therapist|family therapist|mental health (?:counsell?or|clinician|professional)|"
    r"psychiatrist|clinician|licensed (?:professional|clinical|marriage|mental health)\b[\w ]{0,30}"
)
_PRACTICE = r"[A-Z][\w'&.-]*(?: [A-Z][\w'&.-]*){0,3} (?:Counseling|Counselling|Psychotherapy|Therapy|Psychology)(?: (?:Services|Group|Center|Centre|Practice|Associates|LLC|PLLC))?"

PROFESSION_RE = re.compile(
    rf"(?<![\w.])(?:{_CREDENTIALS})(?![\w])"
    rf"|(?i:\b(?:{_ROLE_WORDS})s?\b)"
    rf"|\b{_PRACTICE}\b"
    r"|(?i:\bprivate practice\b|\btherapy practice\b)"
)
# Phrases in which the role word is not this profession.
_NOT_THIS_PROFESSION = re.compile(
    r"(?i:\b(?:massage|physical|occupational|speech|respiratory|sports|music|art|dance|hair|beauty|"
    r"retail|manual|cold|heat|light|radiation|gene|financial|credit|debt|camp|guidance|school|admissions|"
    r"career|legal|wine|beer|sleep|pt|ot|slp)\s+(?:therap(?:ist|y)|counsell?or|clinician)s?\b)"
    r"|(?i:\b(?:not a|no longer a|retired|former|ex-?)\s+(?:therapist|counsell?or|psychologist|social worker)\b)"
    r"|(?i:\bmy (?:therapist|counsell?or|psychologist|psychiatrist|social worker)\b)"
)


def profession_term(*texts: str | None) -> str | None:
    """The first text span that names the profession, or None.

    A role word inside an excluded phrase ("physical therapist", "my therapist") does not count,
    but a credential elsewhere in the same text still does.
    """
    for text in texts:
        if not text:
            continue
        excluded = [m.span() for m in _NOT_THIS_PROFESSION.finditer(text)]
        for match in PROFESSION_RE.finditer(text):
            start, end = match.span()
            if any(s <= start and end <= e or (s < end and start < e) for s, e in excluded):
                continue
            return match.group(0).strip()
    return None


def handle_words(handle: str | None) -> str:
    """A handle split into words for `profession_term` ("dana_lmft" → "dana LMFT")."""
    if not handle:
        return ""
    parts = re.split(r"[_.\-\s]+", handle.lstrip("@"))
    # Credentials in handles are usually lower case; upper-case each part so the case-sensitive
    # credential pattern can see them, and leave role words to the case-insensitive branch.
    return " ".join(p.upper() if p.isalpha() and len(p) <= 6 else p for p in parts if p)
