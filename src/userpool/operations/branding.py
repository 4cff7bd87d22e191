"""Managed login branding styles (one per app client, at most 20 per pool).

Kinds: ``branding`` keyed by ManagedLoginBrandingId (the document), and ``branding_client``
keyed by client id holding ``{"Id": <branding id>}``: its primary key is what enforces one style
per client, without check-then-insert. Messages measured by floci-io/floci PR #2869.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import branding
from userpool.domain.errors import (
    InvalidParameter,
    LimitExceeded,
    ManagedLoginBrandingExists,
    ResourceNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_client, require_pool
from userpool.store import Duplicate, Tx

KIND = "branding"
BY_CLIENT = "branding_client"
NOT_FOUND = "ManagedLoginBranding does not exist."


def _require_style(tx: Tx, pool_id: str, branding_id: str) -> dict[str, Any]:
    doc = tx.get(KIND, pool_id, branding_id)
    if doc is None:
        raise ResourceNotFound(NOT_FOUND)
    return doc


@operation("CreateManagedLoginBranding")
def create_managed_login_branding(ctx: Context, req: Request) -> Response:
    pool_id, client_id = req["UserPoolId"], req["ClientId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)  # serialises creates: the count is exact
        require_client(tx, pool_id, client_id)
        doc = branding.new_style(req, ctx.now())
        try:
            tx.insert(BY_CLIENT, pool_id, client_id, {"Id": doc["ManagedLoginBrandingId"]},
                      ctx.now())
        except Duplicate:
            raise ManagedLoginBrandingExists(
                f"A ManagedLoginBranding already exists for client {client_id}"
            ) from None
        if tx.count(KIND, pool_id) >= branding.MAX_STYLES_PER_POOL:
            # [DG:quotas] 20 styles per pool; AWS's wording is unknown.
            raise LimitExceeded(
                f"The user pool has reached the limit of {branding.MAX_STYLES_PER_POOL} "
                "managed login branding styles."
            )
        tx.insert(KIND, pool_id, doc["ManagedLoginBrandingId"], doc, ctx.now())
    return {"ManagedLoginBranding": branding.public_view(doc)}


@operation("DescribeManagedLoginBranding")
def describe_managed_login_branding(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        doc = _require_style(tx, req["UserPoolId"], req["ManagedLoginBrandingId"])
    return {"ManagedLoginBranding": branding.public_view(doc)}


@operation("DescribeManagedLoginBrandingByClient")
def describe_managed_login_branding_by_client(ctx: Context, req: Request) -> Response:
    pool_id, client_id = req["UserPoolId"], req["ClientId"]
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        require_client(tx, pool_id, client_id)
        link = tx.get(BY_CLIENT, pool_id, client_id)
        doc = tx.get(KIND, pool_id, link["Id"]) if link else None
    if doc is None:
        raise ResourceNotFound(f"ManagedLoginBranding for client {client_id} does not exist.")
    return {"ManagedLoginBranding": branding.public_view(doc)}


@operation("UpdateManagedLoginBranding")
def update_managed_login_branding(ctx: Context, req: Request) -> Response:
    # The model marks no member required; the identifiers are needed all the same.
    for name in ("UserPoolId", "ManagedLoginBrandingId"):
        if not req.get(name):
            field = name[0].lower() + name[1:]
            raise InvalidParameter(
                f"1 validation error detected: Value null at '{field}' failed to satisfy "
                "constraint: Member must not be null"
            )
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id)
        current = _require_style(tx, pool_id, req["ManagedLoginBrandingId"])
        doc = branding.updated_style(current, req, ctx.now())
        tx.replace(KIND, pool_id, doc["ManagedLoginBrandingId"], doc, ctx.now())
    return {"ManagedLoginBranding": branding.public_view(doc)}


@operation("DeleteManagedLoginBranding")
def delete_managed_login_branding(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id)
        doc = _require_style(tx, pool_id, req["ManagedLoginBrandingId"])
        tx.remove(KIND, pool_id, doc["ManagedLoginBrandingId"])
        tx.remove(BY_CLIENT, pool_id, doc["_ClientId"])
    return {}


def forget_client(tx: Tx, pool_id: str, client_id: str) -> None:
    """DeleteUserPoolClient: the client's branding style goes with it."""
    link = tx.get(BY_CLIENT, pool_id, client_id)
    if link is not None:
        tx.remove(KIND, pool_id, link["Id"])
        tx.remove(BY_CLIENT, pool_id, client_id)
