"""The users aggregate: users with their credentials, searchable attributes, aliases, group
memberships, one-time codes, and the message outbox.

A user travels as one dict: the AdminGetUser-shaped document plus private keys that map to their
own columns (``_PasswordHash``, ``_Srp``, ``_History``) or are computed (``_Key``, the lookup form
of the username). Writes take the searchable-attribute entries explicitly (``index``), so a write
can't forget to keep ListUsers' index in step.
"""

from __future__ import annotations

import contextlib
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from userpool.store.errors import Duplicate
from userpool.store.point import PointReader
from userpool.store.tables import (
    aliases,
    codes,
    group_members,
    import_jobs,
    outbox,
    user_index,
    user_pools,
    users,
)

_COLUMNS = {"_PasswordHash": "password_hash", "_Srp": "srp", "_History": "history"}


def _doc_text(user: dict[str, Any]) -> str:
    return orjson.dumps(
        {k: v for k, v in user.items() if k not in _COLUMNS and k != "_Key"}
    ).decode()


def _from_row(row: Any) -> dict[str, Any]:
    return _from_mapping(row._mapping)


def _from_mapping(row: Any) -> dict[str, Any]:
    user = orjson.loads(row["doc"])
    user["_Key"] = row["username_key"]
    for key, column in _COLUMNS.items():
        value = row[column]
        if value is not None:
            user[key] = orjson.loads(value) if column == "history" else value
    return user


# Read-only lookups of the hot paths (AdminGetUser, sign-in), built once for the point reader.
_USER_COLUMNS = [column.name for column in users.columns]
_USER_BY_KEY = select(users).where(
    users.c.pool_id == bindparam("pool_id"), users.c.username_key == bindparam("key")
)
_USER_BY_KEY_FOR_UPDATE = _USER_BY_KEY.with_for_update()
_GROUPS_OF = (
    select(group_members.c.group_name)
    .where(
        group_members.c.pool_id == bindparam("pool_id"),
        group_members.c.username_key == bindparam("key"),
    )
    .order_by(group_members.c.group_name)
)
_USER_BY_SUB = select(users).where(
    users.c.pool_id == bindparam("pool_id"), users.c.sub == bindparam("sub")
)
_ALIAS_OWNER = select(aliases.c.username_key).where(
    aliases.c.pool_id == bindparam("pool_id"),
    aliases.c.kind == bindparam("kind"),
    aliases.c.value == bindparam("value"),
)


def _first_user(rows: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    return _from_mapping(dict(zip(_USER_COLUMNS, rows[0], strict=True))) if rows else None


def _first_value(rows: list[tuple[Any, ...]]) -> Any:
    return rows[0][0] if rows else None


class UserReads:
    """The lookups ``find_user`` needs, outside any transaction, through the store's point
    reader (cached on SQLite until the next commit anywhere). Results are shared: read-only."""

    def __init__(self, point: PointReader) -> None:
        self.point = point

    def get(self, pool_id: str, key: str) -> dict[str, Any] | None:
        return self.point.cached(_USER_BY_KEY, {"pool_id": pool_id, "key": key}, _first_user)

    def get_by_sub(self, pool_id: str, sub: str) -> dict[str, Any] | None:
        return self.point.cached(_USER_BY_SUB, {"pool_id": pool_id, "sub": sub}, _first_user)

    def alias_owner(self, pool_id: str, kind: str, value: str) -> str | None:
        params = {"pool_id": pool_id, "kind": kind, "value": value}
        return self.point.cached(_ALIAS_OWNER, params, _first_value)


class UserRows:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _insert(self, stmt: Any, what: str) -> None:
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt)
        except IntegrityError:
            raise Duplicate(what) from None

    # -- users ----------------------------------------------------------------------------------
    def get(self, pool_id: str, key: str, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = _USER_BY_KEY_FOR_UPDATE if for_update else _USER_BY_KEY
        row = self.conn.execute(stmt, {"pool_id": pool_id, "key": key}).first()
        return None if row is None else _from_row(row)

    def get_by_sub(self, pool_id: str, sub: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(users).where(users.c.pool_id == pool_id, users.c.sub == sub)
        ).first()
        return None if row is None else _from_row(row)

    def insert(self, pool_id: str, user: dict[str, Any], index: dict[str, str]) -> None:
        """Insert a user; ``Duplicate("username")`` or ``Duplicate("sub")`` when taken."""
        if self.get(pool_id, user["_Key"]) is not None:
            raise Duplicate("username")
        self._insert(
            insert(users).values(
                pool_id=pool_id,
                username_key=user["_Key"],
                username=user["Username"],
                sub=user["Attributes"]["sub"],
                status=user["UserStatus"],
                enabled=user["Enabled"],
                created_at=user["UserCreateDate"],
                updated_at=user["UserLastModifiedDate"],
                doc=_doc_text(user),
                **self._credentials(user),
            ),
            "username",
        )
        self._write_index(pool_id, user["_Key"], index)
        self.conn.execute(
            update(user_pools)
            .where(user_pools.c.id == pool_id)
            .values(user_count=user_pools.c.user_count + 1)
        )

    def update(self, pool_id: str, user: dict[str, Any], index: dict[str, str]) -> None:
        self.conn.execute(
            update(users)
            .where(users.c.pool_id == pool_id, users.c.username_key == user["_Key"])
            .values(
                status=user["UserStatus"],
                enabled=user["Enabled"],
                updated_at=user["UserLastModifiedDate"],
                doc=_doc_text(user),
                **self._credentials(user),
            )
        )
        self.conn.execute(
            delete(user_index).where(
                user_index.c.pool_id == pool_id, user_index.c.username_key == user["_Key"]
            )
        )
        self._write_index(pool_id, user["_Key"], index)

    def delete(self, pool_id: str, key: str) -> bool:
        for table in (user_index, aliases, group_members, codes):
            self.conn.execute(
                delete(table).where(table.c.pool_id == pool_id, table.c.username_key == key)
            )
        gone = self.conn.execute(
            delete(users).where(users.c.pool_id == pool_id, users.c.username_key == key)
        ).rowcount
        if gone:
            self.conn.execute(
                update(user_pools)
                .where(user_pools.c.id == pool_id)
                .values(user_count=user_pools.c.user_count - 1)
            )
        return bool(gone)

    @staticmethod
    def _credentials(user: dict[str, Any]) -> dict[str, Any]:
        history = user.get("_History")
        return {
            "password_hash": user.get("_PasswordHash"),
            "srp": user.get("_Srp"),
            "history": orjson.dumps(history).decode() if history else None,
        }

    def _write_index(self, pool_id: str, key: str, index: dict[str, str]) -> None:
        if index:
            self.conn.execute(
                insert(user_index),
                [
                    {"pool_id": pool_id, "attr": attr, "value": value, "username_key": key}
                    for attr, value in index.items()
                ],
            )

    # -- listing ---------------------------------------------------------------------------------
    def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Users in username_key order, after ``after``."""
        stmt = select(users).where(users.c.pool_id == pool_id)
        if after is not None:
            stmt = stmt.where(users.c.username_key > after)
        rows = self.conn.execute(stmt.order_by(users.c.username_key).limit(limit))
        return [_from_row(row) for row in rows]

    def search(
        self,
        pool_id: str,
        attr: str,
        value: str,
        *,
        prefix: bool,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, dict[str, Any]]]:
        """(indexed value, user) pairs whose ``attr`` equals (or starts with) ``value``, in
        (value, username_key) order after ``after`` — an index seek, whatever the pool's size."""
        match = (
            and_(user_index.c.value >= value, user_index.c.value < value + "\U0010ffff")
            if prefix
            else user_index.c.value == value
        )
        stmt = (
            select(user_index.c.value, users)
            .join(
                users,
                and_(
                    users.c.pool_id == user_index.c.pool_id,
                    users.c.username_key == user_index.c.username_key,
                ),
            )
            .where(user_index.c.pool_id == pool_id, user_index.c.attr == attr, match)
        )
        if after is not None:
            stmt = stmt.where(
                or_(
                    user_index.c.value > after[0],
                    and_(user_index.c.value == after[0], user_index.c.username_key > after[1]),
                )
            )
        stmt = stmt.order_by(user_index.c.value, user_index.c.username_key).limit(limit)
        return [(row.value, _from_row(row)) for row in self.conn.execute(stmt)]

    # -- aliases (and email/phone usernames) ---------------------------------------------------
    def alias_owner(self, pool_id: str, kind: str, value: str) -> str | None:
        row = self.conn.execute(
            select(aliases.c.username_key).where(
                aliases.c.pool_id == pool_id, aliases.c.kind == kind, aliases.c.value == value
            )
        ).first()
        return None if row is None else row[0]

    def claim_alias(self, pool_id: str, kind: str, value: str, key: str) -> None:
        """``Duplicate(kind)`` when another user holds it."""
        owner = self.alias_owner(pool_id, kind, value)
        if owner == key:
            return
        if owner is not None:
            raise Duplicate(kind)
        self._insert(
            insert(aliases).values(pool_id=pool_id, kind=kind, value=value, username_key=key), kind
        )

    def release_alias(self, pool_id: str, kind: str, key: str) -> None:
        self.conn.execute(
            delete(aliases).where(
                aliases.c.pool_id == pool_id, aliases.c.kind == kind, aliases.c.username_key == key
            )
        )

    def aliases_of(self, pool_id: str, key: str) -> dict[str, str]:
        rows = self.conn.execute(
            select(aliases.c.kind, aliases.c.value).where(
                aliases.c.pool_id == pool_id, aliases.c.username_key == key
            )
        )
        return {row[0]: row[1] for row in rows}

    # -- groups --------------------------------------------------------------------------------
    def add_to_group(self, pool_id: str, group: str, key: str) -> None:
        with contextlib.suppress(Duplicate):  # already a member: the operation is idempotent
            self._insert(
                insert(group_members).values(pool_id=pool_id, group_name=group, username_key=key),
                "member",
            )

    def remove_from_group(self, pool_id: str, group: str, key: str) -> None:
        self.conn.execute(
            delete(group_members).where(
                group_members.c.pool_id == pool_id,
                group_members.c.group_name == group,
                group_members.c.username_key == key,
            )
        )

    def groups_of(
        self, pool_id: str, key: str, after: str | None = None, limit: int | None = None
    ) -> list[str]:
        if after is None and limit is None:  # the token path: a prebuilt statement
            rows = self.conn.execute(_GROUPS_OF, {"pool_id": pool_id, "key": key})
            return [row[0] for row in rows]
        stmt = select(group_members.c.group_name).where(
            group_members.c.pool_id == pool_id, group_members.c.username_key == key
        )
        if after is not None:
            stmt = stmt.where(group_members.c.group_name > after)
        stmt = stmt.order_by(group_members.c.group_name)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [row[0] for row in self.conn.execute(stmt)]

    def members(
        self, pool_id: str, group: str, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        stmt = (
            select(users)
            .join(
                group_members,
                and_(
                    group_members.c.pool_id == users.c.pool_id,
                    group_members.c.username_key == users.c.username_key,
                ),
            )
            .where(group_members.c.pool_id == pool_id, group_members.c.group_name == group)
        )
        if after is not None:
            stmt = stmt.where(group_members.c.username_key > after)
        rows = self.conn.execute(stmt.order_by(group_members.c.username_key).limit(limit))
        return [_from_row(row) for row in rows]

    def drop_group(self, pool_id: str, group: str) -> None:
        self.conn.execute(
            delete(group_members).where(
                group_members.c.pool_id == pool_id, group_members.c.group_name == group
            )
        )

    # -- one-time codes -----------------------------------------------------------------------
    def put_code(
        self,
        pool_id: str,
        key: str,
        purpose: str,
        code_hash: str,
        expires_at: float,
        doc: dict[str, Any],
    ) -> None:
        self.delete_code(pool_id, key, purpose)
        self.conn.execute(
            insert(codes).values(
                pool_id=pool_id,
                username_key=key,
                purpose=purpose,
                code_hash=code_hash,
                expires_at=expires_at,
                attempts=0,
                doc=orjson.dumps(doc).decode(),
            )
        )

    def get_code(self, pool_id: str, key: str, purpose: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(codes).where(
                codes.c.pool_id == pool_id, codes.c.username_key == key, codes.c.purpose == purpose
            )
        ).first()
        if row is None:
            return None
        return {
            "hash": row.code_hash,
            "expires_at": row.expires_at,
            "attempts": row.attempts,
            **orjson.loads(row.doc),
        }

    def count_failed_code(self, pool_id: str, key: str, purpose: str) -> None:
        self.conn.execute(
            update(codes)
            .where(
                codes.c.pool_id == pool_id, codes.c.username_key == key, codes.c.purpose == purpose
            )
            .values(attempts=codes.c.attempts + 1)
        )

    def delete_code(self, pool_id: str, key: str, purpose: str) -> None:
        self.conn.execute(
            delete(codes).where(
                codes.c.pool_id == pool_id, codes.c.username_key == key, codes.c.purpose == purpose
            )
        )

    # -- outbox --------------------------------------------------------------------------------
    def add_message(self, message: dict[str, Any]) -> int:
        result = self.conn.execute(insert(outbox).values(**message))
        return int(result.inserted_primary_key[0])

    def messages(
        self, pool_id: str | None, destination: str | None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        stmt = select(outbox)
        if pool_id:
            stmt = stmt.where(outbox.c.pool_id == pool_id)
        if destination:
            stmt = stmt.where(func.lower(outbox.c.destination) == destination.lower())
        # The newest ``limit`` messages, returned oldest first.
        rows = reversed(list(self.conn.execute(stmt.order_by(outbox.c.id.desc()).limit(limit))))
        return [
            {
                "Id": row.id,
                "PoolId": row.pool_id,
                "Medium": row.medium,
                "To": row.destination,
                "Subject": row.subject,
                "Body": row.body,
                "Purpose": row.purpose,
                "Status": row.status,
                "SentAt": row.sent_at,
            }
            for row in rows
        ]

    # -- bulk import (user import jobs, ``userpool import``) ----------------------------------
    def existing_keys(self, pool_id: str, keys: list[str]) -> set[str]:
        """Which of ``keys`` already name users of the pool."""
        found: set[str] = set()
        for start in range(0, len(keys), _CHUNK):
            rows = self.conn.execute(
                select(users.c.username_key).where(
                    users.c.pool_id == pool_id,
                    users.c.username_key.in_(keys[start : start + _CHUNK]),
                )
            )
            found.update(row[0] for row in rows)
        return found

    def taken_aliases(self, pool_id: str, kind: str, values: list[str]) -> set[str]:
        """Which of ``values`` are already held as sign-in names of ``kind``."""
        found: set[str] = set()
        for start in range(0, len(values), _CHUNK):
            rows = self.conn.execute(
                select(aliases.c.value).where(
                    aliases.c.pool_id == pool_id,
                    aliases.c.kind == kind,
                    aliases.c.value.in_(values[start : start + _CHUNK]),
                )
            )
            found.update(row[0] for row in rows)
        return found

    def insert_many(
        self,
        pool_id: str,
        new_users: list[tuple[dict[str, Any], dict[str, str], dict[str, str]]],
    ) -> None:
        """Insert ``(user, index, aliases)`` triples with one executemany per table and one
        user-count update; ``aliases`` maps kind → value. All or nothing: ``Duplicate("batch")``
        (nothing written) when any username, sub or alias is taken."""
        if not new_users:
            return
        user_rows, index_rows, alias_rows = [], [], []
        for user, index, names in new_users:
            key = user["_Key"]
            user_rows.append({
                "pool_id": pool_id,
                "username_key": key,
                "username": user["Username"],
                "sub": user["Attributes"]["sub"],
                "status": user["UserStatus"],
                "enabled": user["Enabled"],
                "created_at": user["UserCreateDate"],
                "updated_at": user["UserLastModifiedDate"],
                "doc": _doc_text(user),
                **self._credentials(user),
            })
            index_rows.extend(
                {"pool_id": pool_id, "attr": a, "value": v, "username_key": key}
                for a, v in index.items()
            )
            alias_rows.extend(
                {"pool_id": pool_id, "kind": k, "value": v, "username_key": key}
                for k, v in names.items()
            )
        try:
            with self.conn.begin_nested():
                for table, rows in ((users, user_rows), (user_index, index_rows),
                                    (aliases, alias_rows)):
                    if rows:
                        self._insert_rows(table, rows)
        except (IntegrityError, self.conn.dialect.loaded_dbapi.IntegrityError):
            raise Duplicate("batch") from None
        count = self.conn.execute(
            update(user_pools)
            .where(user_pools.c.id == pool_id)
            .values(user_count=user_pools.c.user_count + len(user_rows))
            .returning(user_pools.c.user_count)
        ).scalar_one()
        if count.bit_length() > (count - len(user_rows)).bit_length() and count >= 2048:
            self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """PostgreSQL plans with the statistics of the tables' last ANALYZE: while one import
        fills a pool, they still describe it empty, and the lookups of `existing_keys` become
        scans of the whole pool. So each time the pool's size doubles, ANALYZE."""
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("ANALYZE users, user_index, aliases")

    def _insert_rows(self, table: Any, rows: list[dict[str, Any]]) -> None:
        """Many rows at once, straight to the driver (SQLAlchemy's per-row parameter processing
        costs more than the insert itself): executemany on SQLite, COPY on PostgreSQL."""
        names = list(rows[0])
        values = sorted(tuple(row[n] for n in names) for row in rows)  # B-tree locality
        if self.conn.dialect.name == "postgresql":
            raw = self.conn.connection.dbapi_connection
            assert raw is not None
            with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
            ) as copy:
                for value in values:
                    copy.write_row(value)
            return
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        self.conn.exec_driver_sql(sql, values)

    def insert_job(self, pool_id: str, job_id: str, doc: dict[str, Any]) -> None:
        self.conn.execute(
            insert(import_jobs).values(
                job_id=job_id,
                pool_id=pool_id,
                status=doc["Status"],
                created_at=doc["CreationDate"],
                heartbeat=None,
                doc=orjson.dumps(doc).decode(),
            )
        )

    def get_job(
        self, pool_id: str | None, job_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        """The job's document with ``_Heartbeat`` and ``_PoolId``; None when unknown (or in
        another pool, when ``pool_id`` is given)."""
        stmt = select(
            import_jobs.c.pool_id, import_jobs.c.heartbeat, import_jobs.c.doc
        ).where(import_jobs.c.job_id == job_id)
        if pool_id is not None:
            stmt = stmt.where(import_jobs.c.pool_id == pool_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.conn.execute(stmt).first()
        return None if row is None else _job(row)

    def update_job(self, job_id: str, doc: dict[str, Any], heartbeat: float | None) -> None:
        stored = {k: v for k, v in doc.items() if k not in ("_Heartbeat", "_PoolId")}
        self.conn.execute(
            update(import_jobs)
            .where(import_jobs.c.job_id == job_id)
            .values(status=doc["Status"], heartbeat=heartbeat, doc=orjson.dumps(stored).decode())
        )

    def set_job_csv(self, job_id: str, data: bytes | None) -> None:
        self.conn.execute(
            update(import_jobs).where(import_jobs.c.job_id == job_id).values(csv=data)
        )

    def job_csv(self, job_id: str) -> bytes | None:
        row = self.conn.execute(
            select(import_jobs.c.csv).where(import_jobs.c.job_id == job_id)
        ).first()
        return None if row is None or row[0] is None else bytes(row[0])

    def list_jobs(
        self, pool_id: str, after: tuple[float, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        """The pool's jobs, newest first, after ``(created_at, job_id)``."""
        stmt = select(import_jobs.c.pool_id, import_jobs.c.heartbeat, import_jobs.c.doc).where(
            import_jobs.c.pool_id == pool_id
        )
        if after is not None:
            stmt = stmt.where(
                or_(
                    import_jobs.c.created_at < after[0],
                    and_(import_jobs.c.created_at == after[0], import_jobs.c.job_id < after[1]),
                )
            )
        stmt = stmt.order_by(import_jobs.c.created_at.desc(), import_jobs.c.job_id.desc())
        return [_job(row) for row in self.conn.execute(stmt.limit(limit))]

    def count_jobs(self, pool_id: str) -> int:
        return self.conn.execute(
            select(func.count()).where(import_jobs.c.pool_id == pool_id)
        ).scalar_one()

    def jobs_in(self, statuses: tuple[str, ...], pool_id: str | None = None) -> list[
        tuple[str, str, float | None]
    ]:
        """(job_id, status, heartbeat) of every job in one of ``statuses``, oldest first."""
        stmt = select(import_jobs.c.job_id, import_jobs.c.status, import_jobs.c.heartbeat).where(
            import_jobs.c.status.in_(statuses)
        )
        if pool_id is not None:
            stmt = stmt.where(import_jobs.c.pool_id == pool_id)
        stmt = stmt.order_by(import_jobs.c.created_at, import_jobs.c.job_id)
        return [(row[0], row[1], row[2]) for row in self.conn.execute(stmt)]


_CHUNK = 500


def _job(row: Any) -> dict[str, Any]:
    doc = orjson.loads(row.doc)
    doc["_PoolId"], doc["_Heartbeat"] = row.pool_id, row.heartbeat
    return doc
