"""Storage adapters: the only package that imports SQLAlchemy."""

from userpool.store.repository import Duplicate, Store, Tx

__all__ = ["Duplicate", "Store", "Tx"]
