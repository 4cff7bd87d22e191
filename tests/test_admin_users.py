"""Users managed by administrators, over HTTP, on both stores: AdminCreateUser (invitations,
MessageAction, temporary passwords), AdminGetUser, AdminDeleteUser, AdminEnableUser /
AdminDisableUser, AdminConfirmSignUp, AdminUpdateUserAttributes (verification on change),
AdminDeleteUserAttributes, AdminSetUserSettings.

Sources: shared/reference/cognito.md §1.7 (default invitation texts), §3.10 (AdminCreateUser,
MessageAction, statuses), §5 (attribute updates and verification).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.server import Server
from tests.user_helpers import (
    STRONG,
    address,
    attribute_map,
    attrs,
    last_code,
    last_message,
    make_client,
    make_pool,
    messages,
    rejected,
    temporary_password_in,
    unique,
)

NOT_FOUND = ("UserNotFoundException", "User does not exist.")
MISSING_POOL = "us-east-1_Missing000"
POLICY = "Password did not conform with policy: "


def get(cognito: Any, pool_id: str, name: str) -> dict[str, Any]:
    return cognito.admin_get_user(UserPoolId=pool_id, Username=name)


def user_count(cognito: Any, pool_id: str) -> int:
    return cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"]


# -- AdminCreateUser ---------------------------------------------------------------------------
def test_create_user_sends_the_default_invitation(
    cognito: Any, server: Server, pool_id: str
) -> None:
    name, email = unique(), address()
    user = cognito.admin_create_user(
        UserPoolId=pool_id, Username=name, DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=attrs(email=email, name="Jane"),
    )["User"]
    assert user["Username"] == name
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    created = attribute_map(user)
    assert created["email"] == email and created["name"] == "Jane"
    uuid.UUID(created["sub"])
    assert user["Attributes"][0]["Name"] == "sub"

    invitation = last_message(server, email)
    assert invitation["Subject"] == "Your temporary password"
    assert invitation["Body"].startswith(f"Your username is {name} and temporary password is ")
    assert "{####}" not in invitation["Body"] and "{username}" not in invitation["Body"]
    assert invitation["Purpose"] == "AdminCreateUser"
    fetched = get(cognito, pool_id, name)
    assert fetched["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert attribute_map(fetched) == created
    assert fetched["UserCreateDate"] == user["UserCreateDate"]


def test_create_user_custom_invitation_and_temporary_password(
    cognito: Any, server: Server
) -> None:
    pool = make_pool(cognito, AdminCreateUserConfig={"InviteMessageTemplate": {
        "EmailSubject": "Welcome aboard",
        "EmailMessage": "Hello {username}! Sign in with {####} soon.",
        "SMSMessage": "User {username} code {####}",
    }})
    name, email = unique(), address()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=name,
                              TemporaryPassword="Temp0rary!Pw",
                              DesiredDeliveryMediums=["EMAIL"],
                              UserAttributes=attrs(email=email))
    invitation = last_message(server, email)
    assert invitation["Subject"] == "Welcome aboard"
    assert invitation["Body"] == f"Hello {name}! Sign in with Temp0rary!Pw soon."


def test_create_user_generates_a_policy_conforming_password(
    cognito: Any, server: Server, pool_id: str
) -> None:
    email = address()
    cognito.admin_create_user(UserPoolId=pool_id, Username=unique(),
                              DesiredDeliveryMediums=["EMAIL"], UserAttributes=attrs(email=email))
    password = temporary_password_in(last_message(server, email)["Body"])
    assert len(password) >= 8
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password)
    assert any(not c.isalnum() for c in password)


def test_create_user_by_email_and_sms(cognito: Any, server: Server, pool_id: str) -> None:
    email, phone = address(), f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name,
                              DesiredDeliveryMediums=["EMAIL", "SMS"],
                              UserAttributes=attrs(email=email, phone_number=phone))
    by_email, by_sms = last_message(server, email), last_message(server, phone)
    assert by_sms["Medium"] == "SMS"
    assert by_sms["Body"].startswith(f"Your username is {name} and temporary password is ")
    assert temporary_password_in(by_email["Body"]) == temporary_password_in(by_sms["Body"])


def test_create_user_suppressed(cognito: Any, server: Server, pool_id: str) -> None:
    email = address()
    cognito.admin_create_user(UserPoolId=pool_id, Username=unique(), MessageAction="SUPPRESS",
                              DesiredDeliveryMediums=["EMAIL"], UserAttributes=attrs(email=email))
    assert messages(server, email) == []


def test_resend_sends_a_new_temporary_password(
    cognito: Any, server: Server, pool_id: str
) -> None:
    name, email = unique(), address()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name,
                              DesiredDeliveryMediums=["EMAIL"], UserAttributes=attrs(email=email))
    first = temporary_password_in(last_message(server, email)["Body"])
    user = cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="RESEND",
                                     DesiredDeliveryMediums=["EMAIL"])["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    sent = messages(server, email)
    assert len(sent) == 2
    assert temporary_password_in(sent[1]["Body"]) != first
    assert user_count(cognito, pool_id) == 1


def test_resend_for_a_confirmed_user(cognito: Any, pool_id: str) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=STRONG,
                                    Permanent=True)
    code, message = rejected(cognito.admin_create_user, UserPoolId=pool_id, Username=name,
                             MessageAction="RESEND")
    assert code == "UnsupportedUserStateException"
    assert "CONFIRMED" in message
    assert rejected(cognito.admin_create_user, UserPoolId=pool_id, Username=unique(),
                    MessageAction="RESEND") == NOT_FOUND


def test_create_user_duplicate(cognito: Any, pool_id: str) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    assert rejected(cognito.admin_create_user, UserPoolId=pool_id, Username=name,
                    MessageAction="SUPPRESS") == (
        "UsernameExistsException", "User account already exists")


@pytest.mark.parametrize(
    ("password", "failure"),
    [
        ("Sh0rt!", "Password not long enough"),
        ("lower0!case", "Password must have uppercase characters"),
        ("UPPER0!CASE", "Password must have lowercase characters"),
        ("NoDigits!Here", "Password must have numeric characters"),
        ("NoSymbols0Here", "Password must have symbol characters"),
    ],
)
def test_create_user_weak_temporary_password(
    cognito: Any, pool_id: str, password: str, failure: str
) -> None:
    name = unique()
    assert rejected(cognito.admin_create_user, UserPoolId=pool_id, Username=name,
                    TemporaryPassword=password, MessageAction="SUPPRESS") == (
        "InvalidPasswordException", POLICY + failure)
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=name) == NOT_FOUND


def test_admin_may_set_verified_flags(cognito: Any, pool_id: str) -> None:
    name, email = unique(), address()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=email, email_verified="True"))
    assert attribute_map(get(cognito, pool_id, name))["email_verified"] == "true"


def test_create_user_does_not_require_required_attributes(cognito: Any) -> None:
    """Required attributes are asked for later, in NEW_PASSWORD_REQUIRED (the model)."""
    pool = make_pool(cognito, Schema=[
        {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}])
    name = unique()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS")
    assert get(cognito, pool["Id"], name)["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_create_user_unknown_attribute(cognito: Any, pool_id: str) -> None:
    assert rejected(cognito.admin_create_user, UserPoolId=pool_id, Username=unique(),
                    MessageAction="SUPPRESS", UserAttributes=attrs(custom__nope="1")) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the "
        "schema.\n")


def test_create_user_bad_enum_and_unknown_pool(cognito: Any, loose: Any) -> None:
    code, _ = rejected(loose.admin_create_user, UserPoolId=MISSING_POOL, Username="x",
                       MessageAction="SHOUT")
    assert code == "InvalidParameterException"
    assert rejected(cognito.admin_create_user, UserPoolId=MISSING_POOL, Username="x") == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_create_user_in_an_email_username_pool(cognito: Any) -> None:
    pool = make_pool(cognito, UsernameAttributes=["email"])
    email = address()
    user = cognito.admin_create_user(UserPoolId=pool["Id"], Username=email,
                                     MessageAction="SUPPRESS")["User"]
    uuid.UUID(user["Username"])
    assert attribute_map(user)["email"] == email
    assert get(cognito, pool["Id"], email)["Username"] == user["Username"]
    assert rejected(cognito.admin_create_user, UserPoolId=pool["Id"], Username=email,
                    MessageAction="SUPPRESS") == (
        "UsernameExistsException", "An account with the given email already exists.")


# -- AdminGetUser / AdminDeleteUser ------------------------------------------------------------
def test_get_user_unknown(cognito: Any, pool_id: str) -> None:
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=unique()) == NOT_FOUND
    assert rejected(cognito.admin_get_user, UserPoolId=MISSING_POOL, Username="x") == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_get_user_by_sub(cognito: Any, pool_id: str) -> None:
    name = unique()
    sub = attribute_map(cognito.admin_create_user(
        UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")["User"])["sub"]
    assert get(cognito, pool_id, sub)["Username"] == name


def test_delete_user_and_the_user_count(cognito: Any, pool_id: str) -> None:
    names = [unique() for _ in range(3)]
    for name in names:
        cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    assert user_count(cognito, pool_id) == 3
    cognito.admin_delete_user(UserPoolId=pool_id, Username=names[0])
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=names[0]) == NOT_FOUND
    assert rejected(cognito.admin_delete_user, UserPoolId=pool_id,
                    Username=names[0]) == NOT_FOUND
    assert user_count(cognito, pool_id) == 2
    # The name is free again.
    cognito.admin_create_user(UserPoolId=pool_id, Username=names[0], MessageAction="SUPPRESS")
    assert user_count(cognito, pool_id) == 3


def test_delete_user_frees_its_email_username(cognito: Any) -> None:
    pool = make_pool(cognito, UsernameAttributes=["email"])
    email = address()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=email, MessageAction="SUPPRESS")
    cognito.admin_delete_user(UserPoolId=pool["Id"], Username=email)
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=email, MessageAction="SUPPRESS")


# -- enable / disable / confirm ----------------------------------------------------------------
def test_disable_and_enable(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito)
    client = make_client(cognito, pool["Id"])
    name, email = unique(), address()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=email, email_verified="true"))
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=STRONG,
                                    Permanent=True)
    cognito.admin_disable_user(UserPoolId=pool["Id"], Username=name)
    assert get(cognito, pool["Id"], name)["Enabled"] is False
    assert rejected(cognito.forgot_password, ClientId=client["ClientId"], Username=name) == (
        "NotAuthorizedException", "User is disabled.")
    assert messages(server, email) == []
    cognito.admin_enable_user(UserPoolId=pool["Id"], Username=name)
    assert get(cognito, pool["Id"], name)["Enabled"] is True
    cognito.forgot_password(ClientId=client["ClientId"], Username=name)
    assert len(messages(server, email)) == 1
    assert rejected(cognito.admin_disable_user, UserPoolId=pool["Id"],
                    Username=unique()) == NOT_FOUND


def test_admin_confirm_sign_up(cognito: Any) -> None:
    pool = make_pool(cognito)
    client = make_client(cognito, pool["Id"])
    name = unique()
    cognito.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG)
    cognito.admin_confirm_sign_up(UserPoolId=pool["Id"], Username=name)
    assert get(cognito, pool["Id"], name)["UserStatus"] == "CONFIRMED"
    assert rejected(cognito.admin_confirm_sign_up, UserPoolId=pool["Id"],
                    Username=unique()) == NOT_FOUND


# -- AdminUpdateUserAttributes / AdminDeleteUserAttributes -------------------------------------
def _verified_user(cognito: Any, pool_id: str, email: str) -> str:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=email, email_verified="true"))
    return name


def test_changing_email_unverifies_it_and_sends_a_code(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AutoVerifiedAttributes=["email"])
    old, new = address("old"), address("new")
    name = _verified_user(cognito, pool["Id"], old)
    cognito.admin_update_user_attributes(UserPoolId=pool["Id"], Username=name,
                                         UserAttributes=attrs(email=new, name="Renamed"))
    user = attribute_map(get(cognito, pool["Id"], name))
    assert user["email"] == new
    assert user["email_verified"] == "false"
    assert user["name"] == "Renamed"
    sent = last_message(server, new)
    assert sent["Purpose"] == "UpdateUserAttribute"
    assert len(last_code(server, new)) == 6
    assert messages(server, old) == []


def test_changing_email_without_auto_verification_sends_nothing(
    cognito: Any, server: Server, pool_id: str
) -> None:
    old, new = address("old"), address("new")
    name = _verified_user(cognito, pool_id, old)
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=name,
                                         UserAttributes=attrs(email=new))
    assert attribute_map(get(cognito, pool_id, name))["email_verified"] == "false"
    assert messages(server, new) == []


def test_verification_before_update_keeps_the_old_email(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AutoVerifiedAttributes=["email"], UserAttributeUpdateSettings={
        "AttributesRequireVerificationBeforeUpdate": ["email"]})
    old, new = address("old"), address("new")
    name = _verified_user(cognito, pool["Id"], old)
    cognito.admin_update_user_attributes(UserPoolId=pool["Id"], Username=name,
                                         UserAttributes=attrs(email=new))
    user = attribute_map(get(cognito, pool["Id"], name))
    assert user["email"] == old
    assert user["email_verified"] == "true"
    assert len(last_code(server, new)) == 6


def test_admin_sets_email_verified_in_the_same_call(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, AutoVerifiedAttributes=["email"], UserAttributeUpdateSettings={
        "AttributesRequireVerificationBeforeUpdate": ["email"]})
    old, new = address("old"), address("new")
    name = _verified_user(cognito, pool["Id"], old)
    cognito.admin_update_user_attributes(UserPoolId=pool["Id"], Username=name,
                                         UserAttributes=attrs(email=new, email_verified="true"))
    user = attribute_map(get(cognito, pool["Id"], name))
    assert (user["email"], user["email_verified"]) == (new, "true")
    assert messages(server, new) == []


def test_update_attributes_errors(cognito: Any, pool_id: str) -> None:
    name = _verified_user(cognito, pool_id, address())
    assert rejected(cognito.admin_update_user_attributes, UserPoolId=pool_id, Username=name,
                    UserAttributes=attrs(custom__nope="x")) == (
        "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema.\n")
    assert rejected(cognito.admin_update_user_attributes, UserPoolId=pool_id, Username=name,
                    UserAttributes=attrs(email="not-an-email")) == (
        "InvalidParameterException", "Invalid email address format.")
    assert rejected(cognito.admin_update_user_attributes, UserPoolId=pool_id,
                    Username=unique(), UserAttributes=attrs(name="x")) == NOT_FOUND


def test_delete_attributes(cognito: Any, pool_id: str) -> None:
    name = _verified_user(cognito, pool_id, address())
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=name,
                                         UserAttributes=attrs(name="Jane", nickname="J"))
    cognito.admin_delete_user_attributes(UserPoolId=pool_id, Username=name,
                                         UserAttributeNames=["email", "nickname"])
    user = attribute_map(get(cognito, pool_id, name))
    assert "email" not in user and "email_verified" not in user and "nickname" not in user
    assert user["name"] == "Jane"
    assert rejected(cognito.admin_delete_user_attributes, UserPoolId=pool_id, Username=name,
                    UserAttributeNames=["custom:nope"]) == (
        "InvalidParameterException", "user.custom:nope: Attribute does not exist in the schema.\n")


# -- AdminSetUserSettings ----------------------------------------------------------------------
def test_set_user_settings(cognito: Any, pool_id: str) -> None:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    options = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    cognito.admin_set_user_settings(UserPoolId=pool_id, Username=name, MFAOptions=options)
    assert get(cognito, pool_id, name)["MFAOptions"] == options
    assert rejected(cognito.admin_set_user_settings, UserPoolId=pool_id, Username=name,
                    MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]) == (
        "InvalidParameterException", "Only phone_number can be used as an MFA option.")


def test_create_user_alias_conflict_and_force_alias_creation(cognito: Any) -> None:
    pool = make_pool(cognito, AliasAttributes=["email"])
    email = address()
    first, second, third = unique("a"), unique("b"), unique("c")
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=first, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=email, email_verified="true"))
    assert get(cognito, pool["Id"], email)["Username"] == first
    assert rejected(cognito.admin_create_user, UserPoolId=pool["Id"], Username=second,
                    MessageAction="SUPPRESS",
                    UserAttributes=attrs(email=email, email_verified="true")) == (
        "AliasExistsException", "An account with the email already exists.")
    assert rejected(cognito.admin_get_user, UserPoolId=pool["Id"], Username=second) == NOT_FOUND
    # An unverified copy of the email is no alias and no conflict.
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=third, MessageAction="SUPPRESS",
                              UserAttributes=attrs(email=email))
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=second, MessageAction="SUPPRESS",
                              ForceAliasCreation=True,
                              UserAttributes=attrs(email=email, email_verified="true"))
    assert get(cognito, pool["Id"], email)["Username"] == second
    assert attribute_map(get(cognito, pool["Id"], first))["email_verified"] == "false"
