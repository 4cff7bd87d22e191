"""Self-service sign-up over HTTP, on both stores: SignUp, ConfirmSignUp, ResendConfirmationCode,
SECRET_HASH, PreventUserExistenceErrors, email-username / alias / case-insensitive pools, the
attribute schema, and concurrent sign-ups.

Sources: shared/reference/cognito.md §3.7 (SECRET_HASH messages), §3.8
(PreventUserExistenceErrors; AliasExistsException at ConfirmSignUp), §5 (codes, statuses),
§7.3 (ConfirmSignUp: 15 attempts per hour).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    last_code,
    make_client,
    make_pool,
    messages,
    rejected,
    secret_hash,
    unique,
)

MISMATCH = "Invalid verification code provided, please try again."
EXPIRED = "Invalid code provided, please request a code again."
TOO_MANY = "Attempt limit exceeded, please try after some time."
NOT_FOUND_FOR_CLIENT = "Username/client id combination not found."
POLICY = "Password did not conform with policy: "


@pytest.fixture
def verified_pool(cognito: Any) -> dict[str, Any]:
    """Email is auto-verified: SignUp sends a code."""
    return make_pool(cognito, AutoVerifiedAttributes=["email"])


@pytest.fixture
def app(cognito: Any, verified_pool: dict[str, Any]) -> dict[str, Any]:
    return make_client(cognito, verified_pool["Id"])


def sign_up(cognito: Any, client: dict[str, Any], username: str, email: str | None,
            password: str = STRONG, **kwargs: Any) -> dict[str, Any]:
    user_attributes = attrs(email=email) if email else []
    return cognito.sign_up(ClientId=client["ClientId"], Username=username, Password=password,
                           UserAttributes=user_attributes, **kwargs)


def status(cognito: Any, pool_id: str, username: str) -> str:
    return cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"]


# -- SignUp and ConfirmSignUp ------------------------------------------------------------------
def test_sign_up_sends_a_code_and_confirm_verifies_the_email(
    cognito: Any, server: Server, verified_pool: dict[str, Any], app: dict[str, Any]
) -> None:
    name, email = unique(), address("jane")
    response = sign_up(cognito, app, name, email)
    assert response["UserConfirmed"] is False
    uuid.UUID(response["UserSub"])
    assert response["CodeDeliveryDetails"] == {
        "Destination": f"{email[0]}***@e***.com",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    user = cognito.admin_get_user(UserPoolId=verified_pool["Id"], Username=name)
    assert user["UserStatus"] == "UNCONFIRMED"
    assert attribute_map(user)["sub"] == response["UserSub"]
    assert attribute_map(user).get("email_verified") != "true"
    sent = messages(server, email)
    assert len(sent) == 1
    assert sent[0]["Subject"] == "Your verification code"
    assert sent[0]["Body"].startswith("Your verification code is ")

    cognito.confirm_sign_up(ClientId=app["ClientId"], Username=name,
                            ConfirmationCode=last_code(server, email))
    user = cognito.admin_get_user(UserPoolId=verified_pool["Id"], Username=name)
    assert user["UserStatus"] == "CONFIRMED"
    assert attribute_map(user)["email_verified"] == "true"


def test_sign_up_without_auto_verification_sends_nothing(
    cognito: Any, server: Server, pool_id: str
) -> None:
    client = make_client(cognito, pool_id)
    name, email = unique(), address()
    response = sign_up(cognito, client, name, email)
    assert "CodeDeliveryDetails" not in response
    assert messages(server, email) == []
    code, message = rejected(cognito.resend_confirmation_code,
                             ClientId=client["ClientId"], Username=name)
    assert (code, message) == ("InvalidParameterException", "Auto verification not turned on.")
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    assert status(cognito, pool_id, name) == "CONFIRMED"
    assert rejected(cognito.admin_confirm_sign_up, UserPoolId=pool_id, Username=name) == (
        "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")


def test_sign_up_taken_username(cognito: Any, app: dict[str, Any]) -> None:
    name = unique()
    sign_up(cognito, app, name, address())
    assert rejected(sign_up, cognito=cognito, client=app, username=name, email=address()) == (
        "UsernameExistsException", "User already exists")


def test_sign_up_unknown_client(cognito: Any) -> None:
    code, message = rejected(cognito.sign_up, ClientId="0123456789abcdefghijklmnop",
                             Username=unique(), Password=STRONG)
    assert (code, message) == (
        "ResourceNotFoundException", "User pool client 0123456789abcdefghijklmnop does not exist.")


def test_sign_up_missing_client_id_is_a_validation_error(loose: Any) -> None:
    code, _ = rejected(loose.sign_up, Username=unique(), Password=STRONG)
    assert code == "InvalidParameterException"


def test_sign_up_without_password_needs_passwordless_sign_in(
    cognito: Any, app: dict[str, Any]
) -> None:
    assert rejected(cognito.sign_up, ClientId=app["ClientId"], Username=unique()) == (
        "InvalidPasswordException", POLICY + "Password not long enough")


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
def test_sign_up_weak_password(
    cognito: Any, verified_pool: dict[str, Any], app: dict[str, Any], password: str, failure: str
) -> None:
    name = unique()
    assert rejected(sign_up, cognito=cognito, client=app, username=name, email=address(),
                    password=password) == ("InvalidPasswordException", POLICY + failure)
    code, message = rejected(cognito.admin_get_user, UserPoolId=verified_pool["Id"],
                             Username=name)
    assert (code, message) == ("UserNotFoundException", "User does not exist.")


def test_sign_up_follows_the_pools_own_policy(cognito: Any) -> None:
    pool = make_pool(cognito, Policies={"PasswordPolicy": {
        "MinimumLength": 12, "RequireUppercase": False, "RequireLowercase": True,
        "RequireNumbers": False, "RequireSymbols": False}})
    client = make_client(cognito, pool["Id"])
    assert rejected(sign_up, cognito=cognito, client=client, username=unique(), email=None,
                    password="only11chars") == (
        "InvalidPasswordException", POLICY + "Password not long enough")
    sign_up(cognito, client, unique(), None, password="twelvecharsx")


# -- codes: wrong, replaced, reused, attempt limit ---------------------------------------------
def test_wrong_code(cognito: Any, server: Server, app: dict[str, Any]) -> None:
    name, email = unique(), address()
    sign_up(cognito, app, name, email)
    right = last_code(server, email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=wrong) == ("CodeMismatchException", MISMATCH)


def test_code_replaced_by_resend_no_longer_works(
    cognito: Any, server: Server, verified_pool: dict[str, Any], app: dict[str, Any]
) -> None:
    name, email = unique(), address()
    sign_up(cognito, app, name, email)
    first = last_code(server, email)
    response = cognito.resend_confirmation_code(ClientId=app["ClientId"], Username=name)
    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(messages(server, email)) == 2
    second = last_code(server, email)
    if first != second:  # one chance in a million that the new code is the same
        assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                        ConfirmationCode=first) == ("CodeMismatchException", MISMATCH)
    cognito.confirm_sign_up(ClientId=app["ClientId"], Username=name, ConfirmationCode=second)
    assert status(cognito, verified_pool["Id"], name) == "CONFIRMED"
    # A used code: the user is confirmed now.
    assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=second) == (
        "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
    assert rejected(cognito.resend_confirmation_code, ClientId=app["ClientId"],
                    Username=name) == ("InvalidParameterException", "User is already confirmed.")


def test_confirm_after_admin_confirm_has_no_code(
    cognito: Any, server: Server, verified_pool: dict[str, Any], app: dict[str, Any]
) -> None:
    name, email = unique(), address()
    sign_up(cognito, app, name, email)
    code = last_code(server, email)
    cognito.admin_confirm_sign_up(UserPoolId=verified_pool["Id"], Username=name)
    assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                    ConfirmationCode=code) == (
        "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")


def test_attempt_limit(cognito: Any, server: Server, app: dict[str, Any]) -> None:
    """15 wrong ConfirmSignUp codes an hour [DG:quotas]; then even the right one is refused."""
    name, email = unique(), address()
    sign_up(cognito, app, name, email)
    right = last_code(server, email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(15):
        assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                        ConfirmationCode=wrong)[0] == "CodeMismatchException"
    for code in (wrong, right):
        assert rejected(cognito.confirm_sign_up, ClientId=app["ClientId"], Username=name,
                        ConfirmationCode=code) == ("LimitExceededException", TOO_MANY)


def test_resend_limit(cognito: Any, server: Server, app: dict[str, Any]) -> None:
    """ResendConfirmationCode: 5 codes an hour per user [DG:quotas] (SignUp's one counts)."""
    name, email = unique(), address()
    sign_up(cognito, app, name, email)
    for _ in range(4):
        cognito.resend_confirmation_code(ClientId=app["ClientId"], Username=name)
    assert rejected(cognito.resend_confirmation_code, ClientId=app["ClientId"],
                    Username=name) == ("LimitExceededException", TOO_MANY)
    assert len(messages(server, email)) == 5


# -- SECRET_HASH -------------------------------------------------------------------------------
PUBLIC_OPERATIONS = ["sign_up", "confirm_sign_up", "resend_confirmation_code",
                     "forgot_password", "confirm_forgot_password"]


def _public_call(cognito: Any, operation: str, client: dict[str, Any], name: str,
                 code: str = "123456", **extra: Any) -> Any:
    kwargs: dict[str, Any] = {"ClientId": client["ClientId"], "Username": name, **extra}
    if operation == "sign_up":
        kwargs.update(Password=STRONG, UserAttributes=attrs(email=address()))
    if operation in ("confirm_sign_up", "confirm_forgot_password"):
        kwargs["ConfirmationCode"] = code
    if operation == "confirm_forgot_password":
        kwargs["Password"] = OTHER
    return getattr(cognito, operation)(**kwargs)


@pytest.mark.parametrize("operation", PUBLIC_OPERATIONS)
def test_secret_hash_missing_and_wrong(
    cognito: Any, verified_pool: dict[str, Any], operation: str
) -> None:
    client = make_client(cognito, verified_pool["Id"], GenerateSecret=True)
    name = unique()
    cognito.admin_create_user(UserPoolId=verified_pool["Id"], Username=name,
                              MessageAction="SUPPRESS")
    client_id = client["ClientId"]
    assert rejected(_public_call, cognito=cognito, operation=operation, client=client,
                    name=name) == (
        "NotAuthorizedException",
        f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    wrong = secret_hash(client, name + "x")
    assert rejected(_public_call, cognito=cognito, operation=operation, client=client,
                    name=name, SecretHash=wrong) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")


def test_secret_hash_right_through_sign_up_and_recovery(
    cognito: Any, server: Server, verified_pool: dict[str, Any]
) -> None:
    client = make_client(cognito, verified_pool["Id"], GenerateSecret=True)
    name, email = unique(), address()
    digest = secret_hash(client, name)
    cognito.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG,
                    UserAttributes=attrs(email=email), SecretHash=digest)
    cognito.resend_confirmation_code(ClientId=client["ClientId"], Username=name,
                                     SecretHash=digest)
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name, SecretHash=digest,
                            ConfirmationCode=last_code(server, email))
    cognito.forgot_password(ClientId=client["ClientId"], Username=name, SecretHash=digest)
    cognito.confirm_forgot_password(ClientId=client["ClientId"], Username=name,
                                    SecretHash=digest, Password=OTHER,
                                    ConfirmationCode=last_code(server, email))
    assert status(cognito, verified_pool["Id"], name) == "CONFIRMED"


def test_client_without_secret_ignores_a_secret_hash(
    cognito: Any, app: dict[str, Any]
) -> None:
    sign_up(cognito, app, unique(), address(), SecretHash="bm90IGNoZWNrZWQ=")


# -- PreventUserExistenceErrors ----------------------------------------------------------------
def test_unknown_user_legacy(cognito: Any, verified_pool: dict[str, Any]) -> None:
    client = make_client(cognito, verified_pool["Id"], PreventUserExistenceErrors="LEGACY")
    for operation in ("confirm_sign_up", "resend_confirmation_code"):
        assert rejected(_public_call, cognito=cognito, operation=operation, client=client,
                        name=unique()) == ("UserNotFoundException", NOT_FOUND_FOR_CLIENT)


def test_unknown_user_enabled(cognito: Any, verified_pool: dict[str, Any]) -> None:
    client = make_client(cognito, verified_pool["Id"], PreventUserExistenceErrors="ENABLED")
    assert rejected(_public_call, cognito=cognito, operation="confirm_sign_up", client=client,
                    name=unique()) == ("CodeMismatchException", MISMATCH)
    details = cognito.resend_confirmation_code(
        ClientId=client["ClientId"], Username=unique())["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert details["AttributeName"] == "email"


# -- email as username -------------------------------------------------------------------------
@pytest.fixture
def email_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])


def test_email_username(cognito: Any, server: Server, email_pool: dict[str, Any]) -> None:
    client = make_client(cognito, email_pool["Id"])
    email = address("Mixed")
    sub = cognito.sign_up(ClientId=client["ClientId"], Username=email,
                          Password=STRONG)["UserSub"]
    user = cognito.admin_get_user(UserPoolId=email_pool["Id"], Username=email)
    internal = user["Username"]
    assert internal != email
    uuid.UUID(internal)  # a generated internal username
    assert attribute_map(user)["email"] == email
    assert attribute_map(user)["sub"] == sub
    # The same user by its internal name, and the email in any case.
    by_internal = cognito.admin_get_user(UserPoolId=email_pool["Id"], Username=internal)
    assert by_internal["Username"] == internal
    assert cognito.admin_get_user(UserPoolId=email_pool["Id"],
                                  Username=email.upper())["Username"] == internal
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=email,
                            ConfirmationCode=last_code(server, email))
    assert status(cognito, email_pool["Id"], email) == "CONFIRMED"


def test_email_username_duplicate(cognito: Any, email_pool: dict[str, Any]) -> None:
    client = make_client(cognito, email_pool["Id"])
    email = address()
    cognito.sign_up(ClientId=client["ClientId"], Username=email, Password=STRONG)
    assert rejected(cognito.sign_up, ClientId=client["ClientId"], Username=email.upper(),
                    Password=STRONG) == (
        "UsernameExistsException", "An account with the given email already exists.")
    assert cognito.describe_user_pool(
        UserPoolId=email_pool["Id"])["UserPool"]["EstimatedNumberOfUsers"] == 1


def test_email_username_must_be_an_email(cognito: Any, email_pool: dict[str, Any]) -> None:
    client = make_client(cognito, email_pool["Id"])
    assert rejected(cognito.sign_up, ClientId=client["ClientId"], Username="plainname",
                    Password=STRONG) == (
        "InvalidParameterException", "Username should be an email.")


# -- alias pools -------------------------------------------------------------------------------
@pytest.fixture
def alias_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, AliasAttributes=["email", "preferred_username"],
                     AutoVerifiedAttributes=["email"])


def _signed_up_and_confirmed(cognito: Any, server: Server, client: dict[str, Any],
                             name: str, email: str, **kwargs: Any) -> None:
    sign_up(cognito, client, name, email)
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                            ConfirmationCode=last_code(server, email), **kwargs)


def test_alias_resolves_once_verified(
    cognito: Any, server: Server, alias_pool: dict[str, Any]
) -> None:
    client = make_client(cognito, alias_pool["Id"])
    name, email = unique(), address()
    sign_up(cognito, client, name, email)
    # Not verified yet: the email is no sign-in name.
    assert rejected(cognito.admin_get_user, UserPoolId=alias_pool["Id"], Username=email) == (
        "UserNotFoundException", "User does not exist.")
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name,
                            ConfirmationCode=last_code(server, email))
    assert cognito.admin_get_user(UserPoolId=alias_pool["Id"],
                                  Username=email)["Username"] == name
    # preferred_username is an alias at once.
    cognito.admin_update_user_attributes(UserPoolId=alias_pool["Id"], Username=name,
                                         UserAttributes=attrs(preferred_username="nick" + name))
    assert cognito.admin_get_user(UserPoolId=alias_pool["Id"],
                                  Username="nick" + name)["Username"] == name


def test_alias_pool_refuses_an_email_username(cognito: Any, alias_pool: dict[str, Any]) -> None:
    client = make_client(cognito, alias_pool["Id"])
    assert rejected(sign_up, cognito=cognito, client=client, username=address(),
                    email=None) == (
        "InvalidParameterException",
        "Username cannot be of email format, since user pool is configured for email alias.")


def test_alias_exists_at_confirm_and_force_moves_it(
    cognito: Any, server: Server, alias_pool: dict[str, Any]
) -> None:
    client = make_client(cognito, alias_pool["Id"])
    first, second, email = unique("a"), unique("b"), address()
    _signed_up_and_confirmed(cognito, server, client, first, email)
    sign_up(cognito, client, second, email)  # a duplicate alias is no error at SignUp
    code = last_code(server, email)
    assert rejected(cognito.confirm_sign_up, ClientId=client["ClientId"], Username=second,
                    ConfirmationCode=code) == (
        "AliasExistsException", "An account with the email already exists.")
    assert status(cognito, alias_pool["Id"], second) == "UNCONFIRMED"
    assert cognito.admin_get_user(UserPoolId=alias_pool["Id"],
                                  Username=email)["Username"] == first
    # The same code, with ForceAliasCreation: the alias moves, the first user's email is
    # unverified.
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=second,
                            ConfirmationCode=code, ForceAliasCreation=True)
    assert cognito.admin_get_user(UserPoolId=alias_pool["Id"],
                                  Username=email)["Username"] == second
    previous = attribute_map(cognito.admin_get_user(UserPoolId=alias_pool["Id"],
                                                    Username=first))
    assert previous["email"] == email
    assert previous["email_verified"] == "false"


# -- case-insensitive usernames ----------------------------------------------------------------
def test_case_insensitive_usernames(cognito: Any, server: Server) -> None:
    pool = make_pool(cognito, UsernameConfiguration={"CaseSensitive": False},
                     AutoVerifiedAttributes=["email"])
    client = make_client(cognito, pool["Id"])
    name, email = "Mixed" + unique(), address()
    sign_up(cognito, client, name, email)
    assert rejected(sign_up, cognito=cognito, client=client, username=name.upper(),
                    email=address()) == ("UsernameExistsException", "User already exists")
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=name.lower(),
                            ConfirmationCode=last_code(server, email))
    user = cognito.admin_get_user(UserPoolId=pool["Id"], Username=name.upper())
    assert user["Username"] in (name, name.lower())
    assert user["UserStatus"] == "CONFIRMED"


def test_case_sensitive_by_default(cognito: Any, app: dict[str, Any],
                                   verified_pool: dict[str, Any]) -> None:
    name = "Mixed" + unique()
    sign_up(cognito, app, name, address())
    sign_up(cognito, app, name.lower(), address())
    assert rejected(cognito.admin_get_user, UserPoolId=verified_pool["Id"],
                    Username=name.upper()) == ("UserNotFoundException", "User does not exist.")


# -- the schema --------------------------------------------------------------------------------
@pytest.fixture
def schema_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, Schema=[
        {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
    ])


def test_required_attribute_missing(cognito: Any, schema_pool: dict[str, Any]) -> None:
    client = make_client(cognito, schema_pool["Id"])
    assert rejected(sign_up, cognito=cognito, client=client, username=unique(),
                    email=address()) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: name: The attribute is required.\n")


def test_unknown_attribute(cognito: Any, schema_pool: dict[str, Any]) -> None:
    client = make_client(cognito, schema_pool["Id"])
    code, message = rejected(cognito.sign_up, ClientId=client["ClientId"], Username=unique(),
                             Password=STRONG,
                             UserAttributes=attrs(name="N", custom__nope="x"))
    assert (code, message) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the "
        "schema.\n")


def test_immutable_attribute_set_at_sign_up_only(
    cognito: Any, schema_pool: dict[str, Any]
) -> None:
    client = make_client(cognito, schema_pool["Id"])
    name = unique()
    cognito.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG,
                    UserAttributes=attrs(name="Jane", custom__tenant="acme"))
    user = attribute_map(cognito.admin_get_user(UserPoolId=schema_pool["Id"], Username=name))
    assert user["custom:tenant"] == "acme"
    assert rejected(cognito.admin_update_user_attributes, UserPoolId=schema_pool["Id"],
                    Username=name, UserAttributes=attrs(custom__tenant="other")) == (
        "InvalidParameterException", "user.custom:tenant: Attribute cannot be updated.\n")
    assert rejected(cognito.admin_delete_user_attributes, UserPoolId=schema_pool["Id"],
                    Username=name, UserAttributeNames=["name"]) == (
        "InvalidParameterException", "user.name: The attribute is required.\n")


def test_sign_up_cannot_set_verified_flags(cognito: Any, app: dict[str, Any]) -> None:
    code, message = rejected(cognito.sign_up, ClientId=app["ClientId"], Username=unique(),
                             Password=STRONG,
                             UserAttributes=attrs(email=address(), email_verified="true"))
    assert (code, message) == (
        "InvalidParameterException", "Cannot modify the non-mutable attribute email_verified")


# -- concurrency -------------------------------------------------------------------------------
def test_concurrent_sign_ups_of_one_username(server: Server, cognito: Any) -> None:
    pool = make_pool(cognito)
    client = make_client(cognito, pool["Id"])
    name = unique()
    clients = [server.client() for _ in range(20)]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def attempt(boto: Any) -> None:
        start.wait()
        try:
            boto.sign_up(ClientId=client["ClientId"], Username=name, Password=STRONG)
            outcome = "ok"
        except ClientError as exc:
            outcome = exc.response["Error"]["Code"]
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(boto,)) for boto in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["UsernameExistsException"] * 19 + ["ok"]
    assert cognito.describe_user_pool(
        UserPoolId=pool["Id"])["UserPool"]["EstimatedNumberOfUsers"] == 1
    assert cognito.admin_get_user(UserPoolId=pool["Id"], Username=name)["Username"] == name


def test_email_username_satisfies_a_required_email(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="email-required",
        UsernameAttributes=["email"],
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    cognito.sign_up(ClientId=client_id, Username="req@example.com", Password="Passw0rd!")
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="req@example.com")
    assert {"Name": "email", "Value": "req@example.com"} in user["UserAttributes"]
