"""Helpers shared by the Meta connectors (Facebook, Instagram and Threads).

Meta's "Download Your Information" JSON has the same quirks on every platform
(`../shared/reference/export-formats.md` §0, §2.4, §3):

* **Mojibake.** Every non-ASCII UTF-8 byte is written as its own `\\u00XX` escape, so after parsing
  "é" reads "Ã©". Keys are affected too (localised labels such as "Compte privÃ©"). `repair` fixes
  every string of a parsed value, keys included.
* **Wrapped or bare lists.** A list is either the root array or the single array-valued property of
  the root object (`{"relationships_followers": [...]}` in 2021-23, a bare array since 2024).
  `root_array` finds it and `iter_array` streams its items (ijson): big lists never sit in memory.
* **Generic record shapes.** The legacy `title` / `string_list_data` / `string_map_data` items, and
  the newer `label_values` items (2024+). `list_entry`, `username`, `string_map` and `label_values`
  read them.
* **No ids.** Posts and comments carry no id and no URL: `content_id` derives a stable one from the
  timestamp plus a short hash of the text.
* **Two platforms, one look.** Facebook and Instagram exports share folder names; `meta_platform`
  tells them apart from path signatures, once, for both connectors.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditor.errors import MalformedArchive, UnrecognizedArchive
from auditor.records import ContentRecord, CoverageRecord, InteractionRecord, Person, Record
from auditor.sources import Source
from connectors.base import json_events, load_json, parse_time

# -- mojibake ----------------------------------------------------------------------------------


def fix_text(text: str) -> str:
    """Undo Meta's mojibake in one string ("ZoÃ«" → "Zoë"); leave anything else alone.

    A string with a character above U+00FF is already real Unicode, and one whose Latin-1 bytes are
    not valid UTF-8 is genuine Latin-1 text ("café" typed as such): both are returned unchanged, so
    the repair is idempotent.
    """
    if text.isascii():
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


class _TooDeep(Exception):
    pass


def repair(value: Any, *, max_depth: int = 64) -> Any:
    """A copy of a parsed JSON value with every string repaired, dictionary keys included."""
    return _repair(value, 0, max_depth)


def _repair(value: Any, depth: int, max_depth: int) -> Any:
    if isinstance(value, str):
        return fix_text(value)
    if depth > max_depth:
        raise _TooDeep
    if isinstance(value, dict):
        return {fix_text(k): _repair(v, depth + 1, max_depth) for k, v in value.items()}
    if isinstance(value, list):
        return [_repair(v, depth + 1, max_depth) for v in value]
    return value


# -- reading JSON members ----------------------------------------------------------------------

@contextmanager
def _repairing(source: Source, name: str) -> Iterator[None]:
    """Repairing a member's values nests no deeper than the cap: past it, a `MalformedArchive`
    that names the member. (`json_events` opens the member, drops a byte-order mark and turns
    malformed JSON and invalid UTF-8 into the same error itself.)"""
    try:
        yield
    except _TooDeep:
        raise MalformedArchive(f"{name} nests deeper than {source.limits.max_depth} levels",
                               path=source.label) from None


def load_meta_json(source: Source, name: str) -> Any:
    """Parse a small member whole (profiles, settings) and repair its mojibake."""
    data = load_json(source, name)
    try:
        return repair(data, max_depth=source.limits.max_depth)
    except _TooDeep:
        raise MalformedArchive(f"{name} nests deeper than {source.limits.max_depth} levels",
                               path=source.label) from None


@dataclass(frozen=True, slots=True)
class RootArray:
    """Where a member keeps its list: the root itself (`key` None) or the root property `key`."""

    key: str | None


def root_array(source: Source, name: str) -> RootArray | None:
    """Find the member's list without reading it: the root array, or the first array-valued
    property of the root object (`status_updates`, `friends_v2`, `relationships_followers`, ...).

    None when the member holds no list at all (a profile object, say).
    """
    # json_events, not ijson.parse: it caps depth and record size before building anything.
    with _repairing(source, name):
        for prefix, event, _value in json_events(source, name):
            if prefix == "" and event == "start_array":
                return RootArray(None)
            if prefix == "" and event in ("end_map", "string", "number", "boolean", "null"):
                return None
            if event == "start_array" and prefix and "." not in prefix:
                return RootArray(prefix)
    return None


def iter_array(source: Source, name: str, where: RootArray | None = None) -> Iterator[Any]:
    """Stream the repaired items of the member's list (see `root_array`), one at a time."""
    if where is None:
        where = root_array(source, name)
        if where is None:
            return
    prefix = f"{where.key}.item" if where.key else "item"
    depth = source.limits.max_depth
    with _repairing(source, name):
        for at, event, value in json_events(source, name, records={prefix}):
            if at == prefix and event not in ("start_map", "start_array", "end_map", "end_array", "map_key"):
                yield _repair(value, 1, depth)  # a record, or a scalar item


def iter_prefixes(source: Source, name: str, *prefixes: str) -> Iterator[tuple[str, Any]]:
    """Stream (prefix, repaired item) for the items under several ijson prefixes in one pass
    (a message file's `participants.item` and `messages.item`)."""
    wanted = set(prefixes)
    depth = source.limits.max_depth
    with _repairing(source, name):
        for at, event, value in json_events(source, name, records=wanted):
            if at in wanted and event not in ("start_map", "start_array", "end_map", "end_array", "map_key"):
                yield at, _repair(value, 1, depth)  # a record, or a scalar item


# -- values ------------------------------------------------------------------------------------


def meta_time(value: Any) -> datetime | None:
    """Meta's epoch seconds (or `timestamp_ms`) as aware UTC; 0 and "" mean "not applicable"."""
    if not value or isinstance(value, bool):
        return None
    try:
        return parse_time(value)
    except (OverflowError, OSError, ValueError):
        return None


def text_of(value: Any) -> str:
    """A string value, stripped; anything else is ""."""
    return value.strip() if isinstance(value, str) else ""


def content_id(timestamp: Any, *candidates: str | None) -> str:
    """A stable id for an item Meta exports without one: `<epoch seconds>-<8 hex>`.

    The timestamp is the id; the hash of the first non-empty candidate (the text, else something
    else that tells same-second items apart: a link, a place, media file names) only breaks ties.
    It is computed from the repaired text, NFC-normalised with whitespace collapsed, so a
    re-export (even with items reordered or split into other parts) gives the same id; an edit
    to the text gives a new one. Always hashing, instead of hashing only on a collision, keeps an
    item's id independent of which other items the export happens to hold.
    """
    try:
        seconds = int(timestamp or 0)
    except (TypeError, ValueError):
        seconds = 0
    basis = next((c for c in candidates if c and c.strip()), "")
    norm = " ".join(unicodedata.normalize("NFC", basis).split())
    return f"{seconds}-{hashlib.sha256(norm.encode('utf-8')).hexdigest()[:8]}"


_YES = frozenset({"true", "yes", "oui", "vrai", "ja", "wahr", "si", "verdadero", "sim",
                  "verdadeiro", "vero", "1", "on"})
_NO = frozenset({"false", "no", "non", "faux", "nein", "falsch", "falso", "nao", "0", "off"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a label or value: "Compte privé" → "compte prive"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def parse_flag(value: Any) -> bool | None:
    """A boolean in any of Meta's spellings: True, "True", "Yes", "Oui", "Ja", "Sí", "Sim", ..."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = fold(value)
        if folded in _YES:
            return True
        if folded in _NO:
            return False
    return None


# -- Meta's generic record shapes --------------------------------------------------------------


def list_entry(item: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first `string_list_data` element of a legacy item (it always has one), or {}."""
    entries = item.get("string_list_data")
    if isinstance(entries, list) and entries and isinstance(entries[0], Mapping):
        return entries[0]
    return {}


_PROFILE_HREF = re.compile(r"^https?://(?:www\.)?[^/]+/(?:_u/)?@?(?P<user>[^/?#]+)/?(?:[?#].*)?$")


def handle_from_href(href: str) -> str | None:
    """`https://www.instagram.com/_u/jane` or `https://www.threads.com/@jane` → "jane"."""
    m = _PROFILE_HREF.match(href.strip())
    return m.group("user") if m else None


def username(item: Mapping[str, Any]) -> str | None:
    """A relationship item's username: `value`, else the profile URL, else `title`.

    The newest following.json (2026) drops `value` and keeps the username in `title` and in an
    `https://www.instagram.com/_u/<user>` href; Threads lists use `title` for the display name,
    so the href is read before the title.
    """
    entry = list_entry(item)
    href = text_of(entry.get("href"))
    for candidate in (text_of(entry.get("value")), handle_from_href(href) if href else None,
                      text_of(item.get("title"))):
        if candidate:
            return candidate
    return None


def string_map(item: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A legacy item's `string_map_data` ({label: {href, value, timestamp}}), labels repaired."""
    data = item.get("string_map_data")
    if not isinstance(data, Mapping):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, Mapping)}


def map_lookup(smap: Mapping[str, Mapping[str, Any]],
               labels: frozenset[str]) -> Mapping[str, Any] | None:
    """The entry whose label, folded (`fold`), is one of `labels` (given folded)."""
    for label, entry in smap.items():
        if fold(label) in labels:
            return entry
    return None


def label_values(item: Mapping[str, Any]) -> dict[str, Any]:
    """A 2024+ `label_values` item as {label: value}.

    An entry holding `dict` (nested entries) or `vec` (a list) instead of `value` nests one level
    deeper (`profile_based_in` keeps the declared city there): it becomes a nested dict or list of
    the same form. A non-empty `href` is kept under "<label>#href".
    """
    out: dict[str, Any] = {}
    for entry in item.get("label_values") or []:
        if not isinstance(entry, Mapping):
            continue
        label = (text_of(entry.get("label")) or text_of(entry.get("ent_field_name"))
                 or f"#{len(out)}")
        if "value" in entry:
            out[label] = entry["value"]
        elif "dict" in entry:
            out[label] = _nested(entry["dict"])
        elif "vec" in entry:
            vec = entry["vec"]
            out[label] = [_nested(v) for v in vec] if isinstance(vec, list) else []
        if text_of(entry.get("href")):
            out[f"{label}#href"] = entry["href"]
    return out


def _nested(value: Any) -> Any:
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) and "label" in v for v in value):
            return label_values({"label_values": value})
        return [_nested(v) for v in value]
    if isinstance(value, Mapping):
        if "label_values" in value:
            return label_values(value)
        if "dict" in value:
            return _nested(value["dict"])
        if "value" in value and "label" not in value:
            return value["value"]
        return dict(value)
    return value


# -- telling Facebook from Instagram -----------------------------------------------------------

_JSON_OR_HTML = r"\.(?:json|html?)$"
#: Path signatures, matched anywhere in a member path (archives wrap everything in a top folder).
FACEBOOK_SIGNATURES: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"(?:^|/)your_facebook_activity/",                        # 2024+
    r"(?:^|/)your_activity_across_facebook/",                 # 2022-23
    r"(?:^|/)this_profile's_activity_across_facebook/",
    r"(?:^|/)posts/your_posts(?:__check_ins__photos_and_videos)?(?:_\d+)?" + _JSON_OR_HTML,
    r"(?:^|/)profile_information/profile_information" + _JSON_OR_HTML,
    r"(?:^|/)friends/(?:friends|your_friends)" + _JSON_OR_HTML,  # 2018-20, 2024+
    r"(?:^|/)friends_and_followers/",                         # 2021 ("v2" keys)
    r"(?:^|/)following_and_followers/",                       # 2018-20
    r"(?:^|/)connections/(?:friends|followers)/",             # 2024+
    r"(?:^|/)comments_and_reactions/",
    r"(?:^|/)comments/comments" + _JSON_OR_HTML,              # 2018-19
))
INSTAGRAM_SIGNATURES: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"(?:^|/)your_instagram_activity/",                       # 2024+
    r"(?:^|/)followers_and_following/(?:followers|following)(?:_\d+)?" + _JSON_OR_HTML,
    r"(?:^|/)(?:account_information|personal_information)/personal_information" + _JSON_OR_HTML,
    r"(?:^|/)instagram_profile_information" + _JSON_OR_HTML,
    r"(?:^|/)content/(?:posts|stories|reels)(?:_\d+)?" + _JSON_OR_HTML,  # 2021-23
    r"(?:^|/)likes/liked_(?:posts|comments)" + _JSON_OR_HTML,
    r"(?:^|/)comments/post_comments(?:_\d+)?" + _JSON_OR_HTML,
    r"(?:^|/)threads/threads_and_replies" + _JSON_OR_HTML,
))


def _hits(names: list[str], signatures: tuple[re.Pattern[str], ...]) -> int:
    return sum(1 for n in names if any(s.search(n) for s in signatures))


def meta_platform(source: Source) -> str | None:
    """"facebook", "instagram" or None, from path signatures only (cheap: no member is opened).

    Both exports share folder names (`connections/`, `personal_information/`, `messages/inbox/`),
    so each platform has signatures the other never uses, and the one with more matching members
    wins; a tie claims nothing, so the two connectors can never both claim a source.
    """
    names = source.names()
    fb, ig = _hits(names, FACEBOOK_SIGNATURES), _hits(names, INSTAGRAM_SIGNATURES)
    if fb > ig:
        return "facebook"
    if ig > fb:
        return "instagram"
    return None


def refuse_html_export(source: Source, signatures: tuple[re.Pattern[str], ...], title: str) -> None:
    """Raise when the export is Meta's HTML format: its signature files are .html, none .json."""
    names = source.names()
    matched = [n for n in names if any(s.search(n) for s in signatures)]
    if matched and not any(n.lower().endswith(".json") for n in matched):
        raise UnrecognizedArchive(
            f"this {title} export is in HTML format; footprint reads the JSON format only. "
            f"Request a new download from {title} (Accounts Center → Download your information) "
            "and choose Format: JSON", path=source.label)


# -- the export root --------------------------------------------------------------------------

#: Folders that sit at the root of a Facebook export, in one layout or another (2018-2025).
FACEBOOK_ROOTS = frozenset({
    "your_facebook_activity", "your_activity_across_facebook",
    "this_profile's_activity_across_facebook", "connections", "personal_information",
    "logged_information", "security_and_login_information", "preferences", "ads_information",
    "apps_and_websites_off_of_facebook", "posts", "comments", "comments_and_reactions", "friends",
    "friends_and_followers", "following_and_followers", "profile_information", "groups",
    "likes_and_reactions", "messages", "photos_and_videos", "about_you", "ads",
    "ads_and_businesses", "apps_and_websites", "events", "location", "marketplace", "pages",
    "search_history", "stories", "saved_items_and_collections", "other_activity", "your_topics",
    "your_places",
})
#: Folders that sit at the root of an Instagram export (2021-23 and 2024+ layouts).
INSTAGRAM_ROOTS = frozenset({
    "your_instagram_activity", "connections", "personal_information", "logged_information",
    "preferences", "security_and_login_information", "ads_information",
    "apps_and_websites_off_of_instagram", "media", "account_information", "content",
    "followers_and_following", "comments", "likes", "messages", "ads_and_businesses",
    "information_about_you", "login_and_account_creation", "saved", "story_sticker_interactions",
    "your_topics", "threads", "recent_searches", "shopping", "monetization", "events",
})


def export_root(names: list[str], roots: frozenset[str]) -> str:
    """The top folder the export is wrapped in ("facebook-<user>-<date>/"), or "" when unwrapped:
    the shortest path before a known root folder. Stored file names are taken relative to it, so
    the same export zipped with or without a top folder gives the same records."""
    best: str | None = None
    for name in names:
        parts = name.split("/")
        for i, segment in enumerate(parts[:-1]):
            if segment in roots:
                prefix = "/".join(parts[:i]) + "/" if i else ""
                if best is None or len(prefix) < len(best):
                    best = prefix
                break
    return best or ""


def relative_to(root: str, name: str) -> str:
    """A member's path from the export root."""
    return name[len(root):] if root and name.startswith(root) else name


# -- files that are never read -----------------------------------------------------------------

MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".mp4", ".mov", ".m4a",
                  ".aac", ".opus", ".mp3", ".wav", ".webm", ".srt", ".3gp")


def junk_reason(name: str) -> str | None:
    """Why a member is no export data (a macOS re-zip's `__MACOSX/`, media bytes), or None."""
    parts = name.split("/")
    if "__MACOSX" in parts or parts[-1] in (".DS_Store", "Thumbs.db") or parts[-1].startswith("._"):
        return "operating-system metadata, not export data"
    if name.lower().endswith(MEDIA_SUFFIXES):
        return "media file: its bytes are not read (the JSON that lists it gives its metadata)"
    return None


# -- messages (the same format on Facebook, Messenger and Instagram) ---------------------------

MESSAGE_FILE = re.compile(r"(?:^|/)messages/[^/]+/[^/]+/message_\d+\.json$")


def read_messages(source: Source, name: str, *, platform: str, owner_names: frozenset[str],
                  include_text: bool, source_file: str | None = None
                  ) -> Generator[Record, None, int]:
    """One message thread part → InteractionRecord(kind="message") per message and participant.

    Participants and dates only (DESIGN: direct messages); the text as ContentRecord(kind="message")
    only when `include_text`. A message from the owner is "out" to every other participant; any
    other is "in" from its sender. People are named by display name only (Meta gives no ids); a
    message's id is its thread folder and `timestamp_ms`. Returns the number of messages read.
    """
    participants: list[str] = []
    # The thread folder (`inbox/<name>_<id>`) is the thread's `thread_path`, which the file only
    # gives after its messages.
    thread = "/".join(name.split("/")[-3:-1])
    count = 0
    for prefix, item in iter_prefixes(source, name, "participants.item", "messages.item"):
        if prefix == "participants.item" and isinstance(item, Mapping):
            pname = text_of(item.get("name"))
            if pname:
                participants.append(pname)
        elif prefix == "messages.item" and isinstance(item, Mapping):
            count += 1
            sender = text_of(item.get("sender_name"))
            when = meta_time(item.get("timestamp_ms"))
            message_id = f"{thread}/{item.get('timestamp_ms') or 0}"
            if sender and sender in owner_names:
                for other in (p for p in participants if p not in owner_names):
                    yield InteractionRecord(platform, "message", Person(name=other), "out",
                                            item_id=message_id, created_at=when)
            elif sender:
                yield InteractionRecord(platform, "message", Person(name=sender), "in",
                                        item_id=message_id, created_at=when)
            text = text_of(item.get("content"))
            # Only the owner's own messages are content (what the owner wrote); what others
            # sent stays a dated interaction.
            if include_text and text and sender in owner_names:
                yield ContentRecord(platform, "message", message_id, text, created_at=when,
                                    visibility="direct", source_file=source_file or name)
    return count


# -- what an export holds whole ---------------------------------------------------------------


def whole_datasets(kinds: Iterable[str], table: Mapping[str, tuple[str, ...]], *,
                   include_messages: bool) -> frozenset[str]:
    """ExportRecord.datasets for the file kinds present (`table`: kind → record families).

    "message" names both the message interactions and the message texts, and the texts are read
    only on request: messages are claimed whole only when their texts are read too, so an ingest
    without `--include-messages` never marks texts stored by an earlier one as deleted.
    """
    return frozenset(d for kind in kinds for d in table.get(kind, ())
                     if include_messages or d != "message")


# -- coverage ----------------------------------------------------------------------------------


def part_number(name: str) -> int:
    """`followers_2.json` → 2; an unnumbered file sorts first (0)."""
    m = re.search(r"_(\d+)\.json$", name)
    return int(m.group(1)) if m else 0


def by_part(names: list[str]) -> list[str]:
    """Members in a stable order: by folder, then by part number (parts are not chronological)."""
    return sorted(names, key=lambda n: (n.rsplit("/", 1)[0], re.sub(r"_\d+\.json$", "", n),
                                        part_number(n), n))


def read_coverage(name: str, count: int, note: str = "") -> CoverageRecord:
    return CoverageRecord(name, "read", note, count=count)
