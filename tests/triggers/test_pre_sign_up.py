"""PreSignUp (PreSignUp_SignUp, PreSignUp_AdminCreateUser) and PostConfirmation
(_ConfirmSignUp), with the seed page's own ARN (cognito-test-presignup-function), through
boto3 over HTTP, handlers in Python and Node.js run by the built-in runtime (reference §4.4)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.server import Server
from tests.triggers.functions import Functions, make_pool
from tests.user_helpers import STRONG, address, attrs, make_client, rejected, unique

SEED_PRESIGNUP = (
    "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-presignup-function"
)
PRESIGNUP = "cognito-test-presignup-function"


def wire(cognito: Any, pool_id: str, **lambda_config: Any) -> None:
    """UpdateUserPool with this LambdaConfig (and the pool's email auto-verification)."""
    cognito.update_user_pool(
        UserPoolId=pool_id, LambdaConfig=lambda_config, AutoVerifiedAttributes=["email"]
    )


@pytest.fixture
def pool_id(cognito: Any) -> str:
    return make_pool(cognito, AutoVerifiedAttributes=["email"])["Id"]


@pytest.fixture
def client(cognito: Any, pool_id: str) -> dict[str, Any]:
    return make_client(cognito, pool_id)


def test_event_and_auto_confirm(
    cognito: Any, functions: Functions, lang: str, pool_id: str, client: dict[str, Any]
) -> None:
    functions.handler(lang, PRESIGNUP, response={"autoConfirmUser": True, "autoVerifyEmail": True})
    wire(cognito, pool_id, PreSignUp=SEED_PRESIGNUP)
    username, email = unique(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email, name="Mary"),
        ValidationData=attrs(source="test"),
        ClientMetadata={"campaign": "spring"},
    )
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer  # a confirmed user gets no code
    event = functions.event(PRESIGNUP)
    assert event == {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client["ClientId"],
        },
        "request": {
            "userAttributes": {"email": email, "name": "Mary"},
            "validationData": {"source": "test"},
            "clientMetadata": {"campaign": "spring"},
        },
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_default_answer_changes_nothing(
    cognito: Any, functions: Functions, lang: str, pool_id: str, client: dict[str, Any]
) -> None:
    functions.handler(lang, PRESIGNUP)
    wire(cognito, pool_id, PreSignUp=SEED_PRESIGNUP)
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=unique(),
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    )
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    request = functions.event(PRESIGNUP)["request"]
    assert request["validationData"] is None
    assert "clientMetadata" not in request  # absent when the caller sent none


def test_throwing_handler_rejects_sign_up(
    cognito: Any, functions: Functions, lang: str, pool_id: str, client: dict[str, Any]
) -> None:
    functions.handler(lang, PRESIGNUP, error="Registration from this domain is not allowed.")
    wire(cognito, pool_id, PreSignUp=SEED_PRESIGNUP)
    username = unique()
    code, message = rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    )
    assert code == "UserLambdaValidationException"
    assert message == (
        "PreSignUp failed with error Registration from this domain is not allowed.."
    )
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )


def test_unrecognizable_answer(
    cognito: Any, functions: Functions, lang: str, pool_id: str, client: dict[str, Any]
) -> None:
    functions.handler(lang, PRESIGNUP, response={"autoConfirmUser": "yes"})
    wire(cognito, pool_id, PreSignUp=SEED_PRESIGNUP)
    username = unique()
    assert rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    ) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )
    functions.handler(lang, PRESIGNUP, output="just a string")
    assert rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    ) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    functions.handler(lang, PRESIGNUP, output={"version": "1"})  # the event without a response
    assert rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    ) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")


def test_admin_create_user_ignores_the_flags(
    cognito: Any, functions: Functions, lang: str, pool_id: str
) -> None:
    functions.handler(lang, PRESIGNUP, response={"autoConfirmUser": True})
    wire(cognito, pool_id, PreSignUp=SEED_PRESIGNUP)
    username = unique()
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=attrs(email=address()),
        MessageAction="SUPPRESS",
        ClientMetadata={"by": "admin"},
    )["User"]
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    event = functions.event(PRESIGNUP)
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"by": "admin"}


def test_post_confirmation_on_confirm_sign_up(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    lang: str,
    name: str,
    pool_id: str,
    client: dict[str, Any],
) -> None:
    from tests.user_helpers import last_code

    post = functions.handler(lang, name)
    wire(cognito, pool_id, PostConfirmation=post)
    username, email = unique(), address()
    sub = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )["UserSub"]
    assert functions.events(name) == []
    cognito.confirm_sign_up(
        ClientId=client["ClientId"],
        Username=username,
        ConfirmationCode=last_code(trigger_server, email),
        ClientMetadata={"step": "confirm"},
    )
    event = functions.event(name)
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["request"] == {
        "userAttributes": {
            "sub": sub,
            "email": email,
            "email_verified": "true",
            "cognito:user_status": "CONFIRMED",
        },
        "clientMetadata": {"step": "confirm"},
    }
    assert event["response"] == {}


def test_auto_verify_moves_the_alias(
    cognito: Any, functions: Functions, lang: str, name: str
) -> None:
    """Auto-verifying an email another user holds as an alias moves the alias to the new user;
    the old user's email becomes unverified (reference §4.4)."""
    from tests.auth_helpers import confirmed_user, flows_client, password_sign_in

    pool_id = make_pool(cognito, AliasAttributes=["email"])["Id"]
    client = flows_client(cognito, pool_id)
    email = address()
    old = confirmed_user(cognito, pool_id, attributes=attrs(email=email, email_verified="true"))
    cognito.update_user_pool(
        UserPoolId=pool_id,
        LambdaConfig={
            "PreSignUp": functions.handler(
                lang, name, response={"autoConfirmUser": True, "autoVerifyEmail": True}
            )
        },
    )
    new = unique()
    assert cognito.sign_up(
        ClientId=client["ClientId"],
        Username=new,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )["UserConfirmed"] is True
    before = {
        a["Name"]: a["Value"]
        for a in cognito.admin_get_user(UserPoolId=pool_id, Username=old)["UserAttributes"]
    }
    assert before["email_verified"] == "false"
    signed_in = password_sign_in(cognito, client, email)["AuthenticationResult"]
    me = cognito.get_user(AccessToken=signed_in["AccessToken"])
    assert me["Username"] == new
