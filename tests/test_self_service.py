"""The access-token operations: GetUser, UpdateUserAttributes, DeleteUserAttributes, DeleteUser,
ChangePassword, GetUserAttributeVerificationCode, VerifyUserAttribute, SetUserSettings — through
boto3 over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.auth_helpers import (
    confirmed_user,
    database_of,
    flows_client,
    password_sign_in,
    server_key,
)
from tests.server import Server
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    last_code,
    make_pool,
    messages,
    rejected,
)

REVOKED = ("NotAuthorizedException", "Access Token has been revoked")
INVALID = ("NotAuthorizedException", "Invalid Access Token")
GONE = ("UserNotFoundException", "User does not exist.")


def signed_in(
    cognito: Any,
    pool_id: str,
    client: dict[str, Any] | None = None,
    *,
    user_attributes: list[dict[str, str]] | None = None,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(username, client, AuthenticationResult) of a fresh confirmed user signed in."""
    client = client or flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id, attributes=user_attributes)
    result = password_sign_in(cognito, client, name)["AuthenticationResult"]
    return name, client, result


def minted(
    server: Server,
    pool_id: str,
    client_id: str,
    username: str,
    *,
    age: float = 0,
    hook: Any = None,
) -> dict[str, Any]:
    """Tokens issued by the server's own code from the test process (as another host would):
    ``age`` seconds in the past, ``hook`` editing the claims before signing."""
    from userpool.tokens import issue, keyring_for

    now = time.time() - age
    with database_of(server) as tx:
        pool = tx.get_pool(pool_id)
        client = tx.get("client", pool_id, client_id)
        user = tx.users.get(pool_id, username)
        assert pool and client and user
        return issue(
            tx,
            keyring_for(server_key(server)),
            issuer=f"{server.url}/{pool_id}",
            pool_id=pool_id,
            client=client,
            user=user,
            now=now,
            claims_hook=hook,
        )


def user_of(cognito: Any, token: str) -> dict[str, str]:
    return attribute_map(cognito.get_user(AccessToken=token))


# -- GetUser -----------------------------------------------------------------------------------
def test_get_user_returns_the_token_owner(cognito: Any, pool_id: str) -> None:
    email = address()
    name, _client, tokens = signed_in(
        cognito, pool_id, user_attributes=attrs(email=email, given_name="Ann")
    )
    found = cognito.get_user(AccessToken=tokens["AccessToken"])
    assert found["Username"] == name
    values = attribute_map(found)
    assert values["email"] == email and values["given_name"] == "Ann"
    assert found["UserAttributes"][0]["Name"] == "sub"


def test_get_user_shows_only_the_clients_read_attributes(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id, ReadAttributes=["email"])
    _name, _c, tokens = signed_in(
        cognito, pool_id, client, user_attributes=attrs(email=address(), given_name="Ann")
    )
    assert set(user_of(cognito, tokens["AccessToken"])) == {"sub", "email"}


def test_get_user_refuses_bad_tokens(cognito: Any, loose: Any, pool_id: str) -> None:
    _name, _client, tokens = signed_in(cognito, pool_id)
    access = tokens["AccessToken"]
    head, body, signature = access.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    assert rejected(cognito.get_user, AccessToken="not-a-token") == INVALID
    assert rejected(cognito.get_user, AccessToken=forged) == INVALID
    assert rejected(cognito.get_user, AccessToken=tokens["IdToken"]) == INVALID
    code, _ = rejected(loose.get_user)
    assert code == "InvalidParameterException"


def test_get_user_refuses_a_token_naming_another_pool(cognito: Any, pool_id: str) -> None:
    import base64
    import json

    other = make_pool(cognito)["Id"]
    _name, _client, tokens = signed_in(cognito, pool_id)
    head, body, signature = tokens["AccessToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["iss"] = claims["iss"].replace(pool_id, other)
    moved = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert rejected(cognito.get_user, AccessToken=f"{head}.{moved}.{signature}") == INVALID


def test_expired_and_unscoped_tokens_are_refused(
    server: Server, cognito: Any, pool_id: str
) -> None:
    name, client, _tokens = signed_in(cognito, pool_id)
    old = minted(server, pool_id, client["ClientId"], name, age=7200)
    expired = rejected(cognito.get_user, AccessToken=old["AccessToken"])
    assert expired == ("NotAuthorizedException", "Access Token has expired")

    def no_admin_scope(_id: dict[str, Any], access: dict[str, Any]) -> None:
        access["scope"] = "openid email"

    narrow = minted(server, pool_id, client["ClientId"], name, hook=no_admin_scope)
    assert rejected(cognito.get_user, AccessToken=narrow["AccessToken"]) == (
        "NotAuthorizedException",
        "Access Token does not have required scopes",
    )
    fresh = minted(server, pool_id, client["ClientId"], name)  # the control: this one works
    assert cognito.get_user(AccessToken=fresh["AccessToken"])["Username"] == name


def test_tokens_of_a_user_needing_a_password_reset_are_refused(
    cognito: Any, pool_id: str
) -> None:
    name, _client, tokens = signed_in(
        cognito, pool_id, user_attributes=attrs(email=address(), email_verified="true")
    )
    cognito.admin_reset_user_password(UserPoolId=pool_id, Username=name)
    code, _ = rejected(cognito.get_user, AccessToken=tokens["AccessToken"])
    assert code == "PasswordResetRequiredException"


# -- DeleteUser --------------------------------------------------------------------------------
def test_delete_user_removes_the_user_and_its_tokens_stop(cognito: Any, pool_id: str) -> None:
    name, client, tokens = signed_in(cognito, pool_id)
    cognito.delete_user(AccessToken=tokens["AccessToken"])
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=name)[0] == (
        "UserNotFoundException"
    )
    assert rejected(cognito.get_user, AccessToken=tokens["AccessToken"]) == GONE
    assert rejected(cognito.delete_user, AccessToken=tokens["AccessToken"]) == GONE
    refresh = rejected(
        cognito.get_tokens_from_refresh_token,
        RefreshToken=tokens["RefreshToken"],
        ClientId=client["ClientId"],
    )
    assert refresh == GONE


def test_a_recreated_username_is_not_the_deleted_user(cognito: Any, pool_id: str) -> None:
    name, client, tokens = signed_in(cognito, pool_id)
    cognito.admin_delete_user(UserPoolId=pool_id, Username=name)
    confirmed_user(cognito, pool_id, username=name)
    assert rejected(cognito.get_user, AccessToken=tokens["AccessToken"]) == GONE
    refresh = rejected(
        cognito.get_tokens_from_refresh_token,
        RefreshToken=tokens["RefreshToken"],
        ClientId=client["ClientId"],
    )
    assert refresh == GONE


# -- UpdateUserAttributes / VerifyUserAttribute ------------------------------------------------
def test_update_user_attributes_applies_and_reads_back(cognito: Any, pool_id: str) -> None:
    _name, _client, tokens = signed_in(cognito, pool_id)
    answer = cognito.update_user_attributes(
        AccessToken=tokens["AccessToken"], UserAttributes=attrs(given_name="Bo", family_name="X")
    )
    assert "CodeDeliveryDetailsList" not in answer
    values = user_of(cognito, tokens["AccessToken"])
    assert values["given_name"] == "Bo" and values["family_name"] == "X"
    cognito.update_user_attributes(
        AccessToken=tokens["AccessToken"], UserAttributes=attrs(family_name="")
    )
    assert "family_name" not in user_of(cognito, tokens["AccessToken"])


def test_update_user_attributes_semantic_errors(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id, WriteAttributes=["given_name", "email"])
    _name, _c, tokens = signed_in(cognito, pool_id, client)
    token = tokens["AccessToken"]
    update = cognito.update_user_attributes
    assert rejected(update, AccessToken=token, UserAttributes=attrs(family_name="X")) == (
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )
    assert rejected(update, AccessToken=token, UserAttributes=attrs(email_verified="true")) == (
        "InvalidParameterException",
        "Cannot modify the non-mutable attribute email_verified",
    )
    assert rejected(update, AccessToken=token, UserAttributes=attrs(email="nope")) == (
        "InvalidParameterException",
        "Invalid email address format.",
    )
    assert rejected(update, AccessToken="garbage", UserAttributes=attrs(given_name="X")) == INVALID


def test_changed_auto_verified_email_gets_a_code_and_verifies(
    server: Server, cognito: Any
) -> None:
    pool = make_pool(cognito, AutoVerifiedAttributes=["email"])
    old, new = address(), address()
    _name, _client, tokens = signed_in(
        cognito, pool["Id"], user_attributes=attrs(email=old, email_verified="true")
    )
    token = tokens["AccessToken"]
    answer = cognito.update_user_attributes(AccessToken=token, UserAttributes=attrs(email=new))
    [details] = answer["CodeDeliveryDetailsList"]
    assert details["DeliveryMedium"] == "EMAIL" and details["AttributeName"] == "email"
    assert details["Destination"].startswith(new[0]) and "***" in details["Destination"]
    values = user_of(cognito, token)
    assert values["email"] == new and values["email_verified"] == "false"
    code = last_code(server, new)
    wrong = "000000" if code != "000000" else "111111"
    verify = cognito.verify_user_attribute
    assert rejected(verify, AccessToken=token, AttributeName="email", Code=wrong)[0] == (
        "CodeMismatchException"
    )
    assert rejected(verify, AccessToken=token, AttributeName="name", Code=code) == (
        "InvalidParameterException",
        "Invalid attribute name. Only phone_number and email can be verified.",
    )
    verify(AccessToken=token, AttributeName="email", Code=code)
    assert user_of(cognito, token)["email_verified"] == "true"
    assert rejected(verify, AccessToken=token, AttributeName="email", Code=code) == (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )


def test_verification_before_update_keeps_the_old_email_until_verified(
    server: Server, cognito: Any
) -> None:
    pool = make_pool(
        cognito,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    old, new = address(), address()
    _name, _client, tokens = signed_in(
        cognito, pool["Id"], user_attributes=attrs(email=old, email_verified="true")
    )
    token = tokens["AccessToken"]
    cognito.update_user_attributes(AccessToken=token, UserAttributes=attrs(email=new))
    values = user_of(cognito, token)
    assert values["email"] == old and values["email_verified"] == "true"
    cognito.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=last_code(server, new)
    )
    values = user_of(cognito, token)
    assert values["email"] == new and values["email_verified"] == "true"


# -- GetUserAttributeVerificationCode ----------------------------------------------------------
def test_get_user_attribute_verification_code(server: Server, cognito: Any, pool_id: str) -> None:
    email = address()
    _name, _client, tokens = signed_in(cognito, pool_id, user_attributes=attrs(email=email))
    token = tokens["AccessToken"]
    answer = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert answer["CodeDeliveryDetails"]["AttributeName"] == "email"
    cognito.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=last_code(server, email)
    )
    assert user_of(cognito, token)["email_verified"] == "true"
    send = cognito.get_user_attribute_verification_code
    assert rejected(send, AccessToken=token, AttributeName="phone_number") == (
        "InvalidParameterException",
        "User does not have a valid registered phone number",
    )
    assert rejected(send, AccessToken=token, AttributeName="given_name") == (
        "InvalidParameterException",
        "Invalid attribute name. Only phone_number and email can be verified.",
    )


def test_verification_codes_are_limited_to_five_an_hour(
    server: Server, cognito: Any, pool_id: str
) -> None:
    email = address()
    _name, _client, tokens = signed_in(cognito, pool_id, user_attributes=attrs(email=email))
    send = cognito.get_user_attribute_verification_code
    for _ in range(5):
        send(AccessToken=tokens["AccessToken"], AttributeName="email")
    assert rejected(send, AccessToken=tokens["AccessToken"], AttributeName="email")[0] == (
        "LimitExceededException"
    )
    assert len(messages(server, email)) == 5


# -- DeleteUserAttributes ----------------------------------------------------------------------
def test_delete_user_attributes(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id, WriteAttributes=["given_name", "family_name"])
    _name, _c, tokens = signed_in(
        cognito,
        pool_id,
        client,
        user_attributes=attrs(given_name="A", family_name="B", email=address()),
    )
    token = tokens["AccessToken"]
    cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["given_name"])
    values = user_of(cognito, token)
    assert "given_name" not in values and values["family_name"] == "B"
    delete = cognito.delete_user_attributes
    assert rejected(delete, AccessToken=token, UserAttributeNames=["email"]) == (
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )
    assert rejected(delete, AccessToken=token, UserAttributeNames=["custom:nope"]) == (
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )


def test_required_attributes_cannot_be_deleted(cognito: Any) -> None:
    pool = make_pool(
        cognito,
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True,
                 "Mutable": True}],
    )
    _name, _c, tokens = signed_in(cognito, pool["Id"], user_attributes=attrs(email=address()))
    code, message = rejected(
        cognito.delete_user_attributes,
        AccessToken=tokens["AccessToken"],
        UserAttributeNames=["email"],
    )
    assert code == "InvalidParameterException" and "email" in message


# -- SetUserSettings ---------------------------------------------------------------------------
def test_set_user_settings(cognito: Any, pool_id: str) -> None:
    _name, _client, tokens = signed_in(cognito, pool_id)
    option = {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    cognito.set_user_settings(AccessToken=tokens["AccessToken"], MFAOptions=[option])
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["MFAOptions"] == [option]
    code, _ = rejected(
        cognito.set_user_settings,
        AccessToken=tokens["AccessToken"],
        MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}],
    )
    assert code == "InvalidParameterException"


# -- ChangePassword ----------------------------------------------------------------------------
def test_change_password(cognito: Any, pool_id: str) -> None:
    name, client, tokens = signed_in(cognito, pool_id)
    token = tokens["AccessToken"]
    change = cognito.change_password
    assert rejected(change, AccessToken=token, PreviousPassword=OTHER, ProposedPassword=OTHER) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert rejected(change, AccessToken=token, PreviousPassword=STRONG, ProposedPassword="short")[
        0
    ] == "InvalidPasswordException"
    change(AccessToken=token, PreviousPassword=STRONG, ProposedPassword=OTHER)
    assert password_sign_in(cognito, client, name, OTHER)["AuthenticationResult"]
    assert rejected(password_sign_in, cognito=cognito, client=client, username=name) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert cognito.get_user(AccessToken=token)["Username"] == name  # the session goes on


def test_change_password_is_limited_to_five_an_hour(cognito: Any, pool_id: str) -> None:
    _name, _client, tokens = signed_in(cognito, pool_id)
    token = tokens["AccessToken"]
    for _ in range(5):
        code, _ = rejected(
            cognito.change_password,
            AccessToken=token,
            PreviousPassword=OTHER,
            ProposedPassword=OTHER,
        )
        assert code == "NotAuthorizedException"
    code, _ = rejected(
        cognito.change_password, AccessToken=token, PreviousPassword=STRONG, ProposedPassword=OTHER
    )
    assert code == "LimitExceededException"


def test_change_password_respects_the_history(cognito: Any) -> None:
    pool = make_pool(cognito, Policies={"PasswordPolicy": {"MinimumLength": 8,
                                                           "PasswordHistorySize": 2}})
    _name, _client, tokens = signed_in(cognito, pool["Id"])
    token = tokens["AccessToken"]
    cognito.change_password(AccessToken=token, PreviousPassword=STRONG, ProposedPassword=OTHER)
    code, _ = rejected(
        cognito.change_password, AccessToken=token, PreviousPassword=OTHER, ProposedPassword=STRONG
    )
    assert code == "PasswordHistoryPolicyViolationException"


@pytest.mark.parametrize("operation", ["get_user", "delete_user", "global_sign_out"])
def test_tokens_of_a_deleted_pool_are_refused(cognito: Any, operation: str) -> None:
    pool = make_pool(cognito)
    _name, _client, tokens = signed_in(cognito, pool["Id"])
    cognito.delete_user_pool(UserPoolId=pool["Id"])
    # The pool's token families went with it: its tokens are refused as revoked.
    assert rejected(getattr(cognito, operation), AccessToken=tokens["AccessToken"]) == REVOKED
