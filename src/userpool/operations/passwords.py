"""passwords operations (being written)."""
