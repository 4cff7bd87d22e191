"""User pool groups: the GroupType document, its update rules, and list paging.

A group is stored shaped like ``GroupType`` (``GroupName``, ``UserPoolId``, ``Description``,
``RoleArn``, ``Precedence``, ``CreationDate``, ``LastModifiedDate``); optional members that were
never set are absent, as AWS leaves them out of its JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpool.domain.errors import GroupExists, InvalidParameter, LimitExceeded, ResourceNotFound

# [API:PrecedenceType] documents "The maximum Precedence value is 2^31-1" but the model only
# carries ``min: 0``, so the request validator cannot enforce the upper bound.
MAX_PRECEDENCE = 2**31 - 1
# [DG:quotas] "Groups per user pool: 10,000" (adjustable in AWS; fixed here).
MAX_GROUPS_PER_POOL = 10_000
# ListGroups ``Limit`` is 0..60 in the model ([API:QueryLimitType]); AWS documents no default.
# 60 (the maximum) is used when the member is absent, and also for 0: an empty page carrying a
# NextToken that never advances would make SDK paginators loop forever.
DEFAULT_LIST_LIMIT = 60

_MUTABLE = ("Description", "RoleArn", "Precedence")


def group_exists_error() -> GroupExists:
    # moto (getmoto/moto moto/cognitoidp/models.py) and other emulators answer with this exact,
    # name-less sentence; no AWS capture quoting another wording was found.
    return GroupExists("A group with the name already exists.")


def group_not_found_error() -> ResourceNotFound:
    # Observed from AWS via AdminAddUserToGroup: "ResourceNotFoundException: Group not found."
    # [GH:aws-amplify/amplify-cli#2214]
    return ResourceNotFound("Group not found.")


def group_limit_error() -> LimitExceeded:
    return LimitExceeded(
        f"The maximum number of groups ({MAX_GROUPS_PER_POOL}) for this user pool is reached."
    )


def check_precedence(value: Any) -> None:
    """``Precedence`` above 2^31-1: AWS's model-validation wording for an out-of-range value."""
    if isinstance(value, int) and value > MAX_PRECEDENCE:
        raise InvalidParameter(
            f"1 validation error detected: Value '{value}' at 'precedence' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_PRECEDENCE}"
        )


def new_group(pool_id: str, request: Mapping[str, Any], now: float) -> dict[str, Any]:
    """CreateGroup: the GroupType document for ``request``."""
    check_precedence(request.get("Precedence"))
    group: dict[str, Any] = {"GroupName": request["GroupName"], "UserPoolId": pool_id}
    for name in _MUTABLE:
        if request.get(name) is not None:
            group[name] = request[name]
    group["LastModifiedDate"] = now
    group["CreationDate"] = now
    return group


def updated_group(
    current: Mapping[str, Any], request: Mapping[str, Any], now: float
) -> dict[str, Any]:
    """UpdateGroup: ``current`` with the members present in ``request`` replaced.

    Members left out of the request keep their values. The current model doc says UpdateGroup
    "updates any of the properties for precedence, IAM role, or description" [API:UpdateGroup];
    older API docs carried the "set to the default value" warning, but the Terraform provider
    sends only the changed members (hashicorp/terraform-provider-aws
    internal/service/cognitoidp/user_group.go, ``d.HasChange``) and its acceptance tests pass
    against AWS, which a resetting UpdateGroup would break. Keeping values is also the safer
    choice: it never silently drops a role.
    """
    check_precedence(request.get("Precedence"))
    group = dict(current)
    for name in _MUTABLE:
        if request.get(name) is not None:
            group[name] = request[name]
    group["LastModifiedDate"] = now
    return group


def list_limit(limit: int | None) -> int:
    """The page size for ListGroups ``Limit`` (already validated to 0..60)."""
    return limit if limit else DEFAULT_LIST_LIMIT
