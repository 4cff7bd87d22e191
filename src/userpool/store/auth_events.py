"""Sign-in events (``auth_events`` table): one row per recorded attempt, owned by a user's
``sub`` (a deleted-then-recreated username is a different user; the foreign key cascades).

An event is its AuthEventType document. Use ``AuthEventRows(tx.conn)`` inside the operation's
transaction or reader.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, and_, insert, or_, select, update

from userpool.store.tables import auth_events


class AuthEventRows:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, pool_id: str, sub: str, event: dict[str, Any]) -> None:
        self.conn.execute(
            insert(auth_events).values(
                pool_id=pool_id,
                event_id=event["EventId"],
                sub=sub,
                created_at=float(event["CreationDate"]),
                doc=orjson.dumps(event).decode(),
            )
        )

    def get(
        self, pool_id: str, sub: str, event_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        stmt = select(auth_events.c.doc).where(
            auth_events.c.pool_id == pool_id,
            auth_events.c.event_id == event_id,
            auth_events.c.sub == sub,
        )
        if for_update:
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        return None if row is None else orjson.loads(row.doc)

    def replace(self, pool_id: str, event: dict[str, Any]) -> None:
        self.conn.execute(
            update(auth_events)
            .where(auth_events.c.pool_id == pool_id, auth_events.c.event_id == event["EventId"])
            .values(doc=orjson.dumps(event).decode())
        )

    def page(
        self,
        pool_id: str,
        sub: str,
        before: tuple[float, str] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """The user's events newest first, starting after the (created_at, event_id) position
        ``before`` (exclusive); at most ``limit``."""
        c = auth_events.c
        stmt = select(c.doc).where(c.pool_id == pool_id, c.sub == sub)
        if before is not None:
            at, event_id = before
            stmt = stmt.where(
                or_(c.created_at < at, and_(c.created_at == at, c.event_id < event_id))
            )
        stmt = stmt.order_by(c.created_at.desc(), c.event_id.desc()).limit(limit)
        return [orjson.loads(row.doc) for row in self.conn.execute(stmt)]
