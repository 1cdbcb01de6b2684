"""Google Business Profile (Google Takeout): reviews of the practice and the owner's replies."""

from connectors.google_business.connector import GoogleBusinessConnector

__all__ = ["GoogleBusinessConnector"]
