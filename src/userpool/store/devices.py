"""Confirmed devices (``devices`` table): one row per device key, owned by a user's ``sub``.

A device is a dict: the stored document (see ``operations/devices.py``) plus ``_Sub`` (the
owner) and ``_Key`` (the device key). Use ``DeviceRows(tx.conn)`` inside the operation's
transaction or reader.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from userpool.store.errors import Duplicate
from userpool.store.tables import devices


def _device(row: Any) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(row.doc)
    doc["_Key"] = row.device_key
    doc["_Sub"] = row.sub
    return doc


def _doc_text(device: dict[str, Any]) -> str:
    return orjson.dumps({k: v for k, v in device.items() if k not in ("_Key", "_Sub")}).decode()


class DeviceRows:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(
        self, pool_id: str, device_key: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        stmt = select(devices).where(
            devices.c.pool_id == pool_id, devices.c.device_key == device_key
        )
        if for_update:
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        return None if row is None else _device(row)

    def insert(
        self, pool_id: str, sub: str, device_key: str, device: dict[str, Any], now: float
    ) -> None:
        """Insert a device; ``Duplicate`` when the key is taken in the pool."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    insert(devices).values(
                        pool_id=pool_id,
                        device_key=device_key,
                        sub=sub,
                        created_at=now,
                        doc=_doc_text(device),
                    )
                )
        except IntegrityError:
            raise Duplicate("device_key") from None

    def update(self, pool_id: str, device: dict[str, Any]) -> None:
        self.conn.execute(
            update(devices)
            .where(devices.c.pool_id == pool_id, devices.c.device_key == device["_Key"])
            .values(doc=_doc_text(device))
        )

    def delete(self, pool_id: str, device_key: str) -> bool:
        result = self.conn.execute(
            delete(devices).where(devices.c.pool_id == pool_id, devices.c.device_key == device_key)
        )
        return bool(result.rowcount)

    def page(self, pool_id: str, sub: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The user's devices in device-key order, after ``after``, at most ``limit``."""
        stmt = select(devices).where(devices.c.pool_id == pool_id, devices.c.sub == sub)
        if after is not None:
            stmt = stmt.where(devices.c.device_key > after)
        rows = self.conn.execute(stmt.order_by(devices.c.device_key).limit(limit))
        return [_device(row) for row in rows]
