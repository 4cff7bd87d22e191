"""The latency a PreSignUp trigger adds to SignUp, through the built-in Lambda runtime.

```
.venv/bin/python bench/triggers.py                  # SQLite, 300 sign-ups per case
.venv/bin/python bench/triggers.py --requests 1000 --json bench/results/triggers.json
```

Starts ``userpool serve --functions DIR`` on SQLite (a temporary directory), with two PreSignUp
handlers written into DIR — ``handler.py`` (Python) and ``index.mjs`` (Node.js), each returning
the event unchanged — and three pools: one without a trigger, one per handler. Then, per case,
sends ``--requests`` SignUps one after another from one boto3 client, round-robin over the
cases (after ``--warmup`` rounds that are not counted: the first call starts a worker) and
prints p50 / p99 / mean of each case, and the trigger's added latency (p50 and p99 of the
case minus the baseline's). SignUp hashes a password (argon2id) in every case, so the
difference is the trigger's cost: the event built and sent to a warm worker, the handler run,
the answer parsed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import free_port  # noqa: E402

PYTHON_HANDLER = "def handler(event, context):\n    return event\n"
NODE_HANDLER = "export const handler = async (event) => event;\n"
PASSWORD = "Str0ng!Passw0rd"


def write_functions(root: Path) -> None:
    (root / "bench-presignup-python").mkdir()
    (root / "bench-presignup-python" / "handler.py").write_text(PYTHON_HANDLER)
    (root / "bench-presignup-node").mkdir()
    (root / "bench-presignup-node" / "index.mjs").write_text(NODE_HANDLER)


def start(root: Path, port: int) -> subprocess.Popen[bytes]:
    db = f"sqlite:///{root / 'bench.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "userpool", "serve", "--port", str(port), "--db", db,
         "--functions", str(root / "functions"), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def pool_with(cognito: Any, function: str | None) -> str:
    pool = cognito.create_user_pool(PoolName=f"bench-{uuid.uuid4().hex[:6]}")["UserPool"]
    if function:
        cognito.update_user_pool(
            UserPoolId=pool["Id"],
            LambdaConfig={"PreSignUp": f"arn:aws:lambda:us-east-1:123456789012:function:{function}"},  # noqa: E501
        )
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="bench")
    return str(client["UserPoolClient"]["ClientId"])


def measure(
    cognito: Any, clients: dict[str, str], requests: int, warmup: int
) -> dict[str, list[float]]:
    """Round-robin over the cases, so that whatever else the machine does weighs on all alike."""
    times: dict[str, list[float]] = {case: [] for case in clients}
    for n in range(warmup + requests):
        for case, client_id in clients.items():
            started = time.perf_counter()
            cognito.sign_up(ClientId=client_id, Username=f"u{n}-{uuid.uuid4().hex[:8]}",
                            Password=PASSWORD)
            if n >= warmup:
                times[case].append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "functions").mkdir()
        write_functions(root / "functions")
        port = free_port()
        server = start(root, port)
        try:
            cognito = boto3.client(
                "cognito-idp",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
                config=Config(retries={"max_attempts": 1}),
            )
            clients = {
                case: pool_with(cognito, function)
                for case, function in (
                    ("no trigger", None),
                    ("Python handler", "bench-presignup-python"),
                    ("Node.js handler", "bench-presignup-node"),
                )
            }
            timings = measure(cognito, clients, args.requests, args.warmup)
            results: dict[str, Any] = {case: summary(t) for case, t in timings.items()}
        finally:
            server.terminate()
            server.wait(timeout=15)
    base = results["no trigger"]
    print(f"SignUp, {args.requests} sequential requests per case (SQLite, 1 worker)")
    print(f"{'case':<18}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}{'+p50':>8}{'+p99':>8}")
    for case, row in results.items():
        row["added_p50_ms"] = round(row["p50_ms"] - base["p50_ms"], 2)
        row["added_p99_ms"] = round(row["p99_ms"] - base["p99_ms"], 2)
        print(f"{case:<18}{row['p50_ms']:>9}{row['p99_ms']:>9}{row['mean_ms']:>9}"
              f"{row['added_p50_ms']:>8}{row['added_p99_ms']:>8}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"requests": args.requests, "cases": results},
                                              indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
