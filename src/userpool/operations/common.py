"""Lookups every operation module needs, with AWS's not-found messages."""

from __future__ import annotations

from typing import Any

from userpool.domain import pagination
from userpool.domain.errors import InvalidParameter, ResourceNotFound
from userpool.store import Store, Tx


def require_pool(tx: Tx, pool_id: str, *, for_update: bool = False) -> dict[str, Any]:
    pool = tx.get_pool(pool_id, for_update=for_update)
    if pool is None:
        raise ResourceNotFound(f"User pool {pool_id} does not exist.")
    return pool


def cached_pool(store: Store, pool_id: str) -> dict[str, Any]:
    """``require_pool`` outside a transaction, through the store's cached point read (the hot
    read paths). The result is shared: read-only."""
    pool = store.describe_pool(pool_id)
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


def list_page(
    store: Store, kind: str, pool_id: str, limit: int, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a pool's resources of ``kind`` in key order, and the NextToken after it.

    Tokens are opaque, bound to the kind and the pool they came from; a forged or foreign one is
    ``InvalidParameterException`` "Invalid pagination token.".
    """
    after = None
    if token:
        position = pagination.decode(token, kind=kind)
        if position.get("p") != pool_id or not isinstance(position.get("a"), str):
            raise InvalidParameter("Invalid pagination token.")
        after = position["a"]
    with store.reader() as tx:
        require_pool(tx, pool_id)
        rows, more = pagination.page(tx.list(kind, pool_id, after=after, limit=limit + 1), limit)
    next_token = pagination.encode({"k": kind, "p": pool_id, "a": rows[-1][0]}) if more else None
    return [doc for _key, doc in rows], next_token
