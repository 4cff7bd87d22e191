"""Token storage: per-pool signing keys and token families (``tx.tokens``).

A key row is ``{"purpose", "generation", "kid", "public_jwk" (dict), "private_key" (encrypted
PEM text), "created_at"}``. A family is a dict keyed like the ``token_families`` columns.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from userpool.store.errors import Duplicate
from userpool.store.tables import signing_keys, token_families

_FAMILY_COLUMNS = tuple(c.name for c in token_families.columns)
# Built once: the refresh path reads a family per request.
_FAMILY = select(token_families).where(token_families.c.origin_jti == bindparam("origin_jti"))
_FAMILY_FOR_UPDATE = _FAMILY.with_for_update()


class TokenRows:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- signing keys -----------------------------------------------------------------------
    def keys(self, pool_id: str) -> list[dict[str, Any]]:
        """Every key of the pool, oldest generation first."""
        rows = self.conn.execute(
            select(signing_keys)
            .where(signing_keys.c.pool_id == pool_id)
            .order_by(signing_keys.c.generation, signing_keys.c.purpose)
        )
        return [
            {
                "purpose": row.purpose,
                "generation": row.generation,
                "kid": row.kid,
                "public_jwk": orjson.loads(row.public_jwk),
                "private_key": row.private_key,
                "created_at": row.created_at,
            }
            for row in rows
        ]

    def latest_generation(self, pool_id: str) -> int:
        value = self.conn.execute(
            select(func.max(signing_keys.c.generation)).where(signing_keys.c.pool_id == pool_id)
        ).scalar_one()
        return int(value or 0)

    def insert_keys(self, pool_id: str, rows: list[dict[str, Any]]) -> None:
        """Insert a set of keys atomically; ``Duplicate`` when another writer was first."""
        values = [
            {
                "pool_id": pool_id,
                "purpose": row["purpose"],
                "generation": row["generation"],
                "kid": row["kid"],
                "public_jwk": orjson.dumps(row["public_jwk"]).decode(),
                "private_key": row["private_key"],
                "created_at": row["created_at"],
            }
            for row in rows
        ]
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(signing_keys), values)
        except IntegrityError:
            raise Duplicate("signing key") from None

    # -- token families ---------------------------------------------------------------------
    def insert_family(self, pool_id: str, family: dict[str, Any]) -> None:
        values = {k: family.get(k) for k in _FAMILY_COLUMNS if k != "pool_id"}
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(token_families).values(pool_id=pool_id, **values))
        except IntegrityError:
            raise Duplicate("origin_jti") from None

    def get_family(
        self, origin_jti: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        stmt = _FAMILY_FOR_UPDATE if for_update else _FAMILY
        row = self.conn.execute(stmt, {"origin_jti": origin_jti}).first()
        return None if row is None else dict(row._mapping)

    def update_family(self, origin_jti: str, **values: Any) -> None:
        self.conn.execute(
            update(token_families)
            .where(token_families.c.origin_jti == origin_jti)
            .values(**values)
        )

    def revoke_user(self, pool_id: str, sub: str) -> int:
        """Revoke every family of the user (GlobalSignOut); returns how many were live."""
        result = self.conn.execute(
            update(token_families)
            .where(
                token_families.c.pool_id == pool_id,
                token_families.c.sub == sub,
                token_families.c.revoked.is_(False),
            )
            .values(revoked=True)
        )
        return int(result.rowcount or 0)

    def families_of(self, pool_id: str, sub: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(token_families)
            .where(token_families.c.pool_id == pool_id, token_families.c.sub == sub)
            .order_by(token_families.c.created_at)
        )
        return [dict(row._mapping) for row in rows]

    def purge_expired(self, before: float) -> int:
        """Forget families whose refresh token expired before ``before`` (housekeeping)."""
        result = self.conn.execute(
            delete(token_families).where(token_families.c.expires_at < before)
        )
        return int(result.rowcount or 0)
