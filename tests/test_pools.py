"""User pools over HTTP (both stores): CreateUserPool, DescribeUserPool, UpdateUserPool,
DeleteUserPool, ListUserPools, AddCustomAttributes.

Sources of AWS's behaviour: shared/reference/cognito.md §1 and docs/update-user-pool.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import REGION, Server, error

MISSING_POOL = "us-east-1_Missing000"
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms-role", "ExternalId": "ext-1"}
SES_ARN = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READ_ONLY = (
    "Id", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "SchemaAttributes",
    "Domain", "CustomDomain", "EmailConfigurationFailure", "SmsConfigurationFailure", "Status",
    # create-only (not members of UpdateUserPoolRequest):
    "AliasAttributes", "UsernameAttributes", "UsernameConfiguration",
)

# What DescribeUserPool returns for a pool created with only a name (reference §1.7).
DEFAULT_INVITE = "Your username is {username} and temporary password is {####}. "
FRESH_POOL: dict[str, Any] = {
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
            "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
        },
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
    },
    "DeletionProtection": "INACTIVE",
    "LambdaConfig": {},
    "SmsVerificationMessage": "Your verification code is {####}. ",
    "EmailVerificationMessage": "Your verification code is {####}. ",
    "EmailVerificationSubject": "Your verification code",
    "VerificationMessageTemplate": {
        "SmsMessage": "Your verification code is {####}. ",
        "EmailMessage": "Your verification code is {####}. ",
        "EmailSubject": "Your verification code",
        "EmailMessageByLink":
            "Please click the link below to verify your email address. {##Verify Email##} ",
        "EmailSubjectByLink": "Your verification link",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    },
    "SmsAuthenticationMessage": "Your authentication code is {####}. ",
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []},
    "MfaConfiguration": "OFF",
    "EstimatedNumberOfUsers": 0,
    "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
    "UserPoolTags": {},
    "AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": False,
        "UnusedAccountValidityDays": 7,
        "InviteMessageTemplate": {
            "SMSMessage": DEFAULT_INVITE,
            "EmailMessage": DEFAULT_INVITE,
            "EmailSubject": "Your temporary password",
        },
    },
    "UsernameConfiguration": {"CaseSensitive": True},
    "UserPoolTier": "ESSENTIALS",
}


def _string_attribute(name: str, low: str = "0", high: str = "2048", **flags: bool) -> dict:
    return {
        "Name": name, "AttributeDataType": "String", "DeveloperOnlyAttribute": False,
        "Mutable": flags.get("mutable", True), "Required": flags.get("required", False),
        "StringAttributeConstraints": {"MinLength": low, "MaxLength": high},
    }


def _boolean_attribute(name: str) -> dict:
    return {"Name": name, "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False,
            "Mutable": True, "Required": False}


STANDARD_SCHEMA = [
    _string_attribute("sub", "1", mutable=False, required=True),
    *[_string_attribute(n) for n in (
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "email")],
    _boolean_attribute("email_verified"),
    _string_attribute("gender"),
    _string_attribute("birthdate", "10", "10"),
    _string_attribute("zoneinfo"),
    _string_attribute("locale"),
    _string_attribute("phone_number"),
    _boolean_attribute("phone_number_verified"),
    _string_attribute("address"),
    {"Name": "updated_at", "AttributeDataType": "Number", "DeveloperOnlyAttribute": False,
     "Mutable": True, "Required": False, "NumberAttributeConstraints": {"MinValue": "0"}},
]






def describe(cognito: Any, pool_id: str) -> dict[str, Any]:
    return cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def name() -> str:
    return f"pool-{uuid.uuid4().hex[:8]}"


def create(cognito: Any, **kwargs: Any) -> dict[str, Any]:
    return cognito.create_user_pool(PoolName=kwargs.pop("PoolName", name()), **kwargs)["UserPool"]


def rejected(call: Callable[..., Any], **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return error(exc)


def update_rejected(cognito: Any, pool_id: str, **kwargs: Any) -> tuple[str, str]:
    """The error of an UpdateUserPool, after checking that it changed nothing."""
    before = describe(cognito, pool_id)
    result = rejected(cognito.update_user_pool, UserPoolId=pool_id, **kwargs)
    assert describe(cognito, pool_id) == before
    return result


def validation(value: str, member: str, constraint: str) -> str:
    return (f"1 validation error detected: Value {value} at '{member}' failed to satisfy "
            f"constraint: {constraint}")


def tier_message(tier: str, *features: str) -> str:
    return (f"The following features need to be disabled for the {tier} pricing tier "
            f"configured: {', '.join(features)}")


def updatable(pool: dict[str, Any]) -> dict[str, Any]:
    """DescribeUserPool's output as an UpdateUserPool request (the DG's round trip)."""
    request = {k: v for k, v in pool.items() if k not in READ_ONLY and k != "Name"}
    return {**request, "UserPoolId": pool["Id"], "PoolName": pool["Name"]}


# -- CreateUserPool / DescribeUserPool ----------------------------------------------------------
def test_fresh_pool_has_every_default(cognito: Any) -> None:
    before = dt.datetime.now(dt.UTC)
    created = create(cognito, PoolName="defaults")
    pool = describe(cognito, created["Id"])
    assert pool == created
    assert pool["Name"] == "defaults"
    assert pool["Id"].startswith(f"{REGION}_")
    assert pool["Arn"] == f"arn:aws:cognito-idp:{REGION}:123456789012:userpool/{pool['Id']}"
    assert pool["CreationDate"] == pool["LastModifiedDate"]
    assert before - dt.timedelta(seconds=5) <= pool["CreationDate"]
    assert pool["CreationDate"] <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    assert pool["SchemaAttributes"] == STANDARD_SCHEMA
    rest = {k: v for k, v in pool.items()
            if k not in ("Id", "Name", "Arn", "CreationDate", "LastModifiedDate",
                         "SchemaAttributes")}
    assert rest == FRESH_POOL
    assert "AccountRecoverySetting" not in pool  # legacy recovery rule, shown as nothing


def test_create_user_pool_applies_every_option(cognito: Any) -> None:
    options = {
        "Policies": {"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": False,
                                        "PasswordHistorySize": 3}},
        "DeletionProtection": "ACTIVE",
        "LambdaConfig": {"PreSignUp": LAMBDA + "pre", "KMSKeyID": KMS,
                         "CustomEmailSender": {"LambdaVersion": "V1_0",
                                               "LambdaArn": LAMBDA + "mail"}},
        "AutoVerifiedAttributes": ["email"],
        "UsernameAttributes": ["email"],
        "SmsAuthenticationMessage": "MFA {####}",
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True},
        "EmailConfiguration": {"EmailSendingAccount": "DEVELOPER", "SourceArn": SES_ARN},
        "SmsConfiguration": SMS,
        "UserPoolTags": {"team": "a"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]},
        "UserPoolTier": "PLUS",
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
    }
    pool = describe(cognito, create(cognito, **options)["Id"])
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 10, "RequireUppercase": True, "RequireLowercase": True,
        "RequireNumbers": True, "RequireSymbols": False, "TemporaryPasswordValidityDays": 7,
        "PasswordHistorySize": 3,
    }
    for key in ("DeletionProtection", "AutoVerifiedAttributes", "UsernameAttributes",
                "SmsAuthenticationMessage", "UserAttributeUpdateSettings", "DeviceConfiguration",
                "EmailConfiguration", "SmsConfiguration", "UserPoolTags", "UsernameConfiguration",
                "AccountRecoverySetting", "UserPoolTier", "UserPoolAddOns"):
        assert pool[key] == options[key], key
    assert pool["LambdaConfig"] == options["LambdaConfig"]
    assert pool["AdminCreateUserConfig"] == {
        **FRESH_POOL["AdminCreateUserConfig"], "AllowAdminCreateUserOnly": True}
    assert "AliasAttributes" not in pool


def test_create_user_pool_missing_name_and_bad_values(loose: Any) -> None:
    assert rejected(loose.create_user_pool) == (
        "InvalidParameterException",
        validation("null", "poolName", "Member must not be null"),
    )
    assert rejected(loose.create_user_pool, PoolName="x", MfaConfiguration="SOMETIMES") == (
        "InvalidParameterException",
        validation("'SOMETIMES'", "mfaConfiguration",
                   "Member must satisfy enum value set: [OFF, ON, OPTIONAL]"),
    )
    code, message = rejected(loose.create_user_pool, PoolName="x" * 129)
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 128" in message
    code, message = rejected(loose.create_user_pool, PoolName="x",
                             Policies={"PasswordPolicy": {"MinimumLength": 100}})
    assert (code, message) == ("InvalidParameterException", validation(
        "'100'", "policies.passwordPolicy.minimumLength",
        "Member must have value less than or equal to 99"))


def test_describe_unknown_pool_and_missing_id(cognito: Any, loose: Any) -> None:
    assert rejected(cognito.describe_user_pool, UserPoolId=MISSING_POOL) == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert rejected(loose.describe_user_pool) == (
        "InvalidParameterException", validation("null", "userPoolId", "Member must not be null"))
    code, message = rejected(loose.describe_user_pool, UserPoolId="no-underscore")
    assert code == "InvalidParameterException"
    assert "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+" in message


def test_create_merges_schema_with_standard_and_custom_attributes(cognito: Any) -> None:
    pool = create(cognito, Schema=[
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True,
         "StringAttributeConstraints": {"MinLength": "5", "MaxLength": "320"}},
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": False,
         "StringAttributeConstraints": {"MaxLength": "36"}},
        {"Name": "custom:level", "AttributeDataType": "Number",
         "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"}},
        {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        {"Name": "born", "AttributeDataType": "DateTime"},
        {"Name": "vip", "AttributeDataType": "Boolean"},
    ])
    schema = describe(cognito, pool["Id"])["SchemaAttributes"]
    assert [a["Name"] for a in schema[:20]] == [a["Name"] for a in STANDARD_SCHEMA]
    email = next(a for a in schema if a["Name"] == "email")
    assert email == {**_string_attribute("email", "5", "320"), "Required": True}
    assert schema[20:] == [
        {"Name": "custom:tenant", "AttributeDataType": "String", "DeveloperOnlyAttribute": False,
         "Mutable": False, "Required": False, "StringAttributeConstraints": {"MaxLength": "36"}},
        {"Name": "custom:level", "AttributeDataType": "Number", "DeveloperOnlyAttribute": False,
         "Mutable": True, "Required": False,
         "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"}},
        {"Name": "dev:custom:secret", "AttributeDataType": "String",
         "DeveloperOnlyAttribute": True, "Mutable": True, "Required": False,
         "StringAttributeConstraints": {}},
        {"Name": "custom:born", "AttributeDataType": "DateTime", "DeveloperOnlyAttribute": False,
         "Mutable": True, "Required": False},
        {"Name": "custom:vip", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False,
         "Mutable": True, "Required": False},
    ]


@pytest.mark.parametrize(("schema", "message"), [
    ([{"Name": "email", "AttributeDataType": "Number"}],
     "You can not change AttributeDataType or set developerOnlyAttribute for standard schema "
     "attribute email"),
    ([{"Name": "email", "DeveloperOnlyAttribute": True}],
     "You can not change AttributeDataType or set developerOnlyAttribute for standard schema "
     "attribute email"),
    ([{"Name": "level", "AttributeDataType": "String", "Required": True}],
     "Required custom attributes are not supported currently."),
    ([{"Name": "level", "AttributeDataType": "String"},
      {"Name": "custom:level", "AttributeDataType": "String"}],
     "custom:level: Existing attribute already has name custom:level."),
    ([{"Name": "level", "AttributeDataType": "String",
       "StringAttributeConstraints": {"MinLength": "10", "MaxLength": "5"}}],
     "user.custom:level: Max length cannot be less than min length."),
    ([{"Name": "level", "AttributeDataType": "String",
       "StringAttributeConstraints": {"MaxLength": "2049"}}],
     "user.custom:level: String attributes cannot have a length of more than 2048"),
], ids=["standard-type", "standard-dev-only", "required-custom", "duplicate", "min-max",
        "too-long"])
def test_create_rejects_bad_schema(cognito: Any, schema: list[dict], message: str) -> None:
    assert rejected(cognito.create_user_pool, PoolName=name(), Schema=schema) == (
        "InvalidParameterException", message)


def test_create_schema_bad_enum_and_long_name(loose: Any) -> None:
    code, message = rejected(loose.create_user_pool, PoolName="x",
                             Schema=[{"Name": "a", "AttributeDataType": "Float"}])
    assert code == "InvalidParameterException"
    assert "schema.1.member.attributeDataType" in message
    assert "Member must satisfy enum value set" in message
    code, message = rejected(loose.create_user_pool, PoolName="x",
                             Schema=[{"Name": "phone_number_verified_", "AttributeDataType":
                                      "String"}])
    assert message == validation("'phone_number_verified_'", "schema.1.member.name",
                                 "Member must have length less than or equal to 20")


def test_username_attributes_and_alias_attributes(cognito: Any) -> None:
    assert rejected(cognito.create_user_pool, PoolName=name(), UsernameAttributes=["email"],
                    AliasAttributes=["phone_number"]) == (
        "InvalidParameterException",
        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
    by_alias = describe(cognito, create(cognito, AliasAttributes=["email", "preferred_username"])
                        ["Id"])
    assert by_alias["AliasAttributes"] == ["email", "preferred_username"]
    assert "UsernameAttributes" not in by_alias
    by_username = describe(cognito, create(cognito, UsernameAttributes=["phone_number"])["Id"])
    assert by_username["UsernameAttributes"] == ["phone_number"]
    assert "AliasAttributes" not in by_username


def test_tier_defaults_and_gates_on_create(cognito: Any) -> None:
    # Threat protection picks PLUS when no tier is given (reference §7.4).
    assert create(cognito, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})["UserPoolTier"] == \
        "PLUS"
    assert create(cognito, UserPoolTier="LITE")["UserPoolTier"] == "LITE"
    plus = create(cognito, UserPoolTier="PLUS", UserPoolAddOns={
        "AdvancedSecurityMode": "ENFORCED",
        "AdvancedSecurityAdditionalFlows": {"CustomAuthMode": "AUDIT"}})
    assert plus["UserPoolAddOns"]["AdvancedSecurityAdditionalFlows"] == {"CustomAuthMode": "AUDIT"}
    # Essentials features (passwordless, access-token customisation) are fine on ESSENTIALS.
    essentials = create(cognito, Policies={"SignInPolicy": {
        "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        LambdaConfig={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                                   "LambdaArn": LAMBDA + "token"}})
    assert essentials["UserPoolTier"] == "ESSENTIALS"

    cases = [
        ({"UserPoolTier": "ESSENTIALS", "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}},
         tier_message("ESSENTIALS", "Threat Protection")),
        ({"UserPoolTier": "LITE", "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}},
         tier_message("LITE", "Threat Protection")),
        ({"UserPoolTier": "LITE", "Policies": {"SignInPolicy": {
            "AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}}},
         tier_message("LITE", "Passwordless Sign-in")),
        ({"UserPoolTier": "LITE", "LambdaConfig": {"PreTokenGenerationConfig": {
            "LambdaVersion": "V3_0", "LambdaArn": LAMBDA + "token"}}},
         tier_message("LITE", "Access Token Customization")),
        ({"UserPoolTier": "LITE", "Policies": {"PasswordPolicy": {"PasswordHistorySize": 5}}},
         tier_message("LITE", "Password History")),
    ]
    for options, message in cases:
        assert rejected(cognito.create_user_pool, PoolName=name(), **options) == (
            "FeatureUnavailableInTierException", message), options


def test_create_with_mfa_needs_sms_configuration(cognito: Any) -> None:
    message = ("SMS configuration and Auto verification for phone_number are required when MFA "
               "is required/optional")
    for mfa in ("ON", "OPTIONAL"):
        assert rejected(cognito.create_user_pool, PoolName=name(), MfaConfiguration=mfa) == (
            "InvalidParameterException", message)
    pool = create(cognito, MfaConfiguration="ON", SmsConfiguration=SMS)
    assert pool["MfaConfiguration"] == "ON"
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool["Id"])["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Your authentication code is {####}. ",
        "SmsConfiguration": SMS,
    }


@pytest.mark.parametrize(("options", "message"), [
    ({"AutoVerifiedAttributes": ["phone_number"],
      "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}},
     "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
     "AutoVerifiedAttributes"),
    ({"Policies": {"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}},
      "AdminCreateUserConfig": {"UnusedAccountValidityDays": 5}},
     "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
     "UnusedAccountValidityDays"),
    ({"MfaConfiguration": "ON", "SmsConfiguration": SMS,
      "AccountRecoverySetting": {"RecoveryMechanisms": [
          {"Priority": 1, "Name": "verified_phone_number"}]}},
     "Invalid account recovery setting parameter. Account Recovery Setting cannot use "
     "verified_phone_number as a recovery mechanism when SMS MFA is configured."),
    ({"AdminCreateUserConfig": {"InviteMessageTemplate": {"EmailMessage": "Password {####}"}}},
     "The invitation EmailMessage must contain the {username} and {####} placeholders."),
], ids=["verify-before-update", "temporary-days", "recovery-phone", "invite-placeholders"])
def test_create_cross_field_rules(cognito: Any, options: dict, message: str) -> None:
    assert rejected(cognito.create_user_pool, PoolName=name(), **options) == (
        "InvalidParameterException", message)


def test_create_and_describe_through_the_aws_cli(server: Server) -> None:
    created = server.cli("create-user-pool", "--pool-name", "from-cli", check=True)
    pool = json.loads(created.stdout)["UserPool"]
    assert pool["Name"] == "from-cli"
    assert pool["MfaConfiguration"] == "OFF"
    assert isinstance(pool["CreationDate"], (int, float, str))
    described = server.cli("describe-user-pool", "--user-pool-id", pool["Id"], check=True)
    assert json.loads(described.stdout)["UserPool"] == pool
    failed = server.cli("describe-user-pool", "--user-pool-id", MISSING_POOL)
    assert failed.returncode in (254, 255)
    assert failed.stderr.strip() == (
        "An error occurred (ResourceNotFoundException) when calling the DescribeUserPool "
        f"operation: User pool {MISSING_POOL} does not exist.")


# -- LastModifiedDate ---------------------------------------------------------------------------
def test_last_modified_moves_on_every_change_and_creation_date_does_not(
    cognito: Any, pool: dict[str, Any]
) -> None:
    pool_id = pool["Id"]
    seen = [describe(cognito, pool_id)]
    changes: list[Callable[[], Any]] = [
        lambda: cognito.update_user_pool(UserPoolId=pool_id, PoolName="renamed"),
        lambda: cognito.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "x", "AttributeDataType": "String"}]),
        lambda: cognito.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
            SoftwareTokenMfaConfiguration={"Enabled": True}),
    ]
    for change in changes:
        change()
        seen.append(describe(cognito, pool_id))
    for earlier, later in itertools.pairwise(seen):
        assert later["LastModifiedDate"] > earlier["LastModifiedDate"]
        assert later["CreationDate"] == pool["CreationDate"]
    # A rejected change moves nothing.
    rejected(cognito.update_user_pool, UserPoolId=pool_id,
             EmailConfiguration={"EmailSendingAccount": "DEVELOPER"})
    assert describe(cognito, pool_id) == seen[-1]


# -- UpdateUserPool: what an omitted option becomes --------------------------------------------
PRESERVED: list[tuple[str, dict[str, Any]]] = [
    ("Policies", {"Policies": {
        "PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": False,
                           "RequireLowercase": True, "RequireNumbers": True,
                           "RequireSymbols": False, "TemporaryPasswordValidityDays": 3},
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}}),
    ("DeletionProtection", {"DeletionProtection": "ACTIVE"}),
    ("MfaConfiguration", {"MfaConfiguration": "ON", "SmsConfiguration": SMS}),
    ("VerificationMessageTemplate", {"VerificationMessageTemplate": {
        "SmsMessage": "SMS code {####}", "EmailMessage": "Mail code {####}",
        "EmailSubject": "Code", "EmailMessageByLink": "Click {##here##}",
        "EmailSubjectByLink": "Link", "DefaultEmailOption": "CONFIRM_WITH_LINK"}}),
    ("AccountRecoverySetting", {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Priority": 1, "Name": "verified_phone_number"},
        {"Priority": 2, "Name": "verified_email"}]}}),
    ("EmailConfiguration", {"EmailConfiguration": {
        "EmailSendingAccount": "DEVELOPER", "SourceArn": SES_ARN, "From": "Me <me@example.com>",
        "ReplyToEmailAddress": "help@example.com", "ConfigurationSet": "set-1"}}),
    ("SmsConfiguration", {"SmsConfiguration": {**SMS, "SnsRegion": "us-west-2"}}),
    ("UserPoolTier", {"UserPoolTier": "LITE"}),
    ("Name", {"PoolName": "kept-name"}),
]
RESET: list[tuple[str, dict[str, Any]]] = [
    ("LambdaConfig", {"LambdaConfig": {"PreSignUp": LAMBDA + "pre",
                                       "PostConfirmation": LAMBDA + "post"}}),
    ("AutoVerifiedAttributes", {"AutoVerifiedAttributes": ["email", "phone_number"]}),
    ("SmsAuthenticationMessage", {"SmsAuthenticationMessage": "Your MFA code: {####}"}),
    ("DeviceConfiguration", {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True,
                                                     "DeviceOnlyRememberedOnUserPrompt": True}}),
    ("UserPoolTags", {"UserPoolTags": {"team": "games"}}),
    ("AdminCreateUserConfig", {"AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": True,
        "InviteMessageTemplate": {"SMSMessage": "Hi {username}, {####}",
                                  "EmailMessage": "Hello {username}: {####}",
                                  "EmailSubject": "Welcome"}}}),
    ("UserPoolAddOns", {"UserPoolTier": "PLUS",
                        "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}),
]


@pytest.mark.parametrize(("field", "options"), PRESERVED, ids=[f for f, _ in PRESERVED])
def test_update_keeps_omitted_option(cognito: Any, field: str, options: dict) -> None:
    pool_id = create(cognito, **options)["Id"]
    before = describe(cognito, pool_id)
    assert before[field] != FRESH_POOL.get(field)
    cognito.update_user_pool(UserPoolId=pool_id)
    after = describe(cognito, pool_id)
    assert after[field] == before[field]
    if field == "VerificationMessageTemplate":  # the legacy names mirror the template
        assert after["SmsVerificationMessage"] == "SMS code {####}"
        assert after["EmailVerificationMessage"] == "Mail code {####}"
        assert after["EmailVerificationSubject"] == "Code"


@pytest.mark.parametrize(("field", "options"), RESET, ids=[f for f, _ in RESET])
def test_update_resets_omitted_option(cognito: Any, field: str, options: dict) -> None:
    fresh = create(cognito)
    pool_id = create(cognito, **options)["Id"]
    assert describe(cognito, pool_id).get(field) != fresh.get(field)
    cognito.update_user_pool(UserPoolId=pool_id)
    assert describe(cognito, pool_id).get(field) == fresh.get(field)


def test_update_keeps_each_policy_when_only_the_other_is_given(cognito: Any) -> None:
    pool_id = create(cognito, Policies={
        "PasswordPolicy": {"MinimumLength": 12},
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}})["Id"]
    cognito.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {
        "MinimumLength": 9}})
    policies = describe(cognito, pool_id)["Policies"]
    assert policies["PasswordPolicy"]["MinimumLength"] == 9
    assert policies["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}
    cognito.update_user_pool(UserPoolId=pool_id, Policies={"SignInPolicy": {
        "AllowedFirstAuthFactors": ["PASSWORD"]}})
    policies = describe(cognito, pool_id)["Policies"]
    assert policies["PasswordPolicy"]["MinimumLength"] == 9
    assert policies["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}


def test_update_keeps_user_attribute_update_settings(cognito: Any) -> None:
    pool_id = create(cognito, AutoVerifiedAttributes=["email"], UserAttributeUpdateSettings={
        "AttributesRequireVerificationBeforeUpdate": ["email"]})["Id"]
    # Omitting both: the kept setting no longer fits the reset AutoVerifiedAttributes
    # (measured, aws-cli#7151).
    assert update_rejected(cognito, pool_id) == (
        "InvalidParameterException",
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
        "AutoVerifiedAttributes")
    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    assert describe(cognito, pool_id)["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}


def test_update_legacy_verification_fields_set_the_template(cognito: Any, pool_id: str) -> None:
    cognito.update_user_pool(UserPoolId=pool_id, SmsVerificationMessage="Old SMS {####}",
                             EmailVerificationMessage="Old mail {####}",
                             EmailVerificationSubject="Old subject")
    pool = describe(cognito, pool_id)
    assert pool["VerificationMessageTemplate"] == {
        **FRESH_POOL["VerificationMessageTemplate"], "SmsMessage": "Old SMS {####}",
        "EmailMessage": "Old mail {####}", "EmailSubject": "Old subject"}
    assert pool["SmsVerificationMessage"] == "Old SMS {####}"


def test_update_with_link_verification_keeps_default_texts_for_the_rest(
    cognito: Any, pool_id: str
) -> None:
    cognito.update_user_pool(UserPoolId=pool_id, VerificationMessageTemplate={
        "DefaultEmailOption": "CONFIRM_WITH_LINK",
        "EmailMessageByLink": "Go {##Verify it##} now"})
    template = describe(cognito, pool_id)["VerificationMessageTemplate"]
    assert template == {**FRESH_POOL["VerificationMessageTemplate"],
                        "DefaultEmailOption": "CONFIRM_WITH_LINK",
                        "EmailMessageByLink": "Go {##Verify it##} now"}


def test_update_round_trip_changes_nothing(cognito: Any) -> None:
    pool_id = create(
        cognito, UserPoolTier="PLUS", MfaConfiguration="OPTIONAL", SmsConfiguration=SMS,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
        Policies={"PasswordPolicy": {"MinimumLength": 11, "TemporaryPasswordValidityDays": 2}},
        LambdaConfig={"PreTokenGeneration": LAMBDA + "token", "PreSignUp": LAMBDA + "pre"},
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True},
        UserPoolTags={"a": "b"}, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        AliasAttributes=["email"], DeletionProtection="ACTIVE",
        Schema=[{"Name": "tenant", "AttributeDataType": "String"}],
    )["Id"]
    for _ in range(2):  # twice: once from the created state, once from the updated one
        before = describe(cognito, pool_id)
        cognito.update_user_pool(**updatable(before))
        after = describe(cognito, pool_id)
        assert after["LastModifiedDate"] >= before["LastModifiedDate"]
        before.pop("LastModifiedDate")
        after.pop("LastModifiedDate")
        assert after == before
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OPTIONAL"


def test_update_round_trip_of_a_fresh_pool(cognito: Any, pool: dict[str, Any]) -> None:
    cognito.update_user_pool(**updatable(describe(cognito, pool["Id"])))
    after = describe(cognito, pool["Id"])
    assert {k: v for k, v in after.items() if k != "LastModifiedDate"} == \
        {k: v for k, v in pool.items() if k != "LastModifiedDate"}


def test_update_unknown_pool_and_bad_input(cognito: Any, loose: Any, pool_id: str) -> None:
    assert rejected(cognito.update_user_pool, UserPoolId=MISSING_POOL, PoolName="x") == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert rejected(loose.update_user_pool, PoolName="x") == (
        "InvalidParameterException", validation("null", "userPoolId", "Member must not be null"))
    before = describe(cognito, pool_id)
    assert rejected(loose.update_user_pool, UserPoolId=pool_id,
                    Policies={"PasswordPolicy": {"MinimumLength": 5}}) == (
        "InvalidParameterException", validation(
            "'5'", "policies.passwordPolicy.minimumLength",
            "Member must have value greater than or equal to 6"))
    assert rejected(loose.update_user_pool, UserPoolId=pool_id, DeletionProtection="MAYBE") == (
        "InvalidParameterException", validation(
            "'MAYBE'", "deletionProtection",
            "Member must satisfy enum value set: [ACTIVE, INACTIVE]"))
    assert describe(cognito, pool_id) == before


# -- UpdateUserPool: cross-field rules -----------------------------------------------------------
def test_update_mfa_off_to_on_is_refused_but_optional_is_accepted(
    cognito: Any, pool_id: str
) -> None:
    assert update_rejected(cognito, pool_id, MfaConfiguration="ON", SmsConfiguration=SMS) == (
        "InvalidParameterException",
        "Cannot turn MFA functionality ON, once the user pool has been created.")
    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                             SmsConfiguration=SMS)
    assert describe(cognito, pool_id)["MfaConfiguration"] == "OPTIONAL"
    config = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert config["MfaConfiguration"] == "OPTIONAL"
    assert config["SmsMfaConfiguration"]["SmsConfiguration"] == SMS
    # OPTIONAL -> ON is not "turning MFA on": it already is on.
    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")
    assert describe(cognito, pool_id)["MfaConfiguration"] == "ON"


def test_update_mfa_without_sms_configuration_is_refused(cognito: Any, pool_id: str) -> None:
    assert update_rejected(cognito, pool_id, MfaConfiguration="OPTIONAL") == (
        "InvalidParameterException",
        "SMS configuration and Auto verification for phone_number are required when MFA is "
        "required/optional")


def test_update_mfa_on_pool_whose_factor_is_totp_needs_no_sms(cognito: Any, pool_id: str) -> None:
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL")
    config = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert config == {**config, "MfaConfiguration": "OPTIONAL",
                      "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    assert "SmsMfaConfiguration" not in config


def test_update_recovery_by_phone_under_sms_mfa(cognito: Any) -> None:
    phone = {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_phone_number"}]}
    required = create(cognito, MfaConfiguration="ON", SmsConfiguration=SMS)["Id"]
    assert update_rejected(cognito, required, AccountRecoverySetting=phone) == (
        "InvalidParameterException",
        "Invalid account recovery setting parameter. Account Recovery Setting cannot use "
        "verified_phone_number as a recovery mechanism when SMS MFA is configured.")
    optional = create(cognito, MfaConfiguration="OPTIONAL", SmsConfiguration=SMS)["Id"]
    cognito.update_user_pool(UserPoolId=optional, AccountRecoverySetting=phone)
    assert describe(cognito, optional)["AccountRecoverySetting"] == phone


@pytest.mark.parametrize(("template", "message"), [
    ({"SMSMessage": "Code {####}"},
     "The invitation SMSMessage must contain the {username} and {####} placeholders."),
    ({"SMSMessage": "Hi {username}"},
     "The invitation SMSMessage must contain the {username} and {####} placeholders."),
    ({"EmailMessage": "Hello {username}"},
     "The invitation EmailMessage must contain the {username} and {####} placeholders."),
], ids=["sms-no-username", "sms-no-code", "email-no-code"])
def test_update_invitation_needs_placeholders(
    cognito: Any, pool_id: str, template: dict, message: str
) -> None:
    assert update_rejected(cognito, pool_id, AdminCreateUserConfig={
        "InviteMessageTemplate": template}) == ("InvalidParameterException", message)


@pytest.mark.parametrize(("template", "member", "pattern"), [
    ({"SmsMessage": "no code here"}, "verificationMessageTemplate.smsMessage",
     ".*\\{####\\}.*"),
    ({"EmailMessage": "no code here"}, "verificationMessageTemplate.emailMessage",
     "\\{####\\}"),
    ({"EmailMessageByLink": "no link here"},
     "verificationMessageTemplate.emailMessageByLink", "\\{##"),
], ids=["sms-code", "email-code", "email-link"])
def test_update_verification_templates_need_their_placeholder(
    loose: Any, cognito: Any, pool_id: str, template: dict, member: str, pattern: str
) -> None:
    before = describe(cognito, pool_id)
    code, message = rejected(loose.update_user_pool, UserPoolId=pool_id,
                             VerificationMessageTemplate=template)
    assert code == "InvalidParameterException"
    assert f"at '{member}' failed to satisfy constraint: Member must satisfy regular " \
           "expression pattern: " in message
    assert pattern in message
    assert describe(cognito, pool_id) == before


def test_update_default_email_option_enum(loose: Any, pool_id: str) -> None:
    assert rejected(loose.update_user_pool, UserPoolId=pool_id, VerificationMessageTemplate={
        "DefaultEmailOption": "CONFIRM_WITH_PIGEON"}) == (
        "InvalidParameterException", validation(
            "'CONFIRM_WITH_PIGEON'", "verificationMessageTemplate.defaultEmailOption",
            "Member must satisfy enum value set: [CONFIRM_WITH_LINK, CONFIRM_WITH_CODE]"))


def test_update_tier_gates(cognito: Any) -> None:
    essentials = create(cognito)["Id"]
    assert update_rejected(cognito, essentials,
                           UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}) == (
        "FeatureUnavailableInTierException", tier_message("ESSENTIALS", "Threat Protection"))
    cognito.update_user_pool(UserPoolId=essentials, UserPoolTier="PLUS",
                             UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert describe(cognito, essentials)["UserPoolTier"] == "PLUS"
    # A downgrade that keeps threat protection on is refused; turning it off first works.
    assert update_rejected(cognito, essentials, UserPoolTier="ESSENTIALS",
                           UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"}) == (
        "FeatureUnavailableInTierException", tier_message("ESSENTIALS", "Threat Protection"))
    cognito.update_user_pool(UserPoolId=essentials, UserPoolTier="LITE")
    assert describe(cognito, essentials)["UserPoolTier"] == "LITE"

    lite = create(cognito, UserPoolTier="LITE")["Id"]
    assert update_rejected(cognito, lite, Policies={"SignInPolicy": {
        "AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}) == (
        "FeatureUnavailableInTierException", tier_message("LITE", "Passwordless Sign-in"))
    assert update_rejected(cognito, lite, LambdaConfig={"PreTokenGenerationConfig": {
        "LambdaVersion": "V2_0", "LambdaArn": LAMBDA + "token"}}) == (
        "FeatureUnavailableInTierException", tier_message("LITE", "Access Token Customization"))
    assert update_rejected(cognito, lite, Policies={"PasswordPolicy": {
        "PasswordHistorySize": 2}}) == (
        "FeatureUnavailableInTierException", tier_message("LITE", "Password History"))
    assert update_rejected(cognito, lite, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
                           Policies={"PasswordPolicy": {"PasswordHistorySize": 2}}) == (
        "FeatureUnavailableInTierException",
        tier_message("LITE", "Threat Protection", "Password History"))
    # V1_0 pre token generation is a Lite feature.
    cognito.update_user_pool(UserPoolId=lite, LambdaConfig={"PreTokenGenerationConfig": {
        "LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "token"}})


def test_update_pre_token_generation_fields_must_agree(cognito: Any, pool_id: str) -> None:
    assert update_rejected(cognito, pool_id, LambdaConfig={
        "PreTokenGeneration": LAMBDA + "one",
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": LAMBDA + "two"}}) == (
        "InvalidParameterException",
        "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same.")
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig={
        "PreTokenGeneration": LAMBDA + "one"})
    assert describe(cognito, pool_id)["LambdaConfig"] == {
        "PreTokenGeneration": LAMBDA + "one",
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "one"}}
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig={"PreTokenGenerationConfig": {
        "LambdaVersion": "V2_0", "LambdaArn": LAMBDA + "two"}})
    assert describe(cognito, pool_id)["LambdaConfig"] == {
        "PreTokenGeneration": LAMBDA + "two",
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": LAMBDA + "two"}}


def test_update_custom_senders_need_a_kms_key(cognito: Any, pool_id: str) -> None:
    message = "KMSKeyID is required when CustomSMSSender or CustomEmailSender is configured."
    for trigger in ("CustomSMSSender", "CustomEmailSender"):
        sender = {trigger: {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "sender"}}
        assert update_rejected(cognito, pool_id, LambdaConfig=sender) == (
            "InvalidParameterException", message)
        cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig={**sender, "KMSKeyID": KMS})
        assert describe(cognito, pool_id)["LambdaConfig"] == {**sender, "KMSKeyID": KMS}


def test_update_temporary_password_days_and_unused_account_days(
    cognito: Any, pool_id: str
) -> None:
    assert update_rejected(
        cognito, pool_id,
        Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 3}},
        AdminCreateUserConfig={"UnusedAccountValidityDays": 4}) == (
        "InvalidParameterException",
        "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
        "UnusedAccountValidityDays")
    # The legacy name alone sets both.
    cognito.update_user_pool(UserPoolId=pool_id,
                             AdminCreateUserConfig={"UnusedAccountValidityDays": 4})
    pool = describe(cognito, pool_id)
    assert pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 4
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 4
    # The new name alone sets both too; 0 means the default of 7.
    cognito.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {
        "MinimumLength": 8, "TemporaryPasswordValidityDays": 0}})
    pool = describe(cognito, pool_id)
    assert pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 7
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 7


def test_update_verification_before_update_needs_auto_verification(
    cognito: Any, pool_id: str
) -> None:
    assert update_rejected(
        cognito, pool_id, AutoVerifiedAttributes=["phone_number"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": [
            "email", "phone_number"]}) == (
        "InvalidParameterException",
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
        "AutoVerifiedAttributes")


def test_update_developer_email_needs_a_source_arn(cognito: Any, pool_id: str) -> None:
    assert update_rejected(cognito, pool_id, EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER"}) == (
        "InvalidParameterException", "SourceArn is required when EmailSendingAccount is DEVELOPER.")


def test_update_web_authn_cannot_be_the_only_first_factor(cognito: Any, pool_id: str) -> None:
    assert update_rejected(cognito, pool_id, Policies={"SignInPolicy": {
        "AllowedFirstAuthFactors": ["WEB_AUTHN"]}}) == (
        "InvalidParameterException",
        "AllowedFirstAuthFactors must include another factor together with WEB_AUTHN.")
    # PASSWORD itself is not required.
    cognito.update_user_pool(UserPoolId=pool_id, Policies={"SignInPolicy": {
        "AllowedFirstAuthFactors": ["WEB_AUTHN", "EMAIL_OTP"]}})


# -- DeleteUserPool -------------------------------------------------------------------------------
def test_delete_protected_pool_then_unprotected(cognito: Any) -> None:
    pool_id = create(cognito, DeletionProtection="ACTIVE")["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app")[
        "UserPoolClient"]["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName="admins")
    assert rejected(cognito.delete_user_pool, UserPoolId=pool_id) == (
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated. "
        "Deletion protection must be inactivated first.")
    assert describe(cognito, pool_id)["DeletionProtection"] == "ACTIVE"
    cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    assert set(cognito.delete_user_pool(UserPoolId=pool_id)) == {"ResponseMetadata"}

    for call, kwargs, message in [
        (cognito.describe_user_pool, {}, f"User pool {pool_id} does not exist."),
        (cognito.delete_user_pool, {}, f"User pool {pool_id} does not exist."),
        (cognito.describe_user_pool_client, {"ClientId": client_id}, None),
        (cognito.get_group, {"GroupName": "admins"}, None),
    ]:
        code, text = rejected(call, UserPoolId=pool_id, **kwargs)
        assert code == "ResourceNotFoundException"
        if message:
            assert text == message
    # Its name and id are free again: a new pool is a different pool.
    assert create(cognito)["Id"] != pool_id


def test_delete_unknown_pool_and_missing_id(cognito: Any, loose: Any) -> None:
    assert rejected(cognito.delete_user_pool, UserPoolId=MISSING_POOL) == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert rejected(loose.delete_user_pool) == (
        "InvalidParameterException", validation("null", "userPoolId", "Member must not be null"))


# -- ListUserPools --------------------------------------------------------------------------------
def token(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def list_all(cognito: Any, page_size: int) -> list[list[dict[str, Any]]]:
    pages, token = [], None
    while True:
        response = cognito.list_user_pools(MaxResults=page_size,
                                           **({"NextToken": token} if token else {}))
        pages.append(response["UserPools"])
        token = response.get("NextToken")
        if not token:
            return pages
        assert len(pages) < 1000


def test_list_user_pools_paginates_every_pool_exactly_once(cognito: Any) -> None:
    mine = {create(cognito)["Id"] for _ in range(7)}
    pages = list_all(cognito, 3)
    ids = [p["Id"] for page in pages for p in page]
    assert len(ids) == len(set(ids))
    assert mine <= set(ids)
    assert all(len(page) == 3 for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= 3
    assert ids == [p["Id"] for page in list_all(cognito, 60) for p in page]
    summary = next(p for page in pages for p in page if p["Id"] in mine)
    assert set(summary) == {"Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"}


def test_list_user_pools_summary(cognito: Any) -> None:
    pool = create(cognito, LambdaConfig={"PreSignUp": LAMBDA + "pre"})
    listed = [p for page in list_all(cognito, 60) for p in page if p["Id"] == pool["Id"]]
    assert listed == [{"Id": pool["Id"], "Name": pool["Name"],
                       "LambdaConfig": {"PreSignUp": LAMBDA + "pre"},
                       "LastModifiedDate": pool["LastModifiedDate"],
                       "CreationDate": pool["CreationDate"]}]
    cognito.delete_user_pool(UserPoolId=pool["Id"])
    assert pool["Id"] not in {p["Id"] for page in list_all(cognito, 60) for p in page}


def test_list_user_pools_max_results_and_token_validation(cognito: Any, loose: Any) -> None:
    assert rejected(loose.list_user_pools, MaxResults=0) == (
        "InvalidParameterException",
        validation("'0'", "maxResults", "Member must have value greater than or equal to 1"))
    assert rejected(loose.list_user_pools, MaxResults=61) == (
        "InvalidParameterException",
        validation("'61'", "maxResults", "Member must have value less than or equal to 60"))
    assert rejected(loose.list_user_pools) == (
        "InvalidParameterException", validation("null", "maxResults", "Member must not be null"))
    create(cognito)
    create(cognito)
    assert len(cognito.list_user_pools(MaxResults=1)["UserPools"]) == 1
    forged_positions = [{"k": "group", "c": 1, "i": "x"}, {}, {"k": "pools"},
                        {"k": "pools", "c": "x", "i": "y"}, {"k": "pools", "c": [1], "i": "y"},
                        {"k": "pools", "c": 1.5, "i": 7}]
    for forged in ["garbage", "!!!", *map(token, forged_positions)]:
        code, _ = rejected(cognito.list_user_pools, MaxResults=10, NextToken=forged)
        assert code == "InvalidParameterException", forged


def test_list_user_pools_is_per_region(server: Server, cognito: Any) -> None:
    europe = server.client(region_name="eu-west-1")
    home = create(cognito)
    away = create(europe)
    assert away["Id"].startswith("eu-west-1_")
    assert away["Arn"] == f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{away['Id']}"
    europe_ids = {p["Id"] for page in list_all(europe, 60) for p in page}
    home_ids = {p["Id"] for page in list_all(cognito, 60) for p in page}
    assert away["Id"] in europe_ids
    assert home["Id"] not in europe_ids
    assert away["Id"] not in home_ids
    assert all(i.startswith("eu-west-1_") for i in europe_ids)


# -- AddCustomAttributes --------------------------------------------------------------------------
def test_add_custom_attributes_prefixes_and_shows_types(cognito: Any, pool_id: str) -> None:
    result = cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "plan", "AttributeDataType": "String",
         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "16"}},
        {"Name": "custom:score", "AttributeDataType": "Number", "Mutable": False,
         "NumberAttributeConstraints": {"MinValue": "-5", "MaxValue": "5"}},
        {"Name": "hidden", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": True},
        {"Name": "since", "AttributeDataType": "DateTime"},
        {"Name": "free", "AttributeDataType": "Number"},
    ])
    assert set(result) == {"ResponseMetadata"}
    schema = describe(cognito, pool_id)["SchemaAttributes"]
    assert schema[:20] == STANDARD_SCHEMA
    base = {"DeveloperOnlyAttribute": False, "Mutable": True, "Required": False}
    assert schema[20:] == [
        {"Name": "custom:plan", "AttributeDataType": "String", **base,
         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "16"}},
        {"Name": "custom:score", "AttributeDataType": "Number", **base, "Mutable": False,
         "NumberAttributeConstraints": {"MinValue": "-5", "MaxValue": "5"}},
        {"Name": "dev:custom:hidden", "AttributeDataType": "Boolean", **base,
         "DeveloperOnlyAttribute": True},
        {"Name": "custom:since", "AttributeDataType": "DateTime", **base},
        {"Name": "custom:free", "AttributeDataType": "Number", **base,
         "NumberAttributeConstraints": {}},
    ]
    # Further additions are appended after the existing ones.
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "later", "AttributeDataType": "String"}])
    schema = describe(cognito, pool_id)["SchemaAttributes"]
    assert schema[-1] == {"Name": "custom:later", "AttributeDataType": "String", **base,
                          "StringAttributeConstraints": {}}


def test_add_custom_attributes_duplicates(cognito: Any, pool_id: str) -> None:
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "plan", "AttributeDataType": "String"}])
    before = describe(cognito, pool_id)
    for attributes in (
        [{"Name": "plan", "AttributeDataType": "Number"}],
        [{"Name": "custom:plan", "AttributeDataType": "String"}],
        [{"Name": "new", "AttributeDataType": "String"}, {"Name": "plan",
                                                           "AttributeDataType": "String"}],
    ):
        assert rejected(cognito.add_custom_attributes, UserPoolId=pool_id,
                        CustomAttributes=attributes) == (
            "InvalidParameterException",
            "custom:plan: Existing attribute already has name custom:plan.")
    assert rejected(cognito.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": "twice", "AttributeDataType": "String"},
        {"Name": "twice", "AttributeDataType": "String"}]) == (
        "InvalidParameterException",
        "custom:twice: Existing attribute already has name custom:twice.")
    assert describe(cognito, pool_id) == before  # nothing of a rejected batch is kept


def test_add_custom_attributes_limit_of_fifty(cognito: Any) -> None:
    pool_id = create(cognito, Schema=[{"Name": f"s{i}", "AttributeDataType": "String"}
                                      for i in range(5)])["Id"]
    for start in (5, 30):
        cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
            {"Name": f"a{i}", "AttributeDataType": "String"} for i in range(start, start + 20)])
    assert len(describe(cognito, pool_id)["SchemaAttributes"]) == 20 + 45
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": f"b{i}", "AttributeDataType": "Boolean"} for i in range(5)])
    before = describe(cognito, pool_id)
    assert len(before["SchemaAttributes"]) == 20 + 50
    assert rejected(cognito.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": "one-more", "AttributeDataType": "String"}]) == (
        "InvalidParameterException", "A user pool can have at most 50 custom attributes.")
    assert describe(cognito, pool_id) == before
    # CreateUserPool can't exceed the limit: the model caps Schema at 50 entries.
    schema = [{"Name": f"c{i}", "AttributeDataType": "String"} for i in range(50)]
    assert len(create(cognito, Schema=schema)["SchemaAttributes"]) == 20 + 50


def test_add_custom_attributes_rules_and_validation(
    cognito: Any, loose: Any, pool_id: str
) -> None:
    assert rejected(cognito.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": "must", "AttributeDataType": "String", "Required": True}]) == (
        "InvalidParameterException", "Required custom attributes are not supported currently.")
    assert rejected(cognito.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": "n", "AttributeDataType": "Number",
         "NumberAttributeConstraints": {"MinValue": "9", "MaxValue": "1"}}]) == (
        "InvalidParameterException", "user.custom:n: Max value cannot be less than min value.")
    assert rejected(cognito.add_custom_attributes, UserPoolId=MISSING_POOL, CustomAttributes=[
        {"Name": "n", "AttributeDataType": "String"}]) == (
        "ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert rejected(loose.add_custom_attributes, UserPoolId=pool_id) == (
        "InvalidParameterException",
        validation("null", "customAttributes", "Member must not be null"))
    assert rejected(loose.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[]) == (
        "InvalidParameterException",
        validation("'[]'", "customAttributes",
                   "Member must have length greater than or equal to 1"))
    code, message = rejected(loose.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": f"x{i}", "AttributeDataType": "String"} for i in range(26)])
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 25" in message
    code, message = rejected(loose.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[
        {"Name": "x", "AttributeDataType": "Text"}])
    assert code == "InvalidParameterException"
    assert "Member must satisfy enum value set: [String, Number, DateTime, Boolean]" in message
    assert len(describe(cognito, pool_id)["SchemaAttributes"]) == 20


def test_pool_with_a_domain_cannot_be_deleted(cognito: Any, pool_id: str) -> None:
    domain = f"del-{uuid.uuid4().hex[:10]}"
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    with pytest.raises(ClientError) as err:
        cognito.delete_user_pool(UserPoolId=pool_id)
    assert err.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "User pool cannot be deleted. It has a domain configured that should be "
        "deleted first.",
    }
    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    cognito.delete_user_pool(UserPoolId=pool_id)


def test_a_pool_is_invisible_from_another_region(server: Server, pool_id: str) -> None:
    other = server.client(region_name="eu-west-1")
    for call in (other.describe_user_pool, other.delete_user_pool):
        with pytest.raises(ClientError) as err:
            call(UserPoolId=pool_id)
        assert err.value.response["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": f"User pool {pool_id} does not exist.",
        }
