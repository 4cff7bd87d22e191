"""Tokens: per-pool keys (keys.py), claims (claims.py), issuing (issue.py), verification and
revocation (verify.py). See each module; the entry points are re-exported here."""

from userpool.tokens.issue import issue
from userpool.tokens.keys import Keyring, keyring_for
from userpool.tokens.verify import (
    decode_refresh_token,
    read_refresh_token,
    revoke_family,
    sign_out,
    verify_access_token,
)

__all__ = [
    "Keyring",
    "decode_refresh_token",
    "issue",
    "keyring_for",
    "read_refresh_token",
    "revoke_family",
    "sign_out",
    "verify_access_token",
]
