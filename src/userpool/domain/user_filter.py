"""ListUsers' ``Filter``: ``AttributeName Filter-Type "AttributeValue"`` (reference §6).

Grammar: optional spaces, a searchable attribute name, optional spaces, ``=`` (exact) or ``^=``
(prefix), optional spaces, a double-quoted value in which ``\\"`` stands for a quote (and, by
extension, a backslash escapes any character), optional spaces. One attribute only; no AND/OR.
An empty (or blank) filter means all users.

Errors (``InvalidParameterException``):
- anything not matching the grammar: "Error while parsing filter." ([GH:aws/aws-sdk-php#1088],
  [GH:aws/aws-sdk-php#1961]);
- a well-formed filter on an attribute that isn't searchable (custom attributes, ``nickname``):
  "Invalid search attribute: <name>" (moto's tests; no AWS report found).

Case sensitivity (`normalize`): the ListUsers model doc marks ``username`` and ``status``
case-sensitive and ``cognito:user_status`` case-insensitive, and says nothing for the rest; the
Developer Guide says "all searches are case-insensitive". We compare ``username``, ``status`` and
``sub`` exactly and everything else case-insensitively (lowercased), which matches both texts
for every attribute they mention. (Usernames in a pool with ``CaseSensitive: false`` are already
stored lowercased by ``attributes.lookup_key``, so the caller normalises the filter value the
same way for such pools.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from userpool.domain.errors import InvalidParameter

SEARCHABLE_ATTRIBUTES: frozenset[str] = frozenset({
    "username", "email", "phone_number", "name", "given_name", "family_name",
    "preferred_username", "cognito:user_status", "status", "sub",
})
CASE_SENSITIVE_ATTRIBUTES: frozenset[str] = frozenset({"username", "status", "sub"})

PARSE_ERROR = "Error while parsing filter."

_FILTER = re.compile(
    r'\s*(?P<attribute>[^\s=^"]+)\s*(?P<op>\^=|=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*',
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class Filter:
    attribute: str
    op: str  # "=" or "^="
    value: str

    def matches(self, stored: str | None) -> bool:
        """Whether a user's value for `attribute` (None when unset) passes this filter."""
        if stored is None:
            return False
        wanted = normalize(self.attribute, self.value)
        have = normalize(self.attribute, stored)
        return have == wanted if self.op == "=" else have.startswith(wanted)


def parse_filter(text: str | None) -> Filter | None:
    """The parsed filter, or None when `text` is empty (all users)."""
    if text is None or not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise InvalidParameter(PARSE_ERROR)
    attribute = match["attribute"]
    if attribute not in SEARCHABLE_ATTRIBUTES:
        raise InvalidParameter(f"Invalid search attribute: {attribute}")
    return Filter(attribute, match["op"], _ESCAPE.sub(r"\1", match["value"]))


def normalize(attribute: str, value: str) -> str:
    """The form in which values of `attribute` are indexed and compared."""
    return value if attribute in CASE_SENSITIVE_ATTRIBUTES else value.lower()
