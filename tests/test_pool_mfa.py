"""SetUserPoolMfaConfig and GetUserPoolMfaConfig over HTTP (both stores).

The rules are reference §1.3 (shared/reference/cognito.md) and docs/update-user-pool.md.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

MISSING_POOL = "us-east-1_Missing000"
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms-role", "ExternalId": "ext-1",
       "SnsRegion": "us-east-1"}
DEVELOPER_EMAIL = {"EmailSendingAccount": "DEVELOPER",
                   "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}
EMAIL_MFA = {"Message": "Your sign-in code is {####}", "Subject": "Sign-in code"}
OFF_WITH_FACTOR = ("Invalid MFA configuration given, can't turn off MFA and configure an MFA "
                   "together.")
ALL_DISABLED = ("Invalid MFA configuration given, can't disable all MFAs with a required or "
                "optional configuration.")




def create(cognito: Any, **kwargs: Any) -> str:
    return cognito.create_user_pool(PoolName=f"mfa-{uuid.uuid4().hex[:8]}", **kwargs)[
        "UserPool"]["Id"]


def get(cognito: Any, pool_id: str) -> dict[str, Any]:
    response = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    response.pop("ResponseMetadata")
    return response


def put(cognito: Any, pool_id: str, **kwargs: Any) -> dict[str, Any]:
    response = cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **kwargs)
    response.pop("ResponseMetadata")
    assert response == get(cognito, pool_id)  # Set answers what Get then reads
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == \
        response["MfaConfiguration"]
    return response


def refused(cognito: Any, pool_id: str, **kwargs: Any) -> tuple[str, str]:
    """The error of a SetUserPoolMfaConfig, after checking that it changed nothing."""
    before = (get(cognito, pool_id), cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"])
    with pytest.raises(ClientError) as exc:
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **kwargs)
    after = (get(cognito, pool_id), cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"])
    assert after == before
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_fresh_pool_has_mfa_off(cognito: Any, pool_id: str) -> None:
    assert get(cognito, pool_id) == {"MfaConfiguration": "OFF"}


def test_round_trip_of_every_factor(cognito: Any) -> None:
    pool_id = create(cognito, EmailConfiguration=DEVELOPER_EMAIL)
    response = put(
        cognito, pool_id, MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "MFA code {####}",
                             "SmsConfiguration": SMS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration=EMAIL_MFA,
        WebAuthnConfiguration={"RelyingPartyId": "auth.example.com",
                               "UserVerification": "required",
                               "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"},
    )
    assert response == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "MFA code {####}",
                                "SmsConfiguration": SMS},
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": EMAIL_MFA,
        "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com",
                                  "UserVerification": "required",
                                  "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"},
    }
    # SMS MFA shares the pool's SMS settings.
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["SmsConfiguration"] == SMS
    assert pool["SmsAuthenticationMessage"] == "MFA code {####}"
    # Sending back what Get returned changes nothing.
    assert put(cognito, pool_id, **response) == response


def test_sms_factor_uses_the_pool_sms_configuration(cognito: Any) -> None:
    pool_id = create(cognito, SmsConfiguration=SMS)
    assert put(cognito, pool_id, MfaConfiguration="ON", SmsMfaConfiguration={}) == {
        "MfaConfiguration": "ON",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Your authentication code is {####}. ",
                                "SmsConfiguration": SMS},
    }


def test_off_cannot_come_with_a_factor(cognito: Any) -> None:
    pool_id = create(cognito, SmsConfiguration=SMS, EmailConfiguration=DEVELOPER_EMAIL)
    for factor in ({"SmsMfaConfiguration": {}},
                   {"SoftwareTokenMfaConfiguration": {"Enabled": True}},
                   {"EmailMfaConfiguration": EMAIL_MFA}):
        assert refused(cognito, pool_id, MfaConfiguration="OFF", **factor) == (
            "InvalidParameterException", OFF_WITH_FACTOR), factor


def test_off_with_webauthn_is_accepted(cognito: Any, pool_id: str) -> None:
    # WebAuthn isn't an MFA factor (go-to-k/cdkd#1923); UserVerification defaults to preferred.
    assert put(cognito, pool_id, MfaConfiguration="OFF",
               WebAuthnConfiguration={"RelyingPartyId": "example.com"}) == {
        "MfaConfiguration": "OFF",
        "WebAuthnConfiguration": {"RelyingPartyId": "example.com",
                                  "UserVerification": "preferred"},
    }


@pytest.mark.parametrize("mfa", ["ON", "OPTIONAL"])
def test_on_or_optional_needs_a_factor(cognito: Any, mfa: str) -> None:
    pool_id = create(cognito, SmsConfiguration=SMS)
    for factors in ({}, {"SoftwareTokenMfaConfiguration": {"Enabled": False}},
                    {"WebAuthnConfiguration": {"RelyingPartyId": "example.com"}}):
        assert refused(cognito, pool_id, MfaConfiguration=mfa, **factors) == (
            "InvalidParameterException", ALL_DISABLED), factors


def test_totp_alone_needs_no_sms(cognito: Any, pool_id: str) -> None:
    assert put(cognito, pool_id, MfaConfiguration="ON",
               SoftwareTokenMfaConfiguration={"Enabled": True}) == {
        "MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    # MFA ON after creation through SetUserPoolMfaConfig (UpdateUserPool refuses OFF -> ON).
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "ON"


def test_sms_factor_needs_an_sms_configuration(cognito: Any, pool_id: str) -> None:
    assert refused(cognito, pool_id, MfaConfiguration="OPTIONAL", SmsMfaConfiguration={
        "SmsAuthenticationMessage": "Code {####}"}) == (
        "InvalidParameterException", "SMS configuration is required to enable SMS MFA.")


def test_email_factor_needs_developer_email_and_essentials(cognito: Any) -> None:
    default_email = create(cognito)
    assert refused(cognito, default_email, MfaConfiguration="OPTIONAL",
                   EmailMfaConfiguration=EMAIL_MFA) == (
        "InvalidParameterException",
        "Email MFA requires EmailSendingAccount DEVELOPER in the EmailConfiguration.")
    lite = create(cognito, UserPoolTier="LITE", EmailConfiguration=DEVELOPER_EMAIL)
    assert refused(cognito, lite, MfaConfiguration="OPTIONAL",
                   EmailMfaConfiguration=EMAIL_MFA) == (
        "FeatureUnavailableInTierException",
        "The following features need to be disabled for the LITE pricing tier configured: "
        "Email MFA")
    essentials = create(cognito, EmailConfiguration=DEVELOPER_EMAIL)
    assert put(cognito, essentials, MfaConfiguration="OPTIONAL",
               EmailMfaConfiguration={"Message": "Code {####}"})["EmailMfaConfiguration"] == {
        "Message": "Code {####}"}


def test_passkey_mfa_needs_essentials(cognito: Any) -> None:
    lite = create(cognito, UserPoolTier="LITE")
    passkey = {"RelyingPartyId": "example.com",
               "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}
    assert refused(cognito, lite, MfaConfiguration="OPTIONAL",
                   SoftwareTokenMfaConfiguration={"Enabled": True},
                   WebAuthnConfiguration=passkey) == (
        "FeatureUnavailableInTierException",
        "The following features need to be disabled for the LITE pricing tier configured: "
        "Passkey MFA")
    # Single-factor passkeys and TOTP are Lite features.
    put(cognito, lite, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={**passkey, "FactorConfiguration": "SINGLE_FACTOR"})


def test_sms_mfa_on_refuses_phone_recovery(cognito: Any) -> None:
    phone = {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"},
                                    {"Priority": 2, "Name": "verified_phone_number"}]}
    pool_id = create(cognito, SmsConfiguration=SMS, AccountRecoverySetting=phone)
    assert refused(cognito, pool_id, MfaConfiguration="ON", SmsMfaConfiguration={}) == (
        "InvalidParameterException",
        "Invalid account recovery setting parameter. Account Recovery Setting cannot use "
        "verified_phone_number as a recovery mechanism when SMS MFA is configured.")
    # OPTIONAL, or ON with another factor only, is fine.
    put(cognito, pool_id, MfaConfiguration="OPTIONAL", SmsMfaConfiguration={})
    put(cognito, pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True})


def test_omitted_factor_is_turned_off_and_omitted_mode_is_kept(cognito: Any) -> None:
    pool_id = create(cognito, SmsConfiguration=SMS)
    put(cognito, pool_id, MfaConfiguration="OPTIONAL", SmsMfaConfiguration={},
        SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={"RelyingPartyId": "example.com"})
    assert put(cognito, pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}) == {
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "WebAuthnConfiguration": {"RelyingPartyId": "example.com",
                                  "UserVerification": "preferred"},
    }
    # Turning MFA off keeps the SMS settings of the pool (SMS can't be deactivated).
    assert put(cognito, pool_id, MfaConfiguration="OFF")["MfaConfiguration"] == "OFF"
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SmsConfiguration"] == SMS


def test_update_user_pool_keeps_the_mfa_set_up(cognito: Any, pool_id: str) -> None:
    config = put(cognito, pool_id, MfaConfiguration="ON",
                 SoftwareTokenMfaConfiguration={"Enabled": True})
    cognito.update_user_pool(UserPoolId=pool_id, PoolName="renamed")
    assert get(cognito, pool_id) == config


def test_unknown_pool_and_bad_input(cognito: Any, loose: Any, pool_id: str) -> None:
    for call in (cognito.get_user_pool_mfa_config, cognito.set_user_pool_mfa_config):
        with pytest.raises(ClientError) as exc:
            call(UserPoolId=MISSING_POOL)
        assert exc.value.response["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": f"User pool {MISSING_POOL} does not exist."}
    cases = [
        (loose.get_user_pool_mfa_config, {},
         "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
         "Member must not be null"),
        (loose.set_user_pool_mfa_config, {},
         "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
         "Member must not be null"),
        (loose.set_user_pool_mfa_config, {"UserPoolId": pool_id, "MfaConfiguration": "MAYBE"},
         "1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy "
         "constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"),
        (loose.set_user_pool_mfa_config,
         {"UserPoolId": pool_id, "MfaConfiguration": "OPTIONAL",
          "WebAuthnConfiguration": {"RelyingPartyId": "x" * 128}},
         None),
        (loose.set_user_pool_mfa_config,
         {"UserPoolId": pool_id, "MfaConfiguration": "OPTIONAL",
          "SmsMfaConfiguration": {"SmsAuthenticationMessage": "no code here"}},
         None),
        (loose.set_user_pool_mfa_config,
         {"UserPoolId": pool_id, "MfaConfiguration": "OPTIONAL",
          "EmailMfaConfiguration": {"Message": "no code here"}},
         None),
    ]
    for call, kwargs, message in cases:
        with pytest.raises(ClientError) as exc:
            call(**kwargs)
        assert exc.value.response["Error"]["Code"] == "InvalidParameterException", kwargs
        if message:
            assert exc.value.response["Error"]["Message"] == message
        else:
            assert exc.value.response["Error"]["Message"].startswith(
                "1 validation error detected: "), kwargs
    assert get(cognito, pool_id) == {"MfaConfiguration": "OFF"}
