"""Identity resolution: who, among the people in a subject's connection lists and interactions,
is the same person on a personal and a professional account.

Three steps, none of which compares all pairs:

1. **People per platform.** Every connection and interaction row is a `Sighting`. Rows of one
   platform that share a native id, a handle or a profile URL are one `Node` (union-find over
   those keys): an X follower known by id only picks up the handle and name of a mention or a
   reply with the same id, and a DM participant id meets the follower with that id. A node
   seen on a personal and on a professional account of the same platform, by id, handle or
   URL, is a `certain` overlap.
2. **Blocking.** Each node emits keys: the compact forms of its names (first+last, both
   orders), of its handles (letters only, and letters with digits), initial+surname forms,
   first names, surname+initial and first+surname-prefix keys for fuzzy comparison, profile
   links and e-mail addresses. Only nodes that share a key are compared, and a key shared by
   too many nodes (a very common name) is skipped and counted, so the cost grows with the
   number of rows, not their product.
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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from rapidfuzz import fuzz

from auditor import names as nm

PERSONAL, PROFESSIONAL = "personal", "professional"

#: A block (one shared key) with more candidate pairs than this is skipped as too common.
BLOCK_CAP = 400
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


@dataclass(frozen=True, slots=True)
class Sighting:
    """One connection or interaction row: a person in one list of one of the subject's accounts."""

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


@dataclass(slots=True)
class Node:
    """One person on one platform, as the subject's rows name them."""

    index: int
    platform: str
    key: str
    native_ids: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    sides: set[str] = field(default_factory=set)

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
    #: Blocks skipped as too common, and the candidate pairs compared.
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
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^(www\.|m\.|mobile\.)", "", u)
    return u.split("#", 1)[0].rstrip("/") or None


def _is_intent_url(url: str) -> bool:
    # X follower lists give "https://twitter.com/intent/user?user_id=123": the id, again.
    return "/intent/user" in url


def build_nodes(sightings: Iterable[Sighting], accounts: dict[int, SubjectAccount]) -> list[Node]:
    """Group each platform's rows into people (union-find over id, handle and URL keys)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    rows: list[tuple[Sighting, tuple[str, str]]] = []
    for s in sightings:
        keys = [(s.platform, k) for k in _keys(s)]
        for k in keys:
            parent.setdefault(k, k)
        root = find(keys[0])
        for k in keys[1:]:
            other = find(k)
            if other != root:
                # The lexically smaller key stays root: stable whatever the row order.
                if other < root:
                    root, other = other, root
                parent[other] = root
        rows.append((s, keys[0]))

    by_root: dict[tuple[str, str], Node] = {}
    nodes: list[Node] = []
    for s, k in rows:
        root = find(k)
        node = by_root.get(root)
        if node is None:
            node = Node(index=len(nodes), platform=s.platform, key="")
            by_root[root] = node
            nodes.append(node)
        node.sightings.append(s)
        _add(node.native_ids, s.native_id)
        _add(node.handles, s.handle.strip().lstrip("@") if s.handle else None)
        _add(node.names, " ".join(s.name.split()) if s.name else None)
        _add(node.urls, s.url)
        role = accounts[s.account_id].role if s.account_id in accounts else "unknown"
        if role in (PERSONAL, PROFESSIONAL):
            node.sides.add(role)
    own_keys, own_names = _own(accounts.values())
    for node in nodes:
        node.key = canonical_key(node)
        if _is_own(node, own_keys, own_names):
            node.sides.clear()  # the subject's own other account (a personal one following the practice)
    return nodes


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
    keys = {s.person_key for s in node.sightings}
    for prefix in ("id:", "handle:", "url:", "name:"):
        found = [k for k in keys if k.startswith(prefix)]
        if found:
            return min(found)
    return min(keys)


def _add(into: list[str], value: str | None) -> None:
    if value and value not in into:
        into.append(value)


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


@lru_cache(maxsize=1 << 18)
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


def block_keys(node: Node, with_self: bool = True) -> list[tuple[str, int, str]]:
    """(key, kind, what it was read from) for the blocking index. `with_self=False` leaves out
    the keys only a profile link can meet (when no row has a link, they would be wasted)."""
    out: list[tuple[str, int, str]] = []
    handles = _all_handles(node)
    for name in node.names:
        r = _name_reading(name)
        if r is not None:
            out.extend(_name_keys(r))
    for handle in handles:
        out.extend(_handle_keys(handle))
    if with_self:
        for handle in node.handles:
            out.append((f"@{node.platform}:{handle.casefold()}", K_SELF, handle))
    for url in node.urls:
        if node.platform == "linkedin" and "linkedin.com/in/" in url:
            continue  # the connection's own profile: its slug is read as a handle above
        link = profile_link(url)
        if link and link[0] != node.platform:
            out.append((f"@{link[0]}:{link[1]}", K_LINK, url))
    for email in emails(node):
        out.append(("mail:" + email, K_EMAIL, email))
    return out


def _name_keys(r: NameReading) -> list[tuple[str, int, str]]:
    if len(r.words) == 1:
        return [(r.words[0], K_SINGLE, r.text)] if len(r.words[0]) >= 3 else []
    first, last, text = r.first or "", r.last or "", r.text
    out = [(first + last, K_NAME, text), (last + first, K_NAME, text)]
    if len(r.words) > 2:
        out.append(("".join(r.words), K_NAME, text))
    if len(first) > 1 and len(last) > 1:
        out += [(first[0] + last, K_INITIAL, text), (first + last[0], K_INITIAL, text),
                (first, K_FIRST, text), (f"~{last}|{first[0]}", K_FUZZY, text),
                (f"~{first}|{last[:3]}", K_FUZZY, text),
                (f"~{last}", K_FUZZY, text)]  # Katherine / Catherine
    return out


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _handle_keys(handle: str) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    local = handle.split("@", 1)[0]
    c = nm.compact(local)
    if len(c) >= 5:
        out.append((c, K_HANDLE, handle))
        if not readings_of_handle(handle):
            out.append((c, K_SINGLE, handle))
    exact = _NOT_ALNUM.sub("", nm.fold(local))
    if len(exact) >= 4:
        out.append(("#" + exact, K_HANDLE_EXACT, handle))
    return out


@lru_cache(maxsize=1 << 18)
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


def candidate_pairs(nodes: Sequence[Node]) -> tuple[dict[tuple[int, int], dict[str, tuple[str, str]]], int, int]:
    """Pairs of nodes on opposite sides that share a blocking key, with the evidence kinds and
    the strings that met; plus the number of blocks skipped as too common and of pairs compared.

    One index per side: a key found on one side only (most of them) costs one lookup."""
    sides: dict[str, dict[str, list[tuple[int, int, str]]]] = {PERSONAL: defaultdict(list),
                                                               PROFESSIONAL: defaultdict(list)}
    with_self = any(node.urls and node.sides for node in nodes)
    for node in nodes:
        if not node.sides:
            continue
        seen: set[tuple[str, int]] = set()
        for key, kind, text in block_keys(node, with_self):
            if (key, kind) not in seen:
                seen.add((key, kind))
                for side in node.sides:
                    sides[side][key].append((node.index, kind, text))
    index_p, index_q = sides[PERSONAL], sides[PROFESSIONAL]
    if len(index_q) < len(index_p):
        shared = [k for k in index_q if k in index_p]
    else:
        shared = [k for k in index_p if k in index_q]
    pairs: dict[tuple[int, int], dict[str, tuple[str, str]]] = defaultdict(dict)
    skipped = compared = 0
    for key in shared:
        personal, professional = index_p[key], index_q[key]
        if len(personal) * len(professional) > BLOCK_CAP:
            # Only pairs whose kinds give evidence count towards the cap (counted by kind, so
            # a block of thousands costs no more than its length to judge).
            kp = Counter(e[1] for e in personal)
            kq = Counter(e[1] for e in professional)
            n_useful = sum(kp[a] * kq[b] for a in kp for b in kq if (a, b) in _PAIR_TABLE)
            if n_useful > BLOCK_CAP:
                skipped += 1
                continue
        for pi, pk, pt in personal:
            for qi, qk, qt in professional:
                ev = _PAIR_TABLE.get((pk, qk))
                if ev is None or pi == qi:
                    continue
                a, b = (pi, qi) if pi < qi else (qi, pi)
                texts = (pt, qt) if pi < qi else (qt, pt)
                compared += 1
                pairs[(a, b)].setdefault(ev, texts)
    return pairs, skipped, compared


def score_pair(a: Node, b: Node, found: dict[str, tuple[str, str]],
               reach: dict[int, list[Evidence]]) -> Match | None:
    """The evidence, confidence and tier of one candidate pair; None below `possible`.

    Confidence = the strongest evidence's weight, +0.05 for each other kind of strong evidence
    (two at most), + how common the name is, - 0.25 for two different accounts of one platform,
    + what the personal account did towards the person; clamped to 0..1. Without strong
    evidence it stays below `likely` (WEAK_CAP).
    """
    evidence: list[Evidence] = []
    for kind, (ta, tb) in found.items():
        if kind == "fuzzy":
            ratio = fuzz.token_sort_ratio(nm.fold(ta), nm.fold(tb))
            if ratio < 85 or ratio == 100:
                continue  # an exact match is "same_name" already
            w = round(_BASE["fuzzy"][0] + (ratio - 90) / 100, 2)
            evidence.append(Evidence(kind, f"similar names: '{ta}' ~ '{tb}' ({ratio:.0f}%)", w, False))
            continue
        if kind in ("same_handle", "same_handle_letters") and _one_word_name((ta, tb)):
            # "maria88" and "maria_" share letters, and thousands of Marias: a first name alone.
            kind = "single_word"
        elif kind == "same_handle_letters" and _digits_differ(ta, tb):
            # "sunnyrunner19" and "sunnyrunner46": two people picked one phrase.
            kind = "handle_digits_differ"
        base, strong = _BASE[kind]
        evidence.append(Evidence(kind, _describe(kind, ta, tb, a, b), base, strong))
    if not evidence:
        return None
    evidence.sort(key=lambda e: (-e.weight, e.kind))
    best = evidence[0]
    lines = [best]
    extras = {e.kind: e for e in evidence[1:] if e.strong and e.kind != best.kind
              and found.get(e.kind) != found.get(best.kind)}
    for extra in list(extras.values())[:2]:
        # Names, handles and LinkedIn slugs usually spell one and the same name: corroboration
        # only counts when it is of another kind (a link or an e-mail besides a name).
        independent = (extra.kind in _INDEPENDENT) != (best.kind in _INDEPENDENT)
        lines.append(Evidence(extra.kind, "also: " + extra.text, 0.05 if independent else 0.0, True))
    if best.kind not in ("email", "profile_link"):
        expected = _expected(found[best.kind] if best.kind in found else _texts_of(best, found), best.kind)
        if expected is not None:
            w = nm.commonness_weight(expected)
            if not best.strong:
                w = min(w, 0.0)
            if w:
                label = "common name" if w < 0 else "rare name"
                lines.append(Evidence("commonness", f"{label}: {nm.describe_count(expected)}", w, False))
    if a.platform == b.platform and not (a.by_name_only and b.by_name_only):
        lines.append(Evidence("distinct_accounts", f"two different {a.platform} accounts", -0.25, False))
    for node in (a, b):
        lines.extend(reach.get(node.index, []))
    confidence = max(0.0, min(1.0, round(sum(e.weight for e in lines), 4)))
    strong = best.strong
    if not strong:
        confidence = min(confidence, WEAK_CAP)
    tier = "likely" if strong and confidence >= LIKELY_AT else "possible" if confidence >= POSSIBLE_AT else None
    if tier is None:
        return None
    return Match(a.index, b.index, tier, confidence, lines)


def _texts_of(best: Evidence, found: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The strings behind evidence whose kind was renamed while scoring (single_word, ...)."""
    for kind in ("same_handle", "same_handle_letters", best.kind):
        if kind in found:
            return found[kind]
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
    nodes = build_nodes(sightings, by_id)
    reach = {n.index: ev for n in nodes if (ev := reach_evidence(n, by_id))}
    certain = [n.index for n in nodes if is_certain(n)]
    pairs, skipped, compared = candidate_pairs(nodes)
    matches: list[Match] = []
    for (i, j), found in sorted(pairs.items()):
        a, b = nodes[i], nodes[j]
        if not ((PERSONAL in a.sides and PROFESSIONAL in b.sides)
                or (PROFESSIONAL in a.sides and PERSONAL in b.sides)):
            continue
        m = score_pair(a, b, found, reach)
        if m is not None:
            matches.append(m)
    return Resolution(by_id, nodes, certain, matches, coverage(nodes), skipped, compared)


def coverage(nodes: Sequence[Node]) -> list[ListCoverage]:
    """Per account and connection list: rows, and rows whose person has a handle or a name."""
    total: dict[tuple[int, str], int] = defaultdict(int)
    named: dict[tuple[int, str], int] = defaultdict(int)
    for node in nodes:
        for s in node.sightings:
            if not s.is_connection:
                continue
            total[(s.account_id, s.relation)] += 1
            if node.resolved:
                named[(s.account_id, s.relation)] += 1
    return [ListCoverage(acc, rel, n, named[(acc, rel)]) for (acc, rel), n in sorted(total.items())]
