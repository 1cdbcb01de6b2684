"""Facebook "Download Your Information" (JSON) connector: posts, check-ins, comments, reactions,
friends, follows, profile and (participants only, unless asked) Messenger threads."""

from connectors.facebook.connector import FacebookConnector

__all__ = ["FacebookConnector"]
