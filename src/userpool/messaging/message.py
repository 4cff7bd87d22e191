"""The plain data every sender takes, the error they raise, and the sender protocols.

No database code lives here: the caller stores the outbox row and hands a ``Message`` to a sender.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

log = logging.getLogger("userpool.messaging")

Medium = Literal["EMAIL", "SMS"]


@dataclass(frozen=True)
class Message:
    medium: Medium
    to: str  # email address or E.164 phone number
    body: str
    subject: str | None = None  # email only
    sender: str | None = None  # From header (email); "addr" or "Name <addr>"
    reply_to: str | None = None
    pool_id: str = ""
    purpose: str = ""  # e.g. "SignUp", "AdminCreateUser", "ForgotPassword"


class DeliveryError(Exception):
    """A message could not be handed over; the caller answers CodeDeliveryFailureException.

    The text names the transport and the failure, never a secret (SMTP password, webhook query
    string, AWS keys) and never the message body (bodies carry codes and temporary passwords).
    """


class EmailSender(Protocol):
    async def send(self, message: Message) -> None: ...


class SmsSender(Protocol):
    async def send(self, message: Message) -> None: ...


def log_line(kind: str, message: Message) -> str:
    """One log line about a message: destination and purpose only, never the body or subject."""
    pool = f" pool={message.pool_id}" if message.pool_id else ""
    purpose = message.purpose or "-"
    return f"{kind} {message.medium} to={message.to} purpose={purpose}{pool}"


class MemorySender:
    """Keeps every message in ``sent`` (tests, an in-process outbox); serves both media."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def send(self, message: Message) -> None:
        self.sent.append(message)


async def deliver(message: Message, *, email: EmailSender, sms: SmsSender) -> None:
    """Send ``message`` through the sender of its medium."""
    sender = email if message.medium == "EMAIL" else sms
    await sender.send(message)
