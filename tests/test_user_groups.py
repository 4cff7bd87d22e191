"""Group membership over HTTP on both stores: AdminAddUserToGroup, AdminRemoveUserFromGroup,
AdminListGroupsForUser, ListUsersInGroup, and DeleteGroup dropping the memberships."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import error

MISSING_POOL = "us-east-1_Missing000"
GROUP_NOT_FOUND = ("ResourceNotFoundException", "Group not found.")
USER_NOT_FOUND = ("UserNotFoundException", "User does not exist.")


def add_user(cognito: Any, pool_id: str, username: str, **attrs: str) -> dict[str, Any]:
    return cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
        MessageAction="SUPPRESS",
    )["User"]


def group_names(cognito: Any, pool_id: str, username: str, **kwargs: Any) -> list[str]:
    response = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=username, **kwargs)
    return [g["GroupName"] for g in response["Groups"]]


def member_names(cognito: Any, pool_id: str, group: str, **kwargs: Any) -> list[str]:
    response = cognito.list_users_in_group(UserPoolId=pool_id, GroupName=group, **kwargs)
    return [u["Username"] for u in response["Users"]]


@pytest.fixture
def team(cognito: Any, pool_id: str) -> dict[str, Any]:
    """Users ann and ben, groups admins and readers."""
    users = {
        "ann": add_user(cognito, pool_id, "ann", email="ann@example.com"),
        "ben": add_user(cognito, pool_id, "ben"),
    }
    groups = {
        "admins": cognito.create_group(
            UserPoolId=pool_id, GroupName="admins", Description="Admins", Precedence=1
        )["Group"],
        "readers": cognito.create_group(UserPoolId=pool_id, GroupName="readers")["Group"],
    }
    return {"users": users, "groups": groups}


# -- AdminAddUserToGroup ------------------------------------------------------------------------
def test_add_user_to_group(cognito: Any, pool_id: str, team: Any) -> None:
    response = cognito.admin_add_user_to_group(
        UserPoolId=pool_id, Username="ann", GroupName="admins"
    )
    assert set(response) == {"ResponseMetadata"}
    assert group_names(cognito, pool_id, "ann") == ["admins"]
    assert member_names(cognito, pool_id, "admins") == ["ann"]
    assert member_names(cognito, pool_id, "readers") == []
    assert group_names(cognito, pool_id, "ben") == []


def test_adding_twice_is_idempotent(cognito: Any, pool_id: str, team: Any) -> None:
    for _ in range(2):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="admins")
    assert group_names(cognito, pool_id, "ann") == ["admins"]
    assert member_names(cognito, pool_id, "admins") == ["ann"]


def test_add_by_alias_or_sub(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"][
        "Id"
    ]
    user = add_user(cognito, pool_id, "cat", email="cat@example.com", email_verified="true")
    cognito.create_group(UserPoolId=pool_id, GroupName="g1")
    cognito.create_group(UserPoolId=pool_id, GroupName="g2")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="cat@example.com", GroupName="g1")
    sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=sub, GroupName="g2")
    assert group_names(cognito, pool_id, "cat") == ["g1", "g2"]
    assert group_names(cognito, pool_id, "cat@example.com") == ["g1", "g2"]


def test_add_to_unknown_group(cognito: Any, pool_id: str, team: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="nope")
    assert error(exc) == GROUP_NOT_FOUND


def test_add_unknown_user(cognito: Any, pool_id: str, team: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="nobody", GroupName="admins")
    assert error(exc) == USER_NOT_FOUND
    assert member_names(cognito, pool_id, "admins") == []


def test_add_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_add_user_to_group(UserPoolId=MISSING_POOL, Username="a", GroupName="g")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_add_without_group_name_is_a_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.admin_add_user_to_group(UserPoolId=pool_id, Username="ann")
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'groupName' failed to satisfy constraint: Member must not be null" in message


def test_a_user_can_be_in_at_most_100_groups(cognito: Any, pool_id: str, team: Any) -> None:
    for i in range(100):
        name = f"g{i:03d}"
        cognito.create_group(UserPoolId=pool_id, GroupName=name)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=name)
    with pytest.raises(ClientError) as exc:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="admins")
    assert error(exc)[0] == "LimitExceededException"
    # Re-adding a group the user is already in is still fine at the limit.
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="g050")
    cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="ann", GroupName="g000")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="admins")
    assert "admins" in group_names(cognito, pool_id, "ann")


# -- AdminRemoveUserFromGroup -------------------------------------------------------------------
def test_remove_user_from_group(cognito: Any, pool_id: str, team: Any) -> None:
    for group in ("admins", "readers"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=group)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ben", GroupName="admins")
    response = cognito.admin_remove_user_from_group(
        UserPoolId=pool_id, Username="ann", GroupName="admins"
    )
    assert set(response) == {"ResponseMetadata"}
    assert group_names(cognito, pool_id, "ann") == ["readers"]
    assert member_names(cognito, pool_id, "admins") == ["ben"]


def test_removing_a_non_member_succeeds(cognito: Any, pool_id: str, team: Any) -> None:
    cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="ben", GroupName="admins")
    assert group_names(cognito, pool_id, "ben") == []


def test_remove_from_unknown_group(cognito: Any, pool_id: str, team: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_remove_user_from_group(UserPoolId=pool_id, Username="ann", GroupName="nope")
    assert error(exc) == GROUP_NOT_FOUND


def test_remove_unknown_user(cognito: Any, pool_id: str, team: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_remove_user_from_group(
            UserPoolId=pool_id, Username="nobody", GroupName="admins"
        )
    assert error(exc) == USER_NOT_FOUND


def test_remove_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_remove_user_from_group(UserPoolId=MISSING_POOL, Username="a", GroupName="g")
    assert error(exc)[0] == "ResourceNotFoundException"


# -- AdminListGroupsForUser ---------------------------------------------------------------------
def test_groups_for_user_are_group_types_in_name_order(
    cognito: Any, pool_id: str, team: Any
) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="Zeta")
    for group in ("readers", "Zeta", "admins"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=group)
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann")
    assert "NextToken" not in groups
    assert [g["GroupName"] for g in groups["Groups"]] == ["Zeta", "admins", "readers"]
    admins = groups["Groups"][1]
    assert admins == team["groups"]["admins"]
    assert admins["Precedence"] == 1 and admins["UserPoolId"] == pool_id


def test_groups_for_user_pages(cognito: Any, pool_id: str, team: Any) -> None:
    names = [f"team-{i}" for i in range(5)]
    for name in names:
        cognito.create_group(UserPoolId=pool_id, GroupName=name)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ben", GroupName=name)
    first = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="ben", Limit=2)
    assert [g["GroupName"] for g in first["Groups"]] == names[:2]
    second = cognito.admin_list_groups_for_user(
        UserPoolId=pool_id, Username="ben", Limit=2, NextToken=first["NextToken"]
    )
    assert [g["GroupName"] for g in second["Groups"]] == names[2:4]
    third = cognito.admin_list_groups_for_user(
        UserPoolId=pool_id, Username="ben", Limit=2, NextToken=second["NextToken"]
    )
    assert [g["GroupName"] for g in third["Groups"]] == names[4:]
    assert "NextToken" not in third
    paginator = cognito.get_paginator("admin_list_groups_for_user")
    pages = paginator.paginate(UserPoolId=pool_id, Username="ben", PaginationConfig={"PageSize": 3})
    assert [g["GroupName"] for p in pages for g in p["Groups"]] == names
    # Limit 0 (and none) means a page of up to 60.
    assert group_names(cognito, pool_id, "ben", Limit=0) == names


def test_groups_for_user_token_is_bound_to_the_user(cognito: Any, pool_id: str, team: Any) -> None:
    for group in ("admins", "readers"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=group)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ben", GroupName=group)
    token = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann", Limit=1)[
        "NextToken"
    ]
    for bad in (token, "garbage"):
        with pytest.raises(ClientError) as exc:
            cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="ben", NextToken=bad)
        assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_groups_for_unknown_user(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="nobody")
    assert error(exc) == USER_NOT_FOUND


def test_groups_for_user_in_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.admin_list_groups_for_user(UserPoolId=MISSING_POOL, Username="a")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_groups_for_user_limit_above_60(loose: Any, pool_id: str, team: Any) -> None:
    with pytest.raises(ClientError) as exc:
        loose.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann", Limit=61)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "Member must have value less than or equal to 60" in message


# -- ListUsersInGroup ---------------------------------------------------------------------------
def test_users_in_group_are_user_types(cognito: Any, pool_id: str, team: Any) -> None:
    for name in ("ben", "ann"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="readers")
    response = cognito.list_users_in_group(UserPoolId=pool_id, GroupName="readers")
    assert "NextToken" not in response
    assert [u["Username"] for u in response["Users"]] == ["ann", "ben"]
    ann = response["Users"][0]
    assert ann == team["users"]["ann"]  # the same UserType AdminCreateUser returned


def test_users_in_group_pages(cognito: Any, pool_id: str, team: Any) -> None:
    names = sorted(["ann", "ben", *[f"u{i}" for i in range(5)]])
    for name in names:
        if name not in ("ann", "ben"):
            add_user(cognito, pool_id, name)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="admins")
    seen: list[str] = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = cognito.list_users_in_group(
            UserPoolId=pool_id, GroupName="admins", Limit=3, **kwargs
        )
        assert len(page["Users"]) <= 3
        seen += [u["Username"] for u in page["Users"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    paginator = cognito.get_paginator("list_users_in_group")
    pages = paginator.paginate(
        UserPoolId=pool_id, GroupName="admins", PaginationConfig={"PageSize": 2}
    )
    assert [u["Username"] for p in pages for u in p["Users"]] == names
    assert member_names(cognito, pool_id, "admins", Limit=0) == names


def test_users_in_group_token_is_bound_to_the_group(
    cognito: Any, pool_id: str, team: Any
) -> None:
    for name in ("ann", "ben"):
        for group in ("admins", "readers"):
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName=group)
    token = cognito.list_users_in_group(UserPoolId=pool_id, GroupName="admins", Limit=1)[
        "NextToken"
    ]
    forged = base64.urlsafe_b64encode(b'{"k":"users","p":"x","a":"y"}').decode()
    for bad in (token, forged):
        with pytest.raises(ClientError) as exc:
            cognito.list_users_in_group(UserPoolId=pool_id, GroupName="readers", NextToken=bad)
        assert error(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_users_in_unknown_group(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users_in_group(UserPoolId=pool_id, GroupName="nope")
    assert error(exc) == GROUP_NOT_FOUND


def test_users_in_group_of_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users_in_group(UserPoolId=MISSING_POOL, GroupName="g")
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_users_in_group_missing_group_name(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.list_users_in_group(UserPoolId=pool_id)
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'groupName' failed to satisfy constraint: Member must not be null" in message


# -- deletions ----------------------------------------------------------------------------------
def test_deleting_a_group_deletes_its_memberships(cognito: Any, pool_id: str, team: Any) -> None:
    for name in ("ann", "ben"):
        for group in ("admins", "readers"):
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName=group)
    cognito.delete_group(UserPoolId=pool_id, GroupName="admins")
    assert group_names(cognito, pool_id, "ann") == ["readers"]
    assert group_names(cognito, pool_id, "ben") == ["readers"]
    # A new group of the same name starts empty.
    cognito.create_group(UserPoolId=pool_id, GroupName="admins")
    assert member_names(cognito, pool_id, "admins") == []
    assert group_names(cognito, pool_id, "ann") == ["readers"]


def test_deleting_a_user_deletes_their_memberships(cognito: Any, pool_id: str, team: Any) -> None:
    for group in ("admins", "readers"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=group)
    cognito.admin_delete_user(UserPoolId=pool_id, Username="ann")
    assert member_names(cognito, pool_id, "admins") == []
    add_user(cognito, pool_id, "ann")
    assert group_names(cognito, pool_id, "ann") == []
