"""SMS senders: log only, an HTTP webhook, or Amazon SNS (or an SNS-compatible endpoint)."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from userpool.messaging.message import DeliveryError, Message, log, log_line


class LogSmsSender:
    """Logs the destination and purpose of each SMS, never its text (it carries the code)."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    async def send(self, message: Message) -> None:
        self._log.info(log_line("sms-log", message))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects has not taken the message: a 3xx surfaces as an HTTPError."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookSmsSender:
    """POSTs ``{"to", "body", "poolId", "purpose"}`` as JSON; any non-2xx answer fails."""

    def __init__(self, url: str, timeout: float = 10) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the SMS webhook URL must be an http:// or https:// URL")
        self.url = url
        self.timeout = timeout
        # What errors may show: no user-info, query or fragment (they may hold a token).
        port = f":{parts.port}" if parts.port else ""
        self._shown = f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:
        return f"WebhookSmsSender({self._shown!r})"

    async def send(self, message: Message) -> None:
        payload = {
            "to": message.to,
            "body": message.body,
            "poolId": message.pool_id,
            "purpose": message.purpose,
        }
        data = json.dumps(payload).encode("utf-8")
        await asyncio.to_thread(self._post, data)
        log.info(log_line("sms-webhook", message))

    def _post(self, data: bytes) -> None:
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DeliveryError(f"SMS webhook {self._shown} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"SMS webhook {self._shown} failed: {reason}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"SMS webhook {self._shown} answered HTTP {status}")


class SnsSmsSender:
    """Publishes each SMS with SNS ``Publish(PhoneNumber, Message)`` as a transactional SMS."""

    def __init__(
        self,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        timeout: float = 10,
        client: Any = None,
    ) -> None:
        if client is None:
            import boto3  # only this sender needs it
            from botocore.config import Config

            client = boto3.client(
                "sns",
                endpoint_url=endpoint_url or None,
                region_name=region or "us-east-1",
                aws_access_key_id=access_key or None,
                aws_secret_access_key=secret_key or None,
                # A sign-up waits on this call: one retry, bounded waits.
                config=Config(
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    retries={"mode": "standard", "max_attempts": 2},
                ),
            )
        self._client = client

    def __repr__(self) -> str:
        return f"SnsSmsSender({self._client.meta.endpoint_url!r})"

    async def send(self, message: Message) -> None:
        await asyncio.to_thread(self._publish, message)
        log.info(log_line("sms-sns", message))

    def _publish(self, message: Message) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.publish(
                PhoneNumber=message.to,
                Message=message.body,
                MessageAttributes={
                    # Cognito's messages are codes: transactional, not promotional.
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                },
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            raise DeliveryError(f"SNS Publish failed: {code}: {error.get('Message', '')}") from None
        except (BotoCoreError, OSError) as exc:
            raise DeliveryError(f"SNS Publish failed: {type(exc).__name__}: {exc}") from None
