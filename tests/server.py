"""Start real ``userpool serve`` processes for the tests, on SQLite or a fresh PostgreSQL db."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

POSTGRES_URL = os.environ.get(
    "USERPOOL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("USERPOOL_REQUIRE_POSTGRES") == "1"
REGION = "us-east-1"
TEST_KEY = ("AKIDUSERPOOLTEST", "test-secret-key")
# The server key of PostgreSQL test servers (SQLite ones generate theirs beside the database).
SERVER_KEY = "dXNlcnBvb2wtdGVzdHMtc2VydmVyLWtleS0zMmJ5dGU="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> str | None:
    """None when reachable, else the reason."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def create_postgres_db() -> str:
    import psycopg

    name = f"userpool_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_db(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "userpool", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "USERPOOL_SERVER_KEY": SERVER_KEY, **(env or {})},
    )


@dataclass
class Server:
    """A running ``userpool serve``; ``db`` is its database URL."""

    db: str
    extra: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> str:
        return "postgres" if self.db.startswith("postgresql") else "sqlite"

    def start(self, timeout: float = 30) -> Server:
        self.log = Path(f"/tmp/userpool-test-{self.port}.log")
        env = {**os.environ, **self.env}
        if self.store == "postgres":
            env.setdefault("USERPOOL_SERVER_KEY", SERVER_KEY)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "userpool",
                    "serve",
                    "--port",
                    str(self.port),
                    "--db",
                    self.db,
                    *self.extra,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not become healthy: {self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(
        self, service: str = "cognito-idp", *, parameter_validation: bool = True, **kwargs: Any
    ) -> Any:
        """A boto3 client for this server; ``parameter_validation=False`` turns off botocore's
        own checks, so that bad input reaches the server's validation."""
        key, secret = kwargs.pop("credentials", TEST_KEY)
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=kwargs.pop("region_name", REGION),
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}, parameter_validation=parameter_validation),
            **kwargs,
        )

    def cli(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run the real AWS CLI against this server (``aws cognito-idp …``)."""
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": TEST_KEY[0],
            "AWS_SECRET_ACCESS_KEY": TEST_KEY[1],
            "AWS_DEFAULT_REGION": REGION,
            "AWS_MAX_ATTEMPTS": "1",
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "awscli",
                "cognito-idp",
                *args,
                "--endpoint-url",
                self.url,
                "--output",
                "json",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(result.stderr)
        return result

    def raw(
        self,
        target: str | None,
        body: bytes | str,
        headers: dict[str, str] | None = None,
        method: str = "POST",
        path: str = "/",
    ) -> tuple[int, dict[str, str], Any]:
        """A hand-made HTTP request (what no SDK would send); header names come back lowercased."""
        data = body.encode() if isinstance(body, str) else body
        hdrs = {"Content-Type": "application/x-amz-json-1.1", **(headers or {})}
        if target:
            hdrs["X-Amz-Target"] = f"AWSCognitoIdentityProviderService.{target}"
        req = urllib.request.Request(
            self.url + path, data=data if method != "GET" else None, headers=hdrs, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, headers_out, payload = resp.status, _lower(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            status, headers_out, payload = err.code, _lower(err.headers), err.read()
        try:
            return status, headers_out, json.loads(payload) if payload else None
        except ValueError:
            return status, headers_out, payload.decode()


def error(exc: Any) -> tuple[str, str]:
    """(code, message) of a ``pytest.raises(ClientError)`` result."""
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def _lower(headers: Any) -> dict[str, str]:
    """Response headers with lowercase names (HTTP names are case-insensitive)."""
    return {name.lower(): value for name, value in headers.items()}


@contextmanager
def moto_server(log_dir: Path, env: dict[str, str]) -> Iterator[str]:
    """moto's server (here: the KMS endpoint of the custom sender triggers) as a real process
    on a free loopback port; yields its URL."""
    port = free_port()
    log = log_dir / "moto.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"moto server exited ({proc.returncode}): {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start: {log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
