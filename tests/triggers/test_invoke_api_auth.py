"""The built-in runtime's Lambda Invoke API runs code: with credentials configured, only
requests signed (SigV4, service "lambda") with one of them are served."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from tests.server import TEST_KEY, Server
from tests.triggers.functions import Functions


@pytest.fixture
def secured(db_url: str, tmp_path: Path) -> Iterator[tuple[Server, Functions]]:
    creds = tmp_path / "credentials"
    creds.write_text(f"{TEST_KEY[0]}:{TEST_KEY[1]}\n")
    functions = Functions(tmp_path / "functions")
    functions.root.mkdir()
    server = Server(
        db=db_url, extra=["--credentials", str(creds), "--functions", str(functions.root)]
    ).start()
    try:
        yield server, functions
    finally:
        server.stop()


def test_signed_with_a_configured_key(secured: tuple[Server, Functions]) -> None:
    server, functions = secured
    functions.handler("python", "echo", response={"seen": True})
    answer = server.client("lambda").invoke(
        FunctionName="echo", Payload=json.dumps({"response": {}})
    )
    assert answer["StatusCode"] == 200
    assert json.loads(answer["Payload"].read())["response"] == {"seen": True}
    assert functions.events("echo") == [{"response": {}}]


def test_wrong_secret_is_refused_and_nothing_runs(secured: tuple[Server, Functions]) -> None:
    server, functions = secured
    functions.handler("python", "echo")
    client = server.client("lambda", credentials=(TEST_KEY[0], "not-the-secret"))
    with pytest.raises(ClientError) as exc:
        client.invoke(FunctionName="echo", Payload=b"{}")
    assert exc.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert functions.events("echo") == []


def test_missing_functions_folder_is_refused(tmp_path: Path) -> None:
    from tests.server import run_cli

    result = run_cli(
        "serve", "--db", f"sqlite:///{tmp_path / 'u.db'}", "--functions", str(tmp_path / "none")
    )
    assert result.returncode == 2
    assert f"--functions: {tmp_path / 'none'} is not a folder" in result.stderr
