"""Identity providers of a user pool: create, describe, update, delete, list, by identifier.

Stored as kind ``identity_provider`` (key = ProviderName, doc = IdentityProviderType) and, for
each of its IdpIdentifiers, kind ``idp_identifier`` (key = identifier, doc = {"ProviderName"}),
so the primary key keeps an identifier unique within the pool even under concurrent writes.
The per-type rules live in ``domain/identity_providers.py``.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import identity_providers as idps
from userpool.domain.errors import (
    DuplicateProvider,
    InvalidParameter,
    LimitExceeded,
    ResourceNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import list_page, require_pool
from userpool.store import Duplicate, Tx

KIND = "identity_provider"
IDENTIFIER_KIND = "idp_identifier"
_DEFAULT_PAGE = 60  # the model's maximum MaxResults


def _require_provider(tx: Tx, pool_id: str, name: str) -> dict[str, Any]:
    provider = tx.get(KIND, pool_id, name)
    if provider is None:
        # AWS's wording for an unknown IdP is not recorded anywhere we could find.
        raise ResourceNotFound(f"Identity provider {name} does not exist.")
    return provider


def _pool_attributes(pool: dict[str, Any]) -> list[str]:
    return [attribute["Name"] for attribute in pool.get("SchemaAttributes", [])]


def _claim_identifiers(tx: Tx, pool_id: str, name: str, identifiers: list[str], now: float) -> None:
    for identifier in identifiers:
        try:
            tx.insert(IDENTIFIER_KIND, pool_id, identifier, {"ProviderName": name}, now)
        except Duplicate:
            # UpdateIdentityProvider declares no DuplicateProviderException, so both operations
            # answer InvalidParameterException (AWS's exact reaction is undocumented).
            raise InvalidParameter(idps.identifier_taken_message(identifier)) from None


def _release_identifiers(tx: Tx, pool_id: str, identifiers: list[str]) -> None:
    for identifier in identifiers:
        tx.remove(IDENTIFIER_KIND, pool_id, identifier)


@operation("CreateIdentityProvider")
def create_identity_provider(ctx: Context, req: Request) -> Response:
    now = ctx.now()
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"])
        provider = idps.new_provider(req, pool_id=pool["Id"], now=now)
        idps.check_attribute_mapping(provider["AttributeMapping"], _pool_attributes(pool))
        try:
            tx.insert(KIND, pool["Id"], provider["ProviderName"], provider, now)
        except Duplicate:
            message = idps.duplicate_name_message(provider["ProviderName"], pool["Id"])
            raise DuplicateProvider(message) from None
        # Counted after the insert so that the new row is included; the transaction rolls back
        # on the error. Concurrent creates may each see the other's row: never over the quota.
        if tx.count(KIND, pool["Id"]) > idps.MAX_PROVIDERS_PER_POOL:
            raise LimitExceeded(
                f"A user pool can have at most {idps.MAX_PROVIDERS_PER_POOL} identity providers."
            )
        _claim_identifiers(
            tx, pool["Id"], provider["ProviderName"], provider["IdpIdentifiers"], now
        )
    return {"IdentityProvider": idps.public_view(provider)}


@operation("DescribeIdentityProvider")
def describe_identity_provider(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        provider = _require_provider(tx, req["UserPoolId"], req["ProviderName"])
    return {"IdentityProvider": idps.public_view(provider)}


@operation("UpdateIdentityProvider")
def update_identity_provider(ctx: Context, req: Request) -> Response:
    now = ctx.now()
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        stored = _require_provider(tx, pool["Id"], req["ProviderName"])
        provider = idps.updated_provider(stored, req, now=now)
        if req.get("AttributeMapping") is not None:
            idps.check_attribute_mapping(provider["AttributeMapping"], _pool_attributes(pool))
        if req.get("IdpIdentifiers") is not None:
            _release_identifiers(tx, pool["Id"], stored.get("IdpIdentifiers", []))
            _claim_identifiers(
                tx, pool["Id"], provider["ProviderName"], provider["IdpIdentifiers"], now
            )
        tx.replace(KIND, pool["Id"], provider["ProviderName"], provider, now)
    return {"IdentityProvider": idps.public_view(provider)}


@operation("DeleteIdentityProvider")
def delete_identity_provider(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        provider = _require_provider(tx, pool["Id"], req["ProviderName"])
        _release_identifiers(tx, pool["Id"], provider.get("IdpIdentifiers", []))
        tx.remove(KIND, pool["Id"], provider["ProviderName"])
    return {}


@operation("ListIdentityProviders")
def list_identity_providers(ctx: Context, req: Request) -> Response:
    docs, next_token = list_page(
        ctx.store,
        KIND,
        req["UserPoolId"],
        req.get("MaxResults") or _DEFAULT_PAGE,
        req.get("NextToken"),
    )
    response: Response = {"Providers": [idps.description(doc) for doc in docs]}
    if next_token:
        response["NextToken"] = next_token
    return response


@operation("GetIdentityProviderByIdentifier")
def get_identity_provider_by_identifier(ctx: Context, req: Request) -> Response:
    pool_id, identifier = req["UserPoolId"], req["IdpIdentifier"]
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        link = tx.get(IDENTIFIER_KIND, pool_id, identifier)
        provider = None if link is None else tx.get(KIND, pool_id, link["ProviderName"])
    if provider is None:
        raise ResourceNotFound(f"Identity provider with identifier {identifier} does not exist.")
    return {"IdentityProvider": idps.public_view(provider)}
