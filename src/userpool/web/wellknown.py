"""OIDC discovery and the pool's public keys (shared/reference/cognito.md §2.1, §2.6).

``GET /{poolId}/.well-known/jwks.json`` answers ``{"keys": [...]}`` (the ID- and access-token
keys, current and rotated); ``GET /{poolId}/.well-known/openid-configuration`` answers the
discovery document with AWS's members in AWS's (alphabetical) order. The OAuth endpoints it names
are on this server (``--issuer-base``, else its own address): AWS names the pool's domain, which
a local server cannot serve. An unknown pool answers 404 ``{"code": "ResourceNotFoundException",
"message": "User pool <id> does not exist."}`` (the message is AWS's API text; the body shape of
AWS's 404 here is unmeasured).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from userpool.config import Settings
from userpool.crypto import ServerKey
from userpool.protocol import cors
from userpool.store import Store
from userpool.tokens.keys import keyring_for

# Fields may be added at any time (§2.6); these are the ones AWS publishes.
RESPONSE_TYPES = ["code", "token"]
SCOPES = ["openid", "email", "phone", "profile"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def region_of(pool_id: str, settings: Settings) -> str:
    """A pool id is ``<region>_<id>``."""
    region, sep, _rest = pool_id.partition("_")
    return region if sep and region else settings.region


def openid_configuration(settings: Settings, pool_id: str) -> dict[str, Any]:
    region = region_of(pool_id, settings)
    issuer = settings.issuer(pool_id, region)
    base = settings.public_base(region)
    return {
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "end_session_endpoint": f"{base}/logout",
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "response_types_supported": list(RESPONSE_TYPES),
        "revocation_endpoint": f"{base}/oauth2/revoke",
        "scopes_supported": list(SCOPES),
        "subject_types_supported": ["public"],
        "token_endpoint": f"{base}/oauth2/token",
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "userinfo_endpoint": f"{base}/oauth2/userInfo",
    }


def jwks(store: Store, server_key: ServerKey, pool_id: str) -> dict[str, Any]:
    """The pool's JWKS, creating its keys on first use (blocking: run it in a thread)."""
    keys = keyring_for(server_key).for_store(store, pool_id, now=round(time.time(), 3))
    return {"keys": keys.jwks}


def _not_found(pool_id: str) -> Response:
    return JSONResponse(
        {"code": "ResourceNotFoundException", "message": f"User pool {pool_id} does not exist."},
        404,
        headers=cors.RESPONSE_HEADERS,
    )


async def jwks_page(request: Request) -> Response:
    """``GET /{pool_id}/.well-known/jwks.json``: needs ``app.state.store`` and ``.keys``."""
    pool_id = request.path_params["pool_id"]
    store: Store = request.app.state.store
    if not store.pool_exists(pool_id):
        return _not_found(pool_id)
    cached = keyring_for(request.app.state.keys).cached(pool_id)
    if cached is not None:
        found = {"keys": cached.jwks}
    else:  # first use in this process: a database round trip, perhaps key generation
        found = await asyncio.to_thread(jwks, store, request.app.state.keys, pool_id)
    return JSONResponse(found, headers=cors.RESPONSE_HEADERS)


async def openid_configuration_page(request: Request) -> Response:
    """``GET /{pool_id}/.well-known/openid-configuration``."""
    pool_id = request.path_params["pool_id"]
    store: Store = request.app.state.store
    if not store.pool_exists(pool_id):
        return _not_found(pool_id)
    return JSONResponse(
        openid_configuration(request.app.state.settings, pool_id), headers=cors.RESPONSE_HEADERS
    )
