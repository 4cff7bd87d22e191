"""Identifiers in AWS's formats, from a CSPRNG."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def _pick(alphabet: str, size: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(size))


def pool_id(region: str) -> str:
    """``us-east-1_4M3fYzvqD``: the region, an underscore, 9 alphanumerics."""
    return f"{region}_{_pick(_ALNUM, 9)}"


def client_id() -> str:
    """26 lowercase alphanumerics, like ``6p3bs000no6a4ue1idruvd05ad``."""
    return _pick(_LOWER_ALNUM, 26)


def client_secret() -> str:
    """52 lowercase alphanumerics (about 269 bits)."""
    return _pick(_LOWER_ALNUM, 52)


def pool_arn(region: str, account_id: str, pool: str) -> str:
    return f"arn:aws:cognito-idp:{region}:{account_id}:userpool/{pool}"


def region_of(pool: str) -> str:
    """The region part of a pool id (everything before the last underscore)."""
    return pool.rsplit("_", 1)[0]
