"""The evaluate stage: loaded documents -> resources with values (UNKNOWN where not knowable)."""
