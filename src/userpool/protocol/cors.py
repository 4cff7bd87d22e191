"""CORS as AWS answers it: any origin, the SDKs' request headers, our response headers exposed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

ALLOWED_HEADERS = (
    "content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, "
    "cache-control, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256"
)
EXPOSED_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"

RESPONSE_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": EXPOSED_HEADERS,
}


async def preflight(request: Request) -> Response:
    """Answer a browser's OPTIONS preflight for any path."""
    requested = request.headers.get("access-control-request-headers")
    return Response(
        status_code=200,
        headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
            "Access-Control-Allow-Headers": requested or ALLOWED_HEADERS,
            "Access-Control-Expose-Headers": EXPOSED_HEADERS,
            "Access-Control-Max-Age": "172800",
        },
    )
