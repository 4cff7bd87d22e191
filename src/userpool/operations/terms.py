"""Terms documents (terms-of-use / privacy-policy links per app client, at most 40 per pool).

Kinds: ``terms`` keyed by TermsId (the TermsType document), and ``terms_name`` keyed by
``<client id>/<terms name>`` holding ``{"Id": ...}``: its primary key makes names unique per
client ("Terms document names must be unique to the app client" [API:TermsExistsException])
without check-then-insert. The wording of the errors is ours unless noted.
"""

from __future__ import annotations

import uuid
from typing import Any

from userpool.domain.errors import LimitExceeded, ResourceNotFound, TermsExists
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import list_page, require_client, require_pool
from userpool.store import Duplicate, Tx

KIND = "terms"
BY_NAME = "terms_name"
MAX_TERMS_PER_POOL = 40  # [DG:quotas] "40 terms documents"
DEFAULT_PAGE = 60  # the model's maximum MaxResults


def _name_key(client_id: str, name: str) -> str:
    return f"{client_id}/{name}"


def _claim_name(tx: Tx, doc: dict[str, Any], now: float) -> None:
    key = _name_key(doc["ClientId"], doc["TermsName"])
    try:
        tx.insert(BY_NAME, doc["UserPoolId"], key, {"Id": doc["TermsId"]}, now)
    except Duplicate:
        raise TermsExists(
            f"Terms with name {doc['TermsName']} already exist for client {doc['ClientId']}."
        ) from None


def _require_terms(tx: Tx, pool_id: str, terms_id: str) -> dict[str, Any]:
    doc = tx.get(KIND, pool_id, terms_id)
    if doc is None:
        raise ResourceNotFound(f"Terms {terms_id} does not exist.")
    return doc


@operation("CreateTerms")
def create_terms(ctx: Context, req: Request) -> Response:
    pool_id, now = req["UserPoolId"], ctx.now()
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)  # serialises creates: the count is exact
        require_client(tx, pool_id, req["ClientId"])
        doc = {
            "TermsId": str(uuid.uuid4()),
            "UserPoolId": pool_id,
            "ClientId": req["ClientId"],
            "TermsName": req["TermsName"],
            "TermsSource": req["TermsSource"],
            "Enforcement": req["Enforcement"],
            # Links is optional in the request but required in TermsType: an absent map is {}.
            "Links": dict(req.get("Links") or {}),
            "CreationDate": now,
            "LastModifiedDate": now,
        }
        _claim_name(tx, doc, now)
        if tx.count(KIND, pool_id) >= MAX_TERMS_PER_POOL:
            raise LimitExceeded(
                f"The user pool has reached the limit of {MAX_TERMS_PER_POOL} terms documents."
            )
        tx.insert(KIND, pool_id, doc["TermsId"], doc, now)
    return {"Terms": doc}


@operation("DescribeTerms")
def describe_terms(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        return {"Terms": _require_terms(tx, req["UserPoolId"], req["TermsId"])}


@operation("UpdateTerms")
def update_terms(ctx: Context, req: Request) -> Response:
    """Members present replace the stored ones; a rename must not collide with another
    document of the same client (TermsExistsException)."""
    pool_id, now = req["UserPoolId"], ctx.now()
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id)
        doc = dict(_require_terms(tx, pool_id, req["TermsId"]))
        old_name = doc["TermsName"]
        for member in ("TermsName", "TermsSource", "Enforcement", "Links"):
            if req.get(member) is not None:
                doc[member] = dict(req[member]) if member == "Links" else req[member]
        doc["LastModifiedDate"] = now
        if doc["TermsName"] != old_name:
            _claim_name(tx, doc, now)
            tx.remove(BY_NAME, pool_id, _name_key(doc["ClientId"], old_name))
        tx.replace(KIND, pool_id, doc["TermsId"], doc, now)
    return {"Terms": doc}


@operation("DeleteTerms")
def delete_terms(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id)
        doc = _require_terms(tx, pool_id, req["TermsId"])
        tx.remove(KIND, pool_id, doc["TermsId"])
        tx.remove(BY_NAME, pool_id, _name_key(doc["ClientId"], doc["TermsName"]))
    return {}


@operation("ListTerms")
def list_terms(ctx: Context, req: Request) -> Response:
    """TermsDescriptionType summaries in TermsId order; opaque tokens bound to the pool."""
    docs, next_token = list_page(
        ctx.store,
        KIND,
        req["UserPoolId"],
        req.get("MaxResults") or DEFAULT_PAGE,
        req.get("NextToken"),
    )
    response: Response = {"Terms": [_summary(doc) for doc in docs]}
    if next_token:
        response["NextToken"] = next_token
    return response


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    """TermsDescriptionType."""
    return {
        k: doc[k]
        for k in ("TermsId", "TermsName", "Enforcement", "CreationDate", "LastModifiedDate")
    }


def forget_client(tx: Tx, pool_id: str, client_id: str) -> None:
    """DeleteUserPoolClient: the client's terms documents go with it."""
    for terms_id, doc in tx.list(KIND, pool_id):
        if doc["ClientId"] == client_id:
            tx.remove(KIND, pool_id, terms_id)
            tx.remove(BY_NAME, pool_id, _name_key(client_id, doc["TermsName"]))
