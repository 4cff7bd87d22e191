"""A pool's password policy: checking a password and generating a temporary one.

Messages, as AWS sends them in ``InvalidPasswordException`` (widely quoted in client code that
matches on them, e.g. amplify-js error tables; shared/reference/cognito.md §3.10):
"Password did not conform with policy: Password not long enough", "... Password must have
uppercase characters", "lowercase characters", "numeric characters", "symbol characters".
AWS reports only the first rule broken. The order (length, uppercase, lowercase, numeric,
symbol) is inferred from observed responses: "password@1" gives the uppercase message,
"PASSWORD@1" the lowercase one, "Password1" the symbol one, and Amplify's notes say a password
with both cases but no digit gives the numeric one.

Only Basic Latin letters count as upper/lower case; the symbol set is AWS's documented list
plus the space character (reference §1.2, [DG:user-pool-settings-policies (2023)]). The
256-character maximum is enforced by the model (``PasswordType``) before this code runs.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from userpool.domain.errors import InvalidPassword, PasswordHistoryPolicyViolation

SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "
UPPERCASE = string.ascii_uppercase
LOWERCASE = string.ascii_lowercase
DIGITS = string.digits

DEFAULT_MINIMUM_LENGTH = 8
_PREFIX = "Password did not conform with policy: "

# No AWS text for PasswordHistoryPolicyViolationException has been found in public reports;
# this wording is ours (the model documents the error as "a user's new password matches a
# previous password and doesn't comply with the password-history policy").
PASSWORD_HISTORY_MESSAGE = "The password was used recently and cannot be reused."

# Symbols used in generated passwords: AWS's set without the space and quote characters, so a
# temporary password survives being pasted from an email or typed into a shell.
_GENERATED_SYMBOLS = "^$*.[]{}()?!@#%&/,><:;|_~=+-"
_GENERATED_MINIMUM = 12


def _rules(policy: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(policy key, character class, failure text) in the order AWS checks them."""
    return [
        ("RequireUppercase", UPPERCASE, "Password must have uppercase characters"),
        ("RequireLowercase", LOWERCASE, "Password must have lowercase characters"),
        ("RequireNumbers", DIGITS, "Password must have numeric characters"),
        ("RequireSymbols", SYMBOLS, "Password must have symbol characters"),
    ]


def minimum_length(policy: dict[str, Any] | None) -> int:
    return int((policy or {}).get("MinimumLength") or DEFAULT_MINIMUM_LENGTH)


def check_password(policy: dict[str, Any] | None, password: str) -> None:
    """Raise ``InvalidPassword`` with AWS's message for the first policy rule `password` breaks.

    `policy` is the pool's ``Policies.PasswordPolicy``; a missing policy means AWS's defaults
    (8 characters, all four classes required).
    """
    policy = policy if policy is not None else {}
    if len(password) < minimum_length(policy):
        raise InvalidPassword(_PREFIX + "Password not long enough")
    for key, characters, failure in _rules(policy):
        if policy.get(key, True) and not any(c in characters for c in password):
            raise InvalidPassword(_PREFIX + failure)


def temporary_password(policy: dict[str, Any] | None) -> str:
    """A CSPRNG password that satisfies `policy`: one character of every class the policy
    requires (and of every class when it requires none), at least 12 characters and at least
    the policy's minimum length."""
    policy = policy if policy is not None else {}
    length = max(minimum_length(policy), _GENERATED_MINIMUM)
    classes = [UPPERCASE, LOWERCASE, DIGITS, _GENERATED_SYMBOLS]
    chosen = [secrets.choice(characters) for characters in classes]
    alphabet = "".join(classes)
    chosen += [secrets.choice(alphabet) for _ in range(length - len(chosen))]
    # Fisher-Yates with the CSPRNG, so the required classes aren't always at the front.
    for i in range(len(chosen) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chosen[i], chosen[j] = chosen[j], chosen[i]
    return "".join(chosen)


def check_not_reused(new_password_matches: list[bool]) -> None:
    """Raise ``PasswordHistoryPolicyViolation`` if the new password matched any of the user's
    last ``PasswordHistorySize`` passwords (the caller verifies against the stored hashes)."""
    if any(new_password_matches):
        raise PasswordHistoryPolicyViolation(PASSWORD_HISTORY_MESSAGE)
