"""The claims of ID and access tokens, exactly as shared/reference/cognito.md §2.2/§2.3 lists
them. Pure: no keys, no store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

ADMIN_SCOPE = "aws.cognito.signin.user.admin"

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
DEFAULT_ACCESS_SECONDS = DEFAULT_ID_SECONDS = 3600
DEFAULT_REFRESH_SECONDS = 30 * 86400

# Attributes whose token form is not a string (§2.2): booleans, OIDC's address object, and the
# federated ``identities`` JSON array. ``updated_at`` is an OIDC number (our choice: AWS's form
# is unmeasured; the OIDC standard claim is a number).
_BOOLEAN_ATTRIBUTES = ("email_verified", "phone_number_verified")


def lifetimes(client: Mapping[str, Any]) -> tuple[int, int, int]:
    """(access, id, refresh) token lifetimes in seconds from the app client's settings
    (``AccessTokenValidity``/``IdTokenValidity``/``RefreshTokenValidity`` in the units of
    ``TokenValidityUnits``; defaults 60 min / 60 min / 30 days, §2.1)."""
    units = client.get("TokenValidityUnits") or {}

    def seconds(name: str, unit_key: str, default: int) -> int:
        value = client.get(name)
        if not value:  # absent, or RefreshTokenValidity 0 ("the 30-day default")
            return default
        return int(value) * _UNIT_SECONDS[units.get(unit_key) or _DEFAULT_UNITS[unit_key]]

    return (
        seconds("AccessTokenValidity", "AccessToken", DEFAULT_ACCESS_SECONDS),
        seconds("IdTokenValidity", "IdToken", DEFAULT_ID_SECONDS),
        seconds("RefreshTokenValidity", "RefreshToken", DEFAULT_REFRESH_SECONDS),
    )


def revocation_claims_enabled(client: Mapping[str, Any]) -> bool:
    """Token revocation (on by default) or rotation adds ``origin_jti`` to ID tokens (§2.2)."""
    rotation = (client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"
    return client.get("EnableTokenRevocation", True) is not False or rotation


def readable(client: Mapping[str, Any]) -> set[str] | None:
    """The attributes the client may read; None means all (no ``ReadAttributes`` set)."""
    names = client.get("ReadAttributes")
    return set(names) if names else None


def attribute_claim(name: str, value: str) -> Any:
    """One user attribute as its ID-token claim value."""
    if name in _BOOLEAN_ATTRIBUTES:
        return str(value).lower() == "true"
    if name == "address":
        return {"formatted": value}
    if name == "updated_at":
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if name == "identities":
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return value
    return value  # custom attributes and every other attribute stay strings


def attribute_claims(attributes: Mapping[str, str], allowed: set[str] | None) -> dict[str, Any]:
    """The user's attributes the client may read, as claims (``sub`` is placed separately;
    developer-only attributes never appear)."""
    out: dict[str, Any] = {}
    for name, value in attributes.items():
        if name == "sub" or name.startswith("dev:") or value is None:
            continue
        if allowed is not None and name not in allowed:
            continue
        out[name] = attribute_claim(name, value)
    return out


def _rank(group: Mapping[str, Any]) -> tuple[int, int, str]:
    """Lower Precedence first; groups without one come last (§2.2, [API:GroupType])."""
    precedence = group.get("Precedence")
    if precedence is None:
        return (1, 0, group["GroupName"])
    return (0, int(precedence), group["GroupName"])


def role_claims(groups: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``cognito:roles`` (every group's role, best precedence first) and
    ``cognito:preferred_role``: the role of the group with the lowest Precedence that has one.
    Groups tied at that precedence with different roles leave it unset ([API:CreateGroup]
    Precedence: "If the two groups have different role ARNs, the cognito:preferred_role claim
    isn't set")."""
    with_roles = sorted((g for g in groups if g.get("RoleArn")), key=_rank)
    if not with_roles:
        return {}
    roles = list(dict.fromkeys(g["RoleArn"] for g in with_roles))
    out: dict[str, Any] = {}
    best = _rank(with_roles[0])[:2]
    tied = {g["RoleArn"] for g in with_roles if _rank(g)[:2] == best}
    if len(tied) == 1:
        out["cognito:preferred_role"] = with_roles[0]["RoleArn"]
    out["cognito:roles"] = roles
    return out


def id_claims(
    *,
    issuer: str,
    client_id: str,
    user: Mapping[str, Any],
    groups: list[Mapping[str, Any]],
    event_id: str,
    auth_time: int,
    iat: int,
    exp: int,
    jti: str,
    origin_jti: str | None,
    allowed: set[str] | None,
) -> dict[str, Any]:
    """An ID token's payload (the order follows AWS's documented example)."""
    attributes = user.get("Attributes") or {}
    claims: dict[str, Any] = {"sub": attributes["sub"]}
    if groups:
        claims["cognito:groups"] = [g["GroupName"] for g in groups]
    claims.update(role_claims(groups))
    claims["iss"] = issuer
    claims["cognito:username"] = user["Username"]
    if origin_jti:
        claims["origin_jti"] = origin_jti
    claims["aud"] = client_id
    claims["event_id"] = event_id
    claims["token_use"] = "id"
    claims["auth_time"] = auth_time
    claims["exp"] = exp
    claims["iat"] = iat
    claims["jti"] = jti
    for name, value in attribute_claims(attributes, allowed).items():
        claims.setdefault(name, value)
    return claims


def access_claims(
    *,
    issuer: str,
    client_id: str,
    user: Mapping[str, Any],
    groups: list[Mapping[str, Any]],
    event_id: str,
    auth_time: int,
    iat: int,
    exp: int,
    jti: str,
    origin_jti: str,
    device_key: str | None = None,
    scope: str = ADMIN_SCOPE,
) -> dict[str, Any]:
    """An access token's payload: ``client_id``, no ``aud`` (§2.3)."""
    claims: dict[str, Any] = {"sub": (user.get("Attributes") or {})["sub"]}
    if device_key:
        claims["device_key"] = device_key
    if groups:
        claims["cognito:groups"] = [g["GroupName"] for g in groups]
    claims.update(
        {
            "iss": issuer,
            "version": 2,
            "client_id": client_id,
            "origin_jti": origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": scope,
            "auth_time": auth_time,
            "exp": exp,
            "iat": iat,
            "jti": jti,
            "username": user["Username"],
        }
    )
    return claims
