"""App-client configuration rules: CreateUserPoolClient, UpdateUserPoolClient and client secrets.

Pure domain code. A stored client is exactly the ``UserPoolClientType`` dict that
DescribeUserPoolClient returns (PascalCase keys, float epoch-second dates) plus one private key:

* ``_Secrets``: list of ``{"ClientSecretId", "ClientSecretValue", "ClientSecretCreateDate"}``,
  oldest first, for the Add/List/DeleteUserPoolClientSecret operations; the record of the secret
  the client was created with also has ``"Original": True``.

``ClientSecret`` in the public view is the secret the client was *created* with. Adding a second
secret doesn't change it; deleting that original secret removes ``ClientSecret`` from the view
(observed against AWS, floci-io/floci#345). Sources for every rule are in docs/app-clients.md.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from userpool.domain.errors import (
    FeatureUnavailableInTier,
    InvalidOAuthFlow,
    InvalidParameter,
    LimitExceeded,
    ResourceNotFound,
    ScopeDoesNotExist,
)

STANDARD_SCOPES = frozenset(
    {"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}
)
LEGACY_AUTH_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
DEFAULT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
REFRESH_FLOW = "ALLOW_REFRESH_TOKEN_AUTH"
MAX_SECRETS = 2

DEFAULT_REFRESH_DAYS = 30
DEFAULT_AUTH_SESSION_MINUTES = 3
DEFAULT_ACCESS_ID_SECONDS = 3600

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_ACCESS_ID_RANGE = (300, 86400)  # 5 minutes .. 1 day
_REFRESH_RANGE = (3600, 315360000)  # 60 minutes .. 10 years (3,650 days)

# Attributes no app client may write (real-deploy evidence, badmintoncryer/cdk-preflight).
_NEVER_WRITABLE = frozenset({"sub", "email_verified", "phone_number_verified"})
_LOCAL_HTTP_HOSTS = ("localhost", "127.0.0.1", "[::1]")

# Fields UpdateUserPoolClient accepts that reset to their defaults when omitted.
RESETTABLE_FIELDS = (
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
    "RefreshTokenRotation",
)

# Optional settings that DescribeUserPoolClient omits unless they were given.
_OPTIONAL_VALUES = (
    "ReadAttributes",
    "WriteAttributes",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AnalyticsConfiguration",
)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def public_view(client: Mapping[str, Any]) -> dict[str, Any]:
    """The ``UserPoolClientType`` shape: the stored client without underscore-prefixed keys."""
    # Shallow: the caller serializes it at once (the hot path of DescribeUserPoolClient).
    return {k: v for k, v in client.items() if not k.startswith("_")}


def secret_id_for(client_id: str, now: float) -> str:
    """A ``ClientSecretId`` in AWS's documented ``<client-id>--<epoch-create-time>`` form.

    The model doc doesn't say seconds or milliseconds; milliseconds keep two secrets created in
    the same second apart.
    """
    return f"{client_id}--{int(now * 1000)}"


def unused_secret_id(current: Mapping[str, Any], now: float) -> str:
    """``secret_id_for`` the request time, moved on by a millisecond while it is taken.

    A secret added within the same millisecond as the client's creation (or as a secret it
    replaced) would otherwise reuse an ID.
    """
    taken = {s["ClientSecretId"] for s in current.get("_Secrets", [])}
    millis = int(now * 1000)
    while (candidate := f"{current['ClientId']}--{millis}") in taken:
        millis += 1
    return candidate


def new_client(
    request: Mapping[str, Any],
    *,
    pool: Mapping[str, Any],
    client_id: str,
    secret: str | None,
    now: float,
    scopes: set[str],
    providers: Iterable[str] = frozenset(),
) -> dict[str, Any]:
    """CreateUserPoolClient: validate ``request`` and return the stored client.

    ``secret`` is a freshly generated secret, used when ``GenerateSecret`` is true.
    """
    client_secret = _creation_secret(request, secret)
    client: dict[str, Any] = {
        "UserPoolId": pool["Id"],
        "ClientName": request["ClientName"],
        "ClientId": client_id,
    }
    if client_secret is not None:
        client["ClientSecret"] = client_secret
    client["LastModifiedDate"] = now
    client["CreationDate"] = now
    client.update(
        _settings(
            request,
            pool=pool,
            scopes=scopes,
            providers=providers,
            has_secret=client_secret is not None,
            verb="creating",
        )
    )
    client["_Secrets"] = []
    if client_secret is not None:
        record = _secret_record(secret_id_for(client_id, now), client_secret, now)
        record["Original"] = True  # the secret the public ClientSecret field shows
        client["_Secrets"].append(record)
    return client


def updated_client(
    current: Mapping[str, Any],
    request: Mapping[str, Any],
    *,
    pool: Mapping[str, Any],
    now: float,
    scopes: set[str],
    providers: Iterable[str] = frozenset(),
    keep_if_omitted: Iterable[str] = frozenset(),
) -> dict[str, Any]:
    """UpdateUserPoolClient: every setting omitted from ``request`` resets to its default.

    Kept: ClientId, UserPoolId, CreationDate, the secret(s) and ClientName when omitted.
    ``keep_if_omitted`` names fields (from ``RESETTABLE_FIELDS``) to preserve instead of reset,
    for deployments that prefer that behaviour where AWS's is unmeasured.
    """
    effective = dict(request)
    for field in keep_if_omitted:
        if field not in effective and field in current:
            effective[field] = copy.deepcopy(current[field])
    client: dict[str, Any] = {
        "UserPoolId": current["UserPoolId"],
        "ClientName": effective.get("ClientName") or current["ClientName"],
        "ClientId": current["ClientId"],
    }
    if "ClientSecret" in current:
        client["ClientSecret"] = current["ClientSecret"]
    client["LastModifiedDate"] = now
    client["CreationDate"] = current["CreationDate"]
    client.update(
        _settings(
            effective,
            pool=pool,
            scopes=scopes,
            providers=providers,
            has_secret=bool(current.get("_Secrets")),
            verb="updating",
        )
    )
    client["_Secrets"] = copy.deepcopy(current.get("_Secrets", []))
    return client


def add_secret(
    current: Mapping[str, Any],
    *,
    secret: str,
    secret_id: str,
    now: float,
    generated: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """AddUserPoolClientSecret: return (new client, ``ClientSecretDescriptorType``).

    ``generated`` is False when the caller supplied ``ClientSecret``; AWS then leaves
    ``ClientSecretValue`` out of the response.
    """
    secrets = list(current.get("_Secrets", []))
    if not secrets:
        # The operation is documented for "an existing confidential user pool app client";
        # the exact error for a public client is unmeasured.
        raise InvalidParameter(f"Client {current['ClientId']} does not have a client secret.")
    if len(secrets) >= MAX_SECRETS:
        raise LimitExceeded(
            f"Client {current['ClientId']} already has the maximum of {MAX_SECRETS} client secrets."
        )
    if any(s["ClientSecretId"] == secret_id for s in secrets):
        raise InvalidParameter(f"Client secret {secret_id} already exists.")
    record = _secret_record(secret_id, secret, now)
    client = copy.deepcopy(dict(current))
    client["_Secrets"] = [*copy.deepcopy(secrets), record]
    client["LastModifiedDate"] = now
    descriptor = {"ClientSecretId": secret_id, "ClientSecretCreateDate": now}
    if generated:
        descriptor["ClientSecretValue"] = secret
    return client, descriptor


def delete_secret(current: Mapping[str, Any], secret_id: str, *, now: float) -> dict[str, Any]:
    """DeleteUserPoolClientSecret: the last remaining secret can't be deleted."""
    secrets = list(current.get("_Secrets", []))
    target = next((s for s in secrets if s["ClientSecretId"] == secret_id), None)
    if target is None:
        raise ResourceNotFound(f"Client secret {secret_id} does not exist.")
    if len(secrets) == 1:
        raise InvalidParameter("You cannot delete the last remaining client secret.")
    client = copy.deepcopy(dict(current))
    client["_Secrets"] = [copy.deepcopy(s) for s in secrets if s["ClientSecretId"] != secret_id]
    if target.get("Original"):
        # Deleting the original secret removes ClientSecret from DescribeUserPoolClient
        # (observed, floci-io/floci#345).
        del client["ClientSecret"]
    client["LastModifiedDate"] = now
    return client


def list_secrets(current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """ListUserPoolClientSecrets: descriptors without ``ClientSecretValue``, oldest first."""
    return [
        {k: s[k] for k in ("ClientSecretId", "ClientSecretCreateDate")}
        for s in current.get("_Secrets", [])
    ]


def secret_values(current: Mapping[str, Any]) -> list[str]:
    """Every secret currently valid for authenticating as this client."""
    return [s["ClientSecretValue"] for s in current.get("_Secrets", [])]


# --------------------------------------------------------------------------------------------
# Settings shared by create and update
# --------------------------------------------------------------------------------------------


def _settings(
    request: Mapping[str, Any],
    *,
    pool: Mapping[str, Any],
    scopes: set[str],
    providers: Iterable[str],
    has_secret: bool,
    verb: str,
) -> dict[str, Any]:
    """Validate the configurable settings and return them with AWS's defaults filled in."""
    rotation = _rotation(request.get("RefreshTokenRotation"))
    flows = _auth_flows(request.get("ExplicitAuthFlows"), pool, rotation["Feature"] == "ENABLED")
    validity = _token_validity(request)
    _check_attributes(request, pool, verb)
    _check_providers(request.get("SupportedIdentityProviders"), providers, pool["Id"])
    _check_oauth(request, scopes, has_secret)
    _check_analytics(request.get("AnalyticsConfiguration"))
    if request.get("EnablePropagateAdditionalUserContextData") and not has_secret:
        raise InvalidParameter(
            "Client Secret is required to set EnablePropagateAdditionalUserContextData as true"
        )
    out: dict[str, Any] = {**validity, "ExplicitAuthFlows": flows}
    for key in _OPTIONAL_VALUES:
        if request.get(key):
            out[key] = copy.deepcopy(request[key])
    out["AllowedOAuthFlowsUserPoolClient"] = bool(request.get("AllowedOAuthFlowsUserPoolClient"))
    out["PreventUserExistenceErrors"] = request.get("PreventUserExistenceErrors") or "LEGACY"
    out["EnableTokenRevocation"] = request.get("EnableTokenRevocation", True) is not False
    out["EnablePropagateAdditionalUserContextData"] = bool(
        request.get("EnablePropagateAdditionalUserContextData")
    )
    out["AuthSessionValidity"] = request.get("AuthSessionValidity") or DEFAULT_AUTH_SESSION_MINUTES
    out["RefreshTokenRotation"] = rotation
    return out


def _creation_secret(request: Mapping[str, Any], generated: str | None) -> str | None:
    supplied = request.get("ClientSecret")
    if request.get("GenerateSecret") and supplied:
        # Documented: "You cannot specify both GenerateSecret as true and provide a ClientSecret
        # value." The wording of AWS's error message is unmeasured.
        raise InvalidParameter("You cannot specify both GenerateSecret as true and a ClientSecret.")
    if supplied:
        return str(supplied)
    if request.get("GenerateSecret"):
        if not generated:
            raise ValueError("GenerateSecret is true but no generated secret was passed")
        return generated
    return None


def _secret_record(secret_id: str, value: str, now: float) -> dict[str, Any]:
    return {"ClientSecretId": secret_id, "ClientSecretValue": value, "ClientSecretCreateDate": now}


# --- token validity ---------------------------------------------------------------------------


def _token_validity(request: Mapping[str, Any]) -> dict[str, Any]:
    units = dict(request.get("TokenValidityUnits") or {})
    refresh = request.get("RefreshTokenValidity") or 0
    refresh_unit = units.get("RefreshToken", _DEFAULT_UNITS["RefreshToken"])
    if refresh == 0:
        # "You can't set RefreshTokenValidity to 0. If you do, Amazon Cognito overrides the value
        # with the default value of 30 days." Expressed in the unit the client uses.
        refresh = DEFAULT_REFRESH_DAYS * 86400 // _UNIT_SECONDS[refresh_unit]
    refresh_s = refresh * _UNIT_SECONDS[refresh_unit]
    _check_range(refresh_s, _REFRESH_RANGE)
    out: dict[str, Any] = {"RefreshTokenValidity": refresh}
    for key, unit_key in (("AccessTokenValidity", "AccessToken"), ("IdTokenValidity", "IdToken")):
        value = request.get(key)
        seconds = DEFAULT_ACCESS_ID_SECONDS
        if value is not None:
            seconds = value * _UNIT_SECONDS[units.get(unit_key, _DEFAULT_UNITS[unit_key])]
            _check_range(seconds, _ACCESS_ID_RANGE)
            out[key] = value
        if seconds > refresh_s:
            raise InvalidParameter(
                "Access and Id Token expiration times must be less than or equal to refresh "
                "token expiration times."
            )
    out["TokenValidityUnits"] = units
    return out


def _check_range(seconds: int, bounds: tuple[int, int]) -> None:
    if not bounds[0] <= seconds <= bounds[1]:
        raise InvalidParameter("Invalid range for token validity.")


# --- auth flows and rotation ------------------------------------------------------------------


def _rotation(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """DescribeUserPoolClient always returns RefreshTokenRotation; grace defaults to 0."""
    if not value:
        return {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}
    grace = value.get("RetryGracePeriodSeconds") or 0
    if not 0 <= grace <= 60:  # also enforced by the model; kept for direct domain callers
        raise InvalidParameter("RetryGracePeriodSeconds must be between 0 and 60.")
    return {"Feature": value["Feature"], "RetryGracePeriodSeconds": grace}


def _auth_flows(value: list[str] | None, pool: Mapping[str, Any], rotating: bool) -> list[str]:
    if not value:
        # Documented default. With rotation on, REFRESH_TOKEN_AUTH is not allowed, so the default
        # set leaves it out rather than failing a request that named no flows (our choice).
        return [f for f in DEFAULT_AUTH_FLOWS if not (rotating and f == REFRESH_FLOW)]
    flows = list(dict.fromkeys(value))
    legacy = [f for f in flows if f in LEGACY_AUTH_FLOWS]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameter(
            "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."
        )
    if legacy:
        return flows
    if "ALLOW_USER_AUTH" in flows and pool.get("UserPoolTier", "ESSENTIALS") == "LITE":
        # Documented: ALLOW_USER_AUTH needs Essentials or higher. Message wording unmeasured.
        raise FeatureUnavailableInTier("ALLOW_USER_AUTH is not available in the LITE feature plan.")
    if rotating and REFRESH_FLOW in flows:
        # "Refresh token rotation isn't compatible with the authentication flow
        # REFRESH_TOKEN_AUTH" (Developer Guide). AWS's exact error text is unmeasured.
        raise InvalidParameter(
            "ALLOW_REFRESH_TOKEN_AUTH cannot be enabled when refresh token rotation is enabled."
        )
    if not rotating and REFRESH_FLOW not in flows:
        raise InvalidParameter("REFRESH_TOKEN_AUTH should always be allowed.")
    return flows


# --- attributes and identity providers --------------------------------------------------------


def _pool_attribute_names(pool: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    for attr in pool.get("SchemaAttributes", []):
        name = attr["Name"]
        names.add(name)
        if name.startswith("custom:"):
            names.add("dev:" + name)  # developer-only form of a custom attribute
    return names


def _check_attributes(request: Mapping[str, Any], pool: Mapping[str, Any], verb: str) -> None:
    known = _pool_attribute_names(pool)
    read = request.get("ReadAttributes") or []
    if any(name not in known for name in read):
        raise InvalidParameter(f"Invalid read attributes specified while {verb} a client")
    write = request.get("WriteAttributes") or []
    if any(name not in known or name in _NEVER_WRITABLE for name in write):
        raise InvalidParameter(f"Invalid write attributes specified while {verb} a client")


def _check_providers(names: list[str] | None, providers: Iterable[str], pool_id: str) -> None:
    existing = {"COGNITO", *providers}
    for name in names or []:
        if name not in existing:
            raise InvalidParameter(f"The provider {name} does not exist for User Pool {pool_id}.")


# --- OAuth ------------------------------------------------------------------------------------


def _check_oauth(request: Mapping[str, Any], scopes: set[str], has_secret: bool) -> None:
    flows = request.get("AllowedOAuthFlows") or []
    requested = request.get("AllowedOAuthScopes") or []
    callbacks = request.get("CallbackURLs") or []
    if request.get("AllowedOAuthFlowsUserPoolClient") and not (flows and requested):
        raise InvalidParameter(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is "
            "allowed to use OAuth flows."
        )
    for url in callbacks:
        _check_url(url, no_fragment=True)
    for url in request.get("LogoutURLs") or []:
        _check_url(url, no_fragment=False)
    default_uri = request.get("DefaultRedirectURI")
    if default_uri:
        _check_url(default_uri, no_fragment=True)
        if default_uri not in callbacks:
            raise InvalidParameter(
                f"The default redirect URI {default_uri} is not in the callback URIs list."
            )
    for scope in requested:
        if scope not in STANDARD_SCOPES and scope not in scopes:
            raise ScopeDoesNotExist(f"Invalid scope requested: {scope}")
    _check_flow_combination(
        flows,
        requested,
        callbacks,
        has_secret,
        bool(request.get("AllowedOAuthFlowsUserPoolClient")),
    )


def _check_flow_combination(
    flows: list[str], requested: list[str], callbacks: list[str], has_secret: bool, enabled: bool
) -> None:
    interactive = [f for f in flows if f in ("code", "implicit")]
    if "client_credentials" in flows:
        if interactive:
            raise InvalidOAuthFlow(
                "client_credentials flow can not be selected along with code flow or implicit flow."
            )
        if not has_secret:
            raise InvalidOAuthFlow(
                "client_credentials flow can not be selected if client does not have a client "
                "secret."
            )
        for scope in requested:
            if scope in STANDARD_SCOPES:
                raise InvalidOAuthFlow(f"{scope} is not supported with client_credentials flow")
    if interactive and enabled and not callbacks:
        raise InvalidOAuthFlow(
            "CallbackUrls can not be empty when code flow or implicit flow is selected"
        )


def _check_url(url: str, *, no_fragment: bool) -> None:
    lowered = url.lower()
    if lowered.startswith("http://") and not _is_local_http(lowered):
        raise InvalidParameter(f"{url} cannot use the HTTP protocol.")
    if no_fragment and "#" in url:
        raise InvalidParameter(f"{url} cannot use fragment")


def _is_local_http(url: str) -> bool:
    rest = url[len("http://") :]
    for host in _LOCAL_HTTP_HOSTS:
        if rest == host or rest.startswith((host + ":", host + "/", host + "?")):
            return True
    return False


# --- analytics --------------------------------------------------------------------------------


def _check_analytics(config: Mapping[str, Any] | None) -> None:
    if not config:
        return
    by_arn = bool(config.get("ApplicationArn"))
    by_id = bool(config.get("ApplicationId"))
    extras = any(config.get(k) for k in ("ApplicationId", "RoleArn", "ExternalId"))
    if (by_arn and extras) or (not by_arn and not (by_id and config.get("RoleArn"))):
        raise InvalidParameter(
            "Invalid analytics configuration given, either <application arn> or "
            "<application id, role arn, external id> are valid"
        )
