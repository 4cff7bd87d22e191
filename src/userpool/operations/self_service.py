"""Self-service operations, authorized by the user's own access token: GetUser,
UpdateUserAttributes, DeleteUserAttributes, DeleteUser, ChangePassword,
GetUserAttributeVerificationCode, VerifyUserAttribute, SetUserSettings.

Every one starts with ``caller(...)``: the access token must verify (signature, expiry,
revocation, scope ``aws.cognito.signin.user.admin``; see ``tokens.verify``), its app client must
still exist, and its user must still exist (same ``sub``: a deleted-then-recreated username is a
different user) and be in a usable state.

AWS behaviour, with sources:
- A deleted user's token: ``UserNotFoundException`` "User does not exist." (observed after
  deleting a user with tokens still held, [GH:aws-amplify/aws-sdk-android#366]). Operations whose
  model declares no UserNotFoundException (GlobalSignOut) answer NotAuthorizedException with the
  same text.
- GetUserAttributeVerificationCode / VerifyUserAttribute: only ``email`` and ``phone_number``
  ("Invalid attribute name. Only phone_number and email can be verified."); a user without the
  attribute: "User does not have a valid registered email address" / "... phone number"; an
  already verified, unchanged attribute may be verified again (all compared with a real pool in
  [GH:floci-io/floci#1898] and [GH:floci-io/floci#2018]).
- ChangePassword: 5 per user per hour ([DG:quotas], reference §7.3); a wrong PreviousPassword is
  NotAuthorizedException "Incorrect username or password." (the sign-in text).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from userpool.domain import attributes, codes, passwords, signin, users
from userpool.domain.errors import (
    CognitoError,
    ExpiredCode,
    InvalidParameter,
    LimitExceeded,
    NotAuthorized,
    PasswordResetRequired,
    UserNotConfirmed,
    UserNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.operations.delivery import EMAIL, SMS, delivery_details, verification_message
from userpool.operations.message_triggers import send_code_message
from userpool.operations.user_support import (
    USER_NOT_FOUND,
    check_history,
    consume_code,
    credentials,
    issue_code,
    remember_password,
    save_user,
    username_key,
)
from userpool.operations.users import restore_attributes
from userpool.store import Tx
from userpool.tokens import keyring_for, verify_access_token
from userpool.tokens.verify import INVALID_ACCESS, pool_of_issuer

VERIFIABLE = ("email", "phone_number")
BAD_ATTRIBUTE_NAME = "Invalid attribute name. Only phone_number and email can be verified."
NO_DESTINATION = {
    "email": "User does not have a valid registered email address",
    "phone_number": "User does not have a valid registered phone number",
}
CHANGE_PASSWORD_PER_HOUR = 5  # [DG:quotas]
HOUR = 3600.0


@dataclass
class Caller:
    """Who an access token speaks for: its claims, pool, app client and (stored) user."""

    claims: dict[str, Any]
    pool: dict[str, Any]
    client: dict[str, Any]
    user: dict[str, Any]

    @property
    def pool_id(self) -> str:
        return str(self.pool["Id"])

    @property
    def write_attributes(self) -> list[str] | None:
        return self.client.get("WriteAttributes") or None


def caller(
    ctx: Context,
    tx: Tx,
    token: str,
    *,
    for_update: bool = False,
    missing: type[CognitoError] = UserNotFound,
) -> Caller:
    """Verify ``token`` inside ``tx`` and load what it names; AWS's errors otherwise."""
    assert ctx.keys is not None
    claims = verify_access_token(tx, keyring_for(ctx.keys), token, now=ctx.now())
    pool_id = pool_of_issuer(claims.get("iss"))
    username = claims.get("username")
    if pool_id is None or not isinstance(username, str):
        raise NotAuthorized(INVALID_ACCESS)
    pool = require_pool(tx, pool_id)
    client = tx.get("client", pool_id, str(claims.get("client_id")))
    if client is None:
        # The app client was deleted: its tokens are refused (AWS unmeasured; the safe choice).
        raise NotAuthorized(INVALID_ACCESS)
    user = tx.users.get(pool_id, username_key(pool, username), for_update=for_update)
    if user is None or user["Attributes"].get("sub") != claims.get("sub"):
        raise missing(USER_NOT_FOUND)
    check_usable(user)
    return Caller(claims=claims, pool=pool, client=client, user=user)


def check_usable(user: dict[str, Any]) -> None:
    """The states the token operations refuse (each declared by their models)."""
    if not user["Enabled"]:
        raise NotAuthorized(signin.DISABLED)
    if user["UserStatus"] == users.RESET_REQUIRED:
        raise PasswordResetRequired("Password reset required for the user")
    if user["UserStatus"] == users.UNCONFIRMED:
        raise UserNotConfirmed("User is not confirmed.")


# -- reading and deleting ----------------------------------------------------------------------
@operation("GetUser")
def get_user(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        who = caller(ctx, tx, req["AccessToken"])
    user = who.user
    visible = attributes.readable(user["Attributes"], who.client.get("ReadAttributes") or None)
    view: dict[str, Any] = {
        "Username": user["Username"],
        "UserAttributes": users.attribute_list(visible),
    }
    for key in ("MFAOptions", "PreferredMfaSetting", "UserMFASettingList"):
        if user.get(key):
            view[key] = user[key]
    return view


@operation("DeleteUser")
def delete_user(ctx: Context, req: Request) -> Response:
    """The user is gone; tokens still held then answer "User does not exist." (the check in
    ``caller``, and the sub check at refresh), as AWS does after a deletion."""
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        tx.users.delete(who.pool_id, who.user["_Key"])
    return {}


@operation("DeleteUserAttributes")
def delete_user_attributes(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        names = req["UserAttributeNames"]
        allowed = who.write_attributes
        for name in names:
            if allowed is not None and name not in allowed:
                raise NotAuthorized(attributes.UNAUTHORIZED_WRITE)
        user = who.user
        user["Attributes"] = attributes.attributes_after_delete(
            who.pool, user["Attributes"], names, admin=False
        )
        pending = {k: v for k, v in (user.get("_Pending") or {}).items() if k not in names}
        _set_pending(user, pending)
        save_user(tx, who.pool, user, now=ctx.now())
    return {}


def _set_pending(user: dict[str, Any], pending: dict[str, str]) -> None:
    if pending:
        user["_Pending"] = pending
    else:
        user.pop("_Pending", None)


# -- attributes and their verification ---------------------------------------------------------
@operation("UpdateUserAttributes")
async def update_user_attributes(ctx: Context, req: Request) -> Response:
    to_send: list[tuple[str, str, str]] = []
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        pool, user = who.pool, who.user
        before = copy.deepcopy(user)
        new, unverified = attributes.attributes_for_update(
            pool,
            user["Attributes"],
            req["UserAttributes"],
            admin=False,
            write_attributes=who.write_attributes,
        )
        stored, pending = attributes.split_pending(pool, user["Attributes"], new, unverified)
        user["Attributes"] = stored
        kept = {k: v for k, v in (user.get("_Pending") or {}).items() if k not in unverified}
        _set_pending(user, {**kept, **pending})
        auto = set(pool.get("AutoVerifiedAttributes") or [])
        for name in unverified:
            destination = pending.get(name) or stored.get(name)
            if name in auto and destination:
                code = issue_code(
                    ctx, tx, who.pool_id, user, codes.VERIFY + name, {"value": destination}
                )
                to_send.append((EMAIL if name == "email" else SMS, destination, code))
        save_user(tx, pool, user, now=ctx.now())
    details = []
    try:
        for medium, destination, code in to_send:
            await _send_code(
                ctx,
                who,
                medium,
                destination,
                code,
                "UpdateUserAttribute",
                req.get("ClientMetadata"),
            )
            details.append(delivery_details(medium, destination))
    except Exception:
        restore_attributes(ctx, pool, before)  # the call fails: nothing changes
        raise
    return {"CodeDeliveryDetailsList": details} if details else {}


async def _send_code(
    ctx: Context,
    who: Caller,
    medium: str,
    destination: str,
    code: str,
    purpose: str,
    metadata: dict[str, str] | None,
) -> None:
    message = verification_message(
        who.pool,
        medium,
        destination,
        code,
        purpose=purpose,
        username=who.user["Username"],
        client_id=None,
        link_base=ctx.settings.public_base(ctx.region),
    )
    await send_code_message(
        ctx,
        who.pool,
        message,
        user=who.user,
        code=code,
        client_id=who.client["ClientId"],
        metadata=metadata,
    )


def _verifiable(name: str) -> str:
    if name not in VERIFIABLE:
        raise InvalidParameter(BAD_ATTRIBUTE_NAME)
    return name


@operation("GetUserAttributeVerificationCode")
async def get_user_attribute_verification_code(ctx: Context, req: Request) -> Response:
    """A code for the attribute's pending value (AttributesRequireVerificationBeforeUpdate), else
    its current one; at most 5 per hour (``codes.check_send_rate``, LimitExceededException)."""
    name = req["AttributeName"]
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"])
        _verifiable(name)
        pending = who.user.get("_Pending") or {}
        destination = pending.get(name) or who.user["Attributes"].get(name)
        if not destination:
            raise InvalidParameter(NO_DESTINATION[name])
        code = issue_code(
            ctx, tx, who.pool_id, who.user, codes.VERIFY + name, {"value": destination}
        )
    medium = EMAIL if name == "email" else SMS
    await _send_code(
        ctx, who, medium, destination, code, "VerifyUserAttribute", req.get("ClientMetadata")
    )
    return {"CodeDeliveryDetails": delivery_details(medium, destination)}


@operation("VerifyUserAttribute")
def verify_user_attribute(ctx: Context, req: Request) -> Response:
    name = req["AttributeName"]
    with ctx.store.reader() as tx:
        who = caller(ctx, tx, req["AccessToken"])
    _verifiable(name)

    def apply(tx: Tx, stored: dict[str, Any]) -> None:
        user = tx.users.get(who.pool_id, who.user["_Key"], for_update=True)
        if user is None:
            raise UserNotFound(USER_NOT_FOUND)
        mark_verified(user, name, stored.get("value"))
        save_user(tx, who.pool, user, now=ctx.now())

    consume_code(ctx, who.pool_id, who.user["_Key"], codes.VERIFY + name, req["Code"], then=apply)
    return {}


def mark_verified(user: dict[str, Any], name: str, value: str | None) -> None:
    """Apply a verified code for ``name`` that was sent to ``value``: a pending value becomes
    the attribute's value; the current value becomes verified. A code sent to a value the user
    no longer has (changed since) is refused as expired; the raise keeps the code unspent."""
    pending = dict(user.get("_Pending") or {})
    attrs = user["Attributes"]
    if value is not None and pending.get(name) == value:
        attrs[name] = pending.pop(name)
    elif value is None or attrs.get(name) != value:
        raise ExpiredCode(codes.EXPIRED)
    attrs[attributes.VERIFIED_FLAG[name]] = "true"
    _set_pending(user, pending)


# -- settings and password ---------------------------------------------------------------------
@operation("SetUserSettings")
def set_user_settings(ctx: Context, req: Request) -> Response:
    """The legacy SMS MFA options (as AdminSetUserSettings)."""
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        options = req["MFAOptions"]
        if any(option.get("DeliveryMedium") == "EMAIL" for option in options):
            raise InvalidParameter("Only phone_number can be used as an MFA option.")
        who.user["MFAOptions"] = options
        save_user(tx, who.pool, who.user, now=ctx.now())
    return {}


def count_change_attempt(recent: list[float], now: float) -> list[float]:
    """The ChangePassword attempts of the last hour including this one; LimitExceeded when
    the user already made ``CHANGE_PASSWORD_PER_HOUR`` of them. Every attempt counts (a wrong
    PreviousPassword too: that is what makes guessing it slow)."""
    kept = [t for t in recent if now - t < HOUR]
    if len(kept) >= CHANGE_PASSWORD_PER_HOUR:
        raise LimitExceeded(codes.TOO_MANY)
    return [*kept, now]


@operation("ChangePassword")
async def change_password(ctx: Context, req: Request) -> Response:
    assert ctx.kdf is not None
    # The attempt is counted in its own transaction: it must survive a refusal below.
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"], for_update=True)
        user = who.user
        user["_ChangePasswordAttempts"] = count_change_attempt(
            user.get("_ChangePasswordAttempts") or [], ctx.now()
        )
        save_user(tx, who.pool, user)
    previous = req.get("PreviousPassword")
    if user.get("_PasswordHash"):
        if previous is None:
            # The model: PreviousPassword is "Required if the user has a password" (our wording).
            raise InvalidParameter("PreviousPassword is required for a user with a password.")
        if not await ctx.kdf.verify(user["_PasswordHash"], previous):
            raise NotAuthorized(signin.INCORRECT)
    policy = (who.pool.get("Policies") or {}).get("PasswordPolicy")
    passwords.check_password(policy, req["ProposedPassword"])
    await check_history(ctx, who.pool, user, req["ProposedPassword"])
    new = await credentials(ctx, who.pool_id, user["Username"], req["ProposedPassword"])
    with ctx.store.transaction() as tx:
        fresh = caller(ctx, tx, req["AccessToken"], for_update=True).user
        if fresh.get("_PasswordHash") != user.get("_PasswordHash"):
            # Changed by another request meanwhile: the previous password we checked is stale.
            raise NotAuthorized(signin.INCORRECT)
        remember_password(who.pool, fresh, new)
        save_user(tx, who.pool, fresh, now=ctx.now())
    return {}
