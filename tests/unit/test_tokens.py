"""Tokens: issued by our keys, verified by PyJWT (an independent library) against the JWKS."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from userpool.crypto import ServerKey
from userpool.domain.errors import NotAuthorized, RefreshTokenReuse
from userpool.store import Store, migrate
from userpool.store.engine import make_engine
from userpool.tokens import claims as claim_rules
from userpool.tokens.issue import issue
from userpool.tokens.keys import Keyring
from userpool.tokens.verify import (
    read_refresh_token,
    revoke_family,
    sign_out,
    verify_access_token,
)

POOL = "us-east-1_TokTest01"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
NOW = 1_700_000_000.25
SUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tokens.db'}")
    migrate.upgrade(engine)
    store = Store(engine)
    with store.transaction() as tx:
        tx.insert_pool(
            {"Id": POOL, "Name": "p", "CreationDate": NOW, "LastModifiedDate": NOW}, "us-east-1"
        )
    yield store
    store.dispose()


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(ServerKey(os.urandom(32)))


def make_user(store: Store, groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    user = {
        "_Key": "alice",
        "Username": "alice",
        "Attributes": {
            "sub": SUB,
            "email": "alice@example.com",
            "email_verified": "true",
            "phone_number": "+15555550100",
            "phone_number_verified": "false",
            "custom:level": "7",
            "address": "1 Main St",
            "name": "Alice",
        },
        "UserStatus": "CONFIRMED",
        "Enabled": True,
        "UserCreateDate": NOW,
        "UserLastModifiedDate": NOW,
    }
    with store.transaction() as tx:
        tx.users.insert(POOL, user, {})
        for group in groups or []:
            tx.insert("group", POOL, group["GroupName"], group, NOW)
            tx.users.add_to_group(POOL, group["GroupName"], "alice")
    return user


def client(**extra: Any) -> dict[str, Any]:
    return {
        "ClientId": "6p3bs000no6a4ue1idruvd05ad",
        "UserPoolId": POOL,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {},
        "EnableTokenRevocation": True,
        "RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0},
        **extra,
    }


def sign_in(store: Store, keyring: Keyring, app: dict[str, Any], user: dict[str, Any],
            now: float = NOW, **kwargs: Any) -> dict[str, Any]:
    with store.transaction() as tx:
        return issue(tx, keyring, issuer=ISSUER, pool_id=POOL, client=app, user=user, now=now,
                     **kwargs)


def jwks(store: Store, keyring: Keyring) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict({"keys": keyring.for_store(store, POOL, now=NOW).jwks})


def decode(token: str, keys: jwt.PyJWKSet, **kwargs: Any) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.decode(
        token,
        keys[kid].key,
        algorithms=["RS256"],
        issuer=ISSUER,
        options={"verify_exp": False},
        **kwargs,
    )


def b64json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# -- claims --------------------------------------------------------------------------------------
GROUPS = [
    {"GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::123456789012:role/admin"},
    {"GroupName": "readers", "Precedence": 5, "RoleArn": "arn:aws:iam::123456789012:role/read"},
    {"GroupName": "plain"},
]


def test_id_token_claims_verified_by_pyjwt(store: Store, keyring: Keyring) -> None:
    user = make_user(store, GROUPS)
    app = client()
    result = sign_in(store, keyring, app, user)
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert list(result) == ["AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"]
    header = jwt.get_unverified_header(result["IdToken"])
    assert list(header) == ["kid", "alg"] and header["alg"] == "RS256"
    claims = decode(result["IdToken"], jwks(store, keyring), audience=app["ClientId"])
    iat = int(NOW)
    origin = claims["origin_jti"]
    assert claims == {
        "sub": SUB,
        "cognito:groups": ["admins", "plain", "readers"],
        "cognito:preferred_role": "arn:aws:iam::123456789012:role/admin",
        "cognito:roles": [
            "arn:aws:iam::123456789012:role/admin",
            "arn:aws:iam::123456789012:role/read",
        ],
        "iss": ISSUER,
        "cognito:username": "alice",
        "origin_jti": origin,
        "aud": app["ClientId"],
        "event_id": claims["event_id"],
        "token_use": "id",
        "auth_time": iat,
        "exp": iat + 3600,
        "iat": iat,
        "jti": claims["jti"],
        "email": "alice@example.com",
        "email_verified": True,
        "phone_number": "+15555550100",
        "phone_number_verified": False,
        "custom:level": "7",
        "address": {"formatted": "1 Main St"},
        "name": "Alice",
    }


def test_access_token_claims_verified_by_pyjwt(store: Store, keyring: Keyring) -> None:
    user = make_user(store, GROUPS[:1])
    app = client(AccessTokenValidity=15, TokenValidityUnits={"AccessToken": "minutes"})
    result = sign_in(store, keyring, app, user, device_key="us-east-1_dev-1")
    assert result["ExpiresIn"] == 900
    keys = jwks(store, keyring)
    access = decode(result["AccessToken"], keys)
    id_claims = decode(result["IdToken"], keys, audience=app["ClientId"])
    iat = int(NOW)
    assert access == {
        "sub": SUB,
        "device_key": "us-east-1_dev-1",
        "cognito:groups": ["admins"],
        "iss": ISSUER,
        "version": 2,
        "client_id": app["ClientId"],
        "origin_jti": id_claims["origin_jti"],
        "event_id": id_claims["event_id"],
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": iat,
        "exp": iat + 900,
        "iat": iat,
        "jti": access["jti"],
        "username": "alice",
    }
    assert access["jti"] != id_claims["jti"]
    # Separate keys: different kids, both in the JWKS.
    kid_a = jwt.get_unverified_header(result["AccessToken"])["kid"]
    kid_i = jwt.get_unverified_header(result["IdToken"])["kid"]
    assert kid_a != kid_i
    assert len(kid_a) == 44 and kid_a.endswith("=")


def test_read_attributes_and_revocation_flag_shape_the_id_token(
    store: Store, keyring: Keyring
) -> None:
    user = make_user(store)
    app = client(ReadAttributes=["email", "custom:level"], EnableTokenRevocation=False)
    result = sign_in(store, keyring, app, user)
    claims = decode(result["IdToken"], jwks(store, keyring), audience=app["ClientId"])
    assert "origin_jti" not in claims and "cognito:groups" not in claims
    assert claims["email"] == "alice@example.com" and claims["custom:level"] == "7"
    assert "email_verified" not in claims and "name" not in claims and "address" not in claims
    # The access token still carries the family id (revocation through GlobalSignOut).
    assert "origin_jti" in decode(result["AccessToken"], jwks(store, keyring))


def test_lifetimes_follow_client_units() -> None:
    assert claim_rules.lifetimes({}) == (3600, 3600, 30 * 86400)
    app = {
        "AccessTokenValidity": 2,
        "IdTokenValidity": 90,
        "RefreshTokenValidity": 10,
        "TokenValidityUnits": {
            "AccessToken": "hours", "IdToken": "minutes", "RefreshToken": "days"
        },
    }
    assert claim_rules.lifetimes(app) == (7200, 5400, 864000)
    assert claim_rules.lifetimes({"RefreshTokenValidity": 0}) == (3600, 3600, 30 * 86400)


def test_preferred_role_rules() -> None:
    tied = [
        {"GroupName": "a", "Precedence": 1, "RoleArn": "arn:r1"},
        {"GroupName": "b", "Precedence": 1, "RoleArn": "arn:r2"},
    ]
    assert claim_rules.role_claims(tied) == {"cognito:roles": ["arn:r1", "arn:r2"]}
    same = [
        {"GroupName": "a", "Precedence": 1, "RoleArn": "arn:r1"},
        {"GroupName": "b", "Precedence": 1, "RoleArn": "arn:r1"},
    ]
    assert claim_rules.role_claims(same)["cognito:preferred_role"] == "arn:r1"
    nulls_last = [
        {"GroupName": "a", "RoleArn": "arn:none"},
        {"GroupName": "b", "Precedence": 9, "RoleArn": "arn:nine"},
    ]
    assert claim_rules.role_claims(nulls_last) == {
        "cognito:preferred_role": "arn:nine",
        "cognito:roles": ["arn:nine", "arn:none"],
    }
    assert claim_rules.role_claims([{"GroupName": "x", "Precedence": 0}]) == {}


# -- refresh tokens --------------------------------------------------------------------------------
def test_refresh_token_is_a_five_part_jwe(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    token = sign_in(store, keyring, client(), user)["RefreshToken"]
    parts = token.split(".")
    assert len(parts) == 5 and token.startswith("eyJjdHkiOiJKV1Qi")
    assert b64json(parts[0]) == {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
    # Opaque: not decodable as a JWT, and its key is not in the JWKS.
    with pytest.raises(jwt.DecodeError):
        jwt.get_unverified_header(token)


def test_refresh_keeps_auth_time_and_family(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    app = client()
    first = sign_in(store, keyring, app, user)
    later = NOW + 1800
    with store.transaction() as tx:
        family = read_refresh_token(
            tx, keyring, first["RefreshToken"], pool_id=POOL, client=app, now=later
        )
        again = issue(tx, keyring, issuer=ISSUER, pool_id=POOL, client=app, user=user,
                      now=later, family=family, refresh=False)
    assert "RefreshToken" not in again
    keys = jwks(store, keyring)
    old = decode(first["IdToken"], keys, audience=app["ClientId"])
    new = decode(again["IdToken"], keys, audience=app["ClientId"])
    assert new["auth_time"] == old["auth_time"] == int(NOW)
    assert new["iat"] == int(later) and new["origin_jti"] == old["origin_jti"]
    assert new["jti"] != old["jti"]
    # Without rotation the original refresh token stays valid.
    with store.transaction() as tx:
        read_refresh_token(tx, keyring, first["RefreshToken"], pool_id=POOL, client=app,
                           now=later + 1)


def test_refresh_token_errors(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    app = client(RefreshTokenValidity=60, TokenValidityUnits={"RefreshToken": "minutes"})
    result = sign_in(store, keyring, app, user)
    token = result["RefreshToken"]

    def read(value: Any, *, now: float = NOW + 1, app_: dict[str, Any] = app) -> None:
        with store.transaction() as tx:
            read_refresh_token(tx, keyring, value, pool_id=POOL, client=app_, now=now)

    for bad in ("garbage", result["IdToken"], token[:-4] + "AAAA", "a.b.c.d.e"):
        with pytest.raises(NotAuthorized, match=r"^Invalid Refresh Token$"):
            read(bad)
    with pytest.raises(NotAuthorized, match=r"^Invalid Refresh Token$"):
        read(token, app_=client(ClientId="otherclient0000000000000000"))
    with pytest.raises(NotAuthorized, match=r"^Refresh Token has expired$"):
        read(token, now=NOW + 3601)
    # A refresh token forged with another key (right shape, wrong pool key) is refused.
    other = Keyring(ServerKey(os.urandom(32)))
    with pytest.raises(NotAuthorized, match=r"^Invalid Refresh Token$"):
        read(sign_in_elsewhere(other, app))
    with store.transaction() as tx:
        family = read_refresh_token(tx, keyring, token, pool_id=POOL, client=app, now=NOW + 1)
        revoke_family(tx, family["origin_jti"])
    with pytest.raises(NotAuthorized, match=r"^Refresh Token has been revoked$"):
        read(token)


def sign_in_elsewhere(other: Keyring, app: dict[str, Any]) -> str:
    """A refresh token made with keys of a different server (never committed)."""
    from userpool.tokens.issue import refresh_token

    keys = other._build(POOL, other._new_rows(POOL, 1, NOW))
    return refresh_token(keys, {"origin_jti": "x", "jti": "y", "token_use": "refresh",
                                "client_id": app["ClientId"]})


def test_rotation_grace_and_reuse(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    app = client(RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10})
    first = sign_in(store, keyring, app, user)

    def refresh(token: str, now: float) -> dict[str, Any]:
        with store.transaction() as tx:
            family = read_refresh_token(tx, keyring, token, pool_id=POOL, client=app, now=now)
            return issue(tx, keyring, issuer=ISSUER, pool_id=POOL, client=app, user=user,
                         now=now, family=family, refresh=True)

    second = refresh(first["RefreshToken"], NOW + 100)
    assert second["RefreshToken"] != first["RefreshToken"]
    # The rotated token keeps the family's remaining lifetime.
    with store.reader() as tx:
        fam = tx.tokens.families_of(POOL, SUB)[0]
    assert fam["expires_at"] == NOW + 30 * 86400
    # Within the grace period the old token still works (a retry).
    third = refresh(first["RefreshToken"], NOW + 105)
    # After the grace period: reuse → RefreshTokenReuseException; the second token (replaced
    # by the retry) is refused too, the newest one works.
    with pytest.raises(RefreshTokenReuse):
        refresh(first["RefreshToken"], NOW + 200)
    with pytest.raises(RefreshTokenReuse):
        refresh(second["RefreshToken"], NOW + 201)
    fourth = refresh(third["RefreshToken"], NOW + 202)
    with store.transaction() as tx:
        revoke_family(tx, fam["origin_jti"])
    with pytest.raises(NotAuthorized, match=r"^Refresh Token has been revoked$"):
        refresh(fourth["RefreshToken"], NOW + 203)


# -- access-token verification -------------------------------------------------------------------
def test_verify_access_token(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    result = sign_in(store, keyring, client(), user)
    claims = verify_access_token(store, keyring, result["AccessToken"], now=NOW + 10)
    assert claims["username"] == "alice" and claims["token_use"] == "access"
    with store.reader() as tx:  # also inside the operation's own unit of work
        assert verify_access_token(tx, keyring, result["AccessToken"], now=NOW)["sub"] == SUB


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t, r: "not-a-token",
        lambda t, r: r["IdToken"],  # an ID token is not an access token
        lambda t, r: t[:-6] + ("AAAAAA" if not t.endswith("AAAAAA") else "BBBBBB"),
        lambda t, r: r["RefreshToken"],
        lambda t, r: ".".join(t.split(".")[:2]) + ".",
    ],
)
def test_invalid_access_tokens(store: Store, keyring: Keyring, mangle: Any) -> None:
    user = make_user(store)
    result = sign_in(store, keyring, client(), user)
    with pytest.raises(NotAuthorized, match=r"^Invalid Access Token$"):
        verify_access_token(store, keyring, mangle(result["AccessToken"], result), now=NOW)


def test_forged_access_token_with_a_foreign_key(store: Store, keyring: Keyring) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    user = make_user(store)
    real = sign_in(store, keyring, client(), user)["AccessToken"]
    header = jwt.get_unverified_header(real)
    claims = jwt.decode(real, options={"verify_signature": False})
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": header["kid"]})
    with pytest.raises(NotAuthorized, match=r"^Invalid Access Token$"):
        verify_access_token(store, keyring, forged, now=NOW)
    none_alg = jwt.encode(claims, None, algorithm="none", headers={"kid": header["kid"]})
    with pytest.raises(NotAuthorized, match=r"^Invalid Access Token$"):
        verify_access_token(store, keyring, none_alg, now=NOW)


def test_expired_and_revoked_access_tokens(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    result = sign_in(store, keyring, client(), user)
    with pytest.raises(NotAuthorized, match=r"^Access Token has expired$"):
        verify_access_token(store, keyring, result["AccessToken"], now=NOW + 3600)
    second = sign_in(store, keyring, client(), user)
    with store.transaction() as tx:
        assert sign_out(tx, POOL, SUB) == 2
    for token in (result["AccessToken"], second["AccessToken"]):
        with pytest.raises(NotAuthorized, match=r"^Access Token has been revoked$"):
            verify_access_token(store, keyring, token, now=NOW + 1)
    # A new sign-in after the sign-out is valid, even in the same second.
    third = sign_in(store, keyring, client(), user)
    assert verify_access_token(store, keyring, third["AccessToken"], now=NOW + 1)


def test_oauth_scoped_token_lacks_admin_scope(store: Store, keyring: Keyring) -> None:
    user = make_user(store)

    def hook(_id: dict[str, Any], access: dict[str, Any]) -> None:
        access["scope"] = "openid email"

    result = sign_in(store, keyring, client(), user, claims_hook=hook)
    with pytest.raises(NotAuthorized, match=r"^Access Token does not have required scopes$"):
        verify_access_token(store, keyring, result["AccessToken"], now=NOW)
    assert verify_access_token(store, keyring, result["AccessToken"], now=NOW,
                               required_scope=None)["scope"] == "openid email"


# -- keys ----------------------------------------------------------------------------------------
def test_keys_shared_between_keyrings_and_rotation(store: Store, keyring: Keyring) -> None:
    user = make_user(store)
    first = sign_in(store, keyring, client(), user)
    # Another process (a second keyring with the same server key) uses the same keys.
    other = Keyring(keyring.server_key)
    mine = keyring.for_store(store, POOL, now=NOW).jwks
    assert other.for_store(store, POOL, now=NOW).jwks == mine
    assert verify_access_token(store, other, first["AccessToken"], now=NOW)
    # The private keys are stored encrypted.
    with store.reader() as tx:
        rows = tx.tokens.keys(POOL)
    assert len(rows) == 3 and all("PRIVATE KEY" not in r["private_key"] for r in rows)
    with store.transaction() as tx:
        rotated = keyring.rotate(tx, POOL, now=NOW)
    assert len(rotated.jwks) == 4
    second = sign_in(store, keyring, client(), user)
    assert (jwt.get_unverified_header(second["AccessToken"])["kid"]
            != jwt.get_unverified_header(first["AccessToken"])["kid"])
    # Old and new tokens verify, in this process and (after reloading the unknown kid) in another.
    other._cache[POOL].loaded_at -= 5
    for token in (first["AccessToken"], second["AccessToken"]):
        assert verify_access_token(store, keyring, token, now=NOW)
        assert verify_access_token(store, other, token, now=NOW)
    # Refresh tokens of both generations still decrypt.
    with store.transaction() as tx:
        for token in (first["RefreshToken"], second["RefreshToken"]):
            read_refresh_token(tx, keyring, token, pool_id=POOL, client=client(), now=NOW)


def test_lazy_creation_is_race_safe(store: Store) -> None:
    """Two processes creating a pool's keys at once: one insert wins, both use its keys."""
    server_key = ServerKey(os.urandom(32))
    a, b = Keyring(server_key), Keyring(server_key)
    with store.transaction() as tx:
        tx.tokens.insert_keys(POOL, a._new_rows(POOL, 1, NOW))  # "a" won the race
        tx.tokens.keys(POOL)
    # "b" had seen no keys and tries to insert its own: Duplicate, then it re-reads.
    with store.transaction() as tx:
        from userpool.store import Duplicate

        with pytest.raises(Duplicate):
            tx.tokens.insert_keys(POOL, b._new_rows(POOL, 1, NOW))
        keys_b = b.get(tx, POOL, now=NOW)
    assert keys_b.jwks == a.for_store(store, POOL, now=NOW).jwks
