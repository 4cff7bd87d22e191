"""MFA operations: AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference,
AdminSetUserMFAPreference, GetUserAuthFactors. The sign-in side is ``mfa_flow``; the rules are
``domain.mfa``.

AWS behaviour, with sources:
- AssociateSoftwareToken and VerifySoftwareToken take an access token or an MFA_SETUP session,
  "but not both" [API:VerifySoftwareToken]; with a session each answers a new session
  (reference §3.4).
- ``SoftwareTokenMFANotFoundException``: "thrown when the software token TOTP MFA isn't
  activated for the user pool" [API:SoftwareTokenMFANotFoundException].
- A wrong code at VerifySoftwareToken: ``EnableSoftwareTokenMFAException`` "Code mismatch and fail
  enable Software Token MFA" (observed, aws-samples/aws-amplify-auth-starters#15).
- Verifying with an access token registers the authenticator but does not turn TOTP MFA on:
  SetUserMFAPreference does (aws/aws-sdk-js-v3#4645). Through MFA_SETUP it is turned on at once.
- A new AssociateSoftwareToken doesn't replace a verified authenticator until the new one is
  verified (our choice: the safer one, a user can't lock themselves out half-way).
"""

from __future__ import annotations

from typing import Any

from userpool.domain import mfa
from userpool.domain.errors import (
    EnableSoftwareTokenMFA,
    InvalidParameter,
    NotAuthorized,
    SoftwareTokenMFANotFound,
)
from userpool.domain.signin import SESSION_EXPIRED, SESSION_INVALID
from userpool.operations import Context, Request, Response, auth, operation
from userpool.operations.auth import Flow
from userpool.operations.common import require_pool
from userpool.operations.mfa_flow import carried, put_back, totp_context
from userpool.operations.self_service import caller
from userpool.operations.user_support import require_user, save_user

ONE_OF = "Either AccessToken or Session must be provided, but not both."  # wording ours
POOL_WITHOUT_TOTP = "Software token MFA is not enabled for the user pool."  # wording ours
NOT_ASSOCIATED = "No software token has been associated with the user."  # wording ours
VERIFY_MISMATCH = "Code mismatch and fail enable Software Token MFA"


def _one_of(req: Request) -> None:
    if bool(req.get("AccessToken")) == bool(req.get("Session")):
        raise InvalidParameter(ONE_OF)


def _check_pool_totp(pool: dict[str, Any]) -> None:
    if mfa.SOFTWARE_TOKEN_MFA not in mfa.pool_factors(pool):
        raise SoftwareTokenMFANotFound(POOL_WITHOUT_TOTP)


def _setup_session(ctx: Context, token: str) -> tuple[Flow, dict[str, Any]]:
    """Take an MFA_SETUP session named by its token alone: (the flow it belongs to, its state)."""
    with ctx.store.transaction() as tx:
        state = tx.sessions.take(auth._hash(token))
        if state is None or state.get("replayed"):
            raise NotAuthorized(SESSION_INVALID)
        pool = tx.get_pool(state["pool_id"])
        client = tx.get("client", state["pool_id"], state["client_id"])
    if pool is None or client is None or state["step"] != mfa.MFA_SETUP:
        raise NotAuthorized(SESSION_INVALID)
    if state["expires_at"] < ctx.now():
        raise NotAuthorized(SESSION_EXPIRED)
    state["_token_hash"] = auth._hash(token)
    return Flow(ctx, pool, client, admin=False), state


def _next_setup_session(
    flow: Flow, user: dict[str, Any], state: dict[str, Any], **extra: Any
) -> str:
    doc = {**carried(state), "options": state.get("options") or [], **extra}
    return flow.open_session(user, mfa.MFA_SETUP, doc)


# -- AssociateSoftwareToken -------------------------------------------------------------------
@operation("AssociateSoftwareToken")
def associate_software_token(ctx: Context, req: Request) -> Response:
    assert ctx.keys is not None
    _one_of(req)
    secret = mfa.new_secret()
    if req.get("AccessToken"):
        with ctx.store.transaction() as tx:
            who = caller(ctx, tx, req["AccessToken"], for_update=True)
            _check_pool_totp(who.pool)
            _associate(ctx, tx, who.pool, who.user, secret)
        return {"SecretCode": secret}
    flow, state = _setup_session(ctx, req["Session"])
    _check_pool_totp(flow.pool)
    with ctx.store.transaction() as tx:
        user = tx.users.get(flow.pool_id, state["username_key"], for_update=True)
        if user is None:
            raise NotAuthorized(SESSION_INVALID)
        _associate(ctx, tx, flow.pool, user, secret)
    return {"SecretCode": secret, "Session": _next_setup_session(flow, user, state)}


def _associate(
    ctx: Context, tx: Any, pool: dict[str, Any], user: dict[str, Any], secret: str
) -> None:
    assert ctx.keys is not None
    user["_TotpPending"] = ctx.keys.encrypt(secret, context=totp_context(pool["Id"], user))
    save_user(tx, pool, user)


# -- VerifySoftwareToken ------------------------------------------------------------------------
@operation("VerifySoftwareToken")
def verify_software_token(ctx: Context, req: Request) -> Response:
    _one_of(req)
    code, name = req["UserCode"], req.get("FriendlyDeviceName")
    if req.get("AccessToken"):
        with ctx.store.transaction() as tx:
            who = caller(ctx, tx, req["AccessToken"], for_update=True)
            _check_pool_totp(who.pool)
            _verify(ctx, who.pool, who.user, code, name)
            save_user(tx, who.pool, who.user, now=ctx.now())
        return {"Status": "SUCCESS"}
    flow, state = _setup_session(ctx, req["Session"])
    _check_pool_totp(flow.pool)
    with ctx.store.transaction() as tx:
        user = tx.users.get(flow.pool_id, state["username_key"], for_update=True)
        if user is None:
            raise NotAuthorized(SESSION_INVALID)
        try:
            _verify(ctx, flow.pool, user, code, name)
        except EnableSoftwareTokenMFA:
            failed = True
        else:
            failed = False
            mfa.enable_after_setup(user, mfa.SOFTWARE_TOKEN_MFA)
            save_user(tx, flow.pool, user, now=ctx.now())
    if failed:
        put_back(flow, state)  # the user may type the code again
        raise EnableSoftwareTokenMFA(VERIFY_MISMATCH)
    session = _next_setup_session(flow, user, state, totp_verified=True)
    return {"Status": "SUCCESS", "Session": session}


def _verify(
    ctx: Context, pool: dict[str, Any], user: dict[str, Any], code: str, name: str | None
) -> None:
    """Check ``code`` against the associated secret; it becomes the user's authenticator (the
    code's time step spent)."""
    assert ctx.keys is not None
    pending = user.get("_TotpPending")
    if not pending:
        raise SoftwareTokenMFANotFound(NOT_ASSOCIATED)
    secret = ctx.keys.decrypt(pending, context=totp_context(pool["Id"], user))
    step = mfa.totp_step(secret, code, ctx.now())
    if step is None:
        raise EnableSoftwareTokenMFA(VERIFY_MISMATCH)
    totp: dict[str, Any] = {"Secret": pending, "LastStep": step}
    if name:
        totp["FriendlyDeviceName"] = name
    user["_Totp"] = totp
    user.pop("_TotpPending", None)


# -- preferences --------------------------------------------------------------------------------
@operation("SetUserMFAPreference")
def set_user_mfa_preference(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        mfa.apply_preference(who.pool, who.user, req)
        save_user(tx, who.pool, who.user, now=ctx.now())
    return {}


@operation("AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        mfa.apply_preference(pool, user, req)
        save_user(tx, pool, user, now=ctx.now())
    return {}


@operation("GetUserAuthFactors")
def get_user_auth_factors(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        who = caller(ctx, tx, req["AccessToken"])
    user = who.user
    response: dict[str, Any] = {
        "Username": user["Username"],
        "ConfiguredUserAuthFactors": mfa.auth_factors(who.pool, user),
    }
    if user.get("PreferredMfaSetting"):
        response["PreferredMfaSetting"] = user["PreferredMfaSetting"]
    if user.get("UserMFASettingList"):
        response["UserMFASettingList"] = list(user["UserMFASettingList"])
    return response
