"""Seeding the server under test with boto3: a realistic pool, an app client, extra pools."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

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


# SignUp's client: a public one (no secret), as a browser or mobile app has; a SECRET_HASH per
# request would need an HMAC in wrk's Lua.
PUBLIC_CLIENT: dict[str, Any] = {
    "ClientName": "bench-spa",
    "GenerateSecret": False,
    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "ReadAttributes": ["email", "email_verified", "name"],
    "WriteAttributes": ["email", "name"],
    "PreventUserExistenceErrors": "ENABLED",
}

# The sign-in workloads' client (bench/auth.py): public (no secret: wrk can't compute a
# SECRET_HASH, and the SRP generator needn't), the three flows measured, no refresh-token
# rotation (REFRESH_TOKEN_AUTH is refused under rotation). Tokens live a day: the access token
# GetUser presents is drawn at seeding time, before the (possibly long) ListUsers fill.
AUTH_CLIENT: dict[str, Any] = {
    "ClientName": "bench-signin",
    "GenerateSecret": False,
    "ExplicitAuthFlows": [
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
    ],
    "AccessTokenValidity": 1,
    "IdTokenValidity": 1,
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"AccessToken": "days", "IdToken": "days", "RefreshToken": "days"},
    "ReadAttributes": ["email", "email_verified", "name", "custom:tenant_id", "custom:plan"],
    "WriteAttributes": ["email", "name", "custom:plan"],
    "PreventUserExistenceErrors": "ENABLED",
}
# The user who signs in (CONFIRMED, permanent password): not SEEDED_EMAIL, whose temporary
# password leaves them in FORCE_CHANGE_PASSWORD (a sign-in would answer a challenge).
SIGNIN_EMAIL = "signin.user@bench.example"

# The user AdminGetUser reads: the main pool signs in by email, so the email names them.
SEEDED_EMAIL = "seeded.user@bench.example"
PASSWORD = "Bench-Passw0rd!2024"  # meets POOL's password policy

# The pools the filtered ListUsers searches: plain usernames (the import CSV names them), email
# searchable like every pool's. bench/users.py fills them outside the API.
LIST_POOL: dict[str, Any] = {
    "PoolName": "bench-list-{size}",
    "AutoVerifiedAttributes": ["email"],
    "UsernameConfiguration": {"CaseSensitive": False},
    "Schema": [{"Name": "name", "AttributeDataType": "String", "Mutable": True}],
}


def seed(endpoint: str) -> dict[str, str]:
    """Create the fixtures; return the values the workloads' body templates refer to."""
    idp = client(endpoint)
    pool_id = idp.create_user_pool(**POOL)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, **CLIENT)["UserPoolClient"][
        "ClientId"
    ]
    public_id = idp.create_user_pool_client(UserPoolId=pool_id, **PUBLIC_CLIENT)[
        "UserPoolClient"
    ]["ClientId"]
    user = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=SEEDED_EMAIL,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "name", "Value": "Seeded User"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:tenant_id", "Value": "tenant-0001"},
            {"Name": "custom:plan", "Value": "pro"},
        ],
    )["User"]
    for n in range(EXTRA_POOLS):
        idp.create_user_pool(PoolName=f"bench-extra-{n:02d}", UserPoolTags={"env": "bench"})
    return {
        "pool_id": pool_id,
        "client_id": client_id,
        "public_client_id": public_id,
        "user_email": SEEDED_EMAIL,
        "user_name": user["Username"],
        "password": PASSWORD,
        **signin_fixtures(idp, pool_id),
    }


def signin_fixtures(idp: Any, pool_id: str) -> dict[str, str]:
    """The sign-in workloads' client and CONFIRMED user, and one USER_PASSWORD_AUTH sign-in's
    tokens: the refresh token REFRESH_TOKEN_AUTH presents, the access token GetUser does."""
    auth_id = idp.create_user_pool_client(UserPoolId=pool_id, **AUTH_CLIENT)["UserPoolClient"][
        "ClientId"
    ]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=SIGNIN_EMAIL,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "name", "Value": "Signing In"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:tenant_id", "Value": "tenant-0002"},
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=SIGNIN_EMAIL, Password=PASSWORD, Permanent=True
    )
    result = idp.initiate_auth(
        ClientId=auth_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": SIGNIN_EMAIL, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {
        "auth_client_id": auth_id,
        "signin_email": SIGNIN_EMAIL,
        "refresh_token": result["RefreshToken"],
        "access_token": result["AccessToken"],
    }


def list_pool(endpoint: str, size: int) -> tuple[str, list[str] | None]:
    """An empty pool for ``size`` users: its id and its import CSV header (None when the
    server has no GetCSVHeader yet)."""
    idp = client(endpoint)
    config = {**LIST_POOL, "PoolName": LIST_POOL["PoolName"].format(size=size)}
    pool_id: str = idp.create_user_pool(**config)["UserPool"]["Id"]
    try:
        header: list[str] | None = idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    except ClientError:  # not implemented (yet): the standard header will do
        header = None
    return pool_id, header


def user_count(endpoint: str, pool_id: str) -> int:
    pool = client(endpoint).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return int(pool.get("EstimatedNumberOfUsers", 0))
