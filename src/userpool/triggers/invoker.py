"""Calling a trigger's function: one attempt, by the route its name resolves to.

A function named in a pool's LambdaConfig (``arn:aws:lambda:…:function:<name>[:alias]``) is
reached, in this order, as
1. a webhook, when the functions folder's ``functions.toml`` gives it a ``url``;
2. a handler in the functions folder, run by the built-in runtime (``runtime.LocalRuntime``);
3. the Lambda Invoke API at ``lambda_endpoint`` (AWS Lambda, LocalStack, ``sam local
   start-lambda``, or another userpool's runtime), through boto3's ``lambda`` client.

What Cognito makes of the outcome (errors, retries) is ``operations.lambdas``' business.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from userpool.config import Settings
from userpool.triggers.functions import function_name
from userpool.triggers.runtime import FunctionNotFound, InvokeResult, LocalRuntime

log = logging.getLogger("userpool.triggers")


SOCKET_TIMEOUT = "Socket timeout while invoking Lambda function"


class InvokeError(Exception):
    """The function could not be run: ``kind`` is "timeout" or "throttled" (retried),
    "not_found" or "failed" (not retried)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


class Invoker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = (
            LocalRuntime(
                Path(settings.functions),
                region=settings.region,
                account_id=settings.account_id,
                timeout=settings.trigger_timeout,
            )
            if settings.functions
            else None
        )
        self._lambda: Any = None
        self._crypto: Any = None

    @property
    def crypto(self) -> Any:
        """The custom senders' ``kms.SenderCrypto`` (imported on first use: it is heavy)."""
        if self._crypto is None:
            from userpool.triggers.kms import SenderCrypto

            self._crypto = SenderCrypto(
                endpoint_url=self.settings.kms_endpoint, region=self.settings.region
            )
        return self._crypto

    async def invoke(self, arn: str, payload: bytes, *, wait: bool = True) -> InvokeResult:
        """Run the function once (``wait=False``: AWS's asynchronous "Event" invocation, whose
        outcome nobody waits for). Raises ``InvokeError``."""
        if not wait:
            task = asyncio.create_task(self._quietly(arn, payload))
            _BACKGROUND.add(task)
            task.add_done_callback(_BACKGROUND.discard)
            return InvokeResult(payload=b"", function_error=None)
        return await self._invoke(arn, payload)

    async def _quietly(self, arn: str, payload: bytes) -> None:
        try:
            result = await self._invoke(arn, payload)
            if result.function_error:
                log.warning("%s failed: %s", function_name(arn), result.payload[:500])
        except InvokeError as exc:
            log.warning("%s could not be invoked: %s", function_name(arn), exc.detail)

    async def _invoke(self, arn: str, payload: bytes) -> InvokeResult:
        timeout = self.settings.trigger_timeout
        spec = self.runtime.spec(arn) if self.runtime is not None else None
        if spec is not None and spec.kind == "webhook" and spec.url:
            return await asyncio.to_thread(_post, spec.url, payload, timeout)
        if spec is not None and self.runtime is not None:
            try:
                result = await self.runtime.invoke(arn, payload, timeout=timeout)
            except FunctionNotFound:
                pass
            else:
                if result.timed_out:
                    raise InvokeError("timeout", SOCKET_TIMEOUT)
                return result
        if self.settings.lambda_endpoint:
            return await asyncio.to_thread(self._call_lambda, arn, payload)
        raise InvokeError("not_found", f"Function not found: {arn}")

    def _call_lambda(self, arn: str, payload: bytes) -> InvokeResult:
        from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

        client = self._lambda_client()
        try:
            answer = client.invoke(FunctionName=arn, Payload=payload)
        except (ReadTimeoutError, ConnectTimeoutError):
            raise InvokeError("timeout", SOCKET_TIMEOUT) from None
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "ClientError")
            message = exc.response.get("Error", {}).get("Message") or ""
            if code == "ResourceNotFoundException":
                # Lambda's own text ("Function not found: <arn>"), the same reason as a name
                # the built-in runtime doesn't know (docs/triggers.md), not the bare code.
                raise InvokeError("not_found", message or f"Function not found: {arn}") from None
            reason = f"{code}: {message}" if message else code
            if code == "TooManyRequestsException":  # throttled: Cognito retries these
                raise InvokeError("throttled", reason) from None
            raise InvokeError("failed", reason) from None
        except Exception as exc:  # endpoint down, DNS: a configuration error, not retried
            raise InvokeError("failed", type(exc).__name__) from None
        body = answer["Payload"].read()
        error = answer.get("FunctionError")
        timed_out = bool(error) and b"Sandbox.Timedout" in body
        if timed_out:
            raise InvokeError("timeout", SOCKET_TIMEOUT)
        return InvokeResult(payload=body, function_error=error)

    def _lambda_client(self) -> Any:
        if self._lambda is None:
            import boto3
            from botocore.config import Config

            session = boto3.session.Session()
            credentials = session.get_credentials()
            extra = (
                {}
                if credentials is not None
                else {"aws_access_key_id": "userpool", "aws_secret_access_key": "userpool"}
            )
            self._lambda = session.client(
                "lambda",
                endpoint_url=self.settings.lambda_endpoint,
                region_name=self.settings.region,
                config=Config(
                    connect_timeout=2,
                    read_timeout=self.settings.trigger_timeout,
                    retries={"total_max_attempts": 1},  # the retries are Cognito's
                ),
                **extra,
            )
        return self._lambda

    async def close(self) -> None:
        if self.runtime is not None:
            await self.runtime.close()


_BACKGROUND: set[asyncio.Task[None]] = set()


def _post(url: str, payload: bytes, timeout: float) -> InvokeResult:
    """A webhook function: the event POSTed as JSON, the JSON answer is the result. A non-2xx
    answer is the function's error (its ``errorMessage``, or the HTTP status)."""
    request = urllib.request.Request(
        url,
        data=payload,
        headers={"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return InvokeResult(payload=response.read(), function_error=None)
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            message = json.loads(body)["errorMessage"]
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {exc.code}"
        document = {"errorType": "WebhookError", "errorMessage": str(message)}
        return InvokeResult(payload=json.dumps(document).encode(), function_error="Unhandled")
    except TimeoutError:
        raise InvokeError("timeout", SOCKET_TIMEOUT) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise InvokeError("timeout", SOCKET_TIMEOUT) from None
        raise InvokeError("failed", str(exc.reason)) from None
