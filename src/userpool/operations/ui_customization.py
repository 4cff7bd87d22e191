"""Hosted UI (classic) branding: SetUICustomization and GetUICustomization.

Stored as kind ``ui_customization`` keyed by client id, ``ALL`` for the pool default. Both
operations need a domain on the pool: AWS answers InvalidParameterException "There has to be an
existing domain associated with this user pool" (quoted by terraform-provider-aws's acceptance
tests, which meet it from GetUICustomization after the domain is deleted).

The logo is kept in the document; ImageUrl points at
``<base URL>/_userpool/ui/<pool>/<client>/<CSSVersion>/assets/images/image.<png|jpg>`` on this
server (not served yet), mirroring AWS's CloudFront path.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import ui_customization as ui
from userpool.domain.errors import InvalidParameter
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_client, require_pool
from userpool.store import Tx

KIND = "ui_customization"
NO_DOMAIN = "There has to be an existing domain associated with this user pool"


def _target(tx: Tx, pool_id: str, client_id: str | None) -> str:
    """The customization's key: ``ALL`` or an existing app client's id."""
    if not client_id or client_id == ui.ALL_CLIENTS:
        return ui.ALL_CLIENTS
    require_client(tx, pool_id, client_id)
    return client_id


def _require_domain(tx: Tx, pool_id: str) -> None:
    if not tx.pool_domains(pool_id):
        raise InvalidParameter(NO_DOMAIN)


def _base_url(ctx: Context) -> str:
    return ctx.settings.issuer("", ctx.region).rstrip("/")


@operation("SetUICustomization")
def set_ui_customization(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        key = _target(tx, pool_id, req.get("ClientId"))
        _require_domain(tx, pool_id)
        previous = tx.get(KIND, pool_id, key)
        doc = ui.new_customization(req, key, previous, ctx.now())
        if doc is None:
            tx.remove(KIND, pool_id, key)
            return {"UICustomization": {"UserPoolId": pool_id, "ClientId": key}}
        tx.put(KIND, pool_id, key, doc, ctx.now())
    return {"UICustomization": ui.public_view(doc, _base_url(ctx))}


@operation("GetUICustomization")
def get_ui_customization(ctx: Context, req: Request) -> Response:
    """The client's own customization, else the pool's ``ALL`` one, else ``{}``
    ([API:GetUICustomization]: "Returns an empty object if you haven't applied ...")."""
    pool_id = req["UserPoolId"]
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        key = _target(tx, pool_id, req.get("ClientId"))
        _require_domain(tx, pool_id)
        doc: dict[str, Any] | None = tx.get(KIND, pool_id, key)
        if doc is None and key != ui.ALL_CLIENTS:
            doc = tx.get(KIND, pool_id, ui.ALL_CLIENTS)
    if doc is None:
        return {"UICustomization": {}}
    return {"UICustomization": ui.public_view(doc, _base_url(ctx))}


def forget_client(tx: Tx, pool_id: str, client_id: str) -> None:
    """DeleteUserPoolClient: the client's own customization goes with it."""
    tx.remove(KIND, pool_id, client_id)
