"""Managed login branding styles: which request selects which source of settings.

Measured behaviour (floci-io/floci PR #2869, its integration test
``CognitoManagedLoginBrandingIntegrationTest``, measured against live Cognito; the message is
also quoted in a Japanese blog post found by code search):
- a request must select exactly one source: ``UseCognitoProvidedValues: true`` or
  ``Settings``. Both, neither, or only ``UseCognitoProvidedValues: false`` give
  InvalidParameterException "useCognitoProvidedValues or settings should be specified (but not
  both)", on create and update alike. ``Assets`` may come with either.
- ``Settings`` is omitted from responses when none was supplied; ``Assets`` is always present.
- an update leaves omitted members as they were.
"""

from __future__ import annotations

import uuid
from typing import Any

from userpool.domain.errors import InvalidParameter

MAX_STYLES_PER_POOL = 20  # [DG:quotas] "20 branding styles"

SOURCE_RULE = "useCognitoProvidedValues or settings should be specified (but not both)"


def check_source(req: dict[str, Any]) -> None:
    cognito = req.get("UseCognitoProvidedValues") is True
    settings = req.get("Settings") is not None
    if cognito == settings:
        raise InvalidParameter(SOURCE_RULE)


def new_style(req: dict[str, Any], now: float) -> dict[str, Any]:
    """The stored ManagedLoginBrandingType for CreateManagedLoginBranding (also keeps the
    client id, which the output shape doesn't carry, under ``_ClientId``)."""
    check_source(req)
    doc: dict[str, Any] = {
        "ManagedLoginBrandingId": str(uuid.uuid4()),
        "UserPoolId": req["UserPoolId"],
        "UseCognitoProvidedValues": req.get("UseCognitoProvidedValues") is True,
        "Assets": list(req.get("Assets") or []),
        "CreationDate": now,
        "LastModifiedDate": now,
        "_ClientId": req["ClientId"],
    }
    if req.get("Settings") is not None:
        doc["Settings"] = req["Settings"]
    return doc


def updated_style(current: dict[str, Any], req: dict[str, Any], now: float) -> dict[str, Any]:
    """UpdateManagedLoginBranding: ``UseCognitoProvidedValues: true`` reverts to Cognito's
    defaults (drops Settings, and the assets unless new ones are given: "This option reverts
    to default style options"); otherwise the given members replace the stored ones."""
    check_source(req)
    doc = dict(current)
    if req.get("UseCognitoProvidedValues") is True:
        doc.pop("Settings", None)
        doc["UseCognitoProvidedValues"] = True
        doc["Assets"] = list(req.get("Assets") or [])
    else:
        doc["Settings"] = req["Settings"]
        doc["UseCognitoProvidedValues"] = False
        if req.get("Assets") is not None:
            doc["Assets"] = list(req["Assets"])
    doc["LastModifiedDate"] = now
    return doc


def public_view(doc: dict[str, Any]) -> dict[str, Any]:
    """The ManagedLoginBrandingType as returned. ReturnMergedResources can't add Cognito's
    default values (they are unpublished), so merged and unmerged views are the same."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}
