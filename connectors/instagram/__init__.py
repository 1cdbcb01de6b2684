"""Instagram export connector (JSON): posts, reels, stories, comments, likes, followers and
following with dates, the private flag in any language, messages (participants only unless asked),
and the Threads posts and followers that come inside the same export."""

from connectors.instagram.connector import InstagramConnector

__all__ = ["InstagramConnector"]
