"""Sign-in rules: which flows a client allows, the user states that stop a sign-in, lockout,
and AWS's messages (reference §3)."""

from __future__ import annotations

from typing import Any

from userpool.domain.errors import (
    InvalidParameter,
    NotAuthorized,
    PasswordResetRequired,
    UserNotConfirmed,
)
from userpool.domain.users import (
    FORCE_CHANGE_PASSWORD,
    RESET_REQUIRED,
    UNCONFIRMED,
)

INCORRECT = "Incorrect username or password."
DISABLED = "User is disabled."
LOCKED = "Password attempts exceeded"
SESSION_EXPIRED = "Invalid session for the user, session is expired."
SESSION_INVALID = "Invalid session for the user."
SESSION_REPLAYED = "Invalid session for the user, session can only be used once."
TEMPORARY_EXPIRED = "Temporary password has expired and must be reset by an administrator."

# The ExplicitAuthFlows values (new and legacy) that let a client use each AuthFlow.
_ALLOWED_BY = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
    "USER_AUTH": ("ALLOW_USER_AUTH",),
}
# Legacy clients (no ALLOW_* value) could always use SRP and refresh.
_LEGACY_IMPLICIT = {"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"}


def check_flow_allowed(client: dict[str, Any], flow: str) -> None:
    flows = set(client.get("ExplicitAuthFlows") or [])
    legacy = not any(f.startswith("ALLOW_") for f in flows)
    if flows & set(_ALLOWED_BY.get(flow, ())) or (legacy and flow in _LEGACY_IMPLICIT):
        return
    if flow in ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        raise InvalidParameter(f"{flow} flow not enabled for this client")
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        raise InvalidParameter("Refresh Token flow not enabled for this client")
    raise InvalidParameter(f"{flow} flow not enabled for this client")


def check_state(user: dict[str, Any], now: float) -> None:
    """The states that stop a sign-in once the password is right (AWS's order and texts)."""
    if not user["Enabled"]:
        raise NotAuthorized(DISABLED)
    if user["UserStatus"] == UNCONFIRMED:
        raise UserNotConfirmed("User is not confirmed.")
    if user["UserStatus"] == RESET_REQUIRED:
        raise PasswordResetRequired("Password reset required for the user")
    if user["UserStatus"] == FORCE_CHANGE_PASSWORD:
        expires = user.get("_TempPasswordExpiresAt")
        if expires is not None and expires < now:
            raise NotAuthorized(TEMPORARY_EXPIRED)


# -- lockout (reference §3.9): 5 failures, then 2^(n-5) s, at most 15 minutes -----------------
MAX_LOCK = 900.0
FREE_FAILURES = 5
FORGET_AFTER = 900.0


def locked(user: dict[str, Any], now: float) -> bool:
    return float(user.get("_LockedUntil") or 0) > now


def record_failure(user: dict[str, Any], now: float) -> None:
    """Count a wrong password; from the fifth on, lock for 2^(n-5) seconds (capped)."""
    last = float(user.get("_LastFailure") or 0)
    failures = 0 if now - last > FORGET_AFTER else int(user.get("_Failures") or 0)
    failures += 1
    user["_Failures"], user["_LastFailure"] = failures, now
    if failures >= FREE_FAILURES:
        user["_LockedUntil"] = now + min(MAX_LOCK, 2.0 ** (failures - FREE_FAILURES))


def record_success(user: dict[str, Any]) -> bool:
    """Forget failures; True when there was anything to forget (the caller saves the user)."""
    changed = any(k in user for k in ("_Failures", "_LockedUntil", "_LastFailure"))
    for key in ("_Failures", "_LockedUntil", "_LastFailure"):
        user.pop(key, None)
    return changed
