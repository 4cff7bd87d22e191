"""list_users operations (being written)."""
