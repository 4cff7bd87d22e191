"""user_groups operations (being written)."""
