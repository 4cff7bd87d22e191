"""Per-pool operational settings: log delivery, risk configuration, SAML signing certificate.

Kinds: ``log_delivery`` (key ``pool``), ``risk_config`` (key = client id, ``""`` for the pool
level), ``signing_cert`` (key ``current``).
"""

from __future__ import annotations

from typing import Any

from userpool.domain import pool_settings as rules
from userpool.domain.errors import InternalError
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_client, require_pool
from userpool.store import Duplicate, Tx

LOG_KIND, LOG_KEY = "log_delivery", "pool"
RISK_KIND, POOL_LEVEL = "risk_config", ""
CERT_KIND, CERT_KEY = "signing_cert", "current"


@operation("SetLogDeliveryConfiguration")
def set_log_delivery_configuration(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, pool_id, for_update=True)
        configs = rules.log_configurations(
            req["LogConfigurations"], pool.get("UserPoolTier", "ESSENTIALS")
        )
        doc = {"UserPoolId": pool_id, "LogConfigurations": configs}
        if configs:
            tx.put(LOG_KIND, pool_id, LOG_KEY, doc, ctx.now())
        else:
            tx.remove(LOG_KIND, pool_id, LOG_KEY)
    return {"LogDeliveryConfiguration": doc}


@operation("GetLogDeliveryConfiguration")
def get_log_delivery_configuration(ctx: Context, req: Request) -> Response:
    """A pool without any returns an empty list (floci-io/floci, measured)."""
    pool_id = req["UserPoolId"]
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        doc = tx.get(LOG_KIND, pool_id, LOG_KEY)
    return {"LogDeliveryConfiguration": doc or {"UserPoolId": pool_id, "LogConfigurations": []}}


@operation("SetRiskConfiguration")
def set_risk_configuration(ctx: Context, req: Request) -> Response:
    pool_id, client_id = req["UserPoolId"], req.get("ClientId")
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, pool_id, for_update=True)
        if client_id:
            require_client(tx, pool_id, client_id)
        rules.require_threat_protection(pool)
        doc = rules.risk_configuration(req, ctx.now())
        key = client_id or POOL_LEVEL
        if doc is None:
            tx.remove(RISK_KIND, pool_id, key)
            doc = {"UserPoolId": pool_id, **({"ClientId": client_id} if client_id else {})}
        else:
            tx.put(RISK_KIND, pool_id, key, doc, ctx.now())
    return {"RiskConfiguration": doc}


@operation("DescribeRiskConfiguration")
def describe_risk_configuration(ctx: Context, req: Request) -> Response:
    """The client's own configuration, else the pool-level one (which the client inherits;
    no ClientId in it), else just ``{"UserPoolId": ...}`` as for a pool at defaults."""
    pool_id, client_id = req["UserPoolId"], req.get("ClientId")
    with ctx.store.reader() as tx:
        pool = require_pool(tx, pool_id)
        if client_id:
            require_client(tx, pool_id, client_id)
        rules.require_threat_protection(pool)
        doc: dict[str, Any] | None = None
        if client_id:
            doc = tx.get(RISK_KIND, pool_id, client_id)
        if doc is None:
            doc = tx.get(RISK_KIND, pool_id, POOL_LEVEL)
    return {"RiskConfiguration": doc or {"UserPoolId": pool_id}}


@operation("GetSigningCertificate")
def get_signing_certificate(ctx: Context, req: Request) -> Response:
    """The pool's SAML signing certificate, made on first request. Two processes racing both
    generate one, but only the first insert wins; the loser re-reads the stored one."""
    pool_id = req["UserPoolId"]
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        doc = tx.get(CERT_KIND, pool_id, CERT_KEY)
    if doc is None:
        fresh = rules.new_signing_certificate(pool_id, ctx.now())
        with ctx.store.transaction() as tx:
            require_pool(tx, pool_id)
            try:
                tx.insert(CERT_KIND, pool_id, CERT_KEY, fresh, ctx.now())
                doc = fresh
            except Duplicate:
                doc = tx.get(CERT_KIND, pool_id, CERT_KEY)
    if doc is None:  # deleted between the insert attempt and the re-read
        raise InternalError("The signing certificate could not be read.")
    return {"Certificate": doc["Certificate"]}


def forget_client(tx: Tx, pool_id: str, client_id: str) -> None:
    """DeleteUserPoolClient: the client's own risk configuration goes with it."""
    tx.remove(RISK_KIND, pool_id, client_id)
