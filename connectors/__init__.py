"""Platform connectors: one sub-package per platform, found by `auditor.registry` without a list."""
