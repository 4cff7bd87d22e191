"""Single-statement reads for the hottest paths, on one dedicated DBAPI connection per process.

Building and executing a statement through SQLAlchemy's Connection costs more than the SQLite
read itself (~130 µs against a few µs), so DescribeUserPool-class reads run a statement compiled
once per dialect on a raw connection in autocommit mode: each statement is its own consistent
snapshot. The connection is used from the event loop's thread; a lock keeps it safe if a thread
pool ever reads through it. A broken connection (a PostgreSQL restart) is replaced once per call.

On SQLite, decoded results are also cached in the process, and the whole cache is dropped as
soon as ``PRAGMA data_version`` moves: SQLite changes that number for a connection whenever any
*other* connection — in this process or another — commits, and this connection never writes. So
a cached answer is never older than the last commit anywhere (correct across processes), and a
hit costs one pragma instead of a query and a JSON parse. PostgreSQL has no such cheap signal:
there every call reads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

T = TypeVar("T")
_CACHE_LIMIT = 4096


class PointReader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._raw: Any = None
        # id(statement) -> (SQL, positional parameter order or None, literal parameter values)
        self._compiled: dict[int, tuple[str, list[str] | None, dict[str, Any]]] = {}
        self._cacheable = engine.dialect.name == "sqlite"
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._version: int | None = None

    def _connection(self) -> Any:
        if self._raw is None:
            raw = self.engine.raw_connection()
            if self.engine.dialect.name == "postgresql":
                raw.driver_connection.autocommit = True
            self._raw = raw
        return self._raw

    def _sql(self, stmt: Select[Any]) -> tuple[str, list[str] | None, dict[str, Any]]:
        key = id(stmt)
        if key not in self._compiled:
            compiled = stmt.compile(dialect=self.engine.dialect)
            order = list(compiled.positiontup or []) if compiled.positional else None
            self._compiled[key] = (str(compiled), order, dict(compiled.params))
        return self._compiled[key]

    def rows(self, stmt: Select[Any], params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of ``stmt`` (a module-level statement: compiled once, keyed by id)."""
        sql, order, literals = self._sql(stmt)
        values = {**literals, **params}
        args: Any = [values[name] for name in order] if order is not None else values
        with self._lock:
            for attempt in (1, 2):
                try:
                    cursor = self._connection().cursor()
                    try:
                        cursor.execute(sql, args)
                        return list(cursor.fetchall())
                    finally:
                        cursor.close()
                except self.engine.dialect.loaded_dbapi.Error as exc:
                    self.close()
                    if attempt == 2 or not _is_disconnect(self.engine, exc):
                        raise DBAPIError.instance(sql, args, exc, Exception) from exc
        raise AssertionError("unreachable")

    def cached(
        self,
        stmt: Select[Any],
        params: dict[str, Any],
        decode: Callable[[list[tuple[Any, ...]]], T],
    ) -> T:
        """``decode(rows)``, cached on SQLite until the next commit anywhere.

        Callers must treat the result as read-only: it is shared by later calls.
        """
        if not self._cacheable:
            return decode(self.rows(stmt, params))
        key = (id(stmt), *sorted(params.items()))
        with self._lock:
            cursor = self._connection().cursor()
            try:
                version = cursor.execute("PRAGMA data_version").fetchone()[0]
            finally:
                cursor.close()
            if version != self._version or len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
                self._version = version
            if key in self._cache:
                return self._cache[key]
        value = decode(self.rows(stmt, params))
        with self._lock:
            if self._version == version:
                self._cache[key] = value
        return value

    def close(self) -> None:
        if self._raw is not None:
            try:
                self._raw.invalidate()
            finally:
                self._raw = None


def _is_disconnect(engine: Engine, exc: Exception) -> bool:
    return bool(engine.dialect.is_disconnect(exc, None, None))
