"""Sign-in sessions: one row per outstanding challenge, consumed when answered.

A consumed session stays as a tombstone (``step`` emptied) until it expires, so that a replay can
be told apart from a session that never existed (AWS answers "Invalid session for the user,
session can only be used once.").
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select, update

from userpool.store.tables import auth_sessions


class SessionRows:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def put(
        self,
        token_hash: str,
        *,
        pool_id: str,
        client_id: str,
        username_key: str,
        step: str,
        expires_at: float,
        doc: dict[str, Any],
    ) -> None:
        """Store a session (replacing a tombstone of the same token: a session put back)."""
        self.conn.execute(delete(auth_sessions).where(auth_sessions.c.token_hash == token_hash))
        self.conn.execute(
            insert(auth_sessions).values(
                token_hash=token_hash,
                pool_id=pool_id,
                client_id=client_id,
                username_key=username_key,
                step=step,
                expires_at=expires_at,
                doc=orjson.dumps(doc).decode(),
            )
        )

    def take(self, token_hash: str) -> dict[str, Any] | None:
        """Read and consume (single use). None for an unknown session; ``{"replayed": True}``
        for one that was already used."""
        row = self.conn.execute(
            select(auth_sessions).where(auth_sessions.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        consumed = self.conn.execute(
            update(auth_sessions)
            .where(auth_sessions.c.token_hash == token_hash, auth_sessions.c.step != "")
            .values(step="")
        ).rowcount
        if not consumed:  # used before (or by a concurrent request a moment ago)
            return {"replayed": True}
        return {
            "pool_id": row.pool_id, "client_id": row.client_id, "username_key": row.username_key,
            "step": row.step, "expires_at": row.expires_at, **orjson.loads(row.doc),
        }

    def purge(self, before: float) -> None:
        self.conn.execute(delete(auth_sessions).where(auth_sessions.c.expires_at < before))
