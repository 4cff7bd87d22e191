"""imports operations (being written)."""
