"""User pool domains: prefix domains (``my-app``) and custom domains (``auth.example.com``).

A domain name is unique across the service; a pool holds at most one prefix domain and one
custom domain (the ``domains`` table's ``slot``). The stored document is the DomainDescriptionType
minus what is computed at read time:

- ``CloudFrontDistribution`` (and ``CloudFrontDomain`` in create/update answers): AWS names the
  CloudFront distribution a custom domain's DNS alias must point at. This server serves every
  domain itself, so the value is this server's own public host name: the host of
  ``issuer_base`` when configured, else the ``host`` setting. It is computed on each read, so a
  changed configuration shows at once.
- ``S3Bucket``: AWS's asset bucket (``aws-cognito-prod-pdx-assets`` in the CLI example); ours is a
  fixed, descriptive name (``userpool-<region>-assets``), not a real bucket.

``Version`` is the UTC time of the last change as ``YYYYMMDDHHMMSS``, the form of AWS's example
(``20190128175402``). ``Status`` is always ``ACTIVE``: nothing here needs provisioning time.

Observed AWS texts, all ``InvalidParameterException``:
- "Domain already associated with another user pool." [GH:aws-samples/aws-cdk-examples#402]
- "User pool already has a domain configured." [GH:aws-samples/websocket-chat-application#29]
- "Domain cannot contain reserved word: aws" [GH:aws-amplify/amplify-cli#1513]
- "The domain name contains an invalid character. …"
  [GH:mineiros-io/terraform-aws-cognito-user-pool#69]
- "No such domain or user pool exists." (DeleteUserPoolDomain; Amplify CLI e2e tests)
DescribeUserPoolDomain of an unknown domain answers ``{"DomainDescription": {}}`` (Amplify CLI
e2e tests expect exactly that; Terraform reads a missing Status as "not found").
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from userpool.domain.errors import FeatureUnavailableInTier, InvalidParameter
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.store import Duplicate, Tx

_PREFIX_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")
_RESERVED_WORDS = ("aws", "amazon", "cognito")
_MANAGED_LOGIN_VERSIONS = (1, 2)
_MAX_FQDN = 253

_INVALID_PREFIX = (
    "The domain name contains an invalid character. Domain names can only contain lower-case "
    "letters, numbers, and hyphens. Please enter a different name that follows this format: "
    r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"
)
_NO_SUCH_DOMAIN = "No such domain or user pool exists."


# -- rules ---------------------------------------------------------------------------------------
def check_prefix(domain: str) -> None:
    if not _PREFIX_PATTERN.fullmatch(domain):
        raise InvalidParameter(_INVALID_PREFIX)
    for word in _RESERVED_WORDS:
        if word in domain:
            raise InvalidParameter(f"Domain cannot contain reserved word: {word}")


def check_custom(domain: str) -> None:
    """A custom domain is a lower-case fully qualified name outside amazoncognito.com."""
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > _MAX_FQDN or not all(_LABEL.fullmatch(x) for x in labels):
        raise InvalidParameter(f"{domain} is not a valid fully qualified domain name.")
    if domain == "amazoncognito.com" or domain.endswith(".amazoncognito.com"):
        raise InvalidParameter("A custom domain can't be a subdomain of amazoncognito.com.")


def check_managed_login_version(pool: dict[str, Any], version: int | None) -> None:
    if version is None:
        return
    if version not in _MANAGED_LOGIN_VERSIONS:
        raise InvalidParameter("ManagedLoginVersion must be 1 (hosted UI) or 2 (managed login).")
    # The model: "Managed login requires that your user pool be configured for any feature plan
    # other than Lite." The wording follows the pool module's tier message.
    tier = pool.get("UserPoolTier", "ESSENTIALS")
    if version == 2 and tier == "LITE":
        raise FeatureUnavailableInTier(
            f"The following features need to be disabled for the {tier} pricing tier "
            "configured: Managed Login"
        )


def version_stamp(now: float) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(now))


def public_host(ctx: Context) -> str:
    """The host name this server answers on (what stands in for AWS's CloudFront host)."""
    base = ctx.settings.issuer_base
    if base:
        host = urlsplit(base.replace("{region}", ctx.region)).hostname
        if host:
            return host
    return ctx.settings.host


def describe(ctx: Context, doc: dict[str, Any]) -> dict[str, Any]:
    """The DomainDescriptionType of a stored domain document."""
    return {
        "UserPoolId": doc["UserPoolId"],
        "AWSAccountId": doc["AWSAccountId"],
        "Domain": doc["Domain"],
        "S3Bucket": f"userpool-{ctx.region}-assets",
        "CloudFrontDistribution": public_host(ctx),
        "Version": doc["Version"],
        "Status": "ACTIVE",
        "CustomDomainConfig": dict(doc.get("CustomDomainConfig") or {}),
        "ManagedLoginVersion": doc.get("ManagedLoginVersion", 1),
    }


def _answer(ctx: Context, doc: dict[str, Any]) -> Response:
    """CreateUserPoolDomain / UpdateUserPoolDomain output: CloudFrontDomain only when custom."""
    response: Response = {"ManagedLoginVersion": doc.get("ManagedLoginVersion", 1)}
    if doc.get("CustomDomainConfig"):
        response["CloudFrontDomain"] = public_host(ctx)
    return response


def _owned_domain(tx: Tx, pool_id: str, domain: str) -> dict[str, Any]:
    doc = tx.get_domain(domain)
    if doc is None or doc["UserPoolId"] != pool_id:
        raise InvalidParameter(_NO_SUCH_DOMAIN)
    return doc


# -- operations ----------------------------------------------------------------------------------
@operation("CreateUserPoolDomain")
def create_user_pool_domain(ctx: Context, req: Request) -> Response:
    domain, custom = req["Domain"], req.get("CustomDomainConfig")
    if custom is None:
        check_prefix(domain)
    else:
        check_custom(domain)
    now = ctx.now()
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        check_managed_login_version(pool, req.get("ManagedLoginVersion"))
        doc: dict[str, Any] = {
            "UserPoolId": pool["Id"],
            "AWSAccountId": ctx.account_id,
            "Domain": domain,
            "Version": version_stamp(now),
            "CustomDomainConfig": dict(custom or {}),
            "ManagedLoginVersion": req.get("ManagedLoginVersion") or 1,
        }
        slot = "prefix" if custom is None else "custom"
        try:
            tx.insert_domain(domain, pool["Id"], slot, doc, now)
        except Duplicate:
            raise _duplicate_error(tx, pool["Id"], domain) from None
    return _answer(ctx, doc)


def _duplicate_error(tx: Tx, pool_id: str, domain: str) -> InvalidParameter:
    """Which uniqueness rule an insert broke: the name (global) or the pool's slot."""
    existing = tx.get_domain(domain)
    if existing is not None and existing["UserPoolId"] != pool_id:
        return InvalidParameter("Domain already associated with another user pool.")
    return InvalidParameter("User pool already has a domain configured.")


@operation("DescribeUserPoolDomain")
def describe_user_pool_domain(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        doc = tx.get_domain(req["Domain"])
    if doc is None or doc.get("AWSAccountId", ctx.account_id) != ctx.account_id:
        return {"DomainDescription": {}}
    return {"DomainDescription": describe(ctx, doc)}


@operation("UpdateUserPoolDomain")
def update_user_pool_domain(ctx: Context, req: Request) -> Response:
    """Changes the managed login version and/or a custom domain's certificate.

    An update without either member leaves the domain as it is. A certificate for a prefix
    domain is refused: a prefix domain has no certificate of its own (AWS's text is unknown).
    """
    now = ctx.now()
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        doc = _owned_domain(tx, pool["Id"], req["Domain"])
        version = req.get("ManagedLoginVersion")
        check_managed_login_version(pool, version)
        custom = req.get("CustomDomainConfig")
        if custom is not None and not doc.get("CustomDomainConfig"):
            raise InvalidParameter("CustomDomainConfig applies only to a custom domain.")
        updated = dict(doc)
        if version is not None:
            updated["ManagedLoginVersion"] = version
        if custom is not None:
            updated["CustomDomainConfig"] = dict(custom)
        if updated != doc:
            updated["Version"] = version_stamp(now)
            tx.replace_domain(doc["Domain"], updated)
    return _answer(ctx, updated)


@operation("DeleteUserPoolDomain")
def delete_user_pool_domain(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, req["UserPoolId"], for_update=True)
        doc = _owned_domain(tx, pool["Id"], req["Domain"])
        tx.delete_domain(doc["Domain"])
    return {}
