"""Repositories: a transaction object with one method per thing the operations need.

Documents are stored as JSON text and returned as dicts. A unique-constraint violation is raised
as ``Duplicate`` so operations can answer with the right AWS error without check-then-insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from userpool.store.engine import is_sqlite
from userpool.store.errors import Duplicate
from userpool.store.point import PointReader
from userpool.store.sessions import SessionRows
from userpool.store.snapshot import Snapshot
from userpool.store.tables import domains, metadata, pool_resources, user_pools
from userpool.store.tokens import TokenRows
from userpool.store.users import UserReads, UserRows


def _load(text: str | bytes) -> dict[str, Any]:
    return orjson.loads(text)


def _dump(doc: dict[str, Any]) -> str:
    return orjson.dumps(doc).decode()


class Tx:
    """One transaction (or one read-only connection)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.users = UserRows(conn)
        self.sessions = SessionRows(conn)
        self.tokens = TokenRows(conn)

    def _insert(self, stmt: Any) -> None:
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt)
        except IntegrityError as exc:
            raise Duplicate(str(exc.orig)) from None

    # -- user pools -------------------------------------------------------------------------
    def get_pool(self, pool_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        """The stored pool, with ``_UserCount``; ``for_update`` locks its row (PostgreSQL)."""
        row = self.conn.execute(_POOL_FOR_UPDATE if for_update else _POOL, {"id": pool_id}).first()
        if row is None:
            return None
        doc = _load(row[0])
        doc["_UserCount"] = row[1]
        return doc

    def insert_pool(self, doc: dict[str, Any], region: str) -> None:
        self._insert(
            insert(user_pools).values(
                id=doc["Id"],
                region=region,
                name=doc["Name"],
                doc=_dump(_strip(doc)),
                created_at=doc["CreationDate"],
                updated_at=doc["LastModifiedDate"],
            )
        )

    def update_pool(self, doc: dict[str, Any]) -> None:
        self.conn.execute(
            update(user_pools)
            .where(user_pools.c.id == doc["Id"])
            .values(name=doc["Name"], doc=_dump(_strip(doc)), updated_at=doc["LastModifiedDate"])
        )

    def delete_pool(self, pool_id: str) -> None:
        self.conn.execute(delete(pool_resources).where(pool_resources.c.pool_id == pool_id))
        self.conn.execute(delete(domains).where(domains.c.pool_id == pool_id))
        self.conn.execute(delete(user_pools).where(user_pools.c.id == pool_id))

    # -- resources inside a pool -------------------------------------------------------------
    def get(self, kind: str, pool_id: str, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(_RESOURCE, {"pool_id": pool_id, "kind": kind, "key": key}).first()
        return None if row is None else _load(row[0])

    def insert(self, kind: str, pool_id: str, key: str, doc: dict[str, Any], now: float) -> None:
        self._insert(
            insert(pool_resources).values(
                pool_id=pool_id, kind=kind, key=key, doc=_dump(doc), created_at=now, updated_at=now
            )
        )

    def replace(self, kind: str, pool_id: str, key: str, doc: dict[str, Any], now: float) -> None:
        self.conn.execute(
            update(pool_resources)
            .where(
                pool_resources.c.pool_id == pool_id,
                pool_resources.c.kind == kind,
                pool_resources.c.key == key,
            )
            .values(doc=_dump(doc), updated_at=now)
        )

    def put(self, kind: str, pool_id: str, key: str, doc: dict[str, Any], now: float) -> None:
        """Insert or replace."""
        if self.get(kind, pool_id, key) is None:
            try:
                self.insert(kind, pool_id, key, doc, now)
                return
            except Duplicate:
                pass
        self.replace(kind, pool_id, key, doc, now)

    def remove(self, kind: str, pool_id: str, key: str) -> bool:
        result = self.conn.execute(
            delete(pool_resources).where(
                pool_resources.c.pool_id == pool_id,
                pool_resources.c.kind == kind,
                pool_resources.c.key == key,
            )
        )
        return bool(result.rowcount)

    def list(
        self, kind: str, pool_id: str, after: str | None = None, limit: int | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """(key, doc) pairs in key order, starting after ``after``."""
        stmt = select(pool_resources.c.key, pool_resources.c.doc).where(
            pool_resources.c.pool_id == pool_id, pool_resources.c.kind == kind
        )
        if after is not None:
            stmt = stmt.where(pool_resources.c.key > after)
        stmt = stmt.order_by(pool_resources.c.key)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [(row[0], _load(row[1])) for row in self.conn.execute(stmt)]

    def count(self, kind: str, pool_id: str) -> int:
        return self.conn.execute(
            select(func.count()).where(
                pool_resources.c.pool_id == pool_id, pool_resources.c.kind == kind
            )
        ).scalar_one()

    def find_pool_of(self, kind: str, key: str) -> str | None:
        """The pool holding a resource of ``kind`` with ``key`` (e.g. an app client id)."""
        row = self.conn.execute(
            select(pool_resources.c.pool_id).where(
                pool_resources.c.kind == kind, pool_resources.c.key == key
            )
        ).first()
        return None if row is None else row[0]

    # -- domains -----------------------------------------------------------------------------
    def get_domain(self, domain: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(domains.c.doc).where(domains.c.domain == domain)).first()
        return None if row is None else _load(row[0])

    def pool_domains(self, pool_id: str) -> dict[str, dict[str, Any]]:
        """slot ("prefix" / "custom") -> domain document."""
        rows = self.conn.execute(
            select(domains.c.slot, domains.c.doc).where(domains.c.pool_id == pool_id)
        )
        return {row[0]: _load(row[1]) for row in rows}

    def insert_domain(
        self, domain: str, pool_id: str, slot: str, doc: dict[str, Any], now: float
    ) -> None:
        self._insert(
            insert(domains).values(
                domain=domain, pool_id=pool_id, slot=slot, doc=_dump(doc), created_at=now
            )
        )

    def replace_domain(self, domain: str, doc: dict[str, Any]) -> None:
        self.conn.execute(update(domains).where(domains.c.domain == domain).values(doc=_dump(doc)))

    def delete_domain(self, domain: str) -> None:
        self.conn.execute(delete(domains).where(domains.c.domain == domain))

    # -- administration ----------------------------------------------------------------------
    def wipe(self) -> None:
        for table in reversed(metadata.sorted_tables):
            self.conn.execute(delete(table))


def _pool_view(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    if not rows:
        return None
    doc_text, user_count, domain, custom_domain = rows[0]
    doc = _load(doc_text)
    doc["_UserCount"], doc["_Domain"], doc["_CustomDomain"] = user_count, domain, custom_domain
    return doc


def _first_doc(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    return _load(rows[0][0]) if rows else None


def _client_and_pool(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    if not rows:
        return None
    client_doc, *pool_part = rows[0]
    pool = _pool_view([tuple(pool_part)])
    assert pool is not None
    return pool, _load(client_doc)


def _docs(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [_load(row[0]) for row in rows]


# Statements of the hot read paths, built once (building a statement costs more than running it).
_POOL = select(user_pools.c.doc, user_pools.c.user_count).where(user_pools.c.id == bindparam("id"))
_POOL_FOR_UPDATE = _POOL.with_for_update()


def _domain_of(slot: str) -> Any:
    return (
        select(domains.c.domain)
        .where(domains.c.pool_id == user_pools.c.id, domains.c.slot == slot)
        .scalar_subquery()
    )


_POOL_WITH_DOMAINS = select(
    user_pools.c.doc, user_pools.c.user_count, _domain_of("prefix"), _domain_of("custom")
).where(user_pools.c.id == bindparam("id"))
_POOLS_FIRST = (
    select(user_pools.c.doc)
    .where(user_pools.c.region == bindparam("region"))
    .order_by(user_pools.c.created_at, user_pools.c.id)
    .limit(bindparam("limit"))
)
_POOLS_AFTER = (
    select(user_pools.c.doc)
    .where(
        user_pools.c.region == bindparam("region"),
        or_(
            user_pools.c.created_at > bindparam("created"),
            and_(
                user_pools.c.created_at == bindparam("created"),
                user_pools.c.id > bindparam("after_id"),
            ),
        ),
    )
    .order_by(user_pools.c.created_at, user_pools.c.id)
    .limit(bindparam("limit"))
)
_CLIENT_AND_POOL = (
    select(
        pool_resources.c.doc,
        user_pools.c.doc,
        user_pools.c.user_count,
        _domain_of("prefix"),
        _domain_of("custom"),
    )
    .join(user_pools, user_pools.c.id == pool_resources.c.pool_id)
    .where(pool_resources.c.kind == "client", pool_resources.c.key == bindparam("key"))
)
_POOL_EXISTS = select(user_pools.c.id).where(user_pools.c.id == bindparam("id"))
_RESOURCE = select(pool_resources.c.doc).where(
    pool_resources.c.pool_id == bindparam("pool_id"),
    pool_resources.c.kind == bindparam("kind"),
    pool_resources.c.key == bindparam("key"),
)


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    """Fields computed at read time are never stored."""
    return {k: v for k, v in doc.items() if k not in _COMPUTED}


_COMPUTED = (
    "Domain",
    "CustomDomain",
    "EstimatedNumberOfUsers",
    "_UserCount",
    "_Domain",
    "_CustomDomain",
)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(str(engine.url))
        self.point = PointReader(engine)
        self.user_reads = UserReads(self.point)

    # -- single-statement reads of the hot paths (see store/point.py) -------------------------
    def describe_pool(self, pool_id: str) -> dict[str, Any] | None:
        """The pool with what DescribeUserPool computes at read time, in one statement:
        ``_UserCount``, ``_Domain`` and ``_CustomDomain`` (None when absent). Read-only."""
        return self.point.cached(_POOL_WITH_DOMAINS, {"id": pool_id}, _pool_view)

    def list_pools(
        self, region: str, after: tuple[float, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        """A page of the region's pools in creation order, starting after ``(created, id)``.
        Read-only: the result may be shared."""
        if after is None:
            params: dict[str, Any] = {"region": region, "limit": limit}
            return self.point.cached(_POOLS_FIRST, params, _docs)
        params = {"region": region, "limit": limit, "created": after[0], "after_id": after[1]}
        return self.point.cached(_POOLS_AFTER, params, _docs)

    def get(self, kind: str, pool_id: str, key: str) -> dict[str, Any] | None:
        """As ``Tx.get``, without a transaction. Read-only: the result may be shared."""
        params = {"pool_id": pool_id, "kind": kind, "key": key}
        return self.point.cached(_RESOURCE, params, _first_doc)

    def client_and_pool(
        self, client_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(pool as ``describe_pool`` returns it, client) of an app client named only by its
        id — one statement (the public operations' hot path). Read-only results."""
        return self.point.cached(_CLIENT_AND_POOL, {"key": client_id}, _client_and_pool)

    def snapshot(self) -> Snapshot:
        """Read-only lookups without a transaction (store/snapshot.py)."""
        return Snapshot(self)

    def pool_exists(self, pool_id: str) -> bool:
        return bool(self.point.rows(_POOL_EXISTS, {"id": pool_id}))

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self.engine.begin() as conn:
            yield Tx(conn)

    @contextmanager
    def reader(self) -> Iterator[Tx]:
        """A read-only unit of work (a deferred transaction on SQLite)."""
        options = {"sqlite_begin": "DEFERRED"} if self.sqlite else {}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            yield Tx(conn)

    def healthy(self) -> bool:
        with self.reader() as tx:
            tx.conn.execute(select(1))
        return True

    def dispose(self) -> None:
        self.point.close()
        self.engine.dispose()
