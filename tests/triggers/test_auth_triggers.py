"""PreAuthentication, PostAuthentication and UserMigration (_Authentication, _ForgotPassword),
through boto3 over HTTP, handlers in Python and Node.js run by the built-in runtime: the exact
event each handler received, and what its answer did to the sign-in (reference §4.1, §4.4,
§3.8; docs/triggers.md).

The timeout test (three attempts of 5 s) runs on a SQLite server of this module's own, once
per language, to keep the file's time down; everything else runs on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP
from tests.auth_helpers import confirmed_user, database_of, flows_client, password_sign_in
from tests.conftest import database
from tests.server import REGION, Server
from tests.triggers.functions import LANGS, Functions, arn, make_pool
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    last_code,
    rejected,
    unique,
)

INCORRECT = "Incorrect username or password."
SDK = "aws-sdk-unknown-unknown"  # boto3's User-Agent is not one AWS names (docs/triggers.md)
TIER = [{"Name": "tier", "AttributeDataType": "String", "Mutable": True}]


def expected(
    source: str,
    pool_id: str,
    user_name: str,
    client_id: str,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole event, as the handler must have received it."""
    return {
        "version": "1",
        "triggerSource": source,
        "region": REGION,
        "userPoolId": pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": SDK, "clientId": client_id},
        "request": request,
        "response": response if response is not None else {},
    }


def user_with_email(cognito: Any, pool_id: str) -> tuple[str, str, str]:
    """A CONFIRMED user with a verified email: (username, email, sub)."""
    email = address()
    name = confirmed_user(
        cognito, pool_id, attributes=attrs(email=email, email_verified="true")
    )
    sub = attribute_map(cognito.admin_get_user(UserPoolId=pool_id, Username=name))["sub"]
    return name, email, sub


def confirmed_attributes(sub: str, email: str) -> dict[str, str]:
    return {
        "sub": sub,
        "email": email,
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def stored(server: Server, pool_id: str, username: str) -> dict[str, Any]:
    """The user as stored (the lockout counter ``_Failures`` isn't visible through the API)."""
    with database_of(server) as tx:
        user = tx.users.get(pool_id, username)
    assert user is not None
    return user


def missing(cognito: Any, pool_id: str, username: str) -> bool:
    return rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )


def srp_start(
    cognito: Any, client: dict[str, Any], pool_id: str, username: str, **extra: Any
) -> tuple[AWSSRP, dict[str, Any], dict[str, str]]:
    """USER_SRP_AUTH's InitiateAuth by a real SRP client: (helper, answer, AuthParameters)."""
    helper = AWSSRP(
        username=username,
        password=STRONG,
        pool_id=pool_id,
        client_id=client["ClientId"],
        client=cognito,
    )
    params = helper.get_auth_params()
    answer = cognito.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH", AuthParameters=params, **extra
    )
    return helper, answer, params


# -- PreAuthentication_Authentication ---------------------------------------------------------
def test_pre_authentication_user_password_auth(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito, LambdaConfig={"PreAuthentication": functions.handler(lang, name)})[
        "Id"
    ]
    client = flows_client(cognito, pool_id)
    username, email, sub = user_with_email(cognito, pool_id)
    answer = cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        ClientMetadata={"device": "kiosk"},
    )
    assert answer["AuthenticationResult"]["AccessToken"]  # the default answer lets it through
    assert functions.event(name) == expected(
        "PreAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "validationData": {"device": "kiosk"},
        },
    )


def test_pre_authentication_admin_user_password_auth(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito, LambdaConfig={"PreAuthentication": functions.handler(lang, name)})[
        "Id"
    ]
    client = flows_client(cognito, pool_id)
    username, email, sub = user_with_email(cognito, pool_id)
    answer = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        ClientMetadata={"by": "admin"},
    )
    assert answer["AuthenticationResult"]["IdToken"]
    # AdminInitiateAuth names its app client: the event carries it (not CLIENT_ID_NOT_APPLICABLE).
    assert functions.event(name) == expected(
        "PreAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {"userAttributes": confirmed_attributes(sub, email), "validationData": {"by": "admin"}},
    )


def test_pre_and_post_authentication_on_srp(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """SRP: PreAuthentication at InitiateAuth (with its ClientMetadata as validationData);
    PostAuthentication at RespondToAuthChallenge (with that call's clientMetadata)."""
    post = f"{name}-post"
    pool_id = make_pool(
        cognito,
        LambdaConfig={
            "PreAuthentication": functions.handler(lang, name),
            "PostAuthentication": functions.handler(lang, post),
        },
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, email, sub = user_with_email(cognito, pool_id)
    helper, first, params = srp_start(
        cognito, client, pool_id, username, ClientMetadata={"step": "initiate"}
    )
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    assert functions.event(name) == expected(
        "PreAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "validationData": {"step": "initiate"},
        },
    )
    assert functions.events(post) == []  # not signed in yet
    done = cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"],
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(first["ChallengeParameters"], params),
        ClientMetadata={"step": "respond"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    assert len(functions.events(name)) == 1  # RespondToAuthChallenge runs no pre authentication
    assert functions.event(post) == expected(
        "PostAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "clientMetadata": {"step": "respond"},
        },
    )


def test_throwing_pre_authentication_denies_the_sign_in(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(
        cognito,
        LambdaConfig={"PreAuthentication": functions.handler(lang, name, error="Not today.")},
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, _, _ = user_with_email(cognito, pool_id)
    denied = ("UserLambdaValidationException", "PreAuthentication failed with error Not today..")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == denied
    assert (
        rejected(
            cognito.admin_initiate_auth,
            UserPoolId=pool_id,
            ClientId=client["ClientId"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        )
        == denied
    )
    assert rejected(
        cognito.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=AWSSRP(
            username=username,
            password=STRONG,
            pool_id=pool_id,
            client_id=client["ClientId"],
            client=cognito,
        ).get_auth_params(),
    ) == denied  # no PASSWORD_VERIFIER challenge either
    # The function runs before the password is checked: a wrong one isn't counted (lockout).
    assert (
        rejected(
            password_sign_in, cognito=cognito, client=client, username=username, password=OTHER
        )
        == denied
    )
    assert len(functions.events(name)) == 4
    assert "_Failures" not in stored(trigger_server, pool_id, username)
    # Once the function lets users in again, the same password works.
    functions.handler(lang, name)
    assert password_sign_in(cognito, client, username)["AuthenticationResult"]["AccessToken"]


def test_pre_authentication_of_an_unknown_user(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """With PreventUserExistenceErrors ENABLED the function also runs for a user who doesn't
    exist, with ``userNotFound: true`` (§3.8, §4.4); with LEGACY it doesn't run."""
    pool_id = make_pool(cognito, LambdaConfig={"PreAuthentication": functions.handler(lang, name)})[
        "Id"
    ]
    enabled = flows_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    legacy = flows_client(cognito, pool_id, PreventUserExistenceErrors="LEGACY")
    ghost = unique("ghost")
    assert rejected(password_sign_in, cognito=cognito, client=legacy, username=ghost) == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert functions.events(name) == []
    assert rejected(
        password_sign_in, cognito=cognito, client=enabled, username=ghost
    ) == ("NotAuthorizedException", INCORRECT)
    assert functions.event(name) == expected(
        "PreAuthentication_Authentication",
        pool_id,
        ghost,
        enabled["ClientId"],
        {"userAttributes": {}, "validationData": {}, "userNotFound": True},
    )
    # SRP too: the simulated challenge comes after the function ran.
    _, first, _ = srp_start(cognito, enabled, pool_id, ghost, ClientMetadata={"k": "v"})
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    second = functions.events(name)[1]
    assert second["userName"] == ghost
    assert second["request"] == {
        "userAttributes": {},
        "validationData": {"k": "v"},
        "userNotFound": True,
    }
    # With ENABLED the flag is "populated" (DG) for users who exist too: false.
    username, email, sub = user_with_email(cognito, pool_id)
    assert password_sign_in(cognito, enabled, username)["AuthenticationResult"]["AccessToken"]
    assert functions.events(name)[2] == expected(
        "PreAuthentication_Authentication",
        pool_id,
        username,
        enabled["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "validationData": {},
            "userNotFound": False,
        },
    )


# -- PostAuthentication_Authentication --------------------------------------------------------
def test_post_authentication_after_a_password_sign_in(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(
        cognito, LambdaConfig={"PostAuthentication": functions.handler(lang, name)}
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, email, sub = user_with_email(cognito, pool_id)
    answer = cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        ClientMetadata={"not": "passed"},
    )
    assert answer["AuthenticationResult"]["RefreshToken"]
    # No clientMetadata: InitiateAuth's isn't passed to post authentication (§4.4); no
    # newDeviceUsed: the pool doesn't remember devices.
    assert functions.event(name) == expected(
        "PostAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {"userAttributes": confirmed_attributes(sub, email)},
    )


def test_alias_attributes_in_the_event(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """In a pool whose verified email signs users in (AliasAttributes), the event's attributes
    carry ``cognito:email_alias`` (as in events captured from AWS)."""
    pool_id = make_pool(
        cognito,
        AliasAttributes=["email"],
        LambdaConfig={"PostAuthentication": functions.handler(lang, name)},
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, email, sub = user_with_email(cognito, pool_id)
    password_sign_in(cognito, client, email)  # by the alias
    assert functions.event(name)["request"]["userAttributes"] == {
        **confirmed_attributes(sub, email),
        "cognito:email_alias": email,
    }
    assert functions.event(name)["userName"] == username


def test_post_authentication_after_new_password_required(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """AdminCreateUser, then NEW_PASSWORD_REQUIRED answered by RespondToAuthChallenge: the
    sign-in finishes there, so its ClientMetadata reaches the function."""
    pool_id = make_pool(
        cognito, LambdaConfig={"PostAuthentication": functions.handler(lang, name)}
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, email = unique(), address()
    sub = attribute_map(
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            TemporaryPassword=OTHER,
            MessageAction="SUPPRESS",
            UserAttributes=attrs(email=email, email_verified="true"),
        )["User"]
    )["sub"]
    first = password_sign_in(cognito, client, username, OTHER)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert functions.events(name) == []
    done = cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": STRONG},
        ClientMetadata={"source": "invite"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    assert functions.event(name) == expected(
        "PostAuthentication_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "clientMetadata": {"source": "invite"},
        },
    )


def test_throwing_post_authentication_returns_no_tokens(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(
        cognito,
        LambdaConfig={"PostAuthentication": functions.handler(lang, name, error="Audit down")},
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, _, _ = user_with_email(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "UserLambdaValidationException",
        "PostAuthentication failed with error Audit down.",
    )
    assert functions.event(name)["triggerSource"] == "PostAuthentication_Authentication"
    functions.handler(lang, name)
    assert password_sign_in(cognito, client, username)["AuthenticationResult"]["IdToken"]


# -- UserMigration_Authentication -------------------------------------------------------------
def migrated_answer(email: str, **extra: Any) -> dict[str, Any]:
    return {
        "userAttributes": {"email": email, "email_verified": "true", **extra},
        "finalUserStatus": "CONFIRMED",
        "messageAction": "SUPPRESS",
    }


MIGRATION_RESPONSE = {
    "userAttributes": None,
    "finalUserStatus": None,
    "messageAction": None,
    "desiredDeliveryMediums": None,
    "forceAliasCreation": None,
    "enableSMSMFA": None,
}


def test_migration_on_sign_in(cognito: Any, functions: Functions, lang: str, name: str) -> None:
    email = address()
    migrate = functions.handler(
        lang, name, response=migrated_answer(email, **{"custom:tier": "gold"})
    )
    pool_id = make_pool(cognito, Schema=TIER, LambdaConfig={"UserMigration": migrate})["Id"]
    client = flows_client(cognito, pool_id)
    username = unique("legacy")
    # The legacy password needn't satisfy the pool's policy (§4.4): only the function checks it.
    legacy_password = "legacy-pass"
    answer = cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": legacy_password},
        ClientMetadata={"app": "mobile"},
    )
    assert answer["AuthenticationResult"]["AccessToken"]
    assert functions.event(name) == expected(
        "UserMigration_Authentication",
        pool_id,
        username,
        client["ClientId"],
        {"password": legacy_password, "validationData": {"app": "mobile"}},
        MIGRATION_RESPONSE,
    )
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    found = attribute_map(user)
    assert {k: v for k, v in found.items() if k != "sub"} == {
        "email": email,
        "email_verified": "true",
        "custom:tier": "gold",
    }
    assert found["sub"]
    # Migrated once: the next sign-ins are the pool's own.
    again = password_sign_in(cognito, client, username, legacy_password)
    assert again["AuthenticationResult"]["AccessToken"]
    assert rejected(
        password_sign_in, cognito=cognito, client=client, username=username, password=STRONG
    ) == ("NotAuthorizedException", INCORRECT)
    assert len(functions.events(name)) == 1


def test_migration_in_an_email_username_pool(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """The typed email is the event's userName; the migrated user gets a generated internal
    username and the email as its sign-in name, as after SignUp."""
    email = address()
    migrate = functions.handler(
        lang, name, response={"userAttributes": {"email_verified": "true"}}
    )
    pool_id = make_pool(
        cognito, UsernameAttributes=["email"], LambdaConfig={"UserMigration": migrate}
    )["Id"]
    client = flows_client(cognito, pool_id)
    answer = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": STRONG},
        ClientMetadata={"admin": "yes"},
    )
    assert answer["AuthenticationResult"]["AccessToken"]
    event = functions.event(name)
    assert event["userName"] == email
    assert event["callerContext"]["clientId"] == client["ClientId"]
    assert event["request"] == {
        "password": STRONG,
        "validationData": {"admin": "yes"},
        "clientMetadata": {"admin": "yes"},
    }
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    assert user["Username"] != email  # generated, as SignUp's in such a pool
    assert attribute_map(user)["email"] == email
    assert user["UserStatus"] == "CONFIRMED"
    assert password_sign_in(cognito, client, email)["AuthenticationResult"]["IdToken"]
    assert len(functions.events(name)) == 1


def test_migration_to_reset_required(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    email = address()
    answer = {**migrated_answer(email), "finalUserStatus": "RESET_REQUIRED"}
    pool_id = make_pool(
        cognito, LambdaConfig={"UserMigration": functions.handler(lang, name, response=answer)}
    )["Id"]
    client = flows_client(cognito, pool_id)
    username = unique("legacy")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    assert functions.event(name)["triggerSource"] == "UserMigration_Authentication"
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "RESET_REQUIRED"
    assert attribute_map(user)["email"] == email


def test_throwing_migration(cognito: Any, functions: Functions, lang: str, name: str) -> None:
    migrate = functions.handler(lang, name, error="Bad credentials")
    pool_id = make_pool(cognito, LambdaConfig={"UserMigration": migrate})["Id"]
    legacy = flows_client(cognito, pool_id, PreventUserExistenceErrors="LEGACY")
    enabled = flows_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    username = unique("legacy")
    assert rejected(password_sign_in, cognito=cognito, client=legacy, username=username) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad credentials.",
    )
    assert missing(cognito, pool_id, username)
    assert rejected(password_sign_in, cognito=cognito, client=enabled, username=username) == (
        "NotAuthorizedException",
        INCORRECT,
    )
    assert missing(cognito, pool_id, username)
    assert len(functions.events(name)) == 2


def test_migration_answer_without_user_attributes(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    migrate = functions.handler(lang, name, response={"finalUserStatus": "CONFIRMED"})
    pool_id = make_pool(cognito, LambdaConfig={"UserMigration": migrate})["Id"]
    client = flows_client(cognito, pool_id)
    username = unique("legacy")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
    assert missing(cognito, pool_id, username)
    functions.handler(lang, name, output="x")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
    assert missing(cognito, pool_id, username)


def test_srp_never_migrates(cognito: Any, functions: Functions, lang: str, name: str) -> None:
    migrate = functions.handler(lang, name, response=migrated_answer(address()))
    pool_id = make_pool(cognito, LambdaConfig={"UserMigration": migrate})["Id"]
    client = flows_client(cognito, pool_id)
    username = unique("legacy")
    assert rejected(
        cognito.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=AWSSRP(
            username=username,
            password=STRONG,
            pool_id=pool_id,
            client_id=client["ClientId"],
            client=cognito,
        ).get_auth_params(),
    ) == ("UserNotFoundException", "User does not exist.")
    assert functions.events(name) == []
    assert missing(cognito, pool_id, username)


# -- UserMigration_ForgotPassword -------------------------------------------------------------
def test_migration_on_forgot_password(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    email = address()
    post = f"{name}-post"
    pool_id = make_pool(
        cognito,
        LambdaConfig={
            "UserMigration": functions.handler(lang, name, response=migrated_answer(email)),
            "PostConfirmation": functions.handler(lang, post),
        },
    )["Id"]
    client = flows_client(cognito, pool_id)
    username = unique("legacy")
    delivery = cognito.forgot_password(
        ClientId=client["ClientId"], Username=username, ClientMetadata={"from": "reset-page"}
    )["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == "EMAIL"
    assert delivery["AttributeName"] == "email"
    assert functions.event(name) == expected(
        "UserMigration_ForgotPassword",
        pool_id,
        username,
        client["ClientId"],
        {"validationData": {}, "clientMetadata": {"from": "reset-page"}},
        MIGRATION_RESPONSE,
    )
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "RESET_REQUIRED"
    sub = attribute_map(user)["sub"]
    cognito.confirm_forgot_password(
        ClientId=client["ClientId"],
        Username=username,
        ConfirmationCode=last_code(trigger_server, email),
        Password=STRONG,
        ClientMetadata={"step": "confirm"},
    )
    assert functions.event(post) == expected(
        "PostConfirmation_ConfirmForgotPassword",
        pool_id,
        username,
        client["ClientId"],
        {
            "userAttributes": confirmed_attributes(sub, email),
            "clientMetadata": {"step": "confirm"},
        },
    )
    assert password_sign_in(cognito, client, username)["AuthenticationResult"]["AccessToken"]
    assert len(functions.events(name)) == 1  # the user is the pool's now


# -- errors: AWS's answers, and nothing changed -----------------------------------------------
def test_malformed_pre_authentication_answer(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(
        cognito, LambdaConfig={"PreAuthentication": functions.handler(lang, name, output="x")}
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, _, _ = user_with_email(cognito, pool_id)
    unrecognizable = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        unrecognizable
    )
    assert (
        rejected(
            password_sign_in, cognito=cognito, client=client, username=username, password=OTHER
        )
        == unrecognizable
    )
    assert "_Failures" not in stored(trigger_server, pool_id, username)
    assert len(functions.events(name)) == 2


def test_unknown_function(cognito: Any, trigger_server: Server) -> None:
    missing_arn = arn(unique("no-such-function"))
    pool_id = make_pool(cognito, LambdaConfig={"PreAuthentication": missing_arn})["Id"]
    client = flows_client(cognito, pool_id)
    username, _, _ = user_with_email(cognito, pool_id)
    assert rejected(
        password_sign_in, cognito=cognito, client=client, username=username, password=OTHER
    ) == (
        "UnexpectedLambdaException",
        f"PreAuthentication invocation failed due to error Function not found: {missing_arn}.",
    )
    assert "_Failures" not in stored(trigger_server, pool_id, username)


@pytest.fixture(scope="module")
def sqlite_server(
    tmp_path_factory: pytest.TempPathFactory, functions: Functions
) -> Iterator[Server]:
    """A SQLite server of this module's own, for the slow test (not run on both stores)."""
    tmp: Path = tmp_path_factory.mktemp("slow-triggers")
    for url in database("sqlite", tmp):
        server = Server(db=url, extra=["--functions", str(functions.root)]).start()
        try:
            yield server
        finally:
            server.stop()


@pytest.mark.parametrize("lang", LANGS)
def test_pre_authentication_timeout(
    sqlite_server: Server, functions: Functions, lang: str, name: str
) -> None:
    """A function that doesn't answer within 5 s, three times: UnexpectedLambdaException (§4.1),
    and the wrong password it was asked about isn't counted."""
    cognito = sqlite_server.client()
    pool_id = make_pool(
        cognito, LambdaConfig={"PreAuthentication": functions.handler(lang, name, sleep=6)}
    )["Id"]
    client = flows_client(cognito, pool_id)
    username, _, _ = user_with_email(cognito, pool_id)
    assert rejected(
        password_sign_in, cognito=cognito, client=client, username=username, password=OTHER
    ) == (
        "UnexpectedLambdaException",
        "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda "
        "function.",
    )
    assert len(functions.events(name)) == 3  # AWS's three attempts
    assert "_Failures" not in stored(sqlite_server, pool_id, username)


def test_email_username_pool_alias_in_the_event(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """Where the email is the username it signs the user in, verified or not: the event's
    attributes carry ``cognito:email_alias`` with ``email_verified`` "false"."""
    pool_id = make_pool(
        cognito,
        UsernameAttributes=["email"],
        LambdaConfig={"PreAuthentication": functions.handler(lang, name)},
    )["Id"]
    client = flows_client(cognito, pool_id)
    email = address()
    internal = cognito.admin_create_user(
        UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS"
    )["User"]["Username"]
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=email, Password=STRONG, Permanent=True
    )
    password_sign_in(cognito, client, email)
    event = functions.event(name)
    assert event["userName"] == internal != email
    attributes = event["request"]["userAttributes"]
    assert attributes["cognito:email_alias"] == attributes["email"] == email
    assert attributes.get("email_verified", "false") == "false"
