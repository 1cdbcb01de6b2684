"""Identity resolution: who, among the people in a subject's connection lists and interactions,
is the same person on a personal and a professional account.

Three steps, none of which compares all pairs:

1. **People per platform.** Every connection and interaction row is a `Sighting`. Rows of one
   platform that share a native id, a handle or a profile URL are one `Node` (union-find over
   those keys): an X follower known by id only picks up the handle and name of a mention or a
   reply with the same id, and a DM participant id meets the follower with that id. A node
   seen on a personal and on a professional account of the same platform, by id, handle or
   URL, is a `certain` overlap. One pass over the rows, keys kept as numbers; a bare row (an
   X id and nothing else) that nothing else names and that is on one side only can never
   match, so it is counted for coverage and dropped (most of an X follower list).
2. **Blocking.** Each node emits keys: the compact forms of its names (first+last, both
   orders), of its handles (letters only, and letters with digits), initial+surname forms,
   first names, surname+initial and first+surname-prefix keys for fuzzy comparison, profile
   links and e-mail addresses. The side with fewer people is indexed (key → packed numbers)
   and the other side's keys are looked up in it. Only nodes that share a key are compared;
   a key shared by too many nodes (a very common name) is skipped and counted, and weak
   evidence (initials, first names, similar names) is compared only in small blocks, so the
   cost grows with the number of rows, not their product. Similar names are scored a block
   at a time by rapidfuzz.
3. **Evidence.** A candidate pair gets the evidence its shared keys stand for ("handle spells
   the full name", "same full name", "initial and surname", ...), a confidence from the
   strongest evidence, corroboration, how common the name is (`auditor.names`), and what the
   personal account did towards the person (likes, comments, replies, mentions, messages,
   follows), and a tier per DESIGN.md: initials, a first name alone or fuzzy similarity alone
   are at most `possible`.

`auditor.overlap` turns the result into overlap entries and findings.
"""

from __future__ import annotations

import gc
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from rapidfuzz import fuzz, process

from auditor import names as nm

PERSONAL, PROFESSIONAL = "personal", "professional"

#: A block (one shared key) with more candidate pairs than this is skipped as too common.
BLOCK_CAP = 400
#: Weak evidence (initials, a first name, a one-word name, similar names) is compared only in a
#: block with at most this many weak pairs: beyond it, the key names a crowd, not a person.
WEAK_BLOCK_CAP = 25
#: Tier thresholds on the confidence (0..1).
LIKELY_AT = 0.6
POSSIBLE_AT = 0.3
#: Evidence whose best case is `possible` (DESIGN.md: initials, first name alone, fuzzy).
WEAK_CAP = 0.55

# Key kinds a node emits into the blocking index.
K_NAME = 1  # compact full name from a display name (first+last, last+first, all words)
K_HANDLE = 2  # compact handle (letters only)
K_INITIAL = 3  # initial+surname or first+initial from a display name
K_FIRST = 4  # first name of a multi-word name
K_SINGLE = 5  # a one-word name or a handle that reads as no full name
K_HANDLE_EXACT = 6  # handle letters and digits
K_SELF = 7  # (platform, handle) a profile link could point at
K_LINK = 8  # (platform, handle) a node's own profile URL points at, on another platform
K_EMAIL = 9
K_FUZZY = 10  # surname + first initial, first + surname prefix (fuzzy comparison)

#: Interaction kinds by which the account reaches out (direction "out"), with how they read.
REACH_OUT = {
    "like": "likes their posts", "comment": "comments on their posts", "reply": "replies to them",
    "mention": "mentions them", "tag": "tags them", "message": "sends them direct messages",
}
REACH_IN = {
    "comment_received": "they comment on its posts", "mention": "they mention it",
    "reply": "they reply to it", "message": "they send it direct messages", "tag": "they tag it",
    "like": "they like its posts", "review": "they reviewed it",
}


@dataclass(frozen=True, slots=True)
class SubjectAccount:
    """One of the subject's own accounts, as overlap needs it."""

    id: int
    platform: str
    label: str | None  # handle, else display name
    role: str
    private: bool | None
    handle: str | None = None
    native_id: str | None = None
    display_name: str | None = None


class Sighting(NamedTuple):
    """One connection or interaction row: a person in one list of one of the subject's accounts.

    A named tuple rather than a frozen dataclass: an audit makes one per row (hundreds of
    thousands), and a frozen dataclass's `__init__` costs several times a tuple's."""

    account_id: int
    platform: str
    #: Connection relation ("follower", "friend", ...) or interaction kind ("like", "message", ...).
    relation: str
    #: "" for a connection; "out" (by the account) or "in" for an interaction.
    direction: str
    person_key: str
    native_id: str | None = None
    handle: str | None = None
    name: str | None = None
    url: str | None = None
    created_at: datetime | None = None

    @property
    def is_connection(self) -> bool:
        return self.direction == ""


#: The side sets a node can have: shared, so that a node costs no set of its own.
NO_SIDES: frozenset[str] = frozenset()
_SIDE_SETS = {s: s for s in (NO_SIDES, frozenset({PERSONAL}), frozenset({PROFESSIONAL}),
                             frozenset({PERSONAL, PROFESSIONAL}))}


class Node:
    """One person on one platform, as the subject's rows name them.

    Compact on purpose (a million connections make a million nodes): names, handles and links
    are tuples (most hold one value), `sides` is one of four shared sets, and a bare X row (an
    id and nothing else) is kept as a number and made a `Sighting` only when asked."""

    __slots__ = ("_bare", "_rows", "handles", "index", "key", "names", "native_ids", "platform", "sides",
                 "urls")

    def __init__(self, index: int, platform: str, key: str = "") -> None:
        self.index = index
        self.platform = platform
        self.key = key
        self.native_ids: tuple[str, ...] = ()
        self.handles: tuple[str, ...] = ()
        self.names: tuple[str, ...] = ()
        self.urls: tuple[str, ...] = ()
        #: Sightings in row order; an int stands for a bare row of `_bare` (see `_BareRows`).
        self._rows: list[Sighting | int] = []
        self.sides: frozenset[str] = NO_SIDES
        self._bare: _BareRows | None = None

    @property
    def sightings(self) -> list[Sighting]:
        """The node's rows, in the order they came."""
        bare = self._bare
        if bare is None:
            return self._rows  # type: ignore[return-value]
        return [bare.sighting(r) if isinstance(r, int) else r for r in self._rows]

    def add_side(self, side: str) -> None:
        self.sides = _SIDE_SETS[self.sides | {side}]

    @property
    def native_id(self) -> str | None:
        return self.native_ids[0] if self.native_ids else None

    @property
    def handle(self) -> str | None:
        return self.handles[0] if self.handles else None

    @property
    def name(self) -> str | None:
        return self.names[0] if self.names else None

    @property
    def url(self) -> str | None:
        return self.urls[0] if self.urls else None

    @property
    def resolved(self) -> bool:
        """Whether anything names the person beyond an account id (a handle or a name)."""
        return bool(self.handles or self.names)

    @property
    def by_name_only(self) -> bool:
        """Known by a display name alone (Facebook friends, Meta DM participants)."""
        return self.key.startswith("name:")

    def label(self) -> str:
        """How a report names the person: a name, else @handle, else the id."""
        if self.names:
            return self.names[0]
        if self.handles:
            return "@" + self.handles[0]
        return f"{self.platform} id {self.native_id}" if self.native_id else self.key

    def __repr__(self) -> str:
        return f"Node({self.index}, {self.platform!r}, {self.key!r}, sides={sorted(self.sides)})"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason two nodes may be one person, with its signed weight."""

    kind: str
    text: str
    weight: float
    #: Whether it can support `likely` on its own (names, handles, links, e-mails).
    strong: bool


@dataclass(slots=True)
class Match:
    """Two nodes on different sides (or platforms) that may be one person."""

    a: int
    b: int
    tier: str
    confidence: float
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True)
class ListCoverage:
    """How much of one list of one account could be named (X follower lists hold ids only)."""

    account_id: int
    relation: str
    total: int
    resolved: int

    @property
    def unresolved(self) -> int:
        return self.total - self.resolved


@dataclass(slots=True)
class Resolution:
    accounts: dict[int, SubjectAccount]
    nodes: list[Node]
    #: Same-platform nodes on both sides, by id, handle or URL: certain (node indices).
    certain: list[int]
    matches: list[Match]
    coverage: list[ListCoverage]
    #: Blocks skipped as too common (for any evidence, or for weak evidence: `WEAK_BLOCK_CAP`),
    #: and the candidate pairs compared.
    skipped_blocks: int = 0
    compared: int = 0

    def side_nodes(self, side: str) -> Iterator[Node]:
        return (n for n in self.nodes if side in n.sides)


# -- step 1: people per platform -------------------------------------------------------------


def _norm_handle(handle: str | None) -> str | None:
    if not handle:
        return None
    h = handle.strip().lstrip("@").casefold()
    return h or None


_MASTODON_ACTOR = re.compile(r"^https?://(?P<host>[^/]+)/users/(?P<user>[^/?#\s]+)/?$", re.IGNORECASE)
_MASTODON_PROFILE = re.compile(r"^https?://(?P<host>[^/]+)/@(?P<user>[^/?#\s@]+)/?$", re.IGNORECASE)


def _keys(s: Sighting) -> list[str]:
    """The keys that make two rows of one platform one person: id, handle, profile URL."""
    keys = [s.person_key]
    if s.native_id:
        keys.append(f"id:{s.native_id}")
    handle = _norm_handle(s.handle)
    if handle:
        keys.append(f"handle:{handle}")
    if s.platform == "mastodon":  # an actor URI or a profile URL names the same @user@host
        for value in (s.native_id, s.url):
            m = _MASTODON_ACTOR.match(value or "") or _MASTODON_PROFILE.match(value or "")
            if m:
                keys.append(f"handle:{m['user'].casefold()}@{m['host'].casefold()}")
    url = _norm_url(s.url)
    if url and not _is_intent_url(url):
        keys.append(f"url:{url}")
    return keys


def _norm_url(url: str | None) -> str | None:
    if not url:
        return None
    u = url.strip().lower()
    scheme, sep, rest = u.partition("://")  # drop "^[a-z]+://", then one of www., m., mobile.
    if sep and scheme.isascii() and scheme.isalpha():
        u = rest
    for prefix in ("www.", "m.", "mobile."):
        if u.startswith(prefix):
            u = u[len(prefix):]
            break
    return u.split("#", 1)[0].rstrip("/") or None


def _is_intent_url(url: str) -> bool:
    # X follower lists give "https://twitter.com/intent/user?user_id=123": the id, again.
    return "/intent/user" in url


#: X follower lists link each follower as this URL plus the id.
_INTENT = "https://twitter.com/intent/user?user_id="
_ROLE_BIT = {PERSONAL: 1, PROFESSIONAL: 2}


class _BareRows:
    """The bare rows (an account id and nothing else: X follower lists) that belong to a node,
    as (row kind, native id, created_at); a node's `_rows` holds their positions here."""

    __slots__ = ("kinds", "rows")

    def __init__(self, kinds: list[tuple[int, str, str, str, bool]]) -> None:
        #: (account id, platform, relation, direction, whether the row had X's intent URL)
        self.kinds = kinds
        self.rows: list[tuple[int, str, datetime | None]] = []

    def sighting(self, i: int) -> Sighting:
        code, nid, when = self.rows[i]
        account_id, platform, relation, direction, intent = self.kinds[code]
        return Sighting(account_id, platform, relation, direction, "id:" + nid, nid, None, None,
                        _INTENT + nid if intent else None, when)


def _is_bare(s: Sighting) -> bool:
    nid = s.native_id
    return (not s.handle and not s.name and bool(nid) and s.platform != "mastodon"
            and s.person_key == "id:" + nid and (not s.url or s.url == _INTENT + nid))  # type: ignore[operator]


def build_nodes(sightings: Iterable[Sighting], accounts: dict[int, SubjectAccount]) -> list[Node]:
    """Group each platform's rows into people (union-find over id, handle and URL keys)."""
    return people(sightings, accounts)[0]


def people(sightings: Iterable[Sighting],
           accounts: dict[int, SubjectAccount]) -> tuple[list[Node], list[ListCoverage]]:
    """The people each platform's rows name (union-find over id, handle and URL keys), and how
    much of each connection list names someone.

    One pass over the rows, keeping the keys as numbers. A bare row (an X id and nothing else)
    is kept as three numbers; when nothing else names its id and it is on one side only it can
    never match anyone, so it makes no node and is only counted (unresolved)."""
    ids: dict[str, dict[str, int]] = defaultdict(dict)  # per platform: key → number
    key_text: list[str] = []
    parent = array("q")

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def key_id(platform_ids: dict[str, int], k: str) -> int:
        i = platform_ids.get(k)
        if i is None:
            i = platform_ids[k] = len(key_text)
            key_text.append(k)
            parent.append(i)
        return i

    role_of = {a.id: a.role for a in accounts.values()}
    full: list[Sighting] = []
    full_key = array("q")
    order = bytearray()  # per row: 0 a full row, 1 a bare one
    bare_key, bare_code = array("q"), array("l")
    bare_when: dict[int, datetime] = {}
    codes: dict[tuple[int, str, str, str, bool], int] = {}
    kinds: list[tuple[int, str, str, str, bool]] = []
    for s in sightings:
        if _is_bare(s):
            kind = (s.account_id, s.platform, s.relation, s.direction, bool(s.url))
            code = codes.get(kind)
            if code is None:
                code = codes[kind] = len(kinds)
                kinds.append(kind)
            if s.created_at is not None:
                bare_when[len(bare_key)] = s.created_at
            bare_key.append(key_id(ids[s.platform], s.person_key))
            bare_code.append(code)
            order.append(1)
            continue
        platform_ids = ids[s.platform]
        keys = _keys(s)
        first = key_id(platform_ids, keys[0])
        root = find(first)
        for key in keys[1:]:
            if key == keys[0]:
                continue
            other = find(key_id(platform_ids, key))
            if other != root:
                if other < root:  # the first key seen stays root
                    root, other = other, root
                parent[other] = root
        full.append(s)
        full_key.append(first)
        order.append(0)
    del ids

    n_keys = len(key_text)
    has_full = bytearray(n_keys)
    for i, k in enumerate(full_key):
        full_key[i] = r = find(k)
        has_full[r] = 1
    bare_mask = bytearray(n_keys)
    role_bits = [_ROLE_BIT.get(role_of.get(k[0], ""), 0) for k in kinds]
    for i, k in enumerate(bare_key):
        bare_mask[find(k)] |= role_bits[bare_code[i]]

    bare = _BareRows(kinds)
    total: dict[tuple[int, str], int] = defaultdict(int)
    by_root: list[Node | None] = [None] * n_keys
    nodes: list[Node] = []
    fi = bi = 0
    for t in order:
        if t == 0:
            s, r = full[fi], full_key[fi]
            fi += 1
            node = by_root[r]
            if node is None:
                node = by_root[r] = Node(len(nodes), s.platform)
                nodes.append(node)
            node._rows.append(s)
            if s.native_id and s.native_id not in node.native_ids:
                node.native_ids += (s.native_id,)
            if s.handle:
                h = s.handle.strip().lstrip("@")
                if h and h not in node.handles:
                    node.handles += (h,)
            if s.name:
                name = " ".join(s.name.split())
                if name == s.name:
                    name = s.name  # the row's own string, not a copy
                if name and name not in node.names:
                    node.names += (name,)
            if s.url and s.url not in node.urls:
                node.urls += (s.url,)
            role = role_of.get(s.account_id)
            if s.direction == "":
                total[(s.account_id, s.relation)] += 1
        else:
            k, code = bare_key[bi], bare_code[bi]
            when = bare_when.get(bi)
            bi += 1
            account_id, platform, relation, direction, intent = kinds[code]
            if direction == "":
                total[(account_id, relation)] += 1
            r = find(k)
            node = by_root[r]
            if node is None:
                if not has_full[r] and bare_mask[r] != 3:
                    continue  # an id on one side that nothing names: counted, never matched
                node = by_root[r] = Node(len(nodes), platform)
                nodes.append(node)
            nid = key_text[k][3:]  # the row's person key, "id:" + its id
            node._rows.append(len(bare.rows))
            node._bare = bare
            bare.rows.append((code, nid, when))
            if nid not in node.native_ids:
                node.native_ids += (nid,)
            if intent and _INTENT + nid not in node.urls:
                node.urls += (_INTENT + nid,)
            role = role_of.get(account_id)
        if (role == PERSONAL or role == PROFESSIONAL) and role not in node.sides:
            node.add_side(role)
    del full, full_key, order, bare_key, bare_code, has_full, bare_mask, by_root

    own_keys, own_names = _own(accounts.values())
    named: dict[tuple[int, str], int] = defaultdict(int)
    for node in nodes:
        node.key = canonical_key(node)
        if _is_own(node, own_keys, own_names):
            node.sides = NO_SIDES  # the subject's own other account (a personal one following the practice)
        if node.resolved:
            for acc, rel in _connection_rows(node):
                named[(acc, rel)] += 1
    cov = [ListCoverage(acc, rel, n, named[(acc, rel)]) for (acc, rel), n in sorted(total.items())]
    return nodes, cov


def _connection_rows(node: Node) -> Iterator[tuple[int, str]]:
    """(account id, relation) of each of the node's connection rows."""
    bare = node._bare
    for r in node._rows:
        if isinstance(r, int):
            account_id, _, relation, direction, _ = bare.kinds[bare.rows[r][0]]  # type: ignore[union-attr]
            if direction == "":
                yield account_id, relation
        elif r.direction == "":
            yield r.account_id, r.relation


def _person_keys(node: Node) -> Iterator[str]:
    bare = node._bare
    for r in node._rows:
        yield "id:" + bare.rows[r][1] if isinstance(r, int) else r.person_key  # type: ignore[union-attr]


def _own(accounts: Iterable[SubjectAccount]) -> tuple[set[tuple[str, str]], set[str]]:
    keys: set[tuple[str, str]] = set()
    names: set[str] = set()
    for a in accounts:
        if a.native_id:
            keys.add((a.platform, f"id:{a.native_id}"))
        if a.handle:
            keys.add((a.platform, f"handle:{_norm_handle(a.handle)}"))
        if a.display_name and len(nm.tokens(a.display_name)) >= 2:
            names.add(" ".join(nm.tokens(a.display_name)))
    return keys, names


def _is_own(node: Node, own_keys: set[tuple[str, str]], own_names: set[str]) -> bool:
    for nid in node.native_ids:
        if (node.platform, f"id:{nid}") in own_keys:
            return True
    for h in node.handles:
        if (node.platform, f"handle:{_norm_handle(h)}") in own_keys:
            return True
    return bool(own_names) and node.by_name_only and any(" ".join(nm.tokens(n)) in own_names
                                                          for n in node.names)


def canonical_key(node: Node) -> str:
    """The node's person key (DESIGN: `person_key`): id, else handle, else URL, else name."""
    rows = node._rows
    if len(rows) == 1 and not isinstance(rows[0], int):
        return rows[0].person_key
    keys = set(_person_keys(node))
    for prefix in ("id:", "handle:", "url:", "name:"):
        found = [k for k in keys if k.startswith(prefix)]
        if found:
            return min(found)
    return min(keys)


def is_certain(node: Node) -> bool:
    """Seen on both sides on one platform by id, handle or URL (not by a display name alone)."""
    return PERSONAL in node.sides and PROFESSIONAL in node.sides and not node.by_name_only


# -- step 2: blocking keys --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameReading:
    """A node's name as words: where it came from, and the first name and surname."""

    source: str  # "name" or "handle"
    text: str  # the original string
    words: tuple[str, ...]
    first: str | None
    last: str | None


def readings(node: Node) -> list[NameReading]:
    """Every way the node's names and handles read as a person's name."""
    out: list[NameReading] = []
    for name in node.names:
        r = _name_reading(name)
        if r is not None:
            out.append(r)
    for handle in _all_handles(node):
        out.extend(readings_of_handle(handle))
    return out


@lru_cache(maxsize=nm.CACHE)
def _name_reading(name: str) -> NameReading | None:
    words = nm.tokens(name)
    if not words:
        return None
    fl = nm.first_last(words)
    return NameReading("name", name, words, *(fl or (words[0], None)))


def _all_handles(node: Node) -> list[str]:
    """Handles, plus LinkedIn's public profile slug (`/in/maria-gonzalez-88`) which reads as one."""
    hs = list(node.handles)
    for url in node.urls:
        slug = _linkedin_slug(url)
        if slug:
            hs.append(slug)
    return hs


_SLUG = re.compile(r"linkedin\.com/in/([^/?#]+)", re.IGNORECASE)


def _linkedin_slug(url: str) -> str | None:
    if "/in/" not in url:
        return None
    m = _SLUG.search(url)
    return m.group(1) if m else None


_PROFILE_HOSTS = {
    "instagram.com": "instagram", "facebook.com": "facebook", "twitter.com": "twitter",
    "x.com": "twitter", "threads.net": "threads", "threads.com": "threads", "tiktok.com": "tiktok",
    "bsky.app": "bluesky", "reddit.com": "reddit", "linkedin.com": "linkedin",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)


def _host_platform(url: str) -> str | None:
    """The platform of a profile URL's host, read as `profile_link` reads it, when the host is
    plain (a scheme of letters, no user, port or brackets); None otherwise. A cheap test, for
    the many rows whose URL is their own platform's profile (Instagram's follower lists)."""
    scheme, sep, rest = url.partition("://")
    if sep and not (scheme.isascii() and scheme.isalpha()):
        return None
    host = (rest if sep else url).split("/", 1)[0]
    if not host.isascii() or not host.isprintable() or any(c in host for c in " @:[]?#\\"):
        return None
    return _PROFILE_HOSTS.get(host.lower().removeprefix("www.").removeprefix("m."))


def profile_link(url: str | None) -> tuple[str, str] | None:
    """(platform, handle) that a profile URL points at: instagram.com/maria → ("instagram", "maria")."""
    if not url:
        return None
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    platform = _PROFILE_HOSTS.get(host)
    segs = [p for p in parts.path.split("/") if p]
    if platform is None or not segs:
        if host and segs and segs[0].startswith("@"):  # a Mastodon-style profile
            return "mastodon", f"{segs[0][1:].casefold()}@{host}"
        return None
    if platform == "tiktok" or segs[0].startswith("@"):
        return platform, segs[0].lstrip("@").casefold()
    if platform == "bluesky" and len(segs) >= 2 and segs[0] == "profile":
        return platform, segs[1].casefold()
    if platform == "reddit" and len(segs) >= 2 and segs[0] in ("u", "user"):
        return platform, segs[1].casefold()
    if platform == "linkedin" and len(segs) >= 2 and segs[0] == "in":
        return platform, segs[1].casefold()
    if platform == "facebook" and segs[0] == "profile.php":
        ids = parse_qs(parts.query).get("id")
        return (platform, f"id:{ids[0]}") if ids else None
    if segs[0] in ("intent", "i", "p", "reel", "explore", "hashtag", "share", "groups", "pages", "status"):
        return None
    return platform, segs[0].casefold()


def emails(node: Node) -> set[str]:
    """E-mail addresses where a source gives them (a handle, a name or a mailto: URL)."""
    found: set[str] = set()
    for text in [*node.handles, *node.names, *node.urls]:
        if "@" not in text or "." not in text:
            continue
        for m in _EMAIL.finditer(text.removeprefix("mailto:")):
            if "/" not in text.split("@", 1)[0]:
                found.add(m.group(0).casefold())
    return found


#: What a blocking entry was read from (`ref`): a name, a handle (LinkedIn slugs after the
#: handles), a profile URL, or the e-mail address the key spells.
_REF_HANDLE, _REF_URL, _REF_EMAIL = 1 << 14, 2 << 14, 3 << 14


def block_keys(node: Node, with_self: bool = True) -> list[tuple[str, int, str]]:
    """(key, kind, what it was read from) for the blocking index. `with_self=False` leaves out
    the keys only a profile link can meet (when no row has a link, they would be wasted)."""
    return [(key, kind, _ref_text(node, ref, key)) for key, kind, ref in _block_entries(node, with_self)]


def _block_entries(node: Node, with_self: bool = True) -> list[tuple[str, int, int]]:
    """`block_keys` with a reference (`_REF_*` plus a position) instead of the text: the index
    holds numbers, and the text is read back only for the pairs that meet."""
    out: list[tuple[str, int, int]] = []
    for i, name in enumerate(node.names[:_REF_HANDLE]):
        for key, kind in _name_keys(name):
            out.append((key, kind, i))
    for i, handle in enumerate(_all_handles(node)[:_REF_HANDLE]):
        for key, kind in _handle_keys(handle):
            out.append((key, kind, _REF_HANDLE + i))
    if with_self:
        for i, handle in enumerate(node.handles[:_REF_HANDLE]):
            out.append((f"@{node.platform}:{handle.casefold()}", K_SELF, _REF_HANDLE + i))
    for i, url in enumerate(node.urls[:_REF_HANDLE]):
        if node.platform == "linkedin" and "linkedin.com/in/" in url:
            continue  # the connection's own profile: its slug is read as a handle above
        if "/intent/user" in url:
            continue  # X's link to an id: no profile a link elsewhere could name
        if _host_platform(url) == node.platform:
            continue  # a link to the node's own platform: profile_link's answer would be dropped
        link = profile_link(url)
        if link and link[0] != node.platform:
            out.append((f"@{link[0]}:{link[1]}", K_LINK, _REF_URL + i))
    if any("@" in t for t in (*node.handles, *node.names, *node.urls)):
        for email in sorted(emails(node)):
            out.append(("mail:" + email, K_EMAIL, _REF_EMAIL))
    return out


def _ref_text(node: Node, ref: int, key: str) -> str:
    if ref < _REF_HANDLE:
        return node.names[ref]
    if ref < _REF_URL:
        return _all_handles(node)[ref - _REF_HANDLE]
    if ref < _REF_EMAIL:
        return node.urls[ref - _REF_URL]
    return key.removeprefix("mail:")


@lru_cache(maxsize=1 << 12)
def _name_keys(name: str) -> tuple[tuple[str, int], ...]:
    """Blocking keys of a display name (names repeat: cached). The words and first name and
    surname are those of `_name_reading`."""
    words = nm.tokens(name)
    if not words:
        return ()
    if len(words) == 1:
        return ((words[0], K_SINGLE),) if len(words[0]) >= 3 else ()
    first, last = nm.first_last(words) or (words[0], "")
    out = [(first + last, K_NAME), (last + first, K_NAME)]
    if len(words) > 2:
        out.append(("".join(words), K_NAME))
    if len(first) > 1 and len(last) > 1:
        out += [(first[0] + last, K_INITIAL), (first + last[0], K_INITIAL),
                (first, K_FIRST), (f"~{last}|{first[0]}", K_FUZZY),
                (f"~{first}|{last[:3]}", K_FUZZY),
                (f"~{last}", K_FUZZY)]  # Katherine / Catherine
    return tuple(out)


_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def _handle_keys(handle: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    local = handle.split("@", 1)[0]
    folded = nm.fold(local)
    if folded.isascii() and folded.isalpha():
        c = exact = folded  # the usual handle: nothing to strip
    else:
        c, exact = _NOT_LETTERS.sub("", folded), _NOT_ALNUM.sub("", folded)
    if len(c) >= 5:
        out.append((c, K_HANDLE))
        if not _reads_as_name(handle):
            out.append((c, K_SINGLE))
    if len(exact) >= 4:
        out.append(("#" + exact, K_HANDLE_EXACT))
    return out


def _reads_as_name(handle: str) -> bool:
    """`bool(readings_of_handle(handle))`, without building the readings."""
    words = nm.handle_tokens(handle)
    if len(words) >= 2:
        return True  # first_last reads any two words as a first name and a surname
    return len(words) == 1 and len(words[0]) >= 6 and nm.has_split(words[0])


@lru_cache(maxsize=nm.CACHE)
def readings_of_handle(handle: str) -> tuple[NameReading, ...]:
    """How a handle reads as a name: its words, or a run-together first name + surname."""
    words = nm.handle_tokens(handle)
    if len(words) >= 2:
        fl = nm.first_last(words)
        if fl:
            return (NameReading("handle", handle, words, *fl),)
        return ()
    if len(words) == 1 and len(words[0]) >= 6:
        return tuple(NameReading("handle", handle, (a, b), a, b) for a, b in nm.split_compact(words[0])[:1])
    return ()


# -- step 3: evidence -------------------------------------------------------------------------

#: (kind a, kind b) → evidence kind; pairs not listed give no evidence (two initial forms
#: agreeing, say, are two different names).
_PAIR_EVIDENCE: dict[frozenset[int], str] = {
    frozenset({K_NAME}): "same_name",
    frozenset({K_NAME, K_HANDLE}): "handle_spells_name",
    frozenset({K_HANDLE}): "same_handle_letters",
    frozenset({K_HANDLE_EXACT}): "same_handle",
    frozenset({K_INITIAL, K_HANDLE}): "initial_surname",
    frozenset({K_INITIAL, K_NAME}): "initial_surname",
    frozenset({K_FIRST, K_SINGLE}): "first_name_only",
    frozenset({K_SINGLE}): "single_word",
    frozenset({K_SELF, K_LINK}): "profile_link",
    frozenset({K_EMAIL}): "email",
    frozenset({K_FUZZY}): "fuzzy",
}
#: Base weight and whether the evidence can make `likely` alone.
_BASE: dict[str, tuple[float, bool]] = {
    "email": (0.95, True),
    "profile_link": (0.9, True),
    "same_name": (0.8, True),
    "handle_spells_name": (0.78, True),
    "same_handle": (0.72, True),
    "same_handle_letters": (0.68, True),
    "initial_surname": (0.42, False),
    "handle_digits_differ": (0.4, False),
    "fuzzy": (0.4, False),
    "first_name_only": (0.35, False),
    "single_word": (0.35, False),
}


#: Evidence that does not rest on how a name is spelled.
_INDEPENDENT = frozenset({"email", "profile_link"})


#: The same, by ordered pair of kinds (a dictionary lookup in the hot loop).
_PAIR_TABLE: dict[tuple[int, int], str] = {
    (a, b): ev for pair, ev in _PAIR_EVIDENCE.items()
    for a in pair for b in pair if frozenset({a, b}) == pair
}


#: Evidence that is at most `possible` whatever else (DESIGN.md), by what met in the block.
_WEAK = frozenset({"initial_surname", "first_name_only", "single_word", "fuzzy"})
#: Per kind: the kinds it makes evidence with (fuzzy is scored a block at a time).
_PAIRS_OF: dict[int, list[tuple[int, str]]] = {}
for (_a, _b), _ev in sorted(_PAIR_TABLE.items()):
    if _ev != "fuzzy":
        _PAIRS_OF.setdefault(_a, []).append((_b, _ev))
#: Bits of a blocking entry: node index << _NODE_SHIFT | ref << 4 | kind.
_NODE_SHIFT = 20
_FUZZY_AT = 85


def candidate_pairs(nodes: Sequence[Node]) -> tuple[dict[tuple[int, int], dict[str, tuple[str, str]]], int, int]:
    """Pairs of nodes on opposite sides that share a blocking key, with the evidence kinds and
    the strings that met; plus the number of blocks skipped as too common and of pairs compared.

    The side with fewer people is indexed (key → packed numbers); the other side's keys are
    looked up in it, so a key found on one side only (most of them) costs one lookup and keeps
    nothing. Within a shared key only the kinds that make evidence together are compared, and
    similar names (`fuzzy`) are scored in bulk by rapidfuzz, keeping the pairs that pass."""
    with_self = any(node.urls and node.sides for node in nodes)
    n_personal = sum(1 for node in nodes if PERSONAL in node.sides)
    n_professional = sum(1 for node in nodes if PROFESSIONAL in node.sides)
    small, large = (PERSONAL, PROFESSIONAL) if n_personal <= n_professional else (PROFESSIONAL, PERSONAL)
    index: dict[str, int | list[int]] = {}
    for node in nodes:
        if small in node.sides:
            for key, entry in _entries(node, with_self):
                old = index.get(key)
                if old is None:
                    index[key] = entry
                elif type(old) is int:
                    index[key] = [old, entry]
                else:
                    old.append(entry)  # type: ignore[union-attr]
    hits: dict[str, list[int]] = {}
    for node in nodes:
        if large in node.sides:
            for key, entry in _entries(node, with_self):
                if key in index:
                    listed = hits.get(key)
                    if listed is None:
                        hits[key] = [entry]
                    else:
                        listed.append(entry)
    pairs: dict[tuple[int, int], dict[str, tuple[str, str]]] = {}
    skipped = compared = 0
    for key, theirs in hits.items():
        ours = index[key]
        ours = [ours] if type(ours) is int else ours  # type: ignore[assignment]
        personal, professional = (ours, theirs) if small == PERSONAL else (theirs, ours)
        p_kinds, q_kinds = _by_kind(personal), _by_kind(professional)  # type: ignore[arg-type]
        n_useful = n_weak = 0
        for ka in p_kinds:
            for kb in q_kinds:
                ev = _PAIR_TABLE.get((ka, kb))
                if ev is not None:
                    n = len(p_kinds[ka]) * len(q_kinds[kb])
                    n_useful += n
                    if ev in _WEAK:
                        n_weak += n
        if n_useful == 0:
            continue
        if n_useful > BLOCK_CAP:
            skipped += 1  # a very common name: thousands of candidates that say nothing
            continue
        weak = n_weak <= WEAK_BLOCK_CAP
        if not weak:
            skipped += 1
        if weak and K_FUZZY in p_kinds and K_FUZZY in q_kinds:
            compared += _fuzzy(nodes, key, p_kinds[K_FUZZY], q_kinds[K_FUZZY], pairs)
        # Personal entries in their order, as the texts of the first evidence of a kind are
        # the ones the explanation quotes.
        for ea in personal:  # type: ignore[union-attr]
            i = ea >> _NODE_SHIFT
            ta: str | None = None
            for kb, ev in _PAIRS_OF.get(ea & 0xF, ()):
                if not weak and ev in _WEAK:
                    continue
                for eb in q_kinds.get(kb, ()):
                    j = eb >> _NODE_SHIFT
                    if i == j:
                        continue
                    compared += 1
                    pair = (i, j) if i < j else (j, i)
                    found = pairs.get(pair)
                    if found is None:
                        found = pairs[pair] = {}
                    elif ev in found:
                        continue
                    if ta is None:
                        ta = _ref_text(nodes[i], (ea >> 4) & 0xFFFF, key)
                    tb = _ref_text(nodes[j], (eb >> 4) & 0xFFFF, key)
                    found[ev] = (ta, tb) if i < j else (tb, ta)
    return pairs, skipped, compared


def _entries(node: Node, with_self: bool) -> list[tuple[str, int]]:
    """(key, packed entry) of a node, each (key, kind) once: `_block_entries`, packed, with a
    fast path for the usual node (one name or one handle, no links)."""
    base = node.index << _NODE_SHIFT
    if node.urls or len(node.names) + len(node.handles) > 1 or any("@" in t for t in (*node.names, *node.handles)):
        found = _block_entries(node, with_self)
        out = [(key, base | ref << 4 | kind) for key, kind, ref in found]
        if len({(key, e & 0xF) for key, e in out}) == len(out):
            return out
        seen: set[tuple[str, int]] = set()
        unique: list[tuple[str, int]] = []
        for key, e in out:
            if (key, e & 0xF) not in seen:
                seen.add((key, e & 0xF))
                unique.append((key, e))
        return unique
    if node.names:
        return [(key, base | kind) for key, kind in _name_keys(node.names[0])]
    if node.handles:
        handle = node.handles[0]
        ref = base | _REF_HANDLE << 4
        out = [(key, ref | kind) for key, kind in _handle_keys(handle)]
        if with_self:
            out.append((f"@{node.platform}:{handle.casefold()}", ref | K_SELF))
        return out
    return []


def _by_kind(entries: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for e in entries:
        kind = e & 0xF
        found = out.get(kind)
        if found is None:
            out[kind] = [e]
        else:
            found.append(e)
    return out


def _fuzzy(nodes: Sequence[Node], key: str, left: list[int], right: list[int],
           pairs: dict[tuple[int, int], dict[str, tuple[str, str]]]) -> int:
    """Similar names within one block (Katherine / Catherine Novak): rapidfuzz scores the block
    in C; pairs from 85% up to, not including, 100% (an exact match is `same_name`) are kept."""
    def texts(entries: list[int]) -> list[tuple[int, str, str]]:
        out = []
        for e in entries:
            t = _ref_text(nodes[e >> _NODE_SHIFT], (e >> 4) & 0xFFFF, key)
            out.append((e >> _NODE_SHIFT, t, nm.fold(t)))
        return out

    a, b = texts(left), texts(right)
    b_folded = [f for _, _, f in b]
    compared = 0
    for i, ta, fa in a:
        if len(b) < 8:
            scores = [(fb, fuzz.token_sort_ratio(fa, fb, score_cutoff=_FUZZY_AT), k) for k, fb in enumerate(b_folded)]
        else:
            scores = process.extract(fa, b_folded, scorer=fuzz.token_sort_ratio, processor=None,
                                     score_cutoff=_FUZZY_AT, limit=None)
        compared += len(b)
        for _, score, k in scores:
            j, tb, _ = b[k]
            if i == j:
                compared -= 1
                continue
            if score < _FUZZY_AT or score >= 100:
                continue
            pair = (i, j) if i < j else (j, i)
            found = pairs.get(pair)
            if found is None:
                found = pairs[pair] = {}
            if "fuzzy" not in found:
                found["fuzzy"] = (ta, tb) if i < j else (tb, ta)
    return compared


def score_pair(a: Node, b: Node, found: dict[str, tuple[str, str]],
               reach: dict[int, list[Evidence]]) -> Match | None:
    """The evidence, confidence and tier of one candidate pair; None below `possible`.

    Confidence = the strongest evidence's weight, +0.05 for each other kind of strong evidence
    (two at most), + how common the name is, - 0.25 for two different accounts of one platform,
    + what the personal account did towards the person; clamped to 0..1. Without strong
    evidence it stays below `likely` (WEAK_CAP).
    """
    # (weight, kind, strong, texts, fuzzy wording): the wording of the explanation is written
    # only for a pair that reaches a tier (most candidates do not).
    raw: list[tuple[float, str, bool, tuple[str, str], str | None]] = []
    for kind, (ta, tb) in found.items():
        if kind == "fuzzy":
            ratio = fuzz.token_sort_ratio(nm.fold(ta), nm.fold(tb))
            if ratio < 85 or ratio == 100:
                continue  # an exact match is "same_name" already
            w = round(_BASE["fuzzy"][0] + (ratio - 90) / 100, 2)
            raw.append((w, kind, False, (ta, tb), f"similar names: '{ta}' ~ '{tb}' ({ratio:.0f}%)"))
            continue
        if kind in ("same_handle", "same_handle_letters") and _one_word_name((ta, tb)):
            # "maria88" and "maria_" share letters, and thousands of Marias: a first name alone.
            kind = "single_word"
        elif kind == "same_handle_letters" and _digits_differ(ta, tb):
            # "sunnyrunner19" and "sunnyrunner46": two people picked one phrase.
            kind = "handle_digits_differ"
        base, strong = _BASE[kind]
        raw.append((base, kind, strong, (ta, tb), None))
    if not raw:
        return None
    raw.sort(key=lambda e: (-e[0], e[1]))
    best = raw[0]
    best_w, best_kind, strong = best[0], best[1], best[2]
    weights = [best_w]
    extras = {e[1]: e for e in raw[1:] if e[2] and e[1] != best_kind and found.get(e[1]) != found.get(best_kind)}
    chosen: list[tuple[tuple[float, str, bool, tuple[str, str], str | None], float]] = []
    for extra in list(extras.values())[:2]:
        # Names, handles and LinkedIn slugs usually spell one and the same name: corroboration
        # only counts when it is of another kind (a link or an e-mail besides a name).
        independent = (extra[1] in _INDEPENDENT) != (best_kind in _INDEPENDENT)
        chosen.append((extra, 0.05 if independent else 0.0))
        weights.append(0.05 if independent else 0.0)
    common: tuple[float, float] | None = None
    if best_kind not in ("email", "profile_link"):
        texts = found[best_kind] if best_kind in found else _texts_of_kind(best_kind, found)
        expected = _expected(texts, best_kind)
        if expected is not None:
            w = nm.commonness_weight(expected)
            if not strong:
                w = min(w, 0.0)
            if w:
                common = (w, expected)
                weights.append(w)
    distinct = a.platform == b.platform and not (a.by_name_only and b.by_name_only)
    if distinct:
        weights.append(-0.25)
    reached = [*reach.get(a.index, []), *reach.get(b.index, [])]
    weights.extend(e.weight for e in reached)
    confidence = max(0.0, min(1.0, round(sum(weights), 4)))
    if not strong:
        confidence = min(confidence, WEAK_CAP)
    tier = "likely" if strong and confidence >= LIKELY_AT else "possible" if confidence >= POSSIBLE_AT else None
    if tier is None:
        return None

    def evidence(e: tuple[float, str, bool, tuple[str, str], str | None]) -> Evidence:
        w, kind, is_strong, (ta, tb), text = e
        return Evidence(kind, text if text is not None else _describe(kind, ta, tb, a, b), w, is_strong)

    best_ev = evidence(best)
    lines = [best_ev]
    for extra, w in chosen:
        lines.append(Evidence(extra[1], "also: " + evidence(extra).text, w, True))
    if common is not None:
        w, expected = common
        label = "common name" if w < 0 else "rare name"
        lines.append(Evidence("commonness", f"{label}: {nm.describe_count(expected)}", w, False))
    if distinct:
        lines.append(Evidence("distinct_accounts", f"two different {a.platform} accounts", -0.25, False))
    lines.extend(reached)
    return Match(a.index, b.index, tier, confidence, lines)


def _texts_of_kind(kind: str, found: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The strings behind evidence whose kind was renamed while scoring (single_word, ...)."""
    for k in ("same_handle", "same_handle_letters", kind):
        if k in found:
            return found[k]
    return next(iter(found.values()))


def _digits_differ(a: str, b: str) -> bool:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return bool(da) and bool(db) and da != db


def _one_word_name(texts: tuple[str, str]) -> bool:
    """Whether a handle pair's shared letters are one first name or surname, not a full name."""
    for t in texts:
        c = nm.compact(t.split("@", 1)[0])
        if readings_of_handle(t):
            return False
        if nm.is_first_name(c) or nm.is_surname(c):
            return True
    return False


def _describe(kind: str, ta: str, tb: str, a: Node, b: Node) -> str:
    where = f"{a.platform} and {b.platform}" if a.platform != b.platform else a.platform
    pair = f"{_shown(ta, a)} / {_shown(tb, b)}"
    return {
        "email": "same e-mail address on both",
        "profile_link": f"a profile link points to the other account ({pair})",
        "same_name": f"same full name on {where}: {pair}",
        "handle_spells_name": f"handle spells the full name: {pair}",
        "same_handle": f"same handle on {where}: {pair}",
        "same_handle_letters": f"handles differ only in punctuation or digits: {pair}",
        "initial_surname": f"initial and surname only: {pair}",
        "first_name_only": f"first name alone: {pair}",
        "single_word": f"one-word name or handle: {pair}",
        "handle_digits_differ": f"handles share their letters but not their digits: {pair}",
    }.get(kind, f"{kind}: {pair}")


def _shown(text: str, node: Node) -> str:
    """A string that met, quoted as the source gives it: a handle or a name; a URL's slug or a
    link is named by what it is (the report can mask stored handles and names, not slugs)."""
    if text in node.handles or text in node.names:
        return f"'{text}'"
    if text in node.urls:
        return f"their {node.platform} profile link"
    return f"their {node.platform} profile address"


def _expected(texts: tuple[str, str], kind: str) -> float | None:
    """How many people share the name the evidence rests on, read from the two strings that
    met (the more common reading of the two: the conservative one)."""
    found: list[float] = []
    for text in texts:
        words = nm.tokens(text) if " " in text.strip() else ()
        if len(words) >= 2:
            fl = nm.first_last(words)
        else:
            rs = readings_of_handle(text)
            fl = (rs[0].first, rs[0].last) if rs and rs[0].first and rs[0].last else None
        if fl is not None:
            first, last = fl
            if kind == "first_name_only":
                found.append(nm.expected_people(first, None))
            elif kind == "initial_surname" and len(first) > 1:
                found.append(nm.expected_people(first[0], last))
            elif kind != "initial_surname":
                found.append(nm.expected_people(first, last))
            continue
        word = nm.compact(text.split("@", 1)[0])
        if kind in ("first_name_only", "single_word") and nm.is_first_name(word):
            found.append(nm.expected_people(word, None))
    return max(found) if found else None


def reach_evidence(node: Node, accounts: dict[int, SubjectAccount]) -> list[Evidence]:
    """What the subject's personal accounts did towards the person, or the person towards them."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for s in node.sightings:
        acc = accounts.get(s.account_id)
        if acc is None or acc.role != PERSONAL:
            continue
        if s.is_connection and s.relation == "following":
            label = f"the personal {acc.platform} account follows them"
            weight = 0.05
        elif s.direction == "out" and s.relation in REACH_OUT:
            label = f"the personal {acc.platform} account {REACH_OUT[s.relation]}"
            weight = 0.05
        elif s.direction == "in" and s.relation in REACH_IN:
            label = f"on the personal {acc.platform} account, {REACH_IN[s.relation]}"
            weight = 0.03
        else:
            continue
        if label not in seen:
            seen.add(label)
            out.append(Evidence("reach", label, weight, False))
    out.sort(key=lambda e: (-e.weight, e.text))
    total = 0.0
    capped: list[Evidence] = []
    for e in out:
        w = min(e.weight, round(0.15 - total, 2))
        if w <= 0:
            w = 0.0
        total += w
        capped.append(Evidence(e.kind, e.text, w, False))
    return capped


# -- the whole resolution ---------------------------------------------------------------------


def resolve(accounts: Sequence[SubjectAccount], sightings: Iterable[Sighting]) -> Resolution:
    """Resolve people across the subject's accounts (see the module docstring)."""
    # Millions of small objects and no cycles among them: the cyclic collector would scan the
    # growing heap again and again for nothing (about 40% of the time at 100k rows).
    with paused_gc():
        return _resolve(accounts, sightings)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (the rows form no cycles; see `resolve`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _resolve(accounts: Sequence[SubjectAccount], sightings: Iterable[Sighting]) -> Resolution:
    by_id = {a.id: a for a in accounts}
    nodes, cov = people(sightings, by_id)
    certain = [n.index for n in nodes if is_certain(n)]
    pairs, skipped, compared = candidate_pairs(nodes)
    reach: dict[int, list[Evidence]] = {}
    matches: list[Match] = []
    for (i, j), found in sorted(pairs.items()):
        a, b = nodes[i], nodes[j]
        if not ((PERSONAL in a.sides and PROFESSIONAL in b.sides)
                or (PROFESSIONAL in a.sides and PERSONAL in b.sides)):
            continue
        for node in (a, b):
            if node.index not in reach:
                reach[node.index] = reach_evidence(node, by_id)
        m = score_pair(a, b, found, reach)
        if m is not None:
            matches.append(m)
    clear_caches()
    return Resolution(by_id, nodes, certain, matches, cov, skipped, compared)


def clear_caches() -> None:
    """Drop the per-string caches of names and handles: a million distinct handles would keep
    their readings in memory after the audit moved on."""
    for f in (_name_reading, readings_of_handle, _name_keys, nm._fold, nm.tokens, nm.handle_tokens,
              nm.first_last, nm.split_compact):
        f.cache_clear()


def coverage(nodes: Sequence[Node]) -> list[ListCoverage]:
    """Per account and connection list: rows, and rows whose person has a handle or a name
    (of these nodes only; `people` also counts the bare rows that made no node)."""
    total: dict[tuple[int, str], int] = defaultdict(int)
    named: dict[tuple[int, str], int] = defaultdict(int)
    for node in nodes:
        for acc, rel in _connection_rows(node):
            total[(acc, rel)] += 1
            if node.resolved:
                named[(acc, rel)] += 1
    return [ListCoverage(acc, rel, n, named[(acc, rel)]) for (acc, rel), n in sorted(total.items())]
