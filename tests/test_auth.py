"""Sign-in over HTTP, on both stores: InitiateAuth / AdminInitiateAuth / RespondToAuthChallenge
with the password flows, refresh, NEW_PASSWORD_REQUIRED, SECRET_HASH, PreventUserExistenceErrors,
user states, lockout and sessions; every token verified with PyJWT against the JWKS served over
HTTP. (Real SRP through pycognito: test_srp_clients.py.)

Sources: shared/reference/cognito.md §2.2/§2.3 (claims), §2.4 (REFRESH_TOKEN_AUTH returns no
refresh token), §3.1 (flows; "<FLOW> flow not enabled for this client", as quoted in
floci-io/floci#3974), §3.3 (session expiry text), §3.4 (NEW_PASSWORD_REQUIRED parameters and the
missing-attribute text), §3.7 (SECRET_HASH texts; refresh uses the internal username), §3.8
(PreventUserExistenceErrors), §3.9 (lockout), §3.10 (user states and their errors).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.auth_helpers import (
    confirmed_user,
    edit_user,
    expire_sessions,
    flows_client,
    jwks,
    password_sign_in,
    verify,
)
from tests.server import Server, error
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    make_client,
    make_pool,
    rejected,
    secret_hash,
    unique,
)

INCORRECT = "Incorrect username or password."
ADMIN_SCOPE = "aws.cognito.signin.user.admin"


def issuer(server: Server, pool_id: str) -> str:
    return f"{server.url}/{pool_id}"


@pytest.fixture
def app(cognito: Any, pool_id: str) -> dict[str, Any]:
    return flows_client(cognito, pool_id)


# -- tokens and their claims -------------------------------------------------------------------
@pytest.fixture
def rich_pool(cognito: Any) -> dict[str, Any]:
    """Custom attributes of both types, for the claim checks."""
    return make_pool(cognito, Schema=[
        {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
        {"Name": "level", "AttributeDataType": "Number", "Mutable": True},
    ])


def test_password_sign_in_tokens_verify_with_the_jwks(
    cognito: Any, server: Server, rich_pool: dict[str, Any]
) -> None:
    pool_id = rich_pool["Id"]
    client = flows_client(cognito, pool_id)
    email = address()
    name = confirmed_user(cognito, pool_id, attributes=attrs(
        email=email, email_verified="true", custom__tier="gold", custom__level="7"))
    cognito.create_group(UserPoolId=pool_id, GroupName="admins")
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="admins")
    sub = attribute_map(cognito.admin_get_user(UserPoolId=pool_id, Username=name))["sub"]

    before = int(time.time())
    result = password_sign_in(cognito, client, name)["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    assert result["RefreshToken"].count(".") == 4  # a compact JWE
    keys = jwks(server, pool_id)
    id_claims = verify(result["IdToken"], keys, issuer=issuer(server, pool_id), token_use="id",
                       audience=client["ClientId"])
    access = verify(result["AccessToken"], keys, issuer=issuer(server, pool_id),
                    token_use="access")
    assert jwtkid(result["IdToken"]) != jwtkid(result["AccessToken"])  # separate keys (§2.1)

    assert id_claims["sub"] == access["sub"] == sub
    assert id_claims["aud"] == client["ClientId"]
    assert id_claims["cognito:username"] == name
    assert id_claims["cognito:groups"] == ["admins"]
    assert id_claims["email"] == email
    assert id_claims["email_verified"] is True
    assert id_claims["custom:tier"] == "gold"
    assert id_claims["custom:level"] == "7"  # custom attributes are strings whatever their type
    assert abs(id_claims["auth_time"] - before) <= 2
    assert id_claims["exp"] - id_claims["iat"] == 3600
    assert {"origin_jti", "jti", "event_id"} <= set(id_claims)

    assert "aud" not in access
    assert access["client_id"] == client["ClientId"]
    assert access["version"] == 2
    assert access["scope"] == ADMIN_SCOPE
    assert access["username"] == name
    assert access["cognito:groups"] == ["admins"]
    assert access["origin_jti"] == id_claims["origin_jti"]
    assert access["event_id"] == id_claims["event_id"]
    assert access["auth_time"] == id_claims["auth_time"]
    assert access["jti"] != id_claims["jti"]
    assert "email" not in access


def jwtkid(token: str) -> str:
    import jwt

    return str(jwt.get_unverified_header(token)["kid"])


def test_refresh_returns_no_refresh_token_and_keeps_auth_time(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    name = confirmed_user(cognito, pool_id)
    first = password_sign_in(cognito, app, name)["AuthenticationResult"]
    keys = jwks(server, pool_id)
    original = verify(first["IdToken"], keys, issuer=issuer(server, pool_id), token_use="id",
                      audience=app["ClientId"])
    time.sleep(1.1)
    again = cognito.initiate_auth(ClientId=app["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    result = again["AuthenticationResult"]
    assert "RefreshToken" not in result
    assert again["ChallengeParameters"] == {}
    id_claims = verify(result["IdToken"], keys, issuer=issuer(server, pool_id), token_use="id",
                       audience=app["ClientId"])
    access = verify(result["AccessToken"], keys, issuer=issuer(server, pool_id),
                    token_use="access")
    assert id_claims["auth_time"] == access["auth_time"] == original["auth_time"]
    assert id_claims["iat"] > original["auth_time"]
    assert id_claims["origin_jti"] == access["origin_jti"] == original["origin_jti"]
    assert id_claims["jti"] != original["jti"]
    # The legacy alias and the admin operation refresh too.
    assert "IdToken" in cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=app["ClientId"], AuthFlow="REFRESH_TOKEN",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]


def test_refresh_with_a_bad_token(cognito: Any, app: dict[str, Any]) -> None:
    code, _ = rejected(cognito.initiate_auth, ClientId=app["ClientId"],
                       AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "x.y.z"})
    assert code == "NotAuthorizedException"


def test_refresh_token_of_another_client(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = confirmed_user(cognito, pool_id)
    token = password_sign_in(cognito, app, name)["AuthenticationResult"]["RefreshToken"]
    other = flows_client(cognito, pool_id)
    code, _ = rejected(cognito.initiate_auth, ClientId=other["ClientId"],
                       AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token})
    assert code == "NotAuthorizedException"


def test_admin_password_flows(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    name = confirmed_user(cognito, pool_id)
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        result = cognito.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=app["ClientId"], AuthFlow=flow,
            AuthParameters={"USERNAME": name, "PASSWORD": STRONG})["AuthenticationResult"]
        claims = verify(result["AccessToken"], jwks(server, pool_id),
                        issuer=issuer(server, pool_id), token_use="access")
        assert claims["username"] == name
    assert rejected(cognito.admin_initiate_auth, UserPoolId=pool_id, ClientId=app["ClientId"],
                    AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": name, "PASSWORD": OTHER}) == (
        "NotAuthorizedException", INCORRECT)


def test_admin_flows_only_through_admin_initiate_auth(cognito: Any, app: dict[str, Any]) -> None:
    """moto's capture of AWS (getmoto/moto#4836): "Initiate Auth method not supported"."""
    code, message = rejected(cognito.initiate_auth, ClientId=app["ClientId"],
                             AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": "x", "PASSWORD": STRONG})
    assert code == "InvalidParameterException"
    assert message.startswith("Initiate Auth method not supported")


def test_flows_not_enabled_on_the_client(cognito: Any, pool_id: str) -> None:
    srp_only = make_client(cognito, pool_id, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH",
                                                                "ALLOW_REFRESH_TOKEN_AUTH"])
    name = confirmed_user(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=srp_only, username=name) == (
        "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
    assert rejected(cognito.admin_initiate_auth, UserPoolId=pool_id,
                    ClientId=srp_only["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": name, "PASSWORD": STRONG}) == (
        "InvalidParameterException", "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")
    password_only = make_client(cognito, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                     "ALLOW_REFRESH_TOKEN_AUTH"])
    assert rejected(cognito.initiate_auth, ClientId=password_only["ClientId"],
                    AuthFlow="USER_SRP_AUTH",
                    AuthParameters={"USERNAME": name, "SRP_A": "abcd"}) == (
        "InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client")


def test_legacy_explicit_flow_names(cognito: Any, pool_id: str) -> None:
    legacy = make_client(cognito, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH"])
    name = confirmed_user(cognito, pool_id)
    assert "AuthenticationResult" in password_sign_in(cognito, legacy, name)


def test_model_validation_and_unknown_resources(
    cognito: Any, loose: Any, pool_id: str, app: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as exc:
        loose.initiate_auth(ClientId=app["ClientId"], AuthParameters={})
    assert error(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        loose.initiate_auth(ClientId=app["ClientId"], AuthFlow="NOT_A_FLOW")
    assert error(exc)[0] == "InvalidParameterException"
    assert rejected(cognito.initiate_auth, ClientId="a" * 26, AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "x", "PASSWORD": "y"}) == (
        "ResourceNotFoundException", f"User pool client {'a' * 26} does not exist.")
    code, _ = rejected(cognito.admin_initiate_auth, UserPoolId="us-east-1_nope0000",
                       ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                       AuthParameters={"USERNAME": "x", "PASSWORD": "y"})
    assert code == "ResourceNotFoundException"
    code, message = rejected(cognito.initiate_auth, ClientId=app["ClientId"],
                             AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"PASSWORD": "y"})
    assert code == "InvalidParameterException" and "USERNAME" in message


def test_sign_in_by_alias_and_by_email_username(cognito: Any) -> None:
    pool = make_pool(cognito, UsernameAttributes=["email"])
    client = flows_client(cognito, pool["Id"])
    email = address()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=email, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=email, Password=STRONG,
                                    Permanent=True)
    internal = cognito.admin_get_user(UserPoolId=pool["Id"], Username=email)["Username"]
    assert internal != email
    result = password_sign_in(cognito, client, email.upper())["AuthenticationResult"]
    assert result["AccessToken"]


# -- wrong passwords, unknown users, PreventUserExistenceErrors --------------------------------
def test_wrong_password(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = confirmed_user(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name,
                    password=OTHER) == ("NotAuthorizedException", INCORRECT)


def test_unknown_user_legacy_and_enabled(cognito: Any, pool_id: str) -> None:
    legacy = flows_client(cognito, pool_id, PreventUserExistenceErrors="LEGACY")
    enabled = flows_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    assert rejected(password_sign_in, cognito=cognito, client=legacy, username="ghost") == (
        "UserNotFoundException", "User does not exist.")
    assert rejected(password_sign_in, cognito=cognito, client=enabled, username="ghost") == (
        "NotAuthorizedException", INCORRECT)
    assert rejected(cognito.admin_initiate_auth, UserPoolId=pool_id,
                    ClientId=enabled["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "ghost", "PASSWORD": STRONG}) == (
        "NotAuthorizedException", INCORRECT)


# -- SECRET_HASH -------------------------------------------------------------------------------
def test_secret_hash(cognito: Any, pool_id: str) -> None:
    client = flows_client(cognito, pool_id, GenerateSecret=True)
    cid = client["ClientId"]
    name = confirmed_user(cognito, pool_id)
    assert rejected(password_sign_in, cognito=cognito, client=client, username=name) == (
        "NotAuthorizedException",
        f"Client {cid} is configured with secret but SECRET_HASH was not received")
    assert rejected(password_sign_in, cognito=cognito, client=client, username=name,
                    SECRET_HASH=secret_hash(client, "someone-else")) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {cid}")
    result = password_sign_in(cognito, client, name, SECRET_HASH=secret_hash(client, name))
    assert result["AuthenticationResult"]["IdToken"]


def test_refresh_secret_hash_uses_the_internal_username(cognito: Any) -> None:
    """boto/boto3#2736: in an email-username pool the refresh SECRET_HASH is over the generated
    username, not the email the user signed in with."""
    pool = make_pool(cognito, UsernameAttributes=["email"])
    client = flows_client(cognito, pool["Id"], GenerateSecret=True)
    email = address()
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=email, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=email, Password=STRONG,
                                    Permanent=True)
    internal = cognito.admin_get_user(UserPoolId=pool["Id"], Username=email)["Username"]
    token = password_sign_in(cognito, client, email, SECRET_HASH=secret_hash(client, email))[
        "AuthenticationResult"]["RefreshToken"]

    def refresh(hashed_name: str) -> dict[str, Any]:
        return cognito.initiate_auth(
            ClientId=client["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token,
                            "SECRET_HASH": secret_hash(client, hashed_name)})

    assert rejected(refresh, hashed_name=email) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client['ClientId']}")
    assert "IdToken" in refresh(internal)["AuthenticationResult"]


# -- user states -------------------------------------------------------------------------------
def test_disabled_user(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = confirmed_user(cognito, pool_id)
    cognito.admin_disable_user(UserPoolId=pool_id, Username=name)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name) == (
        "NotAuthorizedException", "User is disabled.")
    # A wrong password is still just a wrong password.
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name,
                    password=OTHER) == ("NotAuthorizedException", INCORRECT)
    cognito.admin_enable_user(UserPoolId=pool_id, Username=name)
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)


def test_unconfirmed_user(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = unique()
    cognito.sign_up(ClientId=app["ClientId"], Username=name, Password=STRONG)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name) == (
        "UserNotConfirmedException", "User is not confirmed.")


def test_reset_required_user(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = confirmed_user(cognito, pool_id, attributes=attrs(
        email=address(), email_verified="true"))
    cognito.admin_reset_user_password(UserPoolId=pool_id, Username=name)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name) == (
        "PasswordResetRequiredException", "Password reset required for the user")


def test_imported_user_needs_a_reset(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    """An imported user has no password: LEGACY says PasswordResetRequiredException, ENABLED
    hides it behind the generic NotAuthorizedException (reference §3.8)."""
    name = confirmed_user(cognito, pool_id)
    edit_user(server, pool_id, name, UserStatus="RESET_REQUIRED", _PasswordHash=None, _Srp=None)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name) == (
        "PasswordResetRequiredException", "Password reset required for the user")
    enabled = flows_client(cognito, pool_id, PreventUserExistenceErrors="ENABLED")
    assert rejected(password_sign_in, cognito=cognito, client=enabled, username=name) == (
        "NotAuthorizedException", INCORRECT)


# -- NEW_PASSWORD_REQUIRED ---------------------------------------------------------------------
@pytest.fixture
def named_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, Schema=[
        {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}])


def invited(cognito: Any, pool_id: str, temporary: str = OTHER) -> str:
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, TemporaryPassword=temporary,
                              MessageAction="SUPPRESS", UserAttributes=attrs(
                                  email=address(), email_verified="true"))
    return name


def test_new_password_required(
    cognito: Any, server: Server, named_pool: dict[str, Any]
) -> None:
    pool_id = named_pool["Id"]
    client = flows_client(cognito, pool_id)
    name = invited(cognito, pool_id)
    first = password_sign_in(cognito, client, name, password=OTHER)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert 20 <= len(first["Session"]) <= 2048
    params = first["ChallengeParameters"]
    assert json.loads(params["requiredAttributes"]) == ["userAttributes.name"]
    shown = json.loads(params["userAttributes"])
    assert shown["email_verified"] == "true" and "sub" not in shown
    assert params["USER_ID_FOR_SRP"] == name

    def respond(session: str, **extra: str) -> dict[str, Any]:
        return cognito.respond_to_auth_challenge(
            ClientId=client["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
            ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": STRONG, **extra})

    assert rejected(respond, session=first["Session"]) == (
        "InvalidParameterException", "Invalid attributes given, name is missing")
    again = password_sign_in(cognito, client, name, password=OTHER)
    code, _ = rejected(respond, session=again["Session"], NEW_PASSWORD="short")
    assert code in ("InvalidPasswordException", "InvalidParameterException")
    again = password_sign_in(cognito, client, name, password=OTHER)
    result = respond(again["Session"], **{"userAttributes.name": "Ada"})["AuthenticationResult"]
    claims = verify(result["IdToken"], jwks(server, pool_id), issuer=issuer(server, pool_id),
                    token_use="id", audience=client["ClientId"])
    assert claims["name"] == "Ada"
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=name)
    assert user["UserStatus"] == "CONFIRMED"
    assert attribute_map(user)["name"] == "Ada"
    # The new password is the password now; the temporary one is gone.
    assert "AuthenticationResult" in password_sign_in(cognito, client, name)
    assert rejected(password_sign_in, cognito=cognito, client=client, username=name,
                    password=OTHER) == ("NotAuthorizedException", INCORRECT)


def test_new_password_through_the_admin_operations(
    cognito: Any, pool_id: str, app: dict[str, Any]
) -> None:
    name = invited(cognito, pool_id)
    first = cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": OTHER})
    assert json.loads(first["ChallengeParameters"]["requiredAttributes"]) == []
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=app["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"], ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": STRONG})
    assert done["AuthenticationResult"]["AccessToken"]


def test_expired_temporary_password(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    name = invited(cognito, pool_id)
    edit_user(server, pool_id, name, _TempPasswordExpiresAt=time.time() - 60)
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name,
                    password=OTHER) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.")


# -- sessions ----------------------------------------------------------------------------------
def start_new_password(cognito: Any, client: dict[str, Any], pool_id: str) -> tuple[str, str]:
    name = invited(cognito, pool_id)
    return name, password_sign_in(cognito, client, name, password=OTHER)["Session"]


def answer(cognito: Any, client: dict[str, Any], name: str, session: str) -> dict[str, Any]:
    return cognito.respond_to_auth_challenge(
        ClientId=client["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
        ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": STRONG})


def test_session_replayed(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name, session = start_new_password(cognito, app, pool_id)
    assert "AuthenticationResult" in answer(cognito, app, name, session)
    assert rejected(answer, cognito=cognito, client=app, name=name, session=session) == (
        "NotAuthorizedException", "Invalid session for the user, session can only be used once.")


def test_session_expired(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    name, session = start_new_password(cognito, app, pool_id)
    expire_sessions(server, pool_id)
    assert rejected(answer, cognito=cognito, client=app, name=name, session=session) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_session_of_another_client(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name, session = start_new_password(cognito, app, pool_id)
    other = flows_client(cognito, pool_id)
    assert rejected(answer, cognito=cognito, client=other, name=name, session=session) == (
        "NotAuthorizedException", "Invalid session for the user.")
    assert rejected(answer, cognito=cognito, client=app, name=name, session="x" * 40) == (
        "NotAuthorizedException", "Invalid session for the user.")


def test_session_for_another_challenge(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name, session = start_new_password(cognito, app, pool_id)
    code, _ = rejected(cognito.respond_to_auth_challenge, ClientId=app["ClientId"],
                       ChallengeName="SMS_MFA", Session=session,
                       ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": "123456"})
    assert code in ("InvalidParameterException", "NotAuthorizedException")


# -- lockout -----------------------------------------------------------------------------------
def test_lockout_after_five_failures(cognito: Any, pool_id: str, app: dict[str, Any]) -> None:
    name = confirmed_user(cognito, pool_id)
    for _ in range(5):
        assert rejected(password_sign_in, cognito=cognito, client=app, username=name,
                        password=OTHER) == ("NotAuthorizedException", INCORRECT)
    # Locked: even the right password is refused.
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name) == (
        "NotAuthorizedException", "Password attempts exceeded")
    time.sleep(1.2)  # the first lockout lasts 2^0 = 1 second
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)
    # Success forgot the failures: one wrong password is just wrong again.
    assert rejected(password_sign_in, cognito=cognito, client=app, username=name,
                    password=OTHER) == ("NotAuthorizedException", INCORRECT)
    assert "AuthenticationResult" in password_sign_in(cognito, app, name)


# -- two server processes, one database --------------------------------------------------------
@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_sign_in_continues_on_another_process(db_url: str) -> None:
    first, second = Server(db=db_url).start(), Server(db=db_url).start()
    try:
        a, b = first.client(), second.client()
        pool_id = make_pool(a)["Id"]
        client = flows_client(a, pool_id)
        name, session = start_new_password(a, client, pool_id)
        result = answer(b, client, name, session)["AuthenticationResult"]
        # Tokens issued by the second process verify with the keys the first one serves.
        claims = verify(result["AccessToken"], jwks(first, pool_id),
                        issuer=f"{second.url}/{pool_id}", token_use="access")
        assert claims["username"] == name
        refreshed = a.initiate_auth(ClientId=client["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                    AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
        assert refreshed["AuthenticationResult"]["IdToken"]
        # A session answered on one process is gone for the other.
        assert rejected(answer, cognito=a, client=client, name=name, session=session)[1] == (
            "Invalid session for the user, session can only be used once.")
    finally:
        first.stop()
        second.stop()


def test_refresh_carries_current_groups_and_attributes(
    cognito: Any, server: Server, pool_id: str, app: dict[str, Any]
) -> None:
    """The refresh path reads family, user and groups in one statement: check what it read."""
    name = confirmed_user(cognito, pool_id, attributes=[{"Name": "name", "Value": "Before"}])
    first = password_sign_in(cognito, app, name)["AuthenticationResult"]
    for group in ("zeta,team", "alpha"):  # a comma in a name must survive the aggregation
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName=group)
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username=name, UserAttributes=[{"Name": "name", "Value": "After"}]
    )
    refreshed = cognito.initiate_auth(
        ClientId=app["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    keys = jwks(server, pool_id)
    id_claims = verify(refreshed["IdToken"], keys, issuer=issuer(server, pool_id),
                       token_use="id", audience=app["ClientId"])
    access = verify(refreshed["AccessToken"], keys, issuer=issuer(server, pool_id),
                    token_use="access")
    assert id_claims["cognito:groups"] == access["cognito:groups"] == ["alpha", "zeta,team"]
    assert id_claims["name"] == "After"
    cognito.admin_delete_user(UserPoolId=pool_id, Username=name)
    with pytest.raises(ClientError) as err:
        cognito.initiate_auth(
            ClientId=app["ClientId"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert err.value.response["Error"]["Code"] == "UserNotFoundException"
