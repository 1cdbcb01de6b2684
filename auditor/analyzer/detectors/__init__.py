"""Code detectors, one module each; `base.discover()` finds them (no list to edit here)."""
