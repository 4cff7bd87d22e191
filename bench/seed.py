"""Seeding the server under test with boto3: a realistic pool, an app client, extra pools."""

from __future__ import annotations

from typing import Any

import boto3

EXTRA_POOLS = 14  # with the main pool, ListUserPools(MaxResults=10) returns a full page

POOL: dict[str, Any] = {
    "PoolName": "bench-main",
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 12,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": True,
            "TemporaryPasswordValidityDays": 7,
        }
    },
    "DeletionProtection": "ACTIVE",
    "AutoVerifiedAttributes": ["email"],
    "UsernameAttributes": ["email"],
    "VerificationMessageTemplate": {
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
        "EmailSubject": "Your verification code",
        "EmailMessage": "Your verification code is {####}.",
    },
    "MfaConfiguration": "OFF",
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
    "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
    "UserPoolTags": {"team": "identity", "env": "bench"},
    "AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": False,
        "InviteMessageTemplate": {
            "EmailSubject": "Welcome",
            "EmailMessage": "Your username is {username} and temporary password is {####}.",
        },
    },
    "Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "name", "AttributeDataType": "String", "Required": False, "Mutable": True},
        {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False,
         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
        {"Name": "plan", "AttributeDataType": "String", "Mutable": True,
         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "32"}},
        {"Name": "seats", "AttributeDataType": "Number", "Mutable": True,
         "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10000"}},
    ],
    "UsernameConfiguration": {"CaseSensitive": False},
    "AccountRecoverySetting": {
        "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
    },
}

CLIENT: dict[str, Any] = {
    "ClientName": "bench-web",
    "GenerateSecret": True,
    "RefreshTokenValidity": 30,
    "AccessTokenValidity": 60,
    "IdTokenValidity": 60,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    "ReadAttributes": ["email", "email_verified", "name", "custom:tenant_id", "custom:plan"],
    "WriteAttributes": ["email", "name", "custom:plan"],
    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": ["https://app.example.com/callback"],
    "LogoutURLs": ["https://app.example.com/logout"],
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email", "profile"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": True,
}


def client(endpoint: str) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def seed(endpoint: str) -> dict[str, str]:
    """Create the fixtures; return the values the workloads' body templates refer to."""
    idp = client(endpoint)
    pool_id = idp.create_user_pool(**POOL)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, **CLIENT)["UserPoolClient"][
        "ClientId"
    ]
    for n in range(EXTRA_POOLS):
        idp.create_user_pool(PoolName=f"bench-extra-{n:02d}", UserPoolTags={"env": "bench"})
    return {"pool_id": pool_id, "client_id": client_id}
