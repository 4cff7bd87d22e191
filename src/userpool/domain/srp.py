"""Cognito's SRP-6a, server side (USER_SRP_AUTH, PASSWORD_SRP and device SRP).

Cognito uses the 3072-bit group of RFC 5054 with g = 2 and SHA-256, k = H(N | g) with g padded,
and x = H(salt | H(poolName | username | ":" | password)) where poolName is the part of the pool
id after the underscore and username is the internal username (USER_ID_FOR_SRP). The verifier
v = g^x is computed whenever a password is set, because SRP needs it and the password is not
kept.

Sign-in (the server's half of what the clients compute; sources: pycognito ``aws_srp.py`` and
amazon-cognito-identity-js ``src/AuthenticationHelper.js``, reference cognito.md section 3.6):

* ``server_challenge(v)`` gives a secret b and the public B = (k*v + g^b) mod N (``SRP_B``).
* ``session_key(...)`` gives the 16-byte key: u = H(padHex(A) | padHex(B)),
  S = (A * v^u)^b mod N, key = HKDF-SHA256(ikm = padHex(S), salt = padHex(u),
  info = "Caldera Derived Key")[:16]. A and B are hashed as integers re-padded (clients parse
  ``SRP_A`` / ``SRP_B`` into integers first), never as the text that was sent.
* ``check_claim(...)`` compares PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName |
  username | SECRET_BLOCK bytes | TIMESTAMP)) in constant time.
* ``valid_timestamp(...)`` checks the TIMESTAMP text ("Tue Nov 3 04:05:06 UTC 2026").

Device SRP (DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER) is the same math with the device group
key in place of poolName and the device key in place of the username; its salt and verifier come
from the client in ConfirmDevice (``device_verifier_from_config``).

Unknown users under PreventUserExistenceErrors get ``fake_salt_and_verifier`` and
``fake_user_id``: stable per (pool, username) so that repeated attempts look like a real user.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from userpool.domain.errors import InvalidParameter, NotAuthorized

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34"
    "04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6"
    "F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A6916"
    "3FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C"
    "32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA95"
    "6AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA7157"
    "5D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D876"
    "02733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E"
    "4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2


def pad_hex(value: int | str) -> str:
    """Cognito's padHex: even length, and a leading 00 when the high bit is set."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        text = "0" + text
    elif text[0] in "89abcdefABCDEF":
        text = "00" + text
    return text


def hash_hex(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest().rjust(64, "0")


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().rjust(64, "0")


K = int(hash_hex("00" + N_HEX + "0" + format(G, "x")), 16)


def pool_name(pool_id: str) -> str:
    return pool_id.split("_", 1)[1]


def private_x(pool_id: str, username: str, password: str, salt_hex: str) -> int:
    """x = H(salt | H(poolName | username | ":" | password))."""
    identity = hash_bytes(f"{pool_name(pool_id)}{username}:{password}".encode())
    return int(hash_hex(pad_hex(salt_hex) + identity), 16)


def verifier_for(pool_id: str, username: str, password: str, salt_hex: str) -> str:
    """The verifier v = g^x mod N (hex) for a given salt."""
    return format(pow(G, private_x(pool_id, username, password, salt_hex), N), "x")


def new_verifier(pool_id: str, username: str, password: str) -> tuple[str, str]:
    """(salt hex, verifier hex) for a newly set password; the salt is 128 random bits.

    The top bit is set so that the hex text has no leading zero: clients that parse SALT into
    an integer before padding (amazon-cognito-identity-js) and those that pad the text
    (pycognito) then derive the same x.
    """
    salt_hex = format(secrets.randbits(128) | (1 << 127), "x")
    return salt_hex, verifier_for(pool_id, username, password, salt_hex)
