"""Benchmark driver: wrk against ``userpool serve`` (SQLite and/or PostgreSQL) and a bare app.

    .venv/bin/python bench/run.py [--store sqlite|postgres|both] [--duration 10]
        [--connections 64] [--threads 2] [--workers 2] [--warmup 2] [--workloads A,B]
        [--users-big 1000000]

For each store it starts its own server on a free port (PostgreSQL: in a scratch database
that it creates, migrates and drops), seeds it with boto3, then for each workload runs wrk
(warm-up, then the measured run). Last it runs the same wrk request against bench/bare_app.py
on the same stack (uvicorn, same workers, uvloop + httptools), serving a real DescribeUserPool
response body as a fixed body: the ceiling reported as "% of bare". Prints a table and writes
it as JSON to bench/results/<timestamp>.json. Exits 1 if any response was not HTTP 200 or
wrk saw socket errors.

The users workloads (bench/users.py): AdminGetUser; ListUsers filtered by e-mail on pools of
--users-big and 10,000 users, judged against a p50 target; AdminCreateUser and SignUp next to
the password KDF's own hashes/s measured in the same run.

The sign-in workloads (bench/auth.py): REFRESH_TOKEN_AUTH next to half the machine's RS256
signatures/s measured in the same run (target ≥ 40%); GetUser with an access token;
USER_PASSWORD_AUTH next to the KDF's hashes/s; USER_SRP_AUTH round trips from a Python load
generator (UserSrpAuth: wrk can't do the SRP math).

Adding a workload: one line in WORKLOADS (and, if it needs fixtures, a value from seed.seed).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import auth as auth_bench
import users as users_bench

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
LUA_COMMON = HERE / "workload.lua"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{db}"
# The server runs with these (explicit flags), and the KDF's own rate is measured with them.
KDF_PARAMS = users_bench.KdfParams.server_defaults()


@dataclass(frozen=True)
class Workload:
    """One request, repeated: the operation and its JSON body.

    String values in ``body`` are templates: ``{pool_id}`` etc. are filled from the values
    that ``seed.seed`` returns. A ``unique`` workload's body differs per request: ``{unique}``
    becomes a token no other request of the run uses (for operations that create a user).
    """

    operation: str
    body: dict[str, Any]
    unique: bool = False
    # At most this many wrk connections (None: --connections). For slow requests: what is in
    # flight when wrk stops was paid for but is not counted, so keep it a small part of a run.
    max_connections: int | None = None


# name → workload. Later issues add theirs here.
WORKLOADS: dict[str, Workload] = {
    "DescribeUserPool": Workload("DescribeUserPool", {"UserPoolId": "{pool_id}"}),
    "ListUserPools": Workload("ListUserPools", {"MaxResults": 10}),
    "DescribeUserPoolClient": Workload(
        "DescribeUserPoolClient", {"UserPoolId": "{pool_id}", "ClientId": "{client_id}"}
    ),
    "AdminGetUser": Workload(
        "AdminGetUser", {"UserPoolId": "{pool_id}", "Username": "{user_email}"}
    ),
    # An existing user's email on the pool of --users-big users, and on one of 10,000. A latency
    # target: at 2 connections p50 is the request's own time; at 64 it would be the wait
    # behind the 63 others (≈ 64 ÷ req/s, whatever the pool's size).
    "ListUsersFiltered": Workload(
        "ListUsers",
        {"UserPoolId": "{big_pool_id}", "Filter": 'email = "{big_email}"'},
        max_connections=2,
    ),
    "ListUsersFiltered10k": Workload(
        "ListUsers",
        {"UserPoolId": "{small_pool_id}", "Filter": 'email = "{small_email}"'},
        max_connections=2,
    ),
    # One argon2id hash (and an SRP verifier) per request: compared with the KDF's own rate.
    "AdminCreateUser": Workload(
        "AdminCreateUser",
        {
            "UserPoolId": "{pool_id}",
            "Username": "a{unique}@create.bench.example",
            "TemporaryPassword": "{password}",
            "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "name", "Value": "Created User"}],
        },
        unique=True,
        max_connections=16,
    ),
    "SignUp": Workload(
        "SignUp",
        {
            "ClientId": "{public_client_id}",
            "Username": "s{unique}@signup.bench.example",
            "Password": "{password}",
            "UserAttributes": [
                {"Name": "email", "Value": "s{unique}@signup.bench.example"},
                {"Name": "name", "Value": "Signed Up"},
            ],
        },
        unique=True,
        max_connections=16,
    ),
    # The seeded sign-in user's refresh token (client without secret, no rotation): decrypts
    # the refresh token, signs an ID and an access token. Compared with half the RS256 rate.
    "RefreshTokenAuth": Workload(
        "InitiateAuth",
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": "{auth_client_id}",
            "AuthParameters": {"REFRESH_TOKEN": "{refresh_token}"},
        },
    ),
    "GetUser": Workload("GetUser", {"AccessToken": "{access_token}"}),
    # One argon2id verification per request (and a sign-in's three signatures): compared with
    # the KDF's own rate, at 16 connections like the other KDF-bound workloads.
    "UserPasswordAuth": Workload(
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": "{auth_client_id}",
            "AuthParameters": {"USERNAME": "{signin_email}", "PASSWORD": "{password}"},
        },
        max_connections=16,
    ),
}
# Workloads wrk can't send, run by a Python load generator (bench/auth.py) instead.
SRP_WORKLOAD = "UserSrpAuth"
GENERATED_WORKLOADS = (SRP_WORKLOAD,)
KNOWN_WORKLOADS = (*WORKLOADS, *GENERATED_WORKLOADS)

# Measured together: the big-pool figure is judged against the 10,000-user one.
LIST_PAIR = ("ListUsersFiltered", "ListUsersFiltered10k")
KDF_WORKLOADS = ("AdminCreateUser", "SignUp", "UserPasswordAuth")
# Compared with half the RS256 rate, measured just before the first of them.
SIGN_WORKLOADS = ("RefreshTokenAuth",)
SIGN_SECONDS = 5  # the RS256 measurement's length (at most --duration)
# What {unique} becomes in the script: run.lua_script splits the body there, and the Lua
# `request` function joins the parts with a per-request token.
UNIQUE_MARK = "UNIQUE0b3nch"

# The request wrk sends to the bare app (it answers every request the same way).
BARE_WORKLOAD = WORKLOADS["DescribeUserPool"]


@dataclass
class Measurement:
    workload: str
    store: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non200: int
    socket_errors: dict[str, int]
    sample_error: str
    wrk_cpu_pct: float = 0.0  # wrk's own CPU use (100 = one core): is the load generator busy?
    pct_of_bare: float | None = None
    kdf_ratio: float | None = None  # req/s ÷ the KDF's hashes/s (operations hashing a password)
    connections: int = 0
    server_cpu_pct: float | None = None  # the server's processes' CPU use (100 = one core)

    @property
    def errors(self) -> int:
        return self.non200 + sum(self.socket_errors.values())


@dataclass
class Settings:
    stores: list[str]
    workloads: list[str]
    duration: int
    warmup: int
    connections: int
    threads: int
    workers: int
    userpool: str
    users_big: int = users_bench.DEFAULT_BIG_POOL_USERS
    srp_clients: int = 4  # processes of the USER_SRP_AUTH load generator
    server_key: str = dataclasses.field(default="", repr=False)


@dataclass
class StoreRun:
    """What one store's run measured: the rows, and the ceilings measured beside them."""

    rows: list[Measurement]
    kdf: users_bench.KdfRate | None = None
    sign: auth_bench.SignRate | None = None
    srp: auth_bench.SrpRun | None = None


# ---------------------------------------------------------------- workloads → wrk scripts


def fill(template: Any, values: dict[str, str]) -> Any:
    """The body template with ``{name}`` placeholders in its strings replaced from values."""
    if isinstance(template, str):
        return template.format_map(values)
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    return template


def request_body(workload: Workload, values: dict[str, str]) -> str:
    return json.dumps(fill(workload.body, values), separators=(",", ":"))


def lua_long_string(text: str) -> str:
    """``text`` as a Lua long-bracket literal whose level never clashes with its content."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[{text}]{eq}]"


def lua_script(workload: Workload, values: dict[str, str], common: str) -> str:
    """The wrk script for one workload: its request, then the shared callbacks."""
    target = TARGET_PREFIX + workload.operation
    if workload.unique:
        body = unique_body_lua(request_body(workload, {**values, "unique": UNIQUE_MARK}))
    else:
        body = f"wrk.body = {lua_long_string(request_body(workload, values))}"
    return "\n".join(
        [
            'wrk.method = "POST"',
            'wrk.path = "/"',
            'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"',
            f"wrk.headers[\"X-Amz-Target\"] = {lua_long_string(target)}",
            body,
            "",
            common,
        ]
    )


def unique_body_lua(body: str) -> str:
    """A ``request`` function sending ``body`` with each UNIQUE_MARK replaced by a token unique
    to the request: <run id (random, 12 hex)>t<thread>n<counter>. ``prepare_thread`` (called by
    workload.lua's ``setup``) draws the run id once and numbers the threads, so neither the
    warm-up and the measured run nor two threads ever send the same username."""
    parts = body.split(UNIQUE_MARK)
    if len(parts) < 2:
        raise ValueError("a unique workload's body must use {unique}")
    literals = ", ".join(lua_long_string(part) for part in parts)
    return f"""local body_parts = {{{literals}}}
local run_id = nil
local threads_started = 0

function prepare_thread(thread)
  if run_id == nil then
    local f = assert(io.open("/dev/urandom", "rb"))
    local raw = f:read(6)
    f:close()
    run_id = (string.gsub(raw, ".", function(c) return string.format("%02x", string.byte(c)) end))
  end
  threads_started = threads_started + 1
  thread:set("unique_prefix", run_id .. "t" .. threads_started .. "n")
end

local sent = 0
function request()
  sent = sent + 1
  return wrk.format(nil, nil, nil, table.concat(body_parts, unique_prefix .. sent))
end"""


# ---------------------------------------------------------------- wrk


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing it with apt-get", file=sys.stderr)
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(install, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is still not on PATH after apt-get install")
    return found


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else ""


def parse_wrk_output(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            parsed: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            return parsed
    raise RuntimeError(f"wrk printed no BENCH_RESULT line:\n{stdout}")


def measurement(name: str, store: str, raw: dict[str, Any]) -> Measurement:
    duration_s = raw["duration_us"] / 1e6
    return Measurement(
        workload=name,
        store=store,
        requests=raw["requests"],
        duration_s=round(duration_s, 3),
        rps=round(raw["requests"] / duration_s, 1) if duration_s else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=round(raw["mean_us"] / 1000, 3),
        max_ms=raw["max_us"] / 1000,
        non200=raw["non200"],
        socket_errors={k: raw[k] for k in ("connect", "read", "write", "timeout")},
        sample_error=raw["sample"],
        wrk_cpu_pct=round(100 * raw.get("wrk_cpu_s", 0.0) / duration_s, 1) if duration_s else 0.0,
    )


def run_wrk(wrk: str, url: str, script: Path, seconds: int, settings: Settings) -> dict[str, Any]:
    command = [
        wrk,
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={script}",
        url,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    raw = parse_wrk_output(out.stdout)
    # Only waited-for children count, and the servers are waited for after the run: wrk alone.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    raw["wrk_cpu_s"] = cpu
    return raw


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def post(url: str, operation: str, body: str, timeout: float = 10.0) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET_PREFIX + operation,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_ready(proc: subprocess.Popen[bytes], probe: Any, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError):
            if probe():
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout:.0f}s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[
    subprocess.Popen[bytes]
]:
    """Run command in its own process group; on exit stop that group (and only that group)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            yield proc
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Workers of a stopped supervisor must not outlive it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def health(url: str) -> bool:
    with urllib.request.urlopen(url + "/health", timeout=2) as response:
        return bool(response.status == 200)


def userpool_env(settings: Settings) -> dict[str, str]:
    """The environment of every userpool command the driver runs: the run's server key (which
    PostgreSQL servers require; SQLite ones use it too, instead of a key file)."""
    return {**os.environ, "USERPOOL_SERVER_KEY": settings.server_key}


@contextlib.contextmanager
def userpool_server(
    db: str, settings: Settings, workdir: Path, label: str
) -> Iterator[tuple[str, int]]:
    """The server's URL and process group (its CPU use is read from /proc)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / f"server-{label}.log"
    command = [
        settings.userpool, "serve", "--port", str(port), "--db", db,
        "--workers", str(settings.workers), "--log-level", "warning",
        *KDF_PARAMS.serve_flags(),
    ]
    with process(command, log, userpool_env(settings)) as proc:
        wait_ready(proc, lambda: health(url), log)
        yield url, proc.pid


@contextlib.contextmanager
def bare_server(settings: Settings, workdir: Path, body_file: Path | None) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "server-bare.log"
    env = dict(os.environ)
    if body_file is not None:
        env["BENCH_BARE_BODY"] = str(body_file)
    # Same stack as `userpool serve` (uvicorn.run with loop/http "auto", which pick uvloop and
    # httptools when installed, access log off); named explicitly here.
    command = [
        sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(HERE),
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(settings.workers),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]
    body = request_body(BARE_WORKLOAD, {"pool_id": "us-east-1_AbCdEfGhI", "client_id": "x"})
    with process(command, log, env) as proc:
        wait_ready(proc, lambda: post(url, BARE_WORKLOAD.operation, body, 2)[0] == 200, log)
        yield url


@contextlib.contextmanager
def scratch_postgres(settings: Settings, workdir: Path) -> Iterator[str]:
    """A fresh database ``userpool_bench_<random>``, migrated; dropped afterwards."""
    import psycopg

    name = f"userpool_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_URL.format(db=name)
    try:
        log = workdir / "migrate.log"
        with log.open("wb") as out:
            migrate = [settings.userpool, "migrate", "--db", url]
            env = userpool_env(settings)
            if subprocess.run(migrate, stdout=out, stderr=subprocess.STDOUT, env=env).returncode:
                raise RuntimeError(f"userpool migrate failed:\n{tail(log)}")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def database(store: str, settings: Settings, workdir: Path) -> Iterator[str]:
    if store == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
    else:
        with scratch_postgres(settings, workdir) as url:
            yield url


# ---------------------------------------------------------------- the run


def check_once(url: str, name: str, workload: Workload, values: dict[str, str]) -> None:
    """One request before wrk: a broken workload fails fast, with the server's message."""
    once = {**values, "unique": "check" + secrets.token_hex(4)}
    status, body = post(url, workload.operation, request_body(workload, once))
    if status != 200:
        raise RuntimeError(f"{name}: HTTP {status}: {body[:500].decode(errors='replace')}")


def bench_workload(
    wrk: str, url: str, name: str, store: str, script: Path, settings: Settings,
    pgid: int | None = None,
) -> Measurement:
    """wrk's warm-up then measured run; with ``pgid``, the server's CPU use during the latter."""
    if settings.warmup > 0:
        warm = measurement(name, store, run_wrk(wrk, url, script, settings.warmup, settings))
        if warm.errors:
            return warm  # no point measuring: reported as failed
    cpu_before = auth_bench.group_cpu_seconds(pgid) if pgid else None
    result = measurement(name, store, run_wrk(wrk, url, script, settings.duration, settings))
    if pgid and cpu_before is not None and result.duration_s:
        used = auth_bench.group_cpu_seconds(pgid) - cpu_before
        result.server_cpu_pct = round(100 * used / result.duration_s, 1)
    result.connections = settings.connections
    print(
        f"  {name:<28} {store:<9} {result.rps:>10.1f} req/s  p99 {result.p99_ms:>8.2f} ms  "
        f"(wrk CPU {result.wrk_cpu_pct:.0f}%)",
        file=sys.stderr,
    )
    return result


def workload_settings(workload: Workload, settings: Settings) -> Settings:
    """The settings wrk runs this workload with: its connection cap applied."""
    cap = workload.max_connections
    if cap is None or cap >= settings.connections:
        return settings
    return dataclasses.replace(settings, connections=max(cap, settings.threads))


def write_scripts(values: dict[str, str], names: list[str], workdir: Path) -> dict[str, Path]:
    common = LUA_COMMON.read_text()
    scripts: dict[str, Path] = {}
    for name in names:
        if name not in WORKLOADS:
            continue  # run by a Python load generator, not wrk
        path = workdir / f"{name}.lua"
        path.write_text(lua_script(WORKLOADS[name], values, common))
        scripts[name] = path
    return scripts


def bench_store(
    wrk: str, store: str, settings: Settings, workdir: Path, bare_body: Path
) -> StoreRun:
    """The store's measurements, with the KDF's own rate measured just before its first
    password-hashing workload and the RS256 rate just before REFRESH_TOKEN_AUTH (None
    without them)."""
    from seed import seed

    print(f"{store}: starting server ({settings.workers} workers)", file=sys.stderr)
    with database(store, settings, workdir) as db, userpool_server(
        db, settings, workdir, store
    ) as (url, pgid):
        values = seed(url)
        if any(name in settings.workloads for name in LIST_PAIR):
            values.update(seed_list_pools(url, db, settings, workdir / store))
        if not bare_body.exists():
            capture_describe(url, values, bare_body)
        scripts = write_scripts(values, settings.workloads, workdir / store)
        for name in settings.workloads:
            if name == SRP_WORKLOAD:
                auth_bench.check_srp(srp_target(url, values))
            else:
                check_once(url, name, WORKLOADS[name], values)
        run = StoreRun(rows=[])
        for name in settings.workloads:
            if name in KDF_WORKLOADS and run.kdf is None:
                run.kdf = bench_kdf(settings, store)
            if name in SIGN_WORKLOADS and run.sign is None:
                run.sign = bench_signatures(settings, store)
            if name == SRP_WORKLOAD:
                row, run.srp = bench_srp(url, values, store, settings, pgid)
                run.rows.append(row)
                continue
            run.rows.append(bench_workload(wrk, url, name, store, scripts[name],
                                           workload_settings(WORKLOADS[name], settings), pgid))
        return run


def srp_target(url: str, values: dict[str, str]) -> auth_bench.SrpTarget:
    return auth_bench.SrpTarget(url, values["pool_id"], values["auth_client_id"],
                                values["signin_email"], values["password"])


def bench_signatures(settings: Settings, store: str) -> auth_bench.SignRate:
    """RS256 alone in as many processes as server workers (the server idle), just before the
    workload compared with it, so that other load on the machine weighs on both alike."""
    seconds = max(1, min(SIGN_SECONDS, settings.duration))
    print(f"  rs256: RSA-2048 signing in {settings.workers} processes for {seconds} s "
          f"({store})", file=sys.stderr)
    return auth_bench.measure_signatures(settings.workers, seconds)


def bench_srp(
    url: str, values: dict[str, str], store: str, settings: Settings, pgid: int | None
) -> tuple[Measurement, auth_bench.SrpRun]:
    """The USER_SRP_AUTH generator's run, as a table row (its requests are round trips, its
    "wrk CPU" the generator's) and in full."""
    target = srp_target(url, values)
    cpu_before: float | None = None
    if pgid:
        # The server's CPU over the measured window only: read it when the window opens.
        cpu_before = auth_bench.group_cpu_seconds(pgid)
    started, machine_before = time.monotonic(), auth_bench.machine_cpu_times()
    srp = auth_bench.run_srp(target, settings.srp_clients, settings.warmup, settings.duration)
    srp.machine_busy = auth_bench.busy_fraction(machine_before, auth_bench.machine_cpu_times())
    server_cpu = None
    if pgid and cpu_before is not None:
        used = auth_bench.group_cpu_seconds(pgid) - cpu_before
        # The warm-up's share, at the measured window's rate, is not known apart: count the
        # whole run (warm-up included) over its whole wall time.
        server_cpu = round(100 * used / (time.monotonic() - started), 1)
    row = Measurement(
        workload=SRP_WORKLOAD, store=store, requests=srp.round_trips,
        duration_s=float(settings.duration), rps=srp.rps, p50_ms=srp.p50_ms,
        p90_ms=srp.p90_ms, p99_ms=srp.p99_ms, mean_ms=srp.mean_ms, max_ms=srp.max_ms,
        non200=srp.errors, socket_errors={}, sample_error=srp.sample_error,
        wrk_cpu_pct=srp.generator_cpu_pct, connections=srp.processes,
        server_cpu_pct=server_cpu,
    )
    print(f"  {SRP_WORKLOAD:<28} {store:<9} {srp.rps:>10.1f} trips/s p99 {srp.p99_ms:>8.2f} ms  "
          f"(generator CPU {srp.generator_cpu_pct:.0f}%)", file=sys.stderr)
    return row, srp


def seed_list_pools(url: str, db: str, settings: Settings, workdir: Path) -> dict[str, str]:
    """The two pools the filtered ListUsers searches, filled outside the API (users.fill_pool),
    and an existing user's email in each."""
    from seed import list_pool, user_count

    values: dict[str, str] = {}
    for label, size in (("small", users_bench.SMALL_POOL_USERS), ("big", settings.users_big)):
        pool_id, header = list_pool(url, size)
        prefix = f"{label}{size}"
        users_bench.fill_pool(settings.userpool, db, pool_id, size, prefix, workdir, header,
                              userpool_env(settings))
        if (found := user_count(url, pool_id)) != size:
            raise RuntimeError(f"{pool_id} has {found} users after the fill, not {size}")
        values[f"{label}_pool_id"] = pool_id
        values[f"{label}_email"] = users_bench.email(prefix, users_bench.probe_index(size))
    return values


def capture_describe(url: str, values: dict[str, str], path: Path) -> None:
    """Save our real DescribeUserPool response: the bare app serves it as its fixed body."""
    workload = WORKLOADS["DescribeUserPool"]
    status, body = post(url, workload.operation, request_body(workload, values))
    if status == 200:
        path.write_bytes(body)


def bench_bare(wrk: str, settings: Settings, workdir: Path, body: Path) -> Measurement:
    print(f"bare: starting bare_app ({settings.workers} workers)", file=sys.stderr)
    values = {"pool_id": "us-east-1_AbCdEfGhI", "client_id": "x"}
    script = workdir / "bare.lua"
    script.write_text(lua_script(BARE_WORKLOAD, values, LUA_COMMON.read_text()))
    with bare_server(settings, workdir, body if body.exists() else None) as url:
        return bench_workload(wrk, url, "bare", "-", script, settings)


def apply_ratios(results: list[Measurement], bare: Measurement) -> None:
    """req/s as a percentage of the bare app's (not for a generated workload: its "requests"
    are round trips of two requests, from another client than wrk)."""
    for result in results:
        if result.workload in GENERATED_WORKLOADS:
            continue
        result.pct_of_bare = round(100 * result.rps / bare.rps, 1) if bare.rps else None
    bare.pct_of_bare = 100.0


def table(rows: list[Measurement], bare_label: str) -> str:
    header = f"{'workload':<28} {'store':<9} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} " \
             f"{'% of bare':>9} {'server CPU':>10}"
    lines = [header, "-" * len(header)]
    for row in rows:
        name = bare_label if row.workload == "bare" else row.workload
        if row.workload in GENERATED_WORKLOADS:
            name += " (round trips)"
        pct = "" if row.pct_of_bare is None else f"{row.pct_of_bare:.1f}"
        cpu = "" if row.server_cpu_pct is None else f"{row.server_cpu_pct:.0f}%"
        flag = f"  ERRORS: {row.errors}" if row.errors else ""
        lines.append(
            f"{name:<28} {row.store:<9} {row.rps:>10.1f} {row.p50_ms:>8.2f} "
            f"{row.p99_ms:>8.2f} {pct:>9} {cpu:>10}{flag}"
        )
    return "\n".join(lines)


def bench_kdf(settings: Settings, store: str) -> users_bench.KdfRate:
    """argon2id alone, as many processes as server workers, for --duration seconds (the server
    idle): the ceiling of the operations that hash a password per request. Measured next to
    them, per store, so that other load on the machine weighs on both alike."""
    print(f"  kdf: argon2id in {settings.workers} processes for {settings.duration} s "
          f"({store})", file=sys.stderr)
    return users_bench.measure_kdf(settings.workers, settings.duration, KDF_PARAMS)


def list_targets(rows: list[Measurement], users_big: int) -> list[users_bench.ListTarget]:
    """Per store with both filtered ListUsers figures (and no errors): the target's verdict."""
    big_name, small_name = LIST_PAIR
    found = {(row.workload, row.store): row for row in rows if not row.errors}
    return [
        users_bench.list_target(store, found[big_name, store].p50_ms,
                                found[small_name, store].p50_ms, users_big)
        for (name, store) in found
        if name == big_name and (small_name, store) in found
    ]


def apply_kdf_ratios(
    rows: list[Measurement], store: str, kdf: users_bench.KdfRate
) -> list[Measurement]:
    """Set the store's password-hashing rows' req/s ÷ hashes/s; return those rows."""
    hashing = [row for row in rows if row.workload in KDF_WORKLOADS and row.store == store]
    for row in hashing:
        row.kdf_ratio = users_bench.kdf_ratio(row.rps, kdf.hashes_per_s)
    return hashing


def users_summary(
    rows: list[Measurement], settings: Settings, kdfs: dict[str, users_bench.KdfRate]
) -> dict[str, Any]:
    """Print the ListUsers target and the KDF ratios; return them for the JSON document."""
    extra: dict[str, Any] = {}
    targets = list_targets(rows, settings.users_big)
    if targets:
        print()
        print(users_bench.target_lines(targets))
        extra["list_users_target"] = [target.as_dict() for target in targets]
    for store, kdf in kdfs.items():
        hashing = apply_kdf_ratios(rows, store, kdf)
        print()
        print(users_bench.kdf_lines(
            kdf, store, [(row.workload, row.rps, row.kdf_ratio) for row in hashing]
        ))
        extra.setdefault("kdf", {})[store] = kdf.as_dict()
    return extra


def refresh_targets(
    rows: list[Measurement], store: str, sign: auth_bench.SignRate
) -> list[auth_bench.RefreshTarget]:
    """The store's REFRESH_TOKEN_AUTH rows (without errors) against half the RS256 rate."""
    return [
        auth_bench.refresh_target(store, row.rps, row.p50_ms, row.p99_ms, sign.signatures_per_s)
        for row in rows
        if row.workload in SIGN_WORKLOADS and row.store == store and not row.errors
    ]


def signin_summary(
    rows: list[Measurement], settings: Settings, runs: dict[str, StoreRun]
) -> dict[str, Any]:
    """Print the sign-in verdicts (REFRESH_TOKEN_AUTH against the RS256 ceiling, GetUser, the
    SRP generator and who limited it); return them for the JSON document. USER_PASSWORD_AUTH's
    ratio to the KDF is printed with the other KDF-bound workloads (users_summary)."""
    extra: dict[str, Any] = {}
    for store, run in runs.items():
        lines: list[str] = []
        if run.sign is not None:
            targets = refresh_targets(rows, store, run.sign)
            lines.append(auth_bench.sign_lines(run.sign, store, targets))
            extra.setdefault("rs256", {})[store] = run.sign.as_dict()
            extra.setdefault("refresh_target", []).extend(t.as_dict() for t in targets)
        for row in rows:
            if row.store == store and row.workload == "GetUser" and not row.errors:
                lines.append(f"GetUser ({store}): {row.rps:.1f} req/s, p50 {row.p50_ms:.2f} ms, "
                             f"p99 {row.p99_ms:.2f} ms")
        if run.srp is not None:
            server_cpu = next((row.server_cpu_pct for row in rows
                               if row.store == store and row.workload == SRP_WORKLOAD), None)
            verdict = auth_bench.srp_verdict(run.srp.generator_cpu_pct, server_cpu,
                                             settings.workers, os.cpu_count() or 1,
                                             run.srp.machine_busy)
            lines.append(auth_bench.srp_lines(store, run.srp, server_cpu, verdict))
            extra.setdefault("srp", {})[store] = {**run.srp.as_dict(),
                                                  "server_cpu_pct": server_cpu,
                                                  "verdict": verdict}
        if lines:
            print()
            print("\n".join(lines))
    return extra


def git_commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    )
    return out.stdout.strip()


def write_json(rows: list[Measurement], settings: Settings, meta: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}.json"
    document = {
        **meta,
        "settings": asdict(settings),
        "results": [{**asdict(row), "errors": row.errors} for row in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def report_errors(rows: list[Measurement]) -> bool:
    failed = [row for row in rows if row.errors]
    for row in failed:
        print(
            f"ERROR {row.workload} ({row.store}): {row.non200} non-200 responses, "
            f"socket errors {row.socket_errors}; first bad response: {row.sample_error!r}",
            file=sys.stderr,
        )
    return bool(failed)


def run(settings: Settings) -> int:
    wrk = ensure_wrk()
    sys.path.insert(0, str(HERE))
    rows: list[Measurement] = []
    kdfs: dict[str, users_bench.KdfRate] = {}
    runs: dict[str, StoreRun] = {}
    with tempfile.TemporaryDirectory(prefix="userpool-bench-") as tmp:
        workdir = Path(tmp)
        bare_body = workdir / "describe_user_pool.json"
        for store in settings.stores:
            (workdir / store).mkdir()
            runs[store] = bench_store(wrk, store, settings, workdir, bare_body)
            rows.extend(runs[store].rows)
            if runs[store].kdf is not None:
                kdfs[store] = runs[store].kdf
        bare = bench_bare(wrk, settings, workdir, bare_body)
        body_bytes = bare_body.stat().st_size if bare_body.exists() else None
    apply_ratios(rows, bare)
    rows.append(bare)
    size = f"{body_bytes / 1024:.1f} KB" if body_bytes else "built-in"
    print()
    print(table(rows, f"bare ({size} body)"))
    extra = users_summary(rows, settings, kdfs)
    extra.update(signin_summary(rows, settings, runs))
    meta = {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "wrk": wrk_version(wrk),
        "host": {"cpus": os.cpu_count(), "platform": platform.platform(),
                 "python": platform.python_version()},
        "bare_body_bytes": body_bytes,
        **extra,
    }
    path = write_json(rows, settings, meta)
    print(f"\nwritten to {path}")
    return 1 if report_errors(rows) else 0


def default_userpool() -> str:
    beside = Path(sys.executable).parent / "userpool"
    if beside.exists():
        return str(beside)
    return shutil.which("userpool") or "userpool"


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per workload")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per workload")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--workloads", default=",".join(KNOWN_WORKLOADS),
                        help=f"comma-separated subset of: {', '.join(KNOWN_WORKLOADS)}")
    parser.add_argument("--userpool", default=default_userpool(),
                        help="the userpool console script")
    parser.add_argument("--users-big", type=int, default=users_bench.DEFAULT_BIG_POOL_USERS,
                        help="users in the big pool of ListUsersFiltered (default 1,000,000)")
    parser.add_argument("--srp-clients", type=int, default=4,
                        help="processes of the USER_SRP_AUTH load generator (default 4)")
    args = parser.parse_args(argv)
    workloads = with_companions(
        [name.strip() for name in args.workloads.split(",") if name.strip()]
    )
    unknown = [name for name in workloads if name not in KNOWN_WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads {unknown}; known: {', '.join(KNOWN_WORKLOADS)}")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    if args.users_big < 1:
        parser.error("--users-big must be at least 1")
    if args.srp_clients < 1:
        parser.error("--srp-clients must be at least 1")
    return Settings(
        stores=["sqlite", "postgres"] if args.store == "both" else [args.store],
        workloads=workloads,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        userpool=args.userpool,
        users_big=args.users_big,
        srp_clients=args.srp_clients,
        server_key=generate_server_key(),
    )


def with_companions(workloads: list[str]) -> list[str]:
    """Either filtered ListUsers workload brings the other: the target compares them."""
    chosen = list(dict.fromkeys(workloads))
    if any(name in chosen for name in LIST_PAIR):
        for name in LIST_PAIR:
            if name not in chosen:
                chosen.append(name)
    return chosen


def generate_server_key() -> str:
    """A fresh key per run, as `userpool genkey` prints it (base64 of 32 random bytes)."""
    from userpool.crypto import generate_key_text

    return generate_key_text()


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
