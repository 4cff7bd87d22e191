"""OAuth 2.0 resource servers and their custom scopes.

Stored as kind ``"resource_server"`` keyed by the identifier, shaped like ``ResourceServerType``
(``UserPoolId``, ``Identifier``, ``Name``, ``Scopes[{ScopeName, ScopeDescription}]``);
``common.custom_scopes`` reads ``Scopes[].ScopeName`` from these documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from userpool.domain.errors import InvalidParameter, LimitExceeded, ResourceNotFound
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import list_page, require_pool
from userpool.store import Duplicate, Tx

KIND = "resource_server"
# [DG:quotas] "Resource servers per user pool: 25" (adjustable in AWS up to 300; fixed here).
MAX_RESOURCE_SERVERS = 25
# ListResourceServers ``MaxResults`` is optional, 1..50 [API:ListResourceServersLimitType];
# AWS documents no default, so the maximum is used.
DEFAULT_LIST_LIMIT = 50


# -- pure rules --------------------------------------------------------------------------------
def scopes_of(requested: Iterable[Mapping[str, Any] | None] | None) -> list[dict[str, str]]:
    """The scopes to store, in request order; a scope name may appear only once.

    AWS's wording for a repeated scope name is unmeasured; the rejection itself follows from
    scopes being addressed as ``<identifier>/<ScopeName>`` (two entries would be one scope).
    """
    scopes: list[dict[str, str]] = []
    seen: set[str] = set()
    for scope in requested or []:
        if scope is None:
            continue
        name = scope["ScopeName"]
        if name in seen:
            raise InvalidParameter(f"Duplicate scope name {name} in resource server scopes.")
        seen.add(name)
        scopes.append({"ScopeName": name, "ScopeDescription": scope["ScopeDescription"]})
    return scopes


def server_document(pool_id: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """The ResourceServerType for a Create or Update request.

    UpdateResourceServer replaces everything but the identifier: "If you don't provide a value
    for an attribute, it is set to the default value" [API:UpdateResourceServer], so omitted
    ``Scopes`` means no scopes.
    """
    return {
        "UserPoolId": pool_id,
        "Identifier": request["Identifier"],
        "Name": request["Name"],
        "Scopes": scopes_of(request.get("Scopes")),
    }


def duplicate_error(identifier: str, pool_id: str) -> InvalidParameter:
    # Wording as moto has it (getmoto/moto moto/cognitoidp/models.py create_resource_server);
    # AWS answers InvalidParameterException (CreateResourceServer declares no "exists" error).
    return InvalidParameter(f"{identifier} already exists in user pool {pool_id}.")


def not_found_error(identifier: str) -> ResourceNotFound:
    # Wording as moto has it; no AWS capture was found.
    return ResourceNotFound(f"Resource server {identifier} does not exist.")


def limit_error() -> LimitExceeded:
    return LimitExceeded(
        f"The maximum number of resource servers ({MAX_RESOURCE_SERVERS}) for this user pool "
        "is reached."
    )


# -- operations --------------------------------------------------------------------------------
def _require_server(tx: Tx, pool_id: str, identifier: str) -> dict[str, Any]:
    server = tx.get(KIND, pool_id, identifier)
    if server is None:
        raise not_found_error(identifier)
    return server


@operation("CreateResourceServer")
def create_resource_server(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        # Locking the pool row serialises creations, so the quota count below is exact.
        require_pool(tx, pool_id, for_update=True)
        server = server_document(pool_id, req)
        if tx.count(KIND, pool_id) >= MAX_RESOURCE_SERVERS:
            raise limit_error()
        try:
            tx.insert(KIND, pool_id, server["Identifier"], server, ctx.now())
        except Duplicate:
            raise duplicate_error(server["Identifier"], pool_id) from None
    return {"ResourceServer": server}


@operation("DescribeResourceServer")
def describe_resource_server(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        return {"ResourceServer": _require_server(tx, req["UserPoolId"], req["Identifier"])}


@operation("UpdateResourceServer")
def update_resource_server(ctx: Context, req: Request) -> Response:
    """Name and scopes are replaced; app clients that name a removed scope keep it (as on
    delete, below)."""
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        _require_server(tx, pool_id, req["Identifier"])
        server = server_document(pool_id, req)
        tx.replace(KIND, pool_id, server["Identifier"], server, ctx.now())
    return {"ResourceServer": server}


@operation("DeleteResourceServer")
def delete_resource_server(ctx: Context, req: Request) -> Response:
    """Deleting a server whose scopes an app client allows succeeds and leaves the client's
    ``AllowedOAuthScopes`` as they are: "deleting a resource server or a scope when it is
    selected by a user pool client can be done cleanly without breaking anything"
    [GH:aws-cloudformation/cloudformation-coverage-roadmap#173]. Token issuance must therefore
    ignore client scopes that no longer exist."""
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        if not tx.remove(KIND, pool_id, req["Identifier"]):
            raise not_found_error(req["Identifier"])
    return {}


@operation("ListResourceServers")
def list_resource_servers(ctx: Context, req: Request) -> Response:
    docs, next_token = list_page(
        ctx.store,
        KIND,
        req["UserPoolId"],
        req.get("MaxResults") or DEFAULT_LIST_LIMIT,
        req.get("NextToken"),
    )
    response: Response = {"ResourceServers": docs}
    if next_token:
        response["NextToken"] = next_token
    return response
