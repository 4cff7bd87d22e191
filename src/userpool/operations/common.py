"""Lookups every operation module needs, with AWS's not-found messages."""

from __future__ import annotations

from typing import Any

from userpool.domain.errors import ResourceNotFound
from userpool.store import Tx


def require_pool(tx: Tx, pool_id: str, *, for_update: bool = False) -> dict[str, Any]:
    pool = tx.get_pool(pool_id, for_update=for_update)
    if pool is None:
        raise ResourceNotFound(f"User pool {pool_id} does not exist.")
    return pool


def require_client(tx: Tx, pool_id: str, client_id: str) -> dict[str, Any]:
    client = tx.get("client", pool_id, client_id)
    if client is None:
        raise ResourceNotFound(f"User pool client {client_id} does not exist.")
    return client


def custom_scopes(tx: Tx, pool_id: str) -> set[str]:
    """Every ``<resource server identifier>/<scope name>`` defined in the pool."""
    scopes: set[str] = set()
    for identifier, server in tx.list("resource_server", pool_id):
        for scope in server.get("Scopes", []):
            scopes.add(f"{identifier}/{scope['ScopeName']}")
    return scopes


def provider_names(tx: Tx, pool_id: str) -> set[str]:
    return {name for name, _doc in tx.list("identity_provider", pool_id)}
