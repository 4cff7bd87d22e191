"""Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups (over HTTP, both stores),
plus the pure rules in ``userpool.domain.groups``."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error
from userpool.domain import groups as g
from userpool.domain.errors import GroupExists, InvalidParameter, ResourceNotFound

ROLE = "arn:aws:iam::123456789012:role/group-role"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other-role"
MISSING_POOL = "us-east-1_Missing000"






def epoch(value: dt.datetime) -> float:
    return value.timestamp()


# -- CreateGroup / GetGroup -------------------------------------------------------------------
def test_create_group_returns_and_stores_every_field(cognito: Any, pool_id: str) -> None:
    before = time.time()
    group = cognito.create_group(
        UserPoolId=pool_id,
        GroupName="admins",
        Description="The admins",
        RoleArn=ROLE,
        Precedence=3,
    )["Group"]
    assert group["GroupName"] == "admins"
    assert group["UserPoolId"] == pool_id
    assert group["Description"] == "The admins"
    assert group["RoleArn"] == ROLE
    assert group["Precedence"] == 3
    assert group["CreationDate"] == group["LastModifiedDate"]
    assert before - 1 <= epoch(group["CreationDate"]) <= time.time() + 1
    assert cognito.get_group(UserPoolId=pool_id, GroupName="admins")["Group"] == group


def test_create_group_with_only_a_name_omits_optional_members(cognito: Any, pool_id: str) -> None:
    group = cognito.create_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert not {"Description", "RoleArn", "Precedence"} & set(group)
    fetched = cognito.get_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert not {"Description", "RoleArn", "Precedence"} & set(fetched)


def test_group_names_accept_unicode_and_punctuation(cognito: Any, pool_id: str) -> None:
    name = "Équipe-α_1.+@"
    cognito.create_group(UserPoolId=pool_id, GroupName=name)
    assert cognito.get_group(UserPoolId=pool_id, GroupName=name)["Group"]["GroupName"] == name


def test_create_group_twice_is_group_exists(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="dup", Description="first")
    with pytest.raises(ClientError) as exc:
        cognito.create_group(UserPoolId=pool_id, GroupName="dup", Description="second")
    assert error(exc) == ("GroupExistsException", "A group with the name already exists.")
    group = cognito.get_group(UserPoolId=pool_id, GroupName="dup")["Group"]
    assert group["Description"] == "first"


def test_group_names_are_case_sensitive(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="Admins")
    cognito.create_group(UserPoolId=pool_id, GroupName="admins")
    names = [x["GroupName"] for x in cognito.list_groups(UserPoolId=pool_id)["Groups"]]
    assert sorted(names) == ["Admins", "admins"]


def test_same_group_name_in_two_pools(cognito: Any, pool_id: str) -> None:
    other = cognito.create_user_pool(PoolName="second")["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool_id, GroupName="shared", Precedence=1)
    cognito.create_group(UserPoolId=other, GroupName="shared", Precedence=2)
    assert cognito.get_group(UserPoolId=other, GroupName="shared")["Group"]["Precedence"] == 2
    assert cognito.get_group(UserPoolId=pool_id, GroupName="shared")["Group"]["Precedence"] == 1


def test_create_group_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.create_group(UserPoolId=MISSING_POOL, GroupName="x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_create_group_missing_name_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_group(UserPoolId=pool_id)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'groupName' failed to satisfy constraint: Member must not be null" in message


def test_create_group_negative_precedence_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_group(UserPoolId=pool_id, GroupName="neg", Precedence=-1)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "Value '-1' at 'precedence'" in message


def test_create_group_precedence_above_int32_is_rejected(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_group(UserPoolId=pool_id, GroupName="big", Precedence=2**31)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "Member must have value less than or equal to 2147483647" in message
    loose.create_group(UserPoolId=pool_id, GroupName="max", Precedence=2**31 - 1)


def test_create_group_bad_role_arn_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.create_group(UserPoolId=pool_id, GroupName="r", RoleArn="not-an-arn-at-all-really")
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'roleArn'" in message


def test_get_unknown_group(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.get_group(UserPoolId=pool_id, GroupName="nobody")
    assert error(exc) == ("ResourceNotFoundException", "Group not found.")


def test_get_group_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.get_group(UserPoolId=MISSING_POOL, GroupName="x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


# -- UpdateGroup ------------------------------------------------------------------------------
def test_update_group_changes_given_members_and_keeps_the_rest(cognito: Any, pool_id: str) -> None:
    created = cognito.create_group(
        UserPoolId=pool_id, GroupName="ops", Description="d1", RoleArn=ROLE, Precedence=5
    )["Group"]
    time.sleep(0.01)
    updated = cognito.update_group(UserPoolId=pool_id, GroupName="ops", Precedence=1)["Group"]
    assert updated["Precedence"] == 1
    assert updated["Description"] == "d1"
    assert updated["RoleArn"] == ROLE
    assert updated["CreationDate"] == created["CreationDate"]
    assert updated["LastModifiedDate"] > created["LastModifiedDate"]
    assert cognito.get_group(UserPoolId=pool_id, GroupName="ops")["Group"] == updated


def test_update_group_every_member(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="all")
    updated = cognito.update_group(
        UserPoolId=pool_id, GroupName="all", Description="new", RoleArn=OTHER_ROLE, Precedence=0
    )["Group"]
    assert (updated["Description"], updated["RoleArn"], updated["Precedence"]) == (
        "new",
        OTHER_ROLE,
        0,
    )


def test_update_group_with_nothing_only_touches_the_timestamp(cognito: Any, pool_id: str) -> None:
    created = cognito.create_group(UserPoolId=pool_id, GroupName="same", Description="d")["Group"]
    time.sleep(0.01)
    updated = cognito.update_group(UserPoolId=pool_id, GroupName="same")["Group"]
    assert updated["Description"] == "d"
    assert updated["LastModifiedDate"] > created["LastModifiedDate"]


def test_update_unknown_group(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.update_group(UserPoolId=pool_id, GroupName="ghost", Description="x")
    assert error(exc) == ("ResourceNotFoundException", "Group not found.")


def test_update_group_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.update_group(UserPoolId=MISSING_POOL, GroupName="x")
    assert error(exc)[0] == "ResourceNotFoundException"


def test_update_group_precedence_too_large(loose: Any, pool_id: str) -> None:
    loose.create_group(UserPoolId=pool_id, GroupName="p", Precedence=2)
    with pytest.raises(ClientError) as exc:
        loose.update_group(UserPoolId=pool_id, GroupName="p", Precedence=2**31)
    assert error(exc)[0] == "InvalidParameterException"
    assert loose.get_group(UserPoolId=pool_id, GroupName="p")["Group"]["Precedence"] == 2


def test_update_group_description_too_long(loose: Any, pool_id: str) -> None:
    loose.create_group(UserPoolId=pool_id, GroupName="long")
    with pytest.raises(ClientError) as exc:
        loose.update_group(UserPoolId=pool_id, GroupName="long", Description="x" * 2049)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'description'" in message


# -- DeleteGroup ------------------------------------------------------------------------------
def test_delete_group(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="gone")
    assert cognito.delete_group(UserPoolId=pool_id, GroupName="gone")["ResponseMetadata"]
    with pytest.raises(ClientError) as exc:
        cognito.get_group(UserPoolId=pool_id, GroupName="gone")
    assert error(exc) == ("ResourceNotFoundException", "Group not found.")
    # The name is free again.
    cognito.create_group(UserPoolId=pool_id, GroupName="gone")


def test_delete_unknown_group(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_group(UserPoolId=pool_id, GroupName="ghost")
    assert error(exc) == ("ResourceNotFoundException", "Group not found.")


def test_delete_group_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_group(UserPoolId=MISSING_POOL, GroupName="x")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_deleting_the_pool_deletes_its_groups(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="short-lived")["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool_id, GroupName="g")
    cognito.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as exc:
        cognito.get_group(UserPoolId=pool_id, GroupName="g")
    assert error(exc)[0] == "ResourceNotFoundException"


# -- ListGroups -------------------------------------------------------------------------------
def test_list_groups_empty(cognito: Any, pool_id: str) -> None:
    response = cognito.list_groups(UserPoolId=pool_id)
    assert response["Groups"] == []
    assert "NextToken" not in response


def test_list_groups_returns_full_group_types(cognito: Any, pool_id: str) -> None:
    created = cognito.create_group(
        UserPoolId=pool_id, GroupName="full", Description="d", RoleArn=ROLE, Precedence=7
    )["Group"]
    assert cognito.list_groups(UserPoolId=pool_id)["Groups"] == [created]


def test_list_groups_pages_through_everything(cognito: Any, pool_id: str) -> None:
    names = {f"group-{i:02d}" for i in range(7)}
    for name in names:
        cognito.create_group(UserPoolId=pool_id, GroupName=name)
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"UserPoolId": pool_id, "Limit": 3}
        if token:
            kwargs["NextToken"] = token
        response = cognito.list_groups(**kwargs)
        pages += 1
        assert len(response["Groups"]) <= 3
        seen += [x["GroupName"] for x in response["Groups"]]
        token = response.get("NextToken")
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(names)
    assert len(seen) == len(set(seen))


def test_list_groups_paginator(cognito: Any, pool_id: str) -> None:
    for i in range(5):
        cognito.create_group(UserPoolId=pool_id, GroupName=f"p{i}")
    paginator = cognito.get_paginator("list_groups")
    pages = list(paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 2}))
    assert [len(p["Groups"]) for p in pages] == [2, 2, 1]


def test_list_groups_limit_exact_fit_has_no_token(cognito: Any, pool_id: str) -> None:
    for i in range(3):
        cognito.create_group(UserPoolId=pool_id, GroupName=f"e{i}")
    response = cognito.list_groups(UserPoolId=pool_id, Limit=3)
    assert len(response["Groups"]) == 3
    assert "NextToken" not in response


def test_list_groups_limit_zero_means_default(cognito: Any, pool_id: str) -> None:
    for i in range(2):
        cognito.create_group(UserPoolId=pool_id, GroupName=f"z{i}")
    response = cognito.list_groups(UserPoolId=pool_id, Limit=0)
    assert len(response["Groups"]) == 2
    assert "NextToken" not in response


def test_list_groups_limit_above_60_is_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.list_groups(UserPoolId=pool_id, Limit=61)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "Value '61' at 'limit'" in message


def test_list_groups_forged_token(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_groups(UserPoolId=pool_id, NextToken="not-a-token")
    assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_list_groups_token_from_another_pool_is_rejected(cognito: Any, pool_id: str) -> None:
    for i in range(2):
        cognito.create_group(UserPoolId=pool_id, GroupName=f"t{i}")
    token = cognito.list_groups(UserPoolId=pool_id, Limit=1)["NextToken"]
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.list_groups(UserPoolId=other, NextToken=token)
    assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_list_groups_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_groups(UserPoolId=MISSING_POOL)
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_cli_create_and_list_group(server: Server, pool_id: str) -> None:
    created = server.cli(
        "create-group",
        "--user-pool-id",
        pool_id,
        "--group-name",
        "cli-group",
        "--precedence",
        "4",
        check=True,
    )
    assert '"GroupName": "cli-group"' in created.stdout
    listed = server.cli("list-groups", "--user-pool-id", pool_id, check=True)
    assert '"Precedence": 4' in listed.stdout


# -- pure rules (userpool.domain.groups) ------------------------------------------------------
NOW = 1547763720.822


def test_new_group_document_shape() -> None:
    doc = g.new_group("us-east-1_Abc", {"GroupName": "a", "Precedence": 0, "Description": ""}, NOW)
    assert doc == {
        "GroupName": "a",
        "UserPoolId": "us-east-1_Abc",
        "Description": "",
        "Precedence": 0,
        "LastModifiedDate": NOW,
        "CreationDate": NOW,
    }


def test_updated_group_merges_and_does_not_mutate() -> None:
    current = g.new_group("p_1", {"GroupName": "a", "RoleArn": ROLE, "Precedence": 4}, NOW)
    snapshot = dict(current)
    updated = g.updated_group(current, {"GroupName": "a", "Precedence": 0}, NOW + 5)
    assert current == snapshot
    assert updated["Precedence"] == 0
    assert updated["RoleArn"] == ROLE
    assert updated["CreationDate"] == NOW
    assert updated["LastModifiedDate"] == NOW + 5


def test_check_precedence_bounds() -> None:
    g.check_precedence(None)
    g.check_precedence(2**31 - 1)
    with pytest.raises(InvalidParameter):
        g.check_precedence(2**31)


def test_list_limit_defaults() -> None:
    assert g.list_limit(None) == 60
    assert g.list_limit(0) == 60
    assert g.list_limit(7) == 7


def test_error_messages() -> None:
    assert isinstance(g.group_exists_error(), GroupExists)
    assert g.group_exists_error().message == "A group with the name already exists."
    assert isinstance(g.group_not_found_error(), ResourceNotFound)
    assert g.group_not_found_error().message == "Group not found."
