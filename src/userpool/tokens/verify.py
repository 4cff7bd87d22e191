"""Checking tokens presented to Cognito's token-authorized operations, reading refresh tokens,
and revocation (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut, AdminDisableUser).

Error texts (all ``NotAuthorizedException``; shared/reference/cognito.md §2.5, observed in
[GH:aws-amplify/amplify-js#974] "Access Token has expired", [GH:localstack/localstack#8775]
"Access Token has been revoked", [GH:awslabs/aws-amplify-identity-broker#538] "Invalid Access
Token"). "Access Token does not have required scopes" (a token from /oauth2/token without
aws.cognito.signin.user.admin) and the refresh-token texts are as commonly reported; their exact
wording is not measured here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import orjson
from joserfc import jwe, jws
from joserfc.errors import JoseError

from userpool.domain.errors import NotAuthorized, RefreshTokenReuse
from userpool.store import Store, Tx
from userpool.tokens.claims import ADMIN_SCOPE
from userpool.tokens.issue import REFRESH_ALGORITHMS
from userpool.tokens.keys import ACCESS, RELOAD_SECONDS, Keyring, PoolKeys

INVALID_ACCESS = "Invalid Access Token"
EXPIRED_ACCESS = "Access Token has expired"
REVOKED_ACCESS = "Access Token has been revoked"
MISSING_SCOPE = "Access Token does not have required scopes"
INVALID_REFRESH = "Invalid Refresh Token"
EXPIRED_REFRESH = "Refresh Token has expired"
REVOKED_REFRESH = "Refresh Token has been revoked"
# RefreshTokenReuseException's message is unmeasured ([API:RefreshTokenReuseException] only
# documents when it is thrown).
REUSED_REFRESH = "Refresh Token has been invalidated by refresh token rotation"


def _b64json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def unverified_parts(token: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(header, payload) of a compact JWS, unverified; None when it is not one."""
    if not isinstance(token, str) or token.count(".") != 2:
        return None
    head, body, _sig = token.split(".")
    try:
        header, payload = _b64json(head), _b64json(body)
    except (ValueError, UnicodeEncodeError, binascii.Error, orjson.JSONDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return header, payload


def pool_of_issuer(issuer: Any) -> str | None:
    """The pool id at the end of an ``iss`` URL."""
    if not isinstance(issuer, str) or "/" not in issuer:
        return None
    pool_id = issuer.rstrip("/").rsplit("/", 1)[-1]
    return pool_id or None


def _unit(source: Tx | Store) -> AbstractContextManager[Tx]:
    return source.reader() if isinstance(source, Store) else nullcontext(source)


def verify_access_token(
    source: Tx | Store,
    keyring: Keyring,
    token: str,
    *,
    now: float,
    required_scope: str | None = ADMIN_SCOPE,
) -> dict[str, Any]:
    """The claims of a valid access token, else ``NotAuthorizedException``: bad format or
    signature, or an ID token → "Invalid Access Token"; past ``exp`` → "Access Token has
    expired"; its family revoked (RevokeToken, GlobalSignOut, AdminDisableUser) → "Access Token
    has been revoked". ``source`` is the operation's transaction/reader, or the store."""
    parts = unverified_parts(token)
    if parts is None:
        raise NotAuthorized(INVALID_ACCESS)
    header, payload = parts
    pool_id = pool_of_issuer(payload.get("iss"))
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str) or pool_id is None:
        raise NotAuthorized(INVALID_ACCESS)
    with _unit(source) as tx:
        key = keyring.verifying_key(tx, pool_id, kid)
        if key is None or key.purpose != ACCESS or payload.get("token_use") != "access":
            raise NotAuthorized(INVALID_ACCESS)
        try:
            jws.deserialize_compact(token, key.key, algorithms=["RS256"])
        except (JoseError, ValueError):
            raise NotAuthorized(INVALID_ACCESS) from None
        exp = payload.get("exp")
        if not isinstance(exp, int | float) or now >= exp:
            raise NotAuthorized(EXPIRED_ACCESS)
        origin = payload.get("origin_jti")
        family = tx.tokens.get_family(origin) if isinstance(origin, str) else None
        if family is None or family["revoked"] or family["pool_id"] != pool_id:
            raise NotAuthorized(REVOKED_ACCESS)
    if required_scope and required_scope not in str(payload.get("scope") or "").split():
        raise NotAuthorized(MISSING_SCOPE)
    return payload


# -- refresh tokens -----------------------------------------------------------------------------
def _decrypt(keys: PoolKeys, token: str) -> tuple[dict[str, Any], str] | None:
    """(inner claims, refresh kid) of a refresh token of this pool, else None."""
    for key in keys.refresh_keys:
        try:
            plaintext = jwe.decrypt_compact(token, key.key, algorithms=REFRESH_ALGORITHMS)
            inner = jws.deserialize_compact(
                plaintext.plaintext or b"", key.key, algorithms=["RS256"]
            )
        except (JoseError, ValueError):
            continue
        if inner.headers().get("kid") != key.kid:
            continue
        try:
            claims = orjson.loads(inner.payload)
        except orjson.JSONDecodeError:
            return None
        return (claims, key.kid) if isinstance(claims, dict) else None
    return None


# Decrypting a refresh token is an RSA private-key operation (as costly as signing a token):
# remember what this process decrypted. Safe, because the token's claims never change and the
# family row stays the authority on whether it may still be used.
_DECODED: dict[tuple[str, str], dict[str, Any]] = {}
_DECODED_LIMIT = 10_000


def decode_refresh_token(
    tx: Tx, keyring: Keyring, token: Any, *, pool_id: str
) -> dict[str, Any] | None:
    """The claims inside a refresh token of ``pool_id`` (``origin_jti``, ``jti``,
    ``client_id``, ``iss``, ``iat``, ``exp``), or None when it is not one. No family checks."""
    if not isinstance(token, str) or token.count(".") != 4:
        return None
    cache_key = (pool_id, hashlib.sha256(token.encode()).hexdigest())
    if cache_key in _DECODED:
        return _DECODED[cache_key]
    claims = _decode(tx, keyring, token, pool_id)
    if claims is not None:
        if len(_DECODED) >= _DECODED_LIMIT:
            _DECODED.clear()
        _DECODED[cache_key] = claims
    return claims


def _decode(tx: Tx, keyring: Keyring, token: str, pool_id: str) -> dict[str, Any] | None:
    keys = keyring.find(tx, pool_id)
    if keys is None:
        return None
    found = _decrypt(keys, token)
    if found is None and keyring.clock() - keys.loaded_at >= RELOAD_SECONDS:
        keyring.forget(pool_id)  # perhaps rotated by another process
        keys = keyring.find(tx, pool_id)
        found = _decrypt(keys, token) if keys else None
    if found is None:
        return None
    claims = found[0]
    if claims.get("token_use") != "refresh":
        return None
    if not isinstance(claims.get("origin_jti"), str) or not isinstance(claims.get("jti"), str):
        return None
    return claims


def read_refresh_token(
    tx: Tx,
    keyring: Keyring,
    token: Any,
    *,
    pool_id: str,
    client: dict[str, Any],
    now: float,
    lock: bool = True,
) -> dict[str, Any]:
    """The token family of a usable refresh token (row locked for update unless ``lock`` is
    false: a refresh without rotation writes nothing), with the presented
    jti as ``presented_jti``; pass it to ``issue(..., family=...)``. Errors: not a refresh token
    of this pool and client → NotAuthorized "Invalid Refresh Token"; revoked → "Refresh Token has
    been revoked"; expired → "Refresh Token has expired"; a token that rotation replaced (after
    the grace period) → RefreshTokenReuseException. (The family is not revoked on reuse: the
    raise rolls the operation's transaction back, and AWS documents no such revocation.)"""
    claims = decode_refresh_token(tx, keyring, token, pool_id=pool_id)
    if claims is None:
        raise NotAuthorized(INVALID_REFRESH)
    family = tx.tokens.get_family(claims["origin_jti"], for_update=lock)
    if (
        family is None
        or family["pool_id"] != pool_id
        or family["client_id"] != client["ClientId"]
        or claims.get("client_id") != client["ClientId"]
    ):
        raise NotAuthorized(INVALID_REFRESH)
    if family["revoked"]:
        raise NotAuthorized(REVOKED_REFRESH)
    if now >= family["expires_at"]:
        raise NotAuthorized(EXPIRED_REFRESH)
    jti = claims["jti"]
    current = jti == family["refresh_jti"]
    in_grace = jti == family["previous_jti"] and now <= (family["previous_until"] or 0)
    if not (current or in_grace):
        if family["previous_jti"] is None:
            raise NotAuthorized(INVALID_REFRESH)
        raise RefreshTokenReuse(REUSED_REFRESH)
    return {**family, "presented_jti": jti}


# -- revocation ---------------------------------------------------------------------------------
def revoke_family(tx: Tx, origin_jti: str) -> None:
    """Revoke a refresh token and every ID/access token issued from it (RevokeToken)."""
    tx.tokens.update_family(origin_jti, revoked=True)


def sign_out(tx: Tx, pool_id: str, sub: str) -> int:
    """Revoke all of the user's tokens (GlobalSignOut, AdminUserGlobalSignOut,
    AdminDisableUser); returns how many live families were revoked. Re-enabling a user does not
    revive them ([DG:token-revocation])."""
    return tx.tokens.revoke_user(pool_id, sub)
