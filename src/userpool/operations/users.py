"""users operations (being written)."""
