"""Multi-factor authentication rules: which factors a pool offers, a user's MFA settings, which
challenge a sign-in gets, and TOTP codes (RFC 6238, SHA-1, 6 digits, 30 s, as Cognito's).

A user's settings live in the user document as AWS shows them (``UserMFASettingList``,
``PreferredMfaSetting``); the TOTP secret lives under ``_Totp`` (``Secret`` encrypted by the
caller, ``LastStep`` — the last time step accepted, so a code works once —, and
``FriendlyDeviceName``) and a secret associated but not yet verified under ``_TotpPending``.

AWS behaviour, with sources (shared/reference/cognito.md §1.3, §3.4):
- Pool ``OFF``: no MFA. ``OPTIONAL``: only users who turned a factor on. ``ON``: every user; a
  user without a factor gets ``MFA_SETUP`` (``MFAS_CAN_SETUP``, a JSON string). In an ``ON`` pool
  a phone number (SMS), an email address (email MFA) or a verified authenticator counts as set up
  ("For SMS or email: set the attribute and restart authentication", reference §3.4).
- One usable factor: its challenge. Several: the preferred one, else ``SELECT_MFA_TYPE``
  (``MFAS_CAN_CHOOSE``) ([API:SetUserMFAPreference]: "If multiple options are activated and no
  preference is set, a challenge to choose an MFA option will be returned during sign-in").
- Turning TOTP on without a verified authenticator: ``InvalidParameterException`` "User does not
  have delivery config set to turn on SOFTWARE_TOKEN_MFA" ([GH:aws/aws-sdk-js-v3#4645]); the same
  text with SMS_MFA for a user without a phone number (captured by an AWS-compatibility test).
  Phone numbers don't need to be verified for SMS MFA [API:SMSMfaSettingsType].
- "Only one factor can be set as preferred" [API:SetUserMFAPreference].
- A TOTP code already used: ``ExpiredCodeException`` "Your software token has already been used
  once." (quoted by aws-amplify/amplify-swift's integration tests and client code handling it).
- A factor counts only while the pool enables it: a user's setting for a factor the pool has
  switched off is kept but not challenged (our reading; AWS is not documented on it).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any

import pyotp

from userpool.domain.errors import ExpiredCode, FeatureUnavailableInTier, InvalidParameter
from userpool.domain.pools import enabled_mfa_factors

SMS_MFA = "SMS_MFA"
SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
EMAIL_OTP = "EMAIL_OTP"
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
MFA_SETUP = "MFA_SETUP"

# The order AWS lists factors in (MFAS_CAN_SETUP example '["SMS_MFA","SOFTWARE_TOKEN_MFA"]').
FACTORS = (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)
_POOL_FACTOR = {"SMS": SMS_MFA, "SOFTWARE_TOKEN": SOFTWARE_TOKEN_MFA, "EMAIL": EMAIL_OTP}
# SetUserMFAPreference's members and the factor each sets.
SETTINGS = (
    ("SMSMfaSettings", SMS_MFA),
    ("SoftwareTokenMfaSettings", SOFTWARE_TOKEN_MFA),
    ("EmailMfaSettings", EMAIL_OTP),
)

TOTP_INTERVAL = 30
TOTP_WINDOW = 1  # steps accepted either side of now
SECRET_BYTES = 20  # 160 bits, RFC 4226's recommended length

NO_DELIVERY = "User does not have delivery config set to turn on {factor}"
TWO_PREFERRED = "Only one MFA method can be set as preferred."  # wording ours
PREFER_DISABLED = "A disabled MFA method cannot be set as preferred."  # wording ours
EMAIL_NEEDS_DEVELOPER = (  # same wording as SetUserPoolMfaConfig's check (domain.pools)
    "Email MFA requires EmailSendingAccount DEVELOPER in the EmailConfiguration."
)
TOTP_REUSED = "Your software token has already been used once."


# -- what the pool offers and what the user has ----------------------------------------------
def mode(pool: dict[str, Any]) -> str:
    return str(pool.get("MfaConfiguration") or "OFF")


def pool_factors(pool: dict[str, Any]) -> list[str]:
    """The challenge names of the factors the pool enables, in AWS's order."""
    enabled = {_POOL_FACTOR[f] for f in enabled_mfa_factors(pool)}
    return [f for f in FACTORS if f in enabled]


def has_totp(user: dict[str, Any]) -> bool:
    """A verified authenticator."""
    return bool((user.get("_Totp") or {}).get("Secret"))


def deliverable(user: dict[str, Any], factor: str) -> bool:
    """The user has what the factor needs: a phone number, an email address, an authenticator."""
    attrs = user["Attributes"]
    if factor == SMS_MFA:
        return bool(attrs.get("phone_number"))
    if factor == EMAIL_OTP:
        return bool(attrs.get("email"))
    return has_totp(user)


def turned_on(user: dict[str, Any]) -> list[str]:
    """The factors the user turned on (``UserMFASettingList``, and legacy ``MFAOptions`` SMS)."""
    on = set(user.get("UserMFASettingList") or [])
    if any(o.get("DeliveryMedium") == "SMS" for o in user.get("MFAOptions") or []):
        on.add(SMS_MFA)
    return [f for f in FACTORS if f in on]


def usable_factors(pool: dict[str, Any], user: dict[str, Any]) -> list[str]:
    """The factors a sign-in may challenge this user with."""
    offered = pool_factors(pool)
    wanted = set(turned_on(user))
    if mode(pool) == "ON":
        wanted |= {f for f in offered if deliverable(user, f)}
    return [f for f in offered if f in wanted and deliverable(user, f)]


def next_challenge(pool: dict[str, Any], user: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(challenge name, options) after the first factor, or None when no MFA is due. Options
    are the choices of SELECT_MFA_TYPE and the factors of MFA_SETUP (else empty)."""
    if mode(pool) == "OFF":
        return None
    factors = usable_factors(pool, user)
    if not factors:
        return (MFA_SETUP, pool_factors(pool)) if mode(pool) == "ON" else None
    preferred = user.get("PreferredMfaSetting")
    if preferred in factors:
        return str(preferred), []
    if len(factors) == 1:
        return factors[0], []
    return SELECT_MFA_TYPE, factors


# -- SetUserMFAPreference / AdminSetUserMFAPreference -----------------------------------------
def apply_preference(pool: dict[str, Any], user: dict[str, Any], request: dict[str, Any]) -> None:
    """Apply the request's SMS/TOTP/email settings to ``user`` (in place).

    ``Enabled`` true turns a factor on (the user must have what it needs), false turns it off
    and drops its preference; an omitted ``Enabled`` leaves it as it is. ``PreferredMfa`` true
    makes it the preferred factor (it must be on), false clears it if it was preferred.
    """
    on = set(turned_on(user))
    preferred = user.get("PreferredMfaSetting")
    wants = [name for key, name in SETTINGS if (request.get(key) or {}).get("PreferredMfa")]
    if len(wants) > 1:
        raise InvalidParameter(TWO_PREFERRED)
    for key, factor in SETTINGS:
        settings = request.get(key)
        if settings is None:
            continue
        enabled = settings.get("Enabled")
        if enabled is True:
            _check_can_enable(pool, user, factor)
            on.add(factor)
        elif enabled is False:
            on.discard(factor)
            if preferred == factor:
                preferred = None
        if settings.get("PreferredMfa") is False and preferred == factor:
            preferred = None
    if wants:
        if wants[0] not in on:
            raise InvalidParameter(PREFER_DISABLED)
        preferred = wants[0]
    _store_settings(user, [f for f in FACTORS if f in on], preferred)


def _check_can_enable(pool: dict[str, Any], user: dict[str, Any], factor: str) -> None:
    if factor == EMAIL_OTP:
        # [API:EmailMfaSettingsType]: Essentials or higher; [DG:user-pool-email]: DEVELOPER email.
        if pool.get("UserPoolTier") == "LITE":
            raise FeatureUnavailableInTier(
                "The following features need to be disabled for the LITE pricing tier "
                "configured: Email MFA"
            )
        email = pool.get("EmailConfiguration") or {}
        if email.get("EmailSendingAccount") != "DEVELOPER":
            raise InvalidParameter(EMAIL_NEEDS_DEVELOPER)
    if not deliverable(user, factor):
        raise InvalidParameter(NO_DELIVERY.format(factor=factor))


def _store_settings(user: dict[str, Any], on: list[str], preferred: str | None) -> None:
    if on:
        user["UserMFASettingList"] = on
    else:
        user.pop("UserMFASettingList", None)
    if preferred:
        user["PreferredMfaSetting"] = preferred
    else:
        user.pop("PreferredMfaSetting", None)
    if SMS_MFA not in on:
        user.pop("MFAOptions", None)  # the legacy SMS setting goes with SMS MFA


def enable_after_setup(user: dict[str, Any], factor: str) -> None:
    """A factor set up through the MFA_SETUP challenge is on, and preferred if none is."""
    on = set(turned_on(user)) | {factor}
    preferred = user.get("PreferredMfaSetting") or factor
    _store_settings(user, [f for f in FACTORS if f in on], preferred)


def auth_factors(pool: dict[str, Any], user: dict[str, Any]) -> list[str]:
    """GetUserAuthFactors' ConfiguredUserAuthFactors: the USER_AUTH first factors the user can
    use — a password, and email/SMS one-time passwords the pool's sign-in policy allows to a
    verified address (passkeys are listed by their own module when registered)."""
    allowed = set(
        ((pool.get("Policies") or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors")
        or ["PASSWORD"]
    )
    attrs = user["Attributes"]
    factors = []
    if user.get("_PasswordHash"):
        factors.append("PASSWORD")
    if "EMAIL_OTP" in allowed and attrs.get("email") and attrs.get("email_verified") == "true":
        factors.append("EMAIL_OTP")
    if (
        "SMS_OTP" in allowed
        and attrs.get("phone_number")
        and attrs.get("phone_number_verified") == "true"
    ):
        factors.append("SMS_OTP")
    if user.get("_WebAuthnCredentials"):
        factors.append("WEB_AUTHN")
    return factors


# -- TOTP ---------------------------------------------------------------------------------------
def new_secret() -> str:
    """A base32 shared secret (32 characters, 160 bits; the model wants [A-Za-z0-9]{16,})."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step within ±1 of ``now`` whose code is ``code``, else None."""
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL)
    current = totp.timecode(now)
    found = None
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected.encode(), code.encode()):
            found = step
    return found


def check_not_reused(step: int, last_step: int | None) -> None:
    """A code (or an earlier one) that was already accepted can't be used again."""
    if last_step is not None and step <= last_step:
        raise ExpiredCode(TOTP_REUSED)
