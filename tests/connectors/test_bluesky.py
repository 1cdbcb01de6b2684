"""Bluesky connector: repo CARs (v3 and the v2 layout with history), the MST walk, the real sample."""

from __future__ import annotations

import hashlib
import importlib.util
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import libipld
import pytest

from auditor.errors import MalformedArchive, UnsafeArchive
from auditor.records import (
    AccountRecord,
    ConnectionRecord,
    ContentRecord,
    CoverageRecord,
    ExportRecord,
    InteractionRecord,
    Person,
)
from auditor.sources import Limits, Source
from connectors.bluesky import BlueskyConnector
from connectors.bluesky.car import open_repo, tid_time, walk_mst
from tests.helpers import FIXTURES, zip_folder

HERE = FIXTURES / "archives" / "bluesky"
ARCHIVES = FIXTURES / "archives"
B = "bluesky"
SAMPLE = "bnewbold.robocracy.org.20250310005405.car"


def t(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_car = _load("make_car")


def read(path: Path) -> list[object]:
    with Source.open(path) as src:
        return list(BlueskyConnector().read(src))


@pytest.mark.parametrize("name", ["repo-v3", "repo-v2-history"])
def test_committed_cars_are_what_their_specs_build(name: str) -> None:
    assert (HERE / f"{name}.car").read_bytes() == make_car.build_car(make_car.load_specs()[name])


OWNER = "did:plc:w4xbfzo7kqfes5zb7r6qv3rw"
RIVKA = "did:plc:rivkafictionalaaaaaaaaaa"
RIVKA_POST = f"at://{RIVKA}/app.bsky.feed.post/3letdfrz4222b"


def post(rkey: str, text: str, when: datetime, kind: str = "post", **kw: object) -> ContentRecord:
    return ContentRecord(B, kind, f"at://{OWNER}/app.bsky.feed.post/{rkey}", text, when,  # type: ignore[arg-type]
                         url=f"https://bsky.app/profile/{OWNER}/post/{rkey}", visibility="public",
                         source_file="repo-v3.car", **kw)  # type: ignore[arg-type]


def test_v3_repo_read_whole() -> None:
    assert read(HERE / "repo-v3.car") == [
        AccountRecord(platform=B, native_id=OWNER, display_name="Dana Whitlow, LMFT",
                      bio="Marriage & family therapist. Not a crisis line.", private=False,
                      created_at=t(2024, 12, 1, 9), url=f"https://bsky.app/profile/{OWNER}"),
        ExportRecord(partial=False, generated_at=t(2025, 1, 5),
                     datasets=frozenset({"post", "reply", "share", "like", "following", "blocked"})),
        # MST order: by collection, then by rkey (TIDs sort by time).
        InteractionRecord(B, "like", Person(native_id=RIVKA), "out", RIVKA_POST, t(2025, 1, 3, 10, 4)),
        post("3leqmac3s222b", "Open for new clients in February.", t(2025, 1, 2, 8)),
        post("3letgr3af222b", "Café chat with @rivka.bsky.social about burnout", t(2025, 1, 3, 11),
             mentions=(Person(native_id=RIVKA, handle="rivka.bsky.social"),)),
        post("3leudazobk22b", "Thank you for this!", t(2025, 1, 3, 19, 30), "reply",
             in_reply_to_id=RIVKA_POST, in_reply_to=Person(native_id=RIVKA)),
        post("3levqjgal222b", "Worth a read.", t(2025, 1, 4, 9)),
        ContentRecord(B, "share", f"at://{OWNER}/app.bsky.feed.repost/3letdoq4es22b", "",
                      t(2025, 1, 3, 10, 5), url=f"https://bsky.app/profile/{RIVKA}/post/3letdfrz4222b",
                      visibility="public", source_file="repo-v3.car"),
        ConnectionRecord(B, "blocked", Person(native_id="did:plc:trollfictionalaaaaaaaaaa"),
                         t(2024, 12, 20, 22)),
        ConnectionRecord(B, "following", Person(native_id=RIVKA), t(2024, 12, 2, 9)),
        ConnectionRecord(B, "following", Person(native_id="did:plc:morganfictionalaaaaaaaaa"),
                         t(2024, 12, 3, 9)),
        CoverageRecord("repo-v3.car", "read", "1 block, 2 follow, 1 like, 4 post, 1 profile, 1 repost; "
                       "other collections not read: chat.bsky.actor.declaration (1)", count=9),
    ]


def test_v2_repo_with_history_yields_only_the_current_tree() -> None:
    owner = "did:plc:vtwohistoryfictionalaaaa"
    records = read(HERE / "repo-v2-history.car")
    assert records == [
        AccountRecord(platform=B, native_id=owner, private=False, url=f"https://bsky.app/profile/{owner}"),
        ExportRecord(partial=False, datasets=frozenset({"post", "reply", "share", "like", "following",
                                                        "blocked"})),
        ContentRecord(B, "post", f"at://{owner}/app.bsky.feed.post/3juazqrrbg22b", "Hello, Bluesky.",
                      t(2023, 4, 26, 7, 9, 58),
                      url=f"https://bsky.app/profile/{owner}/post/3juazqrrbg22b", visibility="public",
                      source_file="repo-v2-history.car"),
        ContentRecord(B, "post", f"at://{owner}/app.bsky.feed.post/3jug5i3mk222b", "Second post.",
                      t(2023, 4, 28, 8), url=f"https://bsky.app/profile/{owner}/post/3jug5i3mk222b",
                      visibility="public", source_file="repo-v2-history.car"),
        ConnectionRecord(B, "following", Person(native_id=RIVKA), t(2023, 4, 26, 8)),
        CoverageRecord("repo-v2-history.car", "read", "1 follow, 2 post", count=3),
    ]
    assert "A post deleted since." not in repr(records)


def test_a_car_inside_a_zip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "repo.car").write_bytes((HERE / "repo-v3.car").read_bytes())
    (folder / "README.txt").write_text("my export")
    records = read(zip_folder(folder, tmp_path / "bluesky.zip", top="bluesky-export"))
    assert records[-1] == CoverageRecord("bluesky-export/README.txt", "unrecognized",
                                         "not part of a Bluesky repo export")
    assert sum(isinstance(r, ContentRecord) for r in records) == 5


def test_missing_record_blocks_are_a_warning(tmp_path: Path) -> None:
    spec = make_car.load_specs()["repo-v3"]
    data = bytearray(make_car.build_car(spec))
    # Drop the block of the first post: find its CID and cut the block out of the CAR.
    _, blocks = libipld.decode_car(bytes(data))
    target = next(cid for cid, b in blocks.items()
                  if isinstance(b, dict) and b.get("text") == "Open for new clients in February.")
    block = target + libipld.encode_dag_cbor(blocks[target])
    framed = make_car._varint(len(block)) + block
    start = data.index(framed)
    del data[start:start + len(framed)]
    path = tmp_path / "repo.car"
    path.write_bytes(bytes(data))
    records = read(path)
    assert CoverageRecord("repo.car", "warning", "1 block(s) referenced by the repo tree are missing "
                          "from the CAR (a partial export?)", count=1) in records
    assert sum(isinstance(r, ContentRecord) for r in records) == 4


def test_truncated_car_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "repo.car"
    path.write_bytes((HERE / "repo-v3.car").read_bytes()[:50])
    with pytest.raises(MalformedArchive, match="repo.car"):
        read(path)


def test_car_over_the_memory_cap_is_refused(tmp_path: Path) -> None:
    with Source.open(HERE / "repo-v3.car", Limits(max_member=1000)) as src:
        with pytest.raises(UnsafeArchive, match="cap for reading a repo CAR into memory"):
            list(BlueskyConnector().read(src))


def test_tid_time() -> None:
    assert tid_time("3lexcsqns2222") == t(2025, 1, 5)
    assert tid_time("self") is None
    assert tid_time(None) is None


# -- detection -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["repo-v3.car", "repo-v2-history.car"])
def test_detects_own_fixtures(name: str) -> None:
    with Source.open(HERE / name) as src:
        assert BlueskyConnector().detect(src)


def test_a_car_named_file_that_is_no_car_is_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "vehicle.car").write_text("make,model\nvolvo,240\n")
    with Source.open(tmp_path / "vehicle.car") as src:
        assert not BlueskyConnector().detect(src)


def _other_platforms() -> list[Path]:
    return sorted(v for p in ARCHIVES.iterdir() if p.is_dir() and p.name != B
                  for v in p.iterdir() if v.suffix not in (".py", ".md"))


@pytest.mark.parametrize("path", _other_platforms(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_does_not_claim_other_platforms(path: Path) -> None:
    with Source.open(path) as src:
        assert not BlueskyConnector().detect(src)


# -- the real sample -------------------------------------------------------------------------------

@pytest.mark.samples
def test_real_repo_yields_its_23_posts_and_3_follows(samples_dir: Path) -> None:
    path = samples_dir / "bluesky" / SAMPLE
    records = read(path)
    did = "did:plc:nhxcyu4ewwhl5pqil4dotqjo"
    posts = [r for r in records if isinstance(r, ContentRecord) and r.kind in ("post", "reply")]
    follows = [r for r in records if isinstance(r, ConnectionRecord) and r.relation == "following"]
    assert len(posts) == 23
    assert len(follows) == 3
    assert Counter(r.kind for r in posts) == Counter({"post": 21, "reply": 2})
    assert all(r.native_id.startswith(f"at://{did}/app.bsky.feed.post/") for r in posts)
    assert all(r.url == f"https://bsky.app/profile/{did}/post/{r.native_id.rsplit('/', 1)[1]}"
               for r in posts)
    assert {f.person.native_id for f in follows} == {
        "did:plc:box3ql3jyrlb7ptzh2tnn2aw", "did:plc:xgs3qrwos3dwxmixoflcxrhu",
        "did:plc:prbwplqm3gnq7j6xoieywkfx"}
    assert records[0] == AccountRecord(platform=B, native_id=did, display_name="now roaming free",
                                       bio="yup", private=False, url=f"https://bsky.app/profile/{did}")
    assert sum(isinstance(r, InteractionRecord) and r.kind == "like" for r in records) == 2
    assert sum(isinstance(r, ContentRecord) and r.kind == "share" for r in records) == 1
    assert records[-1] == CoverageRecord(
        SAMPLE, "read", "3 follow, 2 like, 23 post, 1 profile, 1 repost; other collections not read: "
        "blue.linkat.board (1), com.atproto.lexicon.record (1), com.atproto.lexicon.schema (5), "
        "net.bnewbold.demo.mushroom (1)", count=29)


@pytest.mark.samples
def test_real_repo_mst_walk_and_rebuild(samples_dir: Path) -> None:
    data = (samples_dir / "bluesky" / SAMPLE).read_bytes()
    repo = open_repo(data, SAMPLE, SAMPLE)
    entries = list(walk_mst(repo))
    keys = [k for k, _ in entries]
    assert keys == sorted(keys) and len(keys) == 38
    assert not repo.missing
    # Every record block the tree points at is there, and its CID is its hash.
    for _, cid in entries:
        assert cid[4:] == hashlib.sha256(libipld.encode_dag_cbor(repo.blocks[cid])).digest()
    # make_car's MST builder gives the real repo's exact root: the fixtures' trees are faithful.
    top = max(make_car._layer(k) for k in keys)
    assert make_car._build(entries, top, make_car._Blocks()) == repo.data
