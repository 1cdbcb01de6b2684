"""The owner of a LinkedIn export: `Profile.csv`, and the profile URL found in other files.

LinkedIn gives no account id. The account is keyed on the handle of the owner's profile URL
(`https://www.linkedin.com/in/<handle>`) when the export reveals it: `Profile.csv` has no URL
column, but an outgoing invitation (`Invitations.csv` `inviterProfileUrl`) or a message the owner
sent (`messages.csv` `SENDER PROFILE URL`) carries it. Without one the account's native id is None
and ingest keys it on platform and subject (DESIGN.md, Storage). A vanity URL can be changed by
the member, so the key is as stable as the member keeps it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote

from auditor.records import AccountRecord
from auditor.sources import Source
from connectors.linkedin.csvfile import Tally, iter_rows

PLATFORM = "linkedin"

_PROFILE_URL = re.compile(r"^https?://(?:[\w-]+\.)?linkedin\.com/in/(?P<handle>[^/?#\s]+)/?", re.I)
#: "LinkedIn Member" is the placeholder for members who hide their name.
HIDDEN_NAME = "linkedin member"


def profile_handle(url: str | None) -> str | None:
    """`https://www.linkedin.com/in/jane-doe-4a5b/` → "jane-doe-4a5b" (None for other URLs)."""
    if not url:
        return None
    m = _PROFILE_URL.match(url.strip())
    return unquote(m.group("handle")) if m else None


def canonical_url(handle: str) -> str:
    return f"https://www.linkedin.com/in/{handle}"


def full_name(first: str, last: str) -> str | None:
    """"First Last", or None when empty or LinkedIn's "LinkedIn Member" placeholder."""
    name = " ".join(f"{first} {last}".split())
    return None if not name or name.casefold() == HIDDEN_NAME else name


@dataclass(frozen=True, slots=True)
class Owner:
    """Who the export belongs to, as far as the files tell."""

    name: str | None = None
    url: str | None = None

    @property
    def handle(self) -> str | None:
        return profile_handle(self.url)


def read_profile(source: Source, name: str) -> dict[str, str]:
    """The one data row of `Profile.csv` by folded column name ({} when it has none)."""
    tally = Tally()
    for row in iter_rows(source, name, tally, header_has="First Name"):
        return {k: v.strip() for k, v in row.values.items()}
    return {}


def _bracket_list(value: str) -> list[str]:
    """`[PERSONAL:https://a.example,COMPANY:https://b.example]` → the URLs, labels dropped."""
    inner = value.strip().strip("[]")
    out = []
    for part in inner.split(","):
        part = re.sub(r"^[A-Z_]+:", "", part.strip())
        if part:
            out.append(part)
    return out


def account_record(profile: dict[str, str], owner: Owner) -> AccountRecord:
    """The owner's `AccountRecord`: name, headline (+ summary) as bio, location, websites, industry.

    Address, zip code, birth date and instant-messenger ids are private and are not kept.
    """
    handle = owner.handle
    websites = _bracket_list(profile.get("websites", ""))
    twitter = [f"https://x.com/{h.lstrip('@')}"
               for h in _bracket_list(profile.get("twitter handles", ""))]
    headline, summary = profile.get("headline", ""), profile.get("summary", "")
    bio = "\n\n".join(p for p in (headline, summary) if p) or None
    industry = profile.get("industry", "")
    return AccountRecord(
        platform=PLATFORM,
        native_id=handle,
        handle=handle,
        display_name=owner.name,
        bio=bio,
        website=websites[0] if websites else None,
        location=profile.get("geo location") or None,
        links=tuple(websites + twitter),
        categories=(industry,) if industry else (),
        url=canonical_url(handle) if handle else None,
    )


def find_owner(source: Source, profile: dict[str, str], invitations: str | None,
               messages: str | None) -> Owner:
    """The owner's name (Profile.csv, else an outgoing invitation, else the most frequent message
    participant) and profile URL (an outgoing invitation, else a message the owner sent)."""
    name = full_name(profile.get("first name", ""), profile.get("last name", ""))
    url: str | None = None
    if invitations:
        tally = Tally()
        for row in iter_rows(source, invitations, tally, header_has="Direction"):
            if row.get("Direction").upper() == "OUTGOING":
                name = name or full_name(row.get("From"), "")
                candidate = row.get("inviterProfileUrl")
                if profile_handle(candidate):
                    url = candidate
                    break
    if messages and (name is None or url is None):
        name, url = _owner_from_messages(source, messages, name, url)
    return Owner(name=name, url=url)


def _owner_from_messages(source: Source, messages: str, name: str | None,
                         url: str | None) -> tuple[str | None, str | None]:
    """One streaming pass over messages.csv: the owner takes part in every row, so without a
    name the most frequent participant (strictly more than any other) is the owner."""
    rows_by_name: Counter[str] = Counter()
    sent_urls: dict[str, str] = {}
    tally = Tally()
    for row in iter_rows(source, messages, tally, header_has="CONVERSATION ID"):
        sender = full_name(row.get("FROM"), "")
        recipients = split_recipients(row.get("TO"), row.get("RECIPIENT PROFILE URLS"))
        people = {n for n in [sender, *(n for n, _ in recipients)] if n is not None}
        for person in people:
            rows_by_name[person] += 1
        sender_url = row.get("SENDER PROFILE URL")
        if sender and profile_handle(sender_url):
            sent_urls.setdefault(sender, sender_url)
        if name and sender == name and url is None and profile_handle(sender_url):
            return name, sender_url
    if name is None:
        top = rows_by_name.most_common(2)
        if top and (len(top) == 1 or top[0][1] > top[1][1]):
            name = top[0][0]
    if url is None and name is not None:
        url = sent_urls.get(name)
    return name, url


def split_recipients(names: str, urls: str) -> list[tuple[str | None, str | None]]:
    """messages.csv `TO` and `RECIPIENT PROFILE URLS` → (name, url) pairs.

    Several recipients (a group conversation) have their URLs separated by commas; the names are
    paired with them only when `TO` splits into as many comma-separated names [unverified layout].
    """
    url_list = [u for u in re.split(r"[,\s]+", urls or "") if u.lower().startswith("http")]
    if len(url_list) <= 1:
        name = full_name(names, "")
        if name is None and not url_list:
            return []
        return [(name, url_list[0] if url_list else None)]
    name_list = [n.strip() for n in names.split(",")]
    if len(name_list) != len(url_list):
        return [(None, u) for u in url_list]
    return [(full_name(n, ""), u) for n, u in zip(name_list, url_list, strict=True)]
