"""Shared by the user-operation tests: pools and clients, SECRET_HASH, and reading the codes,
links and temporary passwords that the server sent (from its outbox)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error

STRONG = "Str0ng!Passw0rd"
OTHER = "An0ther!Passw0rd"

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_TEMPORARY = re.compile(r"temporary password is (\S+?)\.? *$")


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def address(prefix: str = "user") -> str:
    """A fresh email address (the outbox is shared by every test of the session)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def make_pool(cognito: Any, **kwargs: Any) -> dict[str, Any]:
    return cognito.create_user_pool(PoolName=unique("pool-"), **kwargs)["UserPool"]


def make_client(cognito: Any, pool_id: str, **kwargs: Any) -> dict[str, Any]:
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique("app-"), **kwargs
    )["UserPoolClient"]


def secret_hash(client: dict[str, Any], username: str) -> str:
    """Base64(HMAC_SHA256(client secret, username + client id)) (reference §3.7)."""
    key = client["ClientSecret"].encode()
    message = (username + client["ClientId"]).encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def rejected(call: Any, **kwargs: Any) -> tuple[str, str]:
    """(code, message) of the ClientError ``call(**kwargs)`` raises."""
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


def attrs(**values: str) -> list[dict[str, str]]:
    """``[{"Name": …, "Value": …}]``; ``custom__x`` stands for ``custom:x``."""
    return [{"Name": name.replace("__", ":"), "Value": value} for name, value in values.items()]


def attribute_map(user: dict[str, Any]) -> dict[str, str]:
    items = user.get("UserAttributes") or user.get("Attributes") or []
    return {item["Name"]: item["Value"] for item in items}


# -- the outbox --------------------------------------------------------------------------------
def messages(server: Server, to: str) -> list[dict[str, Any]]:
    """Every message the server sent to ``to``, oldest first (``GET /_userpool/messages``):
    dicts with To, Subject, Body, Medium, Purpose, Status."""
    query = urllib.parse.urlencode({"to": to})
    with urllib.request.urlopen(f"{server.url}/_userpool/messages?{query}", timeout=10) as resp:
        return json.loads(resp.read())["Messages"]


def last_message(server: Server, to: str) -> dict[str, Any]:
    found = messages(server, to)
    assert found, f"no message was sent to {to}"
    return found[-1]


def code_in(body: str) -> str:
    found = _CODE.findall(body)
    assert found, f"no code in {body!r}"
    return found[-1]


def last_code(server: Server, to: str) -> str:
    return code_in(last_message(server, to)["Body"])


def temporary_password_in(body: str) -> str:
    """The {####} of the default invitation ("… temporary password is {####}. ")."""
    found = _TEMPORARY.search(body.strip())
    assert found, f"no temporary password in {body!r}"
    return found.group(1)
