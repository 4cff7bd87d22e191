"""POST / : AWS JSON 1.1 in, AWS JSON 1.1 out. The wire ends here."""

from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from userpool.config import Settings
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


def json_response(
    body: Any, request_id: str, status: int = 200, error: str | None = None
) -> Response:
    headers = {"x-amzn-RequestId": request_id, **cors.RESPONSE_HEADERS}
    if error is not None:
        headers["x-amzn-ErrorType"] = error
    return Response(orjson.dumps(body), status, headers=headers, media_type=CONTENT_TYPE)


def error_response(exc: CognitoError, request_id: str) -> Response:
    return json_response(
        {"__type": exc.code, "message": exc.message}, request_id, exc.status, exc.code
    )


class Endpoint:
    """The ASGI endpoint for ``POST /``."""

    def __init__(self, store: Store, settings: Settings, registry: dict[str, Handler]) -> None:
        self.store = store
        self.settings = settings
        self.registry = registry
        self.unauthenticated = model.unauthenticated_operations()

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            return json_response(await self.dispatch(request, request_id), request_id)
        except CognitoError as exc:
            return error_response(exc, request_id)
        except Exception:
            log.exception("internal error in request %s", request_id)
            return error_response(InternalError("Internal server error"), request_id)

    async def dispatch(self, request: Request, request_id: str) -> dict[str, Any]:
        target = request.headers.get("x-amz-target", "")
        name = (
            target.removeprefix(model.TARGET_PREFIX)
            if target.startswith(model.TARGET_PREFIX)
            else ""
        )
        op = model.operation(name) if name else None
        if op is None:
            raise UnknownOperation(f"Unknown operation: {target or '(no X-Amz-Target header)'}")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ACCEPTED_CONTENT_TYPES:
            raise Serialization(f"Unsupported content type: {media or '(none)'}")
        body = await _read_body(request)
        params = _parse(body)

        caller = sigv4.Caller(access_key=None, region=sigv4.region_from_headers(request.headers))
        if name not in self.unauthenticated and not self.settings.open_mode:
            caller = sigv4.verify(
                request.method,
                request.scope.get("raw_path", b"/").decode("latin-1"),
                request.scope.get("query_string", b"").decode("latin-1"),
                request.headers,
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


async def _read_body(request: Request) -> bytes:
    """The body, refused past MAX_BODY; the rest is drained so the client sees our answer."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
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
