"""Errors the store raises for the operations to translate into AWS's."""


class Duplicate(Exception):
    """A row with the same unique key exists (``args[0]`` may say which key)."""
