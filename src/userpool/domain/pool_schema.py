"""The attribute schema of a pool: CreateUserPool's `Schema` and AddCustomAttributes.

Messages quoted from AWS where known:
- "You can not change AttributeDataType or set developerOnlyAttribute for standard schema
  attribute <name>" (a real AWS error quoted in a Terraform config comment; moto asserts the
  same text).
- "custom:<name>: Existing attribute already has name <stored name>." and "Required custom
  attributes are not supported currently." (moto's tests, written against AWS's responses).
- "user.<name>: String attributes cannot have a length of more than 2048", "user.<name>: Max
  length cannot be less than min length." (moto). The 50-attribute limit message is ours.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import pool_defaults as defaults
from userpool.domain.errors import InvalidParameter

_CUSTOM_PREFIXES = ("dev:custom:", "custom:", "dev:")


def build_schema(requested: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The pool's SchemaAttributes: the standard list with the request's changes, then customs."""
    schema = defaults.standard_schema()
    by_name = {attribute["Name"]: attribute for attribute in schema}
    seen: set[str] = set()
    customs: list[dict[str, Any]] = []
    for item in requested or []:
        name = item["Name"]
        if name in defaults.STANDARD_ATTRIBUTE_NAMES:
            if name in seen:
                raise InvalidParameter(f"{name}: Existing attribute already has name {name}.")
            seen.add(name)
            _customise_standard(by_name[name], item)
        else:
            customs = _append_custom(schema + customs, customs, item)
    _check_custom_limit(customs)
    return schema + customs


def add_custom_attributes(
    schema: list[dict[str, Any]], attributes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A new SchemaAttributes list with `attributes` appended as custom attributes."""
    added: list[dict[str, Any]] = []
    for item in attributes:
        added = _append_custom(schema + added, added, item)
    _check_custom_limit([a for a in schema + added if _is_custom(a["Name"])])
    return [dict(a) for a in schema] + added


def _customise_standard(attribute: dict[str, Any], item: dict[str, Any]) -> None:
    name = attribute["Name"]
    data_type = item.get("AttributeDataType")
    if (data_type and data_type != attribute["AttributeDataType"]) or item.get(
        "DeveloperOnlyAttribute"
    ):
        raise InvalidParameter(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            f"schema attribute {name}"
        )
    for key in ("Mutable", "Required"):
        if key in item:
            attribute[key] = item[key]
    _apply_constraints(attribute, item, name)


def _append_custom(
    existing: list[dict[str, Any]], added: list[dict[str, Any]], item: dict[str, Any]
) -> list[dict[str, Any]]:
    base = _base_name(item["Name"])
    stored = ("dev:custom:" if item.get("DeveloperOnlyAttribute") else "custom:") + base
    if any(a["Name"] == stored for a in existing):
        raise InvalidParameter(f"custom:{base}: Existing attribute already has name {stored}.")
    if item.get("Required"):
        raise InvalidParameter("Required custom attributes are not supported currently.")
    data_type = item.get("AttributeDataType", "String")
    attribute: dict[str, Any] = {
        "Name": stored,
        "AttributeDataType": data_type,
        "DeveloperOnlyAttribute": bool(item.get("DeveloperOnlyAttribute", False)),
        "Mutable": bool(item.get("Mutable", True)),
        "Required": False,
    }
    # AWS lists an empty constraints object for custom String/Number attributes without limits
    # (moto mirrors this); Boolean and DateTime carry none.
    if data_type == "String":
        attribute["StringAttributeConstraints"] = {}
    elif data_type == "Number":
        attribute["NumberAttributeConstraints"] = {}
    _apply_constraints(attribute, item, stored)
    return [*added, attribute]


def _apply_constraints(attribute: dict[str, Any], item: dict[str, Any], name: str) -> None:
    data_type = attribute["AttributeDataType"]
    if data_type == "String" and item.get("StringAttributeConstraints") is not None:
        attribute["StringAttributeConstraints"] = _string_constraints(
            item["StringAttributeConstraints"], name
        )
    elif data_type == "Number" and item.get("NumberAttributeConstraints") is not None:
        attribute["NumberAttributeConstraints"] = _number_constraints(
            item["NumberAttributeConstraints"], name
        )


def _string_constraints(given: dict[str, Any], name: str) -> dict[str, str]:
    limits = {k: _integer(v, name, "StringAttributeConstraints") for k, v in given.items()
              if k in ("MinLength", "MaxLength") and v is not None}
    if any(v < 0 for v in limits.values()):
        raise InvalidParameter(f"Invalid StringAttributeConstraints for schema attribute {name}")
    if any(v > defaults.STRING_ATTRIBUTE_MAX_LENGTH for v in limits.values()):
        raise InvalidParameter(
            f"user.{name}: String attributes cannot have a length of more than 2048"
        )
    if limits.get("MinLength", 0) > limits.get("MaxLength", defaults.STRING_ATTRIBUTE_MAX_LENGTH):
        raise InvalidParameter(f"user.{name}: Max length cannot be less than min length.")
    return {k: str(v) for k, v in limits.items()}


def _number_constraints(given: dict[str, Any], name: str) -> dict[str, str]:
    limits = {k: _integer(v, name, "NumberAttributeConstraints") for k, v in given.items()
              if k in ("MinValue", "MaxValue") and v is not None}
    if "MinValue" in limits and "MaxValue" in limits and limits["MinValue"] > limits["MaxValue"]:
        raise InvalidParameter(f"user.{name}: Max value cannot be less than min value.")
    return {k: str(v) for k, v in limits.items()}


def _integer(value: str, name: str, kind: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidParameter(f"Invalid {kind} for schema attribute {name}") from None


def _base_name(name: str) -> str:
    for prefix in _CUSTOM_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _is_custom(name: str) -> bool:
    return name.startswith(("custom:", "dev:"))


def _check_custom_limit(customs: list[dict[str, Any]]) -> None:
    if len(customs) > defaults.CUSTOM_ATTRIBUTE_LIMIT:
        # AWS's wording for this limit is unknown; the limit itself is in [DG:quotas].
        raise InvalidParameter(
            f"A user pool can have at most {defaults.CUSTOM_ATTRIBUTE_LIMIT} custom attributes."
        )
