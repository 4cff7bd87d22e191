"""Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode (unauthenticated)."""

from __future__ import annotations

from typing import Any

from userpool.domain import attributes, codes, passwords, users
from userpool.domain.errors import (
    CodeMismatch,
    InvalidParameter,
    NotAuthorized,
    UsernameExists,
    UserNotFound,
)
from userpool.messaging.message import Message
from userpool.operations import Context, Request, Response, operation
from userpool.operations.delivery import EMAIL, SMS, delivery_details, verification_message
from userpool.operations.lambdas import has_trigger
from userpool.operations.message_triggers import send_code_message
from userpool.operations.user_auth import confirm_session, sign_up_session
from userpool.operations.user_support import (
    check_secret_hash,
    consume_code,
    credentials,
    find_user,
    insert_user,
    issue_code,
    prevents_existence_errors,
    public_client,
    save_user,
    sign_in_identity,
    username_key,
)
from userpool.operations.user_triggers import (
    SignUpVerdict,
    apply_sign_up_verdict,
    post_confirmation,
    pre_sign_up,
)
from userpool.store import Tx

NOT_FOUND_FOR_CLIENT = "Username/client id combination not found."


def passwordless_sign_up(pool: dict[str, Any]) -> bool:
    """SignUp may omit the password when the pool allows a one-time-code first factor (the
    model: "only when passwordless sign-in is available")."""
    policy = (pool.get("Policies") or {}).get("SignInPolicy") or {}
    factors = policy.get("AllowedFirstAuthFactors") or []
    return "EMAIL_OTP" in factors or "SMS_OTP" in factors


def verification_target(pool: dict[str, Any], attrs: dict[str, str]) -> tuple[str, str] | None:
    """(medium, destination) of the sign-up code: an auto-verified attribute the user has;
    the phone wins when both are (reference §5)."""
    auto = pool.get("AutoVerifiedAttributes") or []
    if "phone_number" in auto and attrs.get("phone_number"):
        return SMS, attrs["phone_number"]
    if "email" in auto and attrs.get("email"):
        return EMAIL, attrs["email"]
    return None


def code_message(
    ctx: Context,
    pool: dict[str, Any],
    target: tuple[str, str],
    code: str,
    *,
    purpose: str,
    username: str,
    client_id: str | None,
) -> Message:
    return verification_message(
        pool,
        target[0],
        target[1],
        code,
        purpose=purpose,
        username=username,
        client_id=client_id,
        link_base=ctx.settings.public_base(ctx.region),
    )


@operation("SignUp")
async def sign_up(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
    check_secret_hash(client, req["Username"], req.get("SecretHash"))
    username, given = sign_in_identity(pool, req["Username"], req.get("UserAttributes") or [])
    attrs = attributes.attributes_for_sign_up(pool, given)
    password = req.get("Password") or ""
    passwordless = not password and passwordless_sign_up(pool)
    if not passwordless:
        # No password where passwordless sign-in isn't available: AWS's text for this case is
        # unknown; the policy's own "not long enough" is the closest honest answer.
        passwords.check_password((pool.get("Policies") or {}).get("PasswordPolicy"), password)
    user = users.new_user(
        username=username,
        key=username_key(pool, username),
        attributes=attrs,
        status=users.UNCONFIRMED,
        now=ctx.now(),
    )
    verdict = SignUpVerdict()
    if has_trigger(pool, "PreSignUp"):
        with ctx.store.reader() as tx:  # a taken name fails before the trigger runs
            if tx.users.get(pool["Id"], user["_Key"]) is not None:
                raise UsernameExists("User already exists")
        verdict = await pre_sign_up(
            ctx,
            pool,
            "PreSignUp_SignUp",
            user=user,
            client_id=client["ClientId"],
            validation_data=req.get("ValidationData"),
            metadata=req.get("ClientMetadata"),
        )
        apply_sign_up_verdict(user, verdict, users.CONFIRMED)
    if not passwordless:
        user.update(await credentials(ctx, pool["Id"], username, password))
    target = None if verdict.confirm else verification_target(pool, attrs)
    code = None
    with ctx.store.transaction() as tx:
        # An auto-verified email or phone takes the alias from its holder (§4.4).
        insert_user(tx, pool, user, force_alias=verdict.verify_email or verdict.verify_phone)
        if target is not None:
            code = issue_code(
                ctx,
                tx,
                pool["Id"],
                user,
                codes.SIGN_UP,
                {"attribute": "email" if target[0] == EMAIL else "phone_number"},
            )
    response: Response = {"UserConfirmed": verdict.confirm, "UserSub": user["Attributes"]["sub"]}
    if verdict.confirm:
        await post_confirmation(
            ctx,
            pool,
            "PostConfirmation_ConfirmSignUp",
            user=user,
            client_id=client["ClientId"],
            metadata=req.get("ClientMetadata"),
        )
    if target is not None and code is not None:
        message = code_message(
            ctx,
            pool,
            target,
            code,
            purpose="SignUp",
            username=req["Username"],
            client_id=client["ClientId"],
        )
        try:
            await send_code_message(
                ctx,
                pool,
                message,
                user=user,
                code=code,
                client_id=client["ClientId"],
                metadata=req.get("ClientMetadata"),
                link_username=req["Username"],
            )
        except Exception:
            with ctx.store.transaction() as tx:  # no half-created user
                tx.users.delete(pool["Id"], user["_Key"])
            raise
        response["CodeDeliveryDetails"] = delivery_details(*target)
    session = sign_up_session(ctx, pool, client, user)  # for automatic sign-in (user_auth)
    if session is not None:
        response["Session"] = session
    return response


@operation("ConfirmSignUp")
async def confirm_sign_up(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
    check_secret_hash(client, req["Username"], req.get("SecretHash"))
    await confirm_user(
        ctx,
        pool,
        client,
        req["Username"],
        req["ConfirmationCode"],
        force_alias=bool(req.get("ForceAliasCreation")),
        metadata=req.get("ClientMetadata"),
    )
    # Automatic sign-in (user_auth): given SignUp's Session, a Session for InitiateAuth.
    session = confirm_session(ctx, pool, client, req["Username"], req.get("Session"))
    return {"Session": session} if session is not None else {}


async def confirm_user(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    username: str,
    code: str,
    *,
    force_alias: bool = False,
    metadata: dict[str, str] | None = None,
) -> None:
    """ConfirmSignUp after the client (and its SECRET_HASH) is settled; also the confirmUser
    link page (web/confirm.py), which can't carry a SECRET_HASH."""
    with ctx.store.reader() as tx:
        user = find_user(tx, pool, username)
    if user is None:
        if prevents_existence_errors(client):
            raise CodeMismatch(codes.MISMATCH)
        raise UserNotFound(NOT_FOUND_FOR_CLIENT)
    if user["UserStatus"] != users.UNCONFIRMED:
        raise NotAuthorized(f"User cannot be confirmed. Current status is {user['UserStatus']}")
    username_of = user["Username"]
    confirmed: list[dict[str, Any]] = []

    def confirm(tx: Tx, stored: dict[str, Any]) -> None:
        # In the code's own transaction: an AliasExistsException keeps the code usable, so the
        # app can retry with ForceAliasCreation (reference §3.8).
        fresh = find_user(tx, pool, username_of, for_update=True)
        if fresh is None or fresh["UserStatus"] != users.UNCONFIRMED:
            status = fresh["UserStatus"] if fresh else users.CONFIRMED
            raise NotAuthorized(f"User cannot be confirmed. Current status is {status}")
        fresh["UserStatus"] = users.CONFIRMED
        attribute = stored.get("attribute")
        if attribute:
            fresh["Attributes"][f"{attribute}_verified"] = "true"
        save_user(tx, pool, fresh, force_alias=force_alias, now=ctx.now())
        confirmed.append(fresh)

    consume_code(ctx, pool["Id"], user["_Key"], codes.SIGN_UP, code, then=confirm)
    await post_confirmation(
        ctx,
        pool,
        "PostConfirmation_ConfirmSignUp",
        user=confirmed[0],
        client_id=client["ClientId"],
        metadata=metadata,
    )


@operation("ResendConfirmationCode")
async def resend_confirmation_code(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
        user = find_user(tx, pool, req["Username"])
    check_secret_hash(client, req["Username"], req.get("SecretHash"))
    if user is None:
        if prevents_existence_errors(client):
            return {"CodeDeliveryDetails": _simulated(pool)}
        raise UserNotFound(NOT_FOUND_FOR_CLIENT)
    if user["UserStatus"] != users.UNCONFIRMED:
        raise InvalidParameter("User is already confirmed.")
    target = verification_target(pool, user["Attributes"])
    if target is None:
        raise InvalidParameter(
            "Auto verification not turned on."
            if not pool.get("AutoVerifiedAttributes")
            else "User has no attribute matching desired auto verified attributes"
        )
    with ctx.store.transaction() as tx:
        code = issue_code(
            ctx,
            tx,
            pool["Id"],
            user,
            codes.SIGN_UP,
            {"attribute": "email" if target[0] == EMAIL else "phone_number"},
        )
    message = code_message(
        ctx,
        pool,
        target,
        code,
        purpose="ResendCode",
        username=user["Username"],
        client_id=client["ClientId"],
    )
    await send_code_message(
        ctx,
        pool,
        message,
        user=user,
        code=code,
        client_id=client["ClientId"],
        metadata=req.get("ClientMetadata"),
        link_username=user["Username"],
    )
    return {"CodeDeliveryDetails": delivery_details(*target)}


def _simulated(pool: dict[str, Any]) -> dict[str, str]:
    """What PreventUserExistenceErrors answers for an unknown user: a plausible delivery."""
    auto = pool.get("AutoVerifiedAttributes") or ["email"]
    if "phone_number" in auto:
        return delivery_details(SMS, "+10000000000")
    return delivery_details(EMAIL, "user@example.com")
