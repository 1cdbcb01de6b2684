"""An atproto repository CAR (`com.atproto.sync.getRepo`, the app's "Export my data"): its commit
and its records, found by walking the Merkle Search Tree (`../shared/reference/export-formats.md`
§6.1).

Layout: a CAR v1 header `{version: 1, roots: [<commit CID>]}`, then blocks of DAG-CBOR. The commit
(repo v3, 2024+: `{did, version: 3, data, rev, prev: null, sig}`; v2, 2023: `prev` → the previous
commit, no `rev`, and the CAR carries the history) points at the MST root. An MST node is
`{l: <CID|null>, e: [{p, k, v, t}]}`: each entry's key is `<collection>/<rkey>`, prefix-compressed
against the previous entry of the same node (`p` bytes shared, `k` the rest), `v` the record's
CID and `t` the subtree of keys sorting after it; `l` holds the keys before the first entry.

Only records reachable from the root commit's tree are current: older blocks in a v2 CAR (deleted
or edited records) are history and are not returned.

libipld decodes the CAR whole, so the file is read into memory, capped at `max_car_bytes` (the
`max_car` field of `Limits` when it has one, else `DEFAULT_MAX_CAR`): a repo is small (text and
links; images are blobs outside the CAR), so the cap only stops absurd or hostile input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auditor.errors import MalformedArchive, UnsafeArchive
from auditor.sources import MiB, Source

#: The in-memory cap for one repo CAR; a 100,000-record repo is about 50 MB.
DEFAULT_MAX_CAR = 512 * MiB
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def max_car_bytes(source: Source) -> int:
    """The in-memory cap for a CAR: `Limits.max_car` when defined, never above the member cap."""
    cap = int(getattr(source.limits, "max_car", DEFAULT_MAX_CAR))
    return min(cap, source.limits.max_member)


def read_car_bytes(source: Source, name: str) -> bytes:
    """The CAR member's bytes, refusing one larger than the cap while reading (not trusting the
    size the container declares)."""
    cap = max_car_bytes(source)
    if source.size(name) > cap:
        raise UnsafeArchive(f"{name} is {source.size(name)} bytes, over the {cap}-byte cap for "
                            "reading a repo CAR into memory", path=source.label)
    with source.open_member(name) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise UnsafeArchive(f"{name} is over the {cap}-byte cap for reading a repo CAR into memory",
                            path=source.label)
    return data


@dataclass(slots=True)
class Repo:
    """A decoded repo: the owner's DID, the commit, every block by CID bytes."""

    did: str
    version: int | None
    rev: str | None
    data: bytes
    blocks: dict[bytes, Any]
    #: Keys whose MST node or record block is missing from the CAR (a partial or truncated CAR).
    missing: list[str] = field(default_factory=list)


def open_repo(data: bytes, name: str, label: str) -> Repo:
    """Decode a CAR and its root commit; anything unreadable is a `MalformedArchive`."""
    import libipld

    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, TypeError, OverflowError) as exc:
        raise MalformedArchive(f"{name} is not a readable CAR file ({exc})", path=label) from None
    roots = header.get("roots") if isinstance(header, dict) else None
    if not roots or not isinstance(roots, list):
        raise MalformedArchive(f"{name}: the CAR header names no root", path=label)
    commit = blocks.get(roots[0])
    if not isinstance(commit, dict):
        raise MalformedArchive(f"{name}: the root commit block is missing", path=label)
    did, root = commit.get("did"), commit.get("data")
    if not isinstance(did, str) or not isinstance(root, bytes):
        # Repo v1 (2022) commits pointed at a `root` → `{meta, data}` block; never public.
        raise MalformedArchive(f"{name}: the root block is not a repo commit with `did` and `data` "
                               "(an unknown repo version)", path=label)
    version = commit.get("version") if isinstance(commit.get("version"), int) else None
    rev = commit.get("rev") if isinstance(commit.get("rev"), str) else None
    return Repo(did=did, version=version, rev=rev, data=root, blocks=blocks)


def walk_mst(repo: Repo) -> Iterator[tuple[str, bytes]]:
    """Every (key, record CID) of the repo's tree in key order. Missing nodes go to `repo.missing`;
    a node seen twice (a cycle in hostile input) is walked once."""
    seen: set[bytes] = set()
    # A stack of work: ("node", cid) expands a subtree, ("leaf", key, cid) yields one record.
    stack: list[tuple[str, Any, Any]] = [("node", repo.data, None)]
    while stack:
        what, a, b = stack.pop()
        if what == "leaf":
            yield a, b
            continue
        if a in seen:
            continue
        seen.add(a)
        node = repo.blocks.get(a)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            repo.missing.append("(an MST node)")
            continue
        work: list[tuple[str, Any, Any]] = []
        if isinstance(node.get("l"), bytes):
            work.append(("node", node["l"], None))
        previous = b""
        for entry in node["e"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("k"), bytes):
                continue
            prefix = entry.get("p") if isinstance(entry.get("p"), int) else 0
            key_bytes = previous[:prefix] + entry["k"]
            previous = key_bytes
            key = key_bytes.decode("utf-8", "replace")
            if isinstance(entry.get("v"), bytes):
                work.append(("leaf", key, entry["v"]))
            if isinstance(entry.get("t"), bytes):
                work.append(("node", entry["t"], None))
        stack.extend(reversed(work))


def tid_time(tid: str | None) -> datetime | None:
    """The time inside a TID (a commit `rev`, most rkeys): 53 bits of microseconds since 1970."""
    if not tid or len(tid) != 13 or any(c not in _TID_ALPHABET for c in tid):
        return None
    value = 0
    for c in tid:
        value = value * 32 + _TID_ALPHABET.index(c)
    try:
        return datetime.fromtimestamp((value >> 10) / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
