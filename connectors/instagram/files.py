"""Which Instagram export file is which, across the 2021-2023 and 2024+ layouts, Threads
included (export-formats.md §3.1). Patterns match a path suffix, so any top folder fits."""

from __future__ import annotations

import re

from connectors._meta import MESSAGE_FILE, junk_reason

_S = r"(?:^|/)"
_PART = r"(?:_\d+)?"

#: Threads files, inside the Instagram export under `your_instagram_activity/threads/` (a bare
#: `threads/` folder is accepted too). Checked before the Instagram patterns.
THREADS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    ("threads_profile", _S + r"threads/personal_information\.json$"),
    ("threads_posts", _S + r"threads/threads_and_replies" + _PART + r"\.json$"),
    ("threads_followers", _S + r"threads/followers" + _PART + r"\.json$"),
    ("threads_following", _S + r"threads/following" + _PART + r"\.json$"),
    ("threads_likes", _S + r"threads/liked_threads" + _PART + r"\.json$"),
    ("threads_blocked", _S + r"threads/blocked_profiles\.json$"),
))
THREADS_FOLDER = re.compile(_S + r"threads/[^/]+$")

INSTAGRAM: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    # 2021-23 account_information/personal_information.json; 2024+
    # personal_information/personal_information/personal_information.json; {"profile_user":[...]}.
    ("profile", _S + r"(?:account_information|personal_information)/personal_information\.json$"),
    # The history of public/private switches: the private flag when personal_information lacks it.
    ("privacy", _S + r"(?:profile|account)_privacy_changes\.json$"),
    # 2021-23 content/posts_1.json; 2024 your_instagram_activity/content/; 2025+ .../media/.
    ("posts", _S + r"(?:content|media)/posts" + _PART + r"\.json$"),
    ("reels", _S + r"(?:content|media)/reels" + _PART + r"\.json$"),
    ("stories", _S + r"(?:content|media)/stories" + _PART + r"\.json$"),
    ("comments", _S + r"comments/(?:post_comments|reels_comments)" + _PART + r"\.json$"),
    ("likes", _S + r"likes/liked_(?:posts|comments)" + _PART + r"\.json$"),
    # Followers: {"relationships_followers":[...]} (2021-23) or a bare array (2024+), split in
    # followers_1.json, followers_2.json, ...; following is wrapped in every version.
    ("followers", _S + r"followers_and_following/followers" + _PART + r"\.json$"),
    ("following", _S + r"followers_and_following/following" + _PART + r"\.json$"),
    ("blocked", _S + r"followers_and_following/blocked_(?:profiles|accounts)\.json$"),
    ("messages", MESSAGE_FILE.pattern),
))

SKIP: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (_S + r"followers_and_following/(?:close_friends|hide_story_from)\.json$",
     "close friends and hidden-story lists: no connection relation for them yet"),
    (_S + r"followers_and_following/(?:pending_follow_requests|recent_follow_requests|"
          r"recently_unfollowed_(?:profiles|accounts)|removed_suggestions|"
          r"restricted_(?:profiles|accounts)|following_hashtags|"
          r"follow_requests_you've_received)\.json$",
     "follow requests, unfollows, suggestions, restrictions and hashtags: not current connections"),
    (_S + r"(?:content|media)/(?:archived_posts|profile_photos|recently_deleted_content|"
          r"igtv_videos|other_content)" + _PART + r"\.json$",
     "archived, deleted and profile media are not read yet"),
    (_S + r"threads/[^/]+\.json$",
     "Threads viewing, saving and settings data, not posts or people"),
    (_S + r"messages/[^/]+\.json$", "message settings, not messages"),
))

SKIP_FOLDERS = frozenset({
    "ads_information", "ads_and_topics", "apps_and_websites_off_of_instagram", "logged_information",
    "preferences", "security_and_login_information", "login_and_account_creation", "saved",
    "story_interactions", "story_sticker_interactions", "other_activity", "monetization",
    "shopping", "subscriptions", "avatars_store", "events", "fundraisers", "gifts", "reports",
    "meta_spark",
    "recent_searches", "searches", "information_about_you", "autofill_information", "your_topics",
    "past_instagram_insights", "instagram_live", "notifications", "device_information",
})


def classify(name: str) -> str | None:
    """A member's kind, a skip reason ("skip:..."), or None (unknown)."""
    junk = junk_reason(name)
    if junk:
        return "skip:" + junk
    for kind, pattern in THREADS:
        if pattern.search(name):
            return kind
    for kind, pattern in INSTAGRAM:
        if pattern.search(name):
            return kind
    for pattern, reason in SKIP:
        if pattern.search(name):
            return "skip:" + reason
    hit = sorted(set(name.split("/")[:-1]) & SKIP_FOLDERS)
    if hit:
        return f"skip:not audited: {hit[0]} (settings, ads, logs or activity telemetry)"
    return None


def is_threads(name: str) -> bool:
    """True for a member of the Threads folder (its coverage belongs to the Threads account)."""
    return bool(THREADS_FOLDER.search(name))
