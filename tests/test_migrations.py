"""The migrations produce exactly the schema tables.py declares, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.server import REQUIRE_POSTGRES, create_postgres_db, drop_postgres_db, postgres_available
from userpool.store import migrate
from userpool.store.engine import make_engine
from userpool.store.tables import metadata


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        engine.dispose()


def test_sqlite_schema_matches_tables(tmp_path: pytest.TempPathFactory) -> None:
    assert _diff(f"sqlite:///{tmp_path}/schema.db") == []


def test_postgres_schema_matches_tables() -> None:
    reason = postgres_available()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but: {reason}")
        pytest.skip(f"PostgreSQL not reachable: {reason}")
    url = create_postgres_db()
    try:
        assert _diff(url) == []
    finally:
        drop_postgres_db(url)
