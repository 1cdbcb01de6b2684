"""Hostile archives through the CLI: one line naming the file and the problem, exit 3, no
traceback, and the database exactly as it was.

tests/test_end_to_end.py already covers a truncated zip, a `..` zip member, a declared zip bomb
and malformed JSON half-way through tweets.js; tests/test_sources.py the same cases at the
`Source` level. This module covers every other case of issue 10 end to end.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.security.conftest import (
    DEMO,
    Cli,
    assert_one_clean_error,
    dump,
    read_ytd,
    write_ytd,
)

MiB = 1024 * 1024


# -- container builders ----------------------------------------------------------------------------

def _zip_with(path: Path, base: Path, extra: dict[str | zipfile.ZipInfo, bytes]) -> Path:
    """A zip of the demo folder `base` plus `extra` members (names written as given)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(base.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(base).as_posix())
        for name, data in extra.items():
            zf.writestr(name, data)
    return path


def _tar_with(path: Path, base: Path, extra: list[tuple[tarfile.TarInfo, bytes | None]],
              mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:  # type: ignore[call-overload]
        for f in sorted(base.rglob("*")):
            if f.is_file():
                tf.add(f, f.relative_to(base).as_posix())
        for info, data in extra:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _tar_member(name: str, kind: bytes = tarfile.REGTYPE, *, linkname: str = "",
                data: bytes | None = None) -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    if data is not None:
        info.size = len(data)
    return info, data


def _patch_zip_member(path: Path, member: str, patch: Callable[[bytearray, int, int], None]) -> Path:
    """Patch one member's local header and central directory entry (given by offset) in place."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
        local = info.header_offset
    # The central directory entry of `member`, found by its name.
    name = member.encode()
    pos = 0
    while True:
        pos = raw.find(b"PK\x01\x02", pos)
        assert pos >= 0, member
        n = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46: pos + 46 + n] == name:
            central = pos
            break
        pos += 4
    patch(raw, local, central)
    path.write_bytes(bytes(raw))
    return path


# -- the cases -------------------------------------------------------------------------------------
# Each builder returns (archive, what the error line must say). Every archive holds Dana's
# professional X account otherwise, so a failure that slipped through would add rows.

PRO = DEMO / "dana-professional-x"


def zip_absolute(tmp: Path) -> tuple[Path, str]:
    return _zip_with(tmp / "absolute.zip", PRO, {"/tmp/evil.js": b"x"}), "absolute path"


def zip_drive_letter(tmp: Path) -> tuple[Path, str]:
    return _zip_with(tmp / "drive.zip", PRO, {"C:/Windows/evil.js": b"x"}), "absolute path"


def zip_backslash_traversal(tmp: Path) -> tuple[Path, str]:
    path = _zip_with(tmp / "backslash.zip", PRO, {"abcdefghi.js": b"x"})
    # zipfile writes "/" only; a Windows tool writes "..\\..\\evl.js": patch the stored name
    # (same length) in the local header and the central directory.
    raw = path.read_bytes()
    assert raw.count(b"abcdefghi.js") == 2
    path.write_bytes(raw.replace(b"abcdefghi.js", b"..\\..\\evl.js"))
    return path, "outside the archive"


def zip_symlink(tmp: Path) -> tuple[Path, str]:
    info = zipfile.ZipInfo("data/evil-link.js")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _zip_with(tmp / "symlink.zip", PRO, {info: b"/etc/passwd"}), "symbolic link"


def tar_dotdot(tmp: Path) -> tuple[Path, str]:
    return _tar_with(tmp / "dotdot.tar.gz", PRO, [_tar_member("data/../../evil.js", data=b"x")]), \
        "outside the archive"


def tar_absolute(tmp: Path) -> tuple[Path, str]:
    return _tar_with(tmp / "absolute.tar.gz", PRO, [_tar_member("/etc/cron.d/evil", data=b"x")]), \
        "absolute path"


def tar_symlink(tmp: Path) -> tuple[Path, str]:
    return _tar_with(tmp / "symlink.tar.gz", PRO,
                     [_tar_member("data/follower.js", tarfile.SYMTYPE, linkname="/etc/passwd")]), "is a link"


def tar_hardlink(tmp: Path) -> tuple[Path, str]:
    return _tar_with(tmp / "hardlink.tar", PRO,
                     [_tar_member("data/like.js", tarfile.LNKTYPE, linkname="/etc/shadow")], "w"), "is a link"


def tar_device(tmp: Path) -> tuple[Path, str]:
    return _tar_with(tmp / "device.tar.gz", PRO, [_tar_member("data/dev.js", tarfile.CHRTYPE)]), \
        "device or pipe"


def tar_bomb(tmp: Path) -> tuple[Path, str]:
    # 12 MiB of zeros gzip to about 12 KiB: past the 10 MiB floor at a ratio near 1000:1.
    return _tar_with(tmp / "bomb.tar.gz", PRO, [_tar_member("data/tweets-part1.js", data=b"\0" * 12 * MiB)]), \
        "tar bomb"


def zip_lying_sizes(tmp: Path) -> tuple[Path, str]:
    # A bomb whose headers claim 1,000 bytes: zipfile never returns more than the declared size,
    # and the CRC check refuses the member.
    path = _zip_with(tmp / "lying.zip", PRO, {"data/tweets-part1.js": b" " * 12 * MiB})

    def lie(raw: bytearray, local: int, central: int) -> None:
        struct.pack_into("<I", raw, local + 22, 1000)
        struct.pack_into("<I", raw, central + 24, 1000)

    return _patch_zip_member(path, "data/tweets-part1.js", lie), "tweets-part1.js"


def zip_corrupt_data(tmp: Path) -> tuple[Path, str]:
    path = _zip_with(tmp / "corrupt.zip", PRO, {})

    def flip(raw: bytearray, local: int, central: int) -> None:
        n, m = struct.unpack_from("<HH", raw, local + 26)
        size = struct.unpack_from("<I", raw, local + 18)[0]
        start = local + 30 + n + m
        for i in range(start + size // 3, start + size // 3 + 16):
            raw[i] ^= 0x5A

    return _patch_zip_member(path, "data/tweets.js", flip), "tweets.js"


def zip_encrypted(tmp: Path) -> tuple[Path, str]:
    path = _zip_with(tmp / "encrypted.zip", PRO, {})

    def encrypt_flag(raw: bytearray, local: int, central: int) -> None:
        raw[local + 6] |= 0x1
        raw[central + 8] |= 0x1

    return _patch_zip_member(path, "data/account.js", encrypt_flag), "encrypted"


def zip_unknown_method(tmp: Path) -> tuple[Path, str]:
    path = _zip_with(tmp / "method.zip", PRO, {})

    def method(raw: bytearray, local: int, central: int) -> None:
        struct.pack_into("<H", raw, local + 8, 97)  # WavPack: zipfile cannot inflate it
        struct.pack_into("<H", raw, central + 10, 97)

    return _patch_zip_member(path, "data/tweets.js", method), "tweets.js"


def tar_truncated(tmp: Path) -> tuple[Path, str]:
    full = _tar_with(tmp / "full.tar.gz", PRO, [])
    cut = tmp / "truncated.tar.gz"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    return cut, "truncated"


def not_an_archive(tmp: Path) -> tuple[Path, str]:
    path = tmp / "random.zip"
    path.write_bytes(os.urandom(4096))
    return path, "not a readable zip"


def empty_zip_file(tmp: Path) -> tuple[Path, str]:
    path = tmp / "empty.zip"
    path.write_bytes(b"")
    return path, "not a readable zip"


def unknown_layout(tmp: Path) -> tuple[Path, str]:
    path = tmp / "unknown.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes/readme.txt", "hello")
        zf.writestr("export/data.bin", os.urandom(100))
        zf.writestr("export/items.json", "[1, 2, 3]")
    return path, "no connector recognises"


def _edit_x(tmp: Path, name: str, edit: Callable[[Path], None]) -> Path:
    import shutil

    folder = tmp / name
    shutil.copytree(PRO, folder)
    edit(folder / "data")
    from tests.helpers import zip_folder

    return zip_folder(folder, tmp / f"{name}.zip")


def utf16_json(tmp: Path) -> tuple[Path, str]:
    def edit(data: Path) -> None:
        f = data / "tweets.js"
        f.write_bytes(f.read_text(encoding="utf-8").encode("utf-16"))

    return _edit_x(tmp, "utf16", edit), "UTF-16"


def invalid_utf8_json(tmp: Path) -> tuple[Path, str]:
    def edit(data: Path) -> None:
        f = data / "follower.js"
        raw = f.read_bytes()
        i = raw.index(b'"accountId"') + 16
        f.write_bytes(raw[:i] + b"\xff\xfe\xc3" + raw[i:])

    return _edit_x(tmp, "badutf8", edit), "not valid UTF-8"


def deep_json_items(tmp: Path) -> tuple[Path, str]:
    def edit(data: Path) -> None:
        text = (data / "tweets.js").read_text()
        # One tweet nests 100,000 levels (a 200 KB file): ijson alone would need gigabytes.
        deep = "[" * 100_000 + "]" * 100_000
        (data / "tweets.js").write_text(text.replace('"retweeted" :', f'"nested" : {deep},\n"retweeted" :', 1))

    return _edit_x(tmp, "deep", edit), "nests deeper than 64 levels"


def deep_json_manifest(tmp: Path) -> tuple[Path, str]:
    def edit(data: Path) -> None:
        text = (data / "manifest.js").read_text()
        deep = "[" * 5000 + "]" * 5000
        (data / "manifest.js").write_text(text.replace("{", '{ "nested" : ' + deep + ",", 1))

    return _edit_x(tmp, "deepmanifest", edit), "nests deeper than 64 levels"


def latin1_csv(tmp: Path) -> tuple[Path, str]:
    path = tmp / "latin1.csv"
    path.write_bytes("account,kind,id,text\n@dana.w,post,1,Séance de thérapie aujourd'hui\n".encode("latin-1"))
    return path, "not valid UTF-8"


def latin1_linkedin_csv(tmp: Path) -> tuple[Path, str]:
    import shutil

    folder = tmp / "linkedin-latin1"
    shutil.copytree(DEMO.parent / "archives" / "linkedin" / "complete-2025", folder)
    f = folder / "Connections.csv"
    f.write_bytes(f.read_text(encoding="utf-8-sig").replace("Avery", "Avéry").encode("latin-1"))
    from tests.helpers import zip_folder

    return zip_folder(folder, tmp / "linkedin-latin1.zip"), "Connections.csv is not valid UTF-8"


def csv_huge_cell(tmp: Path) -> tuple[Path, str]:
    path = tmp / "hugecell.csv"
    path.write_text('account,kind,id,text\n@dana.w,post,1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    return path, "hugecell.csv"


def csv_nul(tmp: Path) -> tuple[Path, str]:
    path = tmp / "nul.csv"
    path.write_bytes(b"account,kind,id,text\n@dana.w,post,1,\"a\x00b\n")
    return path, "nul.csv"


CASES: dict[str, Callable[[Path], tuple[Path, str]]] = {f.__name__: f for f in (
    zip_absolute, zip_drive_letter, zip_backslash_traversal, zip_symlink, tar_dotdot, tar_absolute,
    tar_symlink, tar_hardlink, tar_device, tar_bomb, zip_lying_sizes, zip_corrupt_data, zip_encrypted,
    zip_unknown_method, tar_truncated, not_an_archive, empty_zip_file, unknown_layout, utf16_json,
    invalid_utf8_json, deep_json_items, deep_json_manifest, latin1_linkedin_csv,
)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archive_is_one_line_exit_3_and_changes_nothing(case: str, tmp_path: Path, cli: Cli,
                                                               workspace: Path) -> None:
    before = dump(workspace)
    archive, says = CASES[case](tmp_path)
    r = cli("ingest", str(archive), "--role", "professional", "--db", str(workspace))
    assert_one_clean_error(r, names=archive.name, says=says)
    assert dump(workspace) == before


@pytest.mark.parametrize("case", [
    latin1_csv,
    csv_huge_cell, csv_nul], ids=lambda f: f.__name__)
def test_malformed_csv_is_refused_or_read_never_a_crash(case: Callable[[Path], tuple[Path, str]], tmp_path: Path,
                                                        cli: Cli, workspace: Path) -> None:
    """A CSV that cannot be read is one clean line; one the reader forgives is read (and counted).

    `--platform generic`: a file that is not UTF-8 is not even detected as a generic CSV.
    """
    before = dump(workspace)
    archive, says = case(tmp_path)
    r = cli("ingest", str(archive), "--platform", "generic", "--subject", "Dana Whitfield",
            "--db", str(workspace))
    if r.exit_code == 0:
        assert "Traceback" not in r.output
        return
    assert_one_clean_error(r, names=archive.name, says=says)
    assert dump(workspace) == before


def test_a_record_over_the_cap_is_refused_before_it_is_built(tmp_path: Path, cli: Cli, workspace: Path) -> None:
    """DESIGN's 64 MB record cap, lowered to 64 KiB: one tweet of 1 MiB stands for one of 500 MB."""
    def edit(data: Path) -> None:
        prefix, items = read_ytd(data / "tweets.js")
        items[len(items) // 2]["tweet"]["full_text"] = "a therapist's very long post " * 40_000
        write_ytd(data / "tweets.js", prefix, items)

    archive = _edit_x(tmp_path, "huge", edit)
    before = dump(workspace)
    r = cli("ingest", str(archive), "--role", "professional", "--db", str(workspace),
            env={"FOOTPRINT_LIMITS": "max_record=64KiB"})
    assert_one_clean_error(r, names=archive.name, says="tweets.js holds a JSON record larger than the cap of 65536")
    assert dump(workspace) == before
    # The default cap reads the same archive.
    r = cli("ingest", str(archive), "--role", "professional", "--db", str(workspace))
    assert r.exit_code == 0, r.output


def test_caps_are_configurable_and_a_bad_setting_is_a_usage_error(tmp_path: Path, cli: Cli, workspace: Path) -> None:
    archive = _edit_x(tmp_path, "plain", lambda data: None)
    r = cli("ingest", str(archive), "--db", str(workspace), env={"FOOTPRINT_LIMITS": "max_depth=3"})
    assert_one_clean_error(r, names=archive.name, says="nests deeper than 3 levels")
    r = cli("ingest", str(archive), "--db", str(workspace), env={"FOOTPRINT_LIMITS": "max_records=1"})
    assert r.exit_code == 2 and "FOOTPRINT_LIMITS: unknown cap 'max_records'" in r.output, r.output


def test_an_ingest_that_fails_half_way_is_rolled_back(tmp_path: Path, cli: Cli, workspace: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Malformed JSON late in follower.js, after tweets, likes and messages were written."""
    monkeypatch.setattr("auditor.ingest.BATCH", 1)  # every row reaches the database at once
    written: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CONTENT"):
            written.append(statement)

    def edit(data: Path) -> None:
        text = (data / "follower.js").read_text()
        cut = text.rindex('"accountId"')
        (data / "follower.js").write_text(text[:cut] + '"accountId" : "1", { broken')

    archive = _edit_x(tmp_path, "halfway", edit)
    before = dump(workspace)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        r = cli("ingest", str(archive), "--role", "professional", "--db", str(workspace))
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert_one_clean_error(r, names=archive.name, says="follower.js is not valid JSON")
    assert written, "the failure should come after content rows were written"
    assert dump(workspace) == before
    # And the same archive, repaired, goes in whole: nothing of the failed attempt is in the way.
    good = _edit_x(tmp_path, "repaired", lambda data: None)
    assert cli("ingest", str(good), "--role", "professional", "--db", str(workspace)).exit_code == 0


# -- inputs that crash a C extension: a real process, so a crash fails the test, not the run --------

META_POSTS = {
    "facebook": ("archives/facebook/v2024", "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"),
    "instagram": ("archives/instagram/v2024", "your_instagram_activity/content/posts_1.json"),
}


@pytest.mark.parametrize("platform", sorted(META_POSTS))
def test_an_overlong_integer_is_an_input_error_not_a_crash(platform: str, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from tests.helpers import FIXTURES, zip_folder

    rel, member = META_POSTS[platform]
    folder = tmp_path / platform
    shutil.copytree(FIXTURES / rel, folder)
    f = folder / member
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace('"timestamp": ', '"timestamp": ' + "9" * 5000 + ", \"was\": ", 1)
                 if '"timestamp": ' in text else text.replace("1715000000", "9" * 5000, 1), encoding="utf-8")
    archive = zip_folder(folder, tmp_path / f"{platform}.zip")
    footprint = Path(sys.executable).parent / "footprint"
    r = subprocess.run([str(footprint), "ingest", str(archive), "--db", str(tmp_path / "w.db")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, f"exit {r.returncode}: {r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr and f"{platform}.zip" in r.stderr
