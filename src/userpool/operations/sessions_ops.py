"""The token lifecycle: GlobalSignOut, AdminUserGlobalSignOut, RevokeToken and
GetTokensFromRefreshToken (reference §2.4, §2.5).

What each stops (the unit is the token family of one sign-in, ``tokens.verify``):
- RevokeToken: that refresh token's family: the refresh token (and any rotated successor) and
  every access/ID token issued from it. The user's other sign-ins keep working.
- GlobalSignOut / AdminUserGlobalSignOut (and AdminDisableUser, in users.py): every family of
  the user. Access tokens are then refused by the token-authorized operations ("Access Token has
  been revoked") and refresh tokens by refresh; offline JWT verification still passes
  ([DG:token-revocation]).

RevokeToken's error texts are not measured anywhere public; the exception types are the model's
(``UnauthorizedException`` for client credentials, ``UnsupportedOperationException`` when the
client has EnableTokenRevocation false, ``UnsupportedTokenTypeException`` for a token that is not
a refresh token). An invalid or already revoked refresh token is a 200 OK, as the revocation
endpoint documents ([DG:revocation-endpoint], reference §8.5).
"""

from __future__ import annotations

import hmac
from typing import Any

from userpool.domain import signin
from userpool.domain.errors import (
    NotAuthorized,
    ResourceNotFound,
    Unauthorized,
    UnsupportedOperation,
    UnsupportedTokenType,
    UserNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.operations.lambdas import has_trigger
from userpool.operations.pretoken_trigger import token_hook
from userpool.operations.self_service import caller
from userpool.operations.user_support import USER_NOT_FOUND, public_client, require_user
from userpool.tokens import (
    decode_refresh_token,
    issue,
    keyring_for,
    read_refresh_token,
    revoke_family,
    sign_out,
)

REVOCATION_DISABLED = "Token revocation is not enabled for this app client."
NOT_A_REFRESH_TOKEN = "Only refresh tokens can be revoked."


def _secret_matches(client: dict[str, Any], given: str | None) -> bool | None:
    """None when the client has no secret; else whether ``given`` is one of its secrets."""
    secrets_ = [s["ClientSecretValue"] for s in client.get("_Secrets", [])]
    if not secrets_:
        return None
    if not given:
        return False
    return any(hmac.compare_digest(s.encode(), given.encode()) for s in secrets_)


def _rotating(client: dict[str, Any]) -> bool:
    return (client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"


# -- sign-out -----------------------------------------------------------------------------------
@operation("GlobalSignOut")
def global_sign_out(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        # GlobalSignOut's model declares no UserNotFoundException.
        who = caller(ctx, tx, req["AccessToken"], missing=NotAuthorized)
        sign_out(tx, who.pool_id, who.user["Attributes"]["sub"])
    return {}


@operation("AdminUserGlobalSignOut")
def admin_user_global_sign_out(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"])
        sign_out(tx, pool["Id"], user["Attributes"]["sub"])
    return {}


# -- RevokeToken --------------------------------------------------------------------------------
@operation("RevokeToken")
def revoke_token(ctx: Context, req: Request) -> Response:
    assert ctx.keys is not None
    client_id = req["ClientId"]
    token = req["Token"]
    with ctx.store.transaction() as tx:
        try:
            pool, client = public_client(tx, client_id)
        except ResourceNotFound:
            # RevokeToken declares no ResourceNotFoundException: an unknown client is a failed
            # client authentication (the endpoint's 401 invalid_client).
            raise Unauthorized(f"Invalid client id {client_id}") from None
        if _secret_matches(client, req.get("ClientSecret")) is False:
            raise Unauthorized(f"Invalid client secret for client {client_id}")
        if client.get("EnableTokenRevocation", True) is False:
            raise UnsupportedOperation(REVOCATION_DISABLED)
        if token.count(".") == 2:  # a JWS: an ID or access token
            raise UnsupportedTokenType(NOT_A_REFRESH_TOKEN)
        claims = decode_refresh_token(tx, keyring_for(ctx.keys), token, pool_id=pool["Id"])
        if claims is None:
            return {}  # invalid: 200 OK, as AWS
        family = tx.tokens.get_family(claims["origin_jti"], for_update=True)
        if family is None or family["pool_id"] != pool["Id"]:
            return {}
        if family["client_id"] != client_id or claims.get("client_id") != client_id:
            # "The client ID must be the one that obtained the token" ([DG:token-revocation]).
            raise Unauthorized(f"The refresh token was not issued to client {client_id}")
        if not family["revoked"]:
            revoke_family(tx, family["origin_jti"])
    return {}


# -- GetTokensFromRefreshToken ------------------------------------------------------------------
def _family_user(tx: Any, pool_id: str, family: dict[str, Any]) -> dict[str, Any]:
    """The enabled user a token family belongs to: UserNotFound when deleted (or re-created
    under the same name, another ``sub``), NotAuthorized "User is disabled." when disabled."""
    user = tx.users.get(pool_id, family["username_key"])
    if user is None or user["Attributes"].get("sub") != family["sub"]:
        raise UserNotFound(USER_NOT_FOUND)
    if not user["Enabled"]:
        raise NotAuthorized(signin.DISABLED)
    return user


@operation("GetTokensFromRefreshToken")
async def get_tokens_from_refresh_token(ctx: Context, req: Request) -> Response:
    """New ID and access tokens; with the client's RefreshTokenRotation ENABLED also a new
    refresh token (the presented one stays usable for RetryGracePeriodSeconds, then its reuse is
    RefreshTokenReuseException). The ClientSecret is sent in plain (reference §3.7)."""
    assert ctx.keys is not None
    client_id = req["ClientId"]
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, client_id)
    matches = _secret_matches(client, req.get("ClientSecret"))
    if matches is False:
        if not req.get("ClientSecret"):
            raise NotAuthorized(
                f"Client {client_id} is configured with secret but ClientSecret was not received"
            )
        raise NotAuthorized(f"Unable to verify secret for client {client_id}")
    rotating = _rotating(client)
    if not rotating:
        # With rotation on, ALLOW_REFRESH_TOKEN_AUTH can't be listed, yet this operation is
        # exactly how such clients refresh.
        signin.check_flow_allowed(client, "REFRESH_TOKEN_AUTH")
    keyring = keyring_for(ctx.keys)
    hook = None
    if has_trigger(pool, "PreTokenGeneration"):  # fired before the transaction opens
        with ctx.store.reader() as tx:
            family = read_refresh_token(
                tx,
                keyring,
                req["RefreshToken"],
                pool_id=pool["Id"],
                client=client,
                now=ctx.now(),
                lock=False,
            )
            # The same checks as below, before the function sees anyone: a user deleted and
            # re-created under the same name is not the family's user, and must not reach the
            # trigger (nor must a disabled one).
            user = _family_user(tx, pool["Id"], family)
        hook = await token_hook(
            ctx, pool, client, user, "RefreshTokens", metadata=req.get("ClientMetadata")
        )
    with ctx.store.transaction() as tx:
        family = read_refresh_token(
            tx, keyring, req["RefreshToken"], pool_id=pool["Id"], client=client, now=ctx.now()
        )
        user = _family_user(tx, pool["Id"], family)
        result = issue(
            tx,
            keyring,
            issuer=ctx.settings.issuer(pool["Id"], ctx.region),
            pool_id=pool["Id"],
            client=client,
            user=user,
            now=ctx.now(),
            family=family,
            refresh=rotating,
            device_key=req.get("DeviceKey"),
            claims_hook=hook,
        )
    return {"AuthenticationResult": result}
