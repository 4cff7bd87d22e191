"""The ceiling: a bare ASGI app that answers every POST with one fixed JSON body.

Run on the same stack as ``userpool serve`` (uvicorn, uvloop, httptools, same worker count),
it measures what the server stack alone costs; the driver reports our figures as "% of bare".

The body is the file named by ``BENCH_BARE_BODY`` (the driver writes a real DescribeUserPool
response there) or, without it, a built-in DescribeUserPool-shaped body of about 5 KB.

    uvicorn --app-dir bench bare_app:app --workers 2 --loop uvloop --http httptools
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

BODY_ENV = "BENCH_BARE_BODY"

_STANDARD_STRINGS = (
    "sub", "name", "given_name", "family_name", "middle_name", "nickname",
    "preferred_username", "profile", "picture", "website", "email", "gender", "birthdate",
    "zoneinfo", "locale", "phone_number", "address",
)


def _attribute(name: str) -> dict[str, Any]:
    return {
        "Name": name,
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": name != "sub",
        "Required": name in ("sub", "email"),
        "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
    }


def builtin_body() -> bytes:
    """A DescribeUserPool-shaped response of realistic size, for running without the driver."""
    pool_id = "us-east-1_AbCdEfGhI"
    pool = {
        "Id": pool_id,
        "Name": "bench-main",
        "Arn": f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool_id}",
        "CreationDate": 1700000000.0,
        "LastModifiedDate": 1700000000.0,
        "SchemaAttributes": [_attribute(name) for name in _STANDARD_STRINGS],
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True,
                "RequireNumbers": True, "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
        },
        "DeletionProtection": "ACTIVE",
        "LambdaConfig": {},
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            "EmailSubject": "Your verification code",
            "EmailMessage": "Your verification code is {####}.",
        },
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "MfaConfiguration": "OFF",
        "EstimatedNumberOfUsers": 0,
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "UserPoolTags": {"team": "identity", "env": "bench"},
        "AdminCreateUserConfig": {
            "AllowAdminCreateUserOnly": False,
            "UnusedAccountValidityDays": 7,
            "InviteMessageTemplate": {
                "EmailSubject": "Welcome",
                "EmailMessage": "Your username is {username} and temporary password is {####}.",
            },
        },
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
        "UserPoolTier": "ESSENTIALS",
    }
    return orjson.dumps({"UserPool": pool})


def _load_body() -> bytes:
    path = os.environ.get(BODY_ENV)
    if path:
        with open(path, "rb") as f:
            return f.read()
    return builtin_body()


BODY = _load_body()
_HEADERS = [
    (b"content-type", b"application/x-amz-json-1.1"),
    (b"content-length", str(len(BODY)).encode()),
    (b"x-amzn-requestid", b"00000000-0000-0000-0000-000000000000"),
]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    await _drain(receive)  # read the request body, as a real handler must
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": BODY})


async def _drain(receive: Receive) -> None:
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
