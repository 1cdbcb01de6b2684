"""Which Facebook export file is which, across the 2018-2025 layouts (export-formats.md §2.1).

Patterns match a path suffix, so any top folder (`facebook-<user>-<date>-<id>/`) and any of the
layout's parent folders (`your_facebook_activity/`, `your_activity_across_facebook/`, none) fit.
"""

from __future__ import annotations

import re
from typing import Literal

from connectors._meta import MESSAGE_FILE, junk_reason

FileKind = Literal["profile", "posts", "group_posts", "comments", "group_comments", "reactions",
                   "friends", "following", "followers", "media", "messages"]

_S = r"(?:^|/)"
_PART = r"(?:_\d+)?"

#: Files read, by kind. Order matters only for readability: the patterns do not overlap.
READ: tuple[tuple[FileKind, re.Pattern[str]], ...] = tuple((k, re.compile(p)) for k, p in (
    # 2018-21 profile_information/profile_information.json {"profile"}; 2024+ under
    # personal_information/ with {"profile_v2"}.
    ("profile", _S + r"profile_information/profile_information\.json$"),
    # 2018-19 posts/your_posts.json {"status_updates"}; 2020-23 posts/your_posts_1.json (bare
    # array; 2022-23 under your_activity_across_facebook/); 2024+
    # your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_N.json.
    ("posts", _S + r"posts/your_posts(?:__check_ins__photos_and_videos)?" + _PART + r"\.json$"),
    # 2018-19 {"group_posts"} (posts and comments mixed); 2021+ {"group_posts_v2"}.
    ("group_posts", _S + r"groups/(?:your_posts_and_comments_in_groups|your_posts_in_groups|"
                         r"group_posts_and_comments)" + _PART + r"\.json$"),
    # 2018-19 comments/comments.json {"comments"}; 2021+ comments_and_reactions/comments.json
    # {"comments_v2"}.
    ("comments", _S + r"comments(?:_and_reactions)?/comments" + _PART + r"\.json$"),
    ("group_comments", _S + r"groups/your_comments_in_groups" + _PART + r"\.json$"),
    # 2018-20 likes_and_reactions/posts_and_comments.json {"reactions"}; 2021+
    # comments_and_reactions/likes_and_reactions_N.json (bare array or {"reactions_v2"}).
    ("reactions", _S + r"(?:likes_and_reactions/posts_and_comments|"
                       r"comments_and_reactions/likes_and_reactions" + _PART + r"|"
                       r"comments_and_reactions/posts_and_comments)\.json$"),
    # friends/friends.json {"friends"} (2018-20); friends_and_followers/friends.json and
    # connections/friends/your_friends.json {"friends_v2"} (2021, 2024+).
    ("friends", _S + r"(?:friends|friends_and_followers|connections/friends)/"
                     r"(?:your_)?friends\.json$"),
    # following_and_followers/following.json {"following"} (2018-20); friends_and_followers/
    # following.json or who_you_follow.json {"following_v2"} (2021); connections/followers/
    # who_you've_followed[_N].json {"following_v3"} (2024+).
    ("following", _S + r"(?:following_and_followers|friends_and_followers|connections/followers)/"
                       r"(?:following|who_you_follow|who_you've_followed)" + _PART + r"\.json$"),
    # followers.json {"followers"/"followers_v2"}; 2024+ people_who_followed_you_N.json (a bare
    # Instagram-style array, or {"followers_v3"}: sources disagree, both are read).
    ("followers", _S + r"(?:following_and_followers|friends_and_followers|connections/followers)/"
                       r"(?:followers|your_followers|people_who_followed_you)"
                       + _PART + r"\.json$"),
    ("media", _S + r"posts/(?:album/\d+|your_uncategorized_photos|your_videos|your_photos)\.json$"),
    ("messages", MESSAGE_FILE.pattern),
))

#: Files recognised and deliberately not read, with the reason the coverage report gives.
SKIP: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (_S + r"(?:removed_friends|sent_friend_requests|received_friend_requests|"
          r"rejected_friend_requests|friend_requests_(?:received|sent)|people_you_may_know)\.json$",
     "friend requests, suggestions and removed friends: not current connections"),
    (_S + r"your_post_audiences\.json$",
     "named audience lists only: Meta does not say which post went to which audience"),
    (_S + r"(?:followed_pages|unfollowed_pages|pages_you(?:'ve)?_(?:liked|follow)|"
          r"pages_you_have_liked|pages_you've_recommended|liked_pages)\.json$",
     "Pages the owner liked or followed: Pages, not people"),
    (_S + r"(?:edits_you_made_to_posts|content_sharing_links_you_have_created|archive|"
          r"places_you_have_been_tagged_in|posts_on_other_pages_and_profiles|"
          r"your_pending_posts_in_groups|your_answers_to_membership_questions|your_groups|"
          r"your_group_membership_activity|group_membership_activity)\.json$",
     "post history, tags by others and group memberships are not read yet"),
    (_S + r"messages/(?:[^/]+\.json)$", "Messenger settings, not messages"),
))

#: Whole folders that hold no posts, people or interactions (settings, ads, logs, telemetry).
SKIP_FOLDERS = frozenset({
    "ads_information", "ads_and_businesses", "apps_and_websites_off_of_facebook",
    "apps_and_websites", "logged_information", "preferences", "security_and_login_information",
    "your_topics", "other_activity", "search", "search_history", "location", "notifications",
    "saved_items_and_collections", "facebook_marketplace", "facebook_gaming", "facebook_payments",
    "events", "stories", "other_logged_information", "activity_messages", "fundraisers",
    "shops", "voting", "your_places", "navigation_bar", "reviews", "live_audio_rooms",
    "interactions", "short_videos", "your_interactions_on_facebook", "volunteering",
})


def classify(name: str) -> str | None:
    """A member's kind (a `FileKind`), or a skip reason (starting "skip:"), or None (unknown)."""
    junk = junk_reason(name)
    if junk:
        return "skip:" + junk
    for kind, pattern in READ:
        if pattern.search(name):
            return kind
    for pattern, reason in SKIP:
        if pattern.search(name):
            return "skip:" + reason
    folders = set(name.split("/")[:-1])
    hit = sorted(folders & SKIP_FOLDERS)
    if hit:
        return f"skip:not audited: {hit[0]} (settings, ads, logs or activity telemetry)"
    return None
