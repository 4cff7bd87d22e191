"""Opaque pagination tokens: base64url JSON of where the next page starts.

A token that does not decode to what the operation issued is rejected with
``InvalidParameterException``; a syntactically valid but stale position just continues from
there, as AWS's do.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from userpool.domain.errors import InvalidParameter


def encode(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def decode(token: str, *, kind: str, message: str = "Invalid pagination token.") -> dict[str, Any]:
    """The position inside ``token``; ``kind`` must match the operation that issued it."""
    try:
        padded = token + "=" * (-len(token) % 4)
        position = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise InvalidParameter(message) from None
    if not isinstance(position, dict) or position.get("k") != kind:
        raise InvalidParameter(message)
    return position


def page(items: list[Any], limit: int) -> tuple[list[Any], bool]:
    """Split a fetch of ``limit + 1`` rows into the page and whether more follow."""
    return items[:limit], len(items) > limit
