"""The user import CSV file: its header and its rows, checked as Cognito documents them.

Sources ([DG:cognito-user-pools-using-import-tool-csv-header], the developer guide page
"Creating the user import CSV file"):
- GetCSVHeader lists the pool's schema attributes in schema order without ``sub`` (custom
  attributes after the standard ones), then ``cognito:mfa_enabled`` and ``cognito:username``.
- "All columns in the header must be present"; the order of columns doesn't matter.
- Required: ``cognito:username`` (unique, no spaces or tabs), ``cognito:mfa_enabled`` (true when
  the pool's MFA is ON, false when it is OFF, either when OPTIONAL, never empty),
  ``email``/``phone_number`` when their ``*_verified`` flag is true, and the pool's required
  attributes.
- At least one of the pool's auto-verified attributes must be verified for each user; a pool
  without auto-verified attributes can't run an import.
- Values are not quoted, a comma inside a value is escaped with a backslash, leading and
  trailing white space is trimmed, rows are at most 16,000 characters, UTF-8 without BOM.
  We also accept RFC 4180 quoting and a BOM: rejecting them helps nobody.
- Imported users are RESET_REQUIRED, with no password; their creation date is the import time.
- Per-row results ([DG:cognito-user-pools-using-import-tool-cloudwatch]): "[SUCCEEDED] Line
  Number 5956 - The import succeeded.", "[SKIPPED] ... - The user already exists.", "[FAILED] ...
  - The User Record does not set any of the auto verified attributes to true. (Example:
  email_verified to true)." A row that doesn't match the schema fails; the job goes on.
Other failure texts below are our wording.
"""

from __future__ import annotations

import csv
import io
import random
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from userpool.domain import attributes, users
from userpool.domain.errors import InvalidParameter
from userpool.operations.user_support import alias_kinds, alias_value, index_entries

USERNAME = "cognito:username"
MFA_ENABLED = "cognito:mfa_enabled"
MAX_ROW_CHARS = 16_000
MAX_ROWS = 500_000  # per file through the API; `userpool import` has no such limit
MAX_BYTES = 100 * 1024 * 1024

ALREADY_EXISTS = "The user already exists."
NOT_AUTO_VERIFIED = (
    "The User Record does not set any of the auto verified attributes to true. "
    "(Example: email_verified to true)."
)
_USERNAME_PATTERN = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")  # the model's: no white space


_random = random.Random()  # seeded from os.urandom; one getrandom(2) per sub costs ~100 µs here


def ordered_sub() -> str:
    """A version-4-format UUID whose first 48 bits are the time in milliseconds (the rest, but
    the version and variant bits, random): the users imported together sit side by side in the
    ``sub`` indexes, so a million inserts append to them instead of touching random pages.
    ``sub`` is an identifier, not a secret; 74 random bits keep it unguessable."""
    high = (int(time.time() * 1000) & (1 << 48) - 1) << 80
    return str(uuid.UUID(int=high | _random.getrandbits(80), version=4))


class HeaderError(ValueError):
    """The header doesn't fit the pool: the whole job fails."""


def csv_header(pool: dict[str, Any]) -> list[str]:
    """GetCSVHeader's list for ``pool``."""
    names = [a["Name"] for a in pool.get("SchemaAttributes") or [] if a["Name"] != "sub"]
    return [*names, MFA_ENABLED, USERNAME]


def reader(text: Iterable[str]) -> Iterator[list[str]]:
    """CSV records: commas separate, a backslash escapes the next character, quotes allowed."""
    return csv.reader(text, escapechar="\\", strict=False)


def decode(data: bytes) -> io.StringIO:
    """The uploaded bytes as text (UTF-8; a BOM is dropped); UnicodeDecodeError if not UTF-8."""
    return io.StringIO(data.decode("utf-8-sig"), newline="")


@dataclass
class Prepared:
    """A row ready to insert."""

    line: int
    user: dict[str, Any]
    index: dict[str, str]
    aliases: dict[str, str]  # sign-in names to claim: kind -> value
    username_aliases: bool  # the aliases are usernames (UsernameAttributes pools)


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class RowChecker:
    """Turns CSV rows into users of ``pool``; built once per file from its header."""

    pool: dict[str, Any]
    header: list[str]
    columns: list[str] = field(init=False)
    _mfa: str = field(init=False)
    _auto: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = check_header(self.pool, self.header)
        self._mfa = self.pool.get("MfaConfiguration") or "OFF"
        self._auto = check_pool(self.pool)
        self._kinds, self._are_usernames = alias_kinds(self.pool)

    def check(self, values: list[str], line: int, now: float) -> Prepared | Rejected:
        try:
            return self._check(values, line, now)
        except InvalidParameter as exc:
            return Rejected(line, exc.message.strip())

    def _check(self, values: list[str], line: int, now: float) -> Prepared | Rejected:
        if len(values) != len(self.columns):
            return Rejected(
                line, f"The row has {len(values)} values; the header has {len(self.columns)}."
            )
        if sum(len(v) for v in values) + len(values) - 1 > MAX_ROW_CHARS:
            return Rejected(line, f"The row is longer than {MAX_ROW_CHARS} characters.")
        row = {name: value.strip() for name, value in zip(self.columns, values, strict=True)}
        username = row.pop(USERNAME)
        mfa = row.pop(MFA_ENABLED).lower()
        problem = self._username_problem(username) or self._mfa_problem(mfa)
        if problem:
            return Rejected(line, problem)
        pairs = [{"Name": n, "Value": v} for n, v in row.items() if v]
        attrs = attributes.attributes_for_admin_create(self.pool, pairs)
        attrs["sub"] = ordered_sub()
        username, problem = self._identity(username, attrs)
        problem = problem or self._verification_problem(attrs) or self._required_problem(attrs)
        if problem:
            return Rejected(line, problem)
        user = users.new_user(
            username=username,
            key=attributes.lookup_key(self.pool, username),
            attributes=attrs,
            status=users.RESET_REQUIRED,
            now=now,
        )
        if mfa == "true":
            user["MFAOptions"] = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
            user["UserMFASettingList"] = ["SMS_MFA"]
            user["PreferredMfaSetting"] = "SMS_MFA"
        return Prepared(line, user, index_entries(user), self._aliases(user), self._are_usernames)

    def _username_problem(self, username: str) -> str | None:
        if not username:
            return f"{USERNAME} is required."
        if _USERNAME_PATTERN.fullmatch(username) is None:
            return f"{USERNAME} must be 1 to 128 characters without spaces or tabs."
        attributes.check_username(self.pool, username)
        return None

    def _mfa_problem(self, mfa: str) -> str | None:
        if mfa not in ("true", "false"):
            return f"{MFA_ENABLED} must be true or false."
        if self._mfa == "ON" and mfa != "true":
            return f"{MFA_ENABLED} must be true: MFA is required in this user pool."
        if self._mfa == "OFF" and mfa != "false":
            return f"{MFA_ENABLED} must be false: MFA is off in this user pool."
        return None

    def _identity(self, username: str, attrs: dict[str, str]) -> tuple[str, str | None]:
        """(internal username, problem). In UsernameAttributes pools the username is the
        user's email or phone number and the internal username is generated (as in SignUp)."""
        kind = attributes.username_attribute(self.pool, username)
        if kind is None:
            return username, None
        given = attrs.get(kind)
        if given is not None and alias_value(self.pool, kind, given) != alias_value(
            self.pool, kind, username
        ):
            return username, f"{USERNAME} must be the user's {kind} in this user pool."
        attrs[kind] = username
        return users.generated_username(), None

    def _verification_problem(self, attrs: dict[str, str]) -> str | None:
        for name, flag in attributes.VERIFIED_FLAG.items():
            if attrs.get(flag) == "true" and not attrs.get(name):
                return f"{name} is required when {flag} is true."
        if not any(attrs.get(attributes.VERIFIED_FLAG[name]) == "true" for name in self._auto):
            return NOT_AUTO_VERIFIED
        return None

    def _required_problem(self, attrs: dict[str, str]) -> str | None:
        missing = attributes.missing_required(self.pool, attrs)
        if not missing:
            return None
        lines = "".join(f"{name}: {attributes.REQUIRED}\n" for name in missing)
        return (attributes.SCHEMA_PREFIX + lines).strip()

    def _aliases(self, user: dict[str, Any]) -> dict[str, str]:
        """The sign-in names the user holds (the rule of user_support.sync_aliases)."""
        held: dict[str, str] = {}
        attrs = user["Attributes"]
        for kind in self._kinds:
            value = attrs.get(kind)
            if value and (
                self._are_usernames or kind == "preferred_username" or users.verified(user, kind)
            ):
                held[kind] = alias_value(self.pool, kind, str(value))
        return held


def check_pool(pool: dict[str, Any]) -> list[str]:
    """The pool's auto-verified attributes; a pool without any can't import users."""
    auto = [a for a in pool.get("AutoVerifiedAttributes") or [] if a in attributes.VERIFIED_FLAG]
    if not auto:
        raise HeaderError(
            "The user pool has no auto-verified attributes (email or phone_number): "
            "imported users could not reset their passwords."
        )
    return auto


def check_header(pool: dict[str, Any], header: list[str]) -> list[str]:
    """The column names (trimmed); HeaderError unless they are exactly GetCSVHeader's, in any
    order."""
    columns = [name.strip().lstrip("\ufeff") for name in header]
    expected = csv_header(pool)
    unknown = [name for name in columns if name not in expected]
    missing = [name for name in expected if name not in columns]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if unknown:
        raise HeaderError(f"Unknown columns in the CSV header: {', '.join(unknown)}.")
    if repeated:
        raise HeaderError(f"Repeated columns in the CSV header: {', '.join(repeated)}.")
    if missing:
        raise HeaderError(f"Columns missing from the CSV header: {', '.join(missing)}.")
    return columns


def log_line(outcome: str, line: int, reason: str) -> str:
    """A line of the job's log, in the form of Cognito's CloudWatch log."""
    return f"[{outcome}] Line Number {line} - {reason}"
