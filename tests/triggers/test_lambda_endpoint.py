"""``--lambda-endpoint``: how the answers of a Lambda Invoke API elsewhere are taken. The
endpoint here is a small HTTP server in this process speaking Lambda's wire format (a stand-in
for AWS Lambda, not for anything of ours): throttling (429 TooManyRequestsException) is retried
as Cognito retries it, a service error (5xx) is not (reference §4.1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tests.server import Server
from tests.triggers.functions import arn, make_pool
from tests.user_helpers import STRONG, make_client, rejected, unique


class FakeLambda:
    """Answers each Invoke with the next (status, error type) of ``self.plan``, then echoes the
    event with ``autoConfirmUser`` set."""

    def __init__(self) -> None:
        self.plan: list[tuple[int, str]] = []
        self.calls = 0
        lam = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                lam.calls += 1
                if lam.plan:
                    status, error = lam.plan.pop(0)
                    payload = json.dumps({"Type": "Service", "message": "Rate exceeded"})
                    self.send_response(status)
                    self.send_header("x-amzn-ErrorType", error)
                else:
                    event = json.loads(body)
                    event["response"]["autoConfirmUser"] = True
                    payload = json.dumps(event)
                    self.send_response(200)
                    self.send_header("X-Amz-Executed-Version", "$LATEST")
                data = payload.encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def fake_lambda() -> Iterator[FakeLambda]:
    lam = FakeLambda()
    try:
        yield lam
    finally:
        lam.server.shutdown()


@pytest.fixture(scope="module")
def remote(fake_lambda: FakeLambda, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("remote-lambda") / "userpool.db"
    server = Server(
        db=f"sqlite:///{Path(db)}", extra=["--lambda-endpoint", fake_lambda.url]
    ).start()
    try:
        yield server
    finally:
        server.stop()


def sign_up(cognito: Any) -> tuple[str, str, dict[str, Any]]:
    pool_id = make_pool(cognito, LambdaConfig={"PreSignUp": arn("remote-presignup")})["Id"]
    client_id = make_client(cognito, pool_id)["ClientId"]
    return pool_id, client_id, {"ClientId": client_id, "Username": unique(), "Password": STRONG}


def test_throttling_is_retried(remote: Server, fake_lambda: FakeLambda) -> None:
    cognito = remote.client()
    _pool, _client, request = sign_up(cognito)
    fake_lambda.calls = 0
    fake_lambda.plan = [(429, "TooManyRequestsException")] * 2
    assert cognito.sign_up(**request)["UserConfirmed"] is True
    assert fake_lambda.calls == 3


def test_throttled_three_times(remote: Server, fake_lambda: FakeLambda) -> None:
    cognito = remote.client()
    pool_id, _client, request = sign_up(cognito)
    fake_lambda.calls = 0
    fake_lambda.plan = [(429, "TooManyRequestsException")] * 3
    assert rejected(cognito.sign_up, **request) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error TooManyRequestsException: Rate exceeded.",
    )
    assert fake_lambda.calls == 3
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=request["Username"])[
        0
    ] == "UserNotFoundException"


def test_service_error_is_not_retried(remote: Server, fake_lambda: FakeLambda) -> None:
    cognito = remote.client()
    _pool, _client, request = sign_up(cognito)
    fake_lambda.calls = 0
    fake_lambda.plan = [(500, "ServiceException")]
    code, message = rejected(cognito.sign_up, **request)
    assert code == "UnexpectedLambdaException"
    assert message.startswith("PreSignUp invocation failed due to error ServiceException")
    assert fake_lambda.calls == 1
