"""The users benchmarks' own pieces (bench/run.py wires them in).

* Large pools for the filtered ListUsers workloads, filled without the API (one argon2id hash
  per user would take hours for 1,000,000 users): through ``userpool import FILE.csv --pool ID
  --db URL`` (on a CSV in the shape GetCSVHeader describes), or, with a CLI that lacks it, the
  importer's bulk path ``tx.users.insert_many`` fed users built with the server's own code
  (``domain.users.new_user``, ``user_support.index_entries``).
* The password KDF's own rate: argon2id with the server's parameters in N processes for T
  seconds, the ceiling of the operations that hash one password per request.
* The verdicts printed next to the table: the ListUsers filter target and requests/s ÷ hashes/s.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SMALL_POOL_USERS = 10_000
DEFAULT_BIG_POOL_USERS = 1_000_000
LIST_P50_LIMIT_MS = 5.0  # the filtered ListUsers p50 must stay under this on the big pool …
LIST_P50_TOLERANCE = 0.5  # … and within ±50% of the same query's p50 on the 10,000-user pool
BATCH = 20_000  # users per transaction in the bulk insert
IMPORTED_STATUS = "RESET_REQUIRED"  # what an imported user without a password is in Cognito

# GetCSVHeader's answer for a pool with the standard attributes (the fallback when the server
# doesn't implement GetCSVHeader yet): every standard attribute, then the two cognito: columns.
STANDARD_CSV_HEADER = [
    "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
    "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at",
    "cognito:mfa_enabled", "cognito:username",
]


# ---------------------------------------------------------------- generated users


def username(prefix: str, n: int) -> str:
    return f"{prefix}-{n:07d}"


def email(prefix: str, n: int) -> str:
    return f"{username(prefix, n)}@{prefix}.bench.example"


def probe_index(count: int) -> int:
    """The user the filtered ListUsers looks for: one in the middle of the pool."""
    return count // 2


def csv_row(header: list[str], prefix: str, n: int) -> list[str]:
    """One user of the import CSV: username, a verified email, a name, MFA off."""
    values = {
        "cognito:username": username(prefix, n),
        "email": email(prefix, n),
        "email_verified": "true",
        "name": f"Bench User {n}",
        "cognito:mfa_enabled": "false",
        "phone_number_verified": "false",
    }
    return [values.get(column, "") for column in header]


def write_users_csv(path: Path, header: list[str], prefix: str, count: int) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(csv_row(header, prefix, n) for n in range(count))
    return path


def user_batches(prefix: str, count: int, now: float, size: int = BATCH) -> Iterator[
    list[dict[str, Any]]
]:
    """The users an import of the CSV above creates, as the server's user documents."""
    from userpool.domain import users

    batch: list[dict[str, Any]] = []
    for n in range(count):
        name = username(prefix, n)
        attributes = {"email": email(prefix, n), "email_verified": "true",
                      "name": f"Bench User {n}"}
        batch.append(users.new_user(username=name, key=name, attributes=attributes,
                                    status=IMPORTED_STATUS, now=now))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- filling a pool


def cli_has_import(userpool: str) -> bool:
    out = subprocess.run([userpool, "import", "--help"], capture_output=True, check=False)
    return out.returncode == 0


def fill_pool(
    userpool: str,
    db: str,
    pool_id: str,
    count: int,
    prefix: str,
    workdir: Path,
    header: list[str] | None,
    env: dict[str, str],
) -> str:
    """Put ``count`` users in the (empty, plain-username) pool; return how it was done."""
    started = time.monotonic()
    if cli_has_import(userpool):
        path = write_users_csv(workdir / f"{prefix}.csv", header or STANDARD_CSV_HEADER, prefix,
                               count)
        log = workdir / f"import-{prefix}.log"
        with log.open("wb") as out:
            command = [userpool, "import", str(path), "--pool", pool_id, "--db", db]
            if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env).returncode:
                raise RuntimeError(f"userpool import failed:\n{log.read_text(errors='replace')}")
        path.unlink()
        how = "userpool import"
    else:
        bulk_insert(db, pool_id, prefix, count)
        how = "bulk insert"
    analyze(db)
    print(f"  {pool_id}: {count} users by {how} in {time.monotonic() - started:.0f} s",
          file=sys.stderr)
    return how


def bulk_insert(db: str, pool_id: str, prefix: str, count: int) -> None:
    """The import's own bulk path (``tx.users.insert_many``) without the CSV: the rows
    ``insert_user`` writes for each user (no aliases: the pool has none), in batches."""
    from userpool.operations.user_support import index_entries
    from userpool.store import Store
    from userpool.store.engine import make_engine

    store = Store(make_engine(db))
    try:
        for batch in user_batches(prefix, count, time.time()):
            with store.transaction() as tx:
                tx.users.insert_many(pool_id, [(user, index_entries(user), {}) for user in batch])
    finally:
        store.dispose()


def analyze(db: str) -> None:
    """PostgreSQL: fresh planner statistics after a bulk load, as autovacuum would soon have
    them (a real pool doesn't grow by a million rows between two autovacuum runs unnoticed)."""
    from sqlalchemy import text

    from userpool.store.engine import is_sqlite, make_engine

    if is_sqlite(db):
        return
    engine = make_engine(db)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE users"))
            conn.execute(text("ANALYZE user_index"))
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the KDF's own rate


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    time_cost: int
    parallelism: int

    @classmethod
    def server_defaults(cls) -> KdfParams:
        """The parameters ``userpool serve`` uses when none is configured (config.Settings)."""
        from userpool.config import Settings

        fields = Settings.__dataclass_fields__
        return cls(
            memory_kib=int(fields["kdf_memory_kib"].default),  # type: ignore[call-overload]
            time_cost=int(fields["kdf_time_cost"].default),  # type: ignore[call-overload]
            parallelism=int(fields["kdf_parallelism"].default),  # type: ignore[call-overload]
        )

    def serve_flags(self) -> list[str]:
        return ["--kdf-memory-kib", str(self.memory_kib), "--kdf-time-cost", str(self.time_cost)]


@dataclass
class KdfRate:
    params: KdfParams
    processes: int
    seconds: float
    hashes: int
    hashes_per_s: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def hash_for(seconds: float, params: KdfParams) -> tuple[int, float]:
    """argon2id hashes of one process for ``seconds`` (through the server's own PasswordKdf):
    (hashes, elapsed seconds)."""
    from userpool.crypto import PasswordKdf

    kdf = PasswordKdf(params.memory_kib, params.time_cost, params.parallelism)
    kdf.hash_now("warm-up password 1!")
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        kdf.hash_now(f"Bench-Passw0rd!{count}")
        count += 1
    return count, time.perf_counter() - started


def measure_kdf(processes: int, seconds: float, params: KdfParams) -> KdfRate:
    """N processes hashing for T seconds: the sum of their own rates."""
    with ProcessPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(hash_for, [seconds] * processes, [params] * processes))
    rate = sum(count / elapsed for count, elapsed in results if elapsed)
    hashes = sum(count for count, _ in results)
    return KdfRate(params, processes, seconds, hashes, round(rate, 1))


def kdf_ratio(rps: float, hashes_per_s: float) -> float | None:
    """requests/s ÷ hashes/s: 1.0 means the request costs exactly one hash (the KDF dominates
    completely); well below it means something else costs as much as the hash."""
    return round(rps / hashes_per_s, 3) if hashes_per_s else None


# ---------------------------------------------------------------- the ListUsers target


@dataclass
class ListTarget:
    store: str
    users_big: int
    users_small: int
    p50_big_ms: float
    p50_small_ms: float
    ratio: float | None
    under_limit: bool
    within_tolerance: bool

    @property
    def holds(self) -> bool:
        return self.under_limit and self.within_tolerance

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "holds": self.holds, "limit_ms": LIST_P50_LIMIT_MS,
                "tolerance": LIST_P50_TOLERANCE}


def list_target(
    store: str, p50_big_ms: float, p50_small_ms: float, users_big: int,
    users_small: int = SMALL_POOL_USERS,
) -> ListTarget:
    """p50 on the big pool under 5 ms and within ±50% of the small pool's p50."""
    ratio = round(p50_big_ms / p50_small_ms, 3) if p50_small_ms else None
    within = ratio is not None and abs(ratio - 1) <= LIST_P50_TOLERANCE
    return ListTarget(store, users_big, users_small, p50_big_ms, p50_small_ms, ratio,
                      p50_big_ms < LIST_P50_LIMIT_MS, within)


def target_lines(targets: list[ListTarget]) -> str:
    lines = []
    for t in targets:
        verdict = "holds" if t.holds else "MISSED"
        lines.append(
            f"ListUsers email filter ({t.store}): p50 {t.p50_big_ms:.2f} ms at {t.users_big:,} "
            f"users vs {t.p50_small_ms:.2f} ms at {t.users_small:,} (x{t.ratio}); target "
            f"< {LIST_P50_LIMIT_MS:g} ms and ±{LIST_P50_TOLERANCE:.0%}: {verdict}"
        )
    return "\n".join(lines)


def kdf_lines(rate: KdfRate, store: str, ratios: list[tuple[str, float, float | None]]) -> str:
    """The KDF's rate measured beside a store's runs, and each workload's req/s ÷ hashes/s."""
    p = rate.params
    lines = [
        f"argon2id ({p.memory_kib} KiB, t={p.time_cost}, p={p.parallelism}), beside {store}: "
        f"{rate.hashes_per_s:.1f} hashes/s in {rate.processes} processes"
    ]
    for workload, rps, ratio in ratios:
        lines.append(f"{workload} ({store}): {rps:.1f} req/s ÷ {rate.hashes_per_s:.1f} hashes/s "
                     f"= {ratio}")
    return "\n".join(lines)
