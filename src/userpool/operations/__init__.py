"""The cognito-idp operations: one function each, registered by its AWS name.

``grep -rn '"CreateUserPool"' src`` lands on the registration. A handler takes the request
context and the validated request dict, and returns the response dict.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from userpool.config import Settings
from userpool.crypto import PasswordKdf, ServerKey
from userpool.protocol.model import operation_names
from userpool.store import Store

Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Context", Request], Response | Awaitable[Response]]

REGISTRY: dict[str, Handler] = {}

# Modules that register operations; imported by ``load()``.
MODULES = (
    "pools",
    "clients",
    "client_secrets",
    "groups",
    "resource_servers",
    "domains",
    "identity_providers",
    "branding",
    "terms",
    "ui_customization",
    "pool_settings",
    "tags",
    "signup",
    "users",
    "passwords",
    "user_groups",
    "list_users",
    "imports",
    "auth",
    "custom_auth",  # wraps auth's PASSWORD_VERIFIER (SRP as custom auth's first step)
    "user_auth",  # before "mfa": mfa_flow wraps the EMAIL_OTP handler registered here
    "mfa",
    "self_service",
    "sessions_ops",
    "devices",
    "auth_events",
)


@dataclass
class Context:
    """What an operation may use: the store, the settings, and who is calling."""

    store: Store
    settings: Settings
    region: str
    request_id: str
    access_key: str | None = None
    started: float = field(default_factory=time.time)
    keys: ServerKey | None = None
    kdf: PasswordKdf | None = None
    postman: Any = None  # operations.delivery.Postman: outbox + email/SMS senders
    triggers: Any = None  # triggers.invoker.Invoker: runs the pools' Lambda triggers
    user_agent: str = ""  # the caller's User-Agent (a trigger event's callerContext)

    def now(self) -> float:
        """The request's timestamp, epoch seconds with milliseconds (as AWS returns them)."""
        return round(self.started, 3)

    @property
    def account_id(self) -> str:
        return self.settings.account_id


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the implementation of the AWS operation ``name``."""
    if name not in operation_names():
        raise ValueError(f"{name} is not a cognito-idp operation")

    def register(fn: Handler) -> Handler:
        if name in REGISTRY:
            raise ValueError(f"{name} is registered twice")
        REGISTRY[name] = fn
        return fn

    return register


def load() -> dict[str, Handler]:
    """Import every operation module (registering its operations) and return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return REGISTRY
