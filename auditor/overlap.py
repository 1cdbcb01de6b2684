"""Client overlap: people on both a personal and a professional account, and roster clients
connected to a personal account, as overlap entries (DESIGN: JSON `overlap`) and findings.

The audit calls, per subject:

    entries, findings = overlap.compute(session, subject_id, roster)   # roster: Roster | None
    run = run_audit(session, ids, extra_findings={subject_id: findings, ...})
    overlap.persist(session, run.id, subject_id, entries)

`auditor.identity` resolves the people; this module groups them into entries (union-find over
certain nodes, `likely` matches and roster hits), words the explanation, and raises findings:

| rule | when | severity |
|---|---|---|
| `overlap-certain` | same account (id or handle) on a personal and a professional account of one platform | high; medium if the personal account is private |
| `overlap-likely` | same person across platforms or names, `likely` | high if the personal account is public, medium if unknown, low if private |
| `overlap-possible` | at most `possible` (initials, fuzzy, common names) | medium if public, else low |
| `roster-client-connected` | a roster client in a personal account's lists or interactions | critical if public, else high; one tier lower when only a common name matched (`possible`) |
| `personal-messages-client` | a personal account in direct messages with a certain or likely client | high; critical for a roster client |

One finding per personal-side membership: the fingerprint hashes the rule, the platform and the
person key (DESIGN: overlap findings), so a decision survives new archives and re-runs. The
roster reaches none of this: a roster hit is the entry flag and the kind of evidence only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from auditor.codes import resolve
from auditor.db import insert_many
from auditor.findings import Citation, Contribution, Finding, ItemRef, Severity
from auditor.identity import (
    LIKELY_AT,
    NO_SIDES,
    PERSONAL,
    POSSIBLE_AT,
    PROFESSIONAL,
    ListCoverage,
    Match,
    Node,
    Resolution,
    Sighting,
    SubjectAccount,
    emails,
    is_certain,
    paused_gc,
)
from auditor.identity import (
    resolve as resolve_identities,
)
from auditor.models import OverlapRow
from auditor.roster import Roster, RosterHit, looks_like_phone

TIERS: tuple[str, ...] = ("certain", "likely", "possible")
_TIER_RANK = {"certain": 3, "likely": 2, "possible": 1}
RULE_IDS: tuple[str, ...] = ("overlap-certain", "overlap-likely", "overlap-possible",
                             "roster-client-connected", "personal-messages-client")
#: Multiple-relationship sections (ethics-codes.md §2.2), and personal technology contact.
CITE_OVERLAP = ["ACA:A.5.e", "ACA:A.6.e", "APA:3.05", "NASW:1.06(c)", "NASW:1.06(h)", "AAMFT:1.3"]
CITE_MESSAGES = ["ACA:A.5.e", "APA:3.05", "NASW:1.06(e)", "NASW:1.06(h)", "AAMFT:1.3"]
#: Confidence of a certain overlap: the same native id, or the same handle (renames happen).
CERTAIN_BY_ID = 0.98
CERTAIN_BY_HANDLE = 0.95
#: A roster entry's name on a connection: a client's name is telling, unless thousands share it.
ROSTER_BY_NAME = 0.82


@dataclass(frozen=True, slots=True)
class Membership:
    """Where a person appears: one list (or interaction kind) of one of the subject's accounts."""

    platform: str
    handle: str | None
    name: str | None
    native_id: str | None
    account: str | None
    account_role: str
    relation: str

    def as_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, "handle": self.handle, "name": self.name,
                "native_id": self.native_id, "account": self.account,
                "account_role": self.account_role, "relation": self.relation}


@dataclass(frozen=True, slots=True)
class Overlap:
    """One overlap entry: a person on both sides, or a roster client on a personal account."""

    person: str
    tier: str
    confidence: float
    roster_match: bool
    memberships: tuple[Membership, ...]
    explanation: tuple[str, ...]
    fingerprints: tuple[str, ...] = ()
    remediation: str = ""


@dataclass(slots=True)
class OverlapResult:
    """Everything one subject's overlap computed. `roster_entries` stays in memory only."""

    entries: list[Overlap]
    findings: list[Finding]
    coverage: list[ListCoverage]
    resolution: Resolution
    #: Positions of roster entries found on a personal account (for evaluation; never stored).
    roster_entries: set[int] = field(default_factory=set)


# -- reading the subject ------------------------------------------------------------------------


@dataclass(slots=True)
class Inputs:
    """What overlap reads of one subject, through the analyzer's read-only context."""

    accounts: list[SubjectAccount]
    #: A stream of the subject's non-deleted connection and interaction rows.
    sightings: Iterator[Sighting]
    codes: list[str]
    #: The subject's own name: a person of that name is the subject, not a client.
    self_names: list[str]


def load(session: Session, subject_id: int) -> Inputs:
    """The subject's accounts, connection and interaction rows, and codes to cite."""
    from auditor.analyzer.context import AnalysisContext

    ctx = AnalysisContext(session, subject_id)
    accounts = [SubjectAccount(a.id, a.platform, a.handle or a.display_name, a.role, a.private,
                               a.handle, a.native_id, a.display_name) for a in ctx.accounts]

    def sightings() -> Iterator[Sighting]:
        # From the rows themselves (hundreds of thousands): a view per row would be built only
        # to be taken apart here.
        for _id, acc, platform, relation, key, nid, handle, name, url, created in ctx.connection_rows():
            yield Sighting(acc, platform, relation, "", key, nid, handle, name, url, created)
        for _id, acc, platform, kind, direction, key, nid, handle, name, created in ctx.interaction_people_rows():
            yield Sighting(acc, platform, kind, direction or "out", key, nid, handle, name, None, created)

    return Inputs(accounts, sightings(), list(ctx.codes), [ctx.subject.name] if ctx.subject.name else [])


def compute(session: Session, subject_id: int, roster: Roster | None = None) -> tuple[list[Overlap], list[Finding]]:
    """Overlap entries and dual_relationship findings for one subject (nothing is written)."""
    result = analyze(session, subject_id, roster)
    return result.entries, result.findings


def analyze(session: Session, subject_id: int, roster: Roster | None = None) -> OverlapResult:
    """`compute`, with the resolution and the list coverage too."""
    inputs = load(session, subject_id)
    return compute_from(inputs.accounts, inputs.sightings, roster=roster, codes=inputs.codes,
                        self_names=inputs.self_names)


def list_coverage(session: Session, subject_id: int) -> list[ListCoverage]:
    """How much of each connection list of the subject's accounts names a person (a handle or a
    name) after resolution: X follower lists hold ids only, and mentions, replies and DMs name
    some of them."""
    from auditor.identity import people

    inputs = load(session, subject_id)
    return people(inputs.sightings, {a.id: a for a in inputs.accounts})[1]


# -- computing ---------------------------------------------------------------------------------


class _Groups:
    """Union-find over node indices and roster pseudo-nodes (offset by the node count)."""

    def __init__(self, n: int) -> None:
        self.parent: dict[int, int] = {}
        self.n = n

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def compute_from(accounts: Sequence[SubjectAccount], sightings: Iterable[Sighting], *,
                 roster: Roster | None = None, codes: Sequence[str] = (),
                 self_names: Sequence[str] = ()) -> OverlapResult:
    """The pure core: resolve, group, word the entries and findings."""
    with paused_gc():
        return _compute(accounts, sightings, roster, codes, self_names)


def _compute(accounts: Sequence[SubjectAccount], sightings: Iterable[Sighting], roster: Roster | None,
             codes: Sequence[str], self_names: Sequence[str]) -> OverlapResult:
    res = resolve_identities(accounts, sightings)
    if self_names:
        _drop_self(res, self_names)
    nodes = res.nodes
    groups = _Groups(len(nodes))
    edges: dict[int, list[Match]] = defaultdict(list)
    for m in res.matches:
        if m.tier == "likely":
            groups.union(m.a, m.b)
        edges[m.a].append(m)
        edges[m.b].append(m)
    hits: dict[int, list[RosterHit]] = {}
    if roster is not None and len(roster):
        for node in nodes:
            if not node.sides:
                continue
            found = roster_hits(roster, node)
            if found:
                hits[node.index] = found
                for h in found:
                    groups.union(node.index, len(nodes) + h.entry)

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        if nodes[i].sides:
            members[groups.find(i)].append(i)
    entries: list[_Draft] = []
    covered: set[int] = set()
    roster_found: set[int] = set()
    for idx in members.values():
        group = [nodes[i] for i in idx]
        sides = set().union(*(n.sides for n in group))
        group_hits = [h for i in idx for h in hits.get(i, [])]
        on_personal = any(PERSONAL in n.sides for n in group)
        if group_hits and on_personal:
            roster_found.update(h.entry for n in group if PERSONAL in n.sides for h in hits.get(n.index, []))
        if PERSONAL in sides and PROFESSIONAL in sides:
            entries.append(_two_sided(group, edges, group_hits, res))
            covered.update(idx)
        elif group_hits and on_personal:
            entries.append(_roster_only(group, group_hits, res))
            covered.update(idx)
    # `possible` matches between groups that found nothing stronger: the best one per person.
    best_possible: dict[int, Match] = {}
    for m in res.matches:
        if m.tier != "possible" or m.a in covered or m.b in covered:
            continue
        personal = m.a if PERSONAL in nodes[m.a].sides else m.b
        old = best_possible.get(personal)
        if old is None or (m.confidence, -m.a, -m.b) > (old.confidence, -old.a, -old.b):
            best_possible[personal] = m
    for personal, m in sorted(best_possible.items()):
        if personal in covered:
            continue
        entries.append(_possible(nodes[m.a], nodes[m.b], m, res))
        covered.update((m.a, m.b))

    entries.sort(key=lambda d: (not d.roster_match, -_TIER_RANK[d.tier], -d.confidence, d.person))
    findings: list[Finding] = []
    final: list[Overlap] = []
    for d in entries:
        fs = _findings(d, res, codes)
        findings.extend(fs)
        final.append(Overlap(d.person, d.tier, round(d.confidence, 4), d.roster_match, tuple(d.memberships),
                             tuple(c.render() for c in d.lines), tuple(f.fingerprint for f in fs),
                             d.remediation))
    return OverlapResult(final, findings, res.coverage, res, roster_found)


def _drop_self(res: Resolution, self_names: Sequence[str]) -> None:
    from auditor import names as nm

    own = {" ".join(nm.tokens(n)) for n in self_names if len(nm.tokens(n)) >= 2}
    for node in res.nodes:
        if node.by_name_only and any(" ".join(nm.tokens(n)) in own for n in node.names):
            node.sides = NO_SIDES
    res.certain = [i for i in res.certain if res.nodes[i].sides]
    res.matches = [m for m in res.matches if res.nodes[m.a].sides and res.nodes[m.b].sides]


def roster_hits(roster: Roster, node: Node) -> list[RosterHit]:
    """Roster entries the person matches by name, handle, e-mail or phone."""
    texts = [*node.handles, *node.names]
    return roster.match(node.platform, names=node.names, handles=node.handles, emails=emails(node),
                        phones=[t for t in texts if looks_like_phone(t)])


# -- entries ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    person: str
    tier: str
    confidence: float
    roster_match: bool
    nodes: list[Node]
    lines: list[Contribution]
    memberships: list[Membership] = field(default_factory=list)
    remediation: str = ""
    #: Evidence kinds of the roster hits (for the findings' wording).
    roster_evidence: list[str] = field(default_factory=list)


def _certain_line(node: Node, res: Resolution) -> Contribution:
    by = "native id" if node.native_id and node.key.startswith("id:") else "handle"
    weight = CERTAIN_BY_ID if by == "native id" else CERTAIN_BY_HANDLE
    ident = node.native_id if by == "native id" else node.handle
    return Contribution(f"same {node.platform} account ({by}) in lists of a personal and a professional account",
                        ident, weight)


def _reach_lines(group: Sequence[Node], res: Resolution) -> list[Contribution]:
    from auditor.identity import reach_evidence

    out: list[Contribution] = []
    total = 0.0
    for node in group:
        for e in reach_evidence(node, res.accounts):
            w = max(0.0, min(e.weight, round(0.15 - total, 2)))
            total += w
            out.append(Contribution(e.text, None, w))
    return out


def _roster_line(hits: Sequence[RosterHit]) -> tuple[Contribution, float, str]:
    """The strongest roster evidence as a line, its confidence and its tier."""
    from auditor import names as nm

    best = min(hits, key=lambda h: (not h.exact, h.entry))
    if best.exact:
        return Contribution(best.evidence, None, 0.97), 0.97, "certain"
    penalty = min(0.0, nm.commonness_weight(best.expected)) if best.expected is not None else 0.0
    conf = round(ROSTER_BY_NAME + penalty, 2)
    return Contribution(best.evidence, None, conf), conf, ("likely" if conf >= LIKELY_AT else "possible")


def _two_sided(group: list[Node], edges: dict[int, list[Match]], hits: list[RosterHit],
               res: Resolution) -> _Draft:
    ids = {n.index for n in group}
    certain_nodes = [n for n in group if is_certain(n)]
    lines: list[Contribution] = []
    if certain_nodes:
        tier = "certain"
        line = max((_certain_line(n, res) for n in certain_nodes), key=lambda c: c.weight)
        lines.append(line)
        base = line.weight
        links = [m for n in group for m in edges[n.index] if m.a in ids and m.b in ids and m.tier == "likely"]
        for m in sorted(links, key=lambda m: -m.confidence)[:1]:
            lines.append(Contribution("also: " + m.evidence[0].text, None, 0.0))
    else:
        links = [m for n in group for m in edges[n.index] if m.a in ids and m.b in ids and m.tier == "likely"]
        if links:
            best = max(links, key=lambda m: (m.confidence, -m.a, -m.b))
            tier = "likely"
            lines.extend(Contribution(e.text, None, e.weight) for e in best.evidence if e.kind != "reach")
            base = sum(e.weight for e in best.evidence if e.kind != "reach")
        else:  # joined through a roster entry only
            line, base, tier = _roster_line(hits)
            lines.append(line)
    reach = _reach_lines(group, res)
    lines.extend(reach)
    confidence = min(1.0, max(0.0, base + sum(c.weight for c in reach)))
    if hits and not any(c.label in {h.evidence for h in hits} for c in lines):
        line, rconf, rtier = _roster_line(hits)
        lines.append(Contribution(line.label, None, 0.0))
        if _TIER_RANK[rtier] > _TIER_RANK[tier]:
            tier, confidence = rtier, max(confidence, rconf)
    draft = _Draft(_person(group), tier, confidence, bool(hits), group, lines)
    draft.roster_evidence = sorted({h.evidence for h in hits})
    _finish(draft, res)
    return draft


def _roster_only(group: list[Node], hits: list[RosterHit], res: Resolution) -> _Draft:
    line, conf, tier = _roster_line(hits)
    lines = [line, *_reach_lines(group, res)]
    confidence = min(1.0, conf + sum(c.weight for c in lines[1:]))
    draft = _Draft(_person(group), tier, confidence, True, group, lines)
    draft.roster_evidence = sorted({h.evidence for h in hits})
    _finish(draft, res)
    return draft


def _possible(a: Node, b: Node, m: Match, res: Resolution) -> _Draft:
    lines = [Contribution(e.text, None, e.weight) for e in m.evidence]
    draft = _Draft(_person([a, b]), "possible", m.confidence, False, [a, b], lines)
    _finish(draft, res)
    return draft


def _person(group: Sequence[Node]) -> str:
    """A display name if any side gives one (the longest, then alphabetical), else @handle, else id."""
    # More words first, then a spelling with diacritics (the source's own, not a folded one).
    names = sorted({n for node in group for n in node.names},
                   key=lambda s: (-len(s.split()), s.isascii(), s))
    if names:
        return names[0]
    handles = sorted({h for node in group for h in node.handles})
    if handles:
        return "@" + handles[0]
    return group[0].label()


def _finish(draft: _Draft, res: Resolution) -> None:
    draft.memberships = memberships(draft.nodes, res)
    draft.confidence = round(min(1.0, max(POSSIBLE_AT if draft.tier == "possible" else 0.0, draft.confidence)), 4)
    draft.remediation = remediation(draft, res)


def memberships(nodes: Sequence[Node], res: Resolution) -> list[Membership]:
    """One membership per (person row, account, list): as the source names the person."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Membership] = []
    for node in nodes:
        for s in sorted(node.sightings, key=lambda s: (not s.is_connection, s.account_id, s.relation)):
            acc = res.accounts.get(s.account_id)
            if acc is None or acc.role not in (PERSONAL, PROFESSIONAL):
                continue
            key = (node.index, s.account_id, s.relation, s.native_id, s.handle, s.name)
            if key in seen:
                continue
            seen.add(key)
            out.append(Membership(s.platform, s.handle, s.name, s.native_id, acc.label, acc.role, s.relation))
    out.sort(key=lambda m: (m.account_role != PERSONAL, m.platform, m.account or "", m.relation,
                            m.handle or "", m.name or "", m.native_id or ""))
    return out


_UNDO = {
    "follower": "remove or restrict this follower on the personal {platform} account",
    "following": "unfollow them from the personal {platform} account",
    "friend": "unfriend them on the personal {platform} account (or put them on the Restricted list)",
    "connection": "remove the connection on the personal {platform} account",
    "subscriber": "remove this subscriber from the personal {platform} account",
    "message": "stop personal direct messages with them on {platform}",
}


def remediation(draft: _Draft, res: Resolution) -> str:
    """What to do: undo each personal-side link, then the policy step."""
    steps: list[str] = []
    for m in draft.memberships:
        if m.account_role != PERSONAL:
            continue
        text = _UNDO.get(m.relation)
        if text is None and m.relation in ("like", "comment", "reply", "mention", "tag"):
            text = "stop liking, commenting on or mentioning their posts from the personal {platform} account"
        if text:
            step = text.format(platform=_platform_label(m.platform))
            if step not in steps:
                steps.append(step)
    if not steps:
        steps.append("keep the personal accounts out of contact with this person")
    if draft.roster_match:
        tail = ("This person is on the client roster: keep the contact professional only, and say in the "
                "informed consent and social media policy that you do not connect with clients on personal "
                "accounts (ACA H.6.b; NASW 1.06(h)).")
    elif draft.tier == "possible":
        tail = "First check whether this is the same person and a client; if not, dismiss the finding."
    else:
        tail = ("If this person is or was a client, make the personal account private and review its "
                "followers; state in the social media policy that you do not connect with clients on "
                "personal accounts.")
    return "; ".join(s[0].upper() + s[1:] if i == 0 else s for i, s in enumerate(steps)) + ". " + tail


def _platform_label(platform: str) -> str:
    return {"twitter": "X", "linkedin": "LinkedIn", "tiktok": "TikTok"}.get(platform, platform.capitalize())


# -- findings -----------------------------------------------------------------------------------


def exposure(node: Node, res: Resolution) -> str:
    """public, unknown or private: the most exposed personal account the person is on."""
    seen = set()
    for s in node.sightings:
        acc = res.accounts.get(s.account_id)
        if acc is not None and acc.role == PERSONAL:
            seen.add("public" if acc.private is False else "private" if acc.private else "unknown")
    for level in ("public", "unknown", "private"):
        if level in seen:
            return level
    return "unknown"


def severity(rule: str, tier: str, exposure_level: str) -> Severity:
    """DESIGN: by tier and by the personal account's exposure; higher for roster clients."""
    if rule == "roster-client-connected":
        if tier == "possible":  # a common name on the roster: check before alarming
            return Severity.HIGH if exposure_level == "public" else Severity.MEDIUM
        return Severity.CRITICAL if exposure_level == "public" else Severity.HIGH
    if rule == "personal-messages-client":
        return Severity.HIGH
    table = {
        "certain": {"public": Severity.HIGH, "unknown": Severity.HIGH, "private": Severity.MEDIUM},
        "likely": {"public": Severity.HIGH, "unknown": Severity.MEDIUM, "private": Severity.LOW},
        "possible": {"public": Severity.MEDIUM, "unknown": Severity.LOW, "private": Severity.LOW},
    }
    return table[tier][exposure_level]


def _findings(d: _Draft, res: Resolution, codes: Sequence[str]) -> list[Finding]:
    out: list[Finding] = []
    others = [n for n in d.nodes if PROFESSIONAL in n.sides]
    for node in d.nodes:
        if PERSONAL not in node.sides:
            continue
        level = exposure(node, res)
        rule = "roster-client-connected" if d.roster_match else f"overlap-{d.tier}"
        out.append(_finding(rule, d, node, others, level, res, codes))
        messages = [s for s in node.sightings if s.relation == "message"
                    and res.accounts.get(s.account_id, None) is not None
                    and res.accounts[s.account_id].role == PERSONAL]
        if messages and (d.roster_match or d.tier in ("certain", "likely")):
            out.append(_finding("personal-messages-client", d, node, others, level, res, codes))
    return out


def _finding(rule: str, d: _Draft, node: Node, others: list[Node], level: str, res: Resolution,
             codes: Sequence[str]) -> Finding:
    personal = [s for s in node.sightings if res.accounts.get(s.account_id) is not None
                and res.accounts[s.account_id].role == PERSONAL]
    if rule == "personal-messages-client":
        personal = [s for s in personal if s.relation == "message"] or personal
    personal.sort(key=lambda s: (not s.is_connection, s.account_id, s.relation))
    first = personal[0]
    acc = res.accounts[first.account_id]
    sev = severity(rule, d.tier, level)
    if rule == "personal-messages-client" and d.roster_match:
        sev = Severity.CRITICAL
    who = node.label()
    where = f"the personal {_platform_label(acc.platform)} account {acc.label or ''}".rstrip()
    rel = _relation_words(first)
    other_text = _others_text(others, res)
    evidence = ", ".join(d.roster_evidence) if d.roster_evidence else ""
    if rule == "roster-client-connected":
        message = f"{who} ({rel} {where}) matches a client on the roster: {evidence}."
    elif rule == "personal-messages-client":
        message = f"{where[0].upper() + where[1:]} exchanges direct messages with {who}, " + (
            "a client on the roster." if d.roster_match else f"{_tier_phrase(d.tier)} a client-side contact{other_text}.")
    elif d.tier == "certain":
        message = f"{who} is {rel} {where} and also in the lists of the professional account{other_text}."
    elif d.tier == "likely":
        message = f"{who} ({rel} {where}) is likely the same person as a professional-side contact{other_text}."
    else:
        message = f"{who} ({rel} {where}) may be the same person as a professional-side contact{other_text}."
    contributions = list(d.lines)
    contributions.append(Contribution(f"personal account exposure: {level}", None, 0.0))
    excerpt = "; ".join(_membership_text(m) for m in d.memberships[:6])
    cites = CITE_MESSAGES if rule == "personal-messages-client" else CITE_OVERLAP
    created = min((s.created_at for s in personal if s.created_at), default=None)
    url = node.url if node.url and node.url.startswith(("http://", "https://")) and "/intent/" not in node.url else None
    return Finding(
        rule_id=rule, category="dual_relationship", severity=sev, score=round(d.confidence, 4),
        message=message, item=ItemRef("connection", node.platform, node.native_id or node.handle, url, created),
        account_id=acc.id if acc.id >= 0 else None, excerpt=excerpt, spans=(),
        contributions=tuple(contributions), citations=_citations(tuple(cites), tuple(codes)),
        remediation=d.remediation, identity=node.key, tags=("overlap",),
    )


@lru_cache(maxsize=64)
def _citations(cites: tuple[str, ...], codes: tuple[str, ...]) -> tuple[Citation, ...]:
    """The same few citations for thousands of findings: resolved once."""
    return resolve(cites, list(codes))


def _relation_words(s: Sighting) -> str:
    if s.is_connection:
        return {"follower": "a follower of", "following": "followed by", "friend": "a friend of",
                "connection": "a connection of", "subscriber": "a subscriber of"}.get(s.relation, f"{s.relation} of")
    verb = {"message": "in direct messages with", "like": "liked by", "comment": "commented on by",
            "reply": "replied to by", "mention": "mentioned by", "tag": "tagged by"}
    if s.direction == "out":
        return verb.get(s.relation, f"{s.relation} from")
    return {"message": "in direct messages with", "comment_received": "commenting on",
            "mention": "mentioning", "reply": "replying to", "like": "liking", "tag": "tagging"}.get(
        s.relation, f"{s.relation} to")


def _tier_phrase(tier: str) -> str:
    return {"certain": "certainly", "likely": "likely", "possible": "possibly"}[tier]


def _others_text(others: list[Node], res: Resolution) -> str:
    for n in others:
        for s in n.sightings:
            acc = res.accounts.get(s.account_id)
            if acc is not None and acc.role == PROFESSIONAL:
                return (f" ({n.label()}, {_relation_words(s)} the professional {_platform_label(acc.platform)} "
                        f"account {acc.label or ''})").replace(" )", ")")
    return ""


def _membership_text(m: Membership) -> str:
    who = f"@{m.handle}" if m.handle else (m.name or (f"id {m.native_id}" if m.native_id else "?"))
    return f"{m.account_role} {_platform_label(m.platform)} {m.relation}: {who}"


# -- persistence --------------------------------------------------------------------------------


def persist(session: Session, run_id: int, subject_id: int, entries: Sequence[Overlap]) -> None:
    """Store a run's overlap entries for one subject (replacing any stored for that pair)."""
    session.execute(delete(OverlapRow).where(OverlapRow.run_id == run_id, OverlapRow.subject_id == subject_id))
    # In order, through the DB-API's executemany (db.insert_many), not an ORM object per row:
    # 7,500 rows took 1.8 s as objects, 0.8 through Core.
    insert_many(session.connection(), OverlapRow.__table__, [
        {"run_id": run_id, "subject_id": subject_id, "position": i, "person": e.person, "tier": e.tier,
         "confidence": e.confidence, "roster_match": e.roster_match,
         "memberships": [m.as_dict() for m in e.memberships], "explanation": list(e.explanation),
         "fingerprints": list(e.fingerprints), "remediation": e.remediation}
        for i, e in enumerate(entries)])


def summary(result: OverlapResult) -> dict[str, int]:
    """Counts for a CLI line: entries by tier, roster matches, unresolved list rows."""
    out = dict.fromkeys(TIERS, 0)
    for e in result.entries:
        out[e.tier] += 1
    out["roster_matches"] = sum(1 for e in result.entries if e.roster_match)
    out["unresolved"] = sum(c.unresolved for c in result.coverage)
    return out


def tier_of(confidence: float, strong: bool) -> str | None:
    """The tier a confidence reaches (exposed for tests and tooling)."""
    if strong and confidence >= LIKELY_AT:
        return "likely"
    return "possible" if confidence >= POSSIBLE_AT else None
