"""App-client secrets: Add/List/DeleteUserPoolClientSecret over HTTP, on both stores.

Rules and sources: docs/app-clients.md ("Client secrets"). At most two secrets per client
[API:AddUserPoolClientSecret]; the last one can't be deleted [API:DeleteUserPoolClientSecret];
listing never shows values [API:ListUserPoolClientSecrets]; deleting the creation secret removes
``ClientSecret`` from DescribeUserPoolClient (observed, floci-io/floci#345).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import error
from userpool.domain import clients

MISSING_POOL = "us-east-1_Missing000"
MISSING_CLIENT = "0123456789abcdefghijklmnop"
SUPPLIED = "my_rotated_secret_value_0123456789"




@pytest.fixture
def confidential(cognito: Any, pool_id: str) -> dict[str, Any]:
    """A client created with a generated secret."""
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True
    )["UserPoolClient"]




def rejected(call: Any, **kw: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kw)
    return error(exc)


def add(cognito: Any, client: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return cognito.add_user_pool_client_secret(
        UserPoolId=client["UserPoolId"], ClientId=client["ClientId"], **kw
    )["ClientSecretDescriptor"]


def listed(cognito: Any, client: dict[str, Any]) -> list[dict[str, Any]]:
    response = cognito.list_user_pool_client_secrets(
        UserPoolId=client["UserPoolId"], ClientId=client["ClientId"]
    )
    assert "NextToken" not in response  # at most two secrets: always one page
    return response["ClientSecrets"]


def delete(cognito: Any, client: dict[str, Any], secret_id: str) -> None:
    cognito.delete_user_pool_client_secret(
        UserPoolId=client["UserPoolId"], ClientId=client["ClientId"], ClientSecretId=secret_id
    )


def describe(cognito: Any, client: dict[str, Any]) -> dict[str, Any]:
    return cognito.describe_user_pool_client(
        UserPoolId=client["UserPoolId"], ClientId=client["ClientId"]
    )["UserPoolClient"]


def secret_id_pattern(client: dict[str, Any]) -> str:
    return re.escape(client["ClientId"]) + r"--\d+"


# == ListUserPoolClientSecrets =====================================================================
def test_new_confidential_client_lists_its_creation_secret(
    cognito: Any, confidential: dict[str, Any]
) -> None:
    secrets = listed(cognito, confidential)
    assert len(secrets) == 1
    (only,) = secrets
    assert set(only) == {"ClientSecretId", "ClientSecretCreateDate"}
    assert re.fullmatch(secret_id_pattern(confidential), only["ClientSecretId"])
    assert only["ClientSecretCreateDate"] == confidential["CreationDate"]


def test_client_with_supplied_secret_lists_it(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="own", ClientSecret=SUPPLIED
    )["UserPoolClient"]
    assert len(listed(cognito, client)) == 1


def test_public_client_lists_no_secrets(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="public")[
        "UserPoolClient"
    ]
    assert listed(cognito, client) == []


# == AddUserPoolClientSecret =======================================================================
def test_add_generated_secret(cognito: Any, confidential: dict[str, Any]) -> None:
    original = listed(cognito, confidential)[0]
    descriptor = add(cognito, confidential)
    assert set(descriptor) == {"ClientSecretId", "ClientSecretValue", "ClientSecretCreateDate"}
    assert re.fullmatch(r"[a-z0-9]{52}", descriptor["ClientSecretValue"])
    assert descriptor["ClientSecretValue"] != confidential["ClientSecret"]
    assert re.fullmatch(secret_id_pattern(confidential), descriptor["ClientSecretId"])
    assert descriptor["ClientSecretId"] != original["ClientSecretId"]
    assert descriptor["ClientSecretCreateDate"] >= original["ClientSecretCreateDate"]
    # Listed oldest first, without values.
    assert listed(cognito, confidential) == [
        original,
        {k: descriptor[k] for k in ("ClientSecretId", "ClientSecretCreateDate")},
    ]
    # The described ClientSecret stays the creation secret.
    assert describe(cognito, confidential)["ClientSecret"] == confidential["ClientSecret"]


def test_add_supplied_secret_does_not_echo_it(cognito: Any, confidential: dict[str, Any]) -> None:
    descriptor = add(cognito, confidential, ClientSecret=SUPPLIED)
    assert set(descriptor) == {"ClientSecretId", "ClientSecretCreateDate"}
    ids = [s["ClientSecretId"] for s in listed(cognito, confidential)]
    assert ids[1] == descriptor["ClientSecretId"]
    assert len(ids) == 2


def test_third_secret_is_limit_exceeded(cognito: Any, confidential: dict[str, Any]) -> None:
    add(cognito, confidential)
    before = listed(cognito, confidential)
    code, _message = rejected(
        cognito.add_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"],
        ClientId=confidential["ClientId"],
    )
    assert code == "LimitExceededException"
    assert listed(cognito, confidential) == before


def test_add_to_public_client_is_refused(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="public")[
        "UserPoolClient"
    ]
    for kw in ({}, {"ClientSecret": SUPPLIED}):
        code, _message = rejected(
            cognito.add_user_pool_client_secret,
            UserPoolId=pool_id, ClientId=client["ClientId"], **kw,
        )
        assert code == "InvalidParameterException"
    assert listed(cognito, client) == []
    assert "ClientSecret" not in describe(cognito, client)


def test_add_to_unknown_client(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.add_user_pool_client_secret, UserPoolId=pool_id, ClientId=MISSING_CLIENT
    ) == ("ResourceNotFoundException", f"User pool client {MISSING_CLIENT} does not exist.")


def test_add_in_unknown_pool(cognito: Any) -> None:
    assert rejected(
        cognito.add_user_pool_client_secret, UserPoolId=MISSING_POOL, ClientId=MISSING_CLIENT
    ) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_add_missing_client_id(loose: Any, pool_id: str) -> None:
    code, message = rejected(loose.add_user_pool_client_secret, UserPoolId=pool_id)
    assert code == "InvalidParameterException"
    assert "at 'clientId' failed to satisfy constraint: Member must not be null" in message


@pytest.mark.parametrize(
    ("secret", "constraint"),
    [
        ("short_secret", "Member must have length greater than or equal to 24"),
        ("x" * 65, "Member must have length less than or equal to 64"),
        ("has-a-dash-which-is-not-allowed", "Member must satisfy regular expression pattern"),
    ],
)
def test_add_bad_supplied_secret(
    loose: Any, cognito: Any, confidential: dict[str, Any], secret: str, constraint: str
) -> None:
    code, message = rejected(
        loose.add_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"],
        ClientId=confidential["ClientId"],
        ClientSecret=secret,
    )
    assert code == "InvalidParameterException"
    assert f"at 'clientSecret' failed to satisfy constraint: {constraint}" in message
    assert len(listed(cognito, confidential)) == 1


# == DeleteUserPoolClientSecret ====================================================================
def test_delete_original_removes_client_secret_from_describe(
    cognito: Any, confidential: dict[str, Any]
) -> None:
    original = listed(cognito, confidential)[0]["ClientSecretId"]
    second = add(cognito, confidential)
    delete(cognito, confidential, original)
    assert [s["ClientSecretId"] for s in listed(cognito, confidential)] == [
        second["ClientSecretId"]
    ]
    described = describe(cognito, confidential)
    assert "ClientSecret" not in described
    # Still a confidential client: it may be given a new second secret again.
    third = add(cognito, confidential)
    assert [s["ClientSecretId"] for s in listed(cognito, confidential)] == [
        second["ClientSecretId"],
        third["ClientSecretId"],
    ]


def test_delete_second_keeps_client_secret(cognito: Any, confidential: dict[str, Any]) -> None:
    second = add(cognito, confidential)
    delete(cognito, confidential, second["ClientSecretId"])
    assert len(listed(cognito, confidential)) == 1
    assert describe(cognito, confidential)["ClientSecret"] == confidential["ClientSecret"]


def test_delete_last_secret_is_refused(cognito: Any, confidential: dict[str, Any]) -> None:
    (only,) = listed(cognito, confidential)
    code, _message = rejected(
        cognito.delete_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"],
        ClientId=confidential["ClientId"],
        ClientSecretId=only["ClientSecretId"],
    )
    assert code == "InvalidParameterException"
    assert listed(cognito, confidential) == [only]
    assert describe(cognito, confidential)["ClientSecret"] == confidential["ClientSecret"]


def test_delete_last_remaining_after_rotation_is_refused(
    cognito: Any, confidential: dict[str, Any]
) -> None:
    original = listed(cognito, confidential)[0]["ClientSecretId"]
    second = add(cognito, confidential)["ClientSecretId"]
    delete(cognito, confidential, original)
    code, _message = rejected(
        cognito.delete_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"],
        ClientId=confidential["ClientId"],
        ClientSecretId=second,
    )
    assert code == "InvalidParameterException"
    assert [s["ClientSecretId"] for s in listed(cognito, confidential)] == [second]


def test_delete_unknown_secret_id(cognito: Any, confidential: dict[str, Any]) -> None:
    unknown = f"{confidential['ClientId']}--1"
    code, message = rejected(
        cognito.delete_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"],
        ClientId=confidential["ClientId"],
        ClientSecretId=unknown,
    )
    assert code == "ResourceNotFoundException"
    assert unknown in message
    assert len(listed(cognito, confidential)) == 1


def test_delete_secret_of_another_client(
    cognito: Any, pool_id: str, confidential: dict[str, Any]
) -> None:
    other = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", GenerateSecret=True
    )["UserPoolClient"]
    add(cognito, confidential)
    foreign = listed(cognito, other)[0]["ClientSecretId"]
    code, _message = rejected(
        cognito.delete_user_pool_client_secret,
        UserPoolId=pool_id, ClientId=confidential["ClientId"], ClientSecretId=foreign,
    )
    assert code == "ResourceNotFoundException"
    assert len(listed(cognito, confidential)) == 2
    assert len(listed(cognito, other)) == 1


def test_delete_on_public_client_is_not_found(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="public")[
        "UserPoolClient"
    ]
    code, _message = rejected(
        cognito.delete_user_pool_client_secret,
        UserPoolId=pool_id, ClientId=client["ClientId"], ClientSecretId=f"{client['ClientId']}--1",
    )
    assert code == "ResourceNotFoundException"


def test_delete_missing_secret_id(loose: Any, confidential: dict[str, Any]) -> None:
    code, message = rejected(
        loose.delete_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"], ClientId=confidential["ClientId"],
    )
    assert code == "InvalidParameterException"
    assert "at 'clientSecretId' failed to satisfy constraint: Member must not be null" in message


def test_delete_secret_id_too_long(loose: Any, confidential: dict[str, Any]) -> None:
    code, message = rejected(
        loose.delete_user_pool_client_secret,
        UserPoolId=confidential["UserPoolId"], ClientId=confidential["ClientId"],
        ClientSecretId="x" * 129,
    )
    assert code == "InvalidParameterException"
    assert "at 'clientSecretId' failed to satisfy constraint" in message


# == unknown pool / client for list and delete; interplay with the client operations =============
@pytest.mark.parametrize("operation", ["list_user_pool_client_secrets",
                                       "delete_user_pool_client_secret"])
def test_unknown_pool_and_client(cognito: Any, pool_id: str, operation: str) -> None:
    extra = {"ClientSecretId": "x--1"} if operation.startswith("delete") else {}
    call = getattr(cognito, operation)
    assert rejected(call, UserPoolId=MISSING_POOL, ClientId=MISSING_CLIENT, **extra) == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert rejected(call, UserPoolId=pool_id, ClientId=MISSING_CLIENT, **extra) == (
        "ResourceNotFoundException", f"User pool client {MISSING_CLIENT} does not exist.")


def test_list_missing_client_id(loose: Any, pool_id: str) -> None:
    code, message = rejected(loose.list_user_pool_client_secrets, UserPoolId=pool_id)
    assert code == "InvalidParameterException"
    assert "at 'clientId' failed to satisfy constraint: Member must not be null" in message


def test_secrets_survive_client_updates(cognito: Any, confidential: dict[str, Any]) -> None:
    add(cognito, confidential)
    before = listed(cognito, confidential)
    updated = cognito.update_user_pool_client(
        UserPoolId=confidential["UserPoolId"], ClientId=confidential["ClientId"],
        ClientName="renamed",
    )["UserPoolClient"]
    assert updated["ClientSecret"] == confidential["ClientSecret"]
    assert listed(cognito, confidential) == before


def test_client_keeps_confidential_rules_after_original_is_deleted(
    cognito: Any, pool_id: str, confidential: dict[str, Any]
) -> None:
    cognito.create_resource_server(
        UserPoolId=pool_id, Identifier="api", Name="API",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
    )
    original = listed(cognito, confidential)[0]["ClientSecretId"]
    add(cognito, confidential)
    delete(cognito, confidential, original)
    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=confidential["ClientId"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read"], EnablePropagateAdditionalUserContextData=True,
    )["UserPoolClient"]
    assert updated["AllowedOAuthFlows"] == ["client_credentials"]
    assert "ClientSecret" not in updated


def test_deleted_client_has_no_secrets(cognito: Any, confidential: dict[str, Any]) -> None:
    cognito.delete_user_pool_client(
        UserPoolId=confidential["UserPoolId"], ClientId=confidential["ClientId"]
    )
    assert rejected(
        cognito.list_user_pool_client_secrets,
        UserPoolId=confidential["UserPoolId"], ClientId=confidential["ClientId"],
    ) == ("ResourceNotFoundException",
          f"User pool client {confidential['ClientId']} does not exist.")


# == pure helper ===================================================================================
def test_unused_secret_id_moves_past_a_taken_millisecond() -> None:
    client = {"ClientId": "abc", "_Secrets": [{"ClientSecretId": "abc--1000"},
                                              {"ClientSecretId": "abc--1001"}]}
    assert clients.unused_secret_id(client, 1.0) == "abc--1002"
    assert clients.unused_secret_id(client, 2.5) == "abc--2500"
    assert clients.unused_secret_id({"ClientId": "abc"}, 1.0) == "abc--1000"
