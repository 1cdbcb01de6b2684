"""TikTok "Download your data" JSON export (`user_data.json`, `user_data_tiktok.json`)."""

from connectors.tiktok.connector import TikTokConnector

__all__ = ["TikTokConnector"]
