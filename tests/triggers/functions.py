"""Handler folders for the trigger tests: real Python and Node.js Lambda handlers, written into
the ``--functions`` folder of a running server, that record every event they receive (one JSON
line per invocation, in ``events.jsonl`` beside the handler) and answer as the test asks.

``Functions.handler(lang, name, ...)`` writes ``<name>/handler.py`` (Python) or
``<name>/index.mjs`` (Node.js) and returns the function's ARN, as a pool's LambdaConfig names it.
The answer is given as data, so one test drives both languages:
- ``response``: merged into ``event.response`` (the handler then returns the event);
- ``error``: the handler throws an Error with this message;
- ``sleep``: seconds to wait before answering;
- ``output``: returned instead of the event (e.g. a string: "Unrecognizable lambda output");
- ``code``: language-specific source of the handler's body (``event`` in scope; must return).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"
LANGS = ("python", "node")


def arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def _python(
    response: Any, error: str | None, sleep: float | None, output: Any, code: str | None
) -> str:
    lines = [
        "import json, os, time",
        "",
        "EVENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'events.jsonl')",
        "",
        "",
        "def handler(event, context):",
        "    with open(EVENTS, 'a') as fh:",
        "        fh.write(json.dumps(event) + '\\n')",
    ]
    if sleep:
        lines.append(f"    time.sleep({sleep!r})")
    if error is not None:
        lines.append(f"    raise Exception({error!r})")
    if code is not None:
        lines += ["    " + line for line in code.strip("\n").splitlines()]
        return "\n".join(lines) + "\n"
    if response is not None:
        lines.append(f"    event['response'].update(json.loads({json.dumps(response)!r}))")
    if output is not None:
        lines.append(f"    return json.loads({json.dumps(output)!r})")
    else:
        lines.append("    return event")
    return "\n".join(lines) + "\n"


def _node(
    response: Any, error: str | None, sleep: float | None, output: Any, code: str | None
) -> str:
    lines = [
        "import { appendFileSync } from 'node:fs';",
        "import { dirname, join } from 'node:path';",
        "import { fileURLToPath } from 'node:url';",
        "",
        "const EVENTS = join(dirname(fileURLToPath(import.meta.url)), 'events.jsonl');",
        "",
        "export const handler = async (event, context) => {",
        "  appendFileSync(EVENTS, JSON.stringify(event) + '\\n');",
    ]
    if sleep:
        lines.append(f"  await new Promise((resolve) => setTimeout(resolve, {int(sleep * 1000)}));")
    if error is not None:
        lines.append(f"  throw new Error({json.dumps(error)});")
    if code is not None:
        lines += ["  " + line for line in code.strip("\n").splitlines()]
        lines.append("};")
        return "\n".join(lines) + "\n"
    if response is not None:
        lines.append(f"  Object.assign(event.response, {json.dumps(response)});")
    if output is not None:
        lines.append(f"  return {json.dumps(output)};")
    else:
        lines.append("  return event;")
    lines.append("};")
    return "\n".join(lines) + "\n"


class Functions:
    def __init__(self, root: Path) -> None:
        self.root = root

    def handler(
        self,
        lang: str,
        name: str,
        *,
        response: Any = None,
        error: str | None = None,
        sleep: float | None = None,
        output: Any = None,
        code: str | None = None,
    ) -> str:
        """Write the handler (replacing any earlier one of that name) and return its ARN."""
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in ("handler.py", "index.mjs", "index.js", "events.jsonl"):
            (folder / old).unlink(missing_ok=True)
        if lang == "python":
            (folder / "handler.py").write_text(_python(response, error, sleep, output, code))
        else:
            (folder / "index.mjs").write_text(_node(response, error, sleep, output, code))
        return arn(name)

    def events(self, name: str) -> list[dict[str, Any]]:
        path = self.root / name / "events.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def event(self, name: str) -> dict[str, Any]:
        """The one event the function received."""
        found = self.events(name)
        assert len(found) == 1, f"{name} received {len(found)} events"
        return found[0]

    def wait_events(self, name: str, count: int = 1, timeout: float = 10) -> list[dict[str, Any]]:
        """For asynchronous triggers (the custom senders): wait until ``count`` arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(name)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{name} received {len(self.events(name))} events, not {count}")


def _updatable() -> set[str]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cognito-idp")
    return set(model.operation_model("UpdateUserPool").input_shape.members) - {"UserPoolId"}


def make_pool(cognito: Any, **kwargs: Any) -> dict[str, Any]:
    """A pool whose ``LambdaConfig`` is set as the issue asks, with UpdateUserPool: the pool is
    created with everything else, then updated with the options UpdateUserPool takes (all of
    them: an omitted one would be reset) plus the LambdaConfig. Returns DescribeUserPool's."""
    from tests.user_helpers import unique

    lambda_config = kwargs.pop("LambdaConfig", None)
    pool = cognito.create_user_pool(PoolName=unique("pool-"), **kwargs)["UserPool"]
    if lambda_config is not None:
        again = {k: v for k, v in kwargs.items() if k in _updatable()}
        cognito.update_user_pool(UserPoolId=pool["Id"], LambdaConfig=lambda_config, **again)
        pool = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
        assert pool["LambdaConfig"]  # the triggers are in place
    return pool
