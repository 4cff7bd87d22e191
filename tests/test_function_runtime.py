"""The built-in Lambda runtime: real Python and Node.js worker processes, and the Invoke API
(over HTTP, driven by boto3's ``lambda`` client)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import socket
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
import uvicorn
from botocore.config import Config
from starlette.applications import Starlette
from starlette.routing import Route

from userpool.triggers.functions import Catalog, function_name
from userpool.triggers.invoke_api import invoke_endpoint
from userpool.triggers.runtime import (
    FunctionNotFound,
    InvalidPayload,
    InvokeResult,
    LocalRuntime,
)

REGION, ACCOUNT = "us-east-1", "123456789012"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function"

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

T = TypeVar("T")


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def rewrite(path: Path, text: str) -> None:
    """New content with a visibly newer mtime (coarse clocks must not hide the edit)."""
    before = path.stat().st_mtime_ns
    path.write_text(textwrap.dedent(text).lstrip())
    os.utime(path, ns=(before + 10**9, before + 10**9))


def with_runtime(
    folder: Path, body: Callable[[LocalRuntime], Awaitable[T]], *, timeout: float = 5.0
) -> T:
    async def main() -> T:
        runtime = LocalRuntime(folder, region=REGION, account_id=ACCOUNT, timeout=timeout)
        try:
            return await body(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())


def document(result: InvokeResult) -> Any:
    return json.loads(result.payload)


def pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the catalog ------------------------------------------------------------------------------


def test_function_name_accepts_names_aliases_and_arns() -> None:
    assert function_name("fn") == "fn"
    assert function_name("fn:prod") == "fn"
    assert function_name(f"{ARN}:fn") == "fn"
    assert function_name(f"{ARN}:fn:prod") == "fn"
    assert function_name(f"{ARN}:fn:7") == "fn"
    assert function_name(f"{ACCOUNT}:function:fn") == "fn"


def test_catalog_conventions_mapping_and_late_folders(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path)
    assert catalog.get("later") is None
    write(tmp_path, "later/handler.py", "def handler(e, c): return e\n")
    spec = catalog.get(f"{ARN}:later:live")  # created after the catalog: found
    assert spec is not None
    assert (spec.kind, spec.entry, spec.handler) == (
        "python",
        tmp_path / "later/handler.py",
        "handler.handler",
    )
    write(tmp_path, "both/index.js", "exports.handler = async () => 1;\n")
    write(tmp_path, "both/index.mjs", "export const handler = async () => 1;\n")
    spec = catalog.get("both")
    assert spec is not None and (spec.kind, spec.entry) == ("node", tmp_path / "both/index.mjs")
    assert catalog.get("../both") is None and catalog.get("nothing") is None

    write(tmp_path, "code/src/app.py", "def main(e, c): return e\n")
    write(tmp_path, "code/lib.mjs", "export const run = async () => 1;\n")
    toml = write(
        tmp_path,
        "functions.toml",
        """
        [functions.mapped]
        path = "code/src"
        handler = "app.main"
        env = { GREETING = "hi", COUNT = 3 }
        [functions.node-mapped]
        path = "code"
        handler = "lib.run"
        runtime = "nodejs20.x"
        [functions.remote]
        url = "http://127.0.0.1:1/hook"
        """,
    )
    mapped = catalog.get("mapped")
    assert mapped is not None
    assert (mapped.kind, mapped.entry, mapped.handler_name) == (
        "python",
        tmp_path / "code/src/app.py",
        "main",
    )
    assert mapped.env == {"GREETING": "hi", "COUNT": "3"} and mapped.handler == "app.main"
    node = catalog.get("node-mapped")
    assert node is not None and (node.kind, node.entry, node.handler) == (
        "node",
        tmp_path / "code/lib.mjs",
        "lib.run",
    )
    remote = catalog.get("remote")
    assert remote is not None and (remote.kind, remote.url) == (
        "webhook",
        "http://127.0.0.1:1/hook",
    )

    rewrite(toml, '[functions.mapped]\npath = "code/src"\nhandler = "app.main"\n')
    mapped = catalog.get("mapped")
    assert mapped is not None and mapped.env == {}  # the edited file is read again
    assert catalog.get("remote") is None


# --- running handlers -------------------------------------------------------------------------

CONTEXT_PY = """
    import os

    def handler(event, context):
        names = [
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION",
            "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "LAMBDA_TASK_ROOT", "_HANDLER", "AWS_EXECUTION_ENV",
            "GREETING",
        ]
        return {
            "event": event,
            "context": {
                "function_name": context.function_name,
                "function_version": context.function_version,
                "invoked_function_arn": context.invoked_function_arn,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "aws_request_id": context.aws_request_id,
                "log_group_name": context.log_group_name,
                "log_stream_name": context.log_stream_name,
                "identity": context.identity,
                "client_context": context.client_context,
                "remaining": context.get_remaining_time_in_millis(),
            },
            "env": {name: os.environ.get(name) for name in names},
            "cwd": os.getcwd(),
        }
"""

CONTEXT_MJS = """
    export const handler = async (event, context) => {
      const names = [
        'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_REGION',
        'AWS_DEFAULT_REGION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME', 'LAMBDA_TASK_ROOT', '_HANDLER', 'AWS_EXECUTION_ENV',
        'GREETING',
      ];
      return {
        event,
        context: {
          function_name: context.functionName,
          function_version: context.functionVersion,
          invoked_function_arn: context.invokedFunctionArn,
          memory_limit_in_mb: context.memoryLimitInMB,
          aws_request_id: context.awsRequestId,
          log_group_name: context.logGroupName,
          log_stream_name: context.logStreamName,
          identity: null,
          client_context: null,
          remaining: context.getRemainingTimeInMillis(),
          waits: context.callbackWaitsForEmptyEventLoop,
        },
        env: Object.fromEntries(names.map((name) => [name, process.env[name] ?? null])),
        cwd: process.cwd(),
      };
    };
"""


def check_context(
    answer: Any, result: InvokeResult, name: str, folder: Path, handler: str, runtime: str
) -> None:
    context = answer["context"]
    assert result.function_error is None and not result.timed_out
    assert answer["event"] == {"userName": "alice", "request": {"n": 1}}
    assert context["function_name"] == name and context["function_version"] == "$LATEST"
    assert context["invoked_function_arn"] == f"{ARN}:{name}"
    assert context["memory_limit_in_mb"] == "128"
    assert context["aws_request_id"] == result.request_id and len(result.request_id) == 36
    assert context["log_group_name"] == f"/aws/lambda/{name}"
    assert "[$LATEST]" in context["log_stream_name"]
    assert context["identity"] is None and context["client_context"] is None
    assert 3000 < context["remaining"] <= 4000  # timeout=4.0
    env = answer["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == REGION
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{name}"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == context["log_stream_name"]
    assert env["LAMBDA_TASK_ROOT"] == str(folder) and answer["cwd"] == str(folder)
    assert env["_HANDLER"] == handler
    assert env["AWS_EXECUTION_ENV"].startswith(f"AWS_Lambda_{runtime}")


EVENT = json.dumps({"userName": "alice", "request": {"n": 1}}).encode()


@needs_node
def test_python_and_node_context_and_environment(tmp_path: Path) -> None:
    write(tmp_path, "py/handler.py", CONTEXT_PY)
    write(tmp_path, "node/index.mjs", CONTEXT_MJS)
    write(tmp_path, "mapped/app.py", CONTEXT_PY.replace("def handler", "def main"))
    write(
        tmp_path,
        "functions.toml",
        '[functions.mapped]\nhandler = "app.main"\nenv = { GREETING = "hi" }\n',
    )

    async def body(runtime: LocalRuntime) -> list[InvokeResult]:
        return [
            await runtime.invoke(f"{ARN}:py", EVENT),
            await runtime.invoke("node", EVENT),
            await runtime.invoke("mapped:live", EVENT),
        ]

    py, node, mapped = with_runtime(tmp_path, body, timeout=4.0)
    check_context(document(py), py, "py", tmp_path / "py", "handler.handler", "python3.")
    answer = document(node)
    check_context(answer, node, "node", tmp_path / "node", "index.handler", "nodejs")
    assert answer["context"]["waits"] is True
    answer = document(mapped)
    assert answer["context"]["invoked_function_arn"] == f"{ARN}:mapped:live"  # as invoked
    answer["context"]["invoked_function_arn"] = f"{ARN}:mapped"
    check_context(answer, mapped, "mapped", tmp_path / "mapped", "app.main", "python3.")
    assert answer["env"]["GREETING"] == "hi" and document(py)["env"]["GREETING"] is None


@needs_node
def test_node_module_styles(tmp_path: Path) -> None:
    write(tmp_path, "esm/index.mjs", "export const handler = async (e) => ({ ...e, esm: true });\n")
    write(
        tmp_path,
        "cjs/index.js",
        """
        module.exports.handler = function (event, context, callback) {
          setTimeout(() => callback(null, { ...event, cjs: true }), 10);
        };
        """,
    )
    write(
        tmp_path,
        "promise/index.js",
        "exports.handler = (event) => new Promise((ok) => setTimeout(() => ok([event]), 5));\n",
    )
    write(
        tmp_path,
        "succeed/index.mjs",
        "export const handler = (event, context) => { context.succeed({ ...event, s: 1 }); };\n",
    )
    write(
        tmp_path,
        "waits/index.mjs",
        """
        let later = 0;
        export const handler = (event, context, callback) => {
          callback(null, { later });  // answered once the event loop is empty, as Lambda does
          setTimeout(() => { later += 1; }, 20);
        };
        """,
    )
    write(
        tmp_path,
        "nowait/index.mjs",
        """
        export const handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => {}, 3000);
          callback(null, 'at once');
        };
        """,
    )
    write(tmp_path, "sync/index.mjs", "export const handler = (event) => { return event; };\n")
    write(tmp_path, "undef/index.mjs", "export const handler = async () => {};\n")

    async def body(runtime: LocalRuntime) -> dict[str, Any]:
        names = ["esm", "cjs", "promise", "succeed", "waits", "nowait", "sync", "undef"]
        started = time.monotonic()
        results = {name: await runtime.invoke(name, b'{"a": 1}') for name in names}
        assert time.monotonic() - started < 2.5
        assert not any(result.function_error for result in results.values())
        return {name: document(result) for name, result in results.items()}

    answers = with_runtime(tmp_path, body)
    assert answers["esm"] == {"a": 1, "esm": True}
    assert answers["cjs"] == {"a": 1, "cjs": True}
    assert answers["promise"] == [{"a": 1}]
    assert answers["succeed"] == {"a": 1, "s": 1}
    assert answers["waits"] == {"later": 0}
    assert answers["nowait"] == "at once"
    assert answers["sync"] is None  # a synchronous handler's return value is not its result
    assert answers["undef"] is None


@needs_node
def test_error_documents(tmp_path: Path) -> None:
    write(
        tmp_path,
        "py-raise/handler.py",
        """
        def helper(event):
            raise ValueError(f"bad user {event['userName']}")

        def handler(event, context):
            return helper(event)
        """,
    )
    write(tmp_path, "py-import/handler.py", "import no_such_module_here\n")
    write(tmp_path, "py-syntax/handler.py", "def handler(event, context)\n    return 1\n")
    write(tmp_path, "py-missing/handler.py", "def other(event, context): return 1\n")
    write(tmp_path, "py-marshal/handler.py", "def handler(event, context): return {1, 2}\n")
    write(tmp_path, "py-none/handler.py", "def handler(event, context): return None\n")
    write(
        tmp_path,
        "node-throw/index.mjs",
        "export const handler = async (e) => { throw new TypeError('bad ' + e.userName); };\n",
    )
    write(
        tmp_path, "node-string/index.mjs", "export const handler = async () => { throw 'nope'; };\n"
    )
    write(
        tmp_path,
        "node-callback/index.js",
        "exports.handler = (event, context, callback) => callback(new Error('called back'));\n",
    )
    write(
        tmp_path,
        "node-import/index.mjs",
        "import 'no-such-package-here';\nexport const handler = 1;\n",
    )
    write(tmp_path, "node-missing/index.mjs", "export const other = async () => 1;\n")
    write(tmp_path, "node-syntax/index.mjs", "export const handler = async () => {\n")
    write(tmp_path, "py-exit/handler.py", "import os\ndef handler(e, c): os._exit(3)\n")
    write(tmp_path, "node-exit/index.mjs", "export const handler = async () => process.exit(2);\n")

    async def body(runtime: LocalRuntime) -> dict[str, InvokeResult]:
        names = [
            "py-raise",
            "py-import",
            "py-syntax",
            "py-missing",
            "py-marshal",
            "py-none",
            "node-throw",
            "node-string",
            "node-callback",
            "node-import",
            "node-missing",
            "node-syntax",
            "py-exit",
            "node-exit",
        ]
        results = await asyncio.gather(*(runtime.invoke(n, EVENT) for n in names))
        results = dict(zip(names, results, strict=True))
        # Workers that crashed are replaced: the next invocation runs (and crashes) again.
        results["py-exit-again"] = await runtime.invoke("py-exit", EVENT)
        return results

    results = with_runtime(tmp_path, body)
    for name, result in results.items():
        expected = None if name == "py-none" else "Unhandled"
        assert result.function_error == expected, name
    assert results["py-none"].payload == b"null"

    raised = document(results["py-raise"])
    assert raised["errorMessage"] == "bad user alice" and raised["errorType"] == "ValueError"
    assert raised["requestId"] == results["py-raise"].request_id
    assert any("in helper" in line for line in raised["stackTrace"])
    assert not any("pyworker" in line for line in raised["stackTrace"])
    imported = document(results["py-import"])
    assert imported["errorType"] == "Runtime.ImportModuleError"
    assert imported["errorMessage"] == (
        "Unable to import module 'handler': No module named 'no_such_module_here'"
    )
    assert document(results["py-syntax"])["errorType"] == "Runtime.UserCodeSyntaxError"
    missing = document(results["py-missing"])
    assert missing["errorType"] == "Runtime.HandlerNotFound"
    assert missing["errorMessage"] == "Handler 'handler' missing on module 'handler'"
    marshal = document(results["py-marshal"])
    assert marshal["errorType"] == "Runtime.MarshalError"
    assert marshal["errorMessage"].startswith("Unable to marshal response: Object of type set")

    thrown = document(results["node-throw"])
    assert (thrown["errorType"], thrown["errorMessage"]) == ("TypeError", "bad alice")
    assert thrown["trace"][0] == "TypeError: bad alice"
    assert not any("node_worker" in line for line in thrown["trace"])
    assert document(results["node-string"]) == {
        "errorType": "string",
        "errorMessage": "nope",
        "trace": [],
    }
    called_back = document(results["node-callback"])
    assert (called_back["errorType"], called_back["errorMessage"]) == ("Error", "called back")
    node_import = document(results["node-import"])
    assert node_import["errorType"] == "Runtime.ImportModuleError"
    assert "no-such-package-here" in node_import["errorMessage"]
    node_missing = document(results["node-missing"])
    assert node_missing["errorType"] == "Runtime.HandlerNotFound"
    assert node_missing["errorMessage"] == "index.handler is undefined or not exported"
    assert document(results["node-syntax"])["errorType"] == "Runtime.UserCodeSyntaxError"

    for name, status in [("py-exit", 3), ("py-exit-again", 3), ("node-exit", 2)]:
        result = results[name]
        assert document(result) == {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {result.request_id} Error: Runtime exited with error: "
            f"exit status {status}",
        }


@needs_node
def test_timeout_kills_the_worker_and_the_next_invocation_runs(tmp_path: Path) -> None:
    write(
        tmp_path,
        "slow/handler.py",
        """
        import os, time

        def handler(event, context):
            if event.get("sleep"):
                print("sleeping", flush=True)
                time.sleep(event["sleep"])
            return {"pid": os.getpid()}
        """,
    )
    write(
        tmp_path,
        "spin/index.mjs",
        """
        export const handler = async (event) => {
          if (event.spin) for (;;) {}
          return { pid: process.pid };
        };
        """,
    )

    async def body(runtime: LocalRuntime) -> None:
        for name, slow in [("slow", b'{"sleep": 30}'), ("spin", b'{"spin": true}')]:
            pid = document(await runtime.invoke(name, b"{}"))["pid"]
            started = time.monotonic()
            result = await runtime.invoke(name, slow)
            assert 0.9 < time.monotonic() - started < 2.0
            assert result.timed_out and result.function_error == "Unhandled"
            assert result.payload == (
                b'{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: '
                + result.request_id.encode()
                + b' Error: Task timed out after 1.00 seconds"}'
            )
            assert not pid_exists(pid)  # killed and reaped: no zombie either
            again = await runtime.invoke(name, b"{}")
            assert again.function_error is None and document(again)["pid"] != pid
        # A per-invocation timeout overrides the runtime's.
        result = await runtime.invoke("slow", b'{"sleep": 30}', timeout=0.5)
        assert result.timed_out and b"after 0.50 seconds" in result.payload

    with_runtime(tmp_path, body, timeout=1.0)


@needs_node
def test_edit_and_rerun_picks_up_new_code(tmp_path: Path) -> None:
    py = write(tmp_path, "py/handler.py", "import os\ndef handler(e, c): return [1, os.getpid()]\n")
    helper = write(tmp_path, "py/helper.py", "VALUE = 'a'\n")
    node = write(
        tmp_path, "node/index.mjs", "export const handler = async () => [1, process.pid];\n"
    )

    async def body(runtime: LocalRuntime) -> None:
        for path, name, new in [
            (py, "py", "import os\ndef handler(e, c): return [2, os.getpid()]\n"),
            (node, "node", "export const handler = async () => [2, process.pid];\n"),
        ]:
            version, pid = document(await runtime.invoke(name, b"{}"))
            assert version == 1
            assert document(await runtime.invoke(name, b"{}")) == [1, pid]  # warm
            rewrite(path, new)
            version, new_pid = document(await runtime.invoke(name, b"{}"))
            assert version == 2 and new_pid != pid
            for _ in range(50):
                if not pid_exists(pid):
                    break
                await asyncio.sleep(0.02)
            assert not pid_exists(pid)  # the old worker was retired
        # A module beside the handler counts as the function's code too.
        rewrite(py, "import helper\ndef handler(e, c): return helper.VALUE\n")
        assert document(await runtime.invoke("py", b"{}")) == "a"
        rewrite(helper, "VALUE = 'b'\n")
        assert document(await runtime.invoke("py", b"{}")) == "b"

    with_runtime(tmp_path, body)


@needs_node
def test_output_is_logged_and_does_not_corrupt_results(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(
        tmp_path,
        "py/handler.py",
        """
        import logging, sys
        logger = logging.getLogger()

        def handler(event, context):
            print("to stdout", event["n"])
            print('{"id": "looks like protocol", "error": false}')
            print("to stderr", file=sys.stderr)
            logger.warning("from logging")
            sys.stdout.write("no newline")
            return {"n": event["n"]}
        """,
    )
    write(
        tmp_path,
        "node/index.mjs",
        """
        export const handler = async (event) => {
          console.log('to stdout', event.n);
          console.error('to stderr');
          process.stdout.write('no newline');
          return { n: event.n };
        };
        """,
    )

    async def body(runtime: LocalRuntime) -> None:
        for name in ("py", "node"):
            caplog.clear()
            result = await runtime.invoke(name, b'{"n": 7}')
            assert document(result) == {"n": 7}
            # Logged by the time the invocation returns.
            lines = [r.getMessage() for r in caplog.records if r.name == "userpool.functions"]
            assert f"{name} to stdout 7" in lines
            assert f"{name} to stderr" in lines
            assert f"{name} no newline" in lines
            assert all(r.levelno == logging.INFO for r in caplog.records)
            if name == "py":  # Lambda's root logger format
                assert any(
                    line.startswith("py [WARNING]\t") and "from logging" in line for line in lines
                )

    caplog.set_level(logging.INFO, logger="userpool.functions")
    with_runtime(tmp_path, body)


@needs_node
def test_concurrent_invocations(tmp_path: Path) -> None:
    write(
        tmp_path,
        "py/handler.py",
        """
        import os, time
        def handler(event, context):
            time.sleep(0.3)
            return {"i": event["i"], "pid": os.getpid(), "id": context.aws_request_id}
        """,
    )
    write(
        tmp_path,
        "node/index.mjs",
        """
        export const handler = async (event, context) => {
          await new Promise((ok) => setTimeout(ok, 300));
          return { i: event.i, pid: process.pid, id: context.awsRequestId };
        };
        """,
    )

    async def body(runtime: LocalRuntime) -> None:
        calls = [
            runtime.invoke(name, json.dumps({"i": i}).encode())
            for name in ("py", "node")
            for i in range(8)
        ]
        started = time.monotonic()
        results = await asyncio.gather(*calls)
        assert time.monotonic() - started < 4.0  # in parallel, not one after another (4.8 s)
        answers = [document(result) for result in results]
        assert [a["i"] for a in answers] == list(range(8)) * 2
        assert [a["id"] for a in answers] == [result.request_id for result in results]
        assert len({a["pid"] for a in answers[:8]}) == 8
        assert len({a["pid"] for a in answers[8:]}) == 8
        # The workers are kept warm: the same processes serve the next round.
        again = await asyncio.gather(*(runtime.invoke("py", b'{"i": 0}') for _ in range(8)))
        assert {document(r)["pid"] for r in again} == {a["pid"] for a in answers[:8]}

    with_runtime(tmp_path, body)


def test_not_found_bad_payload_and_close(tmp_path: Path) -> None:
    write(tmp_path, "fn/handler.py", "import os\ndef handler(e, c): return os.getpid()\n")
    write(tmp_path, "functions.toml", '[functions.hook]\nurl = "http://127.0.0.1:1/"\n')

    async def main() -> None:
        runtime = LocalRuntime(tmp_path, region=REGION, account_id=ACCOUNT)
        for name in ("nothing", f"{ARN}:nothing:prod", "hook"):
            with pytest.raises(FunctionNotFound) as raised:
                await runtime.invoke(name, b"{}")
            assert str(raised.value) == f"{ARN}:{function_name(name)}"
        assert runtime.spec("nothing") is None
        with pytest.raises(InvalidPayload):
            await runtime.invoke("fn", b"{not json")
        assert document(await runtime.invoke("fn", b"")) > 0  # no payload: the event is {}
        pid = document(await runtime.invoke("fn", b"{}"))
        await runtime.close()
        assert not pid_exists(pid)

    asyncio.run(main())


# --- the Invoke API -----------------------------------------------------------------------------


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """uvicorn serving the Invoke route in a thread; the runtime is closed at shutdown."""
    runtime = LocalRuntime(folder, region=REGION, account_id=ACCOUNT, timeout=1.0)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await runtime.close()

    route = Route(
        "/2015-03-31/functions/{name}/invocations", invoke_endpoint(runtime), methods=["POST"]
    )
    app = Starlette(routes=[route], lifespan=lifespan)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def lambda_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("functions")
    write(
        folder, "fn/handler.py", "def handler(event, context):\n    return {**event, 'ok': True}\n"
    )
    write(
        folder,
        "fails/index.mjs",
        "export const handler = async () => { throw new Error('no way'); };\n",
    )
    write(folder, "slow/handler.py", "import time\ndef handler(e, c): time.sleep(10)\n")
    write(folder, "background/handler.py", BACKGROUND_PY)
    with serve(folder) as url:
        yield url, folder


BACKGROUND_PY = """
    import json, os
    def handler(event, context):
        with open(os.path.join(event["dir"], "ran.json"), "w") as out:
            json.dump(event, out)
"""


@contextlib.contextmanager
def lambda_client(url: str) -> Iterator[Any]:
    client = boto3.client(
        "lambda",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )
    try:
        yield client
    finally:
        client.close()


def test_boto3_invoke(lambda_api: tuple[str, Path]) -> None:
    url, folder = lambda_api
    with lambda_client(url) as client:
        check_boto3_invoke(client, folder)


def check_boto3_invoke(client: Any, folder: Path) -> None:
    event = {"userName": "alice", "triggerSource": "PreSignUp_SignUp"}

    answer = client.invoke(FunctionName=f"{ARN}:fn", Payload=json.dumps(event))
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "$LATEST"
    assert json.loads(answer["Payload"].read()) == {**event, "ok": True}
    answer = client.invoke(FunctionName="fn", Qualifier="prod", Payload=b"{}")
    assert json.loads(answer["Payload"].read()) == {"ok": True}

    answer = client.invoke(FunctionName=f"{ARN}:fails:live", Payload=b"{}")
    assert answer["StatusCode"] == 200 and answer["FunctionError"] == "Unhandled"
    failure = json.loads(answer["Payload"].read())
    assert (failure["errorType"], failure["errorMessage"]) == ("Error", "no way")

    answer = client.invoke(FunctionName="slow", Payload=b"{}")
    assert answer["FunctionError"] == "Unhandled"
    assert json.loads(answer["Payload"].read())["errorType"] == "Sandbox.Timedout"

    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.invoke(FunctionName=f"{ARN}:nothing", Payload=b"{}")
    assert raised.value.response["Error"]["Message"] == f"Function not found: {ARN}:nothing"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    with pytest.raises(client.exceptions.InvalidRequestContentException) as bad:
        client.invoke(FunctionName="fn", Payload=b"{not json")
    assert bad.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json: "
    )

    assert client.invoke(FunctionName="fn", InvocationType="DryRun")["StatusCode"] == 204
    event = {"dir": str(folder)}
    answer = client.invoke(
        FunctionName="background", InvocationType="Event", Payload=json.dumps(event)
    )
    assert answer["StatusCode"] == 202
    for _ in range(100):
        if (folder / "ran.json").exists():
            break
        time.sleep(0.02)
    assert json.loads((folder / "ran.json").read_text()) == event


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_invoke_http_shape(lambda_api: tuple[str, Path]) -> None:
    url, _ = lambda_api
    status, headers, body = post(f"{url}/2015-03-31/functions/fn/invocations", b'{"a": 1}')
    assert status == 200 and json.loads(body) == {"a": 1, "ok": True}
    assert headers["X-Amz-Executed-Version"] == "$LATEST"
    assert len(headers["x-amzn-RequestId"]) == 36 and "X-Amz-Function-Error" not in headers

    status, headers, body = post(f"{url}/2015-03-31/functions/fails/invocations", b"")
    assert status == 200 and headers["X-Amz-Function-Error"] == "Unhandled"

    status, headers, body = post(f"{url}/2015-03-31/functions/nope%3Aprod/invocations", b"{}")
    assert status == 404 and headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(body) == {"Type": "User", "Message": f"Function not found: {ARN}:nope"}

    status, headers, body = post(f"{url}/2015-03-31/functions/fn/invocations", b"[1,")
    assert status == 400 and headers["x-amzn-ErrorType"] == "InvalidRequestContentException"
    assert json.loads(body)["Type"] == "User"
