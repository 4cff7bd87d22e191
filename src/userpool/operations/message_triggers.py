"""Codes and temporary passwords on their way out: the custom message and custom sender
triggers (reference §4.4), then the pool's own delivery.

``send_code_message`` replaces ``ctx.postman.send`` wherever a message carries a secret:
1. a CustomEmailSender / CustomSMSSender trigger for the message's medium takes the message
   over: the secret is encrypted with the AWS Encryption SDK under the pool's KMSKeyID (context
   ``{"userpool-id": pool id}``), the function is invoked asynchronously, and userpool sends
   nothing itself;
2. otherwise a CustomMessage trigger may rewrite the text (``smsMessage``, ``emailMessage``,
   ``emailSubject``; null keeps the pool's template);
3. the message is delivered (SMTP / SMS sender) and recorded in the outbox.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from userpool.domain.errors import (
    UNRECOGNIZABLE_LAMBDA_OUTPUT,
    InvalidLambdaResponse,
    UnexpectedLambda,
)
from userpool.messaging import templates
from userpool.messaging.message import Message
from userpool.operations import Context
from userpool.operations.lambdas import (
    event,
    fire,
    fire_and_forget,
    string_attributes,
    trigger_arn,
    with_metadata,
)

# Message.purpose -> the trigger source suffix (AdminResetUserPassword sends ForgotPassword's).
_SOURCES = {"AdminResetUserPassword": "ForgotPassword"}
# Custom senders get ClientMetadata only for these sources (§4.4).
_SENDER_METADATA = ("SignUp", "ForgotPassword", "Authentication")
CODE_PARAMETER = "{####}"
LINK_PARAMETER = "{##Click Here##}"
USERNAME_PARAMETER = "{username}"
MAX_EMAIL, MAX_SMS = 20000, 140


async def send_code_message(
    ctx: Context,
    pool: Mapping[str, Any],
    message: Message,
    *,
    user: Mapping[str, Any],
    code: str,
    client_id: str | None = None,
    metadata: dict[str, str] | None = None,
    link_username: str | None = None,
    display_username: str | None = None,
) -> None:
    """Deliver ``message`` (the pool's rendering of ``code``) through the pool's triggers.
    ``link_username``: the name a confirmation link carries (SignUp / ResendCode by link);
    ``display_username``: what ``{username}`` shows in an invitation (the name the pool's own
    template shows: the one the admin gave, an email in an email-as-username pool), by default
    the user's username."""
    source = _SOURCES.get(message.purpose, message.purpose)
    sender = "CustomEmailSender" if message.medium == "EMAIL" else "CustomSMSSender"
    if trigger_arn(pool, sender) is not None:
        await _custom_sender(ctx, pool, sender, source, user, code, client_id, metadata)
        return
    if trigger_arn(pool, "CustomMessage") is not None:
        message = await _custom_message(
            ctx,
            pool,
            message,
            source,
            user,
            code,
            client_id,
            metadata,
            link_username,
            display_username or str(user["Username"]),
        )
    await ctx.postman.send(message, ctx.now())


async def _custom_sender(
    ctx: Context,
    pool: Mapping[str, Any],
    trigger: str,
    source: str,
    user: Mapping[str, Any],
    code: str,
    client_id: str | None,
    metadata: dict[str, str] | None,
) -> None:
    found = trigger_arn(pool, trigger)
    assert found is not None and ctx.triggers is not None
    key_id = (pool.get("LambdaConfig") or {}).get("KMSKeyID") or ""
    secret = html.escape(code, quote=False) if source == "AdminCreateUser" else code
    try:
        encrypted = await asyncio.to_thread(
            ctx.triggers.crypto.encrypt, secret, key_id=key_id, pool_id=pool["Id"]
        )
    except Exception as exc:  # SenderCryptoError: KMS unreachable, key unknown
        raise UnexpectedLambda(f"{trigger} invocation failed due to error {exc}.") from None
    kind = f"custom{'Email' if trigger == 'CustomEmailSender' else 'SMS'}SenderRequestV1"
    request: dict[str, Any] = {"type": kind, "code": encrypted}
    if source in _SENDER_METADATA:
        with_metadata(request, metadata)
    request["userAttributes"] = string_attributes(user, pool)
    document = event(
        ctx,
        pool,
        f"{trigger}_{source}",
        user_name=user["Username"],
        client_id=client_id,
        request=request,
        response={},
    )
    del document["response"]  # nothing is expected back (§4.4)
    await fire_and_forget(ctx, found[0], document)


async def _custom_message(
    ctx: Context,
    pool: Mapping[str, Any],
    message: Message,
    source: str,
    user: Mapping[str, Any],
    code: str,
    client_id: str | None,
    metadata: dict[str, str] | None,
    link_username: str | None,
    display_username: str,
) -> Message:
    invitation = source == "AdminCreateUser"
    answer = await fire(
        ctx,
        pool,
        "CustomMessage",
        f"CustomMessage_{source}",
        user_name=user["Username"],
        client_id=client_id,
        request=with_metadata(
            {
                "userAttributes": string_attributes(user, pool),
                "codeParameter": CODE_PARAMETER,
                "linkParameter": LINK_PARAMETER,
                "usernameParameter": USERNAME_PARAMETER if invitation else None,
            },
            metadata,
        ),
        response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
    )
    assert answer is not None
    if message.medium == "SMS":
        text = _text(answer, "smsMessage", MAX_SMS)
        if text is None:
            return message
        _check_placeholders(text, invitation)
        body = templates.render(text, code=code, username=display_username)
        return replace(message, body=body)
    body_text = _text(answer, "emailMessage", MAX_EMAIL)
    subject = _text(answer, "emailSubject", 140)
    if body_text is None and subject is None:
        return message
    if (pool.get("EmailConfiguration") or {}).get("EmailSendingAccount") != "DEVELOPER":
        # AWS: a custom email needs the pool to send through SES as DEVELOPER (§4.4).
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    link = None
    if link_username is not None and client_id:
        link = templates.confirm_user_link(
            ctx.settings.public_base(ctx.region),
            client_id=client_id,
            username=link_username,
            code=code,
        )
    if body_text is not None:
        _check_placeholders(body_text, invitation, link_allowed=link is not None)
        body = templates.render(body_text, code=code, username=display_username, link=link)
        message = replace(message, body=body)
    if subject is not None:
        message = replace(message, subject=subject)
    return message


def _text(answer: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = answer.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    return value


def _check_placeholders(text: str, invitation: bool, *, link_allowed: bool = False) -> None:
    """Each custom text must carry the code (or, for a link message, the link), and an
    invitation also the user name (§4.4)."""
    has_code = CODE_PARAMETER in text or (link_allowed and "{##" in text)
    if not has_code or (invitation and USERNAME_PARAMETER not in text):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
