"""Pre token generation (TokenGeneration_Authentication, _RefreshTokens, _NewPasswordChallenge)
in its three versions, with the seed page's own ARN (cognito-test-pretoken-function), through
boto3 over HTTP, handlers in Python and Node.js run by the built-in runtime (reference §4.4,
§1.5, §2.2/§2.3). Every token is verified with PyJWT against the JWKS the server serves."""

from __future__ import annotations

from typing import Any

import pytest
from tests.auth_helpers import (
    database_of,
    flows_client,
    jwks,
    verify,
)
from tests.server import Server
from tests.triggers.functions import Functions, make_pool
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attrs,
    make_client,
    rejected,
    unique,
)

SEED_PRETOKEN = "arn:aws:lambda:us-west-2:123456789012:function:cognito-test-pretoken-function"
PRETOKEN = "cognito-test-pretoken-function"
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
ADMINS_ROLE = "arn:aws:iam::123456789012:role/admins"
READERS_ROLE = "arn:aws:iam::123456789012:role/readers"
OVERRIDE_ROLE = "arn:aws:iam::123456789012:role/override"
# The groupConfiguration of a member of the three groups ``join_groups`` creates.
GROUP_CONFIGURATION = {
    "groupsToOverride": ["admins", "readers", "staff"],
    "iamRolesToOverride": [ADMINS_ROLE, READERS_ROLE],
    "preferredRole": ADMINS_ROLE,
}

# A V2/V3 handler whose claims say which invocation made the tokens (and with which metadata).
SOURCE_CLAIMS = {
    "python": """
source = event['triggerSource']
meta = event['request'].get('clientMetadata', {})
event['response']['claimsAndScopeOverrideDetails'] = {
    'idTokenGeneration': {
        'claimsToAddOrOverride': {'source': source, 'meta': meta},
    },
    'accessTokenGeneration': {
        'claimsToAddOrOverride': {'source': source},
        'scopesToAdd': ['api/read'],
    },
}
return event
""",
    "node": """
const source = event.triggerSource;
event.response.claimsAndScopeOverrideDetails = {
  idTokenGeneration: {
    claimsToAddOrOverride: { source, meta: event.request.clientMetadata ?? {} },
  },
  accessTokenGeneration: {
    claimsToAddOrOverride: { source },
    scopesToAdd: ['api/read'],
  },
};
return event;
""",
}


# -- helpers -----------------------------------------------------------------------------------
def wire(cognito: Any, pool_id: str, arn: str, version: str | None = None, **extra: Any) -> None:
    """UpdateUserPool with the trigger: the legacy key (V1_0) when ``version`` is None, else
    PreTokenGenerationConfig."""
    config: dict[str, Any] = (
        {"PreTokenGeneration": arn}
        if version is None
        else {"PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn}}
    )
    cognito.update_user_pool(UserPoolId=pool_id, LambdaConfig=config, **extra)


def make_user(cognito: Any, pool_id: str) -> tuple[str, str, str]:
    """A CONFIRMED user with a verified email and names: (username, sub, email)."""
    return make_user_named(cognito, pool_id, unique())


def make_user_named(cognito: Any, pool_id: str, username: str) -> tuple[str, str, str]:
    email = address()
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=attrs(
            email=email, email_verified="true", given_name="Mary", family_name="Major"
        ),
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=STRONG, Permanent=True
    )
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    return username, sub, email


def user_attributes(sub: str, email: str, status: str = "CONFIRMED") -> dict[str, str]:
    """``request.userAttributes`` of ``make_user``'s user: every value a string."""
    return {
        "sub": sub,
        "email": email,
        "email_verified": "true",
        "given_name": "Mary",
        "family_name": "Major",
        "cognito:user_status": status,
    }


def join_groups(cognito: Any, pool_id: str, username: str) -> None:
    """Three real groups: two with roles (precedence 1 and 5), one with neither."""
    cognito.create_group(UserPoolId=pool_id, GroupName="admins", RoleArn=ADMINS_ROLE, Precedence=1)
    cognito.create_group(
        UserPoolId=pool_id, GroupName="readers", RoleArn=READERS_ROLE, Precedence=5
    )
    cognito.create_group(UserPoolId=pool_id, GroupName="staff")
    for group in ("admins", "readers", "staff"):
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)


def sign_in(
    cognito: Any,
    client: dict[str, Any],
    username: str,
    password: str = STRONG,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH, with ClientMetadata when given."""
    extra = {"ClientMetadata": metadata} if metadata is not None else {}
    return cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
        **extra,
    )


def caller(client: dict[str, Any]) -> dict[str, str]:
    return {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client["ClientId"]}


class Tokens:
    """The ID and access tokens of an AuthenticationResult, verified with PyJWT (RS256 against
    the served JWKS, iss, the ID token's aud, exp, token_use)."""

    def __init__(
        self, server: Server, pool_id: str, client: dict[str, Any], result: dict[str, Any]
    ) -> None:
        keys = jwks(server, pool_id)
        issuer = f"{server.url}/{pool_id}"
        self.id = verify(
            result["IdToken"], keys, issuer=issuer, token_use="id", audience=client["ClientId"]
        )
        self.access = verify(result["AccessToken"], keys, issuer=issuer, token_use="access")
        assert self.access["client_id"] == client["ClientId"] and "aud" not in self.access


# -- V1 ----------------------------------------------------------------------------------------
def test_v1_event_and_id_token_claims(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    lang: str,
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    username, sub, email = make_user(cognito, pool_id)
    join_groups(cognito, pool_id, username)
    functions.handler(
        lang,
        PRETOKEN,
        response={
            "claimsOverrideDetails": {
                "claimsToAddOrOverride": {
                    "tenant": "acme",
                    "email": "override@example.com",
                    # Restricted: ignored, the tokens keep Cognito's values.
                    "sub": "forged-sub",
                    "cognito:username": "forged-user",
                    "token_use": "access",
                },
                "claimsToSuppress": ["family_name", "cognito:username", "iss"],
                "groupOverrideDetails": {
                    "groupsToOverride": ["override-group"],
                    "iamRolesToOverride": [OVERRIDE_ROLE],
                    "preferredRole": OVERRIDE_ROLE,
                },
            }
        },
    )
    wire(cognito, pool_id, SEED_PRETOKEN)
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"] == {
        "PreTokenGeneration": SEED_PRETOKEN,
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": SEED_PRETOKEN},
    }
    result = sign_in(cognito, client, username, metadata={"from": "initiate"})
    # InitiateAuth's ClientMetadata never reaches pre token generation (reference §4.4).
    assert functions.event(PRETOKEN) == {
        "version": "1",
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": user_attributes(sub, email),
            "groupConfiguration": GROUP_CONFIGURATION,
        },
        "response": {"claimsOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, result["AuthenticationResult"])
    ident, access = tokens.id, tokens.access
    assert ident["tenant"] == "acme"
    assert ident["email"] == "override@example.com"
    assert "family_name" not in ident and ident["given_name"] == "Mary"
    assert ident["email_verified"] is True
    assert ident["sub"] == sub and ident["cognito:username"] == username
    assert ident["token_use"] == "id" and ident["aud"] == client["ClientId"]
    assert ident["cognito:groups"] == ["override-group"]
    assert ident["cognito:roles"] == [OVERRIDE_ROLE]
    assert ident["cognito:preferred_role"] == OVERRIDE_ROLE
    # V1 customizes the ID token only, but the group override reaches both tokens.
    assert access["cognito:groups"] == ["override-group"]
    assert "tenant" not in access and "email" not in access and "cognito:roles" not in access
    assert access["sub"] == sub and access["username"] == username
    assert access["scope"] == ADMIN_SCOPE
    # The access token still authorizes the user's own operations.
    user = cognito.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])
    assert user["Username"] == username


def test_v1_default_answer_changes_nothing(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    username, sub, email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name))
    tokens = Tokens(
        trigger_server,
        pool_id,
        client,
        sign_in(cognito, client, username)["AuthenticationResult"],
    )
    event = functions.event(name)
    assert event["request"]["groupConfiguration"] == {
        "groupsToOverride": [],
        "iamRolesToOverride": [],
        "preferredRole": None,
    }
    assert event["request"]["userAttributes"] == user_attributes(sub, email)
    assert tokens.id["email"] == email and tokens.id["family_name"] == "Major"
    assert "cognito:groups" not in tokens.id and "cognito:groups" not in tokens.access


# -- V2 and V3 ---------------------------------------------------------------------------------
def test_v2_event_and_both_tokens(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito, UserPoolTier="ESSENTIALS")["Id"]
    client = flows_client(cognito, pool_id)
    username, sub, email = make_user(cognito, pool_id)
    join_groups(cognito, pool_id, username)
    arn = functions.handler(
        lang,
        name,
        response={
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {
                    "claimsToAddOrOverride": {
                        "plan": "gold",
                        "seats": 42,
                        "beta": True,
                        "tags": ["a", "b"],
                        "org": {"id": 7, "name": "acme"},
                        "sub": "forged-sub",
                    },
                    "claimsToSuppress": ["family_name", "email"],
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {
                        "tenant": {"id": "t-1", "region": "eu"},
                        "seats": 42,
                        "admin": False,
                        "roles": ["reader"],
                        "client_id": "forged-client",
                        "username": "forged-user",
                    },
                    "claimsToSuppress": ["cognito:groups", "token_use"],
                    "scopesToAdd": ["api/read", "api/write", "api/delete"],
                    "scopesToSuppress": ["api/delete"],
                },
            }
        },
    )
    wire(cognito, pool_id, arn, "V2_0")
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"] == {
        "PreTokenGeneration": arn,
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn},
    }
    result = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        ClientMetadata={"from": "admin-initiate"},
    )
    assert functions.event(name) == {
        "version": "2",
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": user_attributes(sub, email),
            "groupConfiguration": GROUP_CONFIGURATION,
            "scopes": [ADMIN_SCOPE],
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, result["AuthenticationResult"])
    ident, access = tokens.id, tokens.access
    assert ident["plan"] == "gold" and ident["seats"] == 42 and ident["beta"] is True
    assert ident["tags"] == ["a", "b"] and ident["org"] == {"id": 7, "name": "acme"}
    assert "family_name" not in ident and "email" not in ident
    assert ident["given_name"] == "Mary" and ident["sub"] == sub
    assert ident["cognito:groups"] == ["admins", "readers", "staff"]  # kept in the ID token
    assert ident["cognito:preferred_role"] == ADMINS_ROLE
    assert "tenant" not in ident and "admin" not in ident
    assert access["tenant"] == {"id": "t-1", "region": "eu"}
    assert access["seats"] == 42 and access["admin"] is False and access["roles"] == ["reader"]
    assert "cognito:groups" not in access  # suppressed in the access token only
    assert access["client_id"] == client["ClientId"] and access["username"] == username
    assert access["scope"].split() == [ADMIN_SCOPE, "api/read", "api/write"]
    assert "plan" not in access and "tags" not in access
    assert (
        cognito.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["Username"]
        == username
    )


def test_v3_password_sign_in(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito, UserPoolTier="ESSENTIALS")["Id"]
    client = flows_client(cognito, pool_id)
    username, sub, email = make_user(cognito, pool_id)
    join_groups(cognito, pool_id, username)
    arn = functions.handler(
        lang,
        name,
        response={
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {
                    "claimsToAddOrOverride": {"department": "sales", "level": 3},
                    "claimsToSuppress": ["given_name"],
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"permissions": ["orders:read", "orders:write"]},
                    "scopesToAdd": ["orders/read"],
                    "scopesToSuppress": [ADMIN_SCOPE],
                },
                "groupOverrideDetails": {
                    "groupsToOverride": [],
                    "iamRolesToOverride": [],
                    "preferredRole": None,
                },
            }
        },
    )
    wire(cognito, pool_id, arn, "V3_0")
    result = sign_in(cognito, client, username)["AuthenticationResult"]
    assert functions.event(name) == {
        "version": "3",
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": user_attributes(sub, email),
            "groupConfiguration": GROUP_CONFIGURATION,
            "scopes": [ADMIN_SCOPE],
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, result)
    ident, access = tokens.id, tokens.access
    assert ident["department"] == "sales" and ident["level"] == 3
    assert "given_name" not in ident and ident["family_name"] == "Major"
    assert access["permissions"] == ["orders:read", "orders:write"]
    assert access["scope"] == "orders/read"
    # An empty group override removes the group claims from both tokens.
    for claim in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert claim not in ident and claim not in access
    # Without aws.cognito.signin.user.admin the token no longer authorizes GetUser.
    assert rejected(cognito.get_user, AccessToken=result["AccessToken"]) == (
        "NotAuthorizedException",
        "Access Token does not have required scopes",
    )


def test_v2_and_v3_need_essentials_or_plus(cognito: Any, trigger_server: Server) -> None:
    lite = make_pool(cognito, UserPoolTier="LITE")["Id"]
    for version in ("V2_0", "V3_0"):
        code, message = rejected(
            cognito.update_user_pool,
            UserPoolId=lite,
            LambdaConfig={
                "PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": SEED_PRETOKEN}
            },
        )
        assert code == "FeatureUnavailableInTierException"
        assert "Access Token Customization" in message
    assert cognito.describe_user_pool(UserPoolId=lite)["UserPool"]["LambdaConfig"] == {}
    # V1 (ID-token customization) is part of Lite.
    wire(cognito, lite, SEED_PRETOKEN, "V1_0")
    assert cognito.describe_user_pool(UserPoolId=lite)["UserPool"]["LambdaConfig"] == {
        "PreTokenGeneration": SEED_PRETOKEN,
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": SEED_PRETOKEN},
    }
    plus = make_pool(cognito, UserPoolTier="PLUS")["Id"]
    wire(cognito, plus, SEED_PRETOKEN, "V3_0")
    assert cognito.describe_user_pool(UserPoolId=plus)["UserPool"]["LambdaConfig"][
        "PreTokenGenerationConfig"
    ] == {"LambdaVersion": "V3_0", "LambdaArn": SEED_PRETOKEN}
    # The legacy key and the config must name the same function.
    code, _ = rejected(
        cognito.update_user_pool,
        UserPoolId=plus,
        LambdaConfig={
            "PreTokenGeneration": SEED_PRETOKEN,
            "PreTokenGenerationConfig": {
                "LambdaVersion": "V2_0",
                "LambdaArn": SEED_PRETOKEN + "-other",
            },
        },
    )
    assert code == "InvalidParameterException"


# -- trigger sources ---------------------------------------------------------------------------
def test_remembered_device_sign_in_fires_authenticate_device(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    """A sign-in that ends with the remembered device's SRP (DEVICE_SRP_AUTH, then
    DEVICE_PASSWORD_VERIFIER) is TokenGeneration_AuthenticateDevice."""
    from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

    devices = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    username, _sub, _email = make_user(cognito, pool_id)
    handler = functions.handler(lang, name, code=SOURCE_CLAIMS[lang])
    wire(cognito, pool_id, handler, "V2_0", DeviceConfiguration=devices)  # omitted = reset
    first = sign_in(cognito, client, username)["AuthenticationResult"]
    meta = first["NewDeviceMetadata"]
    device_password, config = generate_hash_device(meta["DeviceGroupKey"], meta["DeviceKey"])
    cognito.confirm_device(
        AccessToken=first["AccessToken"],
        DeviceKey=meta["DeviceKey"],
        DeviceSecretVerifierConfig=config,
        DeviceName="laptop",
    )
    step = cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG, "DEVICE_KEY": meta["DeviceKey"]},
    )
    assert step["ChallengeName"] == "DEVICE_SRP_AUTH"
    helper = AWSSRP(
        username=username,
        password=STRONG,
        pool_id=pool_id,
        client_id=client["ClientId"],
        client=cognito,
        device_key=meta["DeviceKey"],
        device_group_key=meta["DeviceGroupKey"],
        device_password=device_password,
    )
    verifier = cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"],
        ChallengeName="DEVICE_SRP_AUTH",
        Session=step["Session"],
        ChallengeResponses={
            "USERNAME": username,
            "DEVICE_KEY": meta["DeviceKey"],
            "SRP_A": long_to_hex(helper.large_a_value),
        },
    )
    done = cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"],
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_device_challenge(verifier["ChallengeParameters"]),
    )["AuthenticationResult"]
    assert [e["triggerSource"] for e in functions.events(name)] == [
        "TokenGeneration_Authentication",
        "TokenGeneration_AuthenticateDevice",
    ]
    tokens = Tokens(trigger_server, pool_id, client, done)
    assert tokens.id["source"] == tokens.access["source"] == "TokenGeneration_AuthenticateDevice"
    assert tokens.access["device_key"] == meta["DeviceKey"]


def test_refresh_token_auth_fires_refresh_tokens(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    username, sub, email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name, code=SOURCE_CLAIMS[lang]), "V2_0")
    first = sign_in(cognito, client, username)["AuthenticationResult"]
    signed_in = Tokens(trigger_server, pool_id, client, first)
    assert signed_in.id["source"] == signed_in.access["source"] == "TokenGeneration_Authentication"
    refreshed = cognito.initiate_auth(
        ClientId=client["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        ClientMetadata={"from": "initiate"},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    events = functions.events(name)
    assert [e["triggerSource"] for e in events] == [
        "TokenGeneration_Authentication",
        "TokenGeneration_RefreshTokens",
    ]
    assert events[1] == {
        "version": "2",
        "triggerSource": "TokenGeneration_RefreshTokens",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": user_attributes(sub, email),
            "groupConfiguration": {
                "groupsToOverride": [],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
            "scopes": [ADMIN_SCOPE],
            # no clientMetadata: InitiateAuth's isn't passed (and none is sent as {})
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, refreshed)
    assert tokens.id["source"] == tokens.access["source"] == "TokenGeneration_RefreshTokens"
    assert tokens.id["meta"] == {}
    assert tokens.access["scope"] == f"{ADMIN_SCOPE} api/read"
    assert tokens.id["auth_time"] == signed_in.id["auth_time"]
    assert tokens.access["origin_jti"] == signed_in.access["origin_jti"]


def test_get_tokens_from_refresh_token_with_rotation(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = make_client(
        cognito,
        pool_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )
    username, sub, email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name, code=SOURCE_CLAIMS[lang]), "V2_0")
    first = sign_in(cognito, client, username)["AuthenticationResult"]
    refreshed = cognito.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"],
        ClientId=client["ClientId"],
        ClientMetadata={"reason": "rotate"},
    )["AuthenticationResult"]
    assert refreshed["RefreshToken"] != first["RefreshToken"]  # rotated
    events = functions.events(name)
    assert len(events) == 2
    assert events[1] == {
        "version": "2",
        "triggerSource": "TokenGeneration_RefreshTokens",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": user_attributes(sub, email),
            "groupConfiguration": {
                "groupsToOverride": [],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
            "scopes": [ADMIN_SCOPE],
            "clientMetadata": {"reason": "rotate"},
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, refreshed)
    assert tokens.id["source"] == tokens.access["source"] == "TokenGeneration_RefreshTokens"
    assert tokens.id["meta"] == {"reason": "rotate"}
    assert tokens.access["scope"] == f"{ADMIN_SCOPE} api/read"
    # The rotated refresh token works in turn, through the trigger again.
    again = cognito.get_tokens_from_refresh_token(
        RefreshToken=refreshed["RefreshToken"], ClientId=client["ClientId"]
    )["AuthenticationResult"]
    assert Tokens(trigger_server, pool_id, client, again).id["meta"] == {}
    assert len(functions.events(name)) == 3


def test_new_password_challenge(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    functions.handler(
        lang,
        PRETOKEN,
        response={"claimsOverrideDetails": {"claimsToAddOrOverride": {"first_login": "true"}}},
    )
    wire(cognito, pool_id, SEED_PRETOKEN)
    username, email = unique(), address()
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=OTHER,
        MessageAction="SUPPRESS",
        UserAttributes=attrs(email=email),
    )
    challenge = sign_in(cognito, client, username, OTHER, metadata={"from": "initiate"})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert functions.events(PRETOKEN) == []  # no tokens yet
    result = cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": STRONG},
        ClientMetadata={"from": "respond"},
    )["AuthenticationResult"]
    sub = cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]
    sub = next(a["Value"] for a in sub if a["Name"] == "sub")
    assert functions.event(PRETOKEN) == {
        "version": "1",
        "triggerSource": "TokenGeneration_NewPasswordChallenge",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": caller(client),
        "request": {
            "userAttributes": {"sub": sub, "email": email, "cognito:user_status": "CONFIRMED"},
            "groupConfiguration": {
                "groupsToOverride": [],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
            "clientMetadata": {"from": "respond"},
        },
        "response": {"claimsOverrideDetails": None},
    }
    tokens = Tokens(trigger_server, pool_id, client, result)
    assert tokens.id["first_login"] == "true" and tokens.id["email"] == email
    assert "first_login" not in tokens.access


# -- errors ------------------------------------------------------------------------------------
def test_throwing_handler_fails_the_sign_in_without_side_effects(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str
) -> None:
    # Threat protection (AUDIT) records sign-in events: a failed trigger must record none.
    security = {"AdvancedSecurityMode": "AUDIT"}
    pool_id = make_pool(cognito, UserPoolTier="PLUS", UserPoolAddOns=security)["Id"]
    client = flows_client(cognito, pool_id)
    username, _sub, _email = make_user(cognito, pool_id)
    functions.handler(lang, PRETOKEN, error="Tokens are not for you.")
    wire(cognito, pool_id, SEED_PRETOKEN, UserPoolAddOns=security)
    # One real failure: a wrong password.
    wrong = rejected(sign_in, cognito=cognito, client=client, username=username, password=OTHER)
    assert wrong == ("NotAuthorizedException", "Incorrect username or password.")
    # Five trigger failures after one wrong password: were they counted, the account would lock.
    for _ in range(5):
        assert rejected(sign_in, cognito=cognito, client=client, username=username) == (
            "UserLambdaValidationException",
            "PreTokenGeneration failed with error Tokens are not for you..",
        )
    assert len(functions.events(PRETOKEN)) == 5
    with database_of(trigger_server) as tx:
        stored = tx.users.get(pool_id, username)
        assert stored is not None
        # Neither counted as failures nor as the success that clears them.
        assert stored["_Failures"] == 1 and not stored.get("_LockedUntil")
    events = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=username)
    assert [e["EventResponse"] for e in events["AuthEvents"]] == ["Fail"]
    # Fixed, the same password signs in at once (no lockout), and only now is it a sign-in.
    functions.handler(lang, PRETOKEN)
    result = sign_in(cognito, client, username)["AuthenticationResult"]
    Tokens(trigger_server, pool_id, client, result)
    events = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=username)
    assert sorted(e["EventResponse"] for e in events["AuthEvents"]) == ["Fail", "Pass"]
    with database_of(trigger_server) as tx:
        stored = tx.users.get(pool_id, username)
        assert stored is not None and "_Failures" not in stored


@pytest.mark.parametrize("version", [None, "V2_0"])
def test_malformed_answer_is_unrecognizable(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    lang: str,
    name: str,
    version: str | None,
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = flows_client(cognito, pool_id)
    username, _sub, _email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name), version)
    if version is None:
        bad_answers: list[dict[str, Any]] = [
            {"claimsOverrideDetails": {"claimsToSuppress": "family_name"}},
            {"claimsOverrideDetails": "none"},
        ]
    else:
        bad_answers = [
            {"claimsAndScopeOverrideDetails": {"idTokenGeneration": {"claimsToSuppress": "email"}}},
            {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["a b"]}}},
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"email_verified": [True]}}
                }
            },
        ]
    for answer in bad_answers:
        functions.handler(lang, name, response=answer)
        assert rejected(sign_in, cognito=cognito, client=client, username=username) == (
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
        ), answer
        assert len(functions.events(name)) == 1
    # A well-formed answer then signs in normally.
    functions.handler(lang, name)
    assert "AuthenticationResult" in sign_in(cognito, client, username)


def test_failed_refresh_trigger_keeps_the_refresh_token(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = make_client(
        cognito,
        pool_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )
    plain = flows_client(cognito, pool_id)  # REFRESH_TOKEN_AUTH, without rotation
    username, _sub, _email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name), "V2_0")
    first = sign_in(cognito, client, username)["AuthenticationResult"]
    other = sign_in(cognito, plain, username)["AuthenticationResult"]
    functions.handler(lang, name, error="no refresh today")
    failed = (
        "UserLambdaValidationException",
        "PreTokenGeneration failed with error no refresh today.",
    )
    assert (
        rejected(
            cognito.get_tokens_from_refresh_token,
            RefreshToken=first["RefreshToken"],
            ClientId=client["ClientId"],
        )
        == failed
    )
    assert (
        rejected(
            cognito.initiate_auth,
            ClientId=plain["ClientId"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": other["RefreshToken"]},
        )
        == failed
    )
    assert [e["triggerSource"] for e in functions.events(name)] == [
        "TokenGeneration_RefreshTokens",
        "TokenGeneration_RefreshTokens",
    ]
    functions.handler(
        lang,
        name,
        response={
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"retry": "ok"}}
            }
        },
    )
    # Not rotated by the failed call (grace period 0: a rotated token would be reused here).
    refreshed = cognito.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=client["ClientId"]
    )["AuthenticationResult"]
    assert refreshed["RefreshToken"] != first["RefreshToken"]
    assert Tokens(trigger_server, pool_id, client, refreshed).id["retry"] == "ok"
    assert functions.event(name)["triggerSource"] == "TokenGeneration_RefreshTokens"


def test_refresh_of_a_deleted_user_fires_nothing(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    pool_id = make_pool(cognito)["Id"]
    client = make_client(
        cognito,
        pool_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )
    username, _sub, _email = make_user(cognito, pool_id)
    wire(cognito, pool_id, functions.handler(lang, name), "V2_0")
    first = sign_in(cognito, client, username)["AuthenticationResult"]
    assert len(functions.events(name)) == 1
    # The same name again, another user: the old refresh token is not theirs.
    cognito.admin_delete_user(UserPoolId=pool_id, Username=username)
    make_user_named(cognito, pool_id, username)
    assert rejected(
        cognito.get_tokens_from_refresh_token,
        RefreshToken=first["RefreshToken"],
        ClientId=client["ClientId"],
    ) == ("UserNotFoundException", "User does not exist.")
    assert len(functions.events(name)) == 1  # the new user's attributes went to no function
