"""Unit tests for userpool.domain.clients (app-client configuration rules)."""

from __future__ import annotations

from typing import Any

import pytest

from userpool.domain import clients as c
from userpool.domain.errors import (
    FeatureUnavailableInTier,
    InvalidOAuthFlow,
    InvalidParameter,
    LimitExceeded,
    ResourceNotFound,
    ScopeDoesNotExist,
)

POOL_ID = "us-east-1_AbCdEf123"
CLIENT_ID = "6p3bs000no6a4ue1idruvd05ad"
SECRET = "13ka4h7u28d9oo44tqpq9djqsfvhvu8rk4d2ighvpu0k8fj1c2r9"
NOW = 1547763720.822
LATER = NOW + 100
STANDARD = [
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo",
    "locale", "phone_number", "phone_number_verified", "address", "updated_at",
]  # fmt: skip
POOL: dict[str, Any] = {
    "Id": POOL_ID,
    "UserPoolTier": "ESSENTIALS",
    "SchemaAttributes": [{"Name": n} for n in STANDARD] + [{"Name": "custom:tier"}],
}
SCOPES = {"api/read", "api/write"}


def make(request: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "pool": POOL,
        "client_id": CLIENT_ID,
        "secret": SECRET,
        "now": NOW,
        "scopes": SCOPES,
    }
    args.update(kw)
    return c.new_client({"ClientName": "app", **(request or {})}, **args)


def update(current: dict[str, Any], request: dict[str, Any], **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"pool": POOL, "now": LATER, "scopes": SCOPES}
    args.update(kw)
    return c.updated_client(current, request, **args)


def oauth(**extra: Any) -> dict[str, Any]:
    return {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid"],
        "CallbackURLs": ["https://app.example.com/cb"],
        **extra,
    }


# --- defaults -----------------------------------------------------------------------------------


def test_defaults_of_minimal_client() -> None:
    view = c.public_view(make())
    assert view == {
        "UserPoolId": POOL_ID,
        "ClientName": "app",
        "ClientId": CLIENT_ID,
        "LastModifiedDate": NOW,
        "CreationDate": NOW,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {},
        "ExplicitAuthFlows": [
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH",
        ],
        "AllowedOAuthFlowsUserPoolClient": False,
        "PreventUserExistenceErrors": "LEGACY",
        "EnableTokenRevocation": True,
        "EnablePropagateAdditionalUserContextData": False,
        "AuthSessionValidity": 3,
        "RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0},
    }


@pytest.mark.parametrize(
    "absent",
    [
        "ClientSecret",
        "AccessTokenValidity",
        "IdTokenValidity",
        "ReadAttributes",
        "WriteAttributes",
        "SupportedIdentityProviders",
        "CallbackURLs",
        "LogoutURLs",
        "DefaultRedirectURI",
        "AllowedOAuthFlows",
        "AllowedOAuthScopes",
        "AnalyticsConfiguration",
    ],
)
def test_unset_optional_fields_are_omitted(absent: str) -> None:
    assert absent not in make()


def test_empty_lists_are_omitted_like_unset() -> None:
    client = make({"ReadAttributes": [], "CallbackURLs": [], "SupportedIdentityProviders": []})
    assert "ReadAttributes" not in client
    assert "CallbackURLs" not in client
    assert "SupportedIdentityProviders" not in client


def test_public_view_drops_private_keys_into_a_new_dict() -> None:
    client = make({"GenerateSecret": True})
    view = c.public_view(client)
    assert "_Secrets" not in view
    view["ClientName"] = "changed"  # shallow (hot path): a new top-level dict only
    assert client["ClientName"] != "changed"


def test_explicit_values_are_kept() -> None:
    client = make(
        {
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": False,
            "AuthSessionValidity": 15,
            "AccessTokenValidity": 30,
            "IdTokenValidity": 45,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes"},
            "ReadAttributes": ["email", "custom:tier"],
            "WriteAttributes": ["email"],
            "SupportedIdentityProviders": ["COGNITO"],
        }
    )
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is False
    assert client["AuthSessionValidity"] == 15
    assert client["AccessTokenValidity"] == 30
    assert client["IdTokenValidity"] == 45
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes"}
    assert client["ReadAttributes"] == ["email", "custom:tier"]
    assert client["WriteAttributes"] == ["email"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]


# --- secrets at creation ------------------------------------------------------------------------


def test_generate_secret_uses_given_secret_and_records_it() -> None:
    client = make({"GenerateSecret": True})
    assert client["ClientSecret"] == SECRET
    assert client["_Secrets"] == [
        {
            "ClientSecretId": c.secret_id_for(CLIENT_ID, NOW),
            "ClientSecretValue": SECRET,
            "ClientSecretCreateDate": NOW,
            "Original": True,
        }
    ]
    assert c.secret_id_for(CLIENT_ID, NOW).startswith(CLIENT_ID + "--")


def test_no_secret_without_generate_secret() -> None:
    client = make({"GenerateSecret": False})
    assert "ClientSecret" not in client
    assert client["_Secrets"] == []


def test_custom_client_secret_is_used() -> None:
    custom = "my_own_secret_value_123456789"
    client = make({"ClientSecret": custom})
    assert client["ClientSecret"] == custom
    assert c.secret_values(client) == [custom]


def test_generate_secret_and_client_secret_together_rejected() -> None:
    with pytest.raises(InvalidParameter):
        make({"GenerateSecret": True, "ClientSecret": "my_own_secret_value_123456789"})


# --- token validity -----------------------------------------------------------------------------


def test_access_validity_in_hours_by_default() -> None:
    assert make({"AccessTokenValidity": 24})["AccessTokenValidity"] == 24  # 24 hours = 1 day


@pytest.mark.parametrize(
    "request_",
    [
        {"AccessTokenValidity": 25},  # 25 hours > 1 day
        {"IdTokenValidity": 25},
        {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"IdTokenValidity": 299, "TokenValidityUnits": {"IdToken": "seconds"}},
        {"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}},
        {"RefreshTokenValidity": 3651},  # days
        {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3599, "TokenValidityUnits": {"RefreshToken": "seconds"}},
    ],
)
def test_token_validity_out_of_range(request_: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter, match=r"^Invalid range for token validity\.$"):
        make(request_)


@pytest.mark.parametrize(
    "request_",
    [
        {"AccessTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"IdTokenValidity": 86400, "TokenValidityUnits": {"IdToken": "seconds"}},
        {"AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "days"}},
        {"RefreshTokenValidity": 3650},
        {"RefreshTokenValidity": 60, "TokenValidityUnits": {"RefreshToken": "minutes"}},
    ],
)
def test_token_validity_boundaries_accepted(request_: dict[str, Any]) -> None:
    make(request_)


def test_refresh_zero_means_thirty_days_in_the_clients_unit() -> None:
    assert make({"RefreshTokenValidity": 0})["RefreshTokenValidity"] == 30
    hours = make({"RefreshTokenValidity": 0, "TokenValidityUnits": {"RefreshToken": "hours"}})
    assert hours["RefreshTokenValidity"] == 720


def test_access_longer_than_refresh_rejected() -> None:
    with pytest.raises(InvalidParameter, match="less than or equal to refresh token expiration"):
        make(
            {
                "AccessTokenValidity": 2,
                "RefreshTokenValidity": 1,
                "TokenValidityUnits": {"RefreshToken": "hours"},
            }
        )


def test_id_longer_than_refresh_rejected_default_hour_allowed() -> None:
    with pytest.raises(InvalidParameter, match="Access and Id Token expiration times"):
        make({"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days",
              "RefreshToken": "minutes"}, "RefreshTokenValidity": 60})  # fmt: skip
    # The shortest refresh (60 minutes) against the default 60 minutes of access/ID: allowed.
    make({"RefreshTokenValidity": 60, "TokenValidityUnits": {"RefreshToken": "minutes"}})


# --- explicit auth flows ------------------------------------------------------------------------


def test_legacy_and_allow_flows_cannot_mix() -> None:
    with pytest.raises(
        InvalidParameter,
        match=r"Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names\.",
    ):
        make({"ExplicitAuthFlows": ["ADMIN_NO_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})


def test_legacy_flows_alone_are_kept() -> None:
    flows = ["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]
    assert make({"ExplicitAuthFlows": flows})["ExplicitAuthFlows"] == flows


def test_refresh_flow_required_without_rotation() -> None:
    with pytest.raises(InvalidParameter, match=r"^REFRESH_TOKEN_AUTH should always be allowed\.$"):
        make({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]})


def test_given_flows_are_kept_deduplicated() -> None:
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    client = make({"ExplicitAuthFlows": flows})
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def test_user_auth_needs_essentials() -> None:
    flows = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert make({"ExplicitAuthFlows": flows})["ExplicitAuthFlows"] == flows
    with pytest.raises(FeatureUnavailableInTier):
        make({"ExplicitAuthFlows": flows}, pool={**POOL, "UserPoolTier": "LITE"})
    make({"ExplicitAuthFlows": flows}, pool={**POOL, "UserPoolTier": "PLUS"})


# --- refresh token rotation ---------------------------------------------------------------------


def test_rotation_forbids_refresh_token_auth() -> None:
    with pytest.raises(InvalidParameter, match="rotation"):
        make(
            {
                "RefreshTokenRotation": {"Feature": "ENABLED"},
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }
        )


def test_rotation_with_flows_without_refresh() -> None:
    client = make(
        {
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 60},
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"],
        }
    )
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 60}
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH"]


def test_rotation_default_flows_leave_out_refresh_token_auth() -> None:
    client = make({"RefreshTokenRotation": {"Feature": "ENABLED"}})
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}


def test_rotation_grace_period_range() -> None:
    with pytest.raises(InvalidParameter):
        make({"RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 61}})
    disabled = make({"RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}})
    assert disabled["RefreshTokenRotation"]["Feature"] == "DISABLED"


# --- attributes ---------------------------------------------------------------------------------


def test_read_attribute_must_exist() -> None:
    with pytest.raises(
        InvalidParameter, match=r"^Invalid read attributes specified while creating a client$"
    ):
        make({"ReadAttributes": ["email", "custom:missing"]})


def test_dev_prefixed_custom_attribute_allowed() -> None:
    assert make({"ReadAttributes": ["dev:custom:tier"]})["ReadAttributes"] == ["dev:custom:tier"]


@pytest.mark.parametrize("name", ["email_verified", "phone_number_verified", "sub", "nope"])
def test_write_attribute_rules(name: str) -> None:
    with pytest.raises(
        InvalidParameter, match=r"^Invalid write attributes specified while creating a client$"
    ):
        make({"WriteAttributes": ["email", name]})


def test_read_of_verified_flags_allowed() -> None:
    make({"ReadAttributes": ["email_verified", "phone_number_verified", "sub"]})


def test_update_message_says_updating() -> None:
    with pytest.raises(InvalidParameter, match="while updating a client"):
        update(make(), {"ReadAttributes": ["custom:missing"]})


# --- identity providers -------------------------------------------------------------------------


def test_cognito_provider_always_exists() -> None:
    make({"SupportedIdentityProviders": ["COGNITO"]})


def test_unknown_provider_rejected_with_pool_id() -> None:
    with pytest.raises(
        InvalidParameter, match=rf"^The provider Google does not exist for User Pool {POOL_ID}\.$"
    ):
        make({"SupportedIdentityProviders": ["COGNITO", "Google"]})


def test_known_provider_accepted() -> None:
    client = make({"SupportedIdentityProviders": ["Google", "COGNITO"]}, providers={"Google"})
    assert client["SupportedIdentityProviders"] == ["Google", "COGNITO"]


# --- OAuth --------------------------------------------------------------------------------------


def test_oauth_client_is_stored() -> None:
    client = make(
        oauth(
            LogoutURLs=["https://app.example.com/bye"],
            DefaultRedirectURI="https://app.example.com/cb",
            AllowedOAuthScopes=["openid", "email", "api/read"],
        )
    )
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthScopes"] == ["openid", "email", "api/read"]
    assert client["CallbackURLs"] == ["https://app.example.com/cb"]
    assert client["LogoutURLs"] == ["https://app.example.com/bye"]
    assert client["DefaultRedirectURI"] == "https://app.example.com/cb"


@pytest.mark.parametrize("missing", ["AllowedOAuthFlows", "AllowedOAuthScopes"])
def test_oauth_enabled_requires_flows_and_scopes(missing: str) -> None:
    request = oauth()
    del request[missing]
    with pytest.raises(InvalidParameter, match="are required if user pool client is allowed"):
        make(request)


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_callback_urls_required_for_code_and_implicit(flow: str) -> None:
    request = oauth(AllowedOAuthFlows=[flow])
    del request["CallbackURLs"]
    with pytest.raises(InvalidOAuthFlow, match="CallbackUrls can not be empty"):
        make(request)


def test_oauth_settings_without_flag_are_stored() -> None:
    request = oauth(AllowedOAuthFlowsUserPoolClient=False)
    del request["CallbackURLs"]
    client = make(request)
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert client["AllowedOAuthFlows"] == ["code"]


def test_default_redirect_uri_must_be_a_callback() -> None:
    with pytest.raises(
        InvalidParameter,
        match=r"^The default redirect URI https://other\.example\.com/cb is not in the callback "
        r"URIs list\.$",
    ):
        make(oauth(DefaultRedirectURI="https://other.example.com/cb"))


@pytest.mark.parametrize(
    "url",
    ["http://localhost", "http://localhost:3000/cb", "http://127.0.0.1:8080/", "http://[::1]/x",
     "myapp://callback", "https://example.com/cb?x=1"],
)  # fmt: skip
def test_allowed_callback_urls(url: str) -> None:
    make(oauth(CallbackURLs=[url]))


@pytest.mark.parametrize("url", ["http://example.com/cb", "http://localhost.evil.com/cb"])
def test_http_callback_rejected(url: str) -> None:
    with pytest.raises(InvalidParameter, match=f"^{url} cannot use the HTTP protocol\\.$"):
        make(oauth(CallbackURLs=[url]))


def test_http_logout_url_rejected() -> None:
    with pytest.raises(InvalidParameter, match="cannot use the HTTP protocol"):
        make(oauth(LogoutURLs=["http://example.com/bye"]))


def test_callback_fragment_rejected() -> None:
    with pytest.raises(
        InvalidParameter, match=r"^https://example\.com/cb#frag cannot use fragment$"
    ):
        make(oauth(CallbackURLs=["https://example.com/cb#frag"]))


def test_unknown_scope_rejected() -> None:
    with pytest.raises(ScopeDoesNotExist, match=r"^Invalid scope requested: api/delete$"):
        make(oauth(AllowedOAuthScopes=["openid", "api/delete"]))


def test_all_standard_scopes_accepted() -> None:
    make(oauth(AllowedOAuthScopes=sorted(c.STANDARD_SCOPES)))


def m2m(**extra: Any) -> dict[str, Any]:
    return {
        "GenerateSecret": True,
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["client_credentials"],
        "AllowedOAuthScopes": ["api/read"],
        **extra,
    }


def test_client_credentials_client() -> None:
    client = make(m2m())
    assert client["AllowedOAuthFlows"] == ["client_credentials"]
    assert "CallbackURLs" not in client


@pytest.mark.parametrize("other", ["code", "implicit"])
def test_client_credentials_is_exclusive(other: str) -> None:
    with pytest.raises(InvalidOAuthFlow, match="can not be selected along with code flow"):
        make(m2m(AllowedOAuthFlows=["client_credentials", other], CallbackURLs=["https://a.b/c"]))


def test_client_credentials_needs_secret() -> None:
    with pytest.raises(InvalidOAuthFlow, match="does not have a client secret"):
        make(m2m(GenerateSecret=False))


def test_client_credentials_with_custom_secret() -> None:
    make(m2m(GenerateSecret=False, ClientSecret="my_own_secret_value_123456789"))


@pytest.mark.parametrize("scope", sorted(c.STANDARD_SCOPES))
def test_client_credentials_only_custom_scopes(scope: str) -> None:
    with pytest.raises(
        InvalidOAuthFlow, match=f"^{scope} is not supported with client_credentials flow$"
    ):
        make(m2m(AllowedOAuthScopes=["api/read", scope]))


# --- other cross-field rules --------------------------------------------------------------------


def test_propagate_user_context_needs_secret() -> None:
    with pytest.raises(InvalidParameter, match="Client Secret is required"):
        make({"EnablePropagateAdditionalUserContextData": True})
    client = make({"EnablePropagateAdditionalUserContextData": True, "GenerateSecret": True})
    assert client["EnablePropagateAdditionalUserContextData"] is True


ARN = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"
ROLE = "arn:aws:iam::123456789012:role/pinpoint"


@pytest.mark.parametrize(
    "config",
    [
        {"ApplicationArn": ARN, "ApplicationId": "abc"},
        {"ApplicationArn": ARN, "RoleArn": ROLE},
        {"ApplicationId": "abc"},
        {"RoleArn": ROLE, "ExternalId": "x"},
    ],
)
def test_bad_analytics_configuration(config: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter, match="Invalid analytics configuration given"):
        make({"AnalyticsConfiguration": config})


@pytest.mark.parametrize(
    "config",
    [{"ApplicationArn": ARN}, {"ApplicationId": "abc", "RoleArn": ROLE, "ExternalId": "x"}],
)
def test_good_analytics_configuration(config: dict[str, Any]) -> None:
    assert make({"AnalyticsConfiguration": config})["AnalyticsConfiguration"] == config


# --- UpdateUserPoolClient -----------------------------------------------------------------------


def rich_client() -> dict[str, Any]:
    return make(
        oauth(
            GenerateSecret=True,
            AccessTokenValidity=30,
            TokenValidityUnits={"AccessToken": "minutes"},
            ReadAttributes=["email"],
            WriteAttributes=["email"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            SupportedIdentityProviders=["COGNITO"],
            LogoutURLs=["https://app.example.com/bye"],
            PreventUserExistenceErrors="ENABLED",
            EnableTokenRevocation=False,
            EnablePropagateAdditionalUserContextData=True,
            AuthSessionValidity=10,
            RefreshTokenValidity=10,
        )
    )


def test_update_resets_omitted_settings_to_defaults() -> None:
    current = rich_client()
    result = update(current, {})
    fresh = make({"GenerateSecret": True})
    for field in c.RESETTABLE_FIELDS:
        assert result.get(field) == fresh.get(field), field


def test_update_keeps_identity_name_secret_and_creation_date() -> None:
    current = rich_client()
    result = update(current, {})
    assert result["ClientId"] == CLIENT_ID
    assert result["UserPoolId"] == POOL_ID
    assert result["ClientName"] == "app"
    assert result["ClientSecret"] == SECRET
    assert result["_Secrets"] == current["_Secrets"]
    assert result["CreationDate"] == NOW
    assert result["LastModifiedDate"] == LATER


def test_update_renames_and_sets_values() -> None:
    result = update(make(), {"ClientName": "renamed", "AuthSessionValidity": 7})
    assert result["ClientName"] == "renamed"
    assert result["AuthSessionValidity"] == 7


def test_update_validates_like_create() -> None:
    with pytest.raises(InvalidOAuthFlow):
        update(make(), m2m(GenerateSecret=None))  # the client has no secret


def test_update_client_credentials_uses_existing_secret() -> None:
    current = make({"GenerateSecret": True})
    request = m2m()
    del request["GenerateSecret"]
    assert update(current, request)["AllowedOAuthFlows"] == ["client_credentials"]


def test_update_does_not_mutate_current() -> None:
    current = rich_client()
    snapshot = c.public_view(current)
    update(current, {"ClientName": "x"})
    assert c.public_view(current) == snapshot


def test_update_keep_if_omitted_preserves_named_fields() -> None:
    current = rich_client()
    result = update(current, {}, keep_if_omitted={"PreventUserExistenceErrors", "LogoutURLs"})
    assert result["PreventUserExistenceErrors"] == "ENABLED"
    assert result["LogoutURLs"] == ["https://app.example.com/bye"]
    assert result["EnableTokenRevocation"] is True  # not named: reset
    assert "CallbackURLs" not in result


# --- client secrets -----------------------------------------------------------------------------


def with_secret() -> dict[str, Any]:
    return make({"GenerateSecret": True})


SECOND = "second_secret_value_abcdefghijklmnop"


def test_add_secret_returns_descriptor_with_value() -> None:
    client, descriptor = c.add_secret(with_secret(), secret=SECOND, secret_id="s2", now=LATER)
    assert descriptor == {
        "ClientSecretId": "s2",
        "ClientSecretValue": SECOND,
        "ClientSecretCreateDate": LATER,
    }
    assert c.secret_values(client) == [SECRET, SECOND]
    assert client["ClientSecret"] == SECRET  # the public ClientSecret stays the original
    assert client["LastModifiedDate"] == LATER


def test_add_custom_secret_omits_value() -> None:
    _, descriptor = c.add_secret(
        with_secret(), secret=SECOND, secret_id="s2", now=LATER, generated=False
    )
    assert "ClientSecretValue" not in descriptor


def test_at_most_two_secrets() -> None:
    client, _ = c.add_secret(with_secret(), secret=SECOND, secret_id="s2", now=LATER)
    with pytest.raises(LimitExceeded):
        c.add_secret(client, secret="third_secret_value_abcdefghijkl", secret_id="s3", now=LATER)


def test_add_secret_to_public_client_rejected() -> None:
    with pytest.raises(InvalidParameter):
        c.add_secret(make(), secret=SECOND, secret_id="s2", now=LATER)


def test_add_secret_duplicate_id_rejected() -> None:
    first = with_secret()
    with pytest.raises(InvalidParameter):
        c.add_secret(first, secret=SECOND, secret_id=first["_Secrets"][0]["ClientSecretId"], now=1)


def test_list_secrets_never_reveals_values() -> None:
    client, _ = c.add_secret(with_secret(), secret=SECOND, secret_id="s2", now=LATER)
    assert c.list_secrets(client) == [
        {"ClientSecretId": c.secret_id_for(CLIENT_ID, NOW), "ClientSecretCreateDate": NOW},
        {"ClientSecretId": "s2", "ClientSecretCreateDate": LATER},
    ]
    assert c.list_secrets(make()) == []


def test_delete_second_secret_keeps_client_secret() -> None:
    client, _ = c.add_secret(with_secret(), secret=SECOND, secret_id="s2", now=LATER)
    result = c.delete_secret(client, "s2", now=LATER + 1)
    assert result["ClientSecret"] == SECRET
    assert c.secret_values(result) == [SECRET]
    assert result["LastModifiedDate"] == LATER + 1


def test_delete_original_secret_removes_client_secret() -> None:
    client, _ = c.add_secret(with_secret(), secret=SECOND, secret_id="s2", now=LATER)
    result = c.delete_secret(client, c.secret_id_for(CLIENT_ID, NOW), now=LATER)
    assert "ClientSecret" not in result
    assert c.secret_values(result) == [SECOND]
    assert "ClientSecret" not in update(result, {})  # and an update doesn't bring it back


def test_delete_added_secret_with_same_value_keeps_client_secret() -> None:
    client, _ = c.add_secret(with_secret(), secret=SECRET, secret_id="s2", now=LATER)
    assert c.delete_secret(client, "s2", now=LATER)["ClientSecret"] == SECRET


def test_last_secret_cannot_be_deleted() -> None:
    client = with_secret()
    with pytest.raises(InvalidParameter):
        c.delete_secret(client, client["_Secrets"][0]["ClientSecretId"], now=LATER)


def test_delete_unknown_secret() -> None:
    with pytest.raises(ResourceNotFound):
        c.delete_secret(with_secret(), "nope", now=LATER)


def test_secret_operations_do_not_mutate_input() -> None:
    client = with_secret()
    snapshot = [dict(s) for s in client["_Secrets"]]
    c.add_secret(client, secret=SECOND, secret_id="s2", now=LATER)
    assert client["_Secrets"] == snapshot
