"""A read-only stand-in for ``Tx`` on the hottest sign-in path (REFRESH_TOKEN_AUTH).

It offers exactly the lookups that path makes — a token family, a user, the user's groups,
pool resources, signing keys — each as one statement on the store's point reader: no pool
checkout, no BEGIN/COMMIT, no ping (on PostgreSQL that is four network round trips fewer per
refresh). Each read is its own consistent snapshot; on SQLite they are cached until the next
commit anywhere (store/point.py), so a revocation is seen at once. Results are shared: read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from userpool.store.tables import token_families
from userpool.store.users import _GROUPS_OF

if TYPE_CHECKING:
    from userpool.store.repository import Store

_FAMILY = select(token_families).where(token_families.c.origin_jti == bindparam("origin_jti"))
_FAMILY_COLUMNS = [column.name for column in token_families.columns]


def _family(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    return dict(zip(_FAMILY_COLUMNS, rows[0], strict=True)) if rows else None


def _names(rows: list[tuple[Any, ...]]) -> list[str]:
    return [row[0] for row in rows]


class _Users:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, pool_id: str, key: str, *, for_update: bool = False) -> dict[str, Any] | None:
        assert not for_update, "a snapshot is read-only"
        return self.store.user_reads.get(pool_id, key)

    def groups_of(self, pool_id: str, key: str) -> list[str]:
        return self.store.point.cached(_GROUPS_OF, {"pool_id": pool_id, "key": key}, _names)


class _Tokens:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get_family(self, origin_jti: str, *, for_update: bool = False) -> dict[str, Any] | None:
        assert not for_update, "a snapshot is read-only"
        return self.store.point.cached(_FAMILY, {"origin_jti": origin_jti}, _family)

    def keys(self, pool_id: str) -> list[dict[str, Any]]:
        with self.store.reader() as tx:  # a key-cache miss: rare
            return tx.tokens.keys(pool_id)


class Snapshot:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.users = _Users(store)
        self.tokens = _Tokens(store)

    def get(self, kind: str, pool_id: str, key: str) -> dict[str, Any] | None:
        return self.store.get(kind, pool_id, key)
