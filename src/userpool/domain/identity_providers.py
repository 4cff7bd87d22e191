"""Identity providers (IdPs) of a user pool: per-type ProviderDetails rules and derived details.

Pure rules only; the operations in ``operations/identity_providers.py`` store and look up.

What AWS documents (botocore model, ``CreateIdentityProvider.ProviderDetails``):

- Google / LoginWithAmazon: ``client_id``, ``client_secret``, ``authorize_scopes``.
- Facebook: the same plus optional ``api_version``.
- SignInWithApple: ``client_id``, ``team_id``, ``key_id``, ``private_key``, ``authorize_scopes``.
- OIDC: ``client_id``, ``client_secret``, ``attributes_request_method``, ``oidc_issuer``,
  ``authorize_scopes``; ``authorize_url``, ``token_url``, ``attributes_url``, ``jwks_uri`` when
  Cognito can't discover them; ``attributes_url_add_attributes`` is set by Cognito (read-only).
- SAML: ``MetadataURL`` or ``MetadataFile``; ``IDPSignout``, ``IDPInit``, ``EncryptedResponses``,
  ``RequestSigningAlgorithm`` optional. Describe adds ``SSORedirectBindingURI``,
  ``SLORedirectBindingURI`` (and ``ActiveEncryptionCertificate``).

The model's "Describe response" examples give the details Cognito derives for the social
providers (endpoints, ``token_request_method``, ``attributes_url_add_attributes``); they are
reproduced by ``derived_details``. The Sign in with Apple example omits ``private_key``: it is
write-only (``public_details``).

Nothing is fetched from the network: an OIDC provider given without its endpoints is stored as
given (AWS would discover them at ``oidc_issuer``/.well-known/openid-configuration); a SAML
``MetadataURL`` is stored without reading it, while a ``MetadataFile`` is parsed locally for its
redirect-binding endpoints.

Error wording: the only messages observed from AWS are "Provider X cannot be of type Google."
([GH:aws/aws-cli#3179]) and DuplicateProviderException "X already exists in user pool Y"
([GH:aws-cloudformation/cloudformation-coverage-roadmap#1287]); the other texts are ours.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from userpool.domain.errors import InvalidParameter

SOCIAL_TYPES = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")
PROVIDER_TYPES = (*SOCIAL_TYPES, "SAML", "OIDC")

# Names nobody may give an IdP: the social type names belong to their type, and COGNITO means the
# user pool directory in SupportedIdentityProviders (our choice: AWS's reaction is undocumented).
_RESERVED_NAMES = (*SOCIAL_TYPES, "COGNITO")

MAX_PROVIDERS_PER_POOL = 300  # [DG:quotas] "300 identity providers per pool"

_REQUIRED: dict[str, tuple[str, ...]] = {
    "Google": ("client_id", "client_secret", "authorize_scopes"),
    "Facebook": ("client_id", "client_secret", "authorize_scopes"),
    "LoginWithAmazon": ("client_id", "client_secret", "authorize_scopes"),
    "SignInWithApple": ("client_id", "team_id", "key_id", "private_key", "authorize_scopes"),
    "OIDC": ("client_id", "authorize_scopes", "oidc_issuer"),
    "SAML": (),
}

_OPTIONAL: dict[str, tuple[str, ...]] = {
    "Google": (),
    "Facebook": ("api_version",),
    "LoginWithAmazon": (),
    "SignInWithApple": (),
    # client_secret: listed by AWS but a public OIDC client has none, so it is optional here.
    "OIDC": (
        "client_secret", "attributes_request_method",
        "authorize_url", "token_url", "attributes_url", "jwks_uri",
    ),
    "SAML": (
        "MetadataURL", "MetadataFile", "IDPSignout", "IDPInit", "EncryptedResponses",
        "RequestSigningAlgorithm",
    ),
}

# Keys Cognito computes and returns from Describe. They are accepted in a request (so that a
# Describe output can be sent back, as Terraform and CloudFormation do) and then recomputed.
_DERIVED: dict[str, tuple[str, ...]] = {
    "Google": (
        "attributes_url", "attributes_url_add_attributes", "authorize_url", "oidc_issuer",
        "token_request_method", "token_url",
    ),
    "Facebook": (
        "attributes_url", "attributes_url_add_attributes", "authorize_url",
        "token_request_method", "token_url",
    ),
    "LoginWithAmazon": (
        "attributes_url", "attributes_url_add_attributes", "authorize_url",
        "token_request_method", "token_url",
    ),
    "SignInWithApple": (
        "attributes_url_add_attributes", "authorize_url", "oidc_issuer",
        "token_request_method", "token_url",
    ),
    "OIDC": ("attributes_url_add_attributes",),
    "SAML": ("SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate"),
}

# Details never returned by any operation (the model's Apple "Describe response" omits it).
_WRITE_ONLY: dict[str, tuple[str, ...]] = {"SignInWithApple": ("private_key",)}

_BOOLEAN_SAML_FLAGS = ("IDPSignout", "IDPInit", "EncryptedResponses")
_SAML_SIGNING_ALGORITHMS = ("rsa-sha256",)
_OIDC_URL_KEYS = ("oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri")

_SAML_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


# -- names -------------------------------------------------------------------------------------
def check_name(name: str, provider_type: str) -> None:
    """A social IdP is named after its type; no other IdP may take a social or reserved name.

    AWS: "Provider NameOfGP cannot be of type Google." [GH:aws/aws-cli#3179].
    """
    if provider_type in SOCIAL_TYPES and name != provider_type:
        raise InvalidParameter(f"Provider {name} cannot be of type {provider_type}.")
    if provider_type not in SOCIAL_TYPES and name in _RESERVED_NAMES:
        raise InvalidParameter(f"Provider {name} cannot be of type {provider_type}.")


def duplicate_name_message(name: str, pool_id: str) -> str:
    """DuplicateProviderException text as CloudTrail recorded it (coverage-roadmap#1287)."""
    return f"{name} already exists in user pool {pool_id}."


# -- details -----------------------------------------------------------------------------------
def normalized_details(provider_type: str, given: Mapping[str, str]) -> dict[str, str]:
    """The ProviderDetails to store for a create (or the merged result of an update).

    Checks the keys the type needs and accepts, drops the derived keys the caller may have sent
    back and recomputes them. Raises ``InvalidParameter`` on a rule violation.
    """
    allowed = set(_REQUIRED[provider_type]) | set(_OPTIONAL[provider_type])
    derived = set(_DERIVED[provider_type])
    unknown = sorted(k for k in given if k not in allowed and k not in derived)
    if unknown:
        raise InvalidParameter(
            f"ProviderDetails for a {provider_type} provider do not accept: {', '.join(unknown)}."
        )
    details = {k: v for k, v in given.items() if k in allowed}
    missing = [k for k in _REQUIRED[provider_type] if not details.get(k, "").strip()]
    if missing:
        raise InvalidParameter(
            f"ProviderDetails for a {provider_type} provider must include: {', '.join(missing)}."
        )
    if provider_type == "OIDC":
        _check_oidc(details)
    elif provider_type == "SAML":
        _check_saml(details)
    elif provider_type == "Facebook" and "api_version" in details:
        _check_facebook_version(details["api_version"])
    return {**details, **derived_details(provider_type, details)}


def merged_details(
    provider_type: str, stored: Mapping[str, str], given: Mapping[str, str] | None
) -> dict[str, str]:
    """UpdateIdentityProvider: the given keys replace the stored ones, the others are kept.

    AWS does not document merge-versus-replace. Merging is the choice that can't lose
    configuration, and it is what a round trip needs: Describe hides Apple's ``private_key``,
    so an update built from a Describe output must keep it. A SAML update naming one metadata
    source drops the other, so switching from a URL to a file (or back) works.
    """
    if given is None:
        return normalized_details(provider_type, stored)
    base = {k: v for k, v in stored.items() if k not in _DERIVED[provider_type]}
    if provider_type == "SAML":
        if "MetadataURL" in given:
            base.pop("MetadataFile", None)
        if "MetadataFile" in given:
            base.pop("MetadataURL", None)
    return normalized_details(provider_type, {**base, **given})


def public_details(provider_type: str, details: Mapping[str, str]) -> dict[str, str]:
    """ProviderDetails as the API returns them (write-only secrets removed)."""
    hidden = _WRITE_ONLY.get(provider_type, ())
    return {k: v for k, v in details.items() if k not in hidden}


def derived_details(provider_type: str, details: Mapping[str, str]) -> dict[str, str]:
    """What Cognito adds to ProviderDetails (the model's "Describe response" examples)."""
    if provider_type == "Google":
        return {
            "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
            "attributes_url_add_attributes": "true",
            "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
            "oidc_issuer": "https://accounts.google.com",
            "token_request_method": "POST",
            "token_url": "https://www.googleapis.com/oauth2/v4/token",
        }
    if provider_type == "LoginWithAmazon":
        return {
            "attributes_url": "https://api.amazon.com/user/profile",
            "attributes_url_add_attributes": "false",
            "authorize_url": "https://www.amazon.com/ap/oa",
            "token_request_method": "POST",
            "token_url": "https://api.amazon.com/auth/o2/token",
        }
    if provider_type == "SignInWithApple":
        return {
            "attributes_url_add_attributes": "false",
            "authorize_url": "https://appleid.apple.com/auth/authorize",
            "oidc_issuer": "https://appleid.apple.com",
            "token_request_method": "POST",
            "token_url": "https://appleid.apple.com/auth/token",
        }
    if provider_type == "Facebook":
        return _facebook_endpoints(details.get("api_version"))
    if provider_type == "OIDC":
        return {"attributes_url_add_attributes": "false"}
    return _saml_endpoints(details.get("MetadataFile"))


def _facebook_endpoints(version: str | None) -> dict[str, str]:
    # Without api_version the URLs carry no version (Facebook then uses the app's default
    # version); AWS's own choice in that case is not documented.
    part = f"/{version}" if version else ""
    return {
        "attributes_url": f"https://graph.facebook.com{part}/me?fields=",
        "attributes_url_add_attributes": "true",
        "authorize_url": f"https://www.facebook.com{part}/dialog/oauth",
        "token_request_method": "GET",
        "token_url": f"https://graph.facebook.com{part}/oauth/access_token",
    }


def _check_facebook_version(version: str) -> None:
    head, dot, minor = version.removeprefix("v").partition(".")
    if not version.startswith("v") or not dot or not head.isdigit() or not minor.isdigit():
        raise InvalidParameter(f"api_version {version} is not a Facebook Graph API version.")


def _check_oidc(details: dict[str, str]) -> None:
    method = details.setdefault("attributes_request_method", "GET")
    if method not in ("GET", "POST"):
        raise InvalidParameter("attributes_request_method must be GET or POST.")
    for key in _OIDC_URL_KEYS:
        if key in details and not _is_http_url(details[key]):
            raise InvalidParameter(f"{key} must be an http or https URL.")


def _check_saml(details: dict[str, str]) -> None:
    has_url, has_file = "MetadataURL" in details, "MetadataFile" in details
    if has_url == has_file:
        raise InvalidParameter(
            "ProviderDetails for a SAML provider must include either MetadataURL or MetadataFile."
        )
    if has_url and not _is_http_url(details["MetadataURL"]):
        raise InvalidParameter("MetadataURL must be an http or https URL.")
    for flag in _BOOLEAN_SAML_FLAGS:
        if flag in details and details[flag] not in ("true", "false"):
            raise InvalidParameter(f"{flag} must be true or false.")
    algorithm = details.get("RequestSigningAlgorithm")
    if algorithm is not None and algorithm not in _SAML_SIGNING_ALGORITHMS:
        raise InvalidParameter("RequestSigningAlgorithm must be rsa-sha256.")
    if has_file:
        _saml_endpoints(details["MetadataFile"])  # raises when the file is not SAML metadata


def _saml_endpoints(metadata: str | None) -> dict[str, str]:
    """SSO and SLO redirect-binding locations of the IdP in a SAML metadata document."""
    if metadata is None:
        return {}
    try:
        root = ET.fromstring(metadata.replace('\\"', '"'))  # AWS asks for quotes escaped
    except ET.ParseError:
        raise InvalidParameter("MetadataFile is not a valid SAML metadata document.") from None
    descriptor = root.find(f".//{{{_SAML_MD}}}IDPSSODescriptor")
    if root.tag not in (f"{{{_SAML_MD}}}EntityDescriptor", f"{{{_SAML_MD}}}EntitiesDescriptor") \
            or descriptor is None:
        raise InvalidParameter("MetadataFile is not a valid SAML metadata document.")
    found: dict[str, str] = {}
    for tag, key in (("SingleSignOnService", "SSORedirectBindingURI"),
                     ("SingleLogoutService", "SLORedirectBindingURI")):
        for service in descriptor.findall(f"{{{_SAML_MD}}}{tag}"):
            if service.get("Binding") == _REDIRECT_BINDING and service.get("Location"):
                found[key] = service.get("Location", "")
                break
    return found


def _is_http_url(value: str) -> bool:
    scheme, sep, rest = value.partition("://")
    return bool(sep) and scheme in ("http", "https") and bool(rest) and " " not in value


# -- attribute mapping and identifiers ---------------------------------------------------------
def check_attribute_mapping(mapping: Mapping[str, str], pool_attributes: Iterable[str]) -> None:
    """Keys are user pool attributes (standard or ``custom:``) or ``username``; never ``sub``.

    ``sub`` is Cognito's own immutable identifier, so nothing can be mapped onto it.
    """
    known = set(pool_attributes) | {"username"}
    for attribute in mapping:
        if attribute == "sub" or attribute not in known:
            raise InvalidParameter(f"Invalid attribute mapping: {attribute} is not a user pool "
                                   "attribute that can be mapped.")


def check_identifiers(identifiers: list[str]) -> None:
    """One IdP lists an identifier at most once (the model checks count, length, pattern)."""
    seen: set[str] = set()
    for identifier in identifiers:
        if identifier in seen:
            raise InvalidParameter(f"Duplicate identifier {identifier} in IdpIdentifiers.")
        seen.add(identifier)


def identifier_taken_message(identifier: str) -> str:
    return f"The identifier {identifier} is already used by another identity provider."


# -- documents ---------------------------------------------------------------------------------
def new_provider(req: Mapping[str, Any], *, pool_id: str, now: float) -> dict[str, Any]:
    """The stored IdentityProviderType of a CreateIdentityProvider request (validated here)."""
    provider_type = req["ProviderType"]
    check_name(req["ProviderName"], provider_type)
    identifiers = list(req.get("IdpIdentifiers") or [])
    check_identifiers(identifiers)
    return {
        "UserPoolId": pool_id,
        "ProviderName": req["ProviderName"],
        "ProviderType": provider_type,
        "ProviderDetails": normalized_details(provider_type, req["ProviderDetails"]),
        "AttributeMapping": dict(req.get("AttributeMapping") or {}),
        "IdpIdentifiers": identifiers,
        "LastModifiedDate": now,
        "CreationDate": now,
    }


def updated_provider(
    stored: Mapping[str, Any], req: Mapping[str, Any], *, now: float
) -> dict[str, Any]:
    """UpdateIdentityProvider: details merged, AttributeMapping and IdpIdentifiers replaced."""
    provider = dict(stored)
    provider["ProviderDetails"] = merged_details(
        stored["ProviderType"], stored["ProviderDetails"], req.get("ProviderDetails")
    )
    if req.get("AttributeMapping") is not None:
        provider["AttributeMapping"] = dict(req["AttributeMapping"])
    if req.get("IdpIdentifiers") is not None:
        provider["IdpIdentifiers"] = list(req["IdpIdentifiers"])
        check_identifiers(provider["IdpIdentifiers"])
    provider["LastModifiedDate"] = now
    return provider


def public_view(provider: Mapping[str, Any]) -> dict[str, Any]:
    """The IdentityProviderType the API returns."""
    view = dict(provider)
    view["ProviderDetails"] = public_details(provider["ProviderType"], provider["ProviderDetails"])
    return view


def description(provider: Mapping[str, Any]) -> dict[str, Any]:
    """The ProviderDescription ListIdentityProviders returns."""
    return {k: provider[k] for k in
            ("ProviderName", "ProviderType", "LastModifiedDate", "CreationDate")}
