"""Input validation against the botocore model, worded the way AWS words it.

AWS reports constraint violations as ``InvalidParameterException`` with a message such as::

    1 validation error detected: Value 'x' at 'emailConfiguration.replyToEmailAddress' failed to
    satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}…]+@[…]+

Member paths are lowerCamelCase (first letter lowered), list members of structures are written
``schema.1.member.name`` (1-based), constraints on scalar list members are reported at the list
with ``Member must satisfy constraint: [...]``. Sensitive values are not echoed
(``Value at 'password' failed …``). A value of the wrong JSON type is a
``SerializationException``, as AWS's JSON front end answers.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from functools import cache
from typing import Any

import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape

from userpool.domain.errors import InvalidParameter, Serialization

_MAX_REPORTED = 10

# Model constraints AWS itself does not apply, by shape name. DomainType's pattern and 63-char
# maximum describe prefix domains only, yet CreateUserPoolDomain and friends accept custom
# domains such as auth.example.com (the operations check both kinds with AWS's own messages).
NOT_ENFORCED: dict[str, frozenset[str]] = {"DomainType": frozenset({"pattern", "max"})}


@cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.V0)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _render(value: Any) -> str:
    """Java's toString() of the value, as Coral prints it inside the quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def _scalar_problems(shape: Shape, value: Any) -> Iterator[str]:
    """Constraint texts violated by a scalar (string / number) value."""
    meta = shape.metadata
    skipped = NOT_ENFORCED.get(shape.name)
    if skipped:
        meta = {k: v for k, v in meta.items() if k not in skipped}
    if shape.type_name == "string":
        if "min" in meta and len(value) < meta["min"]:
            yield f"Member must have length greater than or equal to {meta['min']}"
        if "max" in meta and len(value) > meta["max"]:
            yield f"Member must have length less than or equal to {meta['max']}"
        if "pattern" in meta and not _compiled(meta["pattern"]).fullmatch(value):
            yield f"Member must satisfy regular expression pattern: {meta['pattern']}"
        if shape.enum and value not in shape.enum:
            yield "Member must satisfy enum value set: [" + ", ".join(shape.enum) + "]"
    elif shape.type_name in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            yield f"Member must have value greater than or equal to {meta['min']}"
        if "max" in meta and value > meta["max"]:
            yield f"Member must have value less than or equal to {meta['max']}"
    elif shape.type_name == "blob":
        size = len(value)
        if "min" in meta and size < meta["min"]:
            yield f"Member must have length greater than or equal to {meta['min']}"
        if "max" in meta and size > meta["max"]:
            yield f"Member must have length less than or equal to {meta['max']}"


def _size_problems(shape: Shape, size: int) -> Iterator[str]:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        yield f"Member must have length greater than or equal to {meta['min']}"
    if "max" in meta and size > meta["max"]:
        yield f"Member must have length less than or equal to {meta['max']}"


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (int, float, str),
    "blob": (str,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


class _Walker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, value: Any, shape: Shape, problem: str) -> None:
        shown = "" if shape.metadata.get("sensitive") else f" '{_render(value)}'"
        self.errors.append(f"Value{shown} at '{path}' failed to satisfy constraint: {problem}")

    def check_type(self, shape: Shape, value: Any, path: str) -> Any:
        expected = _JSON_TYPES[shape.type_name]
        wrong = not isinstance(value, expected) or (
            shape.type_name in ("integer", "long") and isinstance(value, bool)
        )
        if wrong:
            raise Serialization(f"Unexpected value type for '{path}': expected {shape.type_name}")
        if shape.type_name == "blob":
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise Serialization(f"Value at '{path}' is not valid base64") from None
        return value

    def walk(self, shape: Shape, value: Any, path: str) -> None:
        value = self.check_type(shape, value, path)
        if isinstance(shape, StructureShape):
            self.walk_structure(shape, value, path)
        elif isinstance(shape, ListShape):
            self.walk_list(shape, value, path)
        elif isinstance(shape, MapShape):
            self.walk_map(shape, value, path)
        else:
            for problem in _scalar_problems(shape, value):
                self.fail(path, value, shape, problem)

    def walk_structure(self, shape: StructureShape, value: dict[str, Any], path: str) -> None:
        prefix = f"{path}." if path else ""
        required = shape.required_members
        for name, member in shape.members.items():
            item = value.get(name)
            member_path = prefix + _camel(name)
            if item is None:
                if name in required:
                    self.errors.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                continue
            self.walk(member, item, member_path)

    def walk_list(self, shape: ListShape, value: list[Any], path: str) -> None:
        for problem in _size_problems(shape, len(value)):
            self.fail(path, value, shape, problem)
        member = shape.member
        if isinstance(member, (StructureShape, ListShape, MapShape)):
            for index, item in enumerate(value, start=1):
                if item is not None:
                    self.walk(member, item, f"{path}.{index}.member")
            return
        problems: list[str] = []
        for item in value:
            if item is None:
                continue
            self.check_type(member, item, path)
            for problem in _scalar_problems(member, item):
                if problem not in problems:
                    problems.append(problem)
        if problems:
            self.fail(
                path, value, member, "Member must satisfy constraint: [" + ", ".join(problems) + "]"
            )

    def walk_map(self, shape: MapShape, value: dict[str, Any], path: str) -> None:
        for problem in _size_problems(shape, len(value)):
            self.fail(path, value, shape, problem)
        key_problems: list[str] = []
        value_problems: list[str] = []
        for key, item in value.items():
            for problem in _scalar_problems(shape.key, key):
                if problem not in key_problems:
                    key_problems.append(problem)
            if item is None:
                continue
            if isinstance(shape.value, (StructureShape, ListShape, MapShape)):
                self.walk(shape.value, item, f"{path}.{key}")
                continue
            self.check_type(shape.value, item, path)
            for problem in _scalar_problems(shape.value, item):
                if problem not in value_problems:
                    value_problems.append(problem)
        if key_problems:
            self.fail(
                path,
                value,
                shape,
                "Map keys must satisfy constraint: [" + ", ".join(key_problems) + "]",
            )
        if value_problems:
            self.fail(
                path,
                value,
                shape,
                "Map value must satisfy constraint: [" + ", ".join(value_problems) + "]",
            )


def validation_errors(shape: StructureShape | None, params: dict[str, Any]) -> list[str]:
    """Every constraint violation in ``params`` (AWS's wording, model order)."""
    if shape is None:
        return []
    walker = _Walker()
    walker.walk_structure(shape, params, "")
    return walker.errors


def validation_message(errors: list[str]) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors[:_MAX_REPORTED])


def validate(shape: StructureShape | None, params: dict[str, Any]) -> None:
    """Raise ``InvalidParameterException`` with AWS's message when ``params`` break the model."""
    errors = validation_errors(shape, params)
    if errors:
        raise InvalidParameter(validation_message(errors))
