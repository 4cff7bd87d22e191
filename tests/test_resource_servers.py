"""Resource servers: Create/Describe/Update/Delete/ListResourceServers (over HTTP, both stores),
plus the pure scope rules in ``userpool.operations.resource_servers``."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error
from userpool.domain.errors import InvalidParameter
from userpool.operations import resource_servers as rs

MISSING_POOL = "us-east-1_Missing000"
READ = {"ScopeName": "read", "ScopeDescription": "Read things"}
WRITE = {"ScopeName": "write", "ScopeDescription": "Write things"}






def create(cognito: Any, pool_id: str, identifier: str = "api", **kw: Any) -> dict[str, Any]:
    kw.setdefault("Name", "My API")
    return cognito.create_resource_server(UserPoolId=pool_id, Identifier=identifier, **kw)[
        "ResourceServer"
    ]


# -- CreateResourceServer / DescribeResourceServer --------------------------------------------
def test_create_and_describe(cognito: Any, pool_id: str) -> None:
    server = create(cognito, pool_id, "https://api.example.com", Scopes=[READ, WRITE])
    assert server == {
        "UserPoolId": pool_id,
        "Identifier": "https://api.example.com",
        "Name": "My API",
        "Scopes": [READ, WRITE],
    }
    described = cognito.describe_resource_server(
        UserPoolId=pool_id, Identifier="https://api.example.com"
    )["ResourceServer"]
    assert described == server


def test_create_without_scopes(cognito: Any, pool_id: str) -> None:
    server = create(cognito, pool_id, "bare")
    assert server["Scopes"] == []
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="bare")
    assert described["ResourceServer"]["Scopes"] == []


def test_duplicate_identifier_is_invalid_parameter(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "dup", Scopes=[READ])
    with pytest.raises(ClientError) as exc:
        create(cognito, pool_id, "dup", Name="Other", Scopes=[WRITE])
    assert error(exc) == (
        "InvalidParameterException",
        f"dup already exists in user pool {pool_id}.",
    )
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="dup")
    assert described["ResourceServer"]["Scopes"] == [READ]


def test_same_identifier_in_two_pools(cognito: Any, pool_id: str) -> None:
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    create(cognito, pool_id, "shared", Name="One")
    create(cognito, other, "shared", Name="Two")
    assert (
        cognito.describe_resource_server(UserPoolId=other, Identifier="shared")["ResourceServer"][
            "Name"
        ]
        == "Two"
    )


def test_duplicate_scope_names_are_rejected(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(cognito, pool_id, "twice", Scopes=[READ, {**READ, "ScopeDescription": "again"}])
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "read" in message
    with pytest.raises(ClientError):
        cognito.describe_resource_server(UserPoolId=pool_id, Identifier="twice")


def test_scope_names_are_case_sensitive(cognito: Any, pool_id: str) -> None:
    upper = {"ScopeName": "Read", "ScopeDescription": "Upper"}
    assert create(cognito, pool_id, "cases", Scopes=[READ, upper])["Scopes"] == [READ, upper]


def test_create_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        create(cognito, MISSING_POOL, "x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_create_missing_name_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_resource_server(UserPoolId=pool_id, Identifier="noname")
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'name' failed to satisfy constraint: Member must not be null" in message


def test_create_scope_missing_description_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_resource_server(
            UserPoolId=pool_id, Identifier="x", Name="X", Scopes=[{"ScopeName": "read"}]
        )
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'scopes.1.member.scopeDescription'" in message


def test_create_bad_scope_name_pattern(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_resource_server(
            UserPoolId=pool_id,
            Identifier="x",
            Name="X",
            Scopes=[{"ScopeName": "a/b", "ScopeDescription": "slash"}],
        )
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "scopes.1.member.scopeName" in message


def test_create_more_than_100_scopes_is_validation_error(loose: Any, pool_id: str) -> None:
    scopes = [{"ScopeName": f"s{i}", "ScopeDescription": "d"} for i in range(101)]
    with pytest.raises(ClientError) as exc:
        loose.create_resource_server(UserPoolId=pool_id, Identifier="x", Name="X", Scopes=scopes)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 100" in message


def test_create_100_scopes_is_fine(cognito: Any, pool_id: str) -> None:
    scopes = [{"ScopeName": f"s{i}", "ScopeDescription": "d"} for i in range(100)]
    assert len(create(cognito, pool_id, "many", Scopes=scopes)["Scopes"]) == 100


def test_quota_of_25_resource_servers(cognito: Any, pool_id: str) -> None:
    for i in range(25):
        create(cognito, pool_id, f"rs-{i:02d}")
    with pytest.raises(ClientError) as exc:
        create(cognito, pool_id, "one-too-many")
    assert error(exc)[0] == "LimitExceededException"
    cognito.delete_resource_server(UserPoolId=pool_id, Identifier="rs-00")
    create(cognito, pool_id, "fits-again")


def test_describe_unknown(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.describe_resource_server(UserPoolId=pool_id, Identifier="nope")
    assert error(exc) == ("ResourceNotFoundException", "Resource server nope does not exist.")


def test_describe_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.describe_resource_server(UserPoolId=MISSING_POOL, Identifier="x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_scopes_become_usable_by_app_clients(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ])
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["api/read"],
    )["UserPoolClient"]
    assert client["AllowedOAuthScopes"] == ["api/read"]


# -- UpdateResourceServer ---------------------------------------------------------------------
def test_update_replaces_name_and_scopes(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ, WRITE])
    admin = {"ScopeName": "admin", "ScopeDescription": "Admin"}
    updated = cognito.update_resource_server(
        UserPoolId=pool_id, Identifier="api", Name="Renamed", Scopes=[admin]
    )["ResourceServer"]
    assert updated == {
        "UserPoolId": pool_id,
        "Identifier": "api",
        "Name": "Renamed",
        "Scopes": [admin],
    }
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="api")
    assert described["ResourceServer"] == updated


def test_update_without_scopes_clears_them(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ])
    updated = cognito.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="Same")
    assert updated["ResourceServer"]["Scopes"] == []


def test_update_duplicate_scope_names_rejected(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ])
    with pytest.raises(ClientError) as exc:
        cognito.update_resource_server(
            UserPoolId=pool_id, Identifier="api", Name="X", Scopes=[WRITE, WRITE]
        )
    assert error(exc)[0] == "InvalidParameterException"
    described = cognito.describe_resource_server(UserPoolId=pool_id, Identifier="api")
    assert described["ResourceServer"]["Scopes"] == [READ]


def test_update_unknown(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.update_resource_server(UserPoolId=pool_id, Identifier="nope", Name="X")
    assert error(exc) == ("ResourceNotFoundException", "Resource server nope does not exist.")


def test_update_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.update_resource_server(UserPoolId=MISSING_POOL, Identifier="x", Name="X")
    assert error(exc)[0] == "ResourceNotFoundException"


def test_update_missing_name_is_validation_error(loose: Any, pool_id: str) -> None:
    loose.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="A")
    with pytest.raises(ClientError) as exc:
        loose.update_resource_server(UserPoolId=pool_id, Identifier="api")
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'name' failed to satisfy constraint: Member must not be null" in message


def test_update_removing_a_scope_leaves_clients_alone(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ, WRITE])
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "api/write"],
        CallbackURLs=["https://example.com/cb"],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    cognito.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="A", Scopes=[READ])
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert set(client["UserPoolClient"]["AllowedOAuthScopes"]) == {"openid", "api/write"}


# -- DeleteResourceServer ---------------------------------------------------------------------
def test_delete(cognito: Any, pool_id: str) -> None:
    create(cognito, pool_id, "api", Scopes=[READ])
    cognito.delete_resource_server(UserPoolId=pool_id, Identifier="api")
    with pytest.raises(ClientError) as exc:
        cognito.describe_resource_server(UserPoolId=pool_id, Identifier="api")
    assert error(exc)[0] == "ResourceNotFoundException"
    assert cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=10)["ResourceServers"] == []
    create(cognito, pool_id, "api")  # the identifier is free again


def test_delete_server_used_by_a_client_succeeds_and_leaves_the_client(
    cognito: Any, pool_id: str
) -> None:
    create(cognito, pool_id, "api", Scopes=[READ])
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["api/read"],
    )["UserPoolClient"]["ClientId"]
    cognito.delete_resource_server(UserPoolId=pool_id, Identifier="api")
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert client["UserPoolClient"]["AllowedOAuthScopes"] == ["api/read"]


def test_delete_unknown(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_resource_server(UserPoolId=pool_id, Identifier="nope")
    assert error(exc) == ("ResourceNotFoundException", "Resource server nope does not exist.")


def test_delete_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_resource_server(UserPoolId=MISSING_POOL, Identifier="x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


# -- ListResourceServers ----------------------------------------------------------------------
def test_list_empty(cognito: Any, pool_id: str) -> None:
    response = cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=50)
    assert response["ResourceServers"] == []
    assert "NextToken" not in response


def test_list_without_max_results(cognito: Any, pool_id: str) -> None:
    created = create(cognito, pool_id, "only", Scopes=[READ])
    assert cognito.list_resource_servers(UserPoolId=pool_id)["ResourceServers"] == [created]


def test_list_pages(cognito: Any, pool_id: str) -> None:
    identifiers = {f"rs-{i}" for i in range(5)}
    for identifier in identifiers:
        create(cognito, pool_id, identifier)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"UserPoolId": pool_id, "MaxResults": 2}
    pages = 0
    while True:
        response = cognito.list_resource_servers(**kwargs)
        pages += 1
        assert len(response["ResourceServers"]) <= 2
        seen += [x["Identifier"] for x in response["ResourceServers"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]
    assert pages == 3
    assert sorted(seen) == sorted(identifiers)
    assert len(seen) == len(set(seen))


def test_list_paginator(cognito: Any, pool_id: str) -> None:
    for i in range(3):
        create(cognito, pool_id, f"pg-{i}")
    paginator = cognito.get_paginator("list_resource_servers")
    pages = list(paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2}))
    assert [len(p["ResourceServers"]) for p in pages] == [2, 1]


def test_list_max_results_out_of_range(loose: Any, pool_id: str) -> None:
    for bad in (0, 51):
        with pytest.raises(ClientError) as exc:
            loose.list_resource_servers(UserPoolId=pool_id, MaxResults=bad)
        code, message = error(exc)
        assert code == "InvalidParameterException"
        assert f"Value '{bad}' at 'maxResults'" in message


def test_list_forged_token(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=5, NextToken="garbage")
    assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_list_token_from_groups_is_rejected(cognito: Any, pool_id: str) -> None:
    for i in range(2):
        cognito.create_group(UserPoolId=pool_id, GroupName=f"g{i}")
    token = cognito.list_groups(UserPoolId=pool_id, Limit=1)["NextToken"]
    with pytest.raises(ClientError) as exc:
        cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=5, NextToken=token)
    assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_list_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_resource_servers(UserPoolId=MISSING_POOL, MaxResults=5)
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_cli_create_and_describe(server: Server, pool_id: str) -> None:
    server.cli(
        "create-resource-server",
        "--user-pool-id",
        pool_id,
        "--identifier",
        "cli-api",
        "--name",
        "CLI",
        "--scopes",
        "ScopeName=read,ScopeDescription=Read",
        check=True,
    )
    out = server.cli(
        "describe-resource-server",
        "--user-pool-id",
        pool_id,
        "--identifier",
        "cli-api",
        check=True,
    )
    assert '"ScopeName": "read"' in out.stdout


# -- pure rules -------------------------------------------------------------------------------
def test_scopes_of_keeps_order_and_drops_extra_keys() -> None:
    assert rs.scopes_of(None) == []
    assert rs.scopes_of([WRITE, None, {**READ, "Extra": 1}]) == [WRITE, READ]


def test_scopes_of_rejects_repeats() -> None:
    with pytest.raises(InvalidParameter):
        rs.scopes_of([READ, READ])


def test_server_document() -> None:
    doc = rs.server_document("p_1", {"Identifier": "i", "Name": "N", "Scopes": [READ]})
    assert doc == {"UserPoolId": "p_1", "Identifier": "i", "Name": "N", "Scopes": [READ]}
