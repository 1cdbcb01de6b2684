"""Why a file of an X archive is not read: one reason per data type, media folder or viewer file.

The audit reads what the owner published and whom they are connected to. Everything else in the
archive (ads, security logs, inferred interests, private chats) is reported as skipped, with the
reason, so that the report can say what was not looked at.
"""

from __future__ import annotations

import re

# (stem pattern, reason); the first match wins. Stems are data file names without `-partN.js`,
# as listed in X's own README.txt (2026 archive).
_STEM_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reason) for pattern, reason in (
        (r"^(ad|ads)-", "ads data, not audited"),
        (r"^(personalization|ageinfo)$", "inferred interests and demographics, not audited"),
        (r"^direct-message(-group)?-headers$",
         "direct-message headers; participants and dates are read from direct-messages.js"),
        (r"^direct-message-mute$", "private: muted conversations, not audited"),
        (r"^message-event$",
         "private: direct-message events (may be end-to-end encrypted), not audited"),
        (r"^audio-video-calls", "private: call metadata, not audited"),
        (r"^grok-chat", "private: Grok chats, not audited"),
        (r"^deleted-", "deleted from the account (X keeps them about 14 days), not audited"),
        (r"^tweet-headers$", "tweet ids and dates only; the tweets file holds the tweets"),
        (r"^(ip-audit|account-creation-ip|email-address-change|phone-number|device-token|ni-devices"
         r"|contact|sso|key-registry|connected-application|account-timezone|account-suspension"
         r"|account-label|screen-name-change|verified|verified-organization)$",
         "account security and identity data, not audited"),
        (r"^(periscope|spaces)-", "Periscope and Spaces data, not audited"),
        (r"^article(-metadata)?$", "X Articles are not parsed yet"),
        (r"^(twitter-shop|shop-module|shopify-account|product-drop|product-set|catalog-item"
         r"|commerce-catalog)$", "shopping data, not audited"),
        (r"^mute$", "muted accounts, not audited"),
    )
)

_MEDIA_REASONS: dict[str, str] = {
    "profile_media": "media file: profile images, not opened",
    "direct_messages_media": "private: direct-message media, not opened",
    "direct_messages_group_media": "private: direct-message media, not opened",
    "deleted_tweets_media": "media file of a deleted tweet, not opened",
}


def skip_reason(stem: str) -> str:
    """Why a data file with this stem is not read."""
    for pattern, reason in _STEM_REASONS:
        if pattern.search(stem):
            return reason
    return f"{stem} data, not audited"


def media_reason(folder: str) -> str:
    """Why a file in one of the archive's media folders (other than tweets_media) is skipped."""
    return _MEDIA_REASONS.get(folder, "media file, not opened")


def viewer_reason(name: str) -> str | None:
    """The reason for files of X's HTML archive viewer, None for anything else."""
    if name.endswith("Your archive.html") or "/assets/" in f"/{name}":
        return "X's HTML archive viewer, not data"
    return None
