"""Fixtures: every API test runs against a real server on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server import (
    REQUIRE_POSTGRES,
    Server,
    create_postgres_db,
    drop_postgres_db,
    postgres_available,
    run_cli,
)


def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated database URL of ``kind`` ("sqlite" or "postgres")."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'userpool.db'}"
        return
    reason = postgres_available()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (USERPOOL_REQUIRE_POSTGRES=1) but: {reason}")
        pytest.skip(f"PostgreSQL not reachable, PostgreSQL half skipped: {reason}")
    url = create_postgres_db()
    try:
        result = run_cli("migrate", "--db", url)
        assert result.returncode == 0, result.stderr
        yield url
    finally:
        drop_postgres_db(url)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    for url in database(request.param, tmp_path_factory.mktemp(request.param)):
        srv = Server(db=url).start()
        try:
            yield srv
        finally:
            srv.stop()


@pytest.fixture
def cognito(server: Server) -> Any:
    """A boto3 cognito-idp client talking to the server over HTTP."""
    return server.client()


@pytest.fixture
def loose(server: Server) -> Any:
    """A client without botocore's own parameter checks, to reach the server's validation."""
    return server.client(parameter_validation=False)


@pytest.fixture
def pool(cognito: Any) -> dict[str, Any]:
    """A fresh user pool (default settings)."""
    return cognito.create_user_pool(PoolName=f"pool-{uuid.uuid4().hex[:8]}")["UserPool"]


@pytest.fixture
def pool_id(pool: dict[str, Any]) -> str:
    return pool["Id"]


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A private database for tests that start their own servers (parametrize ``store``)."""
    yield from database(getattr(request, "param", "sqlite"), tmp_path)
