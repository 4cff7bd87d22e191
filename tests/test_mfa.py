"""MFA over HTTP (both stores): TOTP set-up and sign-in, SMS and email codes from the outbox,
MFA_SETUP in a pool that requires MFA, SELECT_MFA_TYPE, preferences and their errors.

The rules are src/userpool/domain/mfa.py and operations/mfa_flow.py (sources there).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from typing import Any

import pyotp

from tests.auth_helpers import confirmed_user, flows_client, password_sign_in
from tests.server import Server
from tests.user_helpers import STRONG, address, attrs, last_code, last_message, rejected, unique

SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms-role", "ExternalId": "ext-1",
       "SnsRegion": "us-east-1"}
DEVELOPER_EMAIL = {"EmailSendingAccount": "DEVELOPER",
                   "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}
SMS_MFA = {"SmsAuthenticationMessage": "Your MFA code is {####}", "SmsConfiguration": SMS}
EMAIL_MFA = {"Message": "Your sign-in code is {####}", "Subject": "Sign-in code"}
MISSING_POOL = "us-east-1_Missing000"


# -- helpers --------------------------------------------------------------------------------------
def mfa_pool(cognito: Any, mode: str = "OPTIONAL", *, totp: bool = False, sms: bool = False,
             email: bool = False) -> str:
    kwargs: dict[str, Any] = {}
    if sms:
        kwargs["SmsConfiguration"] = SMS
    if email:
        kwargs["EmailConfiguration"] = DEVELOPER_EMAIL
    pool_id = cognito.create_user_pool(PoolName=unique("mfa-"), **kwargs)["UserPool"]["Id"]
    config: dict[str, Any] = {"MfaConfiguration": mode}
    if totp:
        config["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if sms:
        config["SmsMfaConfiguration"] = SMS_MFA
    if email:
        config["EmailMfaConfiguration"] = EMAIL_MFA
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **config)
    return pool_id


def phone() -> str:
    return "+1206" + f"{int(uuid.uuid4().hex[:8], 16) % 10_000_000:07d}"


def admin_sign_in(cognito: Any, pool_id: str, client: dict[str, Any], username: str
                  ) -> dict[str, Any]:
    return cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG})


def respond(cognito: Any, client: dict[str, Any], step: dict[str, Any], username: str,
            **answers: str) -> dict[str, Any]:
    return cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"], ChallengeName=step["ChallengeName"], Session=step["Session"],
        ChallengeResponses={"USERNAME": username, **answers})


def wrong_code(totp: pyotp.TOTP) -> str:
    near = {totp.at(time.time() + d) for d in (-60, -30, 0, 30, 60)}
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in near:
            return code


def public(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def setup_totp(cognito: Any, access: str) -> pyotp.TOTP:
    """Associate and verify an authenticator with an access token (its code is then spent)."""
    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    totp = pyotp.TOTP(secret)
    result = cognito.verify_software_token(AccessToken=access, UserCode=totp.now(),
                                           FriendlyDeviceName="phone app")
    assert public(result) == {"Status": "SUCCESS"}
    return totp


# -- TOTP -----------------------------------------------------------------------------------------
def test_totp_end_to_end(cognito: Any) -> None:
    pool_id = mfa_pool(cognito, totp=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    access = password_sign_in(cognito, app, name)["AuthenticationResult"]["AccessToken"]

    associated = cognito.associate_software_token(AccessToken=access)
    assert "Session" not in associated
    secret = associated["SecretCode"]
    assert len(secret) >= 32 and secret.isalnum()  # ≥160 bits of base32
    totp = pyotp.TOTP(secret)
    used = totp.now()
    assert cognito.verify_software_token(AccessToken=access, UserCode=used)["Status"] == "SUCCESS"
    # Verified, not yet on: optional MFA still signs in without a code.
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)
    assert "UserMFASettingList" not in cognito.get_user(AccessToken=access)

    cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    shown = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert cognito.get_user(AccessToken=access)["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    step = password_sign_in(cognito, app, name)
    assert step["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    code, message = rejected(respond, cognito=cognito, client=app, step=step, username=name,
                             SOFTWARE_TOKEN_MFA_CODE=wrong_code(totp))
    assert (code, message) == ("CodeMismatchException", "Invalid code received for user")
    # The code VerifySoftwareToken spent can't sign in (and the session survives the refusal).
    code, message = rejected(respond, cognito=cognito, client=app, step=step, username=name,
                             SOFTWARE_TOKEN_MFA_CODE=used)
    assert code in ("ExpiredCodeException", "CodeMismatchException")  # mismatch once stale
    if code == "ExpiredCodeException":
        assert message == "Your software token has already been used once."
    fresh = totp.at(time.time() + 30)
    done = respond(cognito, app, step, name, SOFTWARE_TOKEN_MFA_CODE=fresh)
    assert done["AuthenticationResult"]["AccessToken"]
    code, message = rejected(respond, cognito=cognito, client=app, step=step, username=name,
                             SOFTWARE_TOKEN_MFA_CODE=fresh)
    assert code == "NotAuthorizedException"  # a session answers once

    again = password_sign_in(cognito, app, name)
    assert rejected(respond, cognito=cognito, client=app, step=again, username=name,
                    SOFTWARE_TOKEN_MFA_CODE=fresh) == (
        "ExpiredCodeException", "Your software token has already been used once.")


def test_software_token_errors(cognito: Any, loose: Any) -> None:
    pool_id = mfa_pool(cognito, totp=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    access = password_sign_in(cognito, app, name)["AuthenticationResult"]["AccessToken"]

    assert rejected(cognito.set_user_mfa_preference, AccessToken=access,
                    SoftwareTokenMfaSettings={"Enabled": True}) == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    code, _ = rejected(cognito.verify_software_token, AccessToken=access, UserCode="123456")
    assert code == "SoftwareTokenMFANotFoundException"

    secret = cognito.associate_software_token(AccessToken=access)["SecretCode"]
    assert rejected(cognito.verify_software_token, AccessToken=access,
                    UserCode=wrong_code(pyotp.TOTP(secret))) == (
        "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    code, _ = rejected(cognito.associate_software_token, AccessToken=access, Session="s" * 40)
    assert code == "InvalidParameterException"
    code, _ = rejected(cognito.associate_software_token)
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.verify_software_token, AccessToken=access, UserCode="12345")
    assert code == "InvalidParameterException"  # the model's 6-character code
    code, _ = rejected(cognito.associate_software_token, AccessToken="not.a.token")
    assert code == "NotAuthorizedException"
    code, _ = rejected(cognito.associate_software_token, Session="x" * 40)
    assert code == "NotAuthorizedException"

    # A pool without software-token MFA refuses to associate one.
    plain = cognito.create_user_pool(PoolName=unique("plain-"))["UserPool"]["Id"]
    other = flows_client(cognito, plain)
    someone = confirmed_user(cognito, plain)
    token = password_sign_in(cognito, other, someone)["AuthenticationResult"]["AccessToken"]
    code, _ = rejected(cognito.associate_software_token, AccessToken=token)
    assert code == "SoftwareTokenMFANotFoundException"


def test_a_new_association_keeps_the_verified_authenticator(cognito: Any) -> None:
    pool_id = mfa_pool(cognito, totp=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    access = password_sign_in(cognito, app, name)["AuthenticationResult"]["AccessToken"]
    totp = setup_totp(cognito, access)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SoftwareTokenMfaSettings={"Enabled": True})
    cognito.associate_software_token(AccessToken=access)  # never verified
    step = password_sign_in(cognito, app, name)
    done = respond(cognito, app, step, name, SOFTWARE_TOKEN_MFA_CODE=totp.at(time.time() + 30))
    assert "AuthenticationResult" in done


# -- MFA_SETUP ------------------------------------------------------------------------------------
def test_required_mfa_sets_up_totp_during_sign_in(cognito: Any) -> None:
    pool_id = mfa_pool(cognito, "ON", totp=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)

    step = password_sign_in(cognito, app, name)
    assert step["ChallengeName"] == "MFA_SETUP"
    assert json.loads(step["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    assert step["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    # Answering before an authenticator is verified fails.
    early = password_sign_in(cognito, app, name)
    code, _ = rejected(respond, cognito=cognito, client=app, step=early, username=name)
    assert code == "InvalidParameterException"

    associated = cognito.associate_software_token(Session=step["Session"])
    assert associated["Session"] != step["Session"]
    totp = pyotp.TOTP(associated["SecretCode"])
    code, _ = rejected(cognito.verify_software_token, Session=associated["Session"],
                       UserCode=wrong_code(totp))
    assert code == "EnableSoftwareTokenMFAException"
    verified = cognito.verify_software_token(Session=associated["Session"], UserCode=totp.now(),
                                             FriendlyDeviceName="laptop")
    assert verified["Status"] == "SUCCESS" and verified["Session"]
    done = respond(cognito, app, {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]},
                   name)
    assert done["AuthenticationResult"]["IdToken"]

    shown = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    access = done["AuthenticationResult"]["AccessToken"]
    factors = public(cognito.get_user_auth_factors(AccessToken=access))
    assert factors == {"Username": name, "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
                       "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
                       "ConfiguredUserAuthFactors": ["PASSWORD"]}
    assert password_sign_in(cognito, app, name)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_required_mfa_sets_up_email_during_sign_in(cognito: Any, server: Server) -> None:
    pool_id = mfa_pool(cognito, "ON", email=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    step = password_sign_in(cognito, app, name)
    assert step["ChallengeParameters"] == {"MFAS_CAN_SETUP": '["EMAIL_OTP"]'}
    mail = address("setup")
    code, _ = rejected(respond, cognito=cognito, client=app, step=step, username=name,
                       EMAIL="not-an-address")
    assert code == "InvalidParameterException"
    step = password_sign_in(cognito, app, name)
    sent = respond(cognito, app, step, name, EMAIL=mail)
    assert sent["ChallengeName"] == "EMAIL_OTP"
    assert sent["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "s***@e***.com"
    done = respond(cognito, app, sent, name, EMAIL_OTP_CODE=last_code(server, mail))
    assert "AuthenticationResult" in done
    shown = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert shown["UserMFASettingList"] == ["EMAIL_OTP"]
    assert {"Name": "email", "Value": mail} in shown["UserAttributes"]
    assert {"Name": "email_verified", "Value": "true"} in shown["UserAttributes"]
    assert password_sign_in(cognito, app, name)["ChallengeName"] == "EMAIL_OTP"


# -- SMS and email --------------------------------------------------------------------------------
def test_sms_mfa(cognito: Any, server: Server) -> None:
    pool_id = mfa_pool(cognito, sms=True)
    app = flows_client(cognito, pool_id)
    number = phone()
    name = confirmed_user(cognito, pool_id, attributes=attrs(phone_number=number))
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    shown = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert shown["UserMFASettingList"] == ["SMS_MFA"]

    step = admin_sign_in(cognito, pool_id, app, name)
    assert step["ChallengeName"] == "SMS_MFA"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******" + number[-4:]
    sent = last_message(server, number)
    assert sent["Body"].startswith("Your MFA code is ")
    code = last_code(server, number)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    def answer(value: str) -> dict[str, Any]:
        return cognito.admin_respond_to_auth_challenge(
            UserPoolId=pool_id, ClientId=app["ClientId"], ChallengeName="SMS_MFA",
            Session=step["Session"], ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": value})

    assert rejected(answer, value=wrong) == (
        "CodeMismatchException", "Invalid code or auth state for the user.")
    assert answer(code)["AuthenticationResult"]["AccessToken"]
    assert rejected(answer, value=code)[0] == "NotAuthorizedException"


def test_required_mfa_uses_the_phone_number_without_a_preference(cognito: Any,
                                                                 server: Server) -> None:
    pool_id = mfa_pool(cognito, "ON", sms=True)
    app = flows_client(cognito, pool_id)
    number = phone()
    name = confirmed_user(cognito, pool_id, attributes=attrs(phone_number=number))
    step = password_sign_in(cognito, app, name)
    assert step["ChallengeName"] == "SMS_MFA"
    done = respond(cognito, app, step, name, SMS_MFA_CODE=last_code(server, number))
    assert "AuthenticationResult" in done
    bare = confirmed_user(cognito, pool_id)
    step = password_sign_in(cognito, app, bare)
    assert (step["ChallengeName"], step["ChallengeParameters"]) == (
        "MFA_SETUP", {"MFAS_CAN_SETUP": '["SMS_MFA"]'})


def test_email_mfa(cognito: Any, server: Server) -> None:
    pool_id = mfa_pool(cognito, email=True)
    app = flows_client(cognito, pool_id)
    mail = address("mfa")
    name = confirmed_user(cognito, pool_id, attributes=attrs(email=mail))
    access = password_sign_in(cognito, app, name)["AuthenticationResult"]["AccessToken"]
    cognito.set_user_mfa_preference(AccessToken=access, EmailMfaSettings={"Enabled": True})
    assert cognito.get_user(AccessToken=access)["UserMFASettingList"] == ["EMAIL_OTP"]

    step = password_sign_in(cognito, app, name)
    assert step["ChallengeName"] == "EMAIL_OTP"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "m***@e***.com"
    sent = last_message(server, mail)
    assert sent["Subject"] == "Sign-in code"
    code = last_code(server, mail)
    assert rejected(respond, cognito=cognito, client=app, step=step, username=name,
                    EMAIL_OTP_CODE=f"{(int(code) + 1) % 1_000_000:06d}")[0] == (
        "CodeMismatchException")
    done = respond(cognito, app, step, name, EMAIL_OTP_CODE=code)
    assert "AuthenticationResult" in done


def test_select_mfa_type(cognito: Any, server: Server) -> None:
    pool_id = mfa_pool(cognito, sms=True, email=True)
    app = flows_client(cognito, pool_id)
    mail, number = address("pick"), phone()
    name = confirmed_user(cognito, pool_id, attributes=attrs(email=mail, phone_number=number))
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": True},
                                          EmailMfaSettings={"Enabled": True})
    step = password_sign_in(cognito, app, name)
    assert step["ChallengeName"] == "SELECT_MFA_TYPE"
    assert step["ChallengeParameters"] == {"MFAS_CAN_CHOOSE": '["SMS_MFA","EMAIL_OTP"]'}
    code, _ = rejected(respond, cognito=cognito, client=app, step=step, username=name,
                       ANSWER="SOFTWARE_TOKEN_MFA")
    assert code == "InvalidParameterException"
    chosen = respond(cognito, app, step, name, ANSWER="EMAIL_OTP")
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    done = respond(cognito, app, chosen, name, EMAIL_OTP_CODE=last_code(server, mail))
    assert "AuthenticationResult" in done

    # With a preference there's no choice to make.
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert password_sign_in(cognito, app, name)["ChallengeName"] == "SMS_MFA"


def test_mfa_off_ignores_user_settings(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName=unique("off-"))["UserPool"]["Id"]
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id, attributes=attrs(phone_number=phone()))
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": True})
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)


# -- preferences ----------------------------------------------------------------------------------
def test_preference_errors(cognito: Any, loose: Any) -> None:
    pool_id = mfa_pool(cognito, sms=True)
    name = confirmed_user(cognito, pool_id, attributes=attrs(email=address()))
    assert rejected(cognito.admin_set_user_mfa_preference, UserPoolId=pool_id, Username=name,
                    SMSMfaSettings={"Enabled": True}) == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SMS_MFA")
    code, message = rejected(cognito.admin_set_user_mfa_preference, UserPoolId=pool_id,
                             Username=name, EmailMfaSettings={"Enabled": True})
    assert code == "InvalidParameterException" and "DEVELOPER" in message
    code, _ = rejected(cognito.admin_set_user_mfa_preference, UserPoolId=pool_id, Username=name,
                       EmailMfaSettings={"Enabled": False, "PreferredMfa": True})
    assert code == "InvalidParameterException"
    assert rejected(cognito.admin_set_user_mfa_preference, UserPoolId=pool_id,
                    Username="nobody", SMSMfaSettings={"Enabled": False}) == (
        "UserNotFoundException", "User does not exist.")
    assert rejected(cognito.admin_set_user_mfa_preference, UserPoolId=MISSING_POOL,
                    Username=name)[0] == "ResourceNotFoundException"
    code, _ = rejected(loose.admin_set_user_mfa_preference, UserPoolId=pool_id)
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.admin_set_user_mfa_preference, UserPoolId=pool_id, Username=name,
                       SMSMfaSettings={"Enabled": "yes"})
    assert code in ("InvalidParameterException", "SerializationException")


def test_turning_factors_off(cognito: Any) -> None:
    pool_id = mfa_pool(cognito, sms=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id, attributes=attrs(phone_number=phone()))
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          SMSMfaSettings={"Enabled": False})
    shown = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert "UserMFASettingList" not in shown and "PreferredMfaSetting" not in shown
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)


def test_get_user_auth_factors_without_mfa(cognito: Any) -> None:
    pool_id = mfa_pool(cognito, totp=True)
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    access = password_sign_in(cognito, app, name)["AuthenticationResult"]["AccessToken"]
    assert public(cognito.get_user_auth_factors(AccessToken=access)) == {
        "Username": name, "ConfiguredUserAuthFactors": ["PASSWORD"]}
    code, _ = rejected(cognito.get_user_auth_factors, AccessToken="bad.token.here")
    assert code == "NotAuthorizedException"
