"""Issuing tokens: ``issue(...)`` returns an ``AuthenticationResult``.

ID and access tokens are RS256 JWS signed with the pool's ID and access keys. The refresh token
is a JWE in compact form (five parts) with header {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}
(shared/reference/cognito.md §2.4) encrypted to the pool's refresh key; its plaintext is a JWT
signed with the same key, naming the token family (``origin_jti``) and the refresh token's own
``jti``. The family row (store ``token_families``) is the source of truth for revocation and
rotation: a refresh token is only accepted while its jti is the family's current one (or the
previous one within the rotation grace period).

Signing is CPU-bound (~0.3 ms per token): the API is synchronous.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import orjson
from joserfc import jwe, jws

from userpool.store import Tx
from userpool.tokens import claims as claim_rules
from userpool.tokens.keys import Keyring, PoolKey, PoolKeys

REFRESH_HEADER = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
REFRESH_ALGORITHMS = ["RSA-OAEP", "A256GCM"]

ClaimsHook = Callable[[dict[str, Any], dict[str, Any]], None]


def sign(key: PoolKey, payload: dict[str, Any]) -> str:
    """Compact RS256 JWS with AWS's header {"kid": ..., "alg": "RS256"}."""
    return jws.serialize_compact({"kid": key.kid, "alg": "RS256"}, orjson.dumps(payload), key.key)


def refresh_token(keys: PoolKeys, payload: dict[str, Any]) -> str:
    """The opaque refresh token: a signed JWT encrypted to the pool's refresh key."""
    inner = sign(keys.refresh_key, payload)
    return jwe.encrypt_compact(
        dict(REFRESH_HEADER), inner, keys.refresh_key.key, algorithms=REFRESH_ALGORITHMS
    )


def user_groups(tx: Tx, pool_id: str, user: dict[str, Any]) -> list[dict[str, Any]]:
    """The user's groups (GroupType documents), by name."""
    found = []
    for name in tx.users.groups_of(pool_id, user["_Key"]):
        group = tx.get("group", pool_id, name)
        if group is not None:
            found.append(group)
    return found


def _new_family(
    *,
    user: dict[str, Any],
    client_id: str,
    device_key: str | None,
    now: float,
    lifetime: int,
) -> dict[str, Any]:
    return {
        "origin_jti": str(uuid.uuid4()),
        "username_key": user["_Key"],
        "sub": user["Attributes"]["sub"],
        "client_id": client_id,
        "device_key": device_key,
        "auth_time": float(int(now)),
        "created_at": now,
        "expires_at": now + lifetime,
        "revoked": False,
        "refresh_jti": str(uuid.uuid4()),
        "previous_jti": None,
        "previous_until": None,
    }


def _rotate(tx: Tx, family: dict[str, Any], client: dict[str, Any], now: float) -> None:
    """Refresh-token rotation: a new current jti; the presented one stays valid for the grace
    period (a retry within it gets fresh tokens again, §2.4)."""
    grace = int((client.get("RefreshTokenRotation") or {}).get("RetryGracePeriodSeconds") or 0)
    presented = family.get("presented_jti") or family["refresh_jti"]
    values: dict[str, Any] = {"refresh_jti": str(uuid.uuid4())}
    if presented == family["refresh_jti"]:
        values["previous_jti"] = presented
        values["previous_until"] = now + grace
    tx.tokens.update_family(family["origin_jti"], **values)
    family.update(values)


def issue(
    tx: Tx,
    keyring: Keyring,
    *,
    issuer: str,
    pool_id: str,
    client: dict[str, Any],
    user: dict[str, Any],
    now: float,
    family: dict[str, Any] | None = None,
    refresh: bool = True,
    device_key: str | None = None,
    new_device_metadata: dict[str, Any] | None = None,
    claims_hook: ClaimsHook | None = None,
) -> dict[str, Any]:
    """Issue tokens for ``user`` signing in to ``client`` (stored documents, as
    ``require_client`` and ``tx.users.get`` return them) and answer the AuthenticationResult
    ``{AccessToken, ExpiresIn, TokenType, RefreshToken?, IdToken, NewDeviceMetadata?}``.

    - A sign-in (``family`` None) starts a token family (the revocation unit, stored in ``tx``)
      and returns a refresh token (unless ``refresh=False``).
    - A refresh passes the family that ``verify.read_refresh_token`` returned: the tokens keep
      its ``origin_jti``, ``auth_time`` and device key. ``refresh=True`` rotates the refresh
      token (pass it when the client's rotation is ENABLED; the new token keeps the family's
      remaining lifetime); ``refresh=False`` returns no RefreshToken (REFRESH_TOKEN_AUTH).
    - ``issuer`` is ``ctx.settings.issuer(pool_id, ctx.region)``; ``keyring`` is
      ``keyring_for(ctx.keys)``; ``now`` is ``ctx.now()``.
    - ``claims_hook(id_claims, access_claims)`` may edit both payloads before signing (the
      pre token generation trigger).
    """
    keys = keyring.get(tx, pool_id, now=now)
    access_life, id_life, refresh_life = claim_rules.lifetimes(client)
    client_id = client["ClientId"]
    if family is None:
        lifetime = refresh_life if refresh else max(access_life, id_life)
        family = _new_family(
            user=user, client_id=client_id, device_key=device_key, now=now, lifetime=lifetime
        )
        tx.tokens.insert_family(pool_id, family)
    elif refresh:
        _rotate(tx, family, client, now)
    device_key = device_key or family.get("device_key")
    groups = user_groups(tx, pool_id, user)
    iat = int(now)
    auth_time = int(family["auth_time"])
    event_id = str(uuid.uuid4())
    common = {
        "issuer": issuer,
        "client_id": client_id,
        "user": user,
        "groups": groups,
        "event_id": event_id,
        "auth_time": auth_time,
        "iat": iat,
    }
    origin = family["origin_jti"]
    id_payload = claim_rules.id_claims(
        **common,
        exp=iat + id_life,
        jti=str(uuid.uuid4()),
        origin_jti=origin if claim_rules.revocation_claims_enabled(client) else None,
        allowed=claim_rules.readable(client),
    )
    access_payload = claim_rules.access_claims(
        **common, exp=iat + access_life, jti=str(uuid.uuid4()), origin_jti=origin,
        device_key=device_key,
    )
    if claims_hook is not None:
        claims_hook(id_payload, access_payload)
    result: dict[str, Any] = {
        "AccessToken": sign(keys.access_key, access_payload),
        "ExpiresIn": access_life,
        "TokenType": "Bearer",
    }
    if refresh:
        result["RefreshToken"] = refresh_token(
            keys,
            {
                "iss": issuer,
                "client_id": client_id,
                "origin_jti": origin,
                "jti": family["refresh_jti"],
                "token_use": "refresh",
                "iat": iat,
                "exp": int(family["expires_at"]),
            },
        )
    result["IdToken"] = sign(keys.id_key, id_payload)
    if new_device_metadata:
        result["NewDeviceMetadata"] = new_device_metadata
    return result
