"""Reddit GDPR export ("Request your data"): a flat folder of CSV files."""

from connectors.reddit.connector import RedditConnector

__all__ = ["RedditConnector"]
