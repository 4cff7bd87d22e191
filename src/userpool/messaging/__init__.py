"""Delivery of Cognito's messages: verification codes and links, invitations, reset and MFA codes.

The caller renders a template (``templates.render``), stores the outbox row, and hands a
``Message`` to the sender of its medium; a ``DeliveryError`` becomes
CodeDeliveryFailureException.
"""

from userpool.messaging.email import NullEmailSender, SmtpEmailSender, build_email, html_to_text
from userpool.messaging.message import (
    DeliveryError,
    EmailSender,
    MemorySender,
    Message,
    SmsSender,
    deliver,
)
from userpool.messaging.senders import senders_from_settings
from userpool.messaging.sms import LogSmsSender, SnsSmsSender, WebhookSmsSender
from userpool.messaging.templates import (
    DEFAULT_FROM,
    confirm_user_link,
    email_sender_for,
    looks_like_html,
    render,
)

__all__ = [
    "DEFAULT_FROM",
    "DeliveryError",
    "EmailSender",
    "LogSmsSender",
    "MemorySender",
    "Message",
    "NullEmailSender",
    "SmsSender",
    "SmtpEmailSender",
    "SnsSmsSender",
    "WebhookSmsSender",
    "build_email",
    "confirm_user_link",
    "deliver",
    "email_sender_for",
    "html_to_text",
    "looks_like_html",
    "render",
    "senders_from_settings",
]
