"""footprint: audit a mental-health professional's social media footprint against the ethics codes."""

__version__ = "0.1.0"
