"""The server process itself: SigV4 with credentials, the non-loopback guard, durability,
several processes on one PostgreSQL database, the reset endpoint, migrations."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.server import (
    REQUIRE_POSTGRES,
    TEST_KEY,
    Server,
    create_postgres_db,
    drop_postgres_db,
    postgres_available,
    run_cli,
)

both_stores = pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def secured(db_url: str, tmp_path: Path) -> Iterator[Server]:
    creds = tmp_path / "credentials"
    creds.write_text(f"# test keys\n{TEST_KEY[0]}:{TEST_KEY[1]}\n")
    server = Server(db=db_url, extra=["--credentials", str(creds)]).start()
    yield server
    server.stop()


def _code(err: pytest.ExceptionInfo[ClientError]) -> str:
    return err.value.response["Error"]["Code"]


def _signed(
    server: Server,
    body: str,
    secret: str = TEST_KEY[1],
    key: str = TEST_KEY[0],
    target: str = "ListUserPools",
) -> tuple[str, dict[str, str]]:
    request = AWSRequest(
        method="POST",
        url=server.url + "/",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{target}",
        },
    )
    SigV4Auth(Credentials(key, secret), "cognito-idp", "us-east-1").add_auth(request)
    return body, dict(request.headers.items())


@both_stores
def test_sigv4_valid_request_is_served(secured: Server) -> None:
    client = secured.client()
    pool = client.create_user_pool(PoolName="signed")["UserPool"]
    assert client.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Name"] == "signed"


def test_sigv4_wrong_secret(secured: Server) -> None:
    client = secured.client(credentials=(TEST_KEY[0], "not-the-secret"))
    with pytest.raises(ClientError) as err:
        client.list_user_pools(MaxResults=1)
    assert _code(err) == "InvalidSignatureException"
    assert err.value.response["Error"]["Message"].startswith(
        "The request signature we calculated does not match the signature you provided."
    )


def test_sigv4_unknown_key(secured: Server) -> None:
    client = secured.client(credentials=("AKIDUNKNOWN", "whatever"))
    with pytest.raises(ClientError) as err:
        client.list_user_pools(MaxResults=1)
    assert _code(err) == "UnrecognizedClientException"
    assert err.value.response["Error"]["Message"] == (
        "The security token included in the request is invalid."
    )


def test_sigv4_tampered_body(secured: Server) -> None:
    _body, headers = _signed(secured, '{"MaxResults": 1}')
    status, _, body = secured.raw(None, '{"MaxResults": 2}', headers=headers)
    assert (status, body["__type"]) == (403, "InvalidSignatureException")


def test_sigv4_stale_date(secured: Server) -> None:
    body, _headers = _signed(secured, '{"MaxResults": 1}')
    import datetime

    stale = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=20)).strftime(
        "%Y%m%dT%H%M%SZ"
    )
    request = AWSRequest(
        method="POST",
        url=secured.url + "/",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "X-Amz-Date": stale,
        },
    )
    auth = SigV4Auth(Credentials(*TEST_KEY), "cognito-idp", "us-east-1")
    request.context["timestamp"] = stale
    auth._modify_request_before_signing = lambda req: None  # keep our stale X-Amz-Date
    request.headers["host"] = secured.url.removeprefix("http://")
    auth.add_auth(request)
    status, _, answer = secured.raw(None, body, headers=dict(request.headers.items()))
    assert (status, answer["__type"]) == (403, "InvalidSignatureException")
    assert answer["message"].startswith(f"Signature expired: {stale} is now earlier than")


def test_sigv4_missing_authentication(secured: Server) -> None:
    status, _, body = secured.raw("ListUserPools", '{"MaxResults": 1}')
    assert (status, body) == (
        403,
        {
            "__type": "MissingAuthenticationTokenException",
            "message": "Missing Authentication Token",
        },
    )


def test_sigv4_malformed_header(secured: Server) -> None:
    status, _, body = secured.raw(
        "ListUserPools",
        '{"MaxResults": 1}',
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=abc",
            "X-Amz-Date": "20260101T000000Z",
        },
    )
    assert (status, body["__type"]) == (403, "IncompleteSignatureException")


def test_unauthenticated_operations_skip_sigv4(secured: Server) -> None:
    # SignUp is one of the 32 operations AWS serves without IAM: no signature is needed; the
    # request gets past authentication (and fails on its content instead).
    _status, _, body = secured.raw(
        "SignUp", json.dumps({"ClientId": "abc", "Username": "u", "Password": "Passw0rd!"})
    )
    assert body["__type"] not in (
        "MissingAuthenticationTokenException",
        "InvalidSignatureException",
    )


def test_reset_is_refused_with_credentials(secured: Server) -> None:
    status, _, body = secured.raw(None, "", path="/_userpool/reset")
    assert status == 403
    assert body["__type"] == "AccessDeniedException"


def test_reset_wipes_everything_in_open_mode(db_url: str) -> None:
    server = Server(db=db_url).start()
    try:
        client = server.client()
        client.create_user_pool(PoolName="doomed")
        for path in ("/_userpool/reset", "/moto-api/reset"):
            status, _, _ = server.raw(None, "", path=path)
            assert status == 200
            assert client.list_user_pools(MaxResults=60)["UserPools"] == []
    finally:
        server.stop()


def test_non_loopback_bind_without_credentials_is_refused(tmp_path: Path) -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path}/x.db")
    assert result.returncode != 0
    assert "refusing to bind 0.0.0.0" in result.stderr


@both_stores
def test_acknowledged_update_survives_sigkill(db_url: str) -> None:
    server = Server(db=db_url).start()
    client = server.client()
    pool_id = client.create_user_pool(PoolName="durable")["UserPool"]["Id"]
    client.update_user_pool(
        UserPoolId=pool_id, DeletionProtection="ACTIVE", UserPoolTags={"k": "v"}
    )
    server.stop(signal.SIGKILL)
    restarted = Server(db=db_url).start()
    try:
        pool = restarted.client().describe_user_pool(UserPoolId=pool_id)["UserPool"]
        assert pool["DeletionProtection"] == "ACTIVE"
        assert pool["UserPoolTags"] == {"k": "v"}
    finally:
        restarted.stop()


@both_stores
def test_two_processes_on_one_database_see_each_other(db_url: str) -> None:
    first, second = Server(db=db_url).start(), Server(db=db_url).start()
    try:
        a, b = first.client(), second.client()
        pool_id = a.create_user_pool(PoolName="shared")["UserPool"]["Id"]
        b.update_user_pool(UserPoolId=pool_id, UserPoolTags={"by": "second"})
        assert a.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTags"] == {
            "by": "second"
        }
        # Reads right after another process's writes see them (SQLite's per-process read cache
        # is dropped on any commit anywhere: store/point.py).
        client_id = a.create_user_pool_client(UserPoolId=pool_id, ClientName="c0")[
            "UserPoolClient"
        ]["ClientId"]
        for i in range(1, 6):
            a.update_user_pool(UserPoolId=pool_id, UserPoolTags={"n": str(i)})
            assert b.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTags"] == {
                "n": str(i)
            }
            b.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, ClientName=f"c{i}")
            described = a.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
            assert described["UserPoolClient"]["ClientName"] == f"c{i}"
        b.create_group(UserPoolId=pool_id, GroupName="g")
        with pytest.raises(ClientError) as err:
            a.create_group(UserPoolId=pool_id, GroupName="g")
        assert _code(err) == "GroupExistsException"
    finally:
        first.stop()
        second.stop()


def test_postgres_serve_refuses_an_unmigrated_schema() -> None:
    reason = postgres_available()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but: {reason}")
        pytest.skip(f"PostgreSQL not reachable: {reason}")
    url = create_postgres_db()  # empty: never migrated
    try:
        result = run_cli("serve", "--db", url, "--port", "1")
        assert result.returncode != 0
        assert "run `userpool migrate --db <URL>` first" in result.stderr
        migrated = run_cli("migrate", "--db", url)
        assert migrated.returncode == 0, migrated.stderr
        assert "schema at revision" in migrated.stdout
    finally:
        drop_postgres_db(url)


def test_settings_from_environment_and_toml(tmp_path: Path) -> None:
    config = tmp_path / "userpool.toml"
    config.write_text('region = "eu-central-1"\naccount-id = "999999999999"\n')
    server = Server(
        db=f"sqlite:///{tmp_path}/cfg.db",
        extra=["--config", str(config)],
        env={"USERPOOL_ACCOUNT_ID": "111111111111"},
    ).start()
    try:
        status, _, body = server.raw("CreateUserPool", '{"PoolName": "cfg"}')
        assert status == 200
        assert body["UserPool"]["Id"].startswith("eu-central-1_")  # from TOML
        assert ":111111111111:" in body["UserPool"]["Arn"]  # environment beats TOML
    finally:
        server.stop()
