"""User pool groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups.

Stored as kind ``"group"`` keyed by the group name, shaped like ``GroupType``.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import groups
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import list_page, require_pool
from userpool.store import Duplicate, Tx

KIND = "group"


def _require_group(tx: Tx, pool_id: str, name: str) -> dict[str, Any]:
    group = tx.get(KIND, pool_id, name)
    if group is None:
        raise groups.group_not_found_error()
    return group


@operation("CreateGroup")
def create_group(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        # Locking the pool row serialises creations, so the quota count below is exact.
        require_pool(tx, pool_id, for_update=True)
        group = groups.new_group(pool_id, req, ctx.now())
        if tx.count(KIND, pool_id) >= groups.MAX_GROUPS_PER_POOL:
            raise groups.group_limit_error()
        try:
            tx.insert(KIND, pool_id, group["GroupName"], group, ctx.now())
        except Duplicate:
            raise groups.group_exists_error() from None
    return {"Group": group}


@operation("GetGroup")
def get_group(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        return {"Group": _require_group(tx, req["UserPoolId"], req["GroupName"])}


@operation("UpdateGroup")
def update_group(ctx: Context, req: Request) -> Response:
    pool_id, name = req["UserPoolId"], req["GroupName"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        group = groups.updated_group(_require_group(tx, pool_id, name), req, ctx.now())
        tx.replace(KIND, pool_id, name, group, ctx.now())
    return {"Group": group}


@operation("DeleteGroup")
def delete_group(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        if not tx.remove(KIND, pool_id, req["GroupName"]):
            raise groups.group_not_found_error()
        tx.users.drop_group(pool_id, req["GroupName"])  # its memberships go with it
    return {}


@operation("ListGroups")
def list_groups(ctx: Context, req: Request) -> Response:
    docs, next_token = list_page(
        ctx.store,
        KIND,
        req["UserPoolId"],
        groups.list_limit(req.get("Limit")),
        req.get("NextToken"),
    )
    response: Response = {"Groups": docs}
    if next_token:
        response["NextToken"] = next_token
    return response
