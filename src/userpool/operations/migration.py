"""The migrate user trigger (reference §4.4 "Migrate user"): a user who isn't in the pool is
looked up by the pool's UserMigration function during a password sign-in
(``UserMigration_Authentication``) or ForgotPassword (``UserMigration_ForgotPassword``), and
created from its answer.

Decisions where AWS's documentation is silent (docs/triggers.md):
- The "welcome message" that ``messageAction`` can suppress is not sent: a migrated user has no
  temporary password to send, and AWS doesn't document its text.
- A function that raises answers ``UserLambdaValidationException`` (as every trigger), or the
  generic "Incorrect username or password." with PreventUserExistenceErrors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpool.domain import attributes, mfa, users
from userpool.domain.errors import (
    UNRECOGNIZABLE_LAMBDA_OUTPUT,
    CognitoError,
    InvalidLambdaResponse,
    NotAuthorized,
    UserLambdaValidation,
)
from userpool.domain.signin import INCORRECT
from userpool.operations import Context
from userpool.operations.lambdas import fire, flag, has_trigger, with_metadata
from userpool.operations.user_support import (
    credentials,
    insert_user,
    prevents_existence_errors,
    sign_in_identity,
    username_key,
)


async def migrate_user(
    ctx: Context,
    pool: Mapping[str, Any],
    client: Mapping[str, Any],
    username: str,
    *,
    password: str | None,
    validation_data: dict[str, str] | None,
    metadata: dict[str, str] | None,
) -> dict[str, Any] | None:
    """The migrated user (stored), or None when the pool has no UserMigration trigger.
    ``password`` None means ForgotPassword."""
    if not has_trigger(pool, "UserMigration"):
        return None
    source = "UserMigration_ForgotPassword" if password is None else "UserMigration_Authentication"
    request: dict[str, Any] = {} if password is None else {"password": password}
    request["validationData"] = validation_data or {}
    with_metadata(request, metadata)
    try:
        response = await fire(
            ctx,
            pool,
            "UserMigration",
            source,
            user_name=username,
            client_id=client["ClientId"],
            request=request,
            response={
                "userAttributes": None,
                "finalUserStatus": None,
                "messageAction": None,
                "desiredDeliveryMediums": None,
                "forceAliasCreation": None,
                "enableSMSMFA": None,
            },
        )
    except UserLambdaValidation:
        if prevents_existence_errors(client):
            raise NotAuthorized(INCORRECT) from None
        raise
    assert response is not None
    user = _user_from(pool, username, response, password is None, ctx.now())
    if password is not None:
        # The pool's password policy is not applied to a migrated password (§4.4).
        user.update(await credentials(ctx, pool["Id"], user["Username"], password))
    with ctx.store.transaction() as tx:
        insert_user(tx, dict(pool), user, force_alias=flag(response, "forceAliasCreation"))
    return user


def _user_from(
    pool: Mapping[str, Any],
    username: str,
    response: dict[str, Any],
    forgot: bool,
    now: float,
) -> dict[str, Any]:
    given = response.get("userAttributes")
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    status = response.get("finalUserStatus")
    if status not in (None, users.CONFIRMED, users.RESET_REQUIRED):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    if forgot:
        status = users.RESET_REQUIRED  # no password yet: ForgotPassword goes on to set one
    pairs = [{"Name": k, "Value": v} for k, v in given.items() if k != "username"]
    try:
        # In a pool whose usernames are emails or phone numbers, the typed name is that
        # attribute and the internal username is generated, as for SignUp.
        internal, pairs = sign_in_identity(dict(pool), username, pairs)
        attrs = attributes.attributes_for_admin_create(dict(pool), pairs)
    except CognitoError as exc:
        raise InvalidLambdaResponse(f"{UNRECOGNIZABLE_LAMBDA_OUTPUT}: {exc.message}") from None
    user = users.new_user(
        username=internal,
        key=username_key(dict(pool), internal),
        attributes=attrs,
        status=status or users.CONFIRMED,
        now=now,
    )
    if flag(response, "enableSMSMFA") and attrs.get("phone_number"):
        user["UserMFASettingList"] = [mfa.SMS_MFA]
        user["PreferredMfaSetting"] = mfa.SMS_MFA
    return user
