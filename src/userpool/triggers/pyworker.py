"""A Python function's worker process: ``python pyworker.py FD MODULE FUNCTION``.

Stands alone (the standard library only), so that it starts fast and needs nothing importable
from the function's folder. Runs with the function's folder as working directory and first on
``sys.path``. Reads one request a line on standard input — ``{"id", "deadline" (epoch ms),
"arn", "event"}`` — calls ``FUNCTION(event, context)`` as AWS Lambda's Python runtime does, and
writes one reply a line to descriptor ``FD``: ``{"id", "error": bool, "payload": "<JSON>"}``.
Standard output and error are the function's own (the server logs them); after each invocation a
marker line tells the server that the invocation's output is complete. Exits at end of input.
"""

from __future__ import annotations

import contextlib
import decimal
import importlib
import json
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO

END_MARK = "\x1e\x1fuserpool-end "  # + request id + newline, on standard output

Handler = Callable[[Any, Any], Any]


class LambdaContext:
    """What ``awslambdaric`` hands a handler as ``context``."""

    def __init__(self, request_id: str, deadline_ms: float, arn: str) -> None:
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn}])"
        )


class Fault(Exception):
    """A runtime error of Lambda's own (``Runtime.*``) rather than the handler's."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type, self.message, self.trace = error_type, message, trace or []


class _Encoder(json.JSONEncoder):
    """Lambda's marshaller also takes ``Decimal`` (as DynamoDB hands them out)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def load_handler(module_name: str, function: str) -> Handler:
    """Import as awslambdaric does, with its error types and wording."""
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        message = f"Unable to import module '{module_name}': {exc}"
        raise Fault("Runtime.ImportModuleError", message) from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        message = f"Syntax error in module '{module_name}': {exc}"
        raise Fault("Runtime.UserCodeSyntaxError", message, trace) from None
    handler = getattr(module, function, None)
    if handler is None:
        message = f"Handler '{function}' missing on module '{module_name}'"
        raise Fault("Runtime.HandlerNotFound", message)
    return handler


def error_document(exc: BaseException, request_id: str) -> dict[str, Any]:
    if isinstance(exc, Fault):
        return {
            "errorMessage": exc.message,
            "errorType": exc.error_type,
            "requestId": request_id,
            "stackTrace": exc.trace,
        }
    # This worker's call into the handler and importlib's frames are not the handler's business.
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)[1:]
        if not frame.filename.startswith("<frozen importlib")
    ]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


class Worker:
    def __init__(self, module_name: str, function: str, replies: int) -> None:
        self.module_name, self.function, self.replies = module_name, function, replies
        self.handler: Handler | None = None
        self.request_id = ""

    def invoke(self, request: dict[str, Any]) -> tuple[bool, str]:
        """(failed, payload) for one request."""
        self.request_id = request_id = request["id"]
        try:
            if self.handler is None:
                self.handler = load_handler(self.module_name, self.function)
            context = LambdaContext(request_id, float(request["deadline"]), request["arn"])
            result = self.handler(request["event"], context)
        except Exception as exc:
            return True, json.dumps(error_document(exc, request_id))
        try:
            return False, json.dumps(result, cls=_Encoder)
        except (TypeError, ValueError) as exc:
            fault = Fault("Runtime.MarshalError", f"Unable to marshal response: {exc}")
            return True, json.dumps(error_document(fault, request_id))

    def reply(self, request_id: str, failed: bool, payload: str) -> None:
        _flush_output()
        with contextlib.suppress(OSError):  # the handler may have closed its standard output
            os.write(1, f"{END_MARK}{request_id}\n".encode())
        line = json.dumps({"id": request_id, "error": failed, "payload": payload}) + "\n"
        _write_all(self.replies, line.encode())

    def serve(self, requests: BinaryIO) -> None:
        for line in requests:
            if not line.strip():
                continue
            request = json.loads(line)
            failed, payload = self.invoke(request)
            self.reply(request["id"], failed, payload)
        self.request_id = ""


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _RequestIdFilter(logging.Filter):
    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker = worker

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.worker.request_id
        return True


def _configure_logging(worker: Worker) -> None:
    """Lambda's root logger: a handler on standard error, its format, level WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    handler.addFilter(_RequestIdFilter(worker))
    logging.getLogger().addHandler(handler)


def _take_stdin() -> BinaryIO:
    """The request pipe, moved off descriptor 0 so the handler's ``input()`` sees no requests."""
    requests = os.fdopen(os.dup(0), "rb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return requests


def main(argv: list[str]) -> None:
    replies, module_name, function = int(argv[0]), argv[1], argv[2]
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C on the server ends workers quietly
    sys.dont_write_bytecode = True
    folder, here = os.getcwd(), os.path.dirname(os.path.abspath(__file__))
    ours = {"", folder, here, os.path.realpath(here)}
    sys.path[:] = [folder, *(path for path in sys.path if path not in ours)]
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    requests = _take_stdin()
    worker = Worker(module_name, function, replies)
    _configure_logging(worker)
    worker.serve(requests)


if __name__ == "__main__":
    main(sys.argv[1:])
