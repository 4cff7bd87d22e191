"""Refresh, rotation, reuse detection, RevokeToken, GlobalSignOut, AdminUserGlobalSignOut and
AdminDisableUser: each shown to stop exactly the tokens AWS stops (reference §2.4, §2.5), through
boto3 over HTTP on SQLite and PostgreSQL. Revoked tokens still pass offline verification (PyJWT
against the JWKS fetched over HTTP)."""

from __future__ import annotations

from typing import Any

from tests.auth_helpers import confirmed_user, flows_client, jwks, password_sign_in, verify
from tests.server import Server
from tests.test_self_service import GONE, INVALID, REVOKED
from tests.user_helpers import make_client, rejected, unique

REFRESH_REVOKED = ("NotAuthorizedException", "Refresh Token has been revoked")
INVALID_REFRESH = ("NotAuthorizedException", "Invalid Refresh Token")


def sign_in(cognito: Any, client: dict[str, Any], name: str) -> dict[str, Any]:
    return password_sign_in(cognito, client, name)["AuthenticationResult"]


def works(cognito: Any, access_token: str) -> bool:
    """Whether a token-authorized operation accepts the access token (else: it says revoked)."""
    try:
        cognito.get_user(AccessToken=access_token)
    except cognito.exceptions.NotAuthorizedException as exc:
        assert exc.response["Error"]["Message"] == REVOKED[1]
        return False
    return True


def refresh(cognito: Any, client: dict[str, Any], token: str, **kwargs: Any) -> dict[str, Any]:
    return cognito.get_tokens_from_refresh_token(
        RefreshToken=token, ClientId=client["ClientId"], **kwargs
    )["AuthenticationResult"]


def refresh_error(cognito: Any, client: dict[str, Any], token: str) -> tuple[str, str]:
    return rejected(
        cognito.get_tokens_from_refresh_token, RefreshToken=token, ClientId=client["ClientId"]
    )


def rotating_client(cognito: Any, pool_id: str, grace: int = 0) -> dict[str, Any]:
    return make_client(
        cognito,
        pool_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace},
    )


# -- signatures --------------------------------------------------------------------------------
def test_tokens_verify_with_pyjwt_against_the_served_jwks(
    server: Server, cognito: Any, pool_id: str
) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    tokens = sign_in(cognito, client, name)
    keys = jwks(server, pool_id)
    issuer = f"{server.url}/{pool_id}"
    access = verify(tokens["AccessToken"], keys, issuer=issuer, token_use="access")
    ident = verify(
        tokens["IdToken"], keys, issuer=issuer, token_use="id", audience=client["ClientId"]
    )
    assert access["client_id"] == client["ClientId"] and access["username"] == name
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert ident["cognito:username"] == name and ident["sub"] == access["sub"]
    refreshed = refresh(cognito, client, tokens["RefreshToken"])
    again = verify(refreshed["AccessToken"], keys, issuer=issuer, token_use="access")
    assert again["origin_jti"] == access["origin_jti"] and again["jti"] != access["jti"]
    assert again["auth_time"] == access["auth_time"]


# -- refresh and rotation ----------------------------------------------------------------------
def test_refresh_without_rotation_keeps_the_refresh_token(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    tokens = sign_in(cognito, client, confirmed_user(cognito, pool_id))
    first = refresh(cognito, client, tokens["RefreshToken"])
    assert "RefreshToken" not in first
    assert first["TokenType"] == "Bearer" and first["ExpiresIn"] == 3600
    second = refresh(cognito, client, tokens["RefreshToken"])
    for access in (tokens["AccessToken"], first["AccessToken"], second["AccessToken"]):
        assert works(cognito, access)


def test_refresh_errors(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    other = flows_client(cognito, pool_id)
    tokens = sign_in(cognito, client, confirmed_user(cognito, pool_id))
    assert refresh_error(cognito, other, tokens["RefreshToken"]) == INVALID_REFRESH
    assert refresh_error(cognito, client, "a.b.c.d.e") == INVALID_REFRESH
    assert refresh_error(cognito, client, tokens["AccessToken"]) == INVALID_REFRESH
    unknown = rejected(
        cognito.get_tokens_from_refresh_token,
        RefreshToken=tokens["RefreshToken"],
        ClientId="nosuchclient000000000000000",
    )
    assert unknown[0] == "ResourceNotFoundException"


def test_refresh_with_a_client_secret(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id, GenerateSecret=True)
    name = confirmed_user(cognito, pool_id)
    from tests.user_helpers import secret_hash

    tokens = password_sign_in(
        cognito, client, name, SECRET_HASH=secret_hash(client, name)
    )["AuthenticationResult"]
    code, _ = refresh_error(cognito, client, tokens["RefreshToken"])
    assert code == "NotAuthorizedException"
    wrong = rejected(
        cognito.get_tokens_from_refresh_token,
        RefreshToken=tokens["RefreshToken"],
        ClientId=client["ClientId"],
        ClientSecret="x" * 52,
    )
    assert wrong[0] == "NotAuthorizedException"
    done = refresh(cognito, client, tokens["RefreshToken"], ClientSecret=client["ClientSecret"])
    assert works(cognito, done["AccessToken"])


def test_rotation_issues_a_new_refresh_token_and_detects_reuse(
    server: Server, cognito: Any, pool_id: str
) -> None:
    client = rotating_client(cognito, pool_id)
    tokens = sign_in(cognito, client, confirmed_user(cognito, pool_id))
    rotated = refresh(cognito, client, tokens["RefreshToken"])
    assert rotated["RefreshToken"] != tokens["RefreshToken"]
    assert rotated["RefreshToken"].count(".") == 4  # a JWE, like the original
    code, _ = refresh_error(cognito, client, tokens["RefreshToken"])
    assert code == "RefreshTokenReuseException"
    # Rotation replaces the refresh token only: the session's access tokens keep working, and
    # so does the new refresh token.
    assert works(cognito, tokens["AccessToken"]) and works(cognito, rotated["AccessToken"])
    third = refresh(cognito, client, rotated["RefreshToken"])
    assert works(cognito, third["AccessToken"])
    keys = jwks(server, pool_id)
    issuer = f"{server.url}/{pool_id}"
    origins = {
        verify(t["AccessToken"], keys, issuer=issuer, token_use="access")["origin_jti"]
        for t in (tokens, rotated, third)
    }
    assert len(origins) == 1  # one family: RevokeToken of any member stops them all
    # REFRESH_TOKEN_AUTH is not allowed with rotation.
    code, _ = rejected(
        cognito.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": third["RefreshToken"]},
    )
    assert code == "InvalidParameterException"


def test_rotation_grace_period_allows_a_retry(cognito: Any, pool_id: str) -> None:
    client = rotating_client(cognito, pool_id, grace=60)
    tokens = sign_in(cognito, client, confirmed_user(cognito, pool_id))
    first = refresh(cognito, client, tokens["RefreshToken"])
    retry = refresh(cognito, client, tokens["RefreshToken"])  # within the grace period
    assert retry["RefreshToken"] != first["RefreshToken"]
    assert works(cognito, retry["AccessToken"])
    assert works(cognito, refresh(cognito, client, retry["RefreshToken"])["AccessToken"])


# -- RevokeToken -------------------------------------------------------------------------------
def test_revoke_token_stops_exactly_its_family(server: Server, cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    a, b = sign_in(cognito, client, name), sign_in(cognito, client, name)
    a_refreshed = refresh(cognito, client, a["RefreshToken"])
    cognito.revoke_token(Token=a["RefreshToken"], ClientId=client["ClientId"])
    assert not works(cognito, a["AccessToken"])
    assert not works(cognito, a_refreshed["AccessToken"])
    assert refresh_error(cognito, client, a["RefreshToken"]) == REFRESH_REVOKED
    code, message = rejected(
        cognito.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": a["RefreshToken"]},
    )
    assert (code, message) == REFRESH_REVOKED
    # The user's other sign-in is untouched.
    assert works(cognito, b["AccessToken"])
    assert works(cognito, refresh(cognito, client, b["RefreshToken"])["AccessToken"])
    # Revoked tokens still pass offline verification.
    keys = jwks(server, pool_id)
    verify(a["AccessToken"], keys, issuer=f"{server.url}/{pool_id}", token_use="access")
    # Revoking again, or an invalid token: 200 OK.
    cognito.revoke_token(Token=a["RefreshToken"], ClientId=client["ClientId"])
    cognito.revoke_token(Token="a.b.c.d.e", ClientId=client["ClientId"])


def test_revoke_token_errors(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    tokens = sign_in(cognito, client, name)
    revoke = cognito.revoke_token
    assert rejected(revoke, Token=tokens["AccessToken"], ClientId=client["ClientId"])[0] == (
        "UnsupportedTokenTypeException"
    )
    other = flows_client(cognito, pool_id)
    assert rejected(revoke, Token=tokens["RefreshToken"], ClientId=other["ClientId"])[0] == (
        "UnauthorizedException"
    )
    assert works(cognito, tokens["AccessToken"])  # nothing was revoked by the refusals
    assert rejected(revoke, Token=tokens["RefreshToken"], ClientId="nosuchclient00000000")[0] == (
        "UnauthorizedException"
    )
    closed = flows_client(cognito, pool_id, EnableTokenRevocation=False)
    closed_tokens = sign_in(cognito, closed, name)
    assert rejected(revoke, Token=closed_tokens["RefreshToken"], ClientId=closed["ClientId"]) == (
        "UnsupportedOperationException",
        "Token revocation is not enabled for this app client.",
    )


def test_revoke_token_with_a_client_secret(cognito: Any, pool_id: str) -> None:
    from tests.user_helpers import secret_hash

    client = flows_client(cognito, pool_id, GenerateSecret=True)
    name = confirmed_user(cognito, pool_id)
    tokens = password_sign_in(
        cognito, client, name, SECRET_HASH=secret_hash(client, name)
    )["AuthenticationResult"]
    revoke = cognito.revoke_token
    assert rejected(revoke, Token=tokens["RefreshToken"], ClientId=client["ClientId"])[0] == (
        "UnauthorizedException"
    )
    revoke(
        Token=tokens["RefreshToken"],
        ClientId=client["ClientId"],
        ClientSecret=client["ClientSecret"],
    )
    assert not works(cognito, tokens["AccessToken"])


def test_revoking_a_rotated_out_token_stops_the_whole_family(cognito: Any, pool_id: str) -> None:
    client = rotating_client(cognito, pool_id)
    tokens = sign_in(cognito, client, confirmed_user(cognito, pool_id))
    rotated = refresh(cognito, client, tokens["RefreshToken"])
    cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=client["ClientId"])
    assert not works(cognito, rotated["AccessToken"])
    assert refresh_error(cognito, client, rotated["RefreshToken"]) == REFRESH_REVOKED


# -- global sign-out ---------------------------------------------------------------------------
def test_global_sign_out_stops_every_session_of_the_user(
    server: Server, cognito: Any, pool_id: str
) -> None:
    client = flows_client(cognito, pool_id)
    name, bystander = confirmed_user(cognito, pool_id), confirmed_user(cognito, pool_id)
    a, b = sign_in(cognito, client, name), sign_in(cognito, client, name)
    other = sign_in(cognito, client, bystander)
    cognito.global_sign_out(AccessToken=a["AccessToken"])
    for session in (a, b):
        assert not works(cognito, session["AccessToken"])
        assert refresh_error(cognito, client, session["RefreshToken"]) == REFRESH_REVOKED
    assert rejected(cognito.global_sign_out, AccessToken=a["AccessToken"]) == REVOKED
    # Offline verification still passes (ID and access tokens).
    keys, issuer = jwks(server, pool_id), f"{server.url}/{pool_id}"
    verify(b["AccessToken"], keys, issuer=issuer, token_use="access")
    verify(b["IdToken"], keys, issuer=issuer, token_use="id", audience=client["ClientId"])
    # Other users, and new sign-ins, are unaffected.
    assert works(cognito, other["AccessToken"])
    assert works(cognito, sign_in(cognito, client, name)["AccessToken"])
    assert rejected(cognito.global_sign_out, AccessToken="x.y.z") == INVALID


def test_admin_user_global_sign_out(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    tokens = sign_in(cognito, client, name)
    cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username=name)
    assert not works(cognito, tokens["AccessToken"])
    assert refresh_error(cognito, client, tokens["RefreshToken"]) == REFRESH_REVOKED
    assert works(cognito, sign_in(cognito, client, name)["AccessToken"])
    sign_out = cognito.admin_user_global_sign_out
    assert rejected(sign_out, UserPoolId=pool_id, Username=unique())[0] == "UserNotFoundException"
    assert rejected(sign_out, UserPoolId="us-east-1_nosuchpool", Username=name) == (
        "ResourceNotFoundException",
        "User pool us-east-1_nosuchpool does not exist.",
    )


def test_admin_disable_user_revokes_tokens_for_good(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    tokens = sign_in(cognito, client, name)
    cognito.admin_disable_user(UserPoolId=pool_id, Username=name)
    assert not works(cognito, tokens["AccessToken"])
    assert refresh_error(cognito, client, tokens["RefreshToken"]) == REFRESH_REVOKED
    assert rejected(password_sign_in, cognito=cognito, client=client, username=name) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    cognito.admin_enable_user(UserPoolId=pool_id, Username=name)
    # Re-enabling does not revive the old tokens ([DG:token-revocation]).
    assert not works(cognito, tokens["AccessToken"])
    assert refresh_error(cognito, client, tokens["RefreshToken"]) == REFRESH_REVOKED
    assert works(cognito, sign_in(cognito, client, name)["AccessToken"])


def test_deleted_user_cannot_refresh(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    tokens = sign_in(cognito, client, name)
    cognito.admin_delete_user(UserPoolId=pool_id, Username=name)
    assert refresh_error(cognito, client, tokens["RefreshToken"]) == GONE
