"""The developer outbox: every email and SMS the server has sent (or tried to send).

``GET /_userpool/messages?pool=<poolId>&to=<address>`` answers ``{"Messages": [...]}``, oldest
first. Anyone may read it in open development mode; once credentials are configured the request
must be SigV4-signed (service ``cognito-idp``) with one of the configured keys, since the outbox
holds live confirmation codes and temporary passwords.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from userpool.config import Settings
from userpool.domain.errors import CognitoError
from userpool.protocol import sigv4
from userpool.store import Store

ACCESS_DENIED = "AccessDeniedException"


def list_messages(store: Store, pool: str | None = None, to: str | None = None) -> list[dict]:
    """The outbox rows, oldest first; ``to`` compares case-insensitively."""
    with store.reader() as tx:
        return tx.users.messages(pool or None, to or None)


def access_problem(
    settings: Settings,
    method: str,
    raw_path: str,
    query: str,
    headers: Any,
    body: bytes,
) -> str | None:
    """None when the caller may read the outbox, else why not."""
    if settings.open_mode:
        return None
    try:
        sigv4.verify(method, raw_path, query, headers, body, settings.credential_pairs)
    except CognitoError as exc:
        return f"The outbox needs a request signed with a configured key: {exc.message}".strip()
    return None


async def messages_page(request: Request) -> Response:
    """``GET /_userpool/messages``: needs ``app.state.store`` and ``app.state.settings``."""
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    body = await request.body()
    problem = access_problem(
        settings,
        request.method,
        request.scope.get("raw_path", b"/").decode("latin-1"),
        request.scope.get("query_string", b"").decode("latin-1"),
        request.headers,
        body,
    )
    if problem is not None:
        return JSONResponse({"__type": ACCESS_DENIED, "message": problem}, 403)
    found = list_messages(
        store, request.query_params.get("pool"), request.query_params.get("to")
    )
    return JSONResponse({"Messages": found})


def format_message(message: dict[str, Any]) -> str:
    """One message as text, for ``userpool messages``."""
    sent = datetime.fromtimestamp(message["SentAt"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"#{message['Id']} {sent} {message['Medium']} to {message['To']} "
        f"({message['Purpose']}, {message['Status']}, pool {message['PoolId']})"
    ]
    if message.get("Subject"):
        lines.append(f"Subject: {message['Subject']}")
    lines.append(message["Body"])
    return "\n".join(lines)


def format_messages(messages: list[dict[str, Any]]) -> str:
    if not messages:
        return "(no messages)"
    return "\n\n".join(format_message(m) for m in messages)
