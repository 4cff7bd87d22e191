"""The pool's JWKS and OIDC discovery document over HTTP, on both stores; tokens issued with the
pool's stored keys verify with PyJWT's PyJWKClient fetching our JWKS."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from tests.server import SERVER_KEY, Server
from userpool.crypto import load_server_key
from userpool.store import Store
from userpool.store.engine import make_engine
from userpool.tokens import issue, verify_access_token
from userpool.tokens.keys import Keyring


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def get(server: Server, path: str) -> tuple[int, dict[str, str], Any]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as resp:
            return resp.status, _lower(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _lower(exc.headers), json.loads(exc.read())


@pytest.fixture
def store(server: Server) -> Iterator[Store]:
    """The server's database, opened by this test process (another "host")."""
    st = Store(make_engine(server.db))
    yield st
    st.dispose()


@pytest.fixture
def keyring(server: Server) -> Keyring:
    """A keyring with the server's key (SQLite: the key file; PostgreSQL: the configured key)."""
    configured = SERVER_KEY if server.store == "postgres" else None
    return Keyring(load_server_key(server.db, configured, create=False))


def sign_in(store: Store, keyring: Keyring, server: Server, pool_id: str,
            client: dict[str, Any]) -> dict[str, Any]:
    now = round(time.time(), 3)
    user = {
        "_Key": "bob",
        "Username": "bob",
        "Attributes": {"sub": "11111111-2222-3333-4444-555555555555", "email": "b@example.com",
                       "email_verified": "true"},
        "UserStatus": "CONFIRMED",
        "Enabled": True,
        "UserCreateDate": now,
        "UserLastModifiedDate": now,
    }
    with store.transaction() as tx:
        tx.users.insert(pool_id, user, {})
        doc = tx.get("client", pool_id, client["ClientId"])
        assert doc is not None
        return issue(tx, keyring, issuer=f"{server.url}/{pool_id}", pool_id=pool_id,
                     client=doc, user=user, now=now)


def test_jwks_lists_two_rs256_keys(server: Server, pool_id: str) -> None:
    status, headers, body = get(server, f"/{pool_id}/.well-known/jwks.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert headers["access-control-allow-origin"] == "*"
    keys = body["keys"]
    assert len(keys) == 2
    for key in keys:
        assert list(key) == ["alg", "e", "kid", "kty", "n", "use"]
        assert key["alg"] == "RS256" and key["e"] == "AQAB" and key["kty"] == "RSA"
        assert key["use"] == "sig" and key["kid"].endswith("=")
        assert len(jwt.utils.base64url_decode(key["n"])) == 256  # RSA-2048
    assert keys[0]["kid"] != keys[1]["kid"]
    # Stable: the same keys on every request.
    assert get(server, f"/{pool_id}/.well-known/jwks.json")[2] == body


def test_tokens_verify_with_pyjwkclient(
    server: Server, cognito: Any, pool_id: str, store: Store, keyring: Keyring
) -> None:
    # The server creates the keys (JWKS fetched first); this process signs with them.
    assert get(server, f"/{pool_id}/.well-known/jwks.json")[0] == 200
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app")[
        "UserPoolClient"
    ]
    result = sign_in(store, keyring, server, pool_id, client)
    fetcher = jwt.PyJWKClient(f"{server.url}/{pool_id}/.well-known/jwks.json", cache_keys=False)
    issuer = f"{server.url}/{pool_id}"
    id_claims = jwt.decode(
        result["IdToken"],
        fetcher.get_signing_key_from_jwt(result["IdToken"]).key,
        algorithms=["RS256"],
        audience=client["ClientId"],
        issuer=issuer,
    )
    assert id_claims["token_use"] == "id" and id_claims["cognito:username"] == "bob"
    assert id_claims["email_verified"] is True
    access = jwt.decode(
        result["AccessToken"],
        fetcher.get_signing_key_from_jwt(result["AccessToken"]).key,
        algorithms=["RS256"],
        issuer=issuer,
    )
    assert access["client_id"] == client["ClientId"] and "aud" not in access
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert len(result["RefreshToken"].split(".")) == 5
    assert verify_access_token(store, keyring, result["AccessToken"], now=time.time())


def test_keys_made_by_another_host_are_published(
    server: Server, cognito: Any, pool_id: str, store: Store, keyring: Keyring
) -> None:
    # This process signs first (creating the keys); the server publishes the same keys.
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app")[
        "UserPoolClient"
    ]
    result = sign_in(store, keyring, server, pool_id, client)
    fetcher = jwt.PyJWKClient(f"{server.url}/{pool_id}/.well-known/jwks.json")
    for token in (result["IdToken"], result["AccessToken"]):
        key = fetcher.get_signing_key_from_jwt(token)
        assert jwt.decode(token, key.key, algorithms=["RS256"],
                          options={"verify_aud": False})["iss"] == f"{server.url}/{pool_id}"


def test_openid_configuration(server: Server, pool_id: str) -> None:
    status, headers, body = get(server, f"/{pool_id}/.well-known/openid-configuration")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    issuer = f"{server.url}/{pool_id}"
    assert body == {
        "authorization_endpoint": f"{server.url}/oauth2/authorize",
        "end_session_endpoint": f"{server.url}/logout",
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"],
        "revocation_endpoint": f"{server.url}/oauth2/revoke",
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": f"{server.url}/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": f"{server.url}/oauth2/userInfo",
    }
    assert list(body) == sorted(body)
    # The jwks_uri it names works.
    assert get(server, body["jwks_uri"].removeprefix(server.url))[0] == 200


@pytest.mark.parametrize("leaf", ["jwks.json", "openid-configuration"])
def test_unknown_pool_is_404(server: Server, leaf: str) -> None:
    status, _headers, body = get(server, f"/us-east-1_NoSuchPool/.well-known/{leaf}")
    assert status == 404
    assert body == {
        "code": "ResourceNotFoundException",
        "message": "User pool us-east-1_NoSuchPool does not exist.",
    }


def test_deleted_pool_is_404(server: Server, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="gone")["UserPool"]["Id"]
    assert get(server, f"/{pool_id}/.well-known/jwks.json")[0] == 200
    cognito.delete_user_pool(UserPoolId=pool_id)
    assert get(server, f"/{pool_id}/.well-known/jwks.json")[0] == 404
