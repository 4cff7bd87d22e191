"""The importer: CSV rows to users, in batches of `BATCH_ROWS`, each batch one transaction that
also records the job's progress — so a job can be resumed by any process without importing a
row twice (rows before ``_Position`` are done; a user that exists is counted as skipped).

Jobs run in the server process as asyncio tasks; each batch runs in a thread. A job's runner
holds it by writing its token (``_Runner``) and a heartbeat with every batch. `Worker.sweep`
(at startup, every `SWEEP_SECONDS`, and whenever a job is started or ends) claims the oldest
runnable job — Pending or InProgress, with no heartbeat or one older than `STALE_SECONDS` —
unless another job is active with a fresh heartbeat (one job at a time, as AWS runs them per
account). On PostgreSQL two hosts sweeping at the same instant could each start a different
job; both then run, which is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from userpool.imports import csvfile, jobs
from userpool.imports.csvfile import Prepared, Rejected, RowChecker
from userpool.store import Duplicate, Store, Tx

log = logging.getLogger("userpool.imports")

STALE_SECONDS = float(os.environ.get("USERPOOL_IMPORT_STALE_SECONDS", "60"))
SWEEP_SECONDS = float(os.environ.get("USERPOOL_IMPORT_SWEEP_SECONDS", "15"))
BATCH_ROWS = int(os.environ.get("USERPOOL_IMPORT_BATCH_ROWS", "2000"))
FILE_BATCH_ROWS = 10_000  # `userpool import`: no job to report progress to, fewer commits
FILE_CACHE_KIB = 512 * 1024  # SQLite page cache of `userpool import`
# Test hook: a pause between batches, to observe a job mid-way.
BATCH_DELAY = float(os.environ.get("USERPOOL_IMPORT_BATCH_DELAY", "0"))

Row = tuple[int, list[str]]  # (line number, values)


# -- the importer shared by jobs and `userpool import` -------------------------------------------
@dataclass
class Counts:
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)  # non-success log lines

    def add(self, other: Counts) -> None:
        self.imported += other.imported
        self.skipped += other.skipped
        self.failed += other.failed

    def log(self) -> list[str]:
        return [text for _line, text in sorted(self.lines)]


def take(rows: Iterator[list[str]], count: int, reader: Any) -> list[Row]:
    """The next ``count`` records of a csv reader, with the line each ends on."""
    batch: list[Row] = []
    for values in rows:
        batch.append((reader.line_num, values))
        if len(batch) == count:
            break
    return batch


def check_rows(checker: RowChecker, batch: list[Row], now: float) -> list[Prepared | Rejected]:
    return [checker.check(values, line, now) for line, values in batch]


def write_batch(tx: Tx, pool: dict[str, Any], checked: list[Prepared | Rejected]) -> Counts:
    """Insert the prepared rows of a batch; users (or sign-in names) that exist are skipped."""
    counts = Counts()
    ready: list[Prepared] = []
    for item in checked:
        if isinstance(item, Rejected):
            counts.failed += 1
            counts.lines.append((item.line, csvfile.log_line("FAILED", item.line, item.reason)))
        else:
            ready.append(item)
    accepted = _without_taken(tx, pool["Id"], ready, counts)
    try:
        tx.users.insert_many(pool["Id"], [(p.user, p.index, p.aliases) for p in accepted])
        counts.imported += len(accepted)
    except Duplicate:  # a user created meanwhile by another operation: one at a time
        for prepared in accepted:
            try:
                row = (prepared.user, prepared.index, prepared.aliases)
                tx.users.insert_many(pool["Id"], [row])
                counts.imported += 1
            except Duplicate:
                _skip(counts, prepared.line)
    return counts


def _without_taken(tx: Tx, pool_id: str, ready: list[Prepared], counts: Counts) -> list[Prepared]:
    existing = tx.users.existing_keys(pool_id, [p.user["_Key"] for p in ready])
    taken: dict[str, set[str]] = {}
    for kind in {kind for p in ready for kind in p.aliases}:
        values = [p.aliases[kind] for p in ready if kind in p.aliases]
        taken[kind] = tx.users.taken_aliases(pool_id, kind, values)
    accepted: list[Prepared] = []
    for prepared in ready:
        key = prepared.user["_Key"]
        clash = next((k for k, v in prepared.aliases.items() if v in taken[k]), None)
        if key in existing or (clash is not None and prepared.username_aliases):
            _skip(counts, prepared.line)
        elif clash is not None:
            counts.failed += 1
            reason = f"An account with the {clash} already exists."
            counts.lines.append((prepared.line, csvfile.log_line("FAILED", prepared.line, reason)))
        else:
            accepted.append(prepared)
            existing.add(key)
            for kind, value in prepared.aliases.items():
                taken[kind].add(value)
    return accepted


def _skip(counts: Counts, line: int) -> None:
    counts.skipped += 1
    counts.lines.append((line, csvfile.log_line("SKIPPED", line, csvfile.ALREADY_EXISTS)))


def import_file(
    store: Store,
    pool: dict[str, Any],
    text: io.TextIOBase,
    progress: Callable[[int], None] | None = None,
    batch_rows: int = FILE_BATCH_ROWS,
) -> Counts:
    """Import a whole CSV file (``userpool import``): no job, the same rules and batches.
    Raises csvfile.HeaderError for a header (or pool) that can't be imported.

    Checking a batch (Python) overlaps with writing the previous one (SQLite and PostgreSQL
    release the GIL while they work)."""
    reader = csvfile.reader(text)
    rows = iter(reader)
    header = next(rows, None)
    if header is None:
        raise csvfile.HeaderError("The CSV file is empty.")
    checker = RowChecker(pool, header)
    if store.sqlite:  # this process only imports: let SQLite keep the indexes in memory
        with store.transaction() as tx:
            tx.conn.exec_driver_sql(f"PRAGMA cache_size = -{FILE_CACHE_KIB}")
    total = Counts()

    def write(checked: list[Prepared | Rejected]) -> Counts:
        with store.transaction() as tx:
            return write_batch(tx, pool, checked)

    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: tuple[Future[Counts], int] | None = None
        while True:
            batch = take(rows, batch_rows, reader)
            checked = check_rows(checker, batch, round(time.time(), 3)) if batch else []
            if pending is not None:
                _collect(total, pending, progress)
            if not batch:
                return total
            pending = (writer.submit(write, checked), len(batch))


def _collect(
    total: Counts, pending: tuple[Future[Counts], int], progress: Callable[[int], None] | None
) -> None:
    counts = pending[0].result()
    total.add(counts)
    total.lines.extend(counts.lines)
    if progress is not None:
        progress(pending[1])


# -- jobs ----------------------------------------------------------------------------------------
@dataclass
class JobState:
    job_id: str
    token: str
    pool: dict[str, Any]
    checker: RowChecker
    reader: Any
    rows: Iterator[list[str]]


def claim_next(store: Store, token: str, now: float) -> str | None:
    """Claim the oldest runnable job if no other job is active; stale Stopping jobs (their
    runner is gone) are finished as Stopped on the way."""
    with store.transaction() as tx:
        candidates = []
        for job_id, status, heartbeat in tx.users.jobs_in(jobs.ACTIVE):
            fresh = heartbeat is not None and heartbeat > now - STALE_SECONDS
            if fresh:
                return None
            if status == jobs.STOPPING:
                _finish(tx, job_id, jobs.STOPPED, jobs.STOPPED_MESSAGE, now)
            else:
                candidates.append(job_id)
        if not candidates:
            return None
        job = tx.users.get_job(None, candidates[0], for_update=True)
        if job is None or job["Status"] not in (jobs.PENDING, jobs.IN_PROGRESS):
            return None
        job["Status"], job["_Runner"] = jobs.IN_PROGRESS, token
        tx.users.update_job(job["JobId"], job, now)
        return job["JobId"]


def _finish(tx: Tx, job_id: str, status: str, message: str, now: float) -> None:
    job = tx.users.get_job(None, job_id, for_update=True)
    if job is not None:
        tx.users.update_job(job_id, jobs.finish(job, status, message, now), now)
        tx.users.set_job_csv(job_id, None)


def open_job(store: Store, job_id: str, token: str) -> JobState | None:
    """Load a claimed job's file and pool, skip the rows already done; a file that can't be
    imported fails the job (None)."""
    with store.reader() as tx:
        job = tx.users.get_job(None, job_id)
        pool = tx.get_pool(job["_PoolId"]) if job else None
        data = tx.users.job_csv(job_id) if job else None
    if job is None or pool is None or job.get("_Runner") != token:
        return None
    try:
        text = csvfile.decode(data or b"")
        del data
        problem = _too_many_rows(text) if not job["_Position"] else None
        reader = csvfile.reader(text)
        rows = iter(reader)
        header = next(rows, None)
        if problem or header is None:
            raise csvfile.HeaderError(problem or "The CSV file is empty.")
        checker = RowChecker(pool, header)
        for _ in range(job["_Position"]):
            next(rows)
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return _fail(store, job_id, token, jobs.UNPARSABLE)
    except csvfile.HeaderError as exc:
        return _fail(store, job_id, token, str(exc))
    return JobState(job_id, token, pool, checker, reader, rows)


def _too_many_rows(text: io.StringIO) -> str | None:
    count = sum(1 for _ in csvfile.reader(text)) - 1
    text.seek(0)
    return jobs.TOO_MANY_ROWS if count > csvfile.MAX_ROWS else None


def _fail(store: Store, job_id: str, token: str, message: str) -> None:
    log.info("import job %s failed: %s", job_id, message)
    now = round(time.time(), 3)
    with store.transaction() as tx:
        job = tx.users.get_job(None, job_id, for_update=True)
        if job is not None and job.get("_Runner") == token:
            jobs.add_log(job, [message])
            tx.users.update_job(job_id, jobs.finish(job, jobs.FAILED, message, now), now)
            tx.users.set_job_csv(job_id, None)
    return None


def step(store: Store, state: JobState) -> bool:
    """One batch of a job; True when the job is over (done, stopped, failed, or lost)."""
    now = round(time.time(), 3)
    try:
        batch = take(state.rows, BATCH_ROWS, state.reader)
    except csv.Error:
        _fail(store, state.job_id, state.token, jobs.UNPARSABLE)
        return True
    checked = check_rows(state.checker, batch, now)
    with store.transaction() as tx:
        job = tx.users.get_job(None, state.job_id, for_update=True)
        if job is None or job.get("_Runner") != state.token:
            return True  # the pool was deleted, or another process took the job over
        if job["Status"] == jobs.STOPPING:
            _finish(tx, state.job_id, jobs.STOPPED, jobs.STOPPED_MESSAGE, now)
            return True
        if not batch:
            _finish(tx, state.job_id, *jobs.outcome(job), now)
            return True
        counts = write_batch(tx, state.pool, checked)
        job["ImportedUsers"] += counts.imported
        job["SkippedUsers"] += counts.skipped
        job["FailedUsers"] += counts.failed
        job["_Position"] += len(batch)
        jobs.add_log(job, counts.log())
        tx.users.update_job(state.job_id, job, now)
    for line in counts.log():
        log.debug("import job %s: %s", state.job_id, line)
    return False


def release(store: Store, job_id: str, token: str) -> None:
    """Let another process resume the job at once (graceful shutdown)."""
    with store.transaction() as tx:
        job = tx.users.get_job(None, job_id, for_update=True)
        if job is not None and job.get("_Runner") == token and job["Status"] in jobs.ACTIVE:
            job["_Runner"] = None
            tx.users.update_job(job_id, job, None)


class Worker:
    """The jobs this process runs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.token = secrets.token_hex(8)
        self.running: dict[str, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    def kick(self) -> None:
        """Sweep now (a job was started or stopped, or one ended)."""
        if self._loop_task is None or self._loop_task.done():
            self._wake = asyncio.Event()
            self._loop_task = asyncio.get_running_loop().create_task(self._sweeping())
        assert self._wake is not None
        self._wake.set()

    async def _sweeping(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                await self.sweep()
            except Exception:  # the database may be away for a while: try again later
                log.exception("import job sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SWEEP_SECONDS)

    async def sweep(self) -> None:
        job_id = await asyncio.to_thread(claim_next, self.store, self.token, time.time())
        if job_id is not None and job_id not in self.running:
            self.running[job_id] = asyncio.get_running_loop().create_task(self._run(job_id))

    async def _run(self, job_id: str) -> None:
        try:
            state = await asyncio.to_thread(open_job, self.store, job_id, self.token)
            while state is not None and not await asyncio.to_thread(step, self.store, state):
                await asyncio.sleep(BATCH_DELAY)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the heartbeat stale so that a sweep resumes it later
            log.exception("import job %s stopped by an error; it will be resumed", job_id)
        finally:
            self.running.pop(job_id, None)
            if self._wake is not None:
                self._wake.set()

    async def close(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
        tasks = dict(self.running)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        for job_id in tasks:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(release, self.store, job_id, self.token)


_workers: dict[int, Worker] = {}


def worker_for(store: Store) -> Worker:
    """This process's worker for ``store``."""
    if id(store) not in _workers:
        _workers[id(store)] = Worker(store)
    return _workers[id(store)]


async def startup(store: Store) -> None:
    """At server start: resume or start whatever jobs wait (then sweep periodically)."""
    worker_for(store).kick()


async def shutdown(store: Store) -> None:
    """At server stop: stop running jobs and hand them over to the next process at once."""
    worker = _workers.pop(id(store), None)
    if worker is not None:
        await worker.close()
