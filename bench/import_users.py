"""Bulk import speed: ``python bench/import_users.py [--users N] [--api] [--db URL]``.

Starts ``userpool serve`` on a fresh SQLite database (or ``--db``, already migrated), creates a
pool with email auto-verified, writes a CSV of N users in GetCSVHeader's shape, imports it with
``userpool import`` (default) or through the API (``--api``: CreateUserImportJob, PUT to the
pre-signed URL, StartUserImportJob, DescribeUserImportJob until done; at most 500,000 users, as
AWS), checks that the counters and DescribeUserPool's EstimatedNumberOfUsers agree, and prints
users/s. Target: 1,000,000 users in under 3 minutes on SQLite with the CLI.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

TARGET_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "userpool", "serve", "--port", str(port), "--db", db],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(log.read_text())


def client(port: int) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}),
    )


def write_csv(path: Path, header: list[str], count: int) -> None:
    started = time.monotonic()
    with path.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for n in range(count):
            values = {
                "cognito:username": f"user-{n:07d}",
                "email": f"user-{n:07d}@import.bench.example",
                "email_verified": "true",
                "given_name": "Bench",
                "family_name": f"User{n}",
                "cognito:mfa_enabled": "false",
            }
            writer.writerow([values.get(column, "") for column in header])
    print(f"wrote {count} users ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)


def by_cli(db: str, pool_id: str, path: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "userpool", "import", str(path), "--pool", pool_id, "--db", db],
        check=True,
    )
    return time.monotonic() - started


def by_api(idp: Any, pool_id: str, path: Path) -> float:
    started = time.monotonic()
    job = idp.create_user_import_job(
        JobName="bench", UserPoolId=pool_id,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/CognitoImport",
    )["UserImportJob"]
    request = urllib.request.Request(
        job["PreSignedUrl"], data=path.read_bytes(), method="PUT",
        headers={"x-amz-server-side-encryption": "aws:kms"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.status == 200
    idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    while True:
        found = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
        status = found["UserImportJob"]["Status"]
        if status not in ("Pending", "InProgress", "Stopping"):
            break
        time.sleep(0.5)
    print({k: v for k, v in found["UserImportJob"].items() if k != "PreSignedUrl"},
          file=sys.stderr)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--api", action="store_true", help="through the pre-signed URL flow")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    db = args.db or f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("USERPOOL_SERVER_KEY", "dXNlcnBvb2wtdGVzdHMtc2VydmVyLWtleS0zMmJ5dGU=")
    port = free_port()
    server = start_server(db, port, workdir / "server.log")
    try:
        idp = client(port)
        pool_id = idp.create_user_pool(
            PoolName="import-bench", AutoVerifiedAttributes=["email"]
        )["UserPool"]["Id"]
        header = idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
        path = workdir / "users.csv"
        write_csv(path, header, args.users)
        seconds = by_api(idp, pool_id, path) if args.api else by_cli(db, pool_id, path)
        count = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = args.users / seconds
    verdict = "" if args.api else (
        f" (target: {args.users} in < {TARGET_SECONDS:.0f} s: "
        f"{'met' if seconds < TARGET_SECONDS * args.users / 1_000_000 else 'MISSED'})"
    )
    print(f"{'api' if args.api else 'cli'}: {args.users} users in {seconds:.1f} s = "
          f"{rate:,.0f} users/s; pool has {count} users{verdict}")
    if count != args.users:
        sys.exit(f"the pool has {count} users, expected {args.users}")


if __name__ == "__main__":
    main()
