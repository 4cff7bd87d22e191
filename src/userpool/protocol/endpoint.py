"""POST / : AWS JSON 1.1 in, AWS JSON 1.1 out. The wire ends here."""

from __future__ import annotations

import inspect
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.datastructures import Headers

from userpool.config import Settings
from userpool.crypto import PasswordKdf, ServerKey
from userpool.domain import ids
from userpool.domain.errors import (
    CognitoError,
    InternalError,
    NotImplementedOperation,
    ResourceNotFound,
    Serialization,
    UnknownOperation,
)
from userpool.operations import Context, Handler
from userpool.protocol import cors, model, sigv4
from userpool.protocol.validate import validate
from userpool.store import Store

log = logging.getLogger("userpool.protocol")

CONTENT_TYPE = "application/x-amz-json-1.1"
ACCEPTED_CONTENT_TYPES = {
    "application/x-amz-json-1.1",
    "application/x-amz-json-1.0",
    "application/json",
}
MAX_BODY = 2 * 1024 * 1024  # the largest modelled input (a 1 MB asset, base64) fits


Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_BASE_HEADERS = [
    (b"content-type", CONTENT_TYPE.encode()),
    *((name.lower().encode(), value.encode()) for name, value in cors.RESPONSE_HEADERS.items()),
]


async def send_json(
    send: Send, body: Any, request_id: str, status: int = 200, error: str | None = None
) -> None:
    payload = orjson.dumps(body)
    headers = [
        *_BASE_HEADERS,
        (b"content-length", str(len(payload)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    if error is not None:
        headers.append((b"x-amzn-errortype", error.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


_ids = random.Random()  # seeded from os.urandom once per process


def new_request_id() -> str:
    """A version-4 UUID, as AWS's request ids are. Request ids are not secrets, so they come from
    a per-process PRNG: ``uuid.uuid4()`` costs a getrandom(2) system call per request."""
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


class Endpoint:
    """``POST /`` as a bare ASGI application: the request path is kept lean on purpose (it is
    the hot path of every operation), without routing or middleware in front of it."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        registry: dict[str, Handler],
        *,
        keys: ServerKey | None = None,
        kdf: PasswordKdf | None = None,
        postman: Any = None,
        triggers: Any = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.registry = registry
        self.keys, self.kdf, self.postman, self.triggers = keys, kdf, postman, triggers
        self.unauthenticated = model.unauthenticated_operations()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = new_request_id()
        try:
            result = await self.dispatch(scope, receive, request_id)
        except CognitoError as exc:
            await send_json(
                send, {"__type": exc.code, "message": exc.message}, request_id, exc.status, exc.code
            )
            return
        except Exception:
            log.exception("internal error in request %s", request_id)
            error = InternalError("Internal server error")
            await send_json(
                send, {"__type": error.code, "message": error.message}, request_id, 500, error.code
            )
            return
        await send_json(send, result, request_id)

    async def dispatch(self, scope: Scope, receive: Receive, request_id: str) -> dict[str, Any]:
        headers = Headers(scope=scope)
        target = headers.get("x-amz-target", "")
        name = (
            target.removeprefix(model.TARGET_PREFIX)
            if target.startswith(model.TARGET_PREFIX)
            else ""
        )
        op = model.operation(name) if name else None
        if op is None:
            raise UnknownOperation(f"Unknown operation: {target or '(no X-Amz-Target header)'}")
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ACCEPTED_CONTENT_TYPES:
            raise Serialization(f"Unsupported content type: {media or '(none)'}")
        body = await _read_body(receive)
        params = _parse(body)

        caller = sigv4.Caller(access_key=None, region=sigv4.region_from_headers(headers))
        if name not in self.unauthenticated and not self.settings.open_mode:
            caller = sigv4.verify(
                scope["method"],
                scope.get("raw_path", b"/").decode("latin-1"),
                scope.get("query_string", b"").decode("latin-1"),
                headers,
                body,
                self.settings.credential_pairs,
            )
        validate(op.input_shape, params)
        handler = self.registry.get(name)
        if handler is None:
            raise NotImplementedOperation(f"userpool does not implement {name} yet")
        region = caller.region or self.settings.region
        _check_pool_region(params, region)
        ctx = Context(
            store=self.store,
            settings=self.settings,
            region=region,
            request_id=request_id,
            access_key=caller.access_key,
            keys=self.keys,
            kdf=self.kdf,
            postman=self.postman,
            triggers=self.triggers,
            user_agent=headers.get("user-agent", ""),
        )
        result = handler(ctx, params)
        if inspect.isawaitable(result):
            result = await result
        return result


def _check_pool_region(params: dict[str, Any], region: str) -> None:
    """A pool id names its region; as on AWS, where every region is its own endpoint, a request
    for another region cannot see the pool."""
    pool_id = params.get("UserPoolId")
    if isinstance(pool_id, str) and ids.region_of(pool_id) != region:
        raise ResourceNotFound(f"User pool {pool_id} does not exist.")


async def _read_body(receive: Receive) -> bytes:
    """The body, refused past MAX_BODY; the rest is drained so the client sees our answer."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Serialization("Client disconnected before the body was read")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    if size > MAX_BODY:
        raise Serialization(f"Request body exceeds {MAX_BODY} bytes")
    return b"".join(chunks)


def _parse(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Serialization("Request body is not valid JSON") from None
    if not isinstance(params, dict):
        raise Serialization("Request body must be a JSON object")
    return params
