"""Passwords: ForgotPassword and ConfirmForgotPassword (public), AdminSetUserPassword and
AdminResetUserPassword (IAM)."""

from __future__ import annotations

from typing import Any

from userpool.domain import codes, passwords, users
from userpool.domain.errors import CodeMismatch, InvalidParameter, NotAuthorized, UserNotFound
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.operations.delivery import EMAIL, SMS, delivery_details, verification_message
from userpool.operations.message_triggers import send_code_message
from userpool.operations.migration import migrate_user
from userpool.operations.signup import NOT_FOUND_FOR_CLIENT
from userpool.operations.user_support import (
    check_code,
    check_history,
    check_secret_hash,
    consume_code,
    credentials,
    find_user,
    issue_code,
    prevents_existence_errors,
    public_client,
    remember_password,
    require_user,
    save_user,
)
from userpool.operations.user_triggers import post_confirmation
from userpool.store import Tx

NO_CHANNEL = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)
CANNOT_RESET = "User password cannot be reset in the current state."
DAY = 86400.0


def recovery_target(pool: dict[str, Any], user: dict[str, Any]) -> tuple[str, str] | None:
    """Where a reset code goes: AccountRecoverySetting's mechanisms by priority, else the legacy
    rule (a verified phone before a verified email). SMS never serves a user with SMS MFA."""
    attrs = user["Attributes"]
    sms_mfa = any(o.get("DeliveryMedium") == "SMS" for o in user.get("MFAOptions") or []) or (
        "SMS_MFA" in (user.get("UserMFASettingList") or [])
    )
    phone = (
        (SMS, attrs["phone_number"])
        if users.verified(user, "phone_number") and not sms_mfa
        else None
    )
    email = (EMAIL, attrs["email"]) if users.verified(user, "email") else None
    setting = pool.get("AccountRecoverySetting")
    if not setting:
        return phone or email
    for mechanism in sorted(setting.get("RecoveryMechanisms", []), key=lambda m: m["Priority"]):
        if mechanism["Name"] == "admin_only":
            raise NotAuthorized(CANNOT_RESET)
        chosen = email if mechanism["Name"] == "verified_email" else phone
        if chosen:
            return chosen
    return None


async def _send_reset_code(
    ctx: Context,
    pool: dict[str, Any],
    user: dict[str, Any],
    target: tuple[str, str],
    *,
    purpose: str,
    client_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, str]:
    with ctx.store.transaction() as tx:
        code = issue_code(ctx, tx, pool["Id"], user, codes.RESET)
    message = verification_message(
        pool,
        target[0],
        target[1],
        code,
        purpose=purpose,
        username=user["Username"],
        client_id=None,
        link_base=ctx.settings.public_base(ctx.region),
    )
    await send_code_message(
        ctx, pool, message, user=user, code=code, client_id=client_id, metadata=metadata
    )
    return delivery_details(*target)


def _simulated(pool: dict[str, Any]) -> dict[str, str]:
    recovery = pool.get("AccountRecoverySetting") or {}
    names = [m["Name"] for m in recovery.get("RecoveryMechanisms", [])]
    if names and names[0] == "verified_phone_number":
        return delivery_details(SMS, "+10000000000")
    return delivery_details(EMAIL, "user@example.com")


@operation("ForgotPassword")
async def forgot_password(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
        user = find_user(tx, pool, req["Username"])
    check_secret_hash(client, req["Username"], req.get("SecretHash"))
    hide = prevents_existence_errors(client)
    if user is None:
        user = await migrate_user(
            ctx,
            pool,
            client,
            req["Username"],
            password=None,
            validation_data=None,
            metadata=req.get("ClientMetadata"),
        )
    if user is None or not user["Enabled"]:
        if hide:
            return {"CodeDeliveryDetails": _simulated(pool)}
        if user is None:
            raise UserNotFound(NOT_FOUND_FOR_CLIENT)
        raise NotAuthorized("User is disabled.")
    if user["UserStatus"] == users.FORCE_CHANGE_PASSWORD:
        # A user who never used the temporary password can't reset it themselves (AWS:
        # knowledge-center/cognito-forgot-password; the message is the one AWS answers,
        # quoted in aws-solutions/distributed-load-testing-on-aws#1).
        raise NotAuthorized(CANNOT_RESET)
    target = recovery_target(pool, user)
    if target is None:
        if hide:
            return {"CodeDeliveryDetails": _simulated(pool)}
        raise InvalidParameter(NO_CHANNEL)
    details = await _send_reset_code(
        ctx,
        pool,
        user,
        target,
        purpose="ForgotPassword",
        client_id=client["ClientId"],
        metadata=req.get("ClientMetadata"),
    )
    return {"CodeDeliveryDetails": details}


@operation("ConfirmForgotPassword")
async def confirm_forgot_password(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
        user = find_user(tx, pool, req["Username"])
    check_secret_hash(client, req["Username"], req.get("SecretHash"))
    if user is None:
        if prevents_existence_errors(client):
            raise CodeMismatch(codes.MISMATCH)
        raise UserNotFound(NOT_FOUND_FOR_CLIENT)
    policy = (pool.get("Policies") or {}).get("PasswordPolicy")
    passwords.check_password(policy, req["Password"])
    # The code is checked first (a wrong one costs no password hashing), but only taken once
    # the new password passes the history rule: a rejected password doesn't burn the code.
    check_code(ctx, pool["Id"], user["_Key"], codes.RESET, req["ConfirmationCode"])
    await check_history(ctx, pool, user, req["Password"])
    new = await credentials(ctx, pool["Id"], user["Username"], req["Password"])

    installed: list[dict[str, Any]] = []

    def install(tx: Tx, _stored: dict[str, Any]) -> None:
        fresh = require_user(tx, pool, user["Username"], for_update=True)
        installed.append(fresh)
        remember_password(pool, fresh, new)
        if fresh["UserStatus"] in (users.RESET_REQUIRED, users.FORCE_CHANGE_PASSWORD):
            fresh["UserStatus"] = users.CONFIRMED
        fresh.pop("_TempPasswordExpiresAt", None)
        save_user(tx, pool, fresh, now=ctx.now())

    consume_code(
        ctx, pool["Id"], user["_Key"], codes.RESET, req["ConfirmationCode"], then=install
    )
    await post_confirmation(
        ctx,
        pool,
        "PostConfirmation_ConfirmForgotPassword",
        user=installed[0],
        client_id=client["ClientId"],
        metadata=req.get("ClientMetadata"),
    )
    return {}


@operation("AdminSetUserPassword")
async def admin_set_user_password(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"])
    policy = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    passwords.check_password(policy, req["Password"])
    permanent = bool(req.get("Permanent"))
    if permanent:
        await check_history(ctx, pool, user, req["Password"])
    new = await credentials(ctx, pool["Id"], user["Username"], req["Password"])
    with ctx.store.transaction() as tx:
        fresh = require_user(tx, pool, user["Username"], for_update=True)
        remember_password(pool, fresh, new)
        if permanent:
            fresh["UserStatus"] = users.CONFIRMED
            fresh.pop("_TempPasswordExpiresAt", None)
        else:
            fresh["UserStatus"] = users.FORCE_CHANGE_PASSWORD
            days = policy.get("TemporaryPasswordValidityDays") or 7
            fresh["_TempPasswordExpiresAt"] = ctx.now() + days * DAY
        save_user(tx, pool, fresh, now=ctx.now())
    return {}


@operation("AdminResetUserPassword")
async def admin_reset_user_password(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        user = require_user(tx, pool, req["Username"])
    target = recovery_target(pool, user)
    if target is None:
        raise InvalidParameter(NO_CHANNEL)
    with ctx.store.transaction() as tx:
        fresh = require_user(tx, pool, user["Username"], for_update=True)
        previous = fresh["UserStatus"]
        fresh["UserStatus"] = users.RESET_REQUIRED
        save_user(tx, pool, fresh, now=ctx.now())
    try:
        await _send_reset_code(
            ctx,
            pool,
            fresh,
            target,
            purpose="AdminResetUserPassword",
            metadata=req.get("ClientMetadata"),
        )
    except Exception:
        # The code never left (a trigger or the sender failed): the user keeps their status.
        with ctx.store.transaction() as tx:
            again = require_user(tx, pool, user["Username"], for_update=True)
            again["UserStatus"] = previous
            save_user(tx, pool, again, now=ctx.now())
        raise
    return {}
