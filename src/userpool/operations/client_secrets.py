"""App-client secrets: a second secret for rotation (at most two; the last can't be deleted)."""

from __future__ import annotations

from userpool.domain import clients, ids
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_client, require_pool

KIND = "client"


@operation("AddUserPoolClientSecret")
def add_user_pool_client_secret(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        current = require_client(tx, pool["Id"], req["ClientId"])
        supplied = req.get("ClientSecret")
        client, descriptor = clients.add_secret(
            current,
            secret=supplied or ids.client_secret(),
            secret_id=clients.unused_secret_id(current, ctx.now()),
            now=ctx.now(),
            generated=supplied is None,
        )
        tx.replace(KIND, pool["Id"], client["ClientId"], client, ctx.now())
    return {"ClientSecretDescriptor": descriptor}


@operation("ListUserPoolClientSecrets")
def list_user_pool_client_secrets(ctx: Context, req: Request) -> Response:
    # At most two secrets exist, so one page always holds them all: no NextToken is issued.
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        client = require_client(tx, req["UserPoolId"], req["ClientId"])
    return {"ClientSecrets": clients.list_secrets(client)}


@operation("DeleteUserPoolClientSecret")
def delete_user_pool_client_secret(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        current = require_client(tx, pool["Id"], req["ClientId"])
        client = clients.delete_secret(current, req["ClientSecretId"], now=ctx.now())
        tx.replace(KIND, pool["Id"], client["ClientId"], client, ctx.now())
    return {}
