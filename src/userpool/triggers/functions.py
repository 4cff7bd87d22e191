"""The functions folder: which functions exist, and how each is run.

A function ``<name>`` is, by convention, the folder ``DIR/<name>`` holding ``handler.py``
(Python, function ``handler``) or ``index.mjs`` / ``index.js`` (Node.js, export ``handler``).
``DIR/functions.toml`` may say otherwise, function by function::

    [functions.my-fn]
    path = "some/folder"       # relative to DIR; default <name>
    handler = "app.main"       # "<file stem>.<function or export>", as Lambda's handler setting
    runtime = "python"         # or "nodejs"; default: guessed from the file present
    env = { GREETING = "hi" }  # extra environment variables
    [functions.remote-fn]
    url = "http://127.0.0.1:8080/hook"   # a webhook: the event is POSTed there

Everything is looked up when asked (a stat or two), so functions added while the server runs
are found, and an edited ``functions.toml`` is read again.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger("userpool.triggers")

Kind = Literal["python", "node", "webhook"]

MAPPING_FILE = "functions.toml"
NODE_SUFFIXES = (".mjs", ".js", ".cjs")
# Lambda's own rule for function names (which also keeps names from leaving the folder).
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    kind: Kind
    folder: Path | None
    entry: Path | None  # the handler file
    handler_name: str = "handler"  # Python: the function; Node.js: the export
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None

    @property
    def module(self) -> str:
        """The entry relative to the folder, without its suffix: ``app``, ``src/app``."""
        if self.folder is None or self.entry is None:
            return ""
        relative = self.entry.relative_to(self.folder)
        return relative.with_suffix("").as_posix()

    @property
    def handler(self) -> str:
        """Lambda's handler setting (``_HANDLER``): ``handler.handler``, ``index.handler``."""
        return f"{self.module}.{self.handler_name}"


def function_name(name_or_arn: str) -> str:
    """The bare name in ``name``, ``name:alias``, ``123456789012:function:name`` or
    ``arn:aws:lambda:<region>:<account>:function:<name>[:alias|version]``."""
    parts = name_or_arn.split(":")
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[0]


class Catalog:
    """The functions of one folder, resolved at each ``get``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._mapping_stamp: tuple[int, int] | None = None
        self._mapping: dict[str, dict[str, Any]] = {}

    def get(self, name: str) -> FunctionSpec | None:
        name = function_name(name)
        if not _NAME.fullmatch(name):
            return None
        entry = self.mapping().get(name)
        if entry is not None:
            return _mapped(self.directory, name, entry)
        return _conventional(name, self.directory / name)

    def mapping(self) -> dict[str, dict[str, Any]]:
        """``functions.toml``'s ``[functions.*]`` tables, read again when the file changes."""
        path = self.directory / MAPPING_FILE
        try:
            stat = path.stat()
        except OSError:
            self._mapping_stamp, self._mapping = None, {}
            return self._mapping
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._mapping_stamp:
            self._mapping_stamp, self._mapping = stamp, _read_mapping(path)
        return self._mapping


def _read_mapping(path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("%s ignored: %s", path, exc)
        return {}
    functions = document.get("functions", {})
    if not isinstance(functions, dict):
        log.warning("%s ignored: [functions] is not a table", path)
        return {}
    return {name: table for name, table in functions.items() if isinstance(table, dict)}


def _conventional(name: str, folder: Path) -> FunctionSpec | None:
    if os.path.isfile(folder / "handler.py"):
        return FunctionSpec(name, "python", folder, folder / "handler.py")
    for suffix in (".mjs", ".js"):
        if os.path.isfile(folder / f"index{suffix}"):
            return FunctionSpec(name, "node", folder, folder / f"index{suffix}")
    return None


def _mapped(directory: Path, name: str, table: dict[str, Any]) -> FunctionSpec | None:
    env = {str(key): str(value) for key, value in dict(table.get("env") or {}).items()}
    if table.get("url"):
        return FunctionSpec(name, "webhook", None, None, env=env, url=str(table["url"]))
    folder = directory / str(table.get("path") or name)
    if not folder.is_dir():
        return None
    handler = table.get("handler")
    if handler is None:
        spec = _conventional(name, folder)
        return None if spec is None else FunctionSpec(name, spec.kind, folder, spec.entry, env=env)
    stem, _, export = str(handler).rpartition(".")
    if not stem or not export:
        log.warning("%s: handler %r is not '<file>.<function>'", name, handler)
        return None
    kind = _runtime_kind(str(table.get("runtime") or ""))
    entry = _entry(folder, stem, kind)
    if entry is None:
        return None
    kind = kind or ("python" if entry.suffix == ".py" else "node")
    return FunctionSpec(name, kind, folder, entry, handler_name=export, env=env)


def _runtime_kind(runtime: str) -> Kind | None:
    """``python``, ``python3.12`` → python; ``nodejs``, ``nodejs20.x``, ``node`` → node."""
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("node"):
        return "node"
    return None


def _entry(folder: Path, stem: str, kind: Kind | None) -> Path | None:
    """The handler file for ``stem``: the one present, or (runtime given) the one expected.

    A Python module may be dotted (``pkg.app`` is ``pkg/app.py``), as Lambda allows."""
    python = folder / (stem.replace(".", "/") + ".py")
    nodes = [folder / f"{stem}{suffix}" for suffix in NODE_SUFFIXES]
    if kind == "python":
        return python
    if kind == "node":
        return next((path for path in nodes if path.is_file()), nodes[0])
    return next((path for path in [python, *nodes] if path.is_file()), None)
