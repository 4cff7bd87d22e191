"""What a freshly created user pool holds when the request leaves a setting out.

Every value is what DescribeUserPool returns for an API-created pool (shared/reference/cognito.md
§1.7, `aws/aws-cli awscli/examples/cognito-idp/describe-user-pool.rst`). The default texts end
with a space after the final period, exactly as AWS sends them. Functions return fresh copies so
callers may mutate them.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_SMS_VERIFICATION = "Your verification code is {####}. "
DEFAULT_EMAIL_VERIFICATION = "Your verification code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your verification code"
# The link template as AWS fills it in (widely copied into Terraform configs from DescribeUserPool).
DEFAULT_EMAIL_BY_LINK = (
    "Please click the link below to verify your email address. {##Verify Email##} "
)
DEFAULT_EMAIL_SUBJECT_BY_LINK = "Your verification link"
DEFAULT_SMS_AUTHENTICATION = "Your authentication code is {####}. "
DEFAULT_INVITE_MESSAGE = "Your username is {username} and temporary password is {####}. "
DEFAULT_INVITE_SUBJECT = "Your temporary password"
DEFAULT_TEMPORARY_PASSWORD_DAYS = 7

CUSTOM_ATTRIBUTE_LIMIT = 50
STRING_ATTRIBUTE_MAX_LENGTH = 2048

_PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": DEFAULT_TEMPORARY_PASSWORD_DAYS,
}

_SIGN_IN_POLICY: dict[str, Any] = {"AllowedFirstAuthFactors": ["PASSWORD"]}

_VERIFICATION_TEMPLATE: dict[str, Any] = {
    "SmsMessage": DEFAULT_SMS_VERIFICATION,
    "EmailMessage": DEFAULT_EMAIL_VERIFICATION,
    "EmailSubject": DEFAULT_EMAIL_SUBJECT,
    "EmailMessageByLink": DEFAULT_EMAIL_BY_LINK,
    "EmailSubjectByLink": DEFAULT_EMAIL_SUBJECT_BY_LINK,
    "DefaultEmailOption": "CONFIRM_WITH_CODE",
}

_INVITE_TEMPLATE: dict[str, Any] = {
    "EmailMessage": DEFAULT_INVITE_MESSAGE,
    "EmailSubject": DEFAULT_INVITE_SUBJECT,
    "SMSMessage": DEFAULT_INVITE_MESSAGE,
}


def _string(name: str, minimum: str = "0", *, required: bool = False, mutable: bool = True,
            maximum: str = "2048") -> dict[str, Any]:
    return {
        "Name": name,
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": mutable,
        "Required": required,
        "StringAttributeConstraints": {"MinLength": minimum, "MaxLength": maximum},
    }


def _boolean(name: str) -> dict[str, Any]:
    return {
        "Name": name,
        "AttributeDataType": "Boolean",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
    }


# In the order DescribeUserPool lists them.
_STANDARD_SCHEMA: list[dict[str, Any]] = [
    _string("sub", "1", required=True, mutable=False),
    _string("name"),
    _string("given_name"),
    _string("family_name"),
    _string("middle_name"),
    _string("nickname"),
    _string("preferred_username"),
    _string("profile"),
    _string("picture"),
    _string("website"),
    _string("email"),
    _boolean("email_verified"),
    _string("gender"),
    _string("birthdate", "10", maximum="10"),
    _string("zoneinfo"),
    _string("locale"),
    _string("phone_number"),
    _boolean("phone_number_verified"),
    _string("address"),
    {
        "Name": "updated_at",
        "AttributeDataType": "Number",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "NumberAttributeConstraints": {"MinValue": "0"},
    },
]

STANDARD_ATTRIBUTE_NAMES: frozenset[str] = frozenset(a["Name"] for a in _STANDARD_SCHEMA)


def password_policy() -> dict[str, Any]:
    return dict(_PASSWORD_POLICY)


def sign_in_policy() -> dict[str, Any]:
    return copy.deepcopy(_SIGN_IN_POLICY)


def verification_template() -> dict[str, Any]:
    return dict(_VERIFICATION_TEMPLATE)


def invite_template() -> dict[str, Any]:
    return dict(_INVITE_TEMPLATE)


def admin_create_user_config() -> dict[str, Any]:
    return {
        "AllowAdminCreateUserOnly": False,
        "UnusedAccountValidityDays": DEFAULT_TEMPORARY_PASSWORD_DAYS,
        "InviteMessageTemplate": invite_template(),
    }


def email_configuration() -> dict[str, Any]:
    return {"EmailSendingAccount": "COGNITO_DEFAULT"}


def user_attribute_update_settings() -> dict[str, Any]:
    return {"AttributesRequireVerificationBeforeUpdate": []}


def standard_schema() -> list[dict[str, Any]]:
    return copy.deepcopy(_STANDARD_SCHEMA)
