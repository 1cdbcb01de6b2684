"""Facebook comments, reactions and connection lists → records (export-formats.md §2.3).

Facebook never gives people's ids, usernames or profile URLs: friends, followers, whom the owner
follows, and the owners of commented posts are display names only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.records import ConnectionRecord, ContentRecord, InteractionRecord, Person, Relation
from connectors._meta import content_id, list_entry, meta_time, text_of

PLATFORM = "facebook"

# "María González commented on Zoë Brontë's post." / "... replied to Seán O'Brien's comment." /
# "... likes James' photo." / "... reacted to Jane Doe’s video." The owner of the item is the
# text between the verb and the possessive. "commented on her own post", "commented on a post"
# and non-English titles name nobody: no match. Titles are localised (English only here).
_TITLE = re.compile(
    r"\b(?:commented on|replied to|likes|liked|reacted to)\s+(?P<target>.+?)(?:'s|’s|'|’)\s+"
    r"(?P<thing>post|photo|video|comment|reply|link|status|album|life event|note|reel|event|story|"
    r"live video|memory|activity|cover photo|profile picture|check-in)\b")


def title_target(title: str, owner_names: frozenset[str]) -> str | None:
    """Whose item a comment or reaction title names, or None (own item, unnamed, other language)."""
    m = _TITLE.search(title)
    if not m:
        return None
    target = m.group("target").strip()
    return None if not target or target in owner_names else target


def _attached_media(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The media objects attached to a comment (a photo or sticker comment has no text)."""
    data = [d for a in item.get("attachments") or [] if isinstance(a, Mapping)
            for d in a.get("data") or [] if isinstance(d, Mapping)]
    return [d["media"] for d in data if isinstance(d.get("media"), Mapping)]


def comment_records(item: Mapping[str, Any], *, source_file: str, owner_names: frozenset[str]
                    ) -> tuple[ContentRecord, InteractionRecord | None]:
    """A `comments[_v2]` / `group_comments_v2` item → the comment, and whose post it was on.

    Shape: `{"timestamp", "data":[{"comment":{"timestamp","comment","author","group"?}}],
    "title":"X commented on Y's post.", "attachments"?}`.
    """
    body: Mapping[str, Any] = {}
    for data in item.get("data") or []:
        if isinstance(data, Mapping) and isinstance(data.get("comment"), Mapping):
            body = data["comment"]
            break
    ts = body.get("timestamp") or item.get("timestamp")
    text = text_of(body.get("comment"))
    target = title_target(text_of(item.get("title")), owner_names)
    media = " ".join(sorted(text_of(m.get("uri")) for m in _attached_media(item)))
    native = content_id(ts, text, media)
    person = Person(name=target) if target else None
    when = meta_time(ts)
    content = ContentRecord(PLATFORM, "comment", native, text, created_at=when, in_reply_to=person,
                            source_file=source_file)
    interaction = (InteractionRecord(PLATFORM, "comment", person, "out", item_id=native,
                                     created_at=when) if person else None)
    return content, interaction


def reaction_record(item: Mapping[str, Any],
                    owner_names: frozenset[str]) -> InteractionRecord | None:
    """A `likes_and_reactions_N.json` item (`{"timestamp","data":[{"reaction":{...}}],"title"}`)
    → a like of the named person's item; None when the title names nobody."""
    target = title_target(text_of(item.get("title")), owner_names)
    if not target:
        return None
    return InteractionRecord(PLATFORM, "like", Person(name=target), "out",
                             created_at=meta_time(item.get("timestamp")))


def connection_record(item: Any, relation: Relation) -> ConnectionRecord | None:
    """A friend / follow item → ConnectionRecord, names only.

    Shapes: `{"name","timestamp"}` (every era), and the Instagram-style
    `{"title","string_list_data":[{"value","timestamp"}]}` of 2024+ `people_who_followed_you_N`.
    """
    if not isinstance(item, Mapping):
        return None
    entry = list_entry(item)
    name = text_of(item.get("name")) or text_of(entry.get("value")) or text_of(item.get("title"))
    if not name:
        return None  # deactivated accounts appear as unnamed entries in 2021 follower lists
    ts = item.get("timestamp") or entry.get("timestamp")
    return ConnectionRecord(PLATFORM, relation, Person(name=name), created_at=meta_time(ts))
