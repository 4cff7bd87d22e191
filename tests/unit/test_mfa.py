"""domain.mfa: which challenge a sign-in gets, MFA preferences, TOTP codes."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from userpool.domain import mfa
from userpool.domain.errors import ExpiredCode, FeatureUnavailableInTier, InvalidParameter

NOW = 1_700_000_000.0


def pool(mode: str = "OPTIONAL", *factors: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"Id": "us-east-1_Test", "MfaConfiguration": mode, **extra}
    if "SMS" in factors:
        doc["_SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "code {####}"}
    if "TOTP" in factors:
        doc["_SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if "EMAIL" in factors:
        doc["_EmailMfaConfiguration"] = {"Message": "code {####}", "Subject": "s"}
        doc["EmailConfiguration"] = {"EmailSendingAccount": "DEVELOPER"}
    return doc


def user(**kwargs: Any) -> dict[str, Any]:
    attrs = kwargs.pop("attrs", {})
    return {"Username": "u", "Attributes": {"sub": "s", **attrs}, **kwargs}


PHONE = {"phone_number": "+12065551212"}
EMAIL = {"email": "jane@example.com"}
TOTP = {"_Totp": {"Secret": "sealed", "LastStep": 1}}


# -- next_challenge -------------------------------------------------------------------------------
def test_off_pool_never_challenges() -> None:
    u = user(attrs=PHONE, UserMFASettingList=["SMS_MFA"])
    assert mfa.next_challenge(pool("OFF"), u) is None


def test_optional_pool_challenges_only_users_who_turned_a_factor_on() -> None:
    p = pool("OPTIONAL", "SMS", "TOTP")
    assert mfa.next_challenge(p, user(attrs=PHONE)) is None
    assert mfa.next_challenge(p, user(attrs=PHONE, UserMFASettingList=["SMS_MFA"])) == (
        "SMS_MFA", [])


def test_legacy_mfa_options_count_as_sms() -> None:
    u = user(attrs=PHONE, MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    assert mfa.next_challenge(pool("OPTIONAL", "SMS"), u) == ("SMS_MFA", [])


def test_required_pool_uses_what_the_user_has_or_asks_for_setup() -> None:
    p = pool("ON", "SMS", "TOTP")
    assert mfa.next_challenge(p, user(attrs=PHONE)) == ("SMS_MFA", [])
    assert mfa.next_challenge(p, user(**TOTP)) == ("SOFTWARE_TOKEN_MFA", [])
    assert mfa.next_challenge(p, user(attrs=EMAIL)) == (
        "MFA_SETUP", ["SMS_MFA", "SOFTWARE_TOKEN_MFA"])


def test_factors_the_pool_does_not_enable_are_ignored() -> None:
    u = user(attrs=PHONE, UserMFASettingList=["SMS_MFA"])
    assert mfa.next_challenge(pool("OPTIONAL", "TOTP"), u) is None
    assert mfa.next_challenge(pool("ON", "TOTP"), u) == ("MFA_SETUP", ["SOFTWARE_TOKEN_MFA"])


def test_several_factors_preferred_or_choose() -> None:
    p = pool("OPTIONAL", "SMS", "TOTP", "EMAIL")
    both = dict(attrs={**PHONE, **EMAIL}, UserMFASettingList=["SMS_MFA", "EMAIL_OTP"], **TOTP)
    assert mfa.next_challenge(p, user(**both)) == ("SELECT_MFA_TYPE", ["SMS_MFA", "EMAIL_OTP"])
    assert mfa.next_challenge(p, user(**both, PreferredMfaSetting="EMAIL_OTP")) == (
        "EMAIL_OTP", [])


def test_a_turned_on_factor_without_its_delivery_is_not_usable() -> None:
    u = user(UserMFASettingList=["SMS_MFA"])  # phone number removed since
    assert mfa.next_challenge(pool("OPTIONAL", "SMS"), u) is None


# -- apply_preference -----------------------------------------------------------------------------
def test_turning_on_and_preferring() -> None:
    u = user(attrs=PHONE, **TOTP)
    mfa.apply_preference(pool(), u, {
        "SMSMfaSettings": {"Enabled": True},
        "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
    })
    assert u["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert u["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    mfa.apply_preference(pool(), u, {"SMSMfaSettings": {"PreferredMfa": True}})
    assert u["PreferredMfaSetting"] == "SMS_MFA"


def test_turning_off_drops_the_preference_and_legacy_options() -> None:
    u = user(attrs=PHONE, UserMFASettingList=["SMS_MFA"], PreferredMfaSetting="SMS_MFA",
             MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    mfa.apply_preference(pool(), u, {"SMSMfaSettings": {"Enabled": False}})
    assert "UserMFASettingList" not in u and "PreferredMfaSetting" not in u
    assert "MFAOptions" not in u


def test_omitted_settings_are_left_alone() -> None:
    u = user(attrs=PHONE, UserMFASettingList=["SMS_MFA"], PreferredMfaSetting="SMS_MFA")
    mfa.apply_preference(pool(), u, {})
    assert u["UserMFASettingList"] == ["SMS_MFA"] and u["PreferredMfaSetting"] == "SMS_MFA"


@pytest.mark.parametrize("key,factor", [
    ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
    ("SMSMfaSettings", "SMS_MFA"),
])
def test_turning_on_without_delivery(key: str, factor: str) -> None:
    with pytest.raises(InvalidParameter) as exc:
        mfa.apply_preference(pool(), user(), {key: {"Enabled": True}})
    assert exc.value.message == f"User does not have delivery config set to turn on {factor}"


def test_email_mfa_needs_developer_email_and_a_paid_tier() -> None:
    u = user(attrs=EMAIL)
    with pytest.raises(InvalidParameter) as exc:
        mfa.apply_preference(pool(), u, {"EmailMfaSettings": {"Enabled": True}})
    assert "DEVELOPER" in exc.value.message
    with pytest.raises(FeatureUnavailableInTier):
        mfa.apply_preference(pool(UserPoolTier="LITE"), u, {"EmailMfaSettings": {"Enabled": True}})
    mfa.apply_preference(pool("OPTIONAL", "EMAIL"), u, {"EmailMfaSettings": {"Enabled": True}})
    assert u["UserMFASettingList"] == ["EMAIL_OTP"]


def test_one_preferred_and_only_an_enabled_one() -> None:
    u = user(attrs=PHONE, **TOTP)
    with pytest.raises(InvalidParameter):
        mfa.apply_preference(pool(), u, {
            "SMSMfaSettings": {"Enabled": True, "PreferredMfa": True},
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        })
    with pytest.raises(InvalidParameter):
        mfa.apply_preference(pool(), u, {"SMSMfaSettings": {"Enabled": False,
                                                            "PreferredMfa": True}})
    assert "UserMFASettingList" not in u


def test_enable_after_setup_prefers_only_when_nothing_is() -> None:
    u = user(attrs=PHONE, UserMFASettingList=["SMS_MFA"], PreferredMfaSetting="SMS_MFA")
    mfa.enable_after_setup(u, "SOFTWARE_TOKEN_MFA")
    assert u["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert u["PreferredMfaSetting"] == "SMS_MFA"
    fresh = user()
    mfa.enable_after_setup(fresh, "SOFTWARE_TOKEN_MFA")
    assert fresh["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_auth_factors() -> None:
    p = pool(Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}})
    u = user(_PasswordHash="h", attrs={**EMAIL, "email_verified": "true", **PHONE,
                                      "phone_number_verified": "true"})
    assert mfa.auth_factors(p, u) == ["PASSWORD", "EMAIL_OTP"]
    assert mfa.auth_factors(pool(), user()) == []


# -- TOTP ---------------------------------------------------------------------------------
def test_secret_is_160_bit_base32() -> None:
    secret = mfa.new_secret()
    assert len(secret) == 32 and secret.isalnum() and secret == secret.upper()
    assert secret != mfa.new_secret()


def test_totp_accepts_one_step_either_side() -> None:
    secret = mfa.new_secret()
    totp = pyotp.TOTP(secret)
    step = totp.timecode(NOW)
    assert mfa.totp_step(secret, totp.at(NOW), NOW) == step
    assert mfa.totp_step(secret, totp.at(NOW - 30), NOW) == step - 1
    assert mfa.totp_step(secret, totp.at(NOW + 30), NOW) == step + 1
    stale = totp.at(NOW - 60)
    if stale not in {totp.at(NOW + d) for d in (-30, 0, 30)}:
        assert mfa.totp_step(secret, stale, NOW) is None


def test_a_used_step_cannot_be_used_again() -> None:
    mfa.check_not_reused(10, None)
    mfa.check_not_reused(11, 10)
    for step in (10, 9):
        with pytest.raises(ExpiredCode) as exc:
            mfa.check_not_reused(step, 10)
        assert exc.value.message == "Your software token has already been used once."
