"""The built-in runtime's Lambda Invoke API (``POST /2015-03-31/functions/<name>/invocations``)
through boto3's ``lambda`` client, and the third route to a function (docs/triggers.md "Three
ways to reach a function"): a second userpool server started with ``--lambda-endpoint`` (and
no ``--functions``) whose pools' triggers run through boto3's ``lambda`` client against the
first server's Invoke API, with the same events and the same errors as the runtime's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.auth_helpers import confirmed_user, flows_client, password_sign_in
from tests.conftest import database
from tests.server import REGION, Server, error
from tests.triggers.conftest import AWS_ENV
from tests.triggers.functions import Functions, arn, make_pool
from tests.user_helpers import STRONG, address, attrs, make_client, rejected, unique


def lambda_client(server: Server) -> Any:
    """boto3's ``lambda`` client pointed at ``server`` (any credentials will do)."""
    return server.client("lambda", credentials=("anything", "at-all"))


def test_invoke_returns_the_payload(
    trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    functions.handler(lang, name, response={"answer": 42})
    event = {"triggerSource": "Test", "response": {}, "nested": {"list": [1, "two"]}}
    for function in (name, arn(name), f"{name}:live"):  # a name, an ARN, a qualified name
        answer = lambda_client(trigger_server).invoke(
            FunctionName=function, Payload=json.dumps(event).encode()
        )
        assert answer["StatusCode"] == 200
        assert "FunctionError" not in answer
        assert answer["ExecutedVersion"] == "$LATEST"
        assert json.loads(answer["Payload"].read()) == {**event, "response": {"answer": 42}}
    assert functions.events(name) == [event, event, event]  # the handler saw the event as sent


def test_invoke_a_throwing_function(
    trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    functions.handler(lang, name, error="It broke")
    answer = lambda_client(trigger_server).invoke(FunctionName=name, Payload=b'{"a": 1}')
    # Lambda answers 200 with X-Amz-Function-Error and the error document as the payload.
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    document = json.loads(answer["Payload"].read())
    assert document["errorMessage"] == "It broke"
    assert document["errorType"] in ("Exception", "Error")  # Python's, Node.js's
    assert functions.event(name) == {"a": 1}


def test_invoke_an_unknown_function(trigger_server: Server) -> None:
    ghost = unique("no-such-function")
    with pytest.raises(ClientError) as exc:
        lambda_client(trigger_server).invoke(FunctionName=ghost, Payload=b"{}")
    assert error(exc) == ("ResourceNotFoundException", f"Function not found: {arn(ghost)}")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# -- a second userpool whose triggers run through the first one's Invoke API ------------------
@pytest.fixture(scope="module")
def remote(trigger_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on the same kind of store as ``trigger_server``, without a functions folder,
    reaching every function through ``--lambda-endpoint <trigger_server>``."""
    tmp = tmp_path_factory.mktemp(f"remote-{trigger_server.store}")
    for url in database(trigger_server.store, tmp):
        server = Server(
            db=url, extra=["--lambda-endpoint", trigger_server.url], env=AWS_ENV
        ).start()
        try:
            yield server
        finally:
            server.stop()


def test_pre_sign_up_through_the_invoke_api(
    remote: Server, functions: Functions, lang: str, name: str
) -> None:
    cognito = remote.client()
    pool_id = make_pool(
        cognito,
        AutoVerifiedAttributes=["email"],
        LambdaConfig={
            "PreSignUp": functions.handler(
                lang, name, response={"autoConfirmUser": True, "autoVerifyEmail": True}
            )
        },
    )["Id"]
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
        ClientMetadata={"via": "invoke-api"},
    )
    assert answer["UserConfirmed"] is True
    assert functions.event(name) == {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": REGION,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client["ClientId"],
        },
        "request": {
            "userAttributes": {"email": email},  # no sub yet (as AWS sends it)
            "validationData": None,
            "clientMetadata": {"via": "invoke-api"},
        },
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_throwing_pre_authentication_through_the_invoke_api(
    remote: Server, functions: Functions, lang: str, name: str
) -> None:
    cognito = remote.client()
    pool_id = make_pool(
        cognito,
        LambdaConfig={"PreAuthentication": functions.handler(lang, name, error="Not today.")},
    )["Id"]
    client = flows_client(cognito, pool_id)
    username = confirmed_user(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Not today..",
    )
    event = functions.event(name)
    assert event["triggerSource"] == "PreAuthentication_Authentication"
    assert event["userPoolId"] == pool_id
    assert event["userName"] == username
    functions.handler(lang, name)  # let users in again: the same sign-in now works
    assert password_sign_in(cognito, client, username)["AuthenticationResult"]["AccessToken"]


def test_unknown_function_through_the_invoke_api(remote: Server) -> None:
    """The Invoke API's ResourceNotFoundException is the runtime's "Function not found"."""
    cognito = remote.client()
    missing = arn(unique("no-such-function"))
    pool_id = make_pool(cognito, LambdaConfig={"PreAuthentication": missing})["Id"]
    client = flows_client(cognito, pool_id)
    username = confirmed_user(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=client, username=username) == (
        "UnexpectedLambdaException",
        f"PreAuthentication invocation failed due to error Function not found: {missing}.",
    )
