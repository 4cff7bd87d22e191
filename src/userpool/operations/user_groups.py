"""Group membership: AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser,
ListUsersInGroup.

Memberships live in ``group_members`` keyed by (pool, group name, username_key); deleting a user
or a group (DeleteGroup) deletes its memberships in the same transaction.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import groups, pagination, users
from userpool.domain.errors import InvalidParameter, LimitExceeded
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.operations.user_support import require_user
from userpool.store import Tx

GROUP = "group"
# [DG:quotas] "Groups per user: 100" (reference §7.2).
MAX_GROUPS_PER_USER = 100
# Limit 0..60 in the model for both list operations; 0 or absent means 60, as ListGroups here.
# (In 2018 AWS answered AdminListGroupsForUser Limit 0 with a "'maxItems' … greater than or
# equal to 1" validation error, which AWS called a server-side bug [GH:aws/aws-sdk-js#2193].)
DEFAULT_LIMIT = 60
BAD_TOKEN = "Invalid pagination token."


def page_size(limit: int | None) -> int:
    return limit if limit else DEFAULT_LIMIT


def require_group(tx: Tx, pool_id: str, name: str) -> dict[str, Any]:
    group = tx.get(GROUP, pool_id, name)
    if group is None:
        raise groups.group_not_found_error()  # "Group not found." [GH:aws-amplify/amplify-cli#2214]
    return group


def group_limit_error() -> LimitExceeded:
    # AWS's wording isn't published; LimitExceededException is Cognito's quota error, though
    # AdminAddUserToGroup doesn't declare it (the safer choice: a quota error, not a silent add).
    return LimitExceeded(
        f"The user is already a member of the maximum number of groups ({MAX_GROUPS_PER_USER})."
    )


def encode_token(kind: str, pool_id: str, owner: str, after: str) -> str:
    return pagination.encode({"k": kind, "p": pool_id, "o": owner, "a": after})


def decode_token(token: str | None, kind: str, pool_id: str, owner: str) -> str | None:
    """The position in a NextToken issued by ``kind`` for this pool and this group/user."""
    if not token:
        return None
    position = pagination.decode(token, kind=kind, message=BAD_TOKEN)
    after = position.get("a")
    if position.get("p") != pool_id or position.get("o") != owner or not isinstance(after, str):
        raise InvalidParameter(BAD_TOKEN)
    return after


@operation("AdminAddUserToGroup")
def admin_add_user_to_group(ctx: Context, req: Request) -> Response:
    pool_id, name = req["UserPoolId"], req["GroupName"]
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, pool_id)
        require_group(tx, pool_id, name)
        # Locking the user serialises additions for this user, so the quota count is exact.
        user = require_user(tx, pool, req["Username"], for_update=True)
        current = tx.users.groups_of(pool_id, user["_Key"])
        if name in current:
            return {}  # already a member: AWS's AdminAddUserToGroup is idempotent
        if len(current) >= MAX_GROUPS_PER_USER:
            raise group_limit_error()
        tx.users.add_to_group(pool_id, name, user["_Key"])
    return {}


@operation("AdminRemoveUserFromGroup")
def admin_remove_user_from_group(ctx: Context, req: Request) -> Response:
    pool_id, name = req["UserPoolId"], req["GroupName"]
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, pool_id)
        require_group(tx, pool_id, name)
        user = require_user(tx, pool, req["Username"])
        # Removing a user who isn't a member succeeds, as adding one twice does.
        tx.users.remove_from_group(pool_id, name, user["_Key"])
    return {}


@operation("AdminListGroupsForUser")
def admin_list_groups_for_user(ctx: Context, req: Request) -> Response:
    pool_id, limit = req["UserPoolId"], page_size(req.get("Limit"))
    with ctx.store.reader() as tx:
        pool = require_pool(tx, pool_id)
        user = require_user(tx, pool, req["Username"])
        key = user["_Key"]
        after = decode_token(req.get("NextToken"), "user_groups", pool_id, key)
        names, more = pagination.page(tx.users.groups_of(pool_id, key, after, limit + 1), limit)
        found = [tx.get(GROUP, pool_id, name) for name in names]
    response: Response = {"Groups": [group for group in found if group is not None]}
    if more:
        response["NextToken"] = encode_token("user_groups", pool_id, key, names[-1])
    return response


@operation("ListUsersInGroup")
def list_users_in_group(ctx: Context, req: Request) -> Response:
    pool_id, name, limit = req["UserPoolId"], req["GroupName"], page_size(req.get("Limit"))
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        require_group(tx, pool_id, name)
        after = decode_token(req.get("NextToken"), "group_members", pool_id, name)
        members, more = pagination.page(tx.users.members(pool_id, name, after, limit + 1), limit)
    response: Response = {"Users": [users.list_view(user) for user in members]}
    if more:
        response["NextToken"] = encode_token("group_members", pool_id, name, members[-1]["_Key"])
    return response
