"""AWS Lambda's Invoke API over the built-in runtime.

``POST /2015-03-31/functions/{name}/invocations``, as boto3's ``lambda`` client and the AWS CLI
call it: ``name`` is a name, ``name:alias`` or an ARN; ``?Qualifier=`` is accepted and ignored.
``X-Amz-Invocation-Type``: ``RequestResponse`` (200 and the result), ``Event`` (202, run in the
background) or ``DryRun`` (204). Errors carry AWS's ``x-amzn-ErrorType`` and body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from userpool.triggers.runtime import (
    MAX_RESPONSE,
    FunctionNotFound,
    InvalidPayload,
    LocalRuntime,
    parse_event,
)

log = logging.getLogger("userpool.triggers")

Endpoint = Callable[[Request], Awaitable[Response]]
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
_MAX_EVENT_PAYLOAD = 256 * 1024  # Lambda's limit for asynchronous invocations


def _aws_error(status: int, error_type: str, message: str, request_id: str) -> Response:
    return Response(
        json.dumps({"Type": "User", "Message": message}),
        status_code=status,
        media_type="application/json",
        headers={"x-amzn-ErrorType": error_type, "x-amzn-RequestId": request_id},
    )


def invoke_endpoint(runtime: LocalRuntime) -> Endpoint:
    """The Starlette endpoint for ``POST /2015-03-31/functions/{name}/invocations``."""
    background: set[asyncio.Task[None]] = set()

    async def run_in_background(name: str, body: bytes) -> None:
        try:
            result = await runtime.invoke(name, body)
        except Exception:
            log.exception("asynchronous invocation of %s failed", name)
            return
        if result.function_error:
            log.warning("asynchronous invocation of %s: %s", name, result.payload[:500])

    async def endpoint(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        name = request.path_params["name"]
        invocation_type = request.headers.get("x-amz-invocation-type", "RequestResponse")
        if invocation_type not in INVOCATION_TYPES:
            message = f"Unsupported invocation type: {invocation_type}"
            return _aws_error(400, "InvalidParameterValueException", message, request_id)
        spec = runtime.spec(name)
        if spec is None or spec.kind == "webhook":
            message = f"Function not found: {runtime.function_arn(name)}"
            return _aws_error(404, "ResourceNotFoundException", message, request_id)
        body = await request.body()
        limit = _MAX_EVENT_PAYLOAD if invocation_type == "Event" else MAX_RESPONSE
        if len(body) > limit:
            message = f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
            return _aws_error(413, "RequestTooLargeException", message, request_id)
        try:
            parse_event(body)
        except InvalidPayload as exc:
            message = f"Could not parse request body into json: {exc}"
            return _aws_error(400, "InvalidRequestContentException", message, request_id)
        if invocation_type == "DryRun":
            return Response(status_code=204, headers={"x-amzn-RequestId": request_id})
        if invocation_type == "Event":
            task = asyncio.create_task(run_in_background(name, body))
            background.add(task)
            task.add_done_callback(background.discard)
            return Response(status_code=202, headers={"x-amzn-RequestId": request_id})
        try:
            result = await runtime.invoke(name, body)
        except FunctionNotFound as exc:  # removed since the look-up above
            message = f"Function not found: {exc}"
            return _aws_error(404, "ResourceNotFoundException", message, request_id)
        headers = {
            "X-Amz-Executed-Version": "$LATEST",
            "x-amzn-RequestId": result.request_id or request_id,
        }
        if result.function_error:
            headers["X-Amz-Function-Error"] = result.function_error
        return Response(result.payload, media_type="application/json", headers=headers)

    return endpoint
