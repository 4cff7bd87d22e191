"""Users managed by administrators (IAM-authorized): create, read, delete, enable, disable,
confirm, update and delete attributes, settings."""

from __future__ import annotations

import copy
from typing import Any

from userpool.domain import attributes, codes, passwords, users
from userpool.domain.errors import (
    InvalidParameter,
    NotAuthorized,
    UnsupportedUserState,
    UsernameExists,
    UserNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import cached_pool, require_pool
from userpool.operations.delivery import (
    EMAIL,
    SMS,
    invitation_message,
    verification_message,
)
from userpool.operations.lambdas import has_trigger
from userpool.operations.message_triggers import send_code_message
from userpool.operations.user_support import (
    USER_NOT_FOUND,
    credentials,
    find_user,
    insert_user,
    issue_code,
    require_user,
    save_user,
    sign_in_identity,
    username_key,
)
from userpool.operations.user_triggers import post_confirmation, pre_sign_up
from userpool.tokens import sign_out

DAY = 86400.0


def _policy(pool: dict[str, Any]) -> dict[str, Any]:
    return (pool.get("Policies") or {}).get("PasswordPolicy") or {}


def _temporary_validity_days(pool: dict[str, Any]) -> int:
    days = _policy(pool).get("TemporaryPasswordValidityDays")
    if not days:
        days = (pool.get("AdminCreateUserConfig") or {}).get("UnusedAccountValidityDays") or 7
    return int(days)


def _invitation_targets(req: Request, attrs: dict[str, str]) -> list[tuple[str, str]]:
    """(medium, destination) for each DesiredDeliveryMediums entry the user can receive (SMS
    when none is asked for, as AWS defaults). A medium without its attribute is skipped."""
    targets = []
    for medium in req.get("DesiredDeliveryMediums") or [SMS]:
        destination = attrs.get("email" if medium == EMAIL else "phone_number")
        if destination:
            targets.append((medium, destination))
    return targets


@operation("AdminCreateUser")
async def admin_create_user(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        existing = find_user(tx, pool, req["Username"])
    if req.get("MessageAction") == "RESEND":
        return await _resend_invitation(ctx, pool, existing, req)
    username, given = sign_in_identity(pool, req["Username"], req.get("UserAttributes") or [])
    attrs = attributes.attributes_for_admin_create(pool, given)
    password = req.get("TemporaryPassword")
    if password:
        passwords.check_password(_policy(pool), password)
    else:
        password = passwords.temporary_password(_policy(pool))
    user = users.new_user(
        username=username,
        key=username_key(pool, username),
        attributes=attrs,
        status=users.FORCE_CHANGE_PASSWORD,
        now=ctx.now(),
    )
    user["_TempPasswordExpiresAt"] = ctx.now() + _temporary_validity_days(pool) * DAY
    if has_trigger(pool, "PreSignUp"):
        if existing is not None:  # a taken name fails before the trigger runs
            raise UsernameExists("User account already exists")
        await pre_sign_up(  # its answer's flags don't count here (§4.4)
            ctx,
            pool,
            "PreSignUp_AdminCreateUser",
            user=user,
            client_id=None,
            validation_data=req.get("ValidationData"),
            metadata=req.get("ClientMetadata"),
        )
    user.update(await credentials(ctx, pool["Id"], username, password))
    with ctx.store.transaction() as tx:
        insert_user(
            tx,
            pool,
            user,
            force_alias=bool(req.get("ForceAliasCreation")),
            taken="User account already exists",
        )
    if req.get("MessageAction") != "SUPPRESS":
        try:
            await _invite(ctx, pool, req, user, password)
        except Exception:
            with ctx.store.transaction() as tx:  # no half-created user
                tx.users.delete(pool["Id"], user["_Key"])
            raise
    return {"User": users.list_view(user)}


async def _invite(
    ctx: Context, pool: dict[str, Any], req: Request, user: dict[str, Any], password: str
) -> None:
    display = req["Username"]
    for medium, destination in _invitation_targets(req, user["Attributes"]):
        message = invitation_message(pool, medium, destination, username=display, password=password)
        await send_code_message(
            ctx,
            pool,
            message,
            user=user,
            code=password,
            metadata=req.get("ClientMetadata"),
            display_username=display,  # {username} as the pool's own template shows it
        )


async def _resend_invitation(
    ctx: Context, pool: dict[str, Any], user: dict[str, Any] | None, req: Request
) -> Response:
    """MessageAction RESEND: a new temporary password for a user who never signed in."""
    if user is None:
        raise UserNotFound(USER_NOT_FOUND)
    if user["UserStatus"] != users.FORCE_CHANGE_PASSWORD:
        raise UnsupportedUserState(
            f"Resend not possible. {user['Username']} status is "
            f"{user['UserStatus']} instead of FORCE_CHANGE_PASSWORD"
        )
    password = req.get("TemporaryPassword") or passwords.temporary_password(_policy(pool))
    passwords.check_password(_policy(pool), password)
    new = await credentials(ctx, pool["Id"], user["Username"], password)
    with ctx.store.transaction() as tx:
        fresh = require_user(tx, pool, user["Username"], for_update=True)
        # What the new password replaces, put back when the invitation can't go out (a failing
        # CustomMessage trigger changes nothing; the password sent before keeps working).
        kept = {k: fresh.get(k) for k in [*new, "_TempPasswordExpiresAt"]}
        fresh.update(new)
        fresh["_TempPasswordExpiresAt"] = ctx.now() + _temporary_validity_days(pool) * DAY
        save_user(tx, pool, fresh, now=ctx.now())
    try:
        await _invite(ctx, pool, req, fresh, password)
    except Exception:
        with ctx.store.transaction() as tx:
            again = tx.users.get(pool["Id"], fresh["_Key"], for_update=True)
            if again is not None:
                for name, value in kept.items():
                    if value is None:
                        again.pop(name, None)
                    else:
                        again[name] = value
                save_user(tx, pool, again, now=ctx.now())
        raise
    return {"User": users.list_view(fresh)}


@operation("AdminGetUser")
def admin_get_user(ctx: Context, req: Request) -> Response:
    pool = cached_pool(ctx.store, req["UserPoolId"])
    user = find_user(None, pool, req["Username"], store=ctx.store)
    if user is None:
        raise UserNotFound(USER_NOT_FOUND)
    return users.admin_view(user)


@operation("AdminDeleteUser")
def admin_delete_user(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        tx.users.delete(pool["Id"], user["_Key"])
    return {}


def _set_enabled(ctx: Context, req: Request, enabled: bool) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        user["Enabled"] = enabled
        save_user(tx, pool, user, now=ctx.now())
        if not enabled:
            # Disabling also revokes the user's tokens; re-enabling doesn't revive them
            # ([DG:token-revocation]).
            sign_out(tx, pool["Id"], user["Attributes"]["sub"])
    return {}


@operation("AdminEnableUser")
def admin_enable_user(ctx: Context, req: Request) -> Response:
    return _set_enabled(ctx, req, True)


@operation("AdminDisableUser")
def admin_disable_user(ctx: Context, req: Request) -> Response:
    return _set_enabled(ctx, req, False)


@operation("AdminConfirmSignUp")
async def admin_confirm_sign_up(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        if user["UserStatus"] != users.UNCONFIRMED:
            raise NotAuthorized(f"User cannot be confirmed. Current status is {user['UserStatus']}")
        user["UserStatus"] = users.CONFIRMED
        tx.users.delete_code(pool["Id"], user["_Key"], codes.SIGN_UP)
        save_user(tx, pool, user, now=ctx.now())
    await post_confirmation(
        ctx,
        pool,
        "PostConfirmation_ConfirmSignUp",
        user=user,
        client_id=None,
        metadata=req.get("ClientMetadata"),
    )
    return {}


def restore_attributes(ctx: Context, pool: dict[str, Any], before: dict[str, Any]) -> None:
    """Undo an attribute update whose verification code could not go out (a failing
    CustomMessage trigger, an unusable KMS key, a delivery failure): the call fails, so the user
    keeps the attributes (and pending values) it had — docs/triggers.md: a failing custom
    message trigger changes nothing. A code issued meanwhile then names a value the user doesn't
    have, which VerifyUserAttribute refuses as expired."""
    with ctx.store.transaction() as tx:
        user = tx.users.get(pool["Id"], before["_Key"], for_update=True)
        if user is None:
            return
        user["Attributes"] = before["Attributes"]
        if before.get("_Pending"):
            user["_Pending"] = before["_Pending"]
        else:
            user.pop("_Pending", None)
        save_user(tx, pool, user, now=ctx.now())


@operation("AdminUpdateUserAttributes")
async def admin_update_user_attributes(ctx: Context, req: Request) -> Response:
    to_send: list[tuple[str, str, str]] = []
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        before = copy.deepcopy(user)
        new, unverified = attributes.attributes_for_update(
            pool, user["Attributes"], req["UserAttributes"], admin=True
        )
        stored, pending = attributes.split_pending(pool, user["Attributes"], new, unverified)
        user["Attributes"] = stored
        if pending:
            user["_Pending"] = {**user.get("_Pending", {}), **pending}
        auto = set(pool.get("AutoVerifiedAttributes") or [])
        for name in unverified:
            if name in auto:
                destination = pending.get(name) or stored.get(name)
                if destination:
                    code = issue_code(
                        ctx, tx, pool["Id"], user, codes.VERIFY + name, {"value": destination}
                    )
                    to_send.append((EMAIL if name == "email" else SMS, destination, code))
        save_user(tx, pool, user, force_alias=False, now=ctx.now())
    try:
        for medium, destination, code in to_send:
            message = verification_message(
                pool,
                medium,
                destination,
                code,
                purpose="UpdateUserAttribute",
                username=user["Username"],
                client_id=None,
                link_base=ctx.settings.public_base(ctx.region),
            )
            await send_code_message(
                ctx, pool, message, user=user, code=code, metadata=req.get("ClientMetadata")
            )
    except Exception:
        restore_attributes(ctx, pool, before)
        raise
    return {}


@operation("AdminDeleteUserAttributes")
def admin_delete_user_attributes(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        user["Attributes"] = attributes.attributes_after_delete(
            pool, user["Attributes"], req["UserAttributeNames"], admin=True
        )
        save_user(tx, pool, user, now=ctx.now())
    return {}


@operation("AdminSetUserSettings")
def admin_set_user_settings(ctx: Context, req: Request) -> Response:
    """The legacy SMS MFA options ("MFAOptions", DeliveryMedium SMS only)."""
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"], for_update=True)
        options = req["MFAOptions"]
        for option in options:
            if option.get("DeliveryMedium") == "EMAIL":
                raise InvalidParameter("Only phone_number can be used as an MFA option.")
        user["MFAOptions"] = options
        save_user(tx, pool, user, now=ctx.now())
    return {}
