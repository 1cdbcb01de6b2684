"""Source: every container kind, streaming caps, and refusal of hostile member paths."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from auditor.errors import MalformedArchive, UnsafeArchive
from auditor.sources import Limits, Source


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


MEMBERS = {"top/data/a.js": b"hello", "top/data/sub/b.json": b'{"x": 1}'}


@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_every_container_lists_and_streams_members(tmp_path: Path, kind: str) -> None:
    if kind == "zip":
        path = _zip(tmp_path / "a.zip", MEMBERS)
    elif kind == "tar":
        path = _tar(tmp_path / "a.tar.gz", MEMBERS)
    else:
        path = tmp_path / "folder"
        for name, data in MEMBERS.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    with Source.open(path) as src:
        assert src.kind == kind
        assert sorted(src.names()) == sorted(MEMBERS)
        assert src.read_bytes("top/data/a.js") == b"hello"
        assert src.find(r"(^|/)data/sub/b\.json$") == ["top/data/sub/b.json"]
        assert src.glob("*/data/*.js") == ["top/data/a.js"]
        assert src.size("top/data/a.js") == 5
        assert len(src.digest()) == 64


def test_single_file_is_a_source_of_one_member(tmp_path: Path) -> None:
    f = tmp_path / "tweets.js"
    f.write_text("window.YTD.tweets.part0 = []")
    with Source.open(f) as src:
        assert src.kind == "file"
        assert src.names() == ["tweets.js"]


@pytest.mark.parametrize("bad", ["../evil.txt", "data/../../evil.txt", "/etc/passwd", "C:/win.ini"])
def test_zip_with_escaping_member_is_refused(tmp_path: Path, bad: str) -> None:
    path = _zip(tmp_path / "evil.zip", {"data/ok.js": b"x", bad: b"y"})
    with pytest.raises(UnsafeArchive) as exc:
        Source.open(path)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("bad", ["../evil.txt", "/abs/evil.txt"])
def test_tar_with_escaping_member_is_refused(tmp_path: Path, bad: str) -> None:
    path = _tar(tmp_path / "evil.tar.gz", {bad: b"y"})
    with pytest.raises(UnsafeArchive):
        Source.open(path)


def test_tar_with_symlink_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo("data/link")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(UnsafeArchive, match="link"):
        Source.open(path)


def test_symlink_in_folder_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "real.txt").write_text("ok")
    os.symlink("/etc/passwd", folder / "passwd")
    with Source.open(folder) as src:
        assert src.names() == ["real.txt"]


def test_zip_bomb_is_refused_when_opened(tmp_path: Path) -> None:
    # 11 MiB of zeros deflates to about 11 KiB: past the 10 MiB floor at a ratio near 1000:1.
    path = _zip(tmp_path / "bomb.zip", {"data/tweets.js": b"\0" * (11 * 1024 * 1024)})
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        Source.open(path)


def test_ratio_cap_is_configurable(tmp_path: Path) -> None:
    path = _zip(tmp_path / "small.zip", {"a.txt": b"a" * 200_000})
    with pytest.raises(UnsafeArchive):
        Source.open(path, Limits(ratio_floor=1000, max_ratio=10))
    with Source.open(path) as src:
        assert len(src.read_bytes("a.txt")) == 200_000


def test_caps_are_checked_again_while_streaming(tmp_path: Path) -> None:
    # A tar.gz compresses as a whole, so its members are capped as they inflate.
    path = _tar(tmp_path / "big.tar.gz", {"a.json": b"x" * 300_000, "b.json": b"y" * 300_000})
    with Source.open(path, Limits(max_total=400_000)) as src:
        src.read_bytes("a.json")
        with pytest.raises(UnsafeArchive, match="total cap"):
            src.read_bytes("b.json")


def test_total_cap_counts_every_member(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"m{i}.txt": os.urandom(1000) for i in range(5)})
    with pytest.raises(UnsafeArchive, match="total cap"):
        Source.open(path, Limits(max_total=3000))


def test_member_cap_applies_to_declared_size(tmp_path: Path) -> None:
    path = _zip(tmp_path / "big.zip", {"a.txt": os.urandom(5000)})
    with pytest.raises(UnsafeArchive, match="member cap"):
        Source.open(path, Limits(max_member=4000))


def test_truncated_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = _zip(tmp_path / "full.zip", {"data/tweets.js": os.urandom(50_000)})
    data = path.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MalformedArchive, match="truncated"):
        Source.open(cut)


def test_truncated_tar_is_a_clear_error(tmp_path: Path) -> None:
    path = _tar(tmp_path / "full.tar.gz", {"outbox.json": os.urandom(50_000)})
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(MalformedArchive):
        with Source.open(cut) as src:
            src.read_bytes("outbox.json")


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bad.zip", {"data/account.js": b"\xff\xfe\xfa not utf8"})
    with Source.open(path) as src, pytest.raises(MalformedArchive, match="not valid UTF-8"):
        src.read_text("data/account.js")


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MalformedArchive, match="no such file"):
        Source.open(tmp_path / "nope.zip")
