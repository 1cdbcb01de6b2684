"""Where an X archive keeps its data: `data/manifest.js`, its data types and their parts.

An X archive (2019 to today) is a folder `data/` of JavaScript files, each one assignment
`window.YTD.<snake_name>.part<N> = [ … ]`, usually inside a zip that wraps everything in a top
folder. Since about 2020 `data/manifest.js` (`window.__THAR_CONFIG = { … }`) lists every data type
with its files and record counts; it is the only reliable way to find every part of a split data
type (`tweets.js`, `tweets-part1.js`, …), so the layout is read from it when there is one, and
the data folder is globbed otherwise (and for parts the manifest does not list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from posixpath import basename, dirname
from typing import Any

from auditor.errors import MalformedArchive
from auditor.sources import Source
from connectors.base import load_json

#: `tweets.js`, `tweets-part1.js`, `note-tweet.js`: a data file's stem and part number.
_DATA_FILE = re.compile(r"^(?P<stem>[a-z][a-z0-9_-]*?)(?:-part(?P<part>\d+))?\.js$")
#: The first bytes of a data file; `<name>` is the file stem with `-` spelled `_`.
_YTD_HEAD = re.compile(rb"^\s*window\.YTD\.(?P<name>[A-Za-z0-9_]+)\.part(?P<part>\d+)\s*=")
_THAR_HEAD = re.compile(rb"^\s*window\.__THAR_CONFIG\s*=")
#: Files whose presence (with a YTD head) marks an X archive, in any folder.
_SIGNATURE = re.compile(
    r"(?:^|/)(?:tweets?|account|profile|follower|following|like|note-tweet|direct-messages"
    r"|tweet-headers)(?:-part\d+)?\.js$")
_MANIFEST = re.compile(r"(?:^|/)manifest\.js$")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class DataFile:
    """One part of one data type: the member that holds it and what the manifest says of it."""

    member: str
    stem: str
    part: int = 0
    #: The manifest's record count for this file; None when the manifest does not list it.
    expected: int | None = None
    listed: bool = False


@dataclass
class Layout:
    """The archive's data folder, its manifest (if any) and its data files by stem."""

    data_dir: str
    manifest_member: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[DataFile]] = field(default_factory=dict)
    #: Files the manifest lists with a non-zero count that the archive does not hold.
    missing: list[DataFile] = field(default_factory=list)

    @property
    def root(self) -> str:
        """The archive root: the folder that holds `data/` (a zip's top folder, or "")."""
        d = self.data_dir
        return d[: -len("data/")] if d == "data/" or d.endswith("/data/") else d

    def relative(self, member: str) -> str:
        """A member's path from the archive root (`data/tweets.js`), the same whether the archive
        came zipped with a top folder or unzipped: stored paths must not change between the two."""
        root = self.root
        return member[len(root):] if root and member.startswith(root) else member

    def parts(self, *stems: str) -> list[DataFile]:
        """Every part of the given data types, in stem order, then part order."""
        return [f for stem in stems for f in self.files.get(stem, [])]

    def has(self, *stems: str) -> bool:
        return any(self.files.get(stem) for stem in stems)

    @property
    def user_info(self) -> dict[str, Any]:
        info = self.manifest.get("userInfo")
        return info if isinstance(info, dict) else {}

    @property
    def archive_info(self) -> dict[str, Any]:
        info = self.manifest.get("archiveInfo")
        return info if isinstance(info, dict) else {}


def head(source: Source, name: str, size: int = 256) -> bytes:
    """The first bytes of a member, without a UTF-8 BOM."""
    with source.open_member(name) as fh:
        data = fh.read(size)
    return data[len(_BOM):] if data.startswith(_BOM) else data


def ytd_name(source: Source, name: str) -> tuple[str, int] | None:
    """(stem, part) from a member's `window.YTD.<name>.part<N> =` head, or None if it has none."""
    m = _YTD_HEAD.match(head(source, name))
    if not m:
        return None
    return m["name"].decode().replace("_", "-"), int(m["part"])


def find_manifest(source: Source) -> str | None:
    """The member that is X's `manifest.js` (checked by its `window.__THAR_CONFIG` head)."""
    candidates = sorted(source.find(_MANIFEST.pattern), key=lambda n: (n.count("/"), n))
    for name in candidates[:3]:  # cheap: a few heads, never every member
        if _THAR_HEAD.match(head(source, name)):
            return name
    return None


def _signature_member(source: Source) -> str | None:
    """A data file with a YTD head in any folder (the archive has no manifest)."""
    candidates = sorted(source.find(_SIGNATURE.pattern), key=lambda n: (n.count("/"), n))
    for name in candidates[:3]:  # cheap: a few heads, never every member
        if ytd_name(source, name):
            return name
    return None


def looks_like_x(source: Source) -> bool:
    """True for an X archive: a THAR manifest, a YTD data file, or one YTD file passed alone."""
    if source.kind == "file":
        names = source.names()
        return (len(names) == 1 and names[0].lower().endswith(".js")
                and ytd_name(source, names[0]) is not None)
    return find_manifest(source) is not None or _signature_member(source) is not None


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _split(name: str) -> tuple[str, int] | None:
    m = _DATA_FILE.match(basename(name))
    if not m:
        return None
    return m["stem"], int(m["part"] or 0)


def _dir_of(name: str) -> str:
    d = dirname(name)
    return f"{d}/" if d else ""


def build_layout(source: Source) -> Layout:
    """Read the manifest (or glob the data folder) into a `Layout`."""
    if source.kind == "file":
        # A single data file passed alone: its YTD head names its data type, whatever the
        # file is called on disk.
        name = source.names()[0]
        stem_part = ytd_name(source, name) or _split(name) or (basename(name), 0)
        layout = Layout(data_dir="")
        layout.files[stem_part[0]] = [DataFile(name, stem_part[0], stem_part[1])]
        return layout

    manifest_member = find_manifest(source)
    if manifest_member is not None:
        layout = Layout(data_dir=_dir_of(manifest_member), manifest_member=manifest_member)
        config = load_json(source, manifest_member, js_prefix=True)
        if not isinstance(config, dict):
            raise MalformedArchive(f"{manifest_member} does not hold an object", path=source.label)
        layout.manifest = config
        _add_manifest_files(source, layout)
    else:
        sig = _signature_member(source)
        if sig is None:
            raise MalformedArchive("no X archive data files (window.YTD.*) found",
                                   path=source.label)
        layout = Layout(data_dir=_dir_of(sig))
    _add_unlisted_files(source, layout)
    for parts in layout.files.values():
        parts.sort(key=lambda f: (f.part, f.member))
    return layout


def _add_manifest_files(source: Source, layout: Layout) -> None:
    # Manifest paths are relative to the archive root ("data/tweets.js"), the folder that holds
    # `data/`; when the user hands us the data folder itself, the same files sit beside manifest.js.
    root = layout.root
    data_types = layout.manifest.get("dataTypes")
    if not isinstance(data_types, dict):
        return
    for entry in data_types.values():
        files = entry.get("files") if isinstance(entry, dict) else None
        for f in files if isinstance(files, list) else []:
            file_name = f.get("fileName") if isinstance(f, dict) else None
            if not isinstance(file_name, str):
                continue
            split = _split(file_name)
            if split is None:
                continue
            expected = _count(f.get("count"))
            member = next((c for c in (root + file_name, layout.data_dir + basename(file_name))
                           if source.exists(c)), None)
            if member is None:
                if expected:
                    layout.missing.append(DataFile(layout.data_dir + basename(file_name), split[0],
                                                   split[1], expected, listed=True))
                continue
            layout.files.setdefault(split[0], []).append(
                DataFile(member, split[0], split[1], expected, listed=True))


def _add_unlisted_files(source: Source, layout: Layout) -> None:
    """Data files in the data folder that the manifest does not list (or every one, without it)."""
    known = {f.member for parts in layout.files.values() for f in parts}
    for name in source.names():
        if name in known or _dir_of(name) != layout.data_dir or name == layout.manifest_member:
            continue
        split = _split(name)
        if split is not None:
            layout.files.setdefault(split[0], []).append(DataFile(name, split[0], split[1]))
