"""Choice-based sign-in (AuthFlow USER_AUTH) and automatic sign-in after ConfirmSignUp, over
HTTP on both stores, plus the pure eligibility rules.

The rules and their sources: src/userpool/operations/user_auth.py (reference §3.4, §3.5).
"""

from __future__ import annotations

import uuid
from typing import Any

from pycognito.aws_srp import AWSSRP

from tests.auth_helpers import confirmed_user, expire_sessions
from tests.server import Server
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    last_code,
    last_message,
    make_client,
    messages,
    rejected,
    secret_hash,
    unique,
)
from userpool.operations import user_auth

SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms-role", "ExternalId": "ext-1",
       "SnsRegion": "us-east-1"}
DEVELOPER_EMAIL = {"EmailSendingAccount": "DEVELOPER",
                   "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}
ALL_FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
USER_AUTH = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
INCORRECT = "Incorrect username or password."
MISMATCH = "Invalid code or auth state for the user."


# -- helpers --------------------------------------------------------------------------------------
def choice_pool(cognito: Any, factors: list[str] | None = None, **kwargs: Any) -> str:
    """A pool whose sign-in policy allows ``factors``, sending email through SES and SMS."""
    policy = {"SignInPolicy": {"AllowedFirstAuthFactors": factors or ALL_FACTORS}}
    return cognito.create_user_pool(
        PoolName=unique("choice-"), Policies=policy, EmailConfiguration=DEVELOPER_EMAIL,
        SmsConfiguration=SMS, **kwargs)["UserPool"]["Id"]


def app(cognito: Any, pool_id: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("ExplicitAuthFlows", USER_AUTH)
    return make_client(cognito, pool_id, **kwargs)


def phone() -> str:
    return "+1206" + f"{int(uuid.uuid4().hex[:8], 16) % 10_000_000:07d}"


def person(cognito: Any, pool_id: str) -> tuple[str, str, str]:
    """A CONFIRMED user with a password, an (unverified) email and a phone number."""
    mail, number = address("ua"), phone()
    name = confirmed_user(cognito, pool_id, attributes=attrs(email=mail, phone_number=number))
    return name, mail, number


def begin(cognito: Any, client: dict[str, Any], username: str, **params: str) -> dict[str, Any]:
    return cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                                 AuthParameters={"USERNAME": username, **params})


def answer(cognito: Any, client: dict[str, Any], step: dict[str, Any], username: str,
           **responses: str) -> dict[str, Any]:
    return cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"], ChallengeName=step["ChallengeName"], Session=step["Session"],
        ChallengeResponses={"USERNAME": username, **responses})


def shown(cognito: Any, pool_id: str, name: str) -> dict[str, Any]:
    return cognito.admin_get_user(UserPoolId=pool_id, Username=name)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# -- SELECT_CHALLENGE -----------------------------------------------------------------------------
def test_select_challenge_lists_what_the_user_can_use(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, _, _ = person(cognito, pool_id)
    step = begin(cognito, client, name)
    assert step["ChallengeName"] == "SELECT_CHALLENGE"
    assert step["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    assert step["ChallengeParameters"] == {}
    assert 20 <= len(step["Session"]) <= 2048
    # No phone number: no SMS_OTP. The policy's order is kept.
    ordered = choice_pool(cognito, ["SMS_OTP", "EMAIL_OTP", "PASSWORD"])
    mail_only = confirmed_user(cognito, ordered, attributes=attrs(email=address()))
    listed = begin(cognito, app(cognito, ordered), mail_only)["AvailableChallenges"]
    assert listed == ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]


def test_pool_capabilities_narrow_the_factors(cognito: Any) -> None:
    # Default pool: PASSWORD only. EMAIL_OTP needs SES (DEVELOPER) email, SMS_OTP SMS settings.
    plain = cognito.create_user_pool(PoolName=unique("plain-"))["UserPool"]["Id"]
    name = confirmed_user(cognito, plain, attributes=attrs(email=address()))
    assert begin(cognito, app(cognito, plain), name)["AvailableChallenges"] == [
        "PASSWORD", "PASSWORD_SRP"]
    no_ses = cognito.create_user_pool(
        PoolName=unique("noses-"),
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ALL_FACTORS}})["UserPool"]["Id"]
    name = confirmed_user(cognito, no_ses, attributes=attrs(email=address()))
    assert begin(cognito, app(cognito, no_ses), name)["AvailableChallenges"] == [
        "PASSWORD", "PASSWORD_SRP"]


def test_select_password(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, _, _ = person(cognito, pool_id)
    # In one step, with the password.
    step = begin(cognito, client, name)
    done = answer(cognito, client, step, name, ANSWER="PASSWORD", PASSWORD=STRONG)
    assert done["AuthenticationResult"]["AccessToken"]
    # Without it: the PASSWORD challenge follows; a wrong password fails as usual.
    step = begin(cognito, client, name)
    asked = answer(cognito, client, step, name, ANSWER="PASSWORD")
    assert asked["ChallengeName"] == "PASSWORD"
    assert rejected(answer, cognito=cognito, client=client, step=asked, username=name,
                    PASSWORD=OTHER) == ("NotAuthorizedException", INCORRECT)
    asked = answer(cognito, client, begin(cognito, client, name), name, ANSWER="PASSWORD")
    assert rejected(answer, cognito=cognito, client=client, step=asked, username=name) == (
        "InvalidParameterException", "Missing required parameter PASSWORD")
    done = answer(cognito, client, asked, name, PASSWORD=STRONG)  # the session was kept
    assert done["AuthenticationResult"]["RefreshToken"]


def test_select_errors(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)  # password only
    step = begin(cognito, client, name)
    assert step["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name) == (
        "InvalidParameterException", "Missing required parameter ANSWER")
    code, message = rejected(answer, cognito=cognito, client=client, step=step, username=name,
                             ANSWER="EMAIL_OTP")
    assert code == "InvalidParameterException" and "EMAIL_OTP" in message
    # The session survived both mistakes.
    assert answer(cognito, client, step, name, ANSWER="PASSWORD", PASSWORD=STRONG)[
        "AuthenticationResult"]
    # Used once only.
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    ANSWER="PASSWORD", PASSWORD=STRONG)[0] == "NotAuthorizedException"
    # A SELECT_CHALLENGE session answered as another challenge.
    step = begin(cognito, client, name)
    assert rejected(cognito.respond_to_auth_challenge, ClientId=client["ClientId"],
                    ChallengeName="PASSWORD", Session=step["Session"],
                    ChallengeResponses={"USERNAME": name, "PASSWORD": STRONG}) == (
        "InvalidParameterException", "Invalid challenge name PASSWORD for this session.")
    # Expired.
    step = begin(cognito, client, name)
    expire_sessions(server, pool_id)
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    ANSWER="PASSWORD", PASSWORD=STRONG) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


# -- PREFERRED_CHALLENGE ---------------------------------------------------------------------------
def test_preferred_password(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, _, _ = person(cognito, pool_id)
    done = begin(cognito, client, name, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=STRONG)
    assert done["AuthenticationResult"]["IdToken"]
    assert rejected(begin, cognito=cognito, client=client, username=name,
                    PREFERRED_CHALLENGE="PASSWORD", PASSWORD=OTHER) == (
        "NotAuthorizedException", INCORRECT)
    # Admin flow too.
    done = cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client["ClientId"], AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": STRONG})
    assert done["AuthenticationResult"]["AccessToken"]


def test_ineligible_preference_falls_back_to_select(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)  # no phone, no email
    for preferred in ("SMS_OTP", "WEB_AUTHN", "EMAIL_OTP"):
        step = begin(cognito, client, name, PREFERRED_CHALLENGE=preferred)
        assert step["ChallengeName"] == "SELECT_CHALLENGE"
        assert step["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_password_srp(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, _, _ = person(cognito, pool_id)

    def verify(step: dict[str, Any], helper: AWSSRP, params: dict[str, str]) -> dict[str, Any]:
        assert step["ChallengeName"] == "PASSWORD_VERIFIER"
        responses = helper.process_challenge(step["ChallengeParameters"], params)
        return cognito.respond_to_auth_challenge(
            ClientId=client["ClientId"], ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses)

    def helper_for(password: str = STRONG) -> tuple[AWSSRP, dict[str, str]]:
        helper = AWSSRP(username=name, password=password, pool_id=pool_id,
                        client_id=client["ClientId"], client=cognito)
        return helper, helper.get_auth_params()

    # Preferred, with SRP_A: straight to PASSWORD_VERIFIER.
    helper, params = helper_for()
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=params["SRP_A"])
    assert verify(step, helper, params)["AuthenticationResult"]["AccessToken"]
    # Chosen at SELECT_CHALLENGE, with SRP_A.
    helper, params = helper_for()
    step = answer(cognito, client, begin(cognito, client, name), name, ANSWER="PASSWORD_SRP",
                  SRP_A=params["SRP_A"])
    assert verify(step, helper, params)["AuthenticationResult"]["AccessToken"]
    # Chosen without SRP_A: the PASSWORD_SRP challenge asks for it. A wrong password fails.
    helper, params = helper_for(OTHER)
    asked = answer(cognito, client, begin(cognito, client, name), name, ANSWER="PASSWORD_SRP")
    assert asked["ChallengeName"] == "PASSWORD_SRP"
    step = answer(cognito, client, asked, name, SRP_A=params["SRP_A"])
    assert rejected(verify, step=step, helper=helper, params=params) == (
        "NotAuthorizedException", INCORRECT)


# -- one-time passwords ------------------------------------------------------------------------
def test_email_otp(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, mail, _ = person(cognito, pool_id)
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert step["ChallengeName"] == "EMAIL_OTP"
    assert step["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                                           "CODE_DELIVERY_DESTINATION": "u***@e***.com"}
    assert last_message(server, mail)["Purpose"] == "Authentication"
    code = last_code(server, mail)
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    EMAIL_OTP_CODE=other_code(code)) == ("CodeMismatchException", MISMATCH)
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name) == (
        "InvalidParameterException", "Missing required parameter EMAIL_OTP_CODE")
    done = answer(cognito, client, step, name, EMAIL_OTP_CODE=code)
    assert done["AuthenticationResult"]["AccessToken"]
    assert attribute_map(shown(cognito, pool_id, name))["email_verified"] == "true"
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    EMAIL_OTP_CODE=code)[0] == "NotAuthorizedException"


def test_sms_otp_through_select(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, _, number = person(cognito, pool_id)
    before = len(messages(server, number))
    step = answer(cognito, client, begin(cognito, client, name), name, ANSWER="SMS_OTP")
    assert step["ChallengeName"] == "SMS_OTP"
    assert step["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                                           "CODE_DELIVERY_DESTINATION": "+*******" + number[-4:]}
    assert len(messages(server, number)) == before + 1
    done = answer(cognito, client, step, name, SMS_OTP_CODE=last_code(server, number))
    assert done["AuthenticationResult"]["AccessToken"]
    assert attribute_map(shown(cognito, pool_id, name))["phone_number_verified"] == "true"


def test_a_code_is_bound_to_its_address(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, mail, _ = person(cognito, pool_id)
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = last_code(server, mail)
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=name,
                                         UserAttributes=attrs(email=address("moved")))
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    EMAIL_OTP_CODE=code) == ("CodeMismatchException", MISMATCH)


def test_passwordless_sign_up_is_confirmed_by_an_otp(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito, ["PASSWORD", "EMAIL_OTP"])
    client = app(cognito, pool_id)
    mail, name = address("pwless"), unique()
    cognito.sign_up(ClientId=client["ClientId"], Username=name,
                    UserAttributes=attrs(email=mail))
    assert shown(cognito, pool_id, name)["UserStatus"] == "UNCONFIRMED"
    step = begin(cognito, client, name)
    assert step["AvailableChallenges"] == ["EMAIL_OTP"]  # no password to offer
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="EMAIL_OTP")
    done = answer(cognito, client, step, name, EMAIL_OTP_CODE=last_code(server, mail))
    assert done["AuthenticationResult"]["AccessToken"]
    user = shown(cognito, pool_id, name)
    assert user["UserStatus"] == "CONFIRMED"
    assert attribute_map(user)["email_verified"] == "true"


def test_disabled_user_is_refused_after_the_code(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id)
    name, mail, _ = person(cognito, pool_id)
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="EMAIL_OTP")
    cognito.admin_disable_user(UserPoolId=pool_id, Username=name)
    assert rejected(answer, cognito=cognito, client=client, step=step, username=name,
                    EMAIL_OTP_CODE=last_code(server, mail)) == (
        "NotAuthorizedException", "User is disabled.")


# -- MFA and the EMAIL_OTP name clash ----------------------------------------------------------
def test_no_otp_first_factor_when_mfa_is_required(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": SMS})
    client = app(cognito, pool_id)
    name, _, _ = person(cognito, pool_id)
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert step["ChallengeName"] == "SELECT_CHALLENGE"
    assert step["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    # MFA still follows a password.
    mfa = answer(cognito, client, step, name, ANSWER="PASSWORD", PASSWORD=STRONG)
    assert mfa["ChallengeName"] == "SMS_MFA"


def test_optional_mfa_user_gets_email_mfa_after_password(cognito: Any, server: Server) -> None:
    pool_id = choice_pool(cognito)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration={"Message": "MFA code {####}", "Subject": "MFA"})
    client = app(cognito, pool_id)
    name, mail, _ = person(cognito, pool_id)
    plain, plain_mail, _ = person(cognito, pool_id)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool_id, Username=name,
                                          EmailMfaSettings={"Enabled": True})
    # The MFA user can't pick an OTP first factor; the other user still can.
    assert begin(cognito, client, name)["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    assert "EMAIL_OTP" in begin(cognito, client, plain)["AvailableChallenges"]
    # PASSWORD, then email MFA: an EMAIL_OTP challenge answered by the MFA handler.
    step = begin(cognito, client, name, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=STRONG)
    assert step["ChallengeName"] == "EMAIL_OTP"
    assert last_message(server, mail)["Subject"] == "MFA"
    done = answer(cognito, client, step, name, EMAIL_OTP_CODE=last_code(server, mail))
    assert done["AuthenticationResult"]["AccessToken"]
    # A first-factor EMAIL_OTP session reaches this module's handler (and MFA doesn't follow).
    step = begin(cognito, client, plain, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert rejected(answer, cognito=cognito, client=client, step=step, username=plain,
                    EMAIL_OTP_CODE=other_code(last_code(server, plain_mail))) == (
        "CodeMismatchException", MISMATCH)
    done = answer(cognito, client, step, plain, EMAIL_OTP_CODE=last_code(server, plain_mail))
    assert done["AuthenticationResult"]["AccessToken"]


# -- errors and unknown users ------------------------------------------------------------------
def test_flow_errors(cognito: Any, loose: Any) -> None:
    pool_id = choice_pool(cognito)
    name, _, _ = person(cognito, pool_id)
    password_only = make_client(cognito, pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    assert rejected(begin, cognito=cognito, client=password_only, username=name) == (
        "InvalidParameterException", "USER_AUTH flow not enabled for this client")
    client = app(cognito, pool_id)
    assert rejected(cognito.initiate_auth, ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                    AuthParameters={}) == (
        "InvalidParameterException", "Missing required parameter USERNAME")
    code, _ = rejected(loose.initiate_auth, ClientId=client["ClientId"], AuthFlow="USER_AUTHX",
                       AuthParameters={"USERNAME": name})
    assert code == "InvalidParameterException"
    assert rejected(begin, cognito=cognito, client=client, username="ghost") == (
        "UserNotFoundException", "User does not exist.")
    with_secret = app(cognito, pool_id, GenerateSecret=True)
    assert rejected(begin, cognito=cognito, client=with_secret, username=name)[0] == (
        "NotAuthorizedException")
    step = begin(cognito, with_secret, name, SECRET_HASH=secret_hash(with_secret, name))
    assert step["ChallengeName"] == "SELECT_CHALLENGE"


def test_unknown_user_with_prevent_user_existence_errors(cognito: Any) -> None:
    pool_id = choice_pool(cognito)
    client = app(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    step = begin(cognito, client, "ghost@example.com")
    assert step["ChallengeName"] == "SELECT_CHALLENGE"
    assert step["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    assert rejected(answer, cognito=cognito, client=client, step=step, username="ghost",
                    ANSWER="PASSWORD", PASSWORD=STRONG) == ("NotAuthorizedException", INCORRECT)
    sent = begin(cognito, client, "ghost@example.com", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert sent["ChallengeName"] == "EMAIL_OTP"
    assert sent["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "g***@e***.com"
    assert rejected(answer, cognito=cognito, client=client, step=sent, username="ghost",
                    EMAIL_OTP_CODE="123456") == ("CodeMismatchException", MISMATCH)
    sms = [begin(cognito, client, "ghost", PREFERRED_CHALLENGE="SMS_OTP") for _ in range(2)]
    destinations = {s["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] for s in sms}
    assert len(destinations) == 1 and destinations.pop().startswith("+*******")
    srp = begin(cognito, client, "ghost", PREFERRED_CHALLENGE="PASSWORD_SRP",
                SRP_A=AWSSRP(username="ghost", password=STRONG, pool_id=pool_id,
                             client_id=client["ClientId"], client=cognito
                             ).get_auth_params()["SRP_A"])
    assert srp["ChallengeName"] == "PASSWORD_VERIFIER"


# -- automatic sign-in after ConfirmSignUp ------------------------------------------------------
def signed_up(cognito: Any, server: Server, client: dict[str, Any], **extra: Any
              ) -> tuple[str, str, dict[str, Any]]:
    mail, name = address("auto"), unique()
    response = cognito.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG,
                               UserAttributes=attrs(email=mail), **extra)
    return name, last_code(server, mail), response


def auto_pool(cognito: Any) -> str:
    return choice_pool(cognito, AutoVerifiedAttributes=["email"])


def test_auto_sign_in(cognito: Any, server: Server) -> None:
    pool_id = auto_pool(cognito)
    client = app(cognito, pool_id)
    name, code, response = signed_up(cognito, server, client)
    assert 20 <= len(response["Session"]) <= 2048
    confirmed = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                                        ConfirmationCode=code, Session=response["Session"])
    session = confirmed["Session"]
    assert session != response["Session"]

    def auto(**params: str) -> dict[str, Any]:
        return cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                                     AuthParameters=params, Session=session)

    done = auto()  # AuthParameters are ignored
    assert done["AuthenticationResult"]["RefreshToken"]
    user = cognito.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    assert user["Username"] == name
    assert rejected(auto, USERNAME=name) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_auto_sign_in_needs_the_sign_up_session(cognito: Any, server: Server) -> None:
    pool_id = auto_pool(cognito)
    client = app(cognito, pool_id)
    name, code, response = signed_up(cognito, server, client)
    confirmed = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                                        ConfirmationCode=code)
    assert "Session" not in confirmed
    # Another user's SignUp session gives nothing either (and doesn't stop the confirmation).
    other, other_code_, _ = signed_up(cognito, server, client)
    confirmed = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=other,
                                        ConfirmationCode=other_code_,
                                        Session=response["Session"])
    assert "Session" not in confirmed
    assert shown(cognito, pool_id, other)["UserStatus"] == "CONFIRMED"
    # A client without USER_AUTH: no Session from SignUp.
    plain = make_client(cognito, pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    _, _, response = signed_up(cognito, server, plain)
    assert "Session" not in response


def test_auto_sign_in_session_errors(cognito: Any, server: Server) -> None:
    pool_id = auto_pool(cognito)
    client = app(cognito, pool_id)
    name, code, response = signed_up(cognito, server, client)
    session = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                                      ConfirmationCode=code,
                                      Session=response["Session"])["Session"]
    # A SignUp session (or any other) is not an auto sign-in session.
    _, _, other_response = signed_up(cognito, server, client)
    assert rejected(cognito.initiate_auth, ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                    AuthParameters={}, Session=other_response["Session"]) == (
        "NotAuthorizedException", "Invalid session for the user.")
    # Bound to the client that confirmed the user.
    second = app(cognito, pool_id)
    assert rejected(cognito.initiate_auth, ClientId=second["ClientId"], AuthFlow="USER_AUTH",
                    AuthParameters={}, Session=session)[0] == "NotAuthorizedException"
    # Expired.
    name, code, response = signed_up(cognito, server, client)
    session = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                                      ConfirmationCode=code,
                                      Session=response["Session"])["Session"]
    expire_sessions(server, pool_id)
    assert rejected(cognito.initiate_auth, ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                    AuthParameters={}, Session=session) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_auto_sign_in_with_a_client_secret(cognito: Any, server: Server) -> None:
    pool_id = auto_pool(cognito)
    client = app(cognito, pool_id, GenerateSecret=True)
    mail, name = address("sec"), unique()
    response = cognito.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG,
                               SecretHash=secret_hash(client, name),
                               UserAttributes=attrs(email=mail))
    session = cognito.confirm_sign_up(
        ClientId=client["ClientId"], Username=name, ConfirmationCode=last_code(server, mail),
        SecretHash=secret_hash(client, name), Session=response["Session"])["Session"]
    done = cognito.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_AUTH", Session=session,
        AuthParameters={"USERNAME": name, "SECRET_HASH": secret_hash(client, name)})
    assert done["AuthenticationResult"]["AccessToken"]


def test_auto_sign_in_still_asks_for_required_mfa(cognito: Any, server: Server) -> None:
    pool_id = auto_pool(cognito)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON",
        EmailMfaConfiguration={"Message": "MFA code {####}", "Subject": "MFA"})
    client = app(cognito, pool_id)
    name, code, response = signed_up(cognito, server, client)
    session = cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                                      ConfirmationCode=code,
                                      Session=response["Session"])["Session"]
    step = cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_AUTH",
                                 AuthParameters={}, Session=session)
    assert step["ChallengeName"] == "EMAIL_OTP"  # email MFA, the user has an address


# -- the rules (pure) ---------------------------------------------------------------------------
def _pool(factors: list[str], mode: str = "OFF", **extra: Any) -> dict[str, Any]:
    return {"Id": "us-east-1_Pure", "MfaConfiguration": mode,
            "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": factors}},
            "EmailConfiguration": DEVELOPER_EMAIL, "SmsConfiguration": SMS, **extra}


def _user(**fields: Any) -> dict[str, Any]:
    base = {"UserStatus": "CONFIRMED", "Attributes": {"email": "a@b.c", "phone_number": "+1"},
            "_PasswordHash": "h", "_Srp": "s"}
    return {**base, **fields}


def test_rules_pool_challenges() -> None:
    assert user_auth.pool_challenges(_pool(["WEB_AUTHN", "PASSWORD"])) == [
        "PASSWORD", "PASSWORD_SRP"]
    assert user_auth.pool_challenges(_pool(ALL_FACTORS, "ON")) == ["PASSWORD", "PASSWORD_SRP"]
    assert user_auth.pool_challenges(_pool(["EMAIL_OTP"], EmailConfiguration={})) == []
    assert user_auth.pool_challenges({"Id": "x"}) == ["PASSWORD", "PASSWORD_SRP"]


def test_rules_user_challenges() -> None:
    pool = _pool(ALL_FACTORS, "OPTIONAL", _EmailMfaConfiguration={})
    assert user_auth.user_challenges(pool, _user(_PasswordHash=None, _Srp=None)) == [
        "EMAIL_OTP", "SMS_OTP"]
    with_mfa = _user(UserMFASettingList=["EMAIL_OTP"])
    assert user_auth.user_challenges(pool, with_mfa) == ["PASSWORD", "PASSWORD_SRP"]
    # A factor the pool no longer offers doesn't count as the user's MFA.
    assert user_auth.user_challenges(_pool(ALL_FACTORS, "OPTIONAL"), with_mfa) == [
        "PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    assert user_auth.user_challenges(
        _pool(ALL_FACTORS), _user(UserStatus="RESET_REQUIRED", _PasswordHash=None, _Srp=None,
                                  Attributes={})) == ["PASSWORD", "PASSWORD_SRP"]


def test_rules_fake_destination_is_stable() -> None:
    digest = "ab" * 32
    assert user_auth.fake_destination("EMAIL_OTP", "jane", digest) == "j***@e***.com"
    first = user_auth.fake_destination("SMS_OTP", "jane", digest)
    assert first == user_auth.fake_destination("SMS_OTP", "jane", digest)
    assert first.startswith("+*******") and len(first) == 12


def test_email_otp_handlers_are_chained() -> None:
    from userpool.operations import load, mfa_flow

    load()
    assert mfa_flow._PASSWORDLESS_EMAIL_OTP is user_auth._email_otp


def test_lite_tier_refuses_user_auth(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName=unique("tier-"))["UserPool"]["Id"]
    client = app(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    cognito.update_user_pool(UserPoolId=pool_id, UserPoolTier="LITE")
    code, message = rejected(begin, cognito=cognito, client=client, username=name)
    assert code == "FeatureUnavailableInTierException" and "LITE" in message
