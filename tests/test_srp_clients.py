"""USER_SRP_AUTH through pycognito (a real SRP client), on both stores, against a server whose
tokens carry AWS's issuer (pycognito checks ``iss`` against cognito-idp.<region>.amazonaws.com).

Sources: shared/reference/cognito.md §3.6 (SRP; USER_ID_FOR_SRP is the internal username; the
simulated first step for unknown users), §3.7 (SECRET_HASH over the internal username in the
challenge response), §3.8 (PreventUserExistenceErrors).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.auth_helpers import (
    aws_issuer,
    aws_server,  # noqa: F401  (fixture)
    confirmed_user,
    flows_client,
    jwks,
    pycognito_user,
    verify,
)
from tests.server import Server, error
from tests.user_helpers import OTHER, STRONG, address, make_pool, unique

INCORRECT = "Incorrect username or password."


@pytest.fixture
def srp(aws_server: Server) -> Any:  # noqa: F811
    return aws_server.client()


def test_srp_sign_in_and_refresh(srp: Any, aws_server: Server) -> None:  # noqa: F811
    pool_id = make_pool(srp)["Id"]
    client = flows_client(srp, pool_id)
    name = confirmed_user(srp, pool_id)
    user = pycognito_user(aws_server, pool_id, client, name)
    user.authenticate(password=STRONG)
    user.verify_tokens()  # pycognito's own checks: signature, iss, aud, token_use
    claims = verify(user.id_token, jwks(aws_server, pool_id), issuer=aws_issuer(pool_id),
                    token_use="id", audience=client["ClientId"])
    assert claims["cognito:username"] == name
    refresh_token, auth_time = user.refresh_token, claims["auth_time"]
    user.renew_access_token()  # REFRESH_TOKEN_AUTH
    user.verify_tokens()
    assert user.refresh_token == refresh_token  # no new refresh token was returned
    assert user.access_claims["auth_time"] == auth_time


def test_srp_wrong_password(srp: Any, aws_server: Server) -> None:  # noqa: F811
    pool_id = make_pool(srp)["Id"]
    client = flows_client(srp, pool_id)
    name = confirmed_user(srp, pool_id)
    user = pycognito_user(aws_server, pool_id, client, name)
    with pytest.raises(ClientError) as exc:
        user.authenticate(password=OTHER)
    assert error(exc) == ("NotAuthorizedException", INCORRECT)


def test_srp_email_username_pool_with_secret(srp: Any, aws_server: Server) -> None:  # noqa: F811
    """USER_ID_FOR_SRP is the generated username; the challenge response's SECRET_HASH is over
    it (pycognito computes it from the challenge's USERNAME)."""
    pool = make_pool(srp, UsernameAttributes=["email"])
    client = flows_client(srp, pool["Id"], GenerateSecret=True)
    email = address()
    srp.admin_create_user(UserPoolId=pool["Id"], Username=email, MessageAction="SUPPRESS")
    srp.admin_set_user_password(UserPoolId=pool["Id"], Username=email, Password=STRONG,
                                Permanent=True)
    internal = srp.admin_get_user(UserPoolId=pool["Id"], Username=email)["Username"]
    helper = AWSSRP(username=email, password=STRONG, pool_id=pool["Id"],
                    client_id=client["ClientId"], client=srp,
                    client_secret=client["ClientSecret"])
    first = srp.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH",
                              AuthParameters=helper.get_auth_params())
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    params = first["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == params["USERNAME"] == internal
    assert internal != email

    user = pycognito_user(aws_server, pool["Id"], client, email)
    user.authenticate(password=STRONG)
    user.verify_tokens()
    assert user.id_claims["cognito:username"] == internal
    assert user.id_claims["email"] == email


def test_srp_new_password_required(srp: Any, aws_server: Server) -> None:  # noqa: F811
    pool_id = make_pool(srp)["Id"]
    client = flows_client(srp, pool_id)
    name = unique()
    srp.admin_create_user(UserPoolId=pool_id, Username=name, TemporaryPassword=OTHER,
                          MessageAction="SUPPRESS")
    user = pycognito_user(aws_server, pool_id, client, name)
    user.new_password_challenge(password=OTHER, new_password=STRONG)
    user.verify_tokens()
    again = pycognito_user(aws_server, pool_id, client, name)
    again.authenticate(password=STRONG)
    assert again.access_claims["username"] == name


def test_srp_unknown_user(srp: Any) -> None:
    pool_id = make_pool(srp)["Id"]
    legacy = flows_client(srp, pool_id, PreventUserExistenceErrors="LEGACY")
    enabled = flows_client(srp, pool_id, PreventUserExistenceErrors="ENABLED")

    def start(client: dict[str, Any]) -> tuple[AWSSRP, dict[str, Any]]:
        helper = AWSSRP(username="ghost", password=STRONG, pool_id=pool_id,
                        client_id=client["ClientId"], client=srp)
        params = helper.get_auth_params()
        return helper, srp.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH",
                                         AuthParameters=params) | {"_params": params}

    with pytest.raises(ClientError) as exc:
        start(legacy)
    assert error(exc) == ("UserNotFoundException", "User does not exist.")

    # ENABLED: a simulated first step, stable for the same name, then the generic error.
    helper, first = start(enabled)
    _, second = start(enabled)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    p1, p2 = first["ChallengeParameters"], second["ChallengeParameters"]
    assert p1["SALT"] == p2["SALT"]
    assert p1["USER_ID_FOR_SRP"] == p2["USER_ID_FOR_SRP"] != "ghost"
    assert p1["SRP_B"] != p2["SRP_B"]
    responses = helper.process_challenge(p1, first["_params"])
    with pytest.raises(ClientError) as exc:
        srp.respond_to_auth_challenge(ClientId=enabled["ClientId"],
                                      ChallengeName="PASSWORD_VERIFIER",
                                      ChallengeResponses=responses)
    assert error(exc) == ("NotAuthorizedException", INCORRECT)


def test_srp_verifier_is_single_use(srp: Any) -> None:
    pool_id = make_pool(srp)["Id"]
    client = flows_client(srp, pool_id)
    name = confirmed_user(srp, pool_id)
    helper = AWSSRP(username=name, password=STRONG, pool_id=pool_id,
                    client_id=client["ClientId"], client=srp)
    params = helper.get_auth_params()
    first = srp.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH",
                              AuthParameters=params)
    responses = helper.process_challenge(first["ChallengeParameters"], params)

    def respond() -> dict[str, Any]:
        return srp.respond_to_auth_challenge(ClientId=client["ClientId"],
                                             ChallengeName="PASSWORD_VERIFIER",
                                             ChallengeResponses=responses)

    assert respond()["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as exc:
        respond()
    assert error(exc)[0] == "NotAuthorizedException"


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_srp_continues_on_another_process(db_url: str) -> None:
    """PASSWORD_VERIFIER started on one process is answered on another sharing the database."""
    first, second = Server(db=db_url).start(), Server(db=db_url).start()
    try:
        a, b = first.client(), second.client()
        pool_id = make_pool(a)["Id"]
        client = flows_client(a, pool_id)
        name = confirmed_user(a, pool_id)
        helper = AWSSRP(username=name, password=STRONG, pool_id=pool_id,
                        client_id=client["ClientId"], client=a)
        params = helper.get_auth_params()
        started = a.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH",
                                  AuthParameters=params)
        done = b.respond_to_auth_challenge(
            ClientId=client["ClientId"], ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=helper.process_challenge(started["ChallengeParameters"], params))
        claims = verify(done["AuthenticationResult"]["IdToken"], jwks(first, pool_id),
                        issuer=f"{second.url}/{pool_id}", token_use="id",
                        audience=client["ClientId"])
        assert claims["cognito:username"] == name
    finally:
        first.stop()
        second.stop()
