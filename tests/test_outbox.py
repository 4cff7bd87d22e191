"""The developer outbox: ``GET /_userpool/messages`` and ``userpool messages``."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.server import TEST_KEY, Server, run_cli

both_stores = pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
PASSWORD = "Passw0rd!long"


def get_messages(
    server: Server, headers: dict[str, str] | None = None, **query: str
) -> tuple[int, Any]:
    url = server.url + "/_userpool/messages" + (f"?{urlencode(query)}" if query else "")
    req = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def signed_headers(
    server: Server, query: dict[str, str], key: str = TEST_KEY[0], secret: str = TEST_KEY[1]
) -> dict[str, str]:
    url = server.url + "/_userpool/messages" + (f"?{urlencode(query)}" if query else "")
    request = AWSRequest(method="GET", url=url, headers={})
    SigV4Auth(Credentials(key, secret), "cognito-idp", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def verifying_pool(cognito: Any) -> tuple[str, str]:
    pool = cognito.create_user_pool(
        PoolName=f"outbox-{uuid.uuid4().hex[:8]}", AutoVerifiedAttributes=["email"]
    )["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app")
    return pool["Id"], client["UserPoolClient"]["ClientId"]


def sign_up(cognito: Any, client_id: str, username: str, email: str) -> None:
    cognito.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )


def test_messages_oldest_first_with_filters(server: Server, cognito: Any) -> None:
    pool_id, client_id = verifying_pool(cognito)
    tag = uuid.uuid4().hex[:8]
    first, second = f"ann-{tag}@example.com", f"Bob-{tag}@Example.com"
    sign_up(cognito, client_id, "ann", first)
    sign_up(cognito, client_id, "bob", second)

    status, body = get_messages(server, pool=pool_id)
    assert status == 200
    messages = body["Messages"]
    assert [m["To"] for m in messages] == [first, second]
    for message in messages:
        assert message["Medium"] == "EMAIL"
        assert message["PoolId"] == pool_id
        assert message["Purpose"] == "SignUp"
        assert message["Status"] == "sent"
        assert message["Subject"] == "Your verification code"
        assert message["Body"].startswith("Your verification code is ")
        assert isinstance(message["SentAt"], float)
    assert messages[0]["SentAt"] <= messages[1]["SentAt"]

    status, body = get_messages(server, to=second.upper())
    assert status == 200
    assert [m["To"] for m in body["Messages"]] == [second]

    status, body = get_messages(server, pool=pool_id, to=f"nobody-{tag}@example.com")
    assert (status, body) == (200, {"Messages": []})
    other_pool, _ = verifying_pool(cognito)
    assert get_messages(server, pool=other_pool) == (200, {"Messages": []})


def test_messages_without_filters_list_everything(server: Server, cognito: Any) -> None:
    _, client_id = verifying_pool(cognito)
    email = f"all-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(cognito, client_id, "all", email)
    status, body = get_messages(server)
    assert status == 200
    assert email in [m["To"] for m in body["Messages"]]


def test_cli_prints_the_same_messages(server: Server, cognito: Any) -> None:
    pool_id, client_id = verifying_pool(cognito)
    email = f"cli-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(cognito, client_id, "cli", email)
    _, over_http = get_messages(server, pool=pool_id)

    result = run_cli("messages", "--db", server.db, "--pool", pool_id, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == over_http

    result = run_cli("messages", "--db", server.db, "--to", email.upper())
    assert result.returncode == 0, result.stderr
    (message,) = over_http["Messages"]
    assert f"EMAIL to {email}" in result.stdout
    assert "Subject: Your verification code" in result.stdout
    assert message["Body"] in result.stdout

    result = run_cli("messages", "--db", server.db, "--pool", "us-east-1_nothing00")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(no messages)"


def test_cli_reports_an_unmigrated_database(tmp_path: Path) -> None:
    result = run_cli("messages", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode != 0
    assert "userpool migrate" in result.stderr


@pytest.fixture
def secured(db_url: str, tmp_path: Path) -> Iterator[Server]:
    creds = tmp_path / "credentials"
    creds.write_text(f"{TEST_KEY[0]}:{TEST_KEY[1]}\n")
    server = Server(db=db_url, extra=["--credentials", str(creds)]).start()
    yield server
    server.stop()


@both_stores
def test_configured_credentials_guard_the_outbox(secured: Server) -> None:
    cognito = secured.client()
    pool_id, client_id = verifying_pool(cognito)
    email = f"sec-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(cognito, client_id, "sec", email)
    query = {"pool": pool_id}

    status, body = get_messages(secured, **query)
    assert status == 403
    assert body["__type"] == "AccessDeniedException"

    wrong = signed_headers(secured, query, secret="not-the-secret")
    assert get_messages(secured, wrong, **query)[0] == 403
    unknown = signed_headers(secured, query, key="AKIDUNKNOWN")
    assert get_messages(secured, unknown, **query)[0] == 403
    other_query = signed_headers(secured, {"pool": "us-east-1_other000"})
    assert get_messages(secured, other_query, **query)[0] == 403  # the query is signed too

    status, body = get_messages(secured, signed_headers(secured, query), **query)
    assert status == 200
    assert [m["To"] for m in body["Messages"]] == [email]
