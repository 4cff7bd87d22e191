"""The built-in Lambda runtime: AWS Lambda handler code from the functions folder, unchanged.

Python handlers run in ``pyworker.py`` processes (this interpreter), Node.js handlers in
``node node_worker.mjs`` processes. A worker is long-lived (warm starts) and runs one
invocation at a time; each function has a pool of idle workers, and a new one is started when
none is idle (at most ``MAX_WORKERS`` a function; past that, invocations wait). Editing the
handler (any source file at the top of its folder) or its ``functions.toml`` entry retires the
old workers: the next invocation runs the new code.

A worker talks to the server over three pipes: requests (one JSON line each) on its standard
input; replies on a pipe of their own (the descriptor number is its first argument); its
standard output and error, merged, are the handler's and go to the ``userpool.functions`` logger
a line at a time, as ``"<function-name> <line>"``. After each invocation the worker writes a
marker line there, so an invocation's output is logged before its result is returned.

Past the deadline the worker is killed (SIGKILL) and the result is Lambda's
``Sandbox.Timedout``; a worker that exits mid-invocation gives ``Runtime.ExitError``. Workers
also exit when their standard input closes, so they do not outlive the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from userpool.triggers.functions import NODE_SUFFIXES, Catalog, FunctionSpec, function_name

log = logging.getLogger("userpool.triggers")
function_log = logging.getLogger("userpool.functions")

MAX_WORKERS = 16  # a function's concurrent invocations
MEMORY_SIZE = "128"
MAX_RESPONSE = 6 * 1024 * 1024  # Lambda's synchronous response limit (bytes)
PY_WORKER = Path(__file__).with_name("pyworker.py")
NODE_WORKER = Path(__file__).with_name("node_worker.mjs")
END_MARK = b"\x1e\x1fuserpool-end "  # as pyworker.py and node_worker.mjs write it
_SOURCES = frozenset({".py", *NODE_SUFFIXES, ".json"})
_LINE_MAX = 64 * 1024  # a longer log line is cut into pieces
_REPLY_LIMIT = 64 * 1024 * 1024
_GRACE = 2.0  # seconds for a dead worker's pipes to drain


@dataclass
class InvokeResult:
    payload: bytes  # JSON the handler returned, or Lambda's error document
    function_error: str | None  # "Unhandled" when the handler raised, timed out or crashed
    timed_out: bool = False
    request_id: str = ""


class FunctionNotFound(Exception):
    """No Python or Node.js function of that name in the folder (the message is its ARN)."""


class InvalidPayload(ValueError):
    """The event is not JSON."""


def parse_event(payload: bytes) -> Any:
    """The event a payload holds (an empty payload is ``{}``, as with Lambda's Invoke)."""
    if not payload.strip():
        return {}
    try:
        return json.loads(payload)
    except ValueError as exc:  # also UnicodeDecodeError
        raise InvalidPayload(str(exc)) from None


def _error(
    error_type: str, message: str, request_id: str, *, timed_out: bool = False
) -> InvokeResult:
    document = {"errorType": error_type, "errorMessage": message}
    payload = json.dumps(document, separators=(",", ":")).encode()
    return InvokeResult(payload, "Unhandled", timed_out=timed_out, request_id=request_id)


def _exit_reason(returncode: int | None) -> str:
    if returncode is None or returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        name = signal.strsignal(-returncode) or f"signal {-returncode}"
        return f"Runtime exited with error: signal: {name.lower()}"
    return f"Runtime exited with error: exit status {returncode}"


def _source_stamp(spec: FunctionSpec) -> tuple[tuple[str, int, int], ...]:
    """What changes when the code does: the entry and the source files beside it."""
    paths = {spec.entry} if spec.entry is not None else set()
    if spec.folder is not None:
        with contextlib.suppress(OSError), os.scandir(spec.folder) as entries:
            paths.update(Path(e.path) for e in entries if Path(e.name).suffix in _SOURCES)
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(stamps))


async def _read_pipe(fd: int, limit: int) -> tuple[asyncio.StreamReader, asyncio.BaseTransport]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=limit)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader, transport


class _Worker:
    """One worker process and its pipes."""

    def __init__(
        self,
        name: str,
        proc: asyncio.subprocess.Process,
        replies: tuple[asyncio.StreamReader, asyncio.BaseTransport],
        output: tuple[asyncio.StreamReader, asyncio.BaseTransport],
    ) -> None:
        self.name, self.proc = name, proc
        self._replies, self._replies_transport = replies
        self._output_transport = output[1]
        self._expected_mark = b""
        self._mark_seen = asyncio.Event()
        self._pump = asyncio.create_task(self._log_output(output[0]))

    @classmethod
    async def start(
        cls, name: str, argv: list[str], env: dict[str, str], cwd: Path | None
    ) -> _Worker:
        """``argv`` holds ``{fd}`` where the reply descriptor's number goes."""
        reply_r, reply_w = os.pipe()
        output_r, output_w = os.pipe()
        try:
            proc = await asyncio.create_subprocess_exec(
                *(arg.replace("{fd}", str(reply_w)) for arg in argv),
                stdin=asyncio.subprocess.PIPE,
                stdout=output_w,
                stderr=output_w,
                pass_fds=(reply_w,),
                env=env,
                cwd=cwd,
            )
        except BaseException:
            os.close(reply_r)
            os.close(output_r)
            raise
        finally:
            os.close(reply_w)
            os.close(output_w)
        replies = await _read_pipe(reply_r, _REPLY_LIMIT)
        output = await _read_pipe(output_r, _LINE_MAX)
        return cls(name, proc, replies, output)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None and not self._replies.at_eof()

    async def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The worker's reply; None when it exited first. Raises TimeoutError."""
        assert self.proc.stdin is not None
        self._expected_mark = request["id"].encode()
        self._mark_seen.clear()
        async with asyncio.timeout(timeout):
            try:
                self.proc.stdin.write(json.dumps(request).encode() + b"\n")
                await self.proc.stdin.drain()
            except ConnectionError:
                return None
            line = await self._replies.readline()
        if not line:
            return None
        # The marker precedes the reply on its own pipe: it arrives at once, or never (the
        # handler closed its standard output).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._mark_seen.wait(), 1.0)
        reply: dict[str, Any] = json.loads(line)
        return reply

    def kill(self) -> None:
        """SIGKILL now; ``wait()`` reaps."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()

    async def wait(self) -> int | None:
        """Reap the process (killing it if it lingers) and close its pipes."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), _GRACE)
        except TimeoutError:
            self.kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.proc.wait(), _GRACE)
        self._replies_transport.close()
        # A process the handler started may still hold the output pipe: stop reading it.
        _, pending = await asyncio.wait({self._pump}, timeout=_GRACE)
        for task in pending:
            task.cancel()
        self._output_transport.close()
        return self.proc.returncode

    async def _log_output(self, stream: asyncio.StreamReader) -> None:
        pending = b""
        while chunk := await stream.read(_LINE_MAX):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self._log_line(line)
            while len(pending) >= _LINE_MAX:
                self._log_line(pending[:_LINE_MAX])
                pending = pending[_LINE_MAX:]
        if pending:
            self._log_line(pending)

    def _log_line(self, raw: bytes) -> None:
        text, mark, request_id = raw.partition(END_MARK)
        line = text.decode("utf-8", "replace").rstrip("\r")
        if line:
            function_log.info("%s %s", self.name, line)
        if mark and request_id == self._expected_mark:
            self._mark_seen.set()


@dataclass(eq=False)
class _Pool:
    """A function's workers, for one version of its code and settings."""

    spec: FunctionSpec
    stamp: tuple[tuple[str, int, int], ...]
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_WORKERS))
    idle: list[_Worker] = field(default_factory=list)
    retired: bool = False


class LocalRuntime:
    def __init__(
        self, directory: str | Path, *, region: str, account_id: str, timeout: float = 5.0
    ) -> None:
        self.catalog = Catalog(Path(directory))
        self.region, self.account_id, self.timeout = region, account_id, timeout
        self._pools: dict[str, _Pool] = {}
        self._workers: set[_Worker] = set()
        self._reaping: set[asyncio.Task[Any]] = set()

    def spec(self, name: str) -> FunctionSpec | None:
        """The function ``name`` (a name, ``name:alias`` or an ARN) names, if the folder has it."""
        return self.catalog.get(name)

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{function_name(name)}"

    def invoked_arn(self, name: str) -> str:
        """The ARN as the handler's context shows it: with the qualifier it was invoked with."""
        if name.startswith("arn:"):
            return name
        qualifier = name.partition(":")[2]
        return self.function_arn(name) + (f":{qualifier}" if qualifier else "")

    async def invoke(
        self, name: str, payload: bytes, *, timeout: float | None = None
    ) -> InvokeResult:
        """Run the function once. Raises FunctionNotFound, InvalidPayload."""
        spec = self.spec(name)
        if spec is None or spec.kind == "webhook":
            self._retire(function_name(name))  # removed from the folder: its workers go too
            raise FunctionNotFound(self.function_arn(name))
        event = parse_event(payload)
        seconds = self.timeout if timeout is None else timeout
        request = {"id": str(uuid.uuid4()), "arn": self.invoked_arn(name), "event": event}
        pool = self._pool(spec)
        async with pool.slots:
            return await self._run(pool, request, seconds)

    async def close(self) -> None:
        """Kill every worker."""
        for pool in self._pools.values():
            pool.retired = True
            pool.idle.clear()
        self._pools.clear()
        workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(w.wait() for w in workers), *self._reaping, return_exceptions=True)

    def _pool(self, spec: FunctionSpec) -> _Pool:
        stamp = _source_stamp(spec)
        pool = self._pools.get(spec.name)
        if pool is not None and pool.spec == spec and pool.stamp == stamp:
            return pool
        self._retire(spec.name)
        pool = self._pools[spec.name] = _Pool(spec, stamp)
        return pool

    def _retire(self, name: str) -> None:
        """Kill the function's idle workers; busy ones are killed when they finish."""
        pool = self._pools.pop(name, None)
        if pool is None:
            return
        pool.retired = True
        for worker in pool.idle:
            self._discard(worker)
        pool.idle.clear()

    async def _run(self, pool: _Pool, request: dict[str, Any], seconds: float) -> InvokeResult:
        request_id: str = request["id"]
        try:
            worker = await self._acquire(pool)
        except OSError as exc:
            message = f"RequestId: {request_id} Error: could not start the runtime: {exc}"
            function_log.info("%s %s", pool.spec.name, message)
            return _error("Runtime.InvalidEntrypoint", message, request_id)
        reusable = False
        try:
            request["deadline"] = (time.time() + seconds) * 1000
            reply = await worker.call(request, seconds)
            if reply is None:
                return await self._exited(worker, request_id)
            reusable = not reply.get("exit")
            return _from_reply(reply, request_id)
        except ValueError:  # a reply line past _REPLY_LIMIT
            limit = f"({MAX_RESPONSE} bytes)."
            message = f"Response payload size exceeded maximum allowed payload size {limit}"
            return _error("Function.ResponseSizeTooLarge", message, request_id)
        except TimeoutError:
            worker.kill()
            await worker.wait()
            message = f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
            function_log.info("%s %s", pool.spec.name, message)
            return _error("Sandbox.Timedout", message, request_id, timed_out=True)
        finally:
            if reusable and not pool.retired and worker.alive:
                pool.idle.append(worker)
            else:
                self._discard(worker)

    async def _exited(self, worker: _Worker, request_id: str) -> InvokeResult:
        returncode = await worker.wait()
        message = f"RequestId: {request_id} Error: {_exit_reason(returncode)}"
        function_log.info("%s %s", worker.name, message)
        return _error("Runtime.ExitError", message, request_id)

    async def _acquire(self, pool: _Pool) -> _Worker:
        while pool.idle:
            worker = pool.idle.pop()
            if worker.alive:
                return worker
            self._discard(worker)
        worker = await _Worker.start(
            pool.spec.name, self._argv(pool.spec), self._environment(pool.spec), pool.spec.folder
        )
        self._workers.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker that will not be used again; reap it in the background."""
        self._workers.discard(worker)
        worker.kill()
        task = asyncio.create_task(worker.wait())
        self._reaping.add(task)
        task.add_done_callback(self._reaping.discard)

    def _argv(self, spec: FunctionSpec) -> list[str]:
        if spec.kind == "python":
            python = sys.executable or "python3"
            return [python, str(PY_WORKER), "{fd}", spec.module, spec.handler_name]
        node = shutil.which("node")
        if node is None:
            raise FileNotFoundError("node is not on PATH")
        return [node, str(NODE_WORKER), "{fd}", str(spec.entry), spec.handler_name]

    def _environment(self, spec: FunctionSpec) -> dict[str, str]:
        """The server's environment, Lambda's variables, then the function's own."""
        env = dict(os.environ)
        env.update(
            AWS_LAMBDA_FUNCTION_NAME=spec.name,
            AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=MEMORY_SIZE,
            AWS_LAMBDA_INITIALIZATION_TYPE="on-demand",
            AWS_REGION=self.region,
            AWS_DEFAULT_REGION=self.region,
            AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{spec.name}",
            AWS_LAMBDA_LOG_STREAM_NAME=f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}",
            LAMBDA_TASK_ROOT=str(spec.folder),
            _HANDLER=spec.handler,
            TZ=":UTC",
        )
        if spec.kind == "python":
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            env["AWS_EXECUTION_ENV"] = f"AWS_Lambda_python{version}"
        else:
            env.pop("AWS_EXECUTION_ENV", None)  # the worker names its Node.js version
        env.update(spec.env)
        return env


def _from_reply(reply: dict[str, Any], request_id: str) -> InvokeResult:
    payload = str(reply["payload"]).encode()
    if len(payload) > MAX_RESPONSE:
        message = (
            f"Response payload size ({len(payload)} bytes) exceeded maximum allowed payload "
            f"size ({MAX_RESPONSE} bytes)."
        )
        return _error("Function.ResponseSizeTooLarge", message, request_id)
    error = "Unhandled" if reply.get("error") else None
    return InvokeResult(payload, error, request_id=request_id)
