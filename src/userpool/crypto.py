"""Secrets at rest: the server key (encrypts SRP verifiers, keys the code hashes) and the
password KDF (argon2id).

The server key is 32 random bytes. SQLite deployments get one generated on first start, in a file
beside the database (``<db>.key``, mode 0600), so that a copy of the database alone does not reveal
the verifiers. PostgreSQL deployments, where several hosts must share it, pass it by
configuration (``--server-key`` / ``USERPOOL_SERVER_KEY``, base64). See docs/security.md.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import make_url

KEY_BYTES = 32


class ServerKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the server key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        self._mac_key = hmac.new(key, b"userpool code hashing", hashlib.sha256).digest()

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """AES-256-GCM, bound to ``context`` (e.g. the pool and user) as associated data."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, *, context: str) -> str:
        raw = base64.b64decode(token)
        return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()

    def code_hash(self, *parts: str) -> str:
        """A keyed hash of a one-time code and what it is for: a stolen table can't be brute
        forced offline without the key."""
        return hmac.new(self._mac_key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def same(a: str, b: str) -> bool:
        return hmac.compare_digest(a.encode(), b.encode())


def generate_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_key_text(text: str) -> ServerKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ValueError("the server key must be base64 (userpool genkey prints one)") from None
    return ServerKey(raw)


def key_file_for(db_url: str) -> Path | None:
    """Where a SQLite database keeps its key (None for other databases or in-memory SQLite)."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".key")


def load_server_key(db_url: str, configured: str | None, *, create: bool) -> ServerKey:
    """The configured key, else (SQLite) the key file beside the database, created if asked."""
    if configured:
        return parse_key_text(configured)
    path = key_file_for(db_url)
    if path is None:
        raise ValueError(
            "a server key is required for this database: generate one with `userpool genkey` "
            "and pass it to every server as --server-key or USERPOOL_SERVER_KEY"
        )
    if not path.exists() and create:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(generate_key_text() + "\n")
    return parse_key_text(path.read_text())


class PasswordKdf:
    """argon2id with OWASP's minimum parameters by default (19 MiB, 2 passes, 1 lane).

    Hashing and verifying run in a worker thread: argon2 releases the GIL, and the event loop
    must not stall for ~20 ms per password. The threads are few on purpose (one per process by
    default): argon2 is memory-hard, and a dozen concurrent 19 MiB hashes per process thrash the
    CPU caches so badly that the machine computes fewer of them per second than one at a time
    per core. With one server process per core this keeps the KDF at its full rate.
    """

    def __init__(
        self, memory_kib: int = 19456, time_cost: int = 2, parallelism: int = 1, threads: int = 1
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._dummy: str | None = None
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kdf")

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def hash_now(self, password: str) -> str:
        return self._hasher.hash(password)

    async def hash(self, password: str) -> str:
        return await self._run(self._hasher.hash, password)

    def verify_now(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, password: str) -> bool:
        """Constant work whether or not there is a stored hash (no user-existence timing)."""
        if stored is None:
            if self._dummy is None:
                self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
            await self._run(self.verify_now, self._dummy, password)
            return False
        return bool(await self._run(self.verify_now, stored, password))
