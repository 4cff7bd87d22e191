"""Firing a pool's Lambda triggers with Cognito's events and error semantics (reference §4).

``fire(...)`` builds the common event (``version``, ``triggerSource``, ``region``,
``userPoolId``, ``userName``, ``callerContext``, ``request``, ``response``), reads the function
from the pool's LambdaConfig at the moment of the call, invokes it (``ctx.triggers``: see
``triggers.invoker``) and returns the ``response`` object of the answer — or None when the pool
has no such trigger. Errors, as AWS reports them:

- the function raised → ``UserLambdaValidationException`` "<Trigger> failed with error <msg>."
- no answer within the deadline, three attempts → ``UnexpectedLambdaException``
  "<Trigger> invocation failed due to error Socket timeout while invoking Lambda function."
- the function can't be invoked (not found, endpoint down) → ``UnexpectedLambdaException``
  "<Trigger> invocation failed due to error <reason>." (not retried, as for Lambda's 5xx)
- an answer that isn't JSON → ``InvalidLambdaResponseException`` "Invalid lambda function output
  : Invalid JSON"; JSON that isn't an event with a ``response`` object → "Unrecognizable lambda
  output".

No store transaction may be open while ``fire`` awaits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from userpool.domain.errors import (
    UNRECOGNIZABLE_LAMBDA_OUTPUT,
    InvalidLambdaResponse,
    UnexpectedLambda,
    UserLambdaValidation,
)
from userpool.operations import Context

# LambdaConfig keys whose value is an object {LambdaVersion, LambdaArn}.
_VERSIONED = {
    "PreTokenGeneration": "PreTokenGenerationConfig",
    "CustomEmailSender": "CustomEmailSender",
    "CustomSMSSender": "CustomSMSSender",
    "InboundFederation": "InboundFederation",
}
ADMIN_CLIENT = "CLIENT_ID_NOT_APPLICABLE"  # callerContext.clientId of admin operations
_SDK = re.compile(r"(aws-sdk-[a-z0-9-]+?|aws-cli)/([0-9][\w.-]*)")


def trigger_arn(pool: Mapping[str, Any], trigger: str) -> tuple[str, str] | None:
    """(function ARN, LambdaVersion) of ``trigger`` in the pool's LambdaConfig, or None."""
    config = pool.get("LambdaConfig") or {}
    nested = _VERSIONED.get(trigger)
    if nested and isinstance(config.get(nested), dict) and config[nested].get("LambdaArn"):
        return config[nested]["LambdaArn"], config[nested].get("LambdaVersion") or "V1_0"
    if isinstance(config.get(trigger), str) and config[trigger]:
        return config[trigger], "V1_0"
    return None


def has_trigger(pool: Mapping[str, Any], trigger: str) -> bool:
    return trigger_arn(pool, trigger) is not None


def string_attributes(
    user: Mapping[str, Any] | None, pool: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """``request.userAttributes``: every value a string, with ``cognito:user_status`` and
    ``cognito:email_alias`` / ``cognito:phone_number_alias`` for a value that signs the user in
    (a username attribute, or a verified alias attribute), as events captured from AWS show."""
    if user is None:
        return {}
    attrs = user.get("Attributes") or {}
    out = {k: str(v) for k, v in attrs.items() if v is not None}
    pool = pool or {}
    for kind in ("email", "phone_number"):
        verified = str(attrs.get(f"{kind}_verified", "")).lower() == "true"
        # A username attribute signs the user in verified or not; an alias once verified.
        signs_in = kind in (pool.get("UsernameAttributes") or []) or (
            kind in (pool.get("AliasAttributes") or []) and verified
        )
        if signs_in and attrs.get(kind):
            out[f"cognito:{kind}_alias"] = str(attrs[kind])
    if user.get("UserStatus"):
        out["cognito:user_status"] = str(user["UserStatus"])
    return out


def with_metadata(request: dict[str, Any], metadata: Mapping[str, str] | None) -> dict[str, Any]:
    """``request`` with ``clientMetadata`` when the caller sent some: events captured from AWS
    have no ``clientMetadata`` key when the call carried none (PreSignUp, PostConfirmation)."""
    if metadata:
        request["clientMetadata"] = dict(metadata)
    return request


def sdk_version(user_agent: str) -> str:
    """``callerContext.awsSdkVersion`` from the caller's User-Agent ("aws-sdk-js-3.614.0");
    AWS's value for callers it doesn't recognise is "aws-sdk-unknown-unknown"."""
    match = _SDK.search(user_agent or "")
    if match is None:
        return "aws-sdk-unknown-unknown"
    return f"{match.group(1)}-{match.group(2)}"


def event(
    ctx: Context,
    pool: Mapping[str, Any],
    source: str,
    *,
    user_name: str,
    client_id: str | None,
    request: dict[str, Any],
    response: dict[str, Any],
    version: str = "1",
) -> dict[str, Any]:
    return {
        "version": version,
        "triggerSource": source,
        "region": ctx.region,
        "userPoolId": pool["Id"],
        "userName": user_name,
        "callerContext": {
            "awsSdkVersion": sdk_version(ctx.user_agent),
            "clientId": client_id or ADMIN_CLIENT,
        },
        "request": request,
        "response": response,
    }


async def fire(
    ctx: Context,
    pool: Mapping[str, Any],
    trigger: str,
    source: str,
    *,
    user_name: str,
    client_id: str | None,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Invoke the pool's ``trigger`` (a LambdaConfig key) for ``source``; the answer's
    ``response`` (a dict), or None when the pool has no such trigger."""
    found = trigger_arn(pool, trigger)
    if found is None:
        return None
    arn, lambda_version = found
    # The event's version: "1", or "2"/"3" for pre token generation V2_0/V3_0 (§4.2).
    version = lambda_version[1] if trigger == "PreTokenGeneration" else "1"
    document = event(
        ctx,
        pool,
        source,
        user_name=user_name,
        client_id=client_id,
        request=request,
        response=response if response is not None else {},
        version=version,
    )
    answer = await invoke(ctx, trigger, arn, document)
    # The function returns the event: without its ``response`` (a null one is "no change") the
    # operation fails, as on AWS (§4.1).
    usable = isinstance(answer, dict) and "response" in answer
    if not usable or not isinstance(answer["response"], dict | None):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    return answer["response"] or {}


async def invoke(ctx: Context, trigger: str, arn: str, document: dict[str, Any]) -> Any:
    """One synchronous trigger call with AWS's retries; the parsed JSON answer."""
    from userpool.triggers.invoker import InvokeError

    if ctx.triggers is None:
        raise UnexpectedLambda(f"{trigger} invocation failed due to error Function not found.")
    payload = orjson.dumps(document)
    attempts = max(1, ctx.settings.trigger_attempts)
    for attempt in range(attempts):
        try:
            result = await ctx.triggers.invoke(arn, payload)
            break
        except InvokeError as exc:
            if exc.kind in ("timeout", "throttled") and attempt + 1 < attempts:
                continue
            # exc.detail: "Socket timeout while invoking Lambda function", Lambda's error, …
            raise UnexpectedLambda(
                f"{trigger} invocation failed due to error {exc.detail}."
            ) from None
    if result.function_error:
        raise UserLambdaValidation(f"{trigger} failed with error {_error_message(result.payload)}.")
    try:
        return orjson.loads(result.payload)
    except orjson.JSONDecodeError:
        raise InvalidLambdaResponse("Invalid lambda function output : Invalid JSON") from None


async def fire_and_forget(ctx: Context, arn: str, document: dict[str, Any]) -> None:
    """An asynchronous trigger (the custom senders): AWS doesn't wait for its outcome."""
    if ctx.triggers is not None:
        await ctx.triggers.invoke(arn, orjson.dumps(document), wait=False)


def _error_message(payload: bytes) -> str:
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload.decode("utf-8", "replace")
    if isinstance(document, dict):
        return str(document.get("errorMessage", ""))
    return str(document)


def flag(response: Mapping[str, Any], name: str) -> bool:
    """A boolean of the handler's response; anything but a boolean (or null) is unrecognizable."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    return value
