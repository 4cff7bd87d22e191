"""A function name mapped to a URL in functions.toml: the event is POSTed as JSON and the JSON
answer is the function's result (docs/triggers.md, "Three ways to reach a function")."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.triggers.functions import Functions, arn, make_pool
from tests.user_helpers import STRONG, address, attrs, make_client, rejected, unique


class Hook:
    """An HTTP endpoint in this process: records each POSTed event, answers ``self.reply``."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.reply: tuple[int, bytes] = (200, b"")
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                event = json.loads(self.rfile.read(length))
                hook.events.append(event)
                status, body = hook.reply
                if status == 200 and not body:
                    event["response"]["autoConfirmUser"] = True
                    body = json.dumps(event).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cognito"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook(functions: Functions) -> Iterator[Hook]:
    served = Hook()
    (functions.root / "functions.toml").write_text(
        f'[functions.webhook-presignup]\nurl = "{served.url}"\n'
    )
    try:
        yield served
    finally:
        (functions.root / "functions.toml").unlink()
        served.server.shutdown()


def sign_up(cognito: Any, client_id: str, username: str) -> dict[str, Any]:
    return cognito.sign_up(
        ClientId=client_id,
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=address()),
    )


def test_webhook_answer_confirms(cognito: Any, hook: Hook) -> None:
    pool_id = make_pool(cognito)["Id"]
    cognito.update_user_pool(
        UserPoolId=pool_id, LambdaConfig={"PreSignUp": arn("webhook-presignup")}
    )
    client_id = make_client(cognito, pool_id)["ClientId"]
    username = unique()
    assert sign_up(cognito, client_id, username)["UserConfirmed"] is True
    [event] = hook.events
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert event["userName"] == username
    assert event["callerContext"]["clientId"] == client_id


def test_webhook_errors(cognito: Any, hook: Hook) -> None:
    pool_id = make_pool(cognito)["Id"]
    cognito.update_user_pool(
        UserPoolId=pool_id, LambdaConfig={"PreSignUp": arn("webhook-presignup")}
    )
    client_id = make_client(cognito, pool_id)["ClientId"]
    hook.reply = (500, json.dumps({"errorMessage": "Not on the list"}).encode())
    username = unique()
    assert rejected(
        sign_up, cognito=cognito, client_id=client_id, username=username
    ) == ("UserLambdaValidationException", "PreSignUp failed with error Not on the list.")
    hook.reply = (200, b"<html>not json</html>")
    assert rejected(
        sign_up, cognito=cognito, client_id=client_id, username=username
    ) == ("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON")
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )
