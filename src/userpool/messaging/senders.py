"""Build the email and SMS senders from plain settings values."""

from __future__ import annotations

from typing import Literal

from userpool.messaging.email import TLS_MODES, NullEmailSender, SmtpEmailSender, TlsMode
from userpool.messaging.message import EmailSender, SmsSender
from userpool.messaging.sms import LogSmsSender, SnsSmsSender, WebhookSmsSender

SmsMode = Literal["log", "webhook", "sns"]
SMS_MODES: tuple[str, ...] = ("log", "webhook", "sns")


def senders_from_settings(
    *,
    smtp_host: str | None = None,
    smtp_port: int = 25,
    smtp_username: str | None = None,
    smtp_password: str | None = None,
    smtp_tls: TlsMode = "none",
    smtp_timeout: float = 10,
    sms_mode: SmsMode = "log",
    sms_webhook_url: str | None = None,
    sms_webhook_timeout: float = 10,
    sns_endpoint_url: str | None = None,
    sns_region: str | None = None,
    sns_access_key: str | None = None,
    sns_secret_key: str | None = None,
) -> tuple[EmailSender, SmsSender]:
    """(EmailSender, SmsSender) for the settings; raises ``ValueError`` for an unusable setting.

    Without an SMTP host, email goes to the outbox only (``NullEmailSender``).
    """
    email = _email_sender(
        smtp_host, smtp_port, smtp_username, smtp_password, smtp_tls, smtp_timeout
    )
    sms = _sms_sender(
        sms_mode,
        sms_webhook_url,
        sms_webhook_timeout,
        sns_endpoint_url,
        sns_region,
        sns_access_key,
        sns_secret_key,
    )
    return email, sms


def _email_sender(
    host: str | None,
    port: int,
    username: str | None,
    password: str | None,
    tls: TlsMode,
    timeout: float,
) -> EmailSender:
    if tls not in TLS_MODES:
        raise ValueError(f"SMTP TLS mode must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    if not host:
        return NullEmailSender()
    return SmtpEmailSender(
        host, port, username=username or None, password=password or None, tls=tls,
        timeout=timeout,
    )


def _sms_sender(
    mode: SmsMode,
    webhook_url: str | None,
    webhook_timeout: float,
    endpoint_url: str | None,
    region: str | None,
    access_key: str | None,
    secret_key: str | None,
) -> SmsSender:
    if mode == "log":
        return LogSmsSender()
    if mode == "webhook":
        if not webhook_url:
            raise ValueError("the SMS mode 'webhook' needs a webhook URL")
        return WebhookSmsSender(webhook_url, webhook_timeout)
    if mode == "sns":
        return SnsSmsSender(endpoint_url, region, access_key, secret_key)
    raise ValueError(f"SMS mode must be one of {', '.join(SMS_MODES)}, not {mode!r}")
