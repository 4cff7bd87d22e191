"""User pools: create, describe, update, delete, list, custom attributes, MFA configuration."""

from __future__ import annotations

from typing import Any

from userpool.domain import ids, pagination, pools
from userpool.domain.errors import InvalidParameter
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import cached_pool, require_pool
from userpool.store import Duplicate


def describe(pool: dict[str, Any]) -> dict[str, Any]:
    """The UserPoolType DescribeUserPool returns, from ``Store.describe_pool``'s document."""
    view = pools.public_view(pool)
    if pool.get("_Domain"):
        view["Domain"] = pool["_Domain"]
    if pool.get("_CustomDomain"):
        view["CustomDomain"] = pool["_CustomDomain"]
    view["EstimatedNumberOfUsers"] = pool.get("_UserCount", 0)
    return view


@operation("CreateUserPool")
def create_user_pool(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        for _attempt in range(5):
            pool = pools.new_pool(
                req,
                pool_id=ids.pool_id(ctx.region),
                region=ctx.region,
                account_id=ctx.account_id,
                now=ctx.now(),
            )
            try:
                tx.insert_pool(pool, ctx.region)
                break
            except Duplicate:  # a 62^9 id collision: draw again
                continue
        return {"UserPool": describe(pool)}


@operation("DescribeUserPool")
def describe_user_pool(ctx: Context, req: Request) -> Response:
    pool = cached_pool(ctx.store, req["UserPoolId"])
    return {"UserPool": describe(pool)}


@operation("UpdateUserPool")
def update_user_pool(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        current = require_pool(tx, req["UserPoolId"], for_update=True)
        tx.update_pool(pools.updated_pool(current, req, now=ctx.now()))
    return {}


# [GH:rebuy-de/aws-nuke#330] [GH:hashicorp/terraform-provider-aws#16479]
DOMAIN_CONFIGURED = (
    "User pool cannot be deleted. It has a domain configured that should be deleted first."
)


@operation("DeleteUserPool")
def delete_user_pool(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        if pools.deletion_blocked(pool):
            raise pools.deletion_protected_error()
        if tx.pool_domains(pool["Id"]):
            raise InvalidParameter(DOMAIN_CONFIGURED)
        tx.delete_pool(pool["Id"])
    return {}


_LIST_KIND = "pools"


@operation("ListUserPools")
def list_user_pools(ctx: Context, req: Request) -> Response:
    limit = req.get("MaxResults", 60)
    after = _list_position(req["NextToken"]) if req.get("NextToken") else None
    rows, more = pagination.page(ctx.store.list_pools(ctx.region, after, limit + 1), limit)
    response: Response = {"UserPools": [_description(pool) for pool in rows]}
    if more:
        last = rows[-1]
        response["NextToken"] = pagination.encode(
            {"k": _LIST_KIND, "c": last["CreationDate"], "i": last["Id"]}
        )
    return response


def _list_position(token: str) -> tuple[float, str]:
    """Where a ListUserPools NextToken continues: (CreationDate, Id) of the last pool listed."""
    position = pagination.decode(token, kind=_LIST_KIND)
    created, pool_id = position.get("c"), position.get("i")
    valid_date = isinstance(created, (int, float)) and not isinstance(created, bool)
    if not valid_date or not isinstance(pool_id, str):
        raise InvalidParameter("Invalid pagination token.")
    return float(created), pool_id


@operation("AddCustomAttributes")
def add_custom_attributes(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        current = require_pool(tx, req["UserPoolId"], for_update=True)
        tx.update_pool(pools.add_custom_attributes(current, req["CustomAttributes"], now=ctx.now()))
    return {}


@operation("SetUserPoolMfaConfig")
def set_user_pool_mfa_config(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        current = require_pool(tx, req["UserPoolId"], for_update=True)
        pool, response = pools.set_mfa_config(current, req, now=ctx.now())
        tx.update_pool(pool)
    return response


@operation("GetUserPoolMfaConfig")
def get_user_pool_mfa_config(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        return pools.mfa_config(require_pool(tx, req["UserPoolId"]))


def _description(pool: dict[str, Any]) -> dict[str, Any]:
    """UserPoolDescriptionType, the summary ListUserPools returns."""
    summary = {k: pool[k] for k in ("Id", "Name", "LambdaConfig") if k in pool}
    if "Status" in pool:
        summary["Status"] = pool["Status"]
    summary["LastModifiedDate"] = pool["LastModifiedDate"]
    summary["CreationDate"] = pool["CreationDate"]
    return summary
