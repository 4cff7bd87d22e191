"""The AWS JSON 1.1 wire: errors, validation wording, CORS, request ids, reset."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server


def test_every_response_has_a_request_id_and_json_content_type(server: Server) -> None:
    status, headers, body = server.raw("ListUserPools", '{"MaxResults": 1}')
    assert status == 200
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert len(headers["x-amzn-requestid"]) == 36
    assert isinstance(body["UserPools"], list)


def test_unknown_operation(server: Server) -> None:
    status, headers, body = server.raw("DescribeTheMoon", "{}")
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert headers["x-amzn-errortype"] == "UnknownOperationException"
    assert "x-amzn-requestid" in headers


def test_missing_target(server: Server) -> None:
    status, _, body = server.raw(None, "{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")


def test_malformed_json_is_a_serialization_error(server: Server) -> None:
    status, _, body = server.raw("ListUserPools", '{"MaxResults": ')
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = server.raw("ListUserPools", "[1, 2]")
    assert (status, body["__type"]) == (400, "SerializationException")


def test_wrong_json_type_is_a_serialization_error(server: Server) -> None:
    status, _, body = server.raw("ListUserPools", '{"MaxResults": "ten"}')
    assert (status, body["__type"]) == (400, "SerializationException")
    assert "maxResults" in body["message"]


def test_wrong_content_type(server: Server) -> None:
    status, _, body = server.raw("ListUserPools", "{}", headers={"Content-Type": "text/plain"})
    assert (status, body["__type"]) == (400, "SerializationException")


def test_oversized_body_is_refused_without_a_500(server: Server) -> None:
    big = '{"PoolName": "' + "a" * (3 * 1024 * 1024) + '"}'
    status, _, body = server.raw("CreateUserPool", big)
    assert (status, body["__type"]) == (400, "SerializationException")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"UserPoolId": "YOUR_USER_POOL_ID!"},
            "1 validation error detected: Value 'YOUR_USER_POOL_ID!' at 'userPoolId' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[\\w-]+_[0-9a-zA-Z]+",
        ),
        (
            {"UserPoolId": "us-east-1_abc", "MfaConfiguration": "MAYBE"},
            "1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy "
            "constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
        ),
        (
            {
                "UserPoolId": "us-east-1_abc",
                "Policies": {"PasswordPolicy": {"MinimumLength": 5}},
                "AutoVerifiedAttributes": ["email", "fax"],
            },
            "2 validation errors detected: Value '5' at 'policies.passwordPolicy.minimumLength' "
            "failed to satisfy constraint: Member must have value greater than or equal to 6; "
            "Value '[email, fax]' at 'autoVerifiedAttributes' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: "
            "[phone_number, email]]",
        ),
    ],
)
def test_validation_messages_use_aws_wording(
    server: Server, kwargs: dict[str, Any], message: str
) -> None:
    # Sent raw: boto3 validates some constraints itself before sending.
    import json

    status, headers, body = server.raw("UpdateUserPool", json.dumps(kwargs))
    assert status == 400
    assert body == {"__type": "InvalidParameterException", "message": message}
    assert headers["x-amzn-errortype"] == "InvalidParameterException"


def test_list_of_structures_is_reported_with_member_index(cognito: Any) -> None:
    with pytest.raises(ClientError) as err:
        cognito.create_user_pool(
            PoolName="p", Schema=[{"Name": "ok"}, {"Name": "phone_number_verifiedx"}]
        )
    assert err.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'phone_number_verifiedx' at 'schema.2.member.name' "
        "failed to satisfy constraint: Member must have length less than or equal to 20"
    )


def test_sensitive_values_are_not_echoed(server: Server) -> None:
    status, _, body = server.raw(
        "DescribeUserPoolClient", '{"UserPoolId": "us-east-1_abc", "ClientId": "bad client"}'
    )
    assert status == 400
    assert body["message"] == (
        "1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+]+"
    )


def test_cors_preflight_and_cross_origin_call(server: Server) -> None:
    status, headers, _ = server.raw(
        None,
        "",
        method="OPTIONS",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent",
        },
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "x-amz-target" in headers["access-control-allow-headers"].lower()
    status, headers, _body = server.raw(
        "ListUserPools", '{"MaxResults": 1}', headers={"Origin": "http://localhost:3000"}
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "x-amzn-requestid" in headers["access-control-expose-headers"].lower()
    status, headers, _body = server.raw("NoSuchOp", "{}", headers={"Origin": "http://a.example"})
    assert status == 400
    assert headers["access-control-allow-origin"] == "*"


def test_health(server: Server) -> None:
    status, _, body = server.raw(None, "", method="GET", path="/health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["store"] in ("sqlite", "postgresql")


def test_region_comes_from_the_signature_scope(server: Server) -> None:
    client = server.client(region_name="eu-west-1")
    created = client.create_user_pool(PoolName="regional")["UserPool"]
    assert created["Id"].startswith("eu-west-1_")
    assert created["Arn"].startswith("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/")
    ids = [p["Id"] for p in client.list_user_pools(MaxResults=60)["UserPools"]]
    assert created["Id"] in ids
    others = server.client().list_user_pools(MaxResults=60)["UserPools"]
    assert created["Id"] not in [p["Id"] for p in others]


NOT_YET = {  # valid requests to operations a later issue implements
    "StartWebAuthnRegistration": {"AccessToken": "token"},
    "ListWebAuthnCredentials": {"AccessToken": "token"},
    "AdminDisableProviderForUser": {
        "UserPoolId": "us-east-1_abc",
        "User": {"ProviderName": "Google", "ProviderAttributeValue": "123"},
    },
}


@pytest.mark.parametrize("name", sorted(NOT_YET))
def test_an_operation_not_implemented_yet_answers_cleanly(server: Server, name: str) -> None:
    import json

    from userpool import operations

    if name in operations.load():
        pytest.skip(f"{name} is implemented")
    status, headers, body = server.raw(name, json.dumps(NOT_YET[name]))
    assert status == 501
    assert body == {
        "__type": "NotImplementedException",
        "message": f"userpool does not implement {name} yet",
    }
    assert headers["x-amzn-errortype"] == "NotImplementedException"


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/", 405), ("POST", "/nope", 405), ("GET", "/nope", 405)]
)
def test_unknown_paths_and_methods_answer_json(
    server: Server, method: str, path: str, status: int
) -> None:
    code, headers, body = server.raw(None, "{}", method=method, path=path)
    assert code == status
    assert body["__type"] == "UnknownOperationException"
    assert headers["access-control-allow-origin"] == "*"
