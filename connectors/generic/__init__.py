"""Generic CSV: posts of platforms without a connector, in the layout of docs/generic-csv.md."""

from connectors.generic.connector import GenericCsvConnector

__all__ = ["GenericCsvConnector"]
