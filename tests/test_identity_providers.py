"""Identity providers: the pure per-type rules, then the six operations over HTTP on both stores."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import error
from userpool.domain import identity_providers as idps
from userpool.domain.errors import InvalidParameter

GOOGLE = {"client_id": "1example.apps.googleusercontent.com", "client_secret": "s3cret",
          "authorize_scopes": "email profile openid"}
APPLE = {"client_id": "com.example.cognito", "team_id": "TEAM", "key_id": "KEY",
         "private_key": "-----BEGIN PRIVATE KEY-----x", "authorize_scopes": "email name"}
OIDC = {"client_id": "abc", "client_secret": "def", "authorize_scopes": "openid email",
        "oidc_issuer": "https://idp.example.com", "attributes_request_method": "GET"}
METADATA = (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:idp">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.example.com/slo"/>'
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
    'Location="https://idp.example.com/sso-post"/>'
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.example.com/sso"/>'
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
)


# == pure rules ===================================================================================
class TestNames:
    def test_social_provider_named_after_its_type(self) -> None:
        idps.check_name("Google", "Google")
        with pytest.raises(InvalidParameter) as exc:
            idps.check_name("NameOfGP", "Google")
        assert exc.value.message == "Provider NameOfGP cannot be of type Google."

    @pytest.mark.parametrize("name", ["Google", "Facebook", "COGNITO"])
    def test_reserved_names_refused_for_other_types(self, name: str) -> None:
        with pytest.raises(InvalidParameter):
            idps.check_name(name, "OIDC")

    def test_free_names_for_saml_and_oidc(self) -> None:
        idps.check_name("Okta", "SAML")
        idps.check_name("My Corp", "OIDC")


class TestDetails:
    def test_google_derived_details(self) -> None:
        details = idps.normalized_details("Google", GOOGLE)
        assert details["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
        assert details["token_url"] == "https://www.googleapis.com/oauth2/v4/token"
        assert details["oidc_issuer"] == "https://accounts.google.com"
        assert details["attributes_url_add_attributes"] == "true"
        assert details["client_secret"] == "s3cret"

    def test_derived_keys_sent_back_are_recomputed(self) -> None:
        details = idps.normalized_details("Google", {**GOOGLE, "token_url": "https://evil"})
        assert details["token_url"] == "https://www.googleapis.com/oauth2/v4/token"

    @pytest.mark.parametrize("kind,given", [
        ("Google", {"client_id": "a", "client_secret": "b"}),
        ("LoginWithAmazon", {"client_id": "a", "authorize_scopes": "profile"}),
        ("SignInWithApple", {k: v for k, v in APPLE.items() if k != "team_id"}),
        ("OIDC", {"client_id": "a", "authorize_scopes": "openid"}),
        ("SAML", {"IDPSignout": "true"}),
    ])
    def test_missing_required_details(self, kind: str, given: dict[str, str]) -> None:
        with pytest.raises(InvalidParameter):
            idps.normalized_details(kind, given)

    def test_unknown_key_refused(self) -> None:
        with pytest.raises(InvalidParameter) as exc:
            idps.normalized_details("Google", {**GOOGLE, "clientid": "x"})
        assert "clientid" in exc.value.message

    def test_facebook_versioned_endpoints(self) -> None:
        details = idps.normalized_details(
            "Facebook", {**GOOGLE, "authorize_scopes": "public_profile, email",
                         "api_version": "v17.0"})
        assert details["authorize_url"] == "https://www.facebook.com/v17.0/dialog/oauth"
        assert details["token_url"] == "https://graph.facebook.com/v17.0/oauth/access_token"
        assert details["token_request_method"] == "GET"
        with pytest.raises(InvalidParameter):
            idps.normalized_details("Facebook", {**GOOGLE, "api_version": "17"})

    def test_apple_private_key_is_write_only(self) -> None:
        details = idps.normalized_details("SignInWithApple", APPLE)
        assert details["private_key"] == APPLE["private_key"]
        assert "private_key" not in idps.public_details("SignInWithApple", details)
        assert details["token_url"] == "https://appleid.apple.com/auth/token"

    def test_oidc_defaults_and_checks(self) -> None:
        given = {k: v for k, v in OIDC.items() if k not in ("client_secret",
                                                             "attributes_request_method")}
        details = idps.normalized_details("OIDC", given)
        assert details["attributes_request_method"] == "GET"
        assert details["attributes_url_add_attributes"] == "false"
        assert "authorize_url" not in details  # no discovery: stored as given
        with pytest.raises(InvalidParameter):
            idps.normalized_details("OIDC", {**OIDC, "attributes_request_method": "PUT"})
        with pytest.raises(InvalidParameter):
            idps.normalized_details("OIDC", {**OIDC, "oidc_issuer": "idp.example.com"})

    def test_saml_metadata_file_parsed_locally(self) -> None:
        details = idps.normalized_details("SAML", {"MetadataFile": METADATA, "IDPSignout": "true"})
        assert details["SSORedirectBindingURI"] == "https://idp.example.com/sso"
        assert details["SLORedirectBindingURI"] == "https://idp.example.com/slo"

    @pytest.mark.parametrize("given", [
        {"MetadataFile": "not xml"},
        {"MetadataFile": "<a/>"},
        {"MetadataURL": "https://x/md", "MetadataFile": METADATA},
        {"MetadataURL": "ftp://x/md"},
        {"MetadataURL": "https://x/md", "IDPSignout": "yes"},
        {"MetadataURL": "https://x/md", "RequestSigningAlgorithm": "rsa-sha1"},
    ])
    def test_saml_rules(self, given: dict[str, str]) -> None:
        with pytest.raises(InvalidParameter):
            idps.normalized_details("SAML", given)

    def test_update_merges_and_keeps_hidden_secret(self) -> None:
        stored = idps.normalized_details("SignInWithApple", APPLE)
        merged = idps.merged_details("SignInWithApple", stored, {"key_id": "NEWKEY"})
        assert merged["key_id"] == "NEWKEY"
        assert merged["private_key"] == APPLE["private_key"]

    def test_saml_update_switches_metadata_source(self) -> None:
        stored = idps.normalized_details("SAML", {"MetadataFile": METADATA})
        merged = idps.merged_details("SAML", stored, {"MetadataURL": "https://idp/md"})
        assert merged == {"MetadataURL": "https://idp/md"}


class TestMappingAndIdentifiers:
    def test_attribute_mapping(self) -> None:
        idps.check_attribute_mapping({"email": "email", "username": "sub",
                                      "custom:dept": "dept"}, ["email", "sub", "custom:dept"])
        for bad in ({"sub": "id"}, {"nosuch": "x"}):
            with pytest.raises(InvalidParameter):
                idps.check_attribute_mapping(bad, ["email", "sub"])

    def test_identifiers_unique_within_provider(self) -> None:
        idps.check_identifiers(["a", "b"])
        with pytest.raises(InvalidParameter):
            idps.check_identifiers(["a", "a"])


# == operations over HTTP =========================================================================


def create_saml(cognito: Any, pool_id: str, name: str = "Okta", **extra: Any) -> dict[str, Any]:
    return cognito.create_identity_provider(
        UserPoolId=pool_id, ProviderName=name, ProviderType="SAML",
        ProviderDetails={"MetadataURL": "https://idp.example.com/md"}, **extra,
    )["IdentityProvider"]


class TestCreateAndDescribe:
    def test_google_round_trip(self, cognito: Any, pool_id: str) -> None:
        created = cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
            ProviderDetails=GOOGLE, AttributeMapping={"email": "email", "username": "sub"},
        )["IdentityProvider"]
        assert created["UserPoolId"] == pool_id
        assert created["ProviderDetails"]["authorize_url"].startswith("https://accounts.google")
        assert created["IdpIdentifiers"] == []
        assert created["CreationDate"] == created["LastModifiedDate"]
        described = cognito.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")
        assert described["IdentityProvider"] == created

    def test_apple_private_key_never_returned(self, cognito: Any, pool_id: str) -> None:
        created = cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName="SignInWithApple", ProviderType="SignInWithApple",
            ProviderDetails=APPLE)["IdentityProvider"]
        assert "private_key" not in created["ProviderDetails"]
        described = cognito.describe_identity_provider(
            UserPoolId=pool_id, ProviderName="SignInWithApple")["IdentityProvider"]
        assert "private_key" not in described["ProviderDetails"]
        assert described["ProviderDetails"]["team_id"] == "TEAM"

    def test_social_name_must_match_type(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.create_identity_provider(UserPoolId=pool_id, ProviderName="NameOfGP",
                                             ProviderType="Google", ProviderDetails=GOOGLE)
        assert error(exc) == ("InvalidParameterException",
                              "Provider NameOfGP cannot be of type Google.")

    def test_missing_details(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.create_identity_provider(UserPoolId=pool_id, ProviderName="Corp",
                                             ProviderType="OIDC",
                                             ProviderDetails={"client_id": "x"})
        assert error(exc)[0] == "InvalidParameterException"

    def test_duplicate_name(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id)
        with pytest.raises(ClientError) as exc:
            create_saml(cognito, pool_id)
        assert error(exc) == ("DuplicateProviderException",
                              f"Okta already exists in user pool {pool_id}.")

    def test_attribute_mapping_to_unknown_attribute(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            create_saml(cognito, pool_id, AttributeMapping={"nosuch": "x"})
        assert error(exc)[0] == "InvalidParameterException"

    def test_identifier_unique_in_pool(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id, "Okta", IdpIdentifiers=["example.com"])
        with pytest.raises(ClientError) as exc:
            create_saml(cognito, pool_id, "Azure", IdpIdentifiers=["example.com"])
        assert error(exc)[0] == "InvalidParameterException"
        # nothing of the failed create was kept
        with pytest.raises(ClientError):
            cognito.describe_identity_provider(UserPoolId=pool_id, ProviderName="Azure")

    def test_unknown_pool(self, cognito: Any) -> None:
        with pytest.raises(ClientError) as exc:
            create_saml(cognito, "us-east-1_nope00000")
        assert error(exc) == ("ResourceNotFoundException",
                              "User pool us-east-1_nope00000 does not exist.")

    def test_bad_enum(self, server: Any, pool_id: str) -> None:
        status, _h, body = server.raw("CreateIdentityProvider", (
            f'{{"UserPoolId": "{pool_id}", "ProviderName": "Corp", "ProviderType": "LDAP",'
            ' "ProviderDetails": {}}'))
        assert status == 400
        assert body["__type"] == "InvalidParameterException"
        assert "'providerType'" in body["message"]

    def test_describe_unknown(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.describe_identity_provider(UserPoolId=pool_id, ProviderName="Nope")
        assert error(exc)[0] == "ResourceNotFoundException"

    def test_describe_missing_required(self, server: Any) -> None:
        status, _h, body = server.raw("DescribeIdentityProvider", '{"UserPoolId": "us-east-1_a"}')
        assert status == 400
        assert "'providerName'" in body["message"]

    def test_cli(self, server: Any, pool_id: str) -> None:
        server.cli("create-identity-provider", "--user-pool-id", pool_id, "--provider-name",
                   "Corp", "--provider-type", "OIDC", "--provider-details",
                   "client_id=a,authorize_scopes=openid,oidc_issuer=https://idp.example.com",
                   check=True)
        result = server.cli("describe-identity-provider", "--user-pool-id", pool_id,
                            "--provider-name", "Corp", check=True)
        assert '"oidc_issuer": "https://idp.example.com"' in result.stdout


class TestUpdate:
    def test_merges_details_and_replaces_lists(self, cognito: Any, pool_id: str) -> None:
        created = create_saml(cognito, pool_id, IdpIdentifiers=["a.com"],
                              AttributeMapping={"email": "mail"})
        updated = cognito.update_identity_provider(
            UserPoolId=pool_id, ProviderName="Okta", ProviderDetails={"IDPSignout": "true"},
            IdpIdentifiers=["b.com"], AttributeMapping={"name": "cn"},
        )["IdentityProvider"]
        assert updated["ProviderDetails"] == {"MetadataURL": "https://idp.example.com/md",
                                              "IDPSignout": "true"}
        assert updated["IdpIdentifiers"] == ["b.com"]
        assert updated["AttributeMapping"] == {"name": "cn"}
        assert updated["CreationDate"] == created["CreationDate"]
        assert updated["LastModifiedDate"] >= created["LastModifiedDate"]
        assert cognito.describe_identity_provider(
            UserPoolId=pool_id, ProviderName="Okta")["IdentityProvider"] == updated
        found = cognito.get_identity_provider_by_identifier(UserPoolId=pool_id,
                                                            IdpIdentifier="b.com")
        assert found["IdentityProvider"]["ProviderName"] == "Okta"
        with pytest.raises(ClientError):
            cognito.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="a.com")

    def test_omitted_members_kept(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id, IdpIdentifiers=["a.com"], AttributeMapping={"email": "m"})
        updated = cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Okta")
        assert updated["IdentityProvider"]["IdpIdentifiers"] == ["a.com"]
        assert updated["IdentityProvider"]["AttributeMapping"] == {"email": "m"}

    def test_identifier_taken_by_another_provider(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id, "Okta", IdpIdentifiers=["a.com"])
        create_saml(cognito, pool_id, "Azure", IdpIdentifiers=["b.com"])
        with pytest.raises(ClientError) as exc:
            cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Azure",
                                             IdpIdentifiers=["a.com"])
        assert error(exc)[0] == "InvalidParameterException"
        # rolled back: Azure keeps b.com
        found = cognito.get_identity_provider_by_identifier(UserPoolId=pool_id,
                                                            IdpIdentifier="b.com")
        assert found["IdentityProvider"]["ProviderName"] == "Azure"

    def test_invalid_details(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id)
        with pytest.raises(ClientError) as exc:
            cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Okta",
                                             ProviderDetails={"EncryptedResponses": "maybe"})
        assert error(exc)[0] == "InvalidParameterException"

    def test_unknown_provider(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Nope",
                                             ProviderDetails={})
        assert error(exc)[0] == "ResourceNotFoundException"


class TestDelete:
    def test_delete_frees_name_and_identifiers(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id, IdpIdentifiers=["a.com"])
        cognito.delete_identity_provider(UserPoolId=pool_id, ProviderName="Okta")
        with pytest.raises(ClientError) as exc:
            cognito.describe_identity_provider(UserPoolId=pool_id, ProviderName="Okta")
        assert error(exc)[0] == "ResourceNotFoundException"
        create_saml(cognito, pool_id, "Azure", IdpIdentifiers=["a.com"])

    def test_delete_unknown(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.delete_identity_provider(UserPoolId=pool_id, ProviderName="Nope")
        assert error(exc)[0] == "ResourceNotFoundException"

    def test_delete_unknown_pool(self, cognito: Any) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.delete_identity_provider(UserPoolId="us-east-1_nope00000", ProviderName="X")
        assert error(exc)[0] == "ResourceNotFoundException"


class TestListAndIdentifier:
    def test_pagination(self, cognito: Any, pool_id: str) -> None:
        names = [f"Idp{i:02d}" for i in range(5)]
        for name in names:
            create_saml(cognito, pool_id, name)
        seen: list[str] = []
        token = None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = cognito.list_identity_providers(UserPoolId=pool_id, MaxResults=2, **kwargs)
            assert len(page["Providers"]) <= 2
            seen += [p["ProviderName"] for p in page["Providers"]]
            assert set(page["Providers"][0]) == {"ProviderName", "ProviderType",
                                                 "LastModifiedDate", "CreationDate"}
            token = page.get("NextToken")
            if not token:
                break
        assert seen == names
        everything = cognito.list_identity_providers(UserPoolId=pool_id)
        assert [p["ProviderName"] for p in everything["Providers"]] == names
        assert "NextToken" not in everything

    def test_forged_token(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.list_identity_providers(UserPoolId=pool_id, MaxResults=2, NextToken="bogus")
        assert error(exc)[0] == "InvalidParameterException"

    def test_out_of_range(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.list_identity_providers(UserPoolId=pool_id, MaxResults=61)
        assert error(exc)[0] == "InvalidParameterException"

    def test_list_unknown_pool(self, cognito: Any) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.list_identity_providers(UserPoolId="us-east-1_nope00000", MaxResults=5)
        assert error(exc)[0] == "ResourceNotFoundException"

    def test_get_by_identifier(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id, IdpIdentifiers=["example.com", "corp"])
        found = cognito.get_identity_provider_by_identifier(UserPoolId=pool_id,
                                                            IdpIdentifier="corp")
        assert found["IdentityProvider"]["ProviderName"] == "Okta"
        with pytest.raises(ClientError) as exc:
            cognito.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="nope")
        assert error(exc)[0] == "ResourceNotFoundException"

    def test_get_by_identifier_bad_pattern(self, cognito: Any, pool_id: str) -> None:
        with pytest.raises(ClientError) as exc:
            cognito.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="a/b")
        assert error(exc)[0] == "InvalidParameterException"

    def test_provider_names_helper_sees_providers(self, cognito: Any, pool_id: str) -> None:
        create_saml(cognito, pool_id)
        # an app client can name the IdP in SupportedIdentityProviders once it exists
        client = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c",
                                                 SupportedIdentityProviders=["Okta"])
        assert client["UserPoolClient"]["SupportedIdentityProviders"] == ["Okta"]
