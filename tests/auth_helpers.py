"""Shared by the sign-in tests: clients that allow every flow, confirmed users, verifying tokens
with PyJWT against the JWKS served over HTTP, editing stored state from the test process (expired
sessions, temporary passwords), and a server whose issuer is AWS's, for pycognito."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.conftest import database
from tests.server import REGION, SERVER_KEY, Server
from tests.user_helpers import STRONG, make_client, unique
from userpool.crypto import ServerKey, load_server_key
from userpool.store import Store, Tx
from userpool.store.engine import make_engine

ALL_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
AWS_ISSUER_BASE = "https://cognito-idp.{region}.amazonaws.com"


def flows_client(cognito: Any, pool_id: str, **kwargs: Any) -> dict[str, Any]:
    """An app client allowing password, admin password, SRP and refresh sign-in."""
    kwargs.setdefault("ExplicitAuthFlows", ALL_FLOWS)
    return make_client(cognito, pool_id, **kwargs)


def confirmed_user(
    cognito: Any,
    pool_id: str,
    username: str | None = None,
    password: str = STRONG,
    attributes: list[dict[str, str]] | None = None,
) -> str:
    """A CONFIRMED user with a permanent password; returns the name it was created with."""
    username = username or unique()
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=attributes or [],
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    return username


def password_sign_in(
    cognito: Any, client: dict[str, Any], username: str, password: str = STRONG, **params: str
) -> dict[str, Any]:
    return cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **params},
    )


# -- tokens ------------------------------------------------------------------------------------
def jwks(server: Server, pool_id: str) -> dict[str, Any]:
    """The pool's JWKS, fetched over HTTP from ``/<pool>/.well-known/jwks.json``."""
    with urllib.request.urlopen(f"{server.url}/{pool_id}/.well-known/jwks.json", timeout=10) as r:
        return json.loads(r.read())


def verify(
    token: str,
    keys: dict[str, Any],
    *,
    issuer: str,
    token_use: str,
    audience: str | None = None,
) -> dict[str, Any]:
    """PyJWT verification of an ID or access token (RS256, the kid's key, iss, aud, exp)."""
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    matching = [k for k in keys["keys"] if k["kid"] == header["kid"]]
    assert len(matching) == 1, f"kid {header['kid']} is not in the JWKS"
    key = jwt.PyJWK(matching[0]).key
    claims = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        issuer=issuer,
        audience=audience,
        options={"verify_aud": audience is not None, "require": ["exp", "iat", "iss", "sub"]},
    )
    assert claims["token_use"] == token_use
    return claims


# -- the server's database, opened by the test process -----------------------------------------
def server_key(server: Server) -> ServerKey:
    configured = SERVER_KEY if server.store == "postgres" else None
    return load_server_key(server.db, configured, create=False)


@contextmanager
def database_of(server: Server) -> Iterator[Tx]:
    """One write transaction on ``server``'s database (another process, like a second host)."""
    store = Store(make_engine(server.db))
    try:
        with store.transaction() as tx:
            yield tx
    finally:
        store.dispose()


def edit_user(server: Server, pool_id: str, username_key: str, **values: Any) -> None:
    """Set stored fields of a user directly (e.g. ``_TempPasswordExpiresAt``)."""
    from userpool.operations.user_support import index_entries

    with database_of(server) as tx:
        user = tx.users.get(pool_id, username_key, for_update=True)
        assert user is not None
        user.update(values)
        tx.users.update(pool_id, user, index_entries(user))


def expire_sessions(server: Server, pool_id: str) -> None:
    """Make every open sign-in session of ``pool_id`` expired (but not yet purged)."""
    import time

    from sqlalchemy import update

    from userpool.store.tables import auth_sessions

    with database_of(server) as tx:
        tx.conn.execute(
            update(auth_sessions)
            .where(auth_sessions.c.pool_id == pool_id)
            .values(expires_at=time.time() - 5)
        )


# -- a server whose tokens carry AWS's issuer (pycognito checks it) ----------------------------
@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def aws_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A private server started with ``--issuer-base https://cognito-idp.{region}.amazonaws.com``
    on each store."""
    tmp: Path = tmp_path_factory.mktemp(f"aws-{request.param}")
    for url in database(request.param, tmp):
        srv = Server(db=url, extra=["--issuer-base", AWS_ISSUER_BASE]).start()
        try:
            yield srv
        finally:
            srv.stop()


def aws_issuer(pool_id: str) -> str:
    return f"{AWS_ISSUER_BASE.replace('{region}', REGION)}/{pool_id}"


def pycognito_user(
    server: Server,
    pool_id: str,
    client: dict[str, Any],
    username: str,
) -> Any:
    """A ``pycognito.Cognito`` that talks to ``server`` and trusts our JWKS."""
    from pycognito import Cognito

    user = Cognito(
        pool_id,
        client["ClientId"],
        user_pool_region=REGION,
        username=username,
        client_secret=client.get("ClientSecret"),
    )
    user.client = server.client()
    user.pool_jwk = jwks(server, pool_id)
    return user
