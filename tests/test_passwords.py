"""Passwords over HTTP, on both stores: ForgotPassword / ConfirmForgotPassword (recovery channels,
codes, PreventUserExistenceErrors), AdminSetUserPassword, AdminResetUserPassword, the password
policy and PasswordHistorySize.

Sources: shared/reference/cognito.md §3.8 (PreventUserExistenceErrors), §3.10 (policy
messages), §5 (ForgotPassword channels and the no-channel message), §7.3 (attempt limits);
[DG:how-to-recover-a-user-account] (AccountRecoverySetting priorities, SMS MFA);
knowledge-center/cognito-forgot-password (FORCE_CHANGE_PASSWORD users can't use it).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.server import Server
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attrs,
    last_code,
    last_message,
    make_client,
    make_pool,
    messages,
    rejected,
    unique,
)

MISMATCH = "Invalid verification code provided, please try again."
EXPIRED = "Invalid code provided, please request a code again."
TOO_MANY = "Attempt limit exceeded, please try after some time."
NOT_FOUND_FOR_CLIENT = "Username/client id combination not found."
NO_CHANNEL = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)
CANNOT_RESET = "User password cannot be reset in the current state."
POLICY = "Password did not conform with policy: "
WEAK = [
    ("Sh0rt!", "Password not long enough"),
    ("lower0!case", "Password must have uppercase characters"),
    ("UPPER0!CASE", "Password must have lowercase characters"),
    ("NoDigits!Here", "Password must have numeric characters"),
    ("NoSymbols0Here", "Password must have symbol characters"),
]
THIRD = "Th1rd!Passw0rd"


def phone() -> str:
    return "+1555" + unique("")[:7].translate(str.maketrans("abcdef", "123456"))


def confirmed_user(cognito: Any, pool_id: str, email: str | None = None,
                   phone_number: str | None = None) -> str:
    """A CONFIRMED user with the given verified email / phone."""
    values: dict[str, str] = {}
    if email:
        values.update(email=email, email_verified="true")
    if phone_number:
        values.update(phone_number=phone_number, phone_number_verified="true")
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(**values))
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=STRONG,
                                    Permanent=True)
    return name


def status(cognito: Any, pool_id: str, name: str) -> str:
    return cognito.admin_get_user(UserPoolId=pool_id, Username=name)["UserStatus"]


@pytest.fixture
def app(cognito: Any, pool_id: str) -> dict[str, Any]:
    return make_client(cognito, pool_id)


# -- ForgotPassword / ConfirmForgotPassword ----------------------------------------------------
def test_forgot_password_round_trip(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    email = address("jane")
    name = confirmed_user(cognito, pool_id, email)
    details = cognito.forgot_password(ClientId=app["ClientId"],
                                      Username=name)["CodeDeliveryDetails"]
    assert details == {"Destination": f"{email[0]}***@e***.com", "DeliveryMedium": "EMAIL",
                       "AttributeName": "email"}
    sent = last_message(server, email)
    assert sent["Purpose"] == "ForgotPassword"
    code = last_code(server, email)
    cognito.confirm_forgot_password(ClientId=app["ClientId"], Username=name,
                                    ConfirmationCode=code, Password=OTHER)
    assert status(cognito, pool_id, name) == "CONFIRMED"
    # A used code is gone.
    assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=code, Password=THIRD) == ("ExpiredCodeException", EXPIRED)


def test_confirm_without_a_requested_code(
    cognito: Any, pool_id: str, app: dict[str, Any]
) -> None:
    name = confirmed_user(cognito, pool_id, address())
    assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode="123456", Password=OTHER) == (
        "ExpiredCodeException", EXPIRED)


def test_wrong_and_replaced_codes(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    email = address()
    name = confirmed_user(cognito, pool_id, email)
    cognito.forgot_password(ClientId=app["ClientId"], Username=name)
    first = last_code(server, email)
    wrong = f"{(int(first) + 1) % 1_000_000:06d}"
    assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=wrong, Password=OTHER) == ("CodeMismatchException", MISMATCH)
    cognito.forgot_password(ClientId=app["ClientId"], Username=name)
    second = last_code(server, email)
    if second != first:
        assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"],
                        Username=name, ConfirmationCode=first, Password=OTHER) == (
            "CodeMismatchException", MISMATCH)
    cognito.confirm_forgot_password(ClientId=app["ClientId"], Username=name,
                                    ConfirmationCode=second, Password=OTHER)


def test_attempt_limit(cognito: Any, server: Server, pool_id: str, app: dict[str, Any]) -> None:
    email = address()
    name = confirmed_user(cognito, pool_id, email)
    cognito.forgot_password(ClientId=app["ClientId"], Username=name)
    right = last_code(server, email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"],
                        Username=name, ConfirmationCode=wrong,
                        Password=OTHER)[0] == "CodeMismatchException"
    assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=right, Password=OTHER) == ("LimitExceededException", TOO_MANY)


@pytest.mark.parametrize(("password", "failure"), WEAK)
def test_confirm_forgot_password_weak_password(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any], password: str, failure: str
) -> None:
    email = address()
    name = confirmed_user(cognito, pool_id, email)
    cognito.forgot_password(ClientId=app["ClientId"], Username=name)
    code = last_code(server, email)
    assert rejected(cognito.confirm_forgot_password, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=code, Password=password) == (
        "InvalidPasswordException", POLICY + failure)
    # The code survives a rejected password.
    cognito.confirm_forgot_password(ClientId=app["ClientId"], Username=name,
                                    ConfirmationCode=code, Password=OTHER)


def test_forgot_password_needs_a_verified_channel(
    cognito: Any, pool_id: str, app: dict[str, Any]
) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=address()))  # not verified
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=STRONG,
                                    Permanent=True)
    assert rejected(cognito.forgot_password, ClientId=app["ClientId"], Username=name) == (
        "InvalidParameterException", NO_CHANNEL)


def test_forgot_password_with_a_temporary_password(
    cognito: Any, pool_id: str, app: dict[str, Any]
) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=address(), email_verified="true"))
    assert rejected(cognito.forgot_password, ClientId=app["ClientId"], Username=name) == (
        "NotAuthorizedException", CANNOT_RESET)


def test_forgot_password_by_alias(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AliasAttributes=["email"])
    client = make_client(cognito, pool["Id"])
    email = address()
    name = confirmed_user(cognito, pool["Id"], email)
    cognito.forgot_password(ClientId=client["ClientId"], Username=email)
    cognito.confirm_forgot_password(ClientId=client["ClientId"], Username=email,
                                    ConfirmationCode=last_code(server, email), Password=OTHER)
    assert status(cognito, pool["Id"], name) == "CONFIRMED"


# -- AccountRecoverySetting --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mechanisms", "medium"),
    [
        (None, "SMS"),  # the legacy rule: a verified phone first
        ([("verified_email", 1), ("verified_phone_number", 2)], "EMAIL"),
        ([("verified_phone_number", 1), ("verified_email", 2)], "SMS"),
    ],
)
def test_recovery_priorities(
    cognito: Any, server: Server, mechanisms: list[tuple[str, int]] | None, medium: str
) -> None:
    settings = {} if mechanisms is None else {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Name": n, "Priority": p} for n, p in mechanisms]}}
    pool = make_pool(cognito, **settings)
    client = make_client(cognito, pool["Id"])
    email, number = address(), phone()
    name = confirmed_user(cognito, pool["Id"], email, number)
    details = cognito.forgot_password(ClientId=client["ClientId"],
                                      Username=name)["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == medium
    to = email if medium == "EMAIL" else number
    assert len(messages(server, to)) == 1
    if medium == "SMS":
        assert details["Destination"] == "+*******" + number[-4:]
        assert details["AttributeName"] == "phone_number"


def test_recovery_falls_back_to_the_next_mechanism(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AccountRecoverySetting={"RecoveryMechanisms": [
        {"Name": "verified_phone_number", "Priority": 1},
        {"Name": "verified_email", "Priority": 2}]})
    client = make_client(cognito, pool["Id"])
    email = address()
    name = confirmed_user(cognito, pool["Id"], email)
    details = cognito.forgot_password(ClientId=client["ClientId"],
                                      Username=name)["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"


def test_recovery_never_by_sms_for_sms_mfa_users(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito)
    client = make_client(cognito, pool["Id"])
    email, number = address(), phone()
    name = confirmed_user(cognito, pool["Id"], email, number)
    cognito.admin_set_user_settings(UserPoolId=pool["Id"], Username=name, MFAOptions=[
        {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    details = cognito.forgot_password(ClientId=client["ClientId"],
                                      Username=name)["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert messages(server, number) == []


def test_recovery_admin_only(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AccountRecoverySetting={"RecoveryMechanisms": [
        {"Name": "admin_only", "Priority": 1}]})
    client = make_client(cognito, pool["Id"])
    email = address()
    name = confirmed_user(cognito, pool["Id"], email)
    code, _ = rejected(cognito.forgot_password, ClientId=client["ClientId"], Username=name)
    assert code == "NotAuthorizedException"
    assert messages(server, email) == []


# -- PreventUserExistenceErrors ----------------------------------------------------------------
def test_unknown_user_legacy(cognito: Any, pool_id: str) -> None:
    client = make_client(cognito, pool_id, PreventUserExistenceErrors="LEGACY")
    assert rejected(cognito.forgot_password, ClientId=client["ClientId"],
                    Username=unique()) == ("UserNotFoundException", NOT_FOUND_FOR_CLIENT)
    assert rejected(cognito.confirm_forgot_password, ClientId=client["ClientId"],
                    Username=unique(), ConfirmationCode="123456", Password=OTHER) == (
        "UserNotFoundException", NOT_FOUND_FOR_CLIENT)


def test_unknown_user_enabled(cognito: Any, pool_id: str) -> None:
    client = make_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    details = cognito.forgot_password(ClientId=client["ClientId"],
                                      Username=unique())["CodeDeliveryDetails"]
    assert set(details) == {"Destination", "DeliveryMedium", "AttributeName"}
    assert rejected(cognito.confirm_forgot_password, ClientId=client["ClientId"],
                    Username=unique(), ConfirmationCode="123456", Password=OTHER) == (
        "CodeMismatchException", MISMATCH)


def test_enabled_hides_disabled_users_and_missing_channels(
    cognito: Any, server: Server, pool_id: str
) -> None:
    client = make_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    email = address()
    disabled = confirmed_user(cognito, pool_id, email)
    cognito.admin_disable_user(UserPoolId=pool_id, Username=disabled)
    assert "CodeDeliveryDetails" in cognito.forgot_password(ClientId=client["ClientId"],
                                                            Username=disabled)
    assert messages(server, email) == []
    unverified = confirmed_user(cognito, pool_id)
    assert "CodeDeliveryDetails" in cognito.forgot_password(ClientId=client["ClientId"],
                                                            Username=unverified)


# -- AdminSetUserPassword / AdminResetUserPassword ---------------------------------------------
def test_admin_set_user_password(cognito: Any, pool_id: str) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=STRONG,
                                    Permanent=True)
    assert status(cognito, pool_id, name) == "CONFIRMED"
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=OTHER,
                                    Permanent=False)
    assert status(cognito, pool_id, name) == "FORCE_CHANGE_PASSWORD"
    assert rejected(cognito.admin_set_user_password, UserPoolId=pool_id, Username=unique(),
                    Password=STRONG) == ("UserNotFoundException", "User does not exist.")


@pytest.mark.parametrize(("password", "failure"), WEAK)
def test_admin_set_user_password_weak(
    cognito: Any, pool_id: str, password: str, failure: str
) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    assert rejected(cognito.admin_set_user_password, UserPoolId=pool_id, Username=name,
                    Password=password, Permanent=True) == (
        "InvalidPasswordException", POLICY + failure)
    assert status(cognito, pool_id, name) == "FORCE_CHANGE_PASSWORD"


def test_admin_reset_user_password(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    email = address()
    name = confirmed_user(cognito, pool_id, email)
    cognito.admin_reset_user_password(UserPoolId=pool_id, Username=name)
    assert status(cognito, pool_id, name) == "RESET_REQUIRED"
    assert last_message(server, email)["Purpose"] == "AdminResetUserPassword"
    cognito.confirm_forgot_password(ClientId=app["ClientId"], Username=name,
                                    ConfirmationCode=last_code(server, email), Password=OTHER)
    assert status(cognito, pool_id, name) == "CONFIRMED"


def test_admin_reset_needs_a_verified_channel(cognito: Any, pool_id: str) -> None:
    name = confirmed_user(cognito, pool_id)
    assert rejected(cognito.admin_reset_user_password, UserPoolId=pool_id, Username=name) == (
        "InvalidParameterException", NO_CHANNEL)
    assert status(cognito, pool_id, name) == "CONFIRMED"


# -- PasswordHistorySize -----------------------------------------------------------------------
@pytest.fixture
def history_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, Policies={"PasswordPolicy": {
        "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
        "RequireNumbers": True, "RequireSymbols": True, "PasswordHistorySize": 2}})


def test_password_history_on_admin_set(cognito: Any, history_pool: dict[str, Any]) -> None:
    pool_id = history_pool["Id"]
    name = confirmed_user(cognito, pool_id)  # STRONG
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=OTHER,
                                    Permanent=True)
    for reused in (STRONG, OTHER):
        code, _ = rejected(cognito.admin_set_user_password, UserPoolId=pool_id, Username=name,
                           Password=reused, Permanent=True)
        assert code == "PasswordHistoryPolicyViolationException"
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=THIRD,
                                    Permanent=True)
    # Two remembered (THIRD and OTHER): STRONG is usable again.
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=STRONG,
                                    Permanent=True)


def test_password_history_on_confirm_forgot_password(
    cognito: Any, server: Server, history_pool: dict[str, Any]
) -> None:
    pool_id = history_pool["Id"]
    client = make_client(cognito, pool_id)
    email = address()
    name = confirmed_user(cognito, pool_id, email)
    cognito.forgot_password(ClientId=client["ClientId"], Username=name)
    code = last_code(server, email)
    error_code, _ = rejected(cognito.confirm_forgot_password, ClientId=client["ClientId"],
                             Username=name, ConfirmationCode=code, Password=STRONG)
    assert error_code == "PasswordHistoryPolicyViolationException"
    # The code was not used up by the refused password.
    cognito.confirm_forgot_password(ClientId=client["ClientId"], Username=name,
                                    ConfirmationCode=code, Password=OTHER)
    assert status(cognito, pool_id, name) == "CONFIRMED"
