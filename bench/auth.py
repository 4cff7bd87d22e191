"""The sign-in benchmarks' own pieces (bench/run.py wires them in).

* The machine's RS256 rate: RSA-2048 PKCS#1 v1.5 SHA-256 signatures with ``cryptography`` in N
  processes for T seconds. A REFRESH_TOKEN_AUTH signs two tokens (ID and access), so half that
  rate is its ceiling; the target is 40% of the ceiling (``refresh_target``).
* A USER_SRP_AUTH load generator (wrk can't do SRP math): N processes, each a loop of
  InitiateAuth(USER_SRP_AUTH) + RespondToAuthChallenge(PASSWORD_VERIFIER) over one keep-alive
  HTTP connection, with pycognito's ``AWSSRP`` client math (its modular powers through GMP,
  as the server's: ``use_gmp``), bounded in time. It reports completed
  round trips/s, their latency (the whole round trip as a client lives it, and the server's part:
  the two HTTP exchanges), and its own CPU use, so that one can tell whether it, not the server,
  was the bottleneck (``srp_verdict``; the server's CPU comes from ``group_cpu_seconds``).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
SIGNATURES_PER_REFRESH = 2  # a REFRESH_TOKEN_AUTH signs an ID token and an access token
REFRESH_TARGET = 0.4  # REFRESH_TOKEN_AUTH req/s ≥ 40% of (signatures/s ÷ 2)
RSA_BITS = 2048
# What a JWS signs is header.payload in base64url; an access token's is about this long.
SIGNING_INPUT = b"eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ." + b"x" * 900
BUSY = 0.9  # a CPU budget used at ≥ 90% counts as saturated


# ---------------------------------------------------------------- the RS256 ceiling


@dataclass
class SignRate:
    processes: int
    seconds: float
    signatures: int
    signatures_per_s: float
    bits: int = RSA_BITS

    @property
    def refresh_ceiling(self) -> float:
        """REFRESH_TOKEN_AUTH requests/s if signing were all a refresh cost."""
        return self.signatures_per_s / SIGNATURES_PER_REFRESH

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "refresh_ceiling": round(self.refresh_ceiling, 1)}


def sign_for(seconds: float) -> tuple[int, float]:
    """RS256 signatures of one process for ``seconds`` with a fresh RSA-2048 key:
    (signatures, elapsed seconds)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    pad, digest = padding.PKCS1v15(), hashes.SHA256()
    key.sign(SIGNING_INPUT, pad, digest)  # warm-up
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        key.sign(SIGNING_INPUT, pad, digest)
        count += 1
    return count, time.perf_counter() - started


def measure_signatures(processes: int, seconds: float) -> SignRate:
    """N processes signing for T seconds: the sum of their own rates."""
    with ProcessPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(sign_for, [seconds] * processes))
    rate = sum(count / elapsed for count, elapsed in results if elapsed)
    return SignRate(processes, seconds, sum(c for c, _ in results), round(rate, 1))


@dataclass
class RefreshTarget:
    store: str
    rps: float
    p50_ms: float
    p99_ms: float
    signatures_per_s: float
    ceiling_rps: float
    ratio: float | None  # rps ÷ ceiling
    target: float = REFRESH_TARGET

    @property
    def holds(self) -> bool:
        """Judged on the unrounded figures (``ratio`` is rounded for display)."""
        ceiling = self.signatures_per_s / SIGNATURES_PER_REFRESH
        return ceiling > 0 and self.rps >= self.target * ceiling

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "holds": self.holds}


def refresh_target(
    store: str, rps: float, p50_ms: float, p99_ms: float, signatures_per_s: float
) -> RefreshTarget:
    ceiling = signatures_per_s / SIGNATURES_PER_REFRESH
    ratio = round(rps / ceiling, 3) if ceiling else None
    return RefreshTarget(store, rps, p50_ms, p99_ms, signatures_per_s, round(ceiling, 1), ratio)


def sign_lines(rate: SignRate, store: str, targets: list[RefreshTarget]) -> str:
    lines = [
        f"RS256 (RSA-{rate.bits}, PKCS#1 v1.5, SHA-256), beside {store}: "
        f"{rate.signatures_per_s:.1f} signatures/s in {rate.processes} processes; a refresh "
        f"signs {SIGNATURES_PER_REFRESH} tokens: ceiling {rate.refresh_ceiling:.1f} req/s"
    ]
    for t in targets:
        verdict = "holds" if t.holds else "MISSED"
        pct = "n/a" if t.ratio is None else f"{t.ratio:.1%}"
        lines.append(
            f"REFRESH_TOKEN_AUTH ({t.store}): {t.rps:.1f} req/s (p50 {t.p50_ms:.2f} ms, p99 "
            f"{t.p99_ms:.2f} ms) = {pct} of {t.ceiling_rps:.1f}; target ≥ {t.target:.0%}: "
            f"{verdict}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- CPU of a process group


def group_cpu_seconds(pgid: int, proc: Path = Path("/proc")) -> float:
    """User + system CPU seconds of the live processes of a process group (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        fields = text.rsplit(")", 1)[-1].split()  # after "pid (comm)": state ppid pgrp …
        if len(fields) > 12 and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / tick


def machine_cpu_times(stat: Path = Path("/proc/stat")) -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in ticks (Linux /proc/stat)."""
    first = stat.read_text().splitlines()[0].split()  # "cpu user nice system idle iowait …"
    ticks = [float(value) for value in first[1:9]]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


def busy_fraction(before: tuple[float, float], after: tuple[float, float]) -> float | None:
    """The share of the machine's CPU time that was busy between two ``machine_cpu_times``."""
    total = after[1] - before[1]
    return round((after[0] - before[0]) / total, 3) if total > 0 else None


# ---------------------------------------------------------------- the SRP load generator


@dataclass(frozen=True)
class SrpTarget:
    """Who signs in where: a client without a secret, a CONFIRMED user's sign-in name."""

    url: str
    pool_id: str
    client_id: str
    username: str
    password: str


@dataclass
class WorkerResult:
    round_trips_ms: list[float] = field(default_factory=list)  # whole round trip
    server_ms: list[float] = field(default_factory=list)  # the two HTTP exchanges
    errors: int = 0
    sample_error: str = ""
    cpu_s: float = 0.0  # in the measured window
    gmp: bool = False  # the client's modular powers through GMP (use_gmp)


class Exchange:
    """One keep-alive HTTP connection speaking the AWS JSON 1.1 protocol."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET_PREFIX + operation,
        }
        try:
            self.conn.request("POST", "/", json.dumps(body), headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return response.status, json.loads(raw) if raw else {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _gmp_powmod(base: int, exponent: int, modulus: int) -> int:
    import gmpy2

    return int(gmpy2.powmod(base, exponent, modulus))


def use_gmp() -> bool:
    """Let pycognito's AWSSRP compute its three 3072-bit modular powers per sign-in with GMP
    (``gmpy2``, as the server's domain.srp does) instead of Python's ``pow``: the same numbers,
    ~45 ms less CPU per round trip, which would otherwise be taken from the server on the same
    machine. pycognito calls ``pow(b, e, m)`` by its module-global name, so a module attribute
    overrides the builtin. False (and Python's ``pow``) without gmpy2."""
    try:
        import gmpy2  # noqa: F401
        from pycognito import aws_srp
    except ImportError:
        return False
    aws_srp.pow = _gmp_powmod  # type: ignore[attr-defined]
    return True


class _NoClient:
    """AWSSRP's ``client`` argument: never called (we send the requests), and it spares the
    construction of a boto3 client per round trip."""


def srp_round_trip(target: SrpTarget, http_: Exchange) -> tuple[float, str | None]:
    """One USER_SRP_AUTH sign-in to tokens: (server time in ms, an error or None)."""
    from pycognito.aws_srp import AWSSRP

    srp = AWSSRP(target.username, target.password, target.pool_id, target.client_id,
                 client=_NoClient())
    params = srp.get_auth_params()
    started = time.perf_counter()
    status, first = http_.call("InitiateAuth", {
        "AuthFlow": "USER_SRP_AUTH", "ClientId": target.client_id, "AuthParameters": params,
    })
    server = time.perf_counter() - started
    if status != 200 or first.get("ChallengeName") != "PASSWORD_VERIFIER":
        return server * 1000, f"InitiateAuth {status} {json.dumps(first)[:300]}"
    responses = srp.process_challenge(first["ChallengeParameters"], params)
    started = time.perf_counter()
    status, second = http_.call("RespondToAuthChallenge", {
        "ClientId": target.client_id, "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": responses,
    })
    server += time.perf_counter() - started
    if status != 200 or "AccessToken" not in (second.get("AuthenticationResult") or {}):
        return server * 1000, f"RespondToAuthChallenge {status} {json.dumps(second)[:300]}"
    return server * 1000, None


def srp_worker(target: SrpTarget, measure_at: float, stop_at: float) -> WorkerResult:
    """Round trips back to back until ``stop_at`` (time.time()); those that end in
    [measure_at, stop_at] count (the ones before are the warm-up)."""
    http_ = Exchange(target.url)
    result = WorkerResult(gmp=use_gmp())
    cpu_from: float | None = None
    try:
        while (now := time.time()) < stop_at:
            if cpu_from is None and now >= measure_at:
                cpu_from = time.process_time()
            started = time.perf_counter()
            try:
                server_ms, error = srp_round_trip(target, http_)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                server_ms, error = 0.0, f"{type(exc).__name__}: {exc}"
            took = (time.perf_counter() - started) * 1000
            ended = time.time()
            if not measure_at <= ended <= stop_at:
                continue
            if error is not None:
                result.errors += 1
                result.sample_error = result.sample_error or error
                continue
            result.round_trips_ms.append(took)
            result.server_ms.append(server_ms)
    finally:
        http_.close()
    if cpu_from is not None:
        result.cpu_s = time.process_time() - cpu_from
    return result


@dataclass
class SrpRun:
    processes: int
    seconds: float
    round_trips: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    server_p50_ms: float  # the two HTTP exchanges of a round trip, without the client's math
    server_p99_ms: float
    errors: int
    sample_error: str
    generator_cpu_pct: float  # 100 = one core
    machine_busy: float | None = None  # busy share of the whole machine during the run
    gmp: bool = False  # the generator's modular powers through GMP (use_gmp)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return round(ordered[int(rank) - 1], 3)


def summarize(results: list[WorkerResult], seconds: float) -> SrpRun:
    trips = [ms for r in results for ms in r.round_trips_ms]
    server = [ms for r in results for ms in r.server_ms]
    return SrpRun(
        processes=len(results),
        seconds=seconds,
        round_trips=len(trips),
        rps=round(len(trips) / seconds, 1) if seconds else 0.0,
        p50_ms=percentile(trips, 50),
        p90_ms=percentile(trips, 90),
        p99_ms=percentile(trips, 99),
        mean_ms=round(statistics.fmean(trips), 3) if trips else 0.0,
        max_ms=round(max(trips), 3) if trips else 0.0,
        server_p50_ms=percentile(server, 50),
        server_p99_ms=percentile(server, 99),
        errors=sum(r.errors for r in results),
        sample_error=next((r.sample_error for r in results if r.sample_error), ""),
        generator_cpu_pct=round(100 * sum(r.cpu_s for r in results) / seconds, 1)
        if seconds else 0.0,
        gmp=bool(results) and all(r.gmp for r in results),
    )


def run_srp(target: SrpTarget, processes: int, warmup: float, seconds: float) -> SrpRun:
    """``processes`` generator processes: ``warmup`` seconds, then ``seconds`` measured."""
    with ProcessPoolExecutor(max_workers=processes) as pool:
        # Every process starts (and imports pycognito) before the clock starts.
        list(pool.map(_ready, range(processes)))
        measure_at = time.time() + warmup
        stop_at = measure_at + seconds
        futures = [pool.submit(srp_worker, target, measure_at, stop_at)
                   for _ in range(processes)]
        results = [future.result() for future in futures]
    return summarize(results, seconds)


def _ready(_: int) -> bool:
    import pycognito.aws_srp  # noqa: F401

    time.sleep(0.2)  # so that each process of the pool gets one
    return True


def check_srp(target: SrpTarget) -> None:
    """One round trip before the run: a broken flow fails fast, with the server's message."""
    use_gmp()
    http_ = Exchange(target.url)
    try:
        _, error = srp_round_trip(target, http_)
    finally:
        http_.close()
    if error is not None:
        raise RuntimeError(f"UserSrpAuth: {error}")


def srp_verdict(generator_cpu_pct: float, server_cpu_pct: float | None, workers: int,
                cpus: int, machine_busy: float | None = None) -> str:
    """Who limited the SRP figure: the server (its workers' CPU saturated: the generator is
    not the bottleneck), the machine (every core busy, ``machine_busy`` being the busy share of
    the whole machine, other processes included: the generator's CPU was taken from the server,
    so the figure is a lower bound), or neither (more generator processes would send more)."""
    if server_cpu_pct is not None and server_cpu_pct >= BUSY * 100 * workers:
        return "server-bound: the generator is not the bottleneck"
    if machine_busy is not None and machine_busy >= BUSY:
        return (f"machine-bound ({machine_busy:.0%} of {cpus} CPUs busy): the generator's "
                f"{generator_cpu_pct / 100:.2f} cores were taken from the server, so the "
                f"figure is a lower bound")
    if generator_cpu_pct >= BUSY * 100 * cpus:
        return "generator-bound: the figure is a lower bound"
    return "neither saturated: more generator processes (--srp-clients) would send more"


def srp_lines(store: str, run: SrpRun, server_cpu_pct: float | None, verdict: str) -> str:
    server = "?" if server_cpu_pct is None else f"{server_cpu_pct:.0f}%"
    machine = "" if run.machine_busy is None else f", machine {run.machine_busy:.0%} busy"
    return (
        f"USER_SRP_AUTH round trip ({store}): {run.rps:.1f}/s, p50 {run.p50_ms:.1f} ms, p99 "
        f"{run.p99_ms:.1f} ms (server's part p50 {run.server_p50_ms:.1f} ms, p99 "
        f"{run.server_p99_ms:.1f} ms); {run.processes} generator processes "
        f"({'GMP' if run.gmp else 'Python pow'}) using "
        f"{run.generator_cpu_pct:.0f}% CPU, server {server} (100% = one core){machine}: "
        f"{verdict}"
    )
