"""User-pool configuration rules (userpool.domain.pools / pool_schema / pool_defaults)."""

from __future__ import annotations

import copy
import re

import pytest

from userpool.domain import pools
from userpool.domain.errors import FeatureUnavailableInTier, InvalidParameter

NOW = 1_700_000_000.5
LATER = 1_700_000_100.25
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/SNS-SMS-Role",
       "ExternalId": "12345", "SnsRegion": "us-west-2"}
SES = "arn:aws:ses:us-west-2:123456789012:identity/admin@example.com"
LAMBDA = "arn:aws:lambda:us-west-2:123456789012:function:"


def create(**request):
    request.setdefault("PoolName", "pool")
    return pools.new_pool(request, pool_id="us-west-2_abcdefghi", region="us-west-2",
                          account_id="123456789012", now=NOW)


def update(pool, **request):
    return pools.updated_pool(pool, {"UserPoolId": pool["Id"], **request}, now=LATER)


def schema_entry(pool, name):
    return next(a for a in pool["SchemaAttributes"] if a["Name"] == name)


# --- CreateUserPool defaults -----------------------------------------------------------------


def test_new_pool_identity_and_dates():
    pool = create(PoolName="My pool")
    assert pool["Id"] == "us-west-2_abcdefghi"
    assert pool["Name"] == "My pool"
    assert pool["Arn"] == "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_abcdefghi"
    assert pool["CreationDate"] == pool["LastModifiedDate"] == NOW


def test_new_pool_defaults_match_describe_user_pool():
    pool = create()
    assert pool["Policies"] == {
        "PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                           "RequireNumbers": True, "RequireSymbols": True,
                           "TemporaryPasswordValidityDays": 7},
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
    }
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["LambdaConfig"] == {}
    assert pool["UserPoolTags"] == {}
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["SmsVerificationMessage"] == "Your verification code is {####}. "
    assert pool["EmailVerificationMessage"] == "Your verification code is {####}. "
    assert pool["EmailVerificationSubject"] == "Your verification code"
    assert pool["SmsAuthenticationMessage"] == "Your authentication code is {####}. "
    assert pool["VerificationMessageTemplate"] == {
        "SmsMessage": "Your verification code is {####}. ",
        "EmailMessage": "Your verification code is {####}. ",
        "EmailSubject": "Your verification code",
        "EmailMessageByLink":
            "Please click the link below to verify your email address. {##Verify Email##} ",
        "EmailSubjectByLink": "Your verification link",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    invite = "Your username is {username} and temporary password is {####}. "
    assert pool["AdminCreateUserConfig"] == {
        "AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7,
        "InviteMessageTemplate": {"EmailMessage": invite, "EmailSubject": "Your temporary password",
                                  "SMSMessage": invite},
    }
    assert pool["UsernameConfiguration"] == {"CaseSensitive": True}
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": []}
    for absent in ("AccountRecoverySetting", "AutoVerifiedAttributes", "DeviceConfiguration",
                   "SmsConfiguration", "UserPoolAddOns", "AliasAttributes", "UsernameAttributes",
                   "Domain", "EstimatedNumberOfUsers"):
        assert absent not in pool


def test_standard_schema_exactly_as_aws_lists_it():
    schema = create()["SchemaAttributes"]
    assert [a["Name"] for a in schema] == [
        "sub", "name", "given_name", "family_name", "middle_name", "nickname",
        "preferred_username", "profile", "picture", "website", "email", "email_verified",
        "gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified",
        "address", "updated_at"]
    assert schema[0] == {"Name": "sub", "AttributeDataType": "String",
                         "DeveloperOnlyAttribute": False, "Mutable": False, "Required": True,
                         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}}
    assert schema[11] == {"Name": "email_verified", "AttributeDataType": "Boolean",
                          "DeveloperOnlyAttribute": False, "Mutable": True, "Required": False}
    assert schema[13]["StringAttributeConstraints"] == {"MinLength": "10", "MaxLength": "10"}
    assert schema[-1]["NumberAttributeConstraints"] == {"MinValue": "0"}


def test_schema_marks_standard_attributes_and_adds_custom_ones():
    pool = create(Schema=[
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": False,
         "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "320"}},
        {"Name": "tier", "AttributeDataType": "String"},
        {"Name": "age", "AttributeDataType": "Number",
         "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}},
        {"Name": "secret", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": True},
    ])
    email = schema_entry(pool, "email")
    assert email["Required"] is True and email["Mutable"] is False
    assert email["StringAttributeConstraints"] == {"MinLength": "3", "MaxLength": "320"}
    assert schema_entry(pool, "custom:tier") == {
        "Name": "custom:tier", "AttributeDataType": "String", "DeveloperOnlyAttribute": False,
        "Mutable": True, "Required": False, "StringAttributeConstraints": {}}
    assert schema_entry(pool, "custom:age")["NumberAttributeConstraints"] == {
        "MinValue": "0", "MaxValue": "150"}
    secret = schema_entry(pool, "dev:custom:secret")
    assert secret["DeveloperOnlyAttribute"] is True
    assert "StringAttributeConstraints" not in secret
    assert [a["Name"] for a in pool["SchemaAttributes"]][-3:] == [
        "custom:tier", "custom:age", "dev:custom:secret"]


@pytest.mark.parametrize("item", [{"Name": "email", "AttributeDataType": "Number"},
                                  {"Name": "email", "DeveloperOnlyAttribute": True}])
def test_schema_rejects_changing_a_standard_attribute_type(item):
    with pytest.raises(InvalidParameter, match="You can not change AttributeDataType or set "
                       "developerOnlyAttribute for standard schema attribute email"):
        create(Schema=[item])


def test_schema_rejects_duplicate_custom_names():
    with pytest.raises(InvalidParameter) as error:
        create(Schema=[{"Name": "x", "AttributeDataType": "String"},
                       {"Name": "x", "AttributeDataType": "Number"}])
    assert error.value.message == "custom:x: Existing attribute already has name custom:x."


def test_schema_rejects_duplicate_standard_names():
    with pytest.raises(InvalidParameter, match="Existing attribute already has name email"):
        create(Schema=[{"Name": "email", "Required": True}, {"Name": "email"}])


def test_schema_rejects_required_custom_attribute():
    with pytest.raises(InvalidParameter, match="Required custom attributes are not supported"):
        create(Schema=[{"Name": "x", "AttributeDataType": "String", "Required": True}])


@pytest.mark.parametrize("constraints, message", [
    ({"MaxLength": "3000"}, "String attributes cannot have a length of more than 2048"),
    ({"MinLength": "10", "MaxLength": "5"}, "Max length cannot be less than min length."),
    ({"MinLength": "ten"}, "Invalid StringAttributeConstraints for schema attribute custom:x"),
])
def test_schema_rejects_bad_string_constraints(constraints, message):
    with pytest.raises(InvalidParameter, match=message):
        create(Schema=[{"Name": "x", "AttributeDataType": "String",
                        "StringAttributeConstraints": constraints}])


def test_schema_rejects_min_value_above_max_value():
    with pytest.raises(InvalidParameter, match=re.escape("Max value cannot be less than min")):
        create(Schema=[{"Name": "n", "AttributeDataType": "Number",
                        "NumberAttributeConstraints": {"MinValue": "5", "MaxValue": "1"}}])


def test_username_and_alias_attributes_together_rejected():
    with pytest.raises(InvalidParameter) as error:
        create(UsernameAttributes=["email"], AliasAttributes=["preferred_username"])
    assert error.value.message == (
        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")


def test_username_attributes_and_configuration_kept():
    pool = create(UsernameAttributes=["email"], UsernameConfiguration={"CaseSensitive": False})
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}


def test_create_with_threat_protection_defaults_to_plus():
    pool = create(UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert pool["UserPoolTier"] == "PLUS"


def test_create_does_not_mutate_request():
    request = {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 10}},
               "LambdaConfig": {"PreTokenGeneration": LAMBDA + "pre"}}
    before = copy.deepcopy(request)
    pools.new_pool(request, pool_id="us-west-2_x", region="us-west-2", account_id="1", now=NOW)
    assert request == before


# --- UpdateUserPool: omission behaviour, field by field ---------------------------------------


@pytest.fixture
def configured():
    """A pool with every UpdateUserPool field set away from its default."""
    pool = create(
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False},
                  "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        DeletionProtection="ACTIVE",
        LambdaConfig={"PreSignUp": LAMBDA + "presignup"},
        AutoVerifiedAttributes=["email"],
        VerificationMessageTemplate={"EmailMessage": "Code {####}", "SmsMessage": "Code {####}"},
        SmsAuthenticationMessage="MFA {####}",
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
        MfaConfiguration="OPTIONAL",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True},
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": SES},
        SmsConfiguration=SMS,
        UserPoolTags={"team": "a"},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        UserPoolTier="PLUS",
    )
    return pool


def test_update_does_not_mutate_current_and_sets_last_modified(configured):
    before = copy.deepcopy(configured)
    pool = update(configured, AutoVerifiedAttributes=["email"])
    assert configured == before
    assert pool["LastModifiedDate"] == LATER
    assert pool["CreationDate"] == NOW


def test_omitted_lambda_config_resets(configured):
    assert update(configured, AutoVerifiedAttributes=["email"])["LambdaConfig"] == {}


def test_omitted_auto_verified_attributes_reset(configured):
    pool = update(configured, UserAttributeUpdateSettings={
        "AttributesRequireVerificationBeforeUpdate": []})
    assert "AutoVerifiedAttributes" not in pool


def test_omitted_policies_preserved(configured):
    pool = update(configured, AutoVerifiedAttributes=["email"])
    assert pool["Policies"] == configured["Policies"]
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False


def test_password_policy_only_keeps_sign_in_policy(configured):
    pool = update(configured, AutoVerifiedAttributes=["email"],
                  Policies={"PasswordPolicy": {"MinimumLength": 6}})
    assert pool["Policies"]["SignInPolicy"] == {
        "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 6


def test_sign_in_policy_only_keeps_password_policy(configured):
    pool = update(configured, AutoVerifiedAttributes=["email"],
                  Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})
    assert pool["Policies"]["PasswordPolicy"] == configured["Policies"]["PasswordPolicy"]
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}


def test_given_password_policy_fills_missing_fields_with_defaults(configured):
    pool = update(configured, AutoVerifiedAttributes=["email"],
                  Policies={"PasswordPolicy": {"MinimumLength": 9,
                                               "TemporaryPasswordValidityDays": 0}})
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 9, "RequireUppercase": True, "RequireLowercase": True,
        "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}


@pytest.mark.parametrize("field", ["MfaConfiguration", "DeletionProtection", "UserPoolTier",
                                   "VerificationMessageTemplate", "AccountRecoverySetting",
                                   "EmailConfiguration", "SmsConfiguration",
                                   "UserAttributeUpdateSettings", "Name"])
def test_preserved_when_omitted(configured, field):
    pool = update(configured, AutoVerifiedAttributes=["email"],
                  UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert pool[field] == configured[field]


def test_legacy_verification_fields_follow_preserved_template(configured):
    pool = update(configured, AutoVerifiedAttributes=["email"])
    assert pool["EmailVerificationMessage"] == "Code {####}"
    assert pool["SmsVerificationMessage"] == "Code {####}"


def test_user_attribute_update_settings_kept_so_dropping_auto_verify_fails(configured):
    # aws-cli#7151 / aws-nuke#477: an update that omits AutoVerifiedAttributes fails.
    with pytest.raises(InvalidParameter) as error:
        update(configured, DeletionProtection="INACTIVE",
               UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert error.value.message == pools.VERIFY_BEFORE_UPDATE


@pytest.mark.parametrize("field, reset_value", [
    ("SmsAuthenticationMessage", "Your authentication code is {####}. "),
    ("UserPoolTags", {}),
    ("AdminCreateUserConfig", {
        "AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 12,
        "InviteMessageTemplate": {
            "EmailMessage": "Your username is {username} and temporary password is {####}. ",
            "EmailSubject": "Your temporary password",
            "SMSMessage": "Your username is {username} and temporary password is {####}. "}}),
])
def test_unmeasured_fields_reset_when_omitted(configured, field, reset_value):
    configured["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] = 12
    pool = update(configured, AutoVerifiedAttributes=["email"],
                  UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert pool[field] == reset_value


@pytest.mark.parametrize("field", ["DeviceConfiguration", "UserPoolAddOns"])
def test_unmeasured_optional_fields_removed_when_omitted(configured, field):
    assert field not in update(configured, AutoVerifiedAttributes=["email"])


def test_omission_rule_is_configurable(configured):
    pool = pools.updated_pool(configured, {"AutoVerifiedAttributes": ["email"],
                                           "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}},
                              now=LATER, omission={"UserPoolTags": pools.PRESERVE,
                                                   "LambdaConfig": pools.PRESERVE})
    assert pool["UserPoolTags"] == {"team": "a"}
    assert pool["LambdaConfig"] == {"PreSignUp": LAMBDA + "presignup"}


def test_create_only_settings_survive_update():
    pool = create(UsernameAttributes=["email"],
                  Schema=[{"Name": "x", "AttributeDataType": "String"}],
                  UsernameConfiguration={"CaseSensitive": False})
    after = update(pool, PoolName="renamed")
    assert after["Name"] == "renamed"
    for key in ("UsernameAttributes", "UsernameConfiguration", "SchemaAttributes", "Arn", "Id"):
        assert after[key] == pool[key]


def test_update_with_described_pool_is_a_no_op(configured):
    """The documented way: DescribeUserPool, drop read-only fields, send the rest back."""
    described = pools.public_view(configured)
    request = {k: v for k, v in described.items() if k not in (
        "Arn", "CreationDate", "Id", "LastModifiedDate", "Name", "SchemaAttributes",
        "UsernameConfiguration", "UsernameAttributes", "AliasAttributes")}
    pool = update(configured, **request)
    assert {k: v for k, v in pool.items() if k != "LastModifiedDate"} == {
        k: v for k, v in configured.items() if k != "LastModifiedDate"}


# --- Cross-field rules -----------------------------------------------------------------------


def test_verification_before_update_must_be_auto_verified():
    with pytest.raises(InvalidParameter, match="must exist in AutoVerifiedAttributes"):
        create(AutoVerifiedAttributes=["phone_number"],
               UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate":
                                            ["email"]})


def test_mfa_off_to_on_rejected_by_update():
    with pytest.raises(InvalidParameter) as error:
        update(create(SmsConfiguration=SMS), MfaConfiguration="ON", SmsConfiguration=SMS)
    assert error.value.message == pools.MFA_ON_AFTER_CREATE


def test_mfa_off_to_optional_accepted_and_enables_sms():
    pool = update(create(), MfaConfiguration="OPTIONAL", SmsConfiguration=SMS)
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pools.mfa_config(pool)["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Your authentication code is {####}. ",
        "SmsConfiguration": SMS}


@pytest.mark.parametrize("mfa", ["ON", "OPTIONAL"])
def test_mfa_without_sms_configuration_rejected_on_create(mfa):
    with pytest.raises(InvalidParameter) as error:
        create(MfaConfiguration=mfa)
    assert error.value.message == pools.MFA_NEEDS_SMS


def test_mfa_optional_without_sms_on_update_rejected():
    with pytest.raises(InvalidParameter, match="SMS configuration"):
        update(create(), MfaConfiguration="OPTIONAL")


def test_update_mfa_optional_accepted_when_totp_is_enabled():
    pool, _ = pools.set_mfa_config(create(), {"MfaConfiguration": "OPTIONAL",
                                              "SoftwareTokenMfaConfiguration": {"Enabled": True}},
                                   now=LATER)
    after = update(pool, MfaConfiguration="OPTIONAL")
    assert pools.enabled_mfa_factors(after) == {"SOFTWARE_TOKEN"}


def test_create_mfa_on_with_sms():
    pool = create(MfaConfiguration="ON", SmsConfiguration=SMS, SmsAuthenticationMessage="C {####}")
    assert pools.mfa_config(pool) == {
        "MfaConfiguration": "ON",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "C {####}", "SmsConfiguration": SMS}}


def test_phone_recovery_rejected_when_sms_mfa_required():
    with pytest.raises(InvalidParameter) as error:
        create(MfaConfiguration="ON", SmsConfiguration=SMS, AccountRecoverySetting={
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"},
                                   {"Priority": 2, "Name": "verified_phone_number"}]})
    assert error.value.message == pools.RECOVERY_PHONE_WITH_SMS_MFA


def test_phone_recovery_allowed_with_optional_mfa():
    pool = create(MfaConfiguration="OPTIONAL", SmsConfiguration=SMS, AccountRecoverySetting={
        "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_phone_number"}]})
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"][0]["Name"] == (
        "verified_phone_number")


@pytest.mark.parametrize("key", ["SMSMessage", "EmailMessage"])
@pytest.mark.parametrize("text", ["Your password is {####}", "Hello {username}, welcome"])
def test_invite_templates_need_username_and_code(key, text):
    with pytest.raises(InvalidParameter, match=re.escape("must contain the {username} and {####}")):
        create(AdminCreateUserConfig={"InviteMessageTemplate": {key: text}})


def test_invite_template_partial_keeps_other_defaults():
    pool = create(AdminCreateUserConfig={"InviteMessageTemplate": {
        "EmailSubject": "Welcome"}})
    template = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    assert template["EmailSubject"] == "Welcome"
    assert template["SMSMessage"].startswith("Your username is {username}")


def test_confirm_with_link_keeps_link_template_and_legacy_mirrors():
    pool = create(VerificationMessageTemplate={
        "DefaultEmailOption": "CONFIRM_WITH_LINK",
        "EmailMessageByLink": "Click {##here##}", "EmailSubjectByLink": "Verify"})
    template = pool["VerificationMessageTemplate"]
    assert template["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    assert template["EmailMessageByLink"] == "Click {##here##}"
    assert template["EmailMessage"] == "Your verification code is {####}. "


def test_legacy_verification_fields_fill_template():
    pool = create(SmsVerificationMessage="SMS {####}", EmailVerificationSubject="Subj")
    assert pool["VerificationMessageTemplate"]["SmsMessage"] == "SMS {####}"
    assert pool["VerificationMessageTemplate"]["EmailSubject"] == "Subj"
    assert pool["SmsVerificationMessage"] == "SMS {####}"


def test_template_wins_over_legacy_fields():
    pool = create(SmsVerificationMessage="Old {####}",
                  VerificationMessageTemplate={"SmsMessage": "New {####}"})
    assert pool["SmsVerificationMessage"] == pool["VerificationMessageTemplate"]["SmsMessage"] == (
        "New {####}")


def test_threat_protection_needs_plus():
    with pytest.raises(FeatureUnavailableInTier) as error:
        create(UserPoolTier="ESSENTIALS", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert error.value.message == ("The following features need to be disabled for the "
                                   "ESSENTIALS pricing tier configured: Threat Protection")


def test_threat_protection_off_allowed_on_lite():
    pool = create(UserPoolTier="LITE", UserPoolAddOns={"AdvancedSecurityMode": "OFF"})
    assert pool["UserPoolTier"] == "LITE"


def test_downgrade_from_plus_with_threat_protection_rejected():
    pool = create(UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    with pytest.raises(FeatureUnavailableInTier):
        update(pool, UserPoolTier="ESSENTIALS", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert update(pool, UserPoolTier="ESSENTIALS")["UserPoolTier"] == "ESSENTIALS"


@pytest.mark.parametrize("request_fields, feature", [
    ({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}},
     "Passwordless Sign-in"),
    ({"LambdaConfig": {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                                    "LambdaArn": LAMBDA + "pre"}}},
     "Access Token Customization"),
    ({"Policies": {"PasswordPolicy": {"PasswordHistorySize": 5}}}, "Password History"),
])
def test_essentials_features_rejected_on_lite(request_fields, feature):
    with pytest.raises(FeatureUnavailableInTier, match=feature):
        create(UserPoolTier="LITE", **request_fields)
    assert create(UserPoolTier="ESSENTIALS", **request_fields)["UserPoolTier"] == "ESSENTIALS"


def test_lite_allows_pre_token_v1_and_password_only_sign_in():
    pool = create(UserPoolTier="LITE", LambdaConfig={"PreTokenGenerationConfig": {
        "LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "pre"}})
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}


def test_pre_token_generation_legacy_fills_config():
    pool = create(LambdaConfig={"PreTokenGeneration": LAMBDA + "pre"})
    assert pool["LambdaConfig"]["PreTokenGenerationConfig"] == {
        "LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "pre"}


def test_pre_token_generation_config_fills_legacy():
    pool = create(LambdaConfig={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                                             "LambdaArn": LAMBDA + "pre"}})
    assert pool["LambdaConfig"]["PreTokenGeneration"] == LAMBDA + "pre"


def test_pre_token_generation_mismatch_rejected():
    with pytest.raises(InvalidParameter, match="PreTokenGeneration"):
        create(LambdaConfig={"PreTokenGeneration": LAMBDA + "a", "PreTokenGenerationConfig": {
            "LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "b"}})


@pytest.mark.parametrize("sender", ["CustomSMSSender", "CustomEmailSender"])
def test_custom_senders_need_kms_key(sender):
    config = {sender: {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA + "send"}}
    with pytest.raises(InvalidParameter, match="KMSKeyID"):
        create(LambdaConfig=config)
    kms = "arn:aws:kms:us-west-2:123456789012:key/abcd"
    assert create(LambdaConfig={**config, "KMSKeyID": kms})["LambdaConfig"]["KMSKeyID"] == kms


def test_temporary_password_days_and_unused_days_conflict():
    with pytest.raises(InvalidParameter) as error:
        create(Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}},
               AdminCreateUserConfig={"UnusedAccountValidityDays": 5})
    assert error.value.message == pools.TEMPORARY_PASSWORD_DAYS


def test_unused_days_alone_sets_temporary_password_days():
    pool = create(AdminCreateUserConfig={"UnusedAccountValidityDays": 5})
    assert pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 5
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 5


def test_temporary_password_days_mirror_into_unused_days():
    pool = create(Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}})
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 3


def test_web_authn_alone_rejected():
    with pytest.raises(InvalidParameter, match="WEB_AUTHN"):
        create(Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["WEB_AUTHN"]}})
    pool = create(Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["WEB_AUTHN", "PASSWORD"]}})
    assert pool["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == ["WEB_AUTHN", "PASSWORD"]


def test_developer_email_needs_source_arn():
    with pytest.raises(InvalidParameter, match="SourceArn"):
        create(EmailConfiguration={"EmailSendingAccount": "DEVELOPER"})


# --- DeleteUserPool guard --------------------------------------------------------------------


def test_deletion_blocked_only_when_active():
    assert pools.deletion_blocked(create(DeletionProtection="ACTIVE"))
    assert not pools.deletion_blocked(create())
    error = pools.deletion_protected_error()
    assert error.code == "InvalidParameterException"
    assert error.message == ("The user pool cannot be deleted because deletion protection is "
                             "activated. Deletion protection must be inactivated first.")


# --- SetUserPoolMfaConfig / GetUserPoolMfaConfig ---------------------------------------------


def test_fresh_pool_mfa_config():
    assert pools.mfa_config(create()) == {"MfaConfiguration": "OFF"}


def test_set_mfa_totp_and_sms():
    pool, response = pools.set_mfa_config(create(), {
        "MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}",
                                "SmsConfiguration": SMS}}, now=LATER)
    assert response == {
        "MfaConfiguration": "ON",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": SMS},
        "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    assert pools.mfa_config(pool) == response
    assert pool["MfaConfiguration"] == "ON"
    assert pool["SmsConfiguration"] == SMS
    assert pool["SmsAuthenticationMessage"] == "Code {####}"
    assert pool["LastModifiedDate"] == LATER
    assert "_SmsMfaConfiguration" not in pools.public_view(pool)


def test_set_mfa_omitting_a_factor_turns_it_off():
    pool, _ = pools.set_mfa_config(create(), {
        "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "SmsMfaConfiguration": {"SmsConfiguration": SMS}}, now=LATER)
    pool, response = pools.set_mfa_config(pool, {
        "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}},
        now=LATER)
    assert "SmsMfaConfiguration" not in response
    assert pools.enabled_mfa_factors(pool) == {"SOFTWARE_TOKEN"}


@pytest.mark.parametrize("factor", [
    {"SmsMfaConfiguration": {"SmsConfiguration": SMS}},
    {"SoftwareTokenMfaConfiguration": {"Enabled": True}},
    {"EmailMfaConfiguration": {"Message": "Code {####}"}},
])
def test_set_mfa_off_with_a_factor_rejected(factor):
    with pytest.raises(InvalidParameter) as error:
        pools.set_mfa_config(create(), {"MfaConfiguration": "OFF", **factor}, now=LATER)
    assert error.value.message == pools.MFA_OFF_WITH_FACTOR


def test_set_mfa_off_with_web_authn_accepted():
    _, response = pools.set_mfa_config(create(), {
        "MfaConfiguration": "OFF", "WebAuthnConfiguration": {"RelyingPartyId": "example.com"}},
        now=LATER)
    assert response["WebAuthnConfiguration"] == {"RelyingPartyId": "example.com",
                                                 "UserVerification": "preferred"}


@pytest.mark.parametrize("mfa", ["ON", "OPTIONAL"])
def test_set_mfa_required_without_factor_rejected(mfa):
    with pytest.raises(InvalidParameter) as error:
        pools.set_mfa_config(create(), {"MfaConfiguration": mfa,
                                        "SoftwareTokenMfaConfiguration": {"Enabled": False}},
                             now=LATER)
    assert error.value.message == pools.MFA_ALL_DISABLED


def test_set_mfa_sms_without_any_sms_configuration_rejected():
    with pytest.raises(InvalidParameter, match="SMS configuration"):
        pools.set_mfa_config(create(), {"MfaConfiguration": "ON", "SmsMfaConfiguration": {}},
                             now=LATER)


def test_set_mfa_email_needs_developer_email():
    with pytest.raises(InvalidParameter, match="DEVELOPER"):
        pools.set_mfa_config(create(), {"MfaConfiguration": "OPTIONAL",
                                        "EmailMfaConfiguration": {"Subject": "Code"}}, now=LATER)
    pool = create(EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": SES})
    _, response = pools.set_mfa_config(pool, {"MfaConfiguration": "OPTIONAL",
                                              "EmailMfaConfiguration": {"Subject": "Code"}},
                                       now=LATER)
    assert response["EmailMfaConfiguration"] == {"Subject": "Code"}


def test_set_mfa_email_needs_essentials():
    pool = create(UserPoolTier="LITE",
                  EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "SourceArn": SES})
    with pytest.raises(FeatureUnavailableInTier, match="Email MFA"):
        pools.set_mfa_config(pool, {"MfaConfiguration": "OPTIONAL",
                                    "EmailMfaConfiguration": {"Subject": "Code"}}, now=LATER)


def test_set_mfa_passkey_mfa_needs_essentials():
    with pytest.raises(FeatureUnavailableInTier, match="Passkey MFA"):
        pools.set_mfa_config(create(UserPoolTier="LITE"), {"WebAuthnConfiguration": {
            "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}}, now=LATER)


def test_set_mfa_on_with_sms_and_phone_recovery_rejected():
    pool = create(AccountRecoverySetting={
        "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_phone_number"}]})
    with pytest.raises(InvalidParameter, match="verified_phone_number"):
        pools.set_mfa_config(pool, {"MfaConfiguration": "ON",
                                    "SmsMfaConfiguration": {"SmsConfiguration": SMS}}, now=LATER)


def test_set_mfa_does_not_mutate_current():
    pool = create()
    before = copy.deepcopy(pool)
    pools.set_mfa_config(pool, {"MfaConfiguration": "ON",
                                "SoftwareTokenMfaConfiguration": {"Enabled": True}}, now=LATER)
    assert pool == before


# --- AddCustomAttributes ---------------------------------------------------------------------


def test_add_custom_attributes_appends_with_prefix():
    pool = create()
    after = pools.add_custom_attributes(pool, [
        {"Name": "plan", "AttributeDataType": "String", "Mutable": False},
        {"Name": "custom:level", "AttributeDataType": "Number"}], now=LATER)
    assert [a["Name"] for a in after["SchemaAttributes"]][-2:] == ["custom:plan", "custom:level"]
    assert schema_entry(after, "custom:plan")["Mutable"] is False
    assert after["LastModifiedDate"] == LATER
    assert len(pool["SchemaAttributes"]) == 20


def test_add_custom_attributes_duplicate_rejected():
    pool = create(Schema=[{"Name": "plan", "AttributeDataType": "String"}])
    with pytest.raises(InvalidParameter) as error:
        pools.add_custom_attributes(pool, [{"Name": "plan", "AttributeDataType": "String"}],
                                    now=LATER)
    assert error.value.message == "custom:plan: Existing attribute already has name custom:plan."


def test_add_developer_only_attribute_duplicate_message():
    pool = pools.add_custom_attributes(create(), [
        {"Name": "banana", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}],
        now=LATER)
    with pytest.raises(InvalidParameter) as error:
        pools.add_custom_attributes(pool, [{"Name": "banana", "AttributeDataType": "String",
                                            "DeveloperOnlyAttribute": True}], now=LATER)
    assert error.value.message == (
        "custom:banana: Existing attribute already has name dev:custom:banana.")


def test_add_custom_attributes_limit_of_50():
    pool = create(Schema=[{"Name": f"a{i}", "AttributeDataType": "String"} for i in range(25)])
    pool = pools.add_custom_attributes(
        pool, [{"Name": f"b{i}", "AttributeDataType": "String"} for i in range(25)], now=LATER)
    with pytest.raises(InvalidParameter, match="at most 50 custom attributes"):
        pools.add_custom_attributes(pool, [{"Name": "c", "AttributeDataType": "String"}],
                                    now=LATER)


def test_add_required_custom_attribute_rejected():
    with pytest.raises(InvalidParameter, match="Required custom attributes"):
        pools.add_custom_attributes(create(), [{"Name": "r", "AttributeDataType": "String",
                                                "Required": True}], now=LATER)


# --- public_view -----------------------------------------------------------------------------


def test_public_view_drops_private_keys_into_a_new_dict():
    pool = create(MfaConfiguration="OPTIONAL", SmsConfiguration=SMS)
    view = pools.public_view(pool)
    assert "_SmsMfaConfiguration" in pool
    assert not [k for k in view if k.startswith("_")]
    view["Name"] = "changed"  # shallow (hot path): a new top-level dict only
    assert pool["Name"] != "changed"


# --- The seed page's CLI example (shared/seed/UpdateUserPool.txt) ----------------------------


def seed_request(pool_id: str) -> dict:
    """`aws cognito-idp update-user-pool …` from the seed page, as boto3 sends it. The empty
    ReplyToEmailAddress/From (invalid for the model) and the empty SES identity are filled in."""
    template = "Welcome {username}. Your confirmation code is {####}"
    return {
        "UserPoolId": pool_id,
        "Policies": {"PasswordPolicy": {"MinimumLength": 6, "RequireUppercase": True,
                                        "RequireLowercase": True, "RequireNumbers": True,
                                        "RequireSymbols": True,
                                        "TemporaryPasswordValidityDays": 7}},
        "DeletionProtection": "ACTIVE",
        "LambdaConfig": {
            "PreSignUp": LAMBDA + "cognito-test-presignup-function",
            "PreTokenGeneration": LAMBDA + "cognito-test-pretoken-function"},
        "AutoVerifiedAttributes": ["phone_number"],
        "VerificationMessageTemplate": {
            "SmsMessage": "Your code is {####}", "EmailMessage": "Your code is {####}",
            "EmailSubject": "Your verification code",
            "EmailMessageByLink": "Click {##here##} to verify your email address.",
            "EmailSubjectByLink": "Your verification link",
            "DefaultEmailOption": "CONFIRM_WITH_LINK"},
        "SmsAuthenticationMessage": "Your code is {####}",
        "UserAttributeUpdateSettings": {
            "AttributesRequireVerificationBeforeUpdate": ["email", "phone_number"]},
        "MfaConfiguration": "OPTIONAL",
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True,
                                "DeviceOnlyRememberedOnUserPrompt": True},
        "EmailConfiguration": {
            "SourceArn": SES, "ReplyToEmailAddress": "support@example.com",
            "EmailSendingAccount": "DEVELOPER", "From": "MyMobileGame <admin@example.com>",
            "ConfigurationSet": "test-configuration-set"},
        "SmsConfiguration": SMS,
        "AdminCreateUserConfig": {
            "AllowAdminCreateUserOnly": False,
            "InviteMessageTemplate": {"SMSMessage": template, "EmailMessage": template,
                                      "EmailSubject": "Welcome to MyMobileGame"}},
        "UserPoolTags": {"Function": "MyMobileGame", "Developers": "Berlin"},
        "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
        "AccountRecoverySetting": {"RecoveryMechanisms": [
            {"Priority": 1, "Name": "verified_email"},
            {"Priority": 2, "Name": "verified_phone_number"}]},
    }


def test_seed_example_as_printed_fails_like_aws():
    """As printed, the example asks to verify `email` before update without auto-verifying it,
    which AWS refuses (aws-cli#7151)."""
    pool = create(UserPoolTier="PLUS")
    with pytest.raises(InvalidParameter) as error:
        pools.updated_pool(pool, seed_request(pool["Id"]), now=LATER)
    assert error.value.message == pools.VERIFY_BEFORE_UPDATE


def test_seed_example_applies_every_option():
    pool = create(UserPoolTier="PLUS")
    request = seed_request(pool["Id"])
    request["AutoVerifiedAttributes"] = ["phone_number", "email"]
    after = pools.updated_pool(pool, request, now=LATER)

    assert after["Policies"]["PasswordPolicy"] == request["Policies"]["PasswordPolicy"]
    assert after["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}
    assert after["DeletionProtection"] == "ACTIVE"
    assert after["LambdaConfig"] == {
        **request["LambdaConfig"],
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0",
                                     "LambdaArn": LAMBDA + "cognito-test-pretoken-function"}}
    assert after["AutoVerifiedAttributes"] == ["phone_number", "email"]
    assert after["VerificationMessageTemplate"] == request["VerificationMessageTemplate"]
    assert after["SmsVerificationMessage"] == "Your code is {####}"
    assert after["EmailVerificationMessage"] == "Your code is {####}"
    assert after["EmailVerificationSubject"] == "Your verification code"
    assert after["SmsAuthenticationMessage"] == "Your code is {####}"
    assert after["UserAttributeUpdateSettings"] == request["UserAttributeUpdateSettings"]
    assert after["MfaConfiguration"] == "OPTIONAL"
    assert after["DeviceConfiguration"] == request["DeviceConfiguration"]
    assert after["EmailConfiguration"] == request["EmailConfiguration"]
    assert after["SmsConfiguration"] == SMS
    assert after["AdminCreateUserConfig"] == {
        **request["AdminCreateUserConfig"], "UnusedAccountValidityDays": 7}
    assert after["UserPoolTags"] == request["UserPoolTags"]
    assert after["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    assert after["AccountRecoverySetting"] == request["AccountRecoverySetting"]
    assert after["UserPoolTier"] == "PLUS"
    assert after["LastModifiedDate"] == LATER
    assert pools.mfa_config(after)["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Your code is {####}", "SmsConfiguration": SMS}


def test_seed_example_on_essentials_pool_needs_plus():
    request = seed_request("us-west-2_abcdefghi")
    request["AutoVerifiedAttributes"] = ["phone_number", "email"]
    with pytest.raises(FeatureUnavailableInTier, match="Threat Protection"):
        pools.updated_pool(create(), request, now=LATER)
