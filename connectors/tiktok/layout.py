"""Where each TikTok data set lives in the three generations of `user_data*.json`.

TikTok renamed its top-level keys twice (export-formats.md §8):

* old, about 2021-2023 (`user_data.json`): `Activity`, `Video`, `Profile.Profile Information`,
  `App Settings`, `Direct Messages`;
* 2024 (`user_data_tiktok.json`): `Your Activity`, `Post`, `Profile.Profile Info`,
  `App Settings`, `Direct Message`;
* 2025-2026: `Profile And Settings` (profile, settings, follower and block lists),
  `Likes and Favorites`, no `App Settings`.

Every known path is tried; `classify` maps an ijson prefix to the data set it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

PROFILE_MAPS = frozenset({
    "Profile.Profile Information.ProfileMap",  # old
    "Profile.Profile Info.ProfileMap",  # 2024
    "Profile And Settings.Profile Info.ProfileMap",  # 2025+
})
SETTINGS_MAPS = frozenset({
    "App Settings.Settings.SettingsMap",  # old and 2024
    "Profile And Settings.Settings.SettingsMap",  # 2025+
})

#: List paths (without ".item") per data set.
LISTS: dict[str, frozenset[str]] = {
    "post": frozenset({"Video.Videos.VideoList", "Post.Posts.VideoList"}),
    "comment": frozenset({"Comment.Comments.CommentsList"}),
    "blocked": frozenset({
        "App Settings.Block.BlockList",  # old
        "App Settings.Block List.BlockList",  # 2024
        "Profile And Settings.Block List.BlockList",  # 2025+
    }),
}
# Follower and following lists: `Activity.Follower List.FansList` (old),
# `Your Activity.Follower.FansList` (2024), `Profile And Settings.Follower.FansList` (2025+).
# Single 2025 fixtures spell the section or the list `FollowerList`/`FollowingList`
# (unverified), so those spellings are accepted too.
_PARENTS = ("Activity", "Your Activity", "Profile And Settings")
LISTS["follower"] = frozenset(
    f"{p}.{s}.{k}" for p in _PARENTS for s in ("Follower List", "Follower", "FollowerList")
    for k in ("FansList", "FollowerList"))
LISTS["following"] = frozenset(
    f"{p}.{s}.{k}" for p in _PARENTS for s in ("Following List", "Following", "FollowingList")
    for k in ("Following", "FollowingList"))

#: Chat history: a map from "Chat History with <user>:" to that conversation's messages.
CHAT_MAPS = frozenset({
    "Direct Messages.Chat History.ChatHistory",  # old
    "Direct Message.Direct Messages.ChatHistory",  # 2024+
})
_CHAT_TITLE = re.compile(r"^Chat History with (?P<user>.+?):?$")

#: Top-level sections this connector reads something from; the rest are reported as not read.
READ_SECTIONS = frozenset({
    "Activity", "Your Activity", "Video", "Post", "Comment", "Profile", "Profile And Settings",
    "App Settings", "Direct Messages", "Direct Message",
})
#: Top-level sections known to hold nothing the audit uses (ads, shop, wallet, live, likes).
KNOWN_UNREAD = frozenset({
    "Ads and data", "Income Plus Wallet Transactions", "Income+ Wallet", "Likes and Favorites",
    "Location Review", "TikTok Shop", "Tiktok Shopping", "Tiktok Live", "TikTok Live",
})

_ITEM_LISTS = {f"{path}.item": kind for kind, paths in LISTS.items() for path in paths}
_CONTAINERS = {path: kind for kind, paths in LISTS.items() for path in paths}
# The old fake export writes an account without videos as `"Video": {"Videos": {}}`, with no
# `VideoList` at all: the section still says "no posts".
_CONTAINERS.update({"Video.Videos": "post", "Post.Posts": "post"})
_CONTAINERS.update({path: "message" for path in CHAT_MAPS})


def classify(prefix: str) -> str | None:
    """The data set an ijson prefix holds: "profile", "settings", a list's kind, "chat", or None."""
    if prefix in _ITEM_LISTS:
        return _ITEM_LISTS[prefix]
    if prefix in PROFILE_MAPS:
        return "profile"
    if prefix in SETTINGS_MAPS:
        return "settings"
    for base in CHAT_MAPS:
        if prefix.startswith(base + ".") and prefix.endswith(".item"):
            return "chat"
    return None


def container(prefix: str) -> str | None:
    """The data set whose list sits at `prefix` (present even when the list is null or empty)."""
    return _CONTAINERS.get(prefix)


def chat_partner(prefix: str) -> str | None:
    """The other user of a conversation, from the prefix of one of its messages."""
    for base in CHAT_MAPS:
        if prefix.startswith(base + ".") and prefix.endswith(".item"):
            title = prefix[len(base) + 1:-len(".item")]
            m = _CHAT_TITLE.match(title)
            return m.group("user") if m else title
    return None


def pruner(wanted: Iterable[str], *, open_under: Iterable[str] = ()) -> Callable[[str], bool]:
    """A `prune` test for `jsonscan.scan`: true for a prefix that is neither a wanted path nor
    on the way to one, and not under one of `open_under` (maps with free-form keys)."""
    keep = {""}
    for path in wanted:
        parts = path.split(".")
        keep.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    bases = tuple(f"{b}." for b in open_under)
    return lambda prefix: prefix not in keep and not prefix.startswith(bases)


#: The first pass builds the profile and settings maps and notices the lists; the second
#: builds list items and chat messages. Everything else is skipped unread.
FIRST_PASS_PRUNE = pruner([*PROFILE_MAPS, *SETTINGS_MAPS,
                           *(path.rsplit(".", 1)[0] for path in _CONTAINERS)])
SECOND_PASS_PRUNE = pruner([*_ITEM_LISTS, *CHAT_MAPS], open_under=CHAT_MAPS)
