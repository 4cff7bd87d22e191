"""One-time codes: 6 digits from a CSPRNG, single use, stored as keyed hashes, with AWS's
validity periods, per-hour attempt limits and messages."""

from __future__ import annotations

import secrets

from userpool.domain.errors import CodeMismatch, CognitoError, ExpiredCode, LimitExceeded

HOUR = 3600.0

# Purposes and how long their codes live [DG:quotas].
SIGN_UP = "signup"
RESET = "reset"
VERIFY = "verify:"  # + attribute name
VALIDITY = {SIGN_UP: 24 * HOUR, RESET: 1 * HOUR, VERIFY: 24 * HOUR}

# Wrong guesses allowed per code before AWS answers LimitExceeded (per user per hour [DG:quotas]:
# ConfirmSignUp 15, ConfirmForgotPassword 5-20, VerifyUserAttribute 15).
MAX_ATTEMPTS = {SIGN_UP: 15, RESET: 5, VERIFY: 15}
# Sends allowed per hour (ResendConfirmationCode 5, ForgotPassword 5-20, verification codes 5).
MAX_SENDS_PER_HOUR = 5

MISMATCH = "Invalid verification code provided, please try again."
EXPIRED = "Invalid code provided, please request a code again."
TOO_MANY = "Attempt limit exceeded, please try after some time."


def kind(purpose: str) -> str:
    return VERIFY if purpose.startswith(VERIFY) else purpose


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def validity(purpose: str) -> float:
    return VALIDITY[kind(purpose)]


def check_send_rate(previous: dict | None, now: float) -> dict:
    """The send history to store with a new code; LimitExceeded past the hourly quota."""
    sends = [t for t in (previous or {}).get("sends", []) if now - t < HOUR]
    if len(sends) >= MAX_SENDS_PER_HOUR:
        raise LimitExceeded(TOO_MANY)
    return {"sends": [*sends, now]}


def judge(stored: dict | None, matches: bool, purpose: str, now: float) -> CognitoError | None:
    """None when the code is right and live, else the error to answer (after the caller has
    recorded the failed attempt: that must survive the error)."""
    if stored is None:
        return ExpiredCode(EXPIRED)
    if stored["attempts"] >= MAX_ATTEMPTS[kind(purpose)]:
        return LimitExceeded(TOO_MANY)
    if not matches:
        return CodeMismatch(MISMATCH)
    if stored["expires_at"] < now:
        return ExpiredCode(EXPIRED)
    return None
