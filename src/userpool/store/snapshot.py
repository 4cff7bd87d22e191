"""A read-only stand-in for ``Tx`` on the hottest sign-in path (REFRESH_TOKEN_AUTH).

It offers exactly the lookups that path makes — a token family, a user, the user's groups,
pool resources, signing keys — each as one statement on the store's point reader: no pool
checkout, no BEGIN/COMMIT, no ping (on PostgreSQL that is four network round trips fewer per
refresh). Each read is its own consistent snapshot; on SQLite they are cached until the next
commit anywhere (store/point.py), so a revocation is seen at once. Results are shared: read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func, literal_column, select

from userpool.store.tables import group_members, token_families, users
from userpool.store.users import _GROUPS_OF, _USER_COLUMNS, _first_user

if TYPE_CHECKING:
    from userpool.store.repository import Store

_FAMILY = select(token_families).where(token_families.c.origin_jti == bindparam("origin_jti"))
_FAMILY_COLUMNS = [column.name for column in token_families.columns]


# A refresh needs the family, its user and the user's groups: one statement (one round trip).
# Group names can't contain U+001F (the model allows letters, marks, symbols, numbers and
# punctuation only), so it separates them.
_SEPARATOR = "\x1f"


def _family_user_groups_statement(aggregate: Any) -> Any:
    return (
        select(
            token_families,
            users,
            select(aggregate)
            .where(
                group_members.c.pool_id == users.c.pool_id,
                group_members.c.username_key == users.c.username_key,
            )
            .scalar_subquery(),
        )
        .outerjoin(
            users,
            and_(
                users.c.pool_id == token_families.c.pool_id,
                users.c.username_key == token_families.c.username_key,
            ),
        )
        .where(token_families.c.origin_jti == bindparam("origin_jti"))
    )


# The string aggregate is the one dialect difference (no bound separator: the point reader
# compiles statements once, without values).
_FAMILY_USER_GROUPS = {
    "sqlite": _family_user_groups_statement(
        func.group_concat(group_members.c.group_name, literal_column("char(31)"))
    ),
    "postgresql": _family_user_groups_statement(
        func.string_agg(group_members.c.group_name, literal_column("chr(31)"))
    ),
}


def _family_user_groups(rows: list[tuple[Any, ...]]) -> tuple[Any, Any, list[str]] | None:
    if not rows:
        return None
    row = rows[0]
    width = len(_FAMILY_COLUMNS)
    family = dict(zip(_FAMILY_COLUMNS, row[:width], strict=True))
    user_part = row[width : width + len(_USER_COLUMNS)]
    user = _first_user([user_part]) if user_part[0] is not None else None
    names = sorted(row[-1].split(_SEPARATOR)) if row[-1] else []
    return family, user, names


def _family(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    return dict(zip(_FAMILY_COLUMNS, rows[0], strict=True)) if rows else None


def _names(rows: list[tuple[Any, ...]]) -> list[str]:
    return [row[0] for row in rows]


class _Users:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, dict[str, Any]] = {}
        self.known_groups: dict[str, list[str]] = {}

    def get(self, pool_id: str, key: str, *, for_update: bool = False) -> dict[str, Any] | None:
        assert not for_update, "a snapshot is read-only"
        if key in self.known:
            return self.known[key]
        return self.store.user_reads.get(pool_id, key)

    def groups_of(self, pool_id: str, key: str) -> list[str]:
        if key in self.known_groups:
            return self.known_groups[key]
        return self.store.point.cached(_GROUPS_OF, {"pool_id": pool_id, "key": key}, _names)


class _Tokens:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, dict[str, Any]] = {}

    def get_family(self, origin_jti: str, *, for_update: bool = False) -> dict[str, Any] | None:
        assert not for_update, "a snapshot is read-only"
        if origin_jti in self.known:
            return self.known[origin_jti]
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

    def prefetch_family(self, origin_jti: str) -> None:
        """Read a token family, its user and the user's group names in one statement; later
        lookups of those are answered from what was read."""
        statement = _FAMILY_USER_GROUPS[self.store.engine.dialect.name]
        found = self.store.point.cached(
            statement, {"origin_jti": origin_jti}, _family_user_groups
        )
        if found is None:
            return
        family, user, names = found
        self.tokens.known[origin_jti] = family
        if user is not None:
            self.users.known[family["username_key"]] = user
            self.users.known_groups[family["username_key"]] = names
