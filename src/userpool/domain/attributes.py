"""User attributes and usernames: the rules AWS applies when users are created and changed.

A pool is DescribeUserPool's ``UserPool`` dict; a user's attributes are ``dict[str, str]``.
Requests carry attributes as ``[{"Name": ..., "Value": ...}]``.

Messages, with sources:
- Schema problems are reported together, one line each, every line ending in a newline.
  On SignUp (and AdminCreateUser) the lines follow "Attributes did not conform to the schema: ":
  "Attributes did not conform to the schema: custom:firstName: Attribute does not exist in the
  schema.\\ncustom:lastName: Attribute does not exist in the schema.\\n"
  ([GH:aws-amplify/amplify-flutter#509]) and "given_name: The attribute is required." lines
  (a captured SignUp error). On the update operations each line is "user.<name>: ...":
  "user.update_email: Attribute does not exist in the schema.\\n" (a captured
  UpdateUserAttributes response) and "user.email: Attribute cannot be updated." for an
  immutable attribute ([GH:aws-amplify/amplify-swift#3981], [GH:aws-amplify/amplify-js#3526]).
- "Cannot modify the non-mutable attribute sub" (AdminCreateUser given ``sub``) and the same
  text for ``email_verified`` / ``phone_number_verified`` sent by a public operation (observed
  with RespondToAuthChallenge; widely quoted in client code).
- "Invalid email address format." and "Invalid phone number format."
  ([GH:amazon-archives/amazon-cognito-identity-js#316], [GH:aws-amplify/amplify-js#5313]).
- "A client attempted to write unauthorized attribute" (NotAuthorizedException) for a write
  outside the app client's ``WriteAttributes`` or to a ``dev:`` attribute from a public
  operation (the model: developer-only attributes "are read-only to all app clients").
- Usernames: "Username should be either an email or a phone number." / "Username should be an
  email." / "Username should be a phone number." (all three quoted in client code; moto asserts
  the first), and "Username cannot be of email format, since user pool is configured for email
  alias." (widely quoted). The phone-number variant of the alias message is by analogy.
- Type and length texts for String/Number/Boolean/DateTime values are OUR wording: no AWS
  response has been found for them. They use the same line format.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from userpool.domain.errors import InvalidParameter, NotAuthorized

Pool = dict[str, Any]
AttributeList = list[dict[str, Any]]

VERIFIED_FLAG: dict[str, str] = {"email": "email_verified", "phone_number": "phone_number_verified"}
VERIFICATION_FLAGS: frozenset[str] = frozenset(VERIFIED_FLAG.values())
MAX_VALUE_BYTES = 2048  # [DG:quotas] "2,048 bytes per attribute value"

SCHEMA_PREFIX = "Attributes did not conform to the schema: "
NOT_IN_SCHEMA = "Attribute does not exist in the schema."
REQUIRED = "The attribute is required."
CANNOT_UPDATE = "Attribute cannot be updated."
UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"
INVALID_EMAIL = "Invalid email address format."
INVALID_PHONE = "Invalid phone number format."

# AWS doesn't publish its email check. We accept one "@" with something on both sides and no
# whitespace, which rejects what AWS is reported to reject ("asdfasdf") without refusing
# unusual-but-valid addresses.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# E.164: "+", a country code that doesn't start with 0, at most 15 digits in all; only "+" and
# digits ([DG:user-pool-settings-attributes]: "A phone number can only contain the + sign and
# digits").
_PHONE = re.compile(r"\+[1-9][0-9]{1,14}")


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def is_phone(value: str) -> bool:
    return _PHONE.fullmatch(value) is not None


# --- the schema --------------------------------------------------------------------------------


_FLAG_SCHEMA = {"AttributeDataType": "Boolean", "Mutable": True, "Required": False,
                "DeveloperOnlyAttribute": False}


def schema_by_name(pool: Pool) -> dict[str, dict[str, Any]]:
    """The pool's schema attributes by name. ``email_verified`` and ``phone_number_verified``
    are always present (DescribeUserPool lists them; they can't be configured)."""
    schema = {flag: {"Name": flag, **_FLAG_SCHEMA} for flag in sorted(VERIFICATION_FLAGS)}
    schema.update({a["Name"]: a for a in pool.get("SchemaAttributes") or []})
    return schema


def required_names(pool: Pool) -> list[str]:
    """Required attributes a user must supply (``sub`` is generated, never supplied)."""
    return [a["Name"] for a in pool.get("SchemaAttributes") or []
            if a.get("Required") and a["Name"] != "sub"]


def missing_required(pool: Pool, attrs: dict[str, str]) -> list[str]:
    """Required attributes `attrs` lacks: what NEW_PASSWORD_REQUIRED's ``requiredAttributes``
    asks for after AdminCreateUser (which doesn't enforce them, see below)."""
    return [name for name in required_names(pool) if not attrs.get(name)]


# --- creating users ----------------------------------------------------------------------------


def attributes_for_sign_up(
    pool: Pool, attrs: AttributeList | None, *, write_attributes: list[str] | None = None
) -> dict[str, str]:
    """SignUp's attributes as stored. A public operation: no ``sub``, no ``*_verified``, no
    ``dev:`` attributes, and (when the client restricts them) only `write_attributes`.
    Required attributes must be present; blank values count as absent."""
    return _for_create(pool, attrs, admin=False, write_attributes=write_attributes,
                       enforce_required=True)


def attributes_for_admin_create(pool: Pool, attrs: AttributeList | None) -> dict[str, str]:
    """AdminCreateUser's attributes as stored. Admins may set ``email_verified`` /
    ``phone_number_verified`` and developer-only attributes.

    Required attributes are NOT enforced: the model says required attributes are supplied
    either in AdminCreateUser "or the user should supply [them] (when they sign up in response
    to your welcome message)", which happens in the NEW_PASSWORD_REQUIRED challenge (see
    `missing_required`)."""
    return _for_create(pool, attrs, admin=True, write_attributes=None, enforce_required=False)


def _for_create(pool: Pool, attrs: AttributeList | None, *, admin: bool,
                write_attributes: list[str] | None, enforce_required: bool) -> dict[str, str]:
    schema = schema_by_name(pool)
    changes = _as_pairs(attrs)
    problems: list[tuple[str, str]] = []
    result: dict[str, str] = {}
    for name, value in changes:
        _check_writable(name, admin=admin, write_attributes=write_attributes)
        attribute = schema.get(name)
        if attribute is None:
            problems.append((name, NOT_IN_SCHEMA))
            continue
        if value == "":
            result.pop(name, None)
            continue
        problem = _type_problem(attribute, value)
        if problem:
            problems.append((name, problem))
        else:
            result[name] = _stored_value(attribute, value)
    if enforce_required:
        problems += [(name, REQUIRED) for name in missing_required(pool, result)]
    if problems:
        raise InvalidParameter(SCHEMA_PREFIX + "".join(f"{n}: {p}\n" for n, p in problems))
    _check_formats(result)
    return result


# --- changing users ----------------------------------------------------------------------------


def attributes_for_update(
    pool: Pool,
    current: dict[str, str],
    changes: AttributeList | None,
    *,
    admin: bool,
    write_attributes: list[str] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """(Admin)UpdateUserAttributes: the user's new attributes and the names (``email``,
    ``phone_number``) whose value changed and so became unverified.

    - A blank value deletes the attribute; required attributes can't be deleted.
    - Immutable attributes can't be written after creation, even if the user never had one
      (observed: "Attribute cannot be updated" for an unset immutable custom attribute).
      Sending an immutable attribute's current value unchanged is accepted as a no-op (AWS's
      behaviour there is unknown; refusing a no-op would break clients that echo attributes).
    - Changing ``email``/``phone_number`` sets its ``*_verified`` flag to "false" and lists it
      in the returned names, unless an admin call sets that flag to "true" in the same request
      (then the new value is verified and no code is sent). Deleting ``email``/``phone_number``
      drops its flag and is not listed (there is nothing to verify).

    ``AttributesRequireVerificationBeforeUpdate`` is the caller's: for each returned name in
    the pool's list, if the user's current value is verified, the stored value must stay the
    old one until the new one is verified. `split_pending` does that split.
    """
    schema = schema_by_name(pool)
    pairs = _as_pairs(changes)
    problems: list[tuple[str, str]] = []
    result = dict(current)
    for name, value in pairs:
        _check_writable(name, admin=admin, write_attributes=write_attributes)
        problem = _update_problem(schema.get(name), current.get(name), value)
        if problem:
            problems.append((name, problem))
        elif value == "":
            result.pop(name, None)
        else:
            result[name] = _stored_value(schema[name], value)
    _raise_update_problems(problems)
    _check_formats({name: result[name] for name, value in pairs if value and name in result})
    return _reset_verification(current, result, dict(pairs), admin=admin)


def attributes_after_delete(
    pool: Pool, current: dict[str, str], names: list[str], *, admin: bool = True
) -> dict[str, str]:
    """(Admin)DeleteUserAttributes: the user's attributes without `names`. Required and
    immutable attributes can't be deleted; deleting ``email``/``phone_number`` also drops its
    ``*_verified`` flag. Schema attributes the user doesn't have are ignored; names not in the
    schema are refused like an update's."""
    schema = schema_by_name(pool)
    problems: list[tuple[str, str]] = []
    result = dict(current)
    for name in names:
        _check_writable(name, admin=admin, write_attributes=None)
        problem = _update_problem(schema.get(name), current.get(name), "")
        if problem:
            problems.append((name, problem))
            continue
        result.pop(name, None)
        if name in VERIFIED_FLAG:
            result.pop(VERIFIED_FLAG[name], None)
    _raise_update_problems(problems)
    return result


def split_pending(
    pool: Pool, current: dict[str, str], new: dict[str, str], unverified: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Apply ``AttributesRequireVerificationBeforeUpdate``: (attributes to store now, pending
    values awaiting verification). An attribute in the pool's list whose current value is
    verified keeps its old value and flag; the new value becomes pending. Otherwise the new
    value applies at once, unverified ([DG:user-pool-settings-email-phone-verification])."""
    settings = pool.get("UserAttributeUpdateSettings") or {}
    guarded = set(settings.get("AttributesRequireVerificationBeforeUpdate") or [])
    stored, pending = dict(new), {}
    for name in unverified:
        flag = VERIFIED_FLAG[name]
        if name in guarded and current.get(name) and current.get(flag) == "true":
            pending[name] = new[name]
            stored[name] = current[name]
            stored[flag] = "true"
    return stored, pending


def readable(attrs: dict[str, str], read_attributes: list[str] | None) -> dict[str, str]:
    """The attributes an app client may read: all of them when it sets no ``ReadAttributes``;
    otherwise those listed, plus ``sub``, which Cognito always returns."""
    if read_attributes is None:
        return dict(attrs)
    allowed = set(read_attributes) | {"sub"}
    return {name: value for name, value in attrs.items() if name in allowed}


# --- usernames ---------------------------------------------------------------------------------


def check_username(pool: Pool, username: str) -> None:
    """AWS's username rules beyond the model's pattern (which already forbids whitespace).

    - ``UsernameAttributes`` (sign in by email and/or phone): the username must be an email
      or phone number of an allowed kind.
    - ``AliasAttributes`` with ``email`` / ``phone_number``: the username must not look like
      one, so that it can't collide with another user's alias.
    """
    allowed = list(pool.get("UsernameAttributes") or [])
    if allowed:
        if username_attribute(pool, username) is None:
            raise InvalidParameter(_username_kind_message(allowed))
        return
    aliases = pool.get("AliasAttributes") or []
    if "email" in aliases and is_email(username):
        raise InvalidParameter(
            "Username cannot be of email format, since user pool is configured for email alias."
        )
    if "phone_number" in aliases and is_phone(username):
        raise InvalidParameter(
            "Username cannot be of phone number format, since user pool is configured for "
            "phone_number alias."
        )


def username_attribute(pool: Pool, username: str) -> str | None:
    """In a pool with ``UsernameAttributes``: the attribute (``email`` or ``phone_number``)
    the given username is a value of, or None if it is neither allowed kind. The user is then
    stored under a generated username (the ``sub``) with this attribute set."""
    allowed = pool.get("UsernameAttributes") or []
    if "email" in allowed and is_email(username):
        return "email"
    if "phone_number" in allowed and is_phone(username):
        return "phone_number"
    return None


def lookup_key(pool: Pool, username: str) -> str:
    """The key a username (or alias) is stored and looked up under: lowercased when the pool
    has ``UsernameConfiguration.CaseSensitive`` false. Pools without the setting are
    case-sensitive (the model: true "is the default value")."""
    configuration = pool.get("UsernameConfiguration") or {}
    if configuration.get("CaseSensitive", True) is False:
        return username.lower()
    return username


def _username_kind_message(allowed: list[str]) -> str:
    if "email" in allowed and "phone_number" in allowed:
        return "Username should be either an email or a phone number."
    if "email" in allowed:
        return "Username should be an email."
    return "Username should be a phone number."


# --- shared checks -----------------------------------------------------------------------------


def _as_pairs(attrs: AttributeList | None) -> list[tuple[str, str]]:
    """(name, value) pairs, a missing value read as blank; a repeated name keeps its last
    value, at the position of its last occurrence."""
    last: dict[str, str] = {}
    for item in attrs or []:
        last.pop(item["Name"], None)
        last[item["Name"]] = item.get("Value") or ""
    return list(last.items())


def _check_writable(name: str, *, admin: bool, write_attributes: list[str] | None) -> None:
    if name == "sub" or (not admin and name in VERIFICATION_FLAGS):
        raise InvalidParameter(f"Cannot modify the non-mutable attribute {name}")
    if admin:
        return
    if name.startswith("dev:") or (write_attributes is not None and name not in write_attributes):
        raise NotAuthorized(UNAUTHORIZED_WRITE)


def _update_problem(attribute: dict[str, Any] | None, old: str | None, value: str) -> str | None:
    if attribute is None:
        return NOT_IN_SCHEMA
    if not attribute.get("Mutable", True) and value != (old or ""):
        return CANNOT_UPDATE
    if value == "":
        return REQUIRED if attribute.get("Required") and old else None
    return _type_problem(attribute, value)


def _raise_update_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidParameter("".join(f"user.{name}: {problem}\n" for name, problem in problems))


def _check_formats(values: dict[str, str]) -> None:
    if "email" in values and not is_email(values["email"]):
        raise InvalidParameter(INVALID_EMAIL)
    if "phone_number" in values and not is_phone(values["phone_number"]):
        raise InvalidParameter(INVALID_PHONE)


def _reset_verification(
    current: dict[str, str], result: dict[str, str], sent: dict[str, str], *, admin: bool
) -> tuple[dict[str, str], list[str]]:
    unverified: list[str] = []
    for name, flag in VERIFIED_FLAG.items():
        if name not in sent or result.get(name) == current.get(name):
            continue
        if name not in result:
            result.pop(flag, None)
        elif admin and sent.get(flag) == "true":
            result[flag] = "true"
        else:
            result[flag] = "false"
            unverified.append(name)
    return result, unverified


def _type_problem(attribute: dict[str, Any], value: str) -> str | None:
    if len(value.encode("utf-8")) > MAX_VALUE_BYTES:
        return f"Attribute value must be no longer than {MAX_VALUE_BYTES} bytes."
    data_type = attribute.get("AttributeDataType", "String")
    if data_type == "Number":
        return _number_problem(attribute.get("NumberAttributeConstraints") or {}, value)
    if data_type == "Boolean":
        if value.lower() not in ("true", "false"):
            return "Boolean value must be true or false."
        return None
    if data_type == "DateTime":
        return None if _is_datetime(value) else "DateTime value must be an ISO 8601 date-time."
    return _string_problem(attribute.get("StringAttributeConstraints") or {}, value)


def _string_problem(constraints: dict[str, Any], value: str) -> str | None:
    low = int(constraints.get("MinLength") or 0)
    high = int(constraints.get("MaxLength") or MAX_VALUE_BYTES)
    if not low <= len(value) <= high:
        return f"String value must be between {low} and {high} characters long."
    return None


def _number_problem(constraints: dict[str, Any], value: str) -> str | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "Number value must be a number."
    if not number.is_finite():
        return "Number value must be a number."
    low, high = constraints.get("MinValue"), constraints.get("MaxValue")
    if (low not in (None, "") and number < Decimal(low)) or (
        high not in (None, "") and number > Decimal(high)
    ):
        return f"Number value must be between {low or '-'} and {high or '-'}."
    return None


def _is_datetime(value: str) -> bool:
    # AWS doesn't document the accepted DateTime format; ISO 8601 (with "Z") is the lenient
    # reading that every client serialiser produces.
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _stored_value(attribute: dict[str, Any], value: str) -> str:
    # Boolean values are stored in the lowercase form Cognito returns ("true"/"false").
    return value.lower() if attribute.get("AttributeDataType") == "Boolean" else value
