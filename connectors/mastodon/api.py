"""Mastodon's public REST API → the same records the archive connector yields, so an archive and a
fetch of one account agree (`../shared/reference/export-formats.md` §5.2; shapes from the
Mastodon.py cassettes in `../shared/samples/mastodon/`).

Endpoints, read without signing in: `GET /api/v1/accounts/lookup?acct=`, then
`/api/v1/accounts/:id/statuses`, `/followers` and `/following`, each paged through the `Link`
header's `rel="next"` (never by computing `max_id`: for the lists it is a relationship id).

How the API maps onto the archive's keys:

- the account is keyed by its actor URI (`uri`; Mastodon before 4.2 lacks it, and a local
  account's URI is then `https://host/users/<username>`), its handle is `@user@host`;
- a status's native id is its `uri` (the archive's `Note` id); a boost (`reblog`) is kind
  "share" keyed by the wrapper's `uri` (the archive's `Announce` id) with the boosted status's
  `uri` as its url, exactly as the archive has it;
- `visibility` "private" is the archive's "followers"; a direct status is recorded as its
  participants only (InteractionRecord "message"), as the archive does without
  `--include-messages`;
- followers and following are keyed by `@user@domain` handle, the key of Mastodon's own CSV export
  (`csvexport`), so a CSV and a fetch of the same list upsert the same rows;
- `in_reply_to_id`: the parent's URI when the parent is one of the fetched statuses (a thread),
  else the parent's address on this server (`https://host/@acct/<id>`): the API gives no URI.

Without signing in the API shows public and unlisted statuses only (`public_only`), and nothing of
the network when the owner hides it (`hide_collections`): such lists are not claimed whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import InputError, UsageError
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentKind,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
    Record,
    Relation,
)
from connectors.base import parse_time
from connectors.mastodon.actor import handle_of
from connectors.mastodon.html import html_to_text, links_in
from connectors.web.http import (
    Fetched,
    HttpGet,
    absolute_url,
    check_status,
    json_body,
    origin,
    require_http_url,
)

PLATFORM = "mastodon"
STATUSES_PAGE = 40  # the API's maximum page sizes
ACCOUNTS_PAGE = 80
#: REST visibility → the archive's names (`outbox.visibility_of`).
VISIBILITY = {"public": "public", "unlisted": "unlisted", "private": "followers",
              "direct": "direct"}
_USER = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
_DOMAIN = r"[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?::\d+)?"
_PROFILE_PATH = re.compile(rf"^/(?:@(?P<user>{_USER})(?:@(?P<domain>{_DOMAIN}))?"
                           rf"|users/(?P<u2>{_USER}))"
                           r"(?:/(?:with_replies|media|followers|following)?)?/?$")
_ACCT = re.compile(rf"^@?(?P<user>{_USER})@(?P<domain>{_DOMAIN})$")


def parse_profile_url(target: str) -> tuple[str, str]:
    """(instance base URL, username) from `https://host/@user` (also `/@user@home.host`,
    `/users/user`, or the address `@user@host`). A remote account shown on another server is
    fetched from its home server, which holds all of its public statuses."""
    target = target.strip()
    m = _ACCT.match(target)
    if m and "/" not in target:
        return f"https://{m.group('domain').lower()}", m.group("user")
    url = require_http_url(target, what="PROFILE_URL")
    parts = urlsplit(url)
    pm = _PROFILE_PATH.match(parts.path)
    if not pm:
        raise UsageError(f"{target!r} is not a Mastodon profile address (https://host/@name)")
    user = pm.group("user") or pm.group("u2")
    if pm.group("domain"):
        return f"https://{pm.group('domain').lower()}", user
    return f"{parts.scheme}://{parts.netloc}", user


# -- parsing (pure) --------------------------------------------------------------------------------

def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: an untrusted server may send any type anywhere."""
    return value if isinstance(value, list) else []


def actor_uri(account: dict[str, Any], instance: str) -> str | None:
    """The account's ActivityPub id: `uri`, or the local-account default of older servers."""
    uri = absolute_url(instance, _str(account, "uri"))  # an id that is no URL is none
    username = _str(account, "username")
    if uri is None and username and "@" not in (_str(account, "acct") or ""):
        uri = f"{instance}/users/{username}"
    return uri


def account_record(account: dict[str, Any], instance: str) -> AccountRecord:
    """An API Account → the owner's AccountRecord, as `actor.account_from_actor` builds it."""
    uri = actor_uri(account, instance)
    links: list[str] = []
    for f in _list(account.get("fields")):
        if isinstance(f, dict):
            links.extend(links_in(_str(f, "value")))
    locked = account.get("locked")
    return AccountRecord(
        platform=PLATFORM,
        native_id=uri,
        handle=handle_of(uri, _str(account, "username")) if uri else None,
        display_name=_str(account, "display_name"),
        bio=html_to_text(_str(account, "note")) or None,
        website=links[0] if links else None,
        links=tuple(links),
        private=locked if isinstance(locked, bool) else None,
        created_at=parse_time(account.get("created_at")),
        url=_str(account, "url"),
    )


def full_acct(account: dict[str, Any], local_domain: str) -> str | None:
    """`@user@domain`: the API writes local accounts as bare `user`."""
    acct = _str(account, "acct") or _str(account, "username")
    if not acct:
        return None
    return f"@{acct}" if "@" in acct else f"@{acct}@{local_domain}"


def person_of(account: dict[str, Any], local_domain: str) -> Person:
    """Someone in a list or a mention, keyed by `@user@domain` (see the module docstring)."""
    return Person(handle=full_acct(account, local_domain), name=_str(account, "display_name"),
                  url=_str(account, "url"))


def connection_record(account: dict[str, Any], relation: Relation,
                      local_domain: str) -> ConnectionRecord:
    return ConnectionRecord(PLATFORM, relation, person_of(account, local_domain))


@dataclass
class StatusContext:
    """What every status needs: the owner, the server, the owner's statuses by local id."""

    owner_id: str
    owner_uri: str | None
    owner_handle: str | None
    instance: str
    local_domain: str
    uris: dict[str, str] = field(default_factory=dict)  # local id → uri, for thread parents
    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


def status_text(status: dict[str, Any]) -> str:
    """Content warning, body and poll options as one text (as `outbox.status_text`)."""
    poll = status.get("poll")
    if not isinstance(poll, dict):
        poll = {}
    options = [f"- {o['title']}" for o in _list(poll.get("options"))
               if isinstance(o, dict) and isinstance(o.get("title"), str)]
    # `spoiler_text` is plain text in the API (the archive's `summary` is its escaped HTML form).
    parts = [(_str(status, "spoiler_text") or "").strip(), html_to_text(_str(status, "content")),
             "\n".join(options)]
    return "\n\n".join(p for p in parts if p)


def _mentions(status: dict[str, Any], ctx: StatusContext) -> dict[str, Person]:
    """Mentions by local account id."""
    out: dict[str, Person] = {}
    for m in _list(status.get("mentions")):
        if isinstance(m, dict) and isinstance(m.get("id"), str):
            out[m["id"]] = Person(handle=full_acct(m, ctx.local_domain), url=_str(m, "url"))
    return out


def _web_path(handle: str, local_domain: str) -> str:
    """`@user` for a local account, `@user@domain` for a remote one: the server's web path."""
    user, _, domain = handle.lstrip("@").partition("@")
    return f"@{user}" if not domain or domain == local_domain else f"@{user}@{domain}"


def _parent(status: dict[str, Any], mentioned: dict[str, Person],
            ctx: StatusContext) -> tuple[str | None, Person | None]:
    """The parent's id (see the module docstring) and author of a reply."""
    parent_id = _str(status, "in_reply_to_id")
    if parent_id is None:
        return None, None
    author = _str(status, "in_reply_to_account_id")
    person: Person | None
    if author == ctx.owner_id:
        person = Person(native_id=ctx.owner_uri, handle=ctx.owner_handle)
    else:
        person = mentioned.get(author) if author else None
    if parent_id in ctx.uris:
        return ctx.uris[parent_id], person
    if person is not None and person.handle:
        return f"{ctx.instance}/{_web_path(person.handle, ctx.local_domain)}/{parent_id}", person
    return parent_id, person


def status_records(status: dict[str, Any], ctx: StatusContext) -> Iterator[Record]:
    """The records of one API Status (see the module docstring)."""
    native = _str(status, "uri")
    if native is None:
        ctx.bump("without uri")
        return
    visibility = VISIBILITY.get(_str(status, "visibility") or "", _str(status, "visibility"))
    created = parse_time(status.get("created_at"))
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        ctx.bump("share")
        yield ContentRecord(PLATFORM, "share", native, "", created_at=created,
                            url=_str(reblog, "uri"), visibility=visibility,
                            source_file="api/v1/accounts/:id/statuses")
        return
    mentioned = _mentions(status, ctx)
    if visibility == "direct":
        ctx.bump("direct")
        for person in mentioned.values():
            yield InteractionRecord(PLATFORM, "message", person, "out", item_id=native,
                                    created_at=created)
        return
    reply_to, reply_person = _parent(status, mentioned, ctx)
    kind: ContentKind = "reply" if reply_to else "post"
    ctx.bump(kind)
    yield ContentRecord(
        platform=PLATFORM, kind=kind, native_id=native, text=status_text(status),
        created_at=created, url=_str(status, "url"), in_reply_to_id=reply_to,
        in_reply_to=reply_person, visibility=visibility, mentions=tuple(mentioned.values()),
        source_file="api/v1/accounts/:id/statuses",
    )


def parse_account(account: dict[str, Any], statuses: list[dict[str, Any]],
                  followers: list[dict[str, Any]] | None, following: list[dict[str, Any]] | None,
                  *, instance: str, complete: frozenset[str] = frozenset(),
                  partial: bool = False) -> list[Record]:
    """Everything fetched for one account → records, owner first.

    `followers`/`following` are None when they were not fetched (a hidden network); `complete`
    names the lists read to their end ("statuses", "follower", "following").
    """
    owner = account_record(account, instance)
    # native_id passed absolute_url (or is built from the instance): urlsplit cannot fail here
    local_domain = urlsplit(owner.native_id or instance).netloc or urlsplit(instance).netloc
    ctx = StatusContext(owner_id=str(account.get("id")), owner_uri=owner.native_id,
                        owner_handle=owner.handle, instance=instance, local_domain=local_domain)
    for s in statuses:
        if isinstance(s.get("id"), str) and isinstance(s.get("uri"), str):
            ctx.uris[s["id"]] = s["uri"]
    datasets: set[str] = set()
    if "statuses" in complete:
        datasets |= {"post", "reply", "share"}
    datasets |= {r for r in ("follower", "following") if r in complete}
    records: list[Record] = [owner, ExportRecord(partial=partial, datasets=frozenset(datasets))]
    seen: set[str] = set()
    for s in statuses:
        for rec in status_records(s, ctx):
            key = rec.native_id if isinstance(rec, ContentRecord) else None
            if key is not None and key in seen:
                continue  # a status repeated across pages
            if key is not None:
                seen.add(key)
            records.append(rec)
    lists: tuple[tuple[Relation, list[dict[str, Any]] | None], ...] = (
        ("follower", followers), ("following", following))
    for relation, people in lists:
        for p in people or []:
            records.append(connection_record(p, relation, local_domain))
    kinds = ("post", "reply", "share", "direct")
    notes = [f"{ctx.counts[k]} {k}" for k in kinds if ctx.counts.get(k)]
    read = sum(ctx.counts.get(k, 0) for k in kinds[:3])
    records.append(CoverageRecord("api/v1/accounts/:id/statuses", "read", "; ".join(notes),
                                  count=read))
    for path, people in (("followers", followers), ("following", following)):
        if people is not None:
            records.append(CoverageRecord(f"api/v1/accounts/:id/{path}", "read",
                                          count=len(people)))
    return records


# -- fetching --------------------------------------------------------------------------------------

@dataclass
class _Counter:
    progress: Callable[[int], None] | None
    total: int = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.progress:
            self.progress(self.total)


def _paginate(http: HttpGet, url: str, page_size: int, *, limit: int | None, what: str,
              counter: _Counter) -> tuple[list[dict[str, Any]], str]:
    """(items, how it ended): follow `Link: <…>; rel="next"` to an empty page or no next link
    ("end"), or to `limit` items ("limit"). A next link to another server, or one seen before,
    ends the walk without claiming the list whole ("stopped")."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    params: dict[str, Any] | None = {"limit": min(page_size, limit) if limit else page_size}
    visited: set[str] = set()
    while next_url:
        if next_url in visited:
            return items, "stopped"
        visited.add(next_url)
        resp = http.get(next_url, params=params)
        check_status(resp, what)
        page = json_body(resp, what)
        if not isinstance(page, list):
            raise InputError(f"{urlsplit(url).netloc} answered {what} with no list")
        if not page:
            return items, "end"
        taken = [p for p in page if isinstance(p, dict)]
        link = resp.links.get("next", {}).get("url")
        if limit is not None and len(items) + len(taken) >= limit:
            room = limit - len(items)
            items.extend(taken[:room])
            counter.add(room)
            # Exactly at the limit with a next link: more may follow; do not claim the list whole.
            return items, "limit" if len(taken) > room or link else "end"
        items.extend(taken)
        counter.add(len(taken))
        if not link:
            return items, "end"
        next_url = absolute_url(str(resp.url), link)
        if next_url is None or origin(next_url) != origin(url):
            return items, "stopped"  # a next link that is no URL, or to another server
        params = None  # the next link carries its own query
    return items, "end"


def fetch_account(http: HttpGet, target: str, *, limit: int | None = None,
                  progress: Callable[[int], None] | None = None) -> Fetched:
    """Look the account up, then read its statuses, followers and following."""
    instance, username = parse_profile_url(target)
    host = urlsplit(instance).netloc
    resp = http.get(f"{instance}/api/v1/accounts/lookup", params={"acct": username})
    if resp.status_code == 404:
        raise InputError(f"there is no Mastodon account @{username} on {host} (HTTP 404)")
    check_status(resp, f"the account @{username}")
    account = json_body(resp, "the account lookup")
    if not isinstance(account, dict) or not isinstance(account.get("id"), str):
        raise InputError(f"{host} did not answer the account lookup like a Mastodon server")
    base = f"{instance}/api/v1/accounts/{account['id']}"
    counter = _Counter(progress)
    complete: set[str] = set()
    endings: list[str] = []
    statuses, how = _paginate(http, f"{base}/statuses", STATUSES_PAGE, limit=limit,
                              what="the statuses", counter=counter)
    endings.append(how)
    if how == "end":
        complete.add("statuses")
    notes = [("followers-only and direct posts are not public: the account archive has them "
              "(`footprint ingest archive-….tar.gz`)")]
    lists: dict[str, list[dict[str, Any]] | None] = {"follower": None, "following": None}
    if account.get("hide_collections") is True:
        notes.append("the account hides its followers and following; they were not read")
    else:
        for relation, path in (("follower", "followers"), ("following", "following")):
            people, how = _paginate(http, f"{base}/{path}", ACCOUNTS_PAGE, limit=limit,
                                    what=f"the {path}", counter=counter)
            endings.append(how)
            lists[relation] = people
            declared = account.get(f"{path}_count")
            if not people and isinstance(declared, int) and declared > 0:
                notes.append(f"the server listed no {path} although the account has {declared}: "
                             "the list is probably hidden")
            elif how == "end":
                complete.add(relation)
    partial = "limit" in endings
    records = parse_account(account, statuses, lists["follower"], lists["following"],
                            instance=instance, complete=frozenset(complete), partial=partial)
    moved = account.get("moved")
    if isinstance(moved, dict) and isinstance(moved.get("url"), str):
        notes.append(f"the account has moved to {moved['url']}")
    for n in notes[1:]:
        records.append(CoverageRecord(f"{instance}/@{username}", "warning", n))
    label = f"{instance}/@{username}"
    return Fetched(label=label, records=records, partial=partial, public_only=True, notes=notes)
