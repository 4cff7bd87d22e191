"""App clients: create, describe, update, delete, list."""

from __future__ import annotations

from typing import Any

from userpool.domain import clients, ids
from userpool.domain.errors import InternalError, ResourceNotFound
from userpool.operations import (
    Context,
    Request,
    Response,
    branding,
    operation,
    pool_settings,
    terms,
    ui_customization,
)
from userpool.operations.common import (
    custom_scopes,
    list_page,
    provider_names,
    require_client,
    require_pool,
)
from userpool.store import Duplicate

KIND = "client"


@operation("CreateUserPoolClient")
def create_user_pool_client(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        scopes, providers = custom_scopes(tx, pool["Id"]), provider_names(tx, pool["Id"])
        for _attempt in range(5):
            client = clients.new_client(
                req,
                pool=pool,
                client_id=ids.client_id(),
                secret=ids.client_secret(),
                now=ctx.now(),
                scopes=scopes,
                providers=providers,
            )
            try:
                tx.insert(KIND, pool["Id"], client["ClientId"], client, ctx.now())
                break
            except Duplicate:  # a 36^26 id collision: draw again
                continue
        else:
            raise InternalError("Could not allocate a client id.")
    return {"UserPoolClient": clients.public_view(client)}


@operation("DescribeUserPoolClient")
def describe_user_pool_client(ctx: Context, req: Request) -> Response:
    client = ctx.store.get(KIND, req["UserPoolId"], req["ClientId"])
    if client is None:  # which error: is it the pool or the client that is missing?
        if not ctx.store.pool_exists(req["UserPoolId"]):
            raise ResourceNotFound(f"User pool {req['UserPoolId']} does not exist.")
        raise ResourceNotFound(f"User pool client {req['ClientId']} does not exist.")
    return {"UserPoolClient": clients.public_view(client)}


@operation("UpdateUserPoolClient")
def update_user_pool_client(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        current = require_client(tx, pool["Id"], req["ClientId"])
        client = clients.updated_client(
            current,
            req,
            pool=pool,
            now=ctx.now(),
            scopes=custom_scopes(tx, pool["Id"]),
            providers=provider_names(tx, pool["Id"]),
        )
        tx.replace(KIND, pool["Id"], client["ClientId"], client, ctx.now())
    return {"UserPoolClient": clients.public_view(client)}


@operation("DeleteUserPoolClient")
def delete_user_pool_client(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        # Lock the pool like Update and the secret operations do, so a delete can't interleave
        # with a read-modify-write of the same client (which would then "succeed" on nothing).
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        if not tx.remove(KIND, pool["Id"], req["ClientId"]):
            raise ResourceNotFound(f"User pool client {req['ClientId']} does not exist.")
        for module in (branding, terms, ui_customization, pool_settings):
            module.forget_client(tx, pool["Id"], req["ClientId"])
    return {}


@operation("ListUserPoolClients")
def list_user_pool_clients(ctx: Context, req: Request) -> Response:
    docs, next_token = list_page(
        ctx.store, KIND, req["UserPoolId"], req.get("MaxResults", 60), req.get("NextToken")
    )
    response: Response = {"UserPoolClients": [_summary(doc) for doc in docs]}
    if next_token:
        response["NextToken"] = next_token
    return response


def _summary(client: dict[str, Any]) -> dict[str, Any]:
    """UserPoolClientDescription."""
    return {k: client[k] for k in ("ClientId", "UserPoolId", "ClientName")}
