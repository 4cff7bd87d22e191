"""Fixtures of the trigger tests: one server per store with the built-in Lambda runtime
(``--functions``), real SMTP (aiosmtpd in this process) and a real KMS endpoint (moto's server
in a subprocess) for the custom sender triggers. Tests run each handler in Python and Node.js
(``lang``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from tests.conftest import database
from tests.server import REGION, Server, moto_server
from tests.test_email_delivery import Inbox, running_inbox
from tests.triggers.functions import LANGS, Functions

# What the server, its handlers and this process use to reach moto's KMS.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    with running_inbox() as handler:
        yield handler


@pytest.fixture(scope="session")
def kms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server as the KMS endpoint."""
    with moto_server(tmp_path_factory.mktemp("moto"), AWS_ENV) as url:
        yield url


@pytest.fixture(scope="session")
def kms_key(kms_url: str) -> str:
    kms = boto3.client(
        "kms",
        endpoint_url=kms_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return kms.create_key(Description="userpool custom senders")["KeyMetadata"]["Arn"]


@pytest.fixture(scope="session")
def functions(tmp_path_factory: pytest.TempPathFactory) -> Functions:
    return Functions(tmp_path_factory.mktemp("functions"))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def trigger_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    functions: Functions,
    inbox: Inbox,
    kms_url: str,
) -> Iterator[Server]:
    for url in database(request.param, tmp_path_factory.mktemp(f"triggers-{request.param}")):
        server = Server(
            db=url,
            extra=[
                "--functions",
                str(functions.root),
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                str(inbox.port),
                "--kms-endpoint",
                kms_url,
            ],
            env={**AWS_ENV, "AWS_ENDPOINT_URL_KMS": kms_url},
        ).start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def cognito(trigger_server: Server) -> Any:
    return trigger_server.client()


@pytest.fixture(params=LANGS)
def lang(request: pytest.FixtureRequest) -> str:
    """The language of the test's handlers: each trigger test runs with Python and Node.js."""
    return str(request.param)


@pytest.fixture
def name() -> str:
    """A function name of the test's own."""
    return f"fn-{uuid.uuid4().hex[:10]}"
