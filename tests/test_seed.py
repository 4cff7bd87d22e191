"""The page the product started from (../shared/seed/UpdateUserPool.txt): its AWS CLI command
through the real AWS CLI, and the flows of its Go and JavaScript examples through boto3."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import Any

import pytest

from tests.server import REGION, TEST_KEY, Server

# The page's command as printed, with the spaces the page lost restored
# ("--deletion-protectionACTIVE" -> "--deletion-protection ACTIVE", …), run by bash so that its
# quoting and backslashes mean exactly what they mean to a user who pastes it.
SEED_COMMAND = r"""cognito-idp update-user-pool --user-pool-id @pool_id@ \
 --policies PasswordPolicy=\{MinimumLength=6,RequireUppercase=true,RequireLowercase=true,RequireNumbers=true,RequireSymbols=true,TemporaryPasswordValidityDays=7\} \
 --deletion-protection ACTIVE \
 --lambda-config PreSignUp="arn:aws:lambda:us-west-2:123456789012:function:cognito-test-presignup-function",PreTokenGeneration="arn:aws:lambda:us-west-2:123456789012:function:cognito-test-pretoken-function" \
 --auto-verified-attributes @auto_verified@ \
 --verification-message-template \{\"SmsMessage\":\""Your code is {####}"\",\"EmailMessage\":\""Your code is {####}"\",\"EmailSubject\":\""Your verification code"\",\"EmailMessageByLink\":\""Click {##here##} to verify your email address."\",\"EmailSubjectByLink\":\""Your verification link"\",\"DefaultEmailOption\":\"CONFIRM_WITH_LINK\"\} \
 --sms-authentication-message "Your code is {####}" \
 --user-attribute-update-settings AttributesRequireVerificationBeforeUpdate="email","phone_number" \
 --mfa-configuration "OPTIONAL" \
 --device-configuration ChallengeRequiredOnNewDevice=true,DeviceOnlyRememberedOnUserPrompt=true \
 --email-configuration SourceArn="@source_arn@",ReplyToEmailAddress="@reply_to@",EmailSendingAccount=DEVELOPER,From="@from_@",ConfigurationSet="test-configuration-set" \
 --sms-configuration SnsCallerArn="arn:aws:iam::123456789012:role/service-role/SNS-SMS-Role",ExternalId="12345",SnsRegion="us-west-2" \
 --admin-create-user-config AllowAdminCreateUserOnly=false,InviteMessageTemplate=\{SMSMessage=\""Welcome {username}. Your confirmation code is {####}"\",EmailMessage=\""Welcome {username}. Your confirmation code is {####}"\",EmailSubject=\""Welcome to MyMobileGame"\"\} \
 --user-pool-tags "Function"="MyMobileGame","Developers"="Berlin" \
 --admin-create-user-config AllowAdminCreateUserOnly=false,InviteMessageTemplate=\{SMSMessage=\""Welcome {username}. Your confirmation code is {####}"\",EmailMessage=\""Welcome {username}. Your confirmation code is {####}"\",EmailSubject=\""Welcome to MyMobileGame"\"\} \
 --user-pool-add-ons AdvancedSecurityMode="AUDIT" \
 --account-recovery-setting RecoveryMechanisms=\[\{Priority=1,Name="verified_email"\},\{Priority=2,Name="verified_phone_number"\}\]"""

AS_PRINTED = {
    "auto_verified": '"phone_number"',
    "source_arn": "arn:aws:ses:us-west-2:123456789012:identity/",
    "reply_to": "",
    "from_": "",
}
# Each step fixes what AWS rejected in the step before.
ADDRESSES_FIXED = {
    **AS_PRINTED,
    "source_arn": "arn:aws:ses:us-west-2:123456789012:identity/example.com",
    "reply_to": "support@example.com",
    "from_": "MyMobileGame <no-reply@example.com>",
}
ALL_FIXED = {**ADDRESSES_FIXED, "auto_verified": '"phone_number" "email"'}

REPLY_TO_PATTERN = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+@[\p{L}\p{M}\p{S}\p{N}\p{P}]+"


def run_seed(
    server: Server, pool_id: str, values: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = SEED_COMMAND.replace("@pool_id@", pool_id)
    for name, value in values.items():
        command = command.replace(f"@{name}@", value)
    aws = f"{shlex.quote(sys.executable)} -m awscli"
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": TEST_KEY[0],
        "AWS_SECRET_ACCESS_KEY": TEST_KEY[1],
        "AWS_DEFAULT_REGION": REGION,
        "AWS_MAX_ATTEMPTS": "1",
    }
    return subprocess.run(
        ["bash", "-c", f"{aws} {command} --endpoint-url {server.url}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _describe(cognito: Any, pool_id: str) -> dict[str, Any]:
    return cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def _cli_error(result: subprocess.CompletedProcess[str]) -> str:
    # AWS CLI v1 exits 255 on a service error (v2: 254).
    assert result.returncode in (254, 255), (result.returncode, result.stdout, result.stderr)
    return result.stderr.strip()


def test_seed_command_as_printed_is_rejected_for_its_empty_reply_to(
    server: Server, cognito: Any
) -> None:
    pool_id = cognito.create_user_pool(PoolName="MyMobileGame", UserPoolTier="PLUS")["UserPool"][
        "Id"
    ]
    before = _describe(cognito, pool_id)
    result = run_seed(server, pool_id, AS_PRINTED)
    assert _cli_error(result) == (
        "An error occurred (InvalidParameterException) when calling the UpdateUserPool operation: "
        "1 validation error detected: Value '' at 'emailConfiguration.replyToEmailAddress' failed "
        f"to satisfy constraint: Member must satisfy regular expression pattern: {REPLY_TO_PATTERN}"
    )
    assert _describe(cognito, pool_id) == before  # nothing changed


def test_seed_command_next_rejects_unverified_email_in_verification_before_update(
    server: Server, cognito: Any
) -> None:
    pool_id = cognito.create_user_pool(PoolName="MyMobileGame", UserPoolTier="PLUS")["UserPool"][
        "Id"
    ]
    before = _describe(cognito, pool_id)
    result = run_seed(server, pool_id, ADDRESSES_FIXED)
    assert _cli_error(result) == (
        "An error occurred (InvalidParameterException) when calling the UpdateUserPool operation: "
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
        "AutoVerifiedAttributes"
    )
    assert _describe(cognito, pool_id) == before


def test_seed_command_audit_mode_needs_the_plus_tier(server: Server, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="MyMobileGame")["UserPool"]["Id"]  # ESSENTIALS
    before = _describe(cognito, pool_id)
    result = run_seed(server, pool_id, ALL_FIXED)
    error = _cli_error(result)
    assert error.startswith(
        "An error occurred (FeatureUnavailableInTierException) when calling the UpdateUserPool "
        "operation: "
    )
    assert "Threat Protection" in error
    assert _describe(cognito, pool_id) == before


def test_seed_command_corrected_succeeds_silently_on_a_plus_pool(
    server: Server, cognito: Any
) -> None:
    pool_id = cognito.create_user_pool(PoolName="MyMobileGame", UserPoolTier="PLUS")["UserPool"][
        "Id"
    ]
    result = run_seed(server, pool_id, ALL_FIXED)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")

    pool = _describe(cognito, pool_id)
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 6,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["DeletionProtection"] == "ACTIVE"
    lambdas = pool["LambdaConfig"]
    assert lambdas["PreSignUp"] == (
        "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-presignup-function"
    )
    assert lambdas["PreTokenGeneration"] == (
        "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-pretoken-function"
    )
    assert sorted(pool["AutoVerifiedAttributes"]) == ["email", "phone_number"]
    assert pool["VerificationMessageTemplate"] == {
        "SmsMessage": "Your code is {####}",
        "EmailMessage": "Your code is {####}",
        "EmailSubject": "Your verification code",
        "EmailMessageByLink": "Click {##here##} to verify your email address.",
        "EmailSubjectByLink": "Your verification link",
        "DefaultEmailOption": "CONFIRM_WITH_LINK",
    }
    assert pool["SmsAuthenticationMessage"] == "Your code is {####}"
    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email", "phone_number"]
    }
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["DeviceConfiguration"] == {
        "ChallengeRequiredOnNewDevice": True,
        "DeviceOnlyRememberedOnUserPrompt": True,
    }
    assert pool["EmailConfiguration"] == {
        "SourceArn": "arn:aws:ses:us-west-2:123456789012:identity/example.com",
        "ReplyToEmailAddress": "support@example.com",
        "EmailSendingAccount": "DEVELOPER",
        "From": "MyMobileGame <no-reply@example.com>",
        "ConfigurationSet": "test-configuration-set",
    }
    assert pool["SmsConfiguration"] == {
        "SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/SNS-SMS-Role",
        "ExternalId": "12345",
        "SnsRegion": "us-west-2",
    }
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["AdminCreateUserConfig"]["InviteMessageTemplate"] == {
        "SMSMessage": "Welcome {username}. Your confirmation code is {####}",
        "EmailMessage": "Welcome {username}. Your confirmation code is {####}",
        "EmailSubject": "Welcome to MyMobileGame",
    }
    assert pool["UserPoolTags"] == {"Function": "MyMobileGame", "Developers": "Berlin"}
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    assert pool["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [
            {"Priority": 1, "Name": "verified_email"},
            {"Priority": 2, "Name": "verified_phone_number"},
        ]
    }
    assert pool["UserPoolTier"] == "PLUS"
    assert (
        pool["LastModifiedDate"] > pool["CreationDate"]
        or pool["LastModifiedDate"] == pool["CreationDate"]
    )


PRESIGNUP = "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-presignup-function"
MIGRATION = "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-migration-function"
POSTAUTH = "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-postauth-function"


@pytest.fixture
def configured_pool(cognito: Any) -> str:
    """A pool with a non-default value for every option the reset rule can touch."""
    pool_id = cognito.create_user_pool(
        PoolName="go-example",
        UserPoolTier="PLUS",
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        DeletionProtection="ACTIVE",
        LambdaConfig={"PostConfirmation": POSTAUTH.replace("postauth", "postconfirm")},
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
        SmsAuthenticationMessage="Code: {####}",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True},
        UserPoolTags={"team": "games"},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]["Id"]
    return pool_id


def _assert_reset_rule(pool: dict[str, Any]) -> None:
    """What an UpdateUserPool carrying only LambdaConfig does to every other option."""
    # Measured to be kept (reference §1.1):
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
    }
    # Measured to reset:
    assert pool.get("AutoVerifiedAttributes", []) == []
    # Documented to reset (nobody measured otherwise):
    assert pool["SmsAuthenticationMessage"] == "Your authentication code is {####}. "
    assert "DeviceConfiguration" not in pool
    assert pool["UserPoolTags"] == {}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool.get("UserPoolAddOns", {"AdvancedSecurityMode": "OFF"}) == {
        "AdvancedSecurityMode": "OFF"
    }


def test_go_example_update_triggers(cognito: Any, configured_pool: str) -> None:
    """CognitoActions.UpdateTriggers: describe, patch three triggers, update with LambdaConfig."""

    def update_triggers(**triggers: str | None) -> None:
        lambda_config = _describe(cognito, configured_pool)["LambdaConfig"]
        for name, arn in triggers.items():
            if arn is None:
                lambda_config.pop(name, None)  # a nil HandlerArn is omitted by the Go SDK
            else:
                lambda_config[name] = arn
        cognito.update_user_pool(UserPoolId=configured_pool, LambdaConfig=lambda_config)

    # The AttributesRequireVerificationBeforeUpdate kept from creation needs email to stay
    # auto-verified, and the update omits AutoVerifiedAttributes: AWS fails exactly this way.
    with pytest.raises(Exception) as err:
        update_triggers(PreSignUp=PRESIGNUP)
    assert "must exist in AutoVerifiedAttributes" in str(err.value)

    cognito.update_user_pool(
        UserPoolId=configured_pool,
        AutoVerifiedAttributes=["email"],
        Policies=_describe(cognito, configured_pool)["Policies"],
    )
    cognito.update_user_pool(
        UserPoolId=configured_pool,
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": []},
    )
    update_triggers(PreSignUp=PRESIGNUP, UserMigration=MIGRATION, PostAuthentication=POSTAUTH)
    pool = _describe(cognito, configured_pool)
    assert pool["LambdaConfig"] == {
        "PreSignUp": PRESIGNUP,
        "UserMigration": MIGRATION,
        "PostAuthentication": POSTAUTH,
    }
    _assert_reset_rule(pool)

    update_triggers(UserMigration=None)  # removes just that trigger
    assert _describe(cognito, configured_pool)["LambdaConfig"] == {
        "PreSignUp": PRESIGNUP,
        "PostAuthentication": POSTAUTH,
    }


def test_js_example_add_pre_sign_up_handler(cognito: Any, configured_pool: str) -> None:
    """addPreSignUpHandler: UpdateUserPool with only LambdaConfig.PreSignUp."""
    cognito.update_user_pool(
        UserPoolId=configured_pool,
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": []},
        AutoVerifiedAttributes=["email"],
    )
    response = cognito.update_user_pool(
        UserPoolId=configured_pool, LambdaConfig={"PreSignUp": PRESIGNUP}
    )
    assert set(response) == {"ResponseMetadata"}
    pool = _describe(cognito, configured_pool)
    assert pool["LambdaConfig"] == {"PreSignUp": PRESIGNUP}  # PostConfirmation was reset
    _assert_reset_rule(pool)
