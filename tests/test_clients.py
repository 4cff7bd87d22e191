"""App clients: Create/Describe/Update/Delete/ListUserPoolClients over HTTP, on both stores.

The rules and their sources are in docs/app-clients.md; the pure rules have unit tests in
tests/unit/test_domain_clients.py. These tests pin the wire contract end to end.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error

MISSING_POOL = "us-east-1_Missing000"
MISSING_CLIENT = "0123456789abcdefghijklmnop"
DEFAULT_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
NO_ROTATION = {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}
RANGE = "Invalid range for token validity."
CB = "https://app.example.com/cb"






def create(cognito: Any, pool_id: str, name: str = "web", **kw: Any) -> dict[str, Any]:
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=name, **kw)[
        "UserPoolClient"
    ]


def describe(cognito: Any, pool_id: str, client_id: str) -> dict[str, Any]:
    return cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]


def rejected(call: Any, **kw: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kw)
    return error(exc)


def not_found_client(client_id: str) -> tuple[str, str]:
    return ("ResourceNotFoundException", f"User pool client {client_id} does not exist.")


def not_found_pool(pool_id: str = MISSING_POOL) -> tuple[str, str]:
    return ("ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def add_api_server(cognito: Any, pool_id: str) -> None:
    cognito.create_resource_server(
        UserPoolId=pool_id,
        Identifier="api",
        Name="API",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read"},
            {"ScopeName": "write", "ScopeDescription": "Write"},
        ],
    )


def add_saml_provider(cognito: Any, pool_id: str, name: str = "Okta") -> None:
    cognito.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="SAML",
        ProviderDetails={"MetadataURL": "https://idp.example.com/md"},
    )


def assert_validation(code_message: tuple[str, str], field: str, constraint: str) -> None:
    code, message = code_message
    assert code == "InvalidParameterException"
    assert f"at '{field}' failed to satisfy constraint: {constraint}" in message


# == CreateUserPoolClient: identifiers, secret, defaults ==========================================
def test_create_with_only_a_name_returns_every_default(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, "web app")
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    assert client["CreationDate"] == client["LastModifiedDate"]
    expected = {
        "UserPoolId": pool_id,
        "ClientName": "web app",
        "ClientId": client["ClientId"],
        "LastModifiedDate": client["CreationDate"],
        "CreationDate": client["CreationDate"],
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {},
        "ExplicitAuthFlows": DEFAULT_FLOWS,
        "AllowedOAuthFlowsUserPoolClient": False,
        "PreventUserExistenceErrors": "LEGACY",
        "EnableTokenRevocation": True,
        "EnablePropagateAdditionalUserContextData": False,
        "AuthSessionValidity": 3,
        "RefreshTokenRotation": NO_ROTATION,
    }
    assert client == expected
    assert describe(cognito, pool_id, client["ClientId"]) == expected


def test_create_without_generate_secret_has_no_secret(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, GenerateSecret=False)
    assert "ClientSecret" not in client
    assert "ClientSecret" not in describe(cognito, pool_id, client["ClientId"])


def test_create_with_generate_secret(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, GenerateSecret=True)
    assert re.fullmatch(r"[a-z0-9]{52}", client["ClientSecret"])
    assert describe(cognito, pool_id, client["ClientId"])["ClientSecret"] == client["ClientSecret"]


def test_ids_and_secrets_are_unique(cognito: Any, pool_id: str) -> None:
    clients = [create(cognito, pool_id, f"c{i}", GenerateSecret=True) for i in range(3)]
    assert len({c["ClientId"] for c in clients}) == 3
    assert len({c["ClientSecret"] for c in clients}) == 3


def test_create_with_supplied_secret(cognito: Any, pool_id: str) -> None:
    secret = "my_own_secret_value_123456"
    client = create(cognito, pool_id, ClientSecret=secret)
    assert client["ClientSecret"] == secret
    assert describe(cognito, pool_id, client["ClientId"])["ClientSecret"] == secret


def test_generate_secret_with_supplied_secret_is_rejected(cognito: Any, pool_id: str) -> None:
    code, _ = rejected(
        cognito.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="x",
        GenerateSecret=True,
        ClientSecret="my_own_secret_value_123456",
    )
    assert code == "InvalidParameterException"
    assert cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []


def test_same_name_twice_makes_two_clients(cognito: Any, pool_id: str) -> None:
    a, b = create(cognito, pool_id, "same"), create(cognito, pool_id, "same")
    assert a["ClientId"] != b["ClientId"]


def test_create_with_every_setting_reads_back(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    add_saml_provider(cognito, pool_id)
    settings: dict[str, Any] = {
        "RefreshTokenValidity": 10,
        "AccessTokenValidity": 30,
        "IdTokenValidity": 2,
        "TokenValidityUnits": {
            "AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"},
        "ReadAttributes": ["email", "name"],
        "WriteAttributes": ["name"],
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "SupportedIdentityProviders": ["COGNITO", "Okta"],
        "CallbackURLs": [CB, "http://localhost:3000/cb", "myapp://cb"],
        "LogoutURLs": ["https://app.example.com/bye"],
        "DefaultRedirectURI": CB,
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "email", "api/read"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "AnalyticsConfiguration": {
            "ApplicationId": "abc123",
            "RoleArn": "arn:aws:iam::123456789012:role/pinpoint",
            "ExternalId": "ext",
            "UserDataShared": True,
        },
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": False,
        "EnablePropagateAdditionalUserContextData": True,
        "AuthSessionValidity": 15,
    }
    client = create(cognito, pool_id, GenerateSecret=True, **settings)
    for key, value in settings.items():
        assert client[key] == value, key
    assert client["RefreshTokenRotation"] == NO_ROTATION
    assert describe(cognito, pool_id, client["ClientId"]) == client


def test_empty_lists_count_as_omitted(cognito: Any, pool_id: str) -> None:
    client = create(
        cognito, pool_id, ExplicitAuthFlows=[], CallbackURLs=[], LogoutURLs=[],
        ReadAttributes=[], WriteAttributes=[], SupportedIdentityProviders=[],
        AllowedOAuthFlows=[], AllowedOAuthScopes=[],
    )
    assert client["ExplicitAuthFlows"] == DEFAULT_FLOWS
    for key in ("CallbackURLs", "LogoutURLs", "ReadAttributes", "WriteAttributes",
                "SupportedIdentityProviders", "AllowedOAuthFlows", "AllowedOAuthScopes"):
        assert key not in client, key


def test_refresh_rotation_is_stored(cognito: Any, pool_id: str) -> None:
    rotation = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}
    client = create(cognito, pool_id, RefreshTokenRotation=rotation,
                    ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    assert client["RefreshTokenRotation"] == rotation
    grace_omitted = create(cognito, pool_id, RefreshTokenRotation={"Feature": "ENABLED"})
    assert grace_omitted["RefreshTokenRotation"] == {"Feature": "ENABLED",
                                                     "RetryGracePeriodSeconds": 0}
    # Rotation without flows: the default set leaves REFRESH_TOKEN_AUTH out (our choice).
    assert grace_omitted["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]


# == CreateUserPoolClient: bad input ===============================================================
def test_create_in_unknown_pool(cognito: Any) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=MISSING_POOL, ClientName="x"
    ) == not_found_pool()


def test_create_missing_name(loose: Any, pool_id: str) -> None:
    assert_validation(rejected(loose.create_user_pool_client, UserPoolId=pool_id),
                      "clientName", "Member must not be null")


def test_create_missing_pool_id(loose: Any) -> None:
    assert_validation(rejected(loose.create_user_pool_client, ClientName="x"),
                      "userPoolId", "Member must not be null")


def test_create_bad_name_pattern(loose: Any, pool_id: str) -> None:
    assert_validation(
        rejected(loose.create_user_pool_client, UserPoolId=pool_id, ClientName="bad/name"),
        "clientName", "Member must satisfy regular expression pattern",
    )


def test_create_bad_enum(loose: Any, pool_id: str) -> None:
    code, message = rejected(loose.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                             PreventUserExistenceErrors="SOMETIMES")
    assert code == "InvalidParameterException"
    assert "at 'preventUserExistenceErrors' failed to satisfy constraint" in message
    assert "Member must satisfy enum value set" in message


def test_create_bad_flow_enum(loose: Any, pool_id: str) -> None:
    code, message = rejected(loose.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                             AllowedOAuthFlows=["token"])
    assert code == "InvalidParameterException"
    assert "at 'allowedOAuthFlows' failed to satisfy constraint" in message


@pytest.mark.parametrize(
    ("member", "value", "field"),
    [
        ("AuthSessionValidity", 2, "authSessionValidity"),
        ("AuthSessionValidity", 16, "authSessionValidity"),
        ("AccessTokenValidity", 0, "accessTokenValidity"),
        ("IdTokenValidity", 86401, "idTokenValidity"),
        ("RefreshTokenValidity", -1, "refreshTokenValidity"),
        ("ClientSecret", "tooshort", "clientSecret"),
    ],
)
def test_create_out_of_range(loose: Any, pool_id: str, member: str, value: Any,
                             field: str) -> None:
    code, message = rejected(loose.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                             **{member: value})
    assert code == "InvalidParameterException"
    assert f"at '{field}' failed to satisfy constraint" in message


def test_create_grace_period_out_of_range(loose: Any, pool_id: str) -> None:
    code, message = rejected(
        loose.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 61},
    )
    assert code == "InvalidParameterException"
    assert "retryGracePeriodSeconds" in message


# -- token validity ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "settings",
    [
        {"AccessTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"AccessTokenValidity": 300, "TokenValidityUnits": {"AccessToken": "seconds"}},
        {"AccessTokenValidity": 24},  # hours by default
        {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "days"}},
        {"IdTokenValidity": 1440, "TokenValidityUnits": {"IdToken": "minutes"}},
        {"IdTokenValidity": 86400, "TokenValidityUnits": {"IdToken": "seconds"}},
        {"RefreshTokenValidity": 60, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 1, "TokenValidityUnits": {"RefreshToken": "hours"}},
        {"RefreshTokenValidity": 3650},  # days by default
        {"RefreshTokenValidity": 87600, "TokenValidityUnits": {"RefreshToken": "hours"}},
    ],
)
def test_token_validity_bounds_accepted(cognito: Any, pool_id: str,
                                        settings: dict[str, Any]) -> None:
    client = create(cognito, pool_id, **settings)
    for key, value in settings.items():
        assert client[key] == value


@pytest.mark.parametrize(
    "settings",
    [
        {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"AccessTokenValidity": 299, "TokenValidityUnits": {"AccessToken": "seconds"}},
        {"AccessTokenValidity": 25},
        {"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}},
        {"IdTokenValidity": 1441, "TokenValidityUnits": {"IdToken": "minutes"}},
        {"IdTokenValidity": 4, "TokenValidityUnits": {"IdToken": "minutes"}},
        {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3599, "TokenValidityUnits": {"RefreshToken": "seconds"}},
        {"RefreshTokenValidity": 3651},
        {"RefreshTokenValidity": 87601, "TokenValidityUnits": {"RefreshToken": "hours"}},
    ],
)
def test_token_validity_out_of_range(cognito: Any, pool_id: str,
                                     settings: dict[str, Any]) -> None:
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    **settings) == ("InvalidParameterException", RANGE)


def test_refresh_zero_means_thirty_days_in_the_client_unit(cognito: Any, pool_id: str) -> None:
    assert create(cognito, pool_id, RefreshTokenValidity=0)["RefreshTokenValidity"] == 30
    hours = create(cognito, pool_id, RefreshTokenValidity=0,
                   TokenValidityUnits={"RefreshToken": "hours"})
    assert hours["RefreshTokenValidity"] == 720


def test_access_token_longer_than_refresh_is_rejected(cognito: Any, pool_id: str) -> None:
    message = ("Access and Id Token expiration times must be less than or equal to refresh "
               "token expiration times.")
    for member in ("AccessTokenValidity", "IdTokenValidity"):
        assert rejected(
            cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
            RefreshTokenValidity=60, **{member: 2},
            TokenValidityUnits={"AccessToken": "hours", "IdToken": "hours",
                                "RefreshToken": "minutes"},
        ) == ("InvalidParameterException", message)
    # Equal lifetimes are fine.
    equal = create(cognito, pool_id, RefreshTokenValidity=1, AccessTokenValidity=1,
                   IdTokenValidity=60,
                   TokenValidityUnits={"AccessToken": "hours", "IdToken": "minutes",
                                       "RefreshToken": "hours"})
    assert equal["RefreshTokenValidity"] == 1


# -- explicit auth flows ----------------------------------------------------------------------
def test_legacy_flows_alone_are_accepted(cognito: Any, pool_id: str) -> None:
    flows = ["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]
    assert create(cognito, pool_id, ExplicitAuthFlows=flows)["ExplicitAuthFlows"] == flows


def test_legacy_and_allow_flows_cannot_mix(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    ) == (
        "InvalidParameterException",
        "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names.",
    )


def test_allow_flows_need_refresh_token_auth(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
    ) == ("InvalidParameterException", "REFRESH_TOKEN_AUTH should always be allowed.")


def test_rotation_refuses_refresh_token_auth(cognito: Any, pool_id: str) -> None:
    code, _ = rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED"},
    )
    assert code == "InvalidParameterException"


def test_user_auth_flow(cognito: Any, pool_id: str) -> None:
    flows = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert create(cognito, pool_id, ExplicitAuthFlows=flows)["ExplicitAuthFlows"] == flows
    lite = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    code, _ = rejected(cognito.create_user_pool_client, UserPoolId=lite, ClientName="x",
                       ExplicitAuthFlows=flows)
    assert code == "FeatureUnavailableInTierException"
    assert cognito.list_user_pool_clients(UserPoolId=lite)["UserPoolClients"] == []


# -- OAuth ------------------------------------------------------------------------------------
def test_oauth_enabled_needs_flows_and_scopes(cognito: Any, pool_id: str) -> None:
    message = ("AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is "
               "allowed to use OAuth flows.")
    for extra in ({}, {"AllowedOAuthFlows": ["code"]}, {"AllowedOAuthScopes": ["openid"]}):
        assert rejected(
            cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
            AllowedOAuthFlowsUserPoolClient=True, CallbackURLs=[CB], **extra,
        ) == ("InvalidParameterException", message)


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_interactive_flow_needs_callback_urls(cognito: Any, pool_id: str, flow: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=[flow],
        AllowedOAuthScopes=["openid"],
    ) == (
        "InvalidOAuthFlowException",
        "CallbackUrls can not be empty when code flow or implicit flow is selected",
    )


def test_oauth_settings_without_the_flag_are_stored(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"])
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert client["AllowedOAuthFlows"] == ["code"]


@pytest.mark.parametrize("member", ["CallbackURLs", "LogoutURLs"])
def test_http_urls_are_refused(cognito: Any, pool_id: str, member: str) -> None:
    url = "http://example.com/cb"
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    **{member: [url]}) == (
        "InvalidParameterException", f"{url} cannot use the HTTP protocol.")


def test_local_http_and_custom_schemes_are_allowed(cognito: Any, pool_id: str) -> None:
    urls = ["http://localhost:8080/cb", "http://127.0.0.1/cb", "http://[::1]:3000/",
            "myapp://callback", CB]
    client = create(cognito, pool_id, CallbackURLs=urls, LogoutURLs=urls)
    assert client["CallbackURLs"] == urls
    assert client["LogoutURLs"] == urls


def test_localhost_lookalike_is_refused(cognito: Any, pool_id: str) -> None:
    url = "http://localhost.evil.com/cb"
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    CallbackURLs=[url]) == (
        "InvalidParameterException", f"{url} cannot use the HTTP protocol.")


def test_callback_fragment_is_refused(cognito: Any, pool_id: str) -> None:
    url = "https://example.com/cb#frag"
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    CallbackURLs=[url]) == ("InvalidParameterException",
                                            f"{url} cannot use fragment")


def test_default_redirect_uri_must_be_a_callback(cognito: Any, pool_id: str) -> None:
    other = "https://other.example.com/cb"
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    CallbackURLs=[CB], DefaultRedirectURI=other) == (
        "InvalidParameterException",
        f"The default redirect URI {other} is not in the callback URIs list.",
    )
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    DefaultRedirectURI=CB) == (
        "InvalidParameterException",
        f"The default redirect URI {CB} is not in the callback URIs list.",
    )


def test_default_redirect_uri_http_is_refused(cognito: Any, pool_id: str) -> None:
    url = "http://example.com/cb"
    code, message = rejected(cognito.create_user_pool_client, UserPoolId=pool_id,
                             ClientName="x", CallbackURLs=[url], DefaultRedirectURI=url)
    assert (code, message) == ("InvalidParameterException",
                               f"{url} cannot use the HTTP protocol.")


def test_standard_scopes_are_accepted(cognito: Any, pool_id: str) -> None:
    scopes = ["phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"]
    client = create(cognito, pool_id, AllowedOAuthFlowsUserPoolClient=True,
                    AllowedOAuthFlows=["code"], AllowedOAuthScopes=scopes, CallbackURLs=[CB])
    assert client["AllowedOAuthScopes"] == scopes


def test_unknown_scope_is_scope_does_not_exist(cognito: Any, pool_id: str) -> None:
    for scope in ("api/read", "admin"):
        assert rejected(
            cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid", scope], CallbackURLs=[CB],
        ) == ("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")


def test_custom_scopes_of_a_resource_server(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    client = create(cognito, pool_id, AllowedOAuthFlowsUserPoolClient=True,
                    AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "api/write"],
                    CallbackURLs=[CB])
    assert client["AllowedOAuthScopes"] == ["openid", "api/write"]
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["api/delete"],
    ) == ("ScopeDoesNotExistException", "Invalid scope requested: api/delete")


def test_scopes_of_another_pool_do_not_count(cognito: Any, pool_id: str) -> None:
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    add_api_server(cognito, other)
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["api/read"],
    ) == ("ScopeDoesNotExistException", "Invalid scope requested: api/read")


def test_client_credentials_with_secret_and_custom_scope(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    client = create(cognito, pool_id, GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
                    AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["api/read"])
    assert client["AllowedOAuthFlows"] == ["client_credentials"]
    assert "CallbackURLs" not in client


def test_client_credentials_needs_a_secret(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read"],
    ) == (
        "InvalidOAuthFlowException",
        "client_credentials flow can not be selected if client does not have a client secret.",
    )


@pytest.mark.parametrize("other", ["code", "implicit"])
def test_client_credentials_is_exclusive(cognito: Any, pool_id: str, other: str) -> None:
    add_api_server(cognito, pool_id)
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials", other], AllowedOAuthScopes=["api/read"],
        CallbackURLs=[CB],
    ) == (
        "InvalidOAuthFlowException",
        "client_credentials flow can not be selected along with code flow or implicit flow.",
    )


def test_client_credentials_refuses_standard_scopes(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["api/read", "openid"],
    ) == ("InvalidOAuthFlowException", "openid is not supported with client_credentials flow")


# -- attributes, identity providers, other cross-field rules ----------------------------------
def test_read_attributes_must_exist(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        ReadAttributes=["email", "favourite_colour"],
    ) == ("InvalidParameterException",
          "Invalid read attributes specified while creating a client")


@pytest.mark.parametrize("attribute", ["sub", "email_verified", "phone_number_verified",
                                       "no_such_attribute"])
def test_write_attributes_rules(cognito: Any, pool_id: str, attribute: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        WriteAttributes=["email", attribute],
    ) == ("InvalidParameterException",
          "Invalid write attributes specified while creating a client")


def test_custom_attributes_readable_and_writable(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="custom",
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    client = create(cognito, pool_id, ReadAttributes=["custom:tier", "dev:custom:tier", "sub"],
                    WriteAttributes=["custom:tier"])
    assert client["ReadAttributes"] == ["custom:tier", "dev:custom:tier", "sub"]
    assert client["WriteAttributes"] == ["custom:tier"]
    assert rejected(cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
                    ReadAttributes=["custom:other"])[0] == "InvalidParameterException"


def test_supported_identity_providers_must_exist(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        SupportedIdentityProviders=["COGNITO", "Okta"],
    ) == ("InvalidParameterException",
          f"The provider Okta does not exist for User Pool {pool_id}.")
    add_saml_provider(cognito, pool_id)
    client = create(cognito, pool_id, SupportedIdentityProviders=["COGNITO", "Okta"])
    assert client["SupportedIdentityProviders"] == ["COGNITO", "Okta"]


def test_propagate_user_context_needs_a_secret(cognito: Any, pool_id: str) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        EnablePropagateAdditionalUserContextData=True,
    ) == ("InvalidParameterException",
          "Client Secret is required to set EnablePropagateAdditionalUserContextData as true")


@pytest.mark.parametrize(
    "config",
    [
        {"ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc",
         "RoleArn": "arn:aws:iam::123456789012:role/r"},
        {"ApplicationId": "abc"},
        {"RoleArn": "arn:aws:iam::123456789012:role/r"},
    ],
)
def test_bad_analytics_configuration(cognito: Any, pool_id: str,
                                     config: dict[str, Any]) -> None:
    assert rejected(
        cognito.create_user_pool_client, UserPoolId=pool_id, ClientName="x",
        AnalyticsConfiguration=config,
    ) == (
        "InvalidParameterException",
        "Invalid analytics configuration given, either <application arn> or "
        "<application id, role arn, external id> are valid",
    )


def test_analytics_by_application_arn(cognito: Any, pool_id: str) -> None:
    config = {"ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"}
    client = create(cognito, pool_id, AnalyticsConfiguration=config)
    assert client["AnalyticsConfiguration"]["ApplicationArn"] == config["ApplicationArn"]


# == DescribeUserPoolClient ========================================================================
def test_describe_unknown_client(cognito: Any, pool_id: str) -> None:
    assert rejected(cognito.describe_user_pool_client, UserPoolId=pool_id,
                    ClientId=MISSING_CLIENT) == not_found_client(MISSING_CLIENT)


def test_describe_unknown_pool(cognito: Any) -> None:
    assert rejected(cognito.describe_user_pool_client, UserPoolId=MISSING_POOL,
                    ClientId=MISSING_CLIENT) == not_found_pool()


def test_describe_client_of_another_pool(cognito: Any, pool_id: str) -> None:
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client_id = create(cognito, other)["ClientId"]
    assert rejected(cognito.describe_user_pool_client, UserPoolId=pool_id,
                    ClientId=client_id) == not_found_client(client_id)


def test_describe_missing_client_id(loose: Any, pool_id: str) -> None:
    assert_validation(rejected(loose.describe_user_pool_client, UserPoolId=pool_id),
                      "clientId", "Member must not be null")


def test_describe_bad_client_id_pattern(loose: Any, pool_id: str) -> None:
    assert_validation(
        rejected(loose.describe_user_pool_client, UserPoolId=pool_id, ClientId="a/b"),
        "clientId", "Member must satisfy regular expression pattern",
    )


# == UpdateUserPoolClient ==========================================================================
# One non-default value for each setting that resets when an update omits it, and how the
# default looks in DescribeUserPoolClient (None: the key is absent).
RESET_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "RefreshTokenValidity": ({"RefreshTokenValidity": 7}, {"RefreshTokenValidity": 30}),
    "AccessTokenValidity": ({"AccessTokenValidity": 2}, {"AccessTokenValidity": None}),
    "IdTokenValidity": ({"IdTokenValidity": 2}, {"IdTokenValidity": None}),
    "TokenValidityUnits": (
        {"TokenValidityUnits": {"AccessToken": "minutes"}}, {"TokenValidityUnits": {}}),
    "ReadAttributes": ({"ReadAttributes": ["email"]}, {"ReadAttributes": None}),
    "WriteAttributes": ({"WriteAttributes": ["email"]}, {"WriteAttributes": None}),
    "ExplicitAuthFlows": (
        {"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
        {"ExplicitAuthFlows": DEFAULT_FLOWS},
    ),
    "SupportedIdentityProviders": (
        {"SupportedIdentityProviders": ["COGNITO"]}, {"SupportedIdentityProviders": None}),
    "CallbackURLs": ({"CallbackURLs": [CB]}, {"CallbackURLs": None}),
    "LogoutURLs": ({"LogoutURLs": [CB]}, {"LogoutURLs": None}),
    "AllowedOAuthFlows": ({"AllowedOAuthFlows": ["implicit"]}, {"AllowedOAuthFlows": None}),
    "AllowedOAuthScopes": ({"AllowedOAuthScopes": ["email"]}, {"AllowedOAuthScopes": None}),
    "AnalyticsConfiguration": (
        {"AnalyticsConfiguration": {
            "ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"}},
        {"AnalyticsConfiguration": None},
    ),
    "PreventUserExistenceErrors": (
        {"PreventUserExistenceErrors": "ENABLED"}, {"PreventUserExistenceErrors": "LEGACY"}),
    "EnableTokenRevocation": ({"EnableTokenRevocation": False}, {"EnableTokenRevocation": True}),
    "EnablePropagateAdditionalUserContextData": (
        {"EnablePropagateAdditionalUserContextData": True},
        {"EnablePropagateAdditionalUserContextData": False},
    ),
    "AuthSessionValidity": ({"AuthSessionValidity": 10}, {"AuthSessionValidity": 3}),
    "RefreshTokenRotation": (
        {"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}},
        {"RefreshTokenRotation": NO_ROTATION, "ExplicitAuthFlows": DEFAULT_FLOWS},
    ),
    "OAuth for the user pool client": (
        {"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"],
         "AllowedOAuthScopes": ["openid"], "CallbackURLs": [CB], "DefaultRedirectURI": CB},
        {"AllowedOAuthFlowsUserPoolClient": False, "AllowedOAuthFlows": None,
         "AllowedOAuthScopes": None, "CallbackURLs": None, "DefaultRedirectURI": None},
    ),
}


@pytest.mark.parametrize("case", list(RESET_CASES))
def test_update_resets_an_omitted_setting(cognito: Any, pool_id: str, case: str) -> None:
    settings, defaults = RESET_CASES[case]
    client = create(cognito, pool_id, GenerateSecret=True, **settings)
    for key, value in settings.items():
        assert client[key] == value
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    for key, default in defaults.items():
        if default is None:
            assert key not in updated, key
        else:
            assert updated[key] == default, key
    assert updated["ClientSecret"] == client["ClientSecret"]
    assert updated["ClientName"] == "web"
    assert describe(cognito, pool_id, client["ClientId"]) == updated


def test_update_with_nothing_gives_a_default_client(cognito: Any, pool_id: str) -> None:
    bare = create(cognito, pool_id, "bare", GenerateSecret=True)
    client = create(cognito, pool_id, "full", GenerateSecret=True, RefreshTokenValidity=5,
                    AccessTokenValidity=2, ReadAttributes=["email"], CallbackURLs=[CB],
                    PreventUserExistenceErrors="ENABLED", AuthSessionValidity=9)
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    identity = ("ClientId", "ClientName", "ClientSecret", "CreationDate", "LastModifiedDate")
    assert {k: v for k, v in updated.items() if k not in identity} == {
        k: v for k, v in bare.items() if k not in identity
    }


def test_update_keeps_identity_and_moves_last_modified(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, "original", GenerateSecret=True)
    assert describe(cognito, pool_id, client["ClientId"]) == client  # also lets the clock move
    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client["ClientId"], RefreshTokenValidity=10
    )["UserPoolClient"]
    assert updated["RefreshTokenValidity"] == 10
    for key in ("ClientId", "UserPoolId", "ClientName", "ClientSecret", "CreationDate"):
        assert updated[key] == client[key], key
    assert updated["LastModifiedDate"] > client["LastModifiedDate"]
    assert describe(cognito, pool_id, client["ClientId"]) == updated


def test_update_renames(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, "before")
    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client["ClientId"], ClientName="after"
    )["UserPoolClient"]
    assert updated["ClientName"] == "after"
    listed = cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert listed == [{"ClientId": client["ClientId"], "UserPoolId": pool_id,
                       "ClientName": "after"}]


def test_update_public_client_stays_public(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id)
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"],
                                              AuthSessionValidity=5)["UserPoolClient"]
    assert "ClientSecret" not in updated


def test_update_sets_every_setting(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    add_saml_provider(cognito, pool_id)
    client = create(cognito, pool_id, GenerateSecret=True)
    settings: dict[str, Any] = {
        "ClientName": "renamed",
        "RefreshTokenValidity": 12,
        "AccessTokenValidity": 10,
        "IdTokenValidity": 10,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes",
                               "RefreshToken": "hours"},
        "ReadAttributes": ["email"],
        "WriteAttributes": ["email"],
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        "SupportedIdentityProviders": ["Okta"],
        "CallbackURLs": [CB],
        "LogoutURLs": [CB],
        "DefaultRedirectURI": CB,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "api/read"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": False,
        "EnablePropagateAdditionalUserContextData": True,
        "AuthSessionValidity": 7,
    }
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"],
                                              **settings)["UserPoolClient"]
    for key, value in settings.items():
        assert updated[key] == value, key
    assert describe(cognito, pool_id, client["ClientId"]) == updated


REJECTED_UPDATES: dict[str, tuple[dict[str, Any], tuple[str, str]]] = {
    "token range": ({"AccessTokenValidity": 48}, ("InvalidParameterException", RANGE)),
    "unknown scope": (
        {"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["api/nope"]},
        ("ScopeDoesNotExistException", "Invalid scope requested: api/nope"),
    ),
    "client_credentials without secret": (
        {"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["api/read"]},
        ("InvalidOAuthFlowException",
         "client_credentials flow can not be selected if client does not have a client secret."),
    ),
    "http callback": (
        {"CallbackURLs": ["http://example.com/cb"]},
        ("InvalidParameterException", "http://example.com/cb cannot use the HTTP protocol."),
    ),
    "write sub": (
        {"WriteAttributes": ["sub"]},
        ("InvalidParameterException", "Invalid write attributes specified while updating a client"),
    ),
    "read unknown": (
        {"ReadAttributes": ["nope"]},
        ("InvalidParameterException", "Invalid read attributes specified while updating a client"),
    ),
    "unknown provider": (
        {"SupportedIdentityProviders": ["Google"]},
        ("InvalidParameterException", "The provider Google does not exist for User Pool {pool}."),
    ),
    "flows mix": (
        {"ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ADMIN_NO_SRP_AUTH"]},
        ("InvalidParameterException",
         "Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names."),
    ),
    "propagate without secret": (
        {"EnablePropagateAdditionalUserContextData": True},
        ("InvalidParameterException",
         "Client Secret is required to set EnablePropagateAdditionalUserContextData as true"),
    ),
}


@pytest.mark.parametrize("case", list(REJECTED_UPDATES))
def test_rejected_update_changes_nothing(cognito: Any, pool_id: str, case: str) -> None:
    add_api_server(cognito, pool_id)
    changes, (code, message) = REJECTED_UPDATES[case]
    client = create(cognito, pool_id, "keep", RefreshTokenValidity=9, ReadAttributes=["email"],
                    PreventUserExistenceErrors="ENABLED")
    got = rejected(cognito.update_user_pool_client, UserPoolId=pool_id,
                   ClientId=client["ClientId"], ClientName="changed", **changes)
    assert got == (code, message.format(pool=pool_id))
    assert describe(cognito, pool_id, client["ClientId"]) == client


def test_update_to_client_credentials_with_a_secret(cognito: Any, pool_id: str) -> None:
    add_api_server(cognito, pool_id)
    client = create(cognito, pool_id, GenerateSecret=True)
    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client["ClientId"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["api/read"],
    )["UserPoolClient"]
    assert updated["AllowedOAuthFlows"] == ["client_credentials"]


def test_update_cannot_change_the_secret(server: Server, cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, GenerateSecret=True)
    # Neither GenerateSecret nor ClientSecret is a member of UpdateUserPoolClientRequest:
    # sending them anyway must not touch the secret.
    body = {"UserPoolId": pool_id, "ClientId": client["ClientId"], "GenerateSecret": False,
            "ClientSecret": "a_brand_new_secret_1234567"}
    status, _headers, response = server.raw("UpdateUserPoolClient", json.dumps(body))
    assert status == 200, response
    assert response["UserPoolClient"]["ClientSecret"] == client["ClientSecret"]
    assert describe(cognito, pool_id, client["ClientId"])["ClientSecret"] == client["ClientSecret"]


def test_update_unknown_client(cognito: Any, pool_id: str) -> None:
    assert rejected(cognito.update_user_pool_client, UserPoolId=pool_id,
                    ClientId=MISSING_CLIENT) == not_found_client(MISSING_CLIENT)


def test_update_unknown_pool(cognito: Any) -> None:
    assert rejected(cognito.update_user_pool_client, UserPoolId=MISSING_POOL,
                    ClientId=MISSING_CLIENT) == not_found_pool()


def test_update_missing_client_id(loose: Any, pool_id: str) -> None:
    assert_validation(rejected(loose.update_user_pool_client, UserPoolId=pool_id),
                      "clientId", "Member must not be null")


def test_update_bad_enum(loose: Any, cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id)
    code, message = rejected(loose.update_user_pool_client, UserPoolId=pool_id,
                             ClientId=client["ClientId"], ExplicitAuthFlows=["ALLOW_MAGIC"])
    assert code == "InvalidParameterException"
    assert "at 'explicitAuthFlows' failed to satisfy constraint" in message
    assert describe(cognito, pool_id, client["ClientId"]) == client


def test_update_out_of_range(loose: Any, cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id)
    assert_validation(
        rejected(loose.update_user_pool_client, UserPoolId=pool_id,
                 ClientId=client["ClientId"], AuthSessionValidity=16),
        "authSessionValidity", "Member must have value less than or equal to 15",
    )


# == DeleteUserPoolClient ==========================================================================
def test_delete_then_describe_is_not_found(cognito: Any, pool_id: str) -> None:
    keep = create(cognito, pool_id, "keep")
    gone = create(cognito, pool_id, "gone", GenerateSecret=True)
    response = cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=gone["ClientId"])
    assert set(response) == {"ResponseMetadata"}
    assert rejected(cognito.describe_user_pool_client, UserPoolId=pool_id,
                    ClientId=gone["ClientId"]) == not_found_client(gone["ClientId"])
    assert rejected(cognito.delete_user_pool_client, UserPoolId=pool_id,
                    ClientId=gone["ClientId"]) == not_found_client(gone["ClientId"])
    assert rejected(cognito.update_user_pool_client, UserPoolId=pool_id,
                    ClientId=gone["ClientId"]) == not_found_client(gone["ClientId"])
    listed = cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert [c["ClientId"] for c in listed] == [keep["ClientId"]]
    assert describe(cognito, pool_id, keep["ClientId"]) == keep


def test_delete_returns_an_empty_body(server: Server, cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id)
    status, _headers, body = server.raw(
        "DeleteUserPoolClient",
        json.dumps({"UserPoolId": pool_id, "ClientId": client["ClientId"]}),
    )
    assert (status, body) == (200, {})


def test_delete_client_of_another_pool(cognito: Any, pool_id: str) -> None:
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client = create(cognito, other)
    assert rejected(cognito.delete_user_pool_client, UserPoolId=pool_id,
                    ClientId=client["ClientId"]) == not_found_client(client["ClientId"])
    assert describe(cognito, other, client["ClientId"]) == client


def test_delete_unknown_pool(cognito: Any) -> None:
    assert rejected(cognito.delete_user_pool_client, UserPoolId=MISSING_POOL,
                    ClientId=MISSING_CLIENT) == not_found_pool()


def test_delete_missing_client_id(loose: Any, pool_id: str) -> None:
    assert_validation(rejected(loose.delete_user_pool_client, UserPoolId=pool_id),
                      "clientId", "Member must not be null")


# == ListUserPoolClients ===========================================================================
def test_list_empty(cognito: Any, pool_id: str) -> None:
    response = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)
    assert response["UserPoolClients"] == []
    assert "NextToken" not in response


def test_list_entries_are_descriptions(cognito: Any, pool_id: str) -> None:
    client = create(cognito, pool_id, "listed", GenerateSecret=True)
    assert cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == [
        {"ClientId": client["ClientId"], "UserPoolId": pool_id, "ClientName": "listed"}
    ]


def test_list_pages_return_every_client_once(cognito: Any, pool_id: str) -> None:
    made = {create(cognito, pool_id, f"c{i}")["ClientId"] for i in range(5)}
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    create(cognito, other, "elsewhere")
    seen: list[str] = []
    sizes: list[int] = []
    token: str | None = None
    while True:
        kw = {"NextToken": token} if token else {}
        page = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2, **kw)
        sizes.append(len(page["UserPoolClients"]))
        seen += [c["ClientId"] for c in page["UserPoolClients"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [2, 2, 1]
    assert sorted(seen) == sorted(made)


def test_list_exact_page_has_no_dangling_token(cognito: Any, pool_id: str) -> None:
    for i in range(2):
        create(cognito, pool_id, f"c{i}")
    page = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2)
    assert len(page["UserPoolClients"]) == 2
    assert "NextToken" not in page


def test_list_survives_deletion_between_pages(cognito: Any, pool_id: str) -> None:
    ids = sorted(create(cognito, pool_id, f"c{i}")["ClientId"] for i in range(4))
    first = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2)
    for c in first["UserPoolClients"]:
        cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=c["ClientId"])
    rest = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2,
                                          NextToken=first["NextToken"])
    listed = [c["ClientId"] for c in first["UserPoolClients"] + rest["UserPoolClients"]]
    assert sorted(listed) == ids


def test_list_paginator(cognito: Any, pool_id: str) -> None:
    made = {create(cognito, pool_id, f"c{i}")["ClientId"] for i in range(3)}
    pages = list(cognito.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=pool_id, PaginationConfig={"PageSize": 2}))
    assert [len(p["UserPoolClients"]) for p in pages] == [2, 1]
    assert {c["ClientId"] for p in pages for c in p["UserPoolClients"]} == made


def test_list_forged_token(cognito: Any, pool_id: str) -> None:
    for token in ("garbage", "eyJrIjoiZ3JvdXBzIiwiYSI6IngifQ"):  # the second: another kind
        assert rejected(cognito.list_user_pool_clients, UserPoolId=pool_id, MaxResults=5,
                        NextToken=token) == ("InvalidParameterException",
                                             "Invalid pagination token.")


def test_list_max_results_out_of_range(loose: Any, pool_id: str) -> None:
    for bad in (0, 61):
        code, message = rejected(loose.list_user_pool_clients, UserPoolId=pool_id,
                                 MaxResults=bad)
        assert code == "InvalidParameterException"
        assert f"Value '{bad}' at 'maxResults' failed to satisfy constraint" in message


def test_list_unknown_pool(cognito: Any) -> None:
    assert rejected(cognito.list_user_pool_clients, UserPoolId=MISSING_POOL,
                    MaxResults=5) == not_found_pool()


def test_list_missing_pool_id(loose: Any) -> None:
    assert_validation(rejected(loose.list_user_pool_clients, MaxResults=5),
                      "userPoolId", "Member must not be null")


# == AWS CLI round trip ===========================================================================
def test_cli_create_and_describe(server: Server, pool_id: str) -> None:
    created = server.cli("create-user-pool-client", "--user-pool-id", pool_id,
                         "--client-name", "cli", "--generate-secret", check=True)
    client = json.loads(created.stdout)["UserPoolClient"]
    assert len(client["ClientSecret"]) == 52
    described = server.cli("describe-user-pool-client", "--user-pool-id", pool_id,
                           "--client-id", client["ClientId"], check=True)
    assert json.loads(described.stdout)["UserPoolClient"] == client


def test_deleting_a_client_removes_what_belongs_to_it(cognito: Any, pool_id: str) -> None:
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="doomed")[
        "UserPoolClient"
    ]["ClientId"]
    style = cognito.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True
    )["ManagedLoginBranding"]["ManagedLoginBrandingId"]
    terms_id = cognito.create_terms(
        UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use", TermsSource="LINK",
        Enforcement="NONE", Links={"cognito:default": "https://example.com/terms"},
    )["Terms"]["TermsId"]
    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as err:
        cognito.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        cognito.describe_terms(UserPoolId=pool_id, TermsId=terms_id)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
