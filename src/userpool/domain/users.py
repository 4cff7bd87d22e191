"""A user as Cognito models it: the stored document and the views the operations return.

The document is AdminGetUser-shaped (``Username``, ``Attributes`` as a name → string dict,
``UserStatus``, ``Enabled``, dates) plus private keys: ``_Key`` (lookup form of the username),
``_PasswordHash``, ``_Srp`` (encrypted verifier), ``_History`` (previous password hashes),
``_Pending`` (attribute values awaiting verification), ``_TempPasswordExpiresAt``.
"""

from __future__ import annotations

import uuid
from typing import Any

from userpool.domain.errors import NotAuthorized

User = dict[str, Any]

# Statuses (UserStatusType).
UNCONFIRMED = "UNCONFIRMED"
CONFIRMED = "CONFIRMED"
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
RESET_REQUIRED = "RESET_REQUIRED"
EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"

# What ListUsers can search, and the attribute each reads.
SEARCHABLE = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)

SIGN_IN_ATTRIBUTES = ("email", "phone_number", "preferred_username")


def new_sub() -> str:
    return str(uuid.uuid4())


def new_user(
    *, username: str, key: str, attributes: dict[str, str], status: str, now: float
) -> User:
    attrs = {"sub": attributes.get("sub") or new_sub(), **attributes}
    return {
        "_Key": key,
        "Username": username,
        "Attributes": attrs,
        "UserStatus": status,
        "Enabled": True,
        "UserCreateDate": now,
        "UserLastModifiedDate": now,
    }


def attribute_list(
    attributes: dict[str, str], only: list[str] | None = None
) -> list[dict[str, str]]:
    """AWS's ``[{"Name": …, "Value": …}]``, ``sub`` first as AWS lists it."""
    names = sorted(attributes, key=lambda name: (name != "sub", name))
    if only is not None:
        wanted = set(only)
        names = [name for name in names if name in wanted]
    return [{"Name": name, "Value": attributes[name]} for name in names]


def admin_view(user: User) -> dict[str, Any]:
    """AdminGetUserResponse."""
    view: dict[str, Any] = {
        "Username": user["Username"],
        "UserAttributes": attribute_list(user["Attributes"]),
        "UserCreateDate": user["UserCreateDate"],
        "UserLastModifiedDate": user["UserLastModifiedDate"],
        "Enabled": user["Enabled"],
        "UserStatus": user["UserStatus"],
    }
    for key in ("MFAOptions", "PreferredMfaSetting", "UserMFASettingList"):
        if user.get(key):
            view[key] = user[key]
    return view


def list_view(user: User, attributes_to_get: list[str] | None = None) -> dict[str, Any]:
    """UserType, as ListUsers / ListUsersInGroup / AdminCreateUser return it."""
    view: dict[str, Any] = {
        "Username": user["Username"],
        "Attributes": attribute_list(user["Attributes"], attributes_to_get),
        "UserCreateDate": user["UserCreateDate"],
        "UserLastModifiedDate": user["UserLastModifiedDate"],
        "Enabled": user["Enabled"],
        "UserStatus": user["UserStatus"],
    }
    if user.get("MFAOptions"):
        view["MFAOptions"] = user["MFAOptions"]
    return view


def searchable_values(user: User) -> dict[str, str]:
    """The raw value of every searchable attribute the user has (ListUsers' index)."""
    attrs = user["Attributes"]
    values = {
        "username": user["Username"],
        "cognito:user_status": user["UserStatus"],
        "status": "Enabled" if user["Enabled"] else "Disabled",
    }
    for name in SEARCHABLE:
        if name in attrs:
            values[name] = attrs[name]
    return values


def verified(user: User, attribute: str) -> bool:
    return user["Attributes"].get(f"{attribute}_verified") == "true"


def touch(user: User, now: float) -> User:
    user["UserLastModifiedDate"] = now
    return user


def require_enabled(user: User) -> None:
    if not user["Enabled"]:
        raise NotAuthorized("User is disabled.")


def check_status_for_confirm(user: User) -> None:
    if user["UserStatus"] != UNCONFIRMED:
        raise NotAuthorized(f"User cannot be confirmed. Current status is {user['UserStatus']}")


def generated_username() -> str:
    """The internal username of users of email/phone-username pools (sub-like, as AWS)."""
    return new_sub()
