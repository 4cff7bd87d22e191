"""The user-lifecycle triggers: pre sign-up, post confirmation, pre and post authentication
(reference §4.4). Each builds its trigger's ``request``, fires it (``lambdas.fire``) and returns
what the operation must do with the answer. Call them with no store transaction open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from userpool.domain.errors import InvalidParameter
from userpool.operations import Context
from userpool.operations.lambdas import (
    fire,
    flag,
    has_trigger,
    string_attributes,
    with_metadata,
)


@dataclass(frozen=True)
class SignUpVerdict:
    confirm: bool = False
    verify_email: bool = False
    verify_phone: bool = False


def name_value_map(pairs: list[dict[str, str]] | None) -> dict[str, str] | None:
    """ValidationData ([{Name, Value}]) as the event's object; null when absent."""
    if not pairs:
        return None
    return {p["Name"]: p.get("Value", "") for p in pairs}


async def pre_sign_up(
    ctx: Context,
    pool: Mapping[str, Any],
    source: str,
    *,
    user: dict[str, Any],
    client_id: str | None,
    validation_data: list[dict[str, str]] | None,
    metadata: dict[str, str] | None,
) -> SignUpVerdict:
    """PreSignUp_SignUp / _AdminCreateUser: a raise rejects the sign-up. The answer's flags
    count for SignUp only (AWS ignores them for AdminCreateUser)."""
    response = await fire(
        ctx,
        pool,
        "PreSignUp",
        source,
        user_name=user["Username"],
        client_id=client_id,
        request=_pre_sign_up_request(user, validation_data, metadata),
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    if response is None:
        return SignUpVerdict()
    verdict = SignUpVerdict(
        confirm=flag(response, "autoConfirmUser"),
        verify_email=flag(response, "autoVerifyEmail"),
        verify_phone=flag(response, "autoVerifyPhone"),
    )
    if source != "PreSignUp_SignUp":
        return SignUpVerdict()
    attrs = user["Attributes"]
    # AWS fails the sign-up when asked to verify an attribute the user doesn't have (§4.4);
    # its message is unknown, this one is ours.
    if verdict.verify_email and not attrs.get("email"):
        raise InvalidParameter("Cannot auto verify email: the user has no email attribute.")
    if verdict.verify_phone and not attrs.get("phone_number"):
        raise InvalidParameter(
            "Cannot auto verify phone_number: the user has no phone_number attribute."
        )
    return verdict


def _pre_sign_up_request(
    user: dict[str, Any],
    validation_data: list[dict[str, str]] | None,
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """The user doesn't exist yet: its attributes as given, without ``sub``; ``clientMetadata``
    only when the caller sent some (as in events captured from AWS)."""
    request: dict[str, Any] = {
        "userAttributes": {k: str(v) for k, v in user["Attributes"].items() if k != "sub"},
        "validationData": name_value_map(validation_data),
    }
    return with_metadata(request, metadata)


def apply_sign_up_verdict(user: dict[str, Any], verdict: SignUpVerdict, confirmed: str) -> None:
    if verdict.confirm:
        user["UserStatus"] = confirmed
    if verdict.verify_email:
        user["Attributes"]["email_verified"] = "true"
    if verdict.verify_phone:
        user["Attributes"]["phone_number_verified"] = "true"


async def post_confirmation(
    ctx: Context,
    pool: Mapping[str, Any],
    source: str,
    *,
    user: dict[str, Any],
    client_id: str | None,
    metadata: dict[str, str] | None,
) -> None:
    """PostConfirmation_ConfirmSignUp / _ConfirmForgotPassword, after the change is saved: the
    answer is ignored, an error fails the call (the confirmation stays, as on AWS)."""
    await fire(
        ctx,
        pool,
        "PostConfirmation",
        source,
        user_name=user["Username"],
        client_id=client_id,
        request=with_metadata({"userAttributes": string_attributes(user, pool)}, metadata),
    )


async def pre_authentication(
    ctx: Context,
    pool: Mapping[str, Any],
    *,
    user: dict[str, Any],
    client_id: str,
    metadata: dict[str, str] | None,
    user_not_found: bool = False,
    prevents_existence_errors: bool = False,
) -> None:
    """PreAuthentication_Authentication, before the password is checked: a raise denies the
    sign-in. ``validationData`` is the InitiateAuth ClientMetadata (§4.4).

    ``userNotFound``: "When you set PreventUserExistenceErrors to ENABLED for your user pool
    client, Amazon Cognito populates this Boolean" (DG user-pool-lambda-pre-authentication),
    so with ENABLED (``prevents_existence_errors``) it is there for every user, ``false`` for
    one who exists; with LEGACY it is absent (the function never sees an unknown user)."""
    request: dict[str, Any] = {
        "userAttributes": string_attributes(user, pool),
        "validationData": metadata or {},
    }
    if user_not_found or prevents_existence_errors:
        request["userNotFound"] = user_not_found
    await fire(
        ctx,
        pool,
        "PreAuthentication",
        "PreAuthentication_Authentication",
        user_name=user["Username"],
        client_id=client_id,
        request=request,
    )


async def post_authentication(
    ctx: Context,
    pool: Mapping[str, Any],
    *,
    user: dict[str, Any],
    client_id: str,
    metadata: dict[str, str] | None,
    new_device_used: bool | None,
) -> None:
    """PostAuthentication_Authentication, once the sign-in succeeded: an error fails the call
    (no tokens are returned)."""
    if not has_trigger(pool, "PostAuthentication"):
        return
    request: dict[str, Any] = {"userAttributes": string_attributes(user, pool)}
    if new_device_used is not None:
        request["newDeviceUsed"] = new_device_used
    with_metadata(request, metadata)
    await fire(
        ctx,
        pool,
        "PostAuthentication",
        "PostAuthentication_Authentication",
        user_name=user["Username"],
        client_id=client_id,
        request=request,
    )
