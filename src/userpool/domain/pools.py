"""User-pool configuration: CreateUserPool, UpdateUserPool, SetUserPoolMfaConfig,
GetUserPoolMfaConfig, AddCustomAttributes and the DeleteUserPool guard.

A pool is a dict shaped exactly like `UserPoolType` (PascalCase keys, dates as float epoch
seconds) minus what the caller computes at read time (`Domain`, `CustomDomain`,
`EstimatedNumberOfUsers`). The MFA settings that only GetUserPoolMfaConfig shows live under
underscore keys; a key's presence means that factor is enabled:
`_SmsMfaConfiguration`, `_SoftwareTokenMfaConfiguration`, `_EmailMfaConfiguration`,
`_WebAuthnConfiguration`. Sources are in docs/update-user-pool.md and shared/reference/cognito.md.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from userpool.domain import pool_defaults as defaults
from userpool.domain import pool_schema
from userpool.domain.errors import FeatureUnavailableInTier, InvalidParameter

Pool = dict[str, Any]

RESET = "reset"
PRESERVE = "preserve"

# What UpdateUserPool does with a field the request leaves out (docs/update-user-pool.md has
# the source of each choice). Callers may override entries through `updated_pool(omission=...)`.
UPDATE_OMISSION: dict[str, str] = {
    "Policies": PRESERVE,                     # measured, each sub-policy separately
    "DeletionProtection": PRESERVE,           # reported
    "LambdaConfig": RESET,                    # measured
    "AutoVerifiedAttributes": RESET,          # measured
    "VerificationMessageTemplate": PRESERVE,  # reported (legacy message fields follow it)
    "SmsAuthenticationMessage": RESET,        # documented rule
    "UserAttributeUpdateSettings": PRESERVE,  # implied by the measured aws-cli#7151 failure
    "MfaConfiguration": PRESERVE,             # measured
    "DeviceConfiguration": RESET,             # documented rule
    "EmailConfiguration": PRESERVE,           # reported
    "SmsConfiguration": PRESERVE,             # DG: SMS can't be deactivated once activated
    "UserPoolTags": RESET,                    # documented rule
    "AdminCreateUserConfig": RESET,           # documented rule
    "UserPoolAddOns": RESET,                  # documented rule
    "AccountRecoverySetting": PRESERVE,       # reported
    "PoolName": PRESERVE,                     # a pool always has a name
    "UserPoolTier": PRESERVE,                 # documented exception to the reset rule
}

DELETION_PROTECTED_MESSAGE = (
    "The user pool cannot be deleted because deletion protection is activated. "
    "Deletion protection must be inactivated first."
)
MFA_ON_AFTER_CREATE = "Cannot turn MFA functionality ON, once the user pool has been created."
MFA_NEEDS_SMS = (
    "SMS configuration and Auto verification for phone_number are required when MFA is "
    "required/optional"
)
MFA_ALL_DISABLED = (
    "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
    "configuration."
)
MFA_OFF_WITH_FACTOR = (
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
)
RECOVERY_PHONE_WITH_SMS_MFA = (
    "Invalid account recovery setting parameter. Account Recovery Setting cannot use "
    "verified_phone_number as a recovery mechanism when SMS MFA is configured."
)
VERIFY_BEFORE_UPDATE = (
    "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
    "AutoVerifiedAttributes"
)
TEMPORARY_PASSWORD_DAYS = (
    "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
    "UnusedAccountValidityDays"
)
USERNAME_AND_ALIAS = (
    "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
)

_LEGACY_VERIFICATION = {
    "SmsVerificationMessage": "SmsMessage",
    "EmailVerificationMessage": "EmailMessage",
    "EmailVerificationSubject": "EmailSubject",
}
_CREATE_ONLY = ("AliasAttributes", "UsernameAttributes")


# ---------------------------------------------------------------------------------------------
# Public API


def new_pool(request: dict, *, pool_id: str, region: str, account_id: str, now: float) -> Pool:
    """CreateUserPool: the stored pool for `request` (already validated against the model)."""
    if request.get("UsernameAttributes") and request.get("AliasAttributes"):
        raise InvalidParameter(USERNAME_AND_ALIAS)
    pool: Pool = {
        "Id": pool_id,
        "Name": request["PoolName"],
        "Arn": f"arn:aws:cognito-idp:{region}:{account_id}:userpool/{pool_id}",
        "CreationDate": now,
        "LastModifiedDate": now,
        "SchemaAttributes": pool_schema.build_schema(request.get("Schema")),
        "UsernameConfiguration": dict(request.get("UsernameConfiguration") or {})
        or {"CaseSensitive": True},
        "MfaConfiguration": "OFF",
    }
    for key in _CREATE_ONLY:
        if request.get(key):
            pool[key] = list(request[key])
    _apply_settings(pool, request, omission={field: RESET for field in UPDATE_OMISSION})
    pool["UserPoolTier"] = request.get("UserPoolTier") or _default_tier(request)
    mfa = request.get("MfaConfiguration", "OFF")
    if mfa != "OFF" and not pool.get("SmsConfiguration"):
        raise InvalidParameter(MFA_NEEDS_SMS)
    pool["MfaConfiguration"] = mfa
    if mfa != "OFF":
        pool["_SmsMfaConfiguration"] = {}
    _finish(pool)
    return pool


def updated_pool(
    current: Pool, request: dict, *, now: float, omission: Mapping[str, str] | None = None
) -> Pool:
    """UpdateUserPool: a new pool dict; `current` is left untouched.

    `omission` overrides entries of `UPDATE_OMISSION` (for fields nobody has measured yet).
    """
    rules = {**UPDATE_OMISSION, **(omission or {})}
    pool = copy.deepcopy(current)
    if "PoolName" in request:
        pool["Name"] = request["PoolName"]
    _apply_settings(pool, request, omission=rules, current=current)
    if request.get("UserPoolTier"):
        pool["UserPoolTier"] = request["UserPoolTier"]
    _update_mfa(pool, current, request, rules)
    pool["LastModifiedDate"] = now
    _finish(pool)
    return pool


def set_mfa_config(current: Pool, request: dict, *, now: float) -> tuple[Pool, dict]:
    """SetUserPoolMfaConfig: (new pool, SetUserPoolMfaConfigResponse)."""
    mfa = request.get("MfaConfiguration", current.get("MfaConfiguration", "OFF"))
    sms = request.get("SmsMfaConfiguration")
    totp = request.get("SoftwareTokenMfaConfiguration")
    email = request.get("EmailMfaConfiguration")
    totp_on = bool(totp and totp.get("Enabled"))
    if mfa == "OFF" and (sms is not None or email is not None or totp_on):
        raise InvalidParameter(MFA_OFF_WITH_FACTOR)
    if mfa != "OFF" and sms is None and email is None and not totp_on:
        raise InvalidParameter(MFA_ALL_DISABLED)
    pool = copy.deepcopy(current)
    pool["MfaConfiguration"] = mfa
    _set_sms_factor(pool, sms)
    # Omitting a factor turns it off (the request describes the whole MFA set-up);
    # WebAuthnConfiguration is relying-party configuration, so it's kept when omitted.
    _set_factor(pool, "_SoftwareTokenMfaConfiguration",
                None if totp is None else {"Enabled": totp_on})
    _set_factor(pool, "_EmailMfaConfiguration", None if email is None else dict(email))
    if request.get("WebAuthnConfiguration") is not None:
        pool["_WebAuthnConfiguration"] = {"UserVerification": "preferred",
                                          **request["WebAuthnConfiguration"]}
    pool["LastModifiedDate"] = now
    _finish(pool)
    return pool, mfa_config(pool)


def mfa_config(pool: Pool) -> dict:
    """GetUserPoolMfaConfigResponse (also SetUserPoolMfaConfigResponse)."""
    response: dict[str, Any] = {"MfaConfiguration": pool.get("MfaConfiguration", "OFF")}
    if "_SmsMfaConfiguration" in pool:
        response["SmsMfaConfiguration"] = copy.deepcopy(pool["_SmsMfaConfiguration"])
    for key in ("SoftwareTokenMfaConfiguration", "EmailMfaConfiguration",
                "WebAuthnConfiguration"):
        if f"_{key}" in pool:
            response[key] = copy.deepcopy(pool[f"_{key}"])
    return response


def add_custom_attributes(current: Pool, attributes: list[dict], *, now: float) -> Pool:
    """AddCustomAttributes: a new pool with the attributes appended to SchemaAttributes."""
    pool = copy.deepcopy(current)
    pool["SchemaAttributes"] = pool_schema.add_custom_attributes(
        current.get("SchemaAttributes", []), attributes
    )
    pool["LastModifiedDate"] = now
    return pool


def deletion_blocked(pool: Pool) -> bool:
    """True when DeleteUserPool must refuse (raise `deletion_protected_error()`)."""
    return pool.get("DeletionProtection") == "ACTIVE"


def deletion_protected_error() -> InvalidParameter:
    """The error DeleteUserPool raises for a pool with DeletionProtection ACTIVE."""
    return InvalidParameter(DELETION_PROTECTED_MESSAGE)


def public_view(pool: Pool) -> dict:
    """The pool as DescribeUserPool shows it (without Domain and EstimatedNumberOfUsers).

    Shallow: the caller serializes it at once (this is the hot path of DescribeUserPool).
    """
    return {k: v for k, v in pool.items() if not k.startswith("_")}


def enabled_mfa_factors(pool: Pool) -> set[str]:
    """The MFA factors switched on: SMS, SOFTWARE_TOKEN, EMAIL."""
    factors = set()
    if "_SmsMfaConfiguration" in pool:
        factors.add("SMS")
    if pool.get("_SoftwareTokenMfaConfiguration", {}).get("Enabled"):
        factors.add("SOFTWARE_TOKEN")
    if "_EmailMfaConfiguration" in pool:
        factors.add("EMAIL")
    return factors


# ---------------------------------------------------------------------------------------------
# Applying a CreateUserPool / UpdateUserPool request


def _apply_settings(pool: Pool, request: dict, *, omission: Mapping[str, str],
                    current: Pool | None = None) -> None:
    """Set every shared setting from `request`, or by `omission` when the request lacks it."""
    base = current or {}

    def pick(field: str) -> tuple[bool, Any]:
        if request.get(field) is not None:
            return True, request[field]
        if omission.get(field) == PRESERVE and field in base:
            return False, copy.deepcopy(base[field])
        return False, None

    pool["Policies"] = _policies(request.get("Policies"), base.get("Policies"), omission)
    _simple(pool, "DeletionProtection", pick, "INACTIVE")
    pool["LambdaConfig"] = _lambda_config(pick("LambdaConfig")[1] or {})
    _simple(pool, "AutoVerifiedAttributes", pick, None)
    _verification(pool, request, base, omission)
    _simple(pool, "SmsAuthenticationMessage", pick, defaults.DEFAULT_SMS_AUTHENTICATION)
    settings = pick("UserAttributeUpdateSettings")[1] or {}
    pool["UserAttributeUpdateSettings"] = {
        "AttributesRequireVerificationBeforeUpdate":
            list(settings.get("AttributesRequireVerificationBeforeUpdate") or []),
    }
    _simple(pool, "DeviceConfiguration", pick, None)
    pool["EmailConfiguration"] = {**defaults.email_configuration(),
                                  **(pick("EmailConfiguration")[1] or {})}
    _simple(pool, "SmsConfiguration", pick, None)
    pool["UserPoolTags"] = dict(pick("UserPoolTags")[1] or {})
    _admin_create_user(pool, request, pick("AdminCreateUserConfig")[1])
    _simple(pool, "UserPoolAddOns", pick, None)
    _simple(pool, "AccountRecoverySetting", pick, None)


def _simple(pool: Pool, field: str, pick: Any, default: Any) -> None:
    value = pick(field)[1]
    if value is None or value == []:
        value = copy.deepcopy(default)
    if value is None:
        pool.pop(field, None)
    else:
        pool[field] = copy.deepcopy(value)


def _policies(given: dict | None, base: dict | None, omission: Mapping[str, str]) -> dict:
    """PasswordPolicy and SignInPolicy are each kept when omitted (measured, cdkd#1982)."""
    given = given or {}
    keep = omission.get("Policies") == PRESERVE and base is not None
    previous = base if keep else {}
    policies: dict[str, Any] = {}
    if given.get("PasswordPolicy") is not None:
        # Unmeasured: sub-fields left out of a given PasswordPolicy take the defaults (the
        # stricter choice for the booleans).
        policy = {**defaults.password_policy(), **given["PasswordPolicy"]}
        if not policy.get("TemporaryPasswordValidityDays"):
            policy["TemporaryPasswordValidityDays"] = defaults.DEFAULT_TEMPORARY_PASSWORD_DAYS
        policies["PasswordPolicy"] = policy
    else:
        policies["PasswordPolicy"] = copy.deepcopy(
            previous.get("PasswordPolicy") or defaults.password_policy()
        )
    if given.get("SignInPolicy") is not None:
        policies["SignInPolicy"] = copy.deepcopy(given["SignInPolicy"])
    else:
        policies["SignInPolicy"] = copy.deepcopy(
            previous.get("SignInPolicy") or defaults.sign_in_policy()
        )
    return policies


def _lambda_config(given: dict) -> dict:
    """Copy LambdaConfig, making PreTokenGeneration and PreTokenGenerationConfig agree."""
    config = copy.deepcopy(given)
    legacy = config.get("PreTokenGeneration")
    versioned = config.get("PreTokenGenerationConfig")
    if legacy and versioned and versioned.get("LambdaArn") != legacy:
        # AWS's wording is unknown; the rule is in LambdaConfigType's documentation.
        raise InvalidParameter(
            "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same."
        )
    if legacy and not versioned:
        config["PreTokenGenerationConfig"] = {"LambdaVersion": "V1_0", "LambdaArn": legacy}
    elif versioned and not legacy:
        config["PreTokenGeneration"] = versioned["LambdaArn"]
    if (config.get("CustomSMSSender") or config.get("CustomEmailSender")) and not config.get(
        "KMSKeyID"
    ):
        raise InvalidParameter(
            "KMSKeyID is required when CustomSMSSender or CustomEmailSender is configured."
        )
    return config


def _verification(pool: Pool, request: dict, base: dict, omission: Mapping[str, str]) -> None:
    """VerificationMessageTemplate and its legacy mirrors (Sms/EmailVerification*)."""
    given = request.get("VerificationMessageTemplate")
    legacy = {k: request[k] for k in _LEGACY_VERIFICATION if request.get(k) is not None}
    if given is None and not legacy and omission.get("VerificationMessageTemplate") == PRESERVE \
            and "VerificationMessageTemplate" in base:
        template = copy.deepcopy(base["VerificationMessageTemplate"])
    else:
        template = defaults.verification_template()
        template.update({inner: legacy[outer] for outer, inner in _LEGACY_VERIFICATION.items()
                         if outer in legacy})
        template.update({k: v for k, v in (given or {}).items() if v is not None})
    pool["VerificationMessageTemplate"] = template
    for outer, inner in _LEGACY_VERIFICATION.items():
        pool[outer] = template[inner]


def _admin_create_user(pool: Pool, request: dict, given: dict | None) -> None:
    """AdminCreateUserConfig, keeping UnusedAccountValidityDays equal to the password policy's
    TemporaryPasswordValidityDays (the legacy name for the same number)."""
    config = defaults.admin_create_user_config()
    given = copy.deepcopy(given or {})
    config["InviteMessageTemplate"].update(given.pop("InviteMessageTemplate", None) or {})
    config.update(given)
    policy = pool["Policies"]["PasswordPolicy"]
    unused = given.get("UnusedAccountValidityDays")
    if unused:
        explicit = ((request.get("Policies") or {}).get("PasswordPolicy") or {}).get(
            "TemporaryPasswordValidityDays"
        )
        if explicit and explicit != unused:
            raise InvalidParameter(TEMPORARY_PASSWORD_DAYS)
        policy["TemporaryPasswordValidityDays"] = unused
    config["UnusedAccountValidityDays"] = policy["TemporaryPasswordValidityDays"]
    pool["AdminCreateUserConfig"] = config


def _default_tier(request: dict) -> str:
    mode = (request.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
    return "PLUS" if mode != "OFF" else "ESSENTIALS"


def _update_mfa(pool: Pool, current: Pool, request: dict, rules: Mapping[str, str]) -> None:
    before = current.get("MfaConfiguration", "OFF")
    if request.get("MfaConfiguration") is not None:
        mfa = request["MfaConfiguration"]
    elif rules.get("MfaConfiguration") == PRESERVE:
        mfa = before
    else:
        mfa = "OFF"
    if before == "OFF" and mfa == "ON":
        raise InvalidParameter(MFA_ON_AFTER_CREATE)
    pool["MfaConfiguration"] = mfa
    if mfa == "OFF" or enabled_mfa_factors(pool):
        return
    if not pool.get("SmsConfiguration"):
        raise InvalidParameter(MFA_NEEDS_SMS)
    pool["_SmsMfaConfiguration"] = {}


def _set_sms_factor(pool: Pool, sms: dict | None) -> None:
    if sms is None:
        pool.pop("_SmsMfaConfiguration", None)
        return
    if sms.get("SmsConfiguration") is not None:
        pool["SmsConfiguration"] = copy.deepcopy(sms["SmsConfiguration"])
    if sms.get("SmsAuthenticationMessage") is not None:
        pool["SmsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
    if not pool.get("SmsConfiguration"):
        # AWS's wording is unknown: SMS MFA can't work without an SNS role.
        raise InvalidParameter("SMS configuration is required to enable SMS MFA.")
    pool["_SmsMfaConfiguration"] = {}


def _set_factor(pool: Pool, key: str, value: dict | None) -> None:
    if value is None:
        pool.pop(key, None)
    else:
        pool[key] = value


# ---------------------------------------------------------------------------------------------
# Rules every stored pool obeys


def _finish(pool: Pool) -> None:
    """Refresh derived MFA data and check the cross-field rules on the final pool."""
    if "_SmsMfaConfiguration" in pool:
        pool["_SmsMfaConfiguration"] = {
            "SmsAuthenticationMessage": pool.get("SmsAuthenticationMessage",
                                                 defaults.DEFAULT_SMS_AUTHENTICATION),
            "SmsConfiguration": copy.deepcopy(pool.get("SmsConfiguration", {})),
        }
    _check_verification_before_update(pool)
    _check_recovery(pool)
    _check_email(pool)
    _check_invite_template(pool)
    _check_sign_in_policy(pool)
    _check_tier(pool)


def _check_verification_before_update(pool: Pool) -> None:
    wanted = pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"]
    if not set(wanted) <= set(pool.get("AutoVerifiedAttributes") or []):
        raise InvalidParameter(VERIFY_BEFORE_UPDATE)


def _check_recovery(pool: Pool) -> None:
    """Phone recovery is refused when every user must use MFA and SMS is a factor (observed with
    MFA ON, aws-cdk#11478); under OPTIONAL only users with SMS MFA lose it, at run time."""
    mechanisms = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or []
    uses_phone = any(m.get("Name") == "verified_phone_number" for m in mechanisms)
    if uses_phone and pool.get("MfaConfiguration") == "ON" and "SMS" in enabled_mfa_factors(pool):
        raise InvalidParameter(RECOVERY_PHONE_WITH_SMS_MFA)


def _check_email(pool: Pool) -> None:
    config = pool["EmailConfiguration"]
    if config.get("EmailSendingAccount") == "DEVELOPER" and not config.get("SourceArn"):
        # AWS's wording is unknown; DEVELOPER sends through the SES identity in SourceArn.
        raise InvalidParameter("SourceArn is required when EmailSendingAccount is DEVELOPER.")
    if "_EmailMfaConfiguration" in pool and config.get("EmailSendingAccount") != "DEVELOPER":
        # [DG:user-pool-email]: email MFA needs DEVELOPER (SES) email. Wording is ours.
        raise InvalidParameter(
            "Email MFA requires EmailSendingAccount DEVELOPER in the EmailConfiguration."
        )


def _check_invite_template(pool: Pool) -> None:
    """The service demands {username} and {####} in invitation SMS and email (aws-cdk#6484,
    aws-cdk#16905); the wording of AWS's error is unknown."""
    template = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    for key in ("SMSMessage", "EmailMessage"):
        text = template.get(key)
        if text is not None and ("{username}" not in text or "{####}" not in text):
            raise InvalidParameter(
                f"The invitation {key} must contain the {{username}} and {{####}} placeholders."
            )


def _check_sign_in_policy(pool: Pool) -> None:
    factors = pool["Policies"]["SignInPolicy"].get("AllowedFirstAuthFactors") or []
    if "WEB_AUTHN" in factors and len(set(factors)) == 1:
        # [API:SignInPolicyType]: WEB_AUTHN must come with another factor. Wording is ours.
        raise InvalidParameter(
            "AllowedFirstAuthFactors must include another factor together with WEB_AUTHN."
        )


def _check_tier(pool: Pool) -> None:
    tier = pool.get("UserPoolTier", "ESSENTIALS")
    missing = _features_beyond(pool, tier)
    if missing:
        # Wording measured for threat protection (terraform-provider-aws#40734); the other
        # feature names are ours.
        raise FeatureUnavailableInTier(
            f"The following features need to be disabled for the {tier} pricing tier "
            f"configured: {', '.join(missing)}"
        )


def _features_beyond(pool: Pool, tier: str) -> list[str]:
    features = []
    mode = (pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
    if tier != "PLUS" and mode != "OFF":
        features.append("Threat Protection")
    if tier != "LITE":
        return features
    sign_in = pool["Policies"]["SignInPolicy"].get("AllowedFirstAuthFactors") or []
    if set(sign_in) - {"PASSWORD"}:
        features.append("Passwordless Sign-in")
    version = (pool["LambdaConfig"].get("PreTokenGenerationConfig") or {}).get("LambdaVersion")
    if version in ("V2_0", "V3_0"):
        features.append("Access Token Customization")
    if pool["Policies"]["PasswordPolicy"].get("PasswordHistorySize"):
        features.append("Password History")
    if "_EmailMfaConfiguration" in pool:
        features.append("Email MFA")
    factor = (pool.get("_WebAuthnConfiguration") or {}).get("FactorConfiguration")
    if factor == "MULTI_FACTOR_WITH_USER_VERIFICATION":
        features.append("Passkey MFA")
    return features
