"""Per-pool RSA keys: one signs ID tokens, another access tokens (different ``kid``s, as AWS,
shared/reference/cognito.md §2.1), a third decrypts refresh tokens (never published).

Keys are created lazily on first use and stored, the private half encrypted with the server key,
so that every process and host signs with the same keys. Creation is race-safe: the primary key
(pool, purpose, generation) lets one writer win; the others re-read. Rotation adds a new
generation; older public keys stay in the JWKS so that tokens already issued still verify.

A process cache keeps the decrypted keys (keys are immutable; a rotated key has a new kid). Cache
entries live ``ttl`` seconds, so another process's rotation is picked up within that time; keys a
process has just created inside a caller's transaction are cached for one second only, in case
that transaction rolls back.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from joserfc.jwk import RSAKey

from userpool.crypto import ServerKey
from userpool.store import Duplicate, Store, Tx

ID, ACCESS, REFRESH = "id", "access", "refresh"
PURPOSES = (ID, ACCESS, REFRESH)
KEY_BITS = 2048
CACHE_SECONDS = 60.0
FRESH_SECONDS = 1.0
RELOAD_SECONDS = 1.0  # at most one reload per pool and second for unknown kids


def new_kid() -> str:
    """Standard base64 of 32 random bytes: 44 characters ending in "=", like AWS's kids."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _context(pool_id: str, kid: str) -> str:
    return f"userpool signing key\x1f{pool_id}\x1f{kid}"


@dataclass(frozen=True)
class PoolKey:
    kid: str
    purpose: str
    generation: int
    key: RSAKey  # the private key for the newest generation / refresh keys, else public only


@dataclass
class PoolKeys:
    """What a pool signs and verifies with."""

    pool_id: str
    id_key: PoolKey
    access_key: PoolKey
    refresh_key: PoolKey
    verifying: dict[str, PoolKey]  # kid -> ID/access key of any generation (public)
    refresh_keys: list[PoolKey]  # every refresh key, newest first (private)
    jwks: list[dict[str, Any]]  # public JWKs of the ID/access keys, newest first
    loaded_at: float = 0.0
    expires_at: float = field(default=0.0)


def public_jwk(key: RSAKey, kid: str) -> dict[str, Any]:
    """The JWKS entry, members in AWS's (alphabetical) order."""
    pub = key.as_dict(private=False)
    return {"alg": "RS256", "e": pub["e"], "kid": kid, "kty": "RSA", "n": pub["n"], "use": "sig"}


class Keyring:
    """Loads, creates, caches and rotates the pools' keys. One per server key (process)."""

    def __init__(
        self,
        server_key: ServerKey,
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server_key = server_key
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, PoolKeys] = {}
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------------------------
    def get(self, tx: Tx, pool_id: str, *, now: float) -> PoolKeys:
        """The pool's keys, created (in ``tx``) when the pool has none yet."""
        cached = self.cached(pool_id)
        if cached is not None:
            return cached
        rows = tx.tokens.keys(pool_id)
        fresh = False
        if not rows:
            try:
                tx.tokens.insert_keys(pool_id, self._new_rows(pool_id, 1, now))
                fresh = True
            except Duplicate:
                pass  # another writer was first: use its keys
            rows = tx.tokens.keys(pool_id)
        return self._remember(self._build(pool_id, rows), fresh=fresh)

    def find(self, tx: Tx, pool_id: str) -> PoolKeys | None:
        """The pool's keys without creating any (None when it has none)."""
        cached = self.cached(pool_id)
        if cached is not None:
            return cached
        rows = tx.tokens.keys(pool_id)
        return self._remember(self._build(pool_id, rows)) if rows else None

    def verifying_key(self, tx: Tx, pool_id: str, kid: str) -> PoolKey | None:
        """The ID/access key ``kid`` of the pool (reloading once if this process lacks it)."""
        keys = self.find(tx, pool_id)
        if keys is None:
            return None
        found = keys.verifying.get(kid)
        if found is None and self.clock() - keys.loaded_at >= RELOAD_SECONDS:
            self.forget(pool_id)
            keys = self.find(tx, pool_id)
            found = keys.verifying.get(kid) if keys else None
        return found

    def for_store(self, store: Store, pool_id: str, *, now: float) -> PoolKeys:
        """As ``get``, in its own unit of work (call it while no transaction is open)."""
        cached = self.cached(pool_id)
        if cached is not None:
            return cached
        with store.reader() as tx:
            found = self.find(tx, pool_id)
        if found is not None:
            return found
        with store.transaction() as tx:
            keys = self.get(tx, pool_id, now=now)
        keys.expires_at = keys.loaded_at + self.ttl  # committed: a normal cache life
        return keys

    # -- rotation ---------------------------------------------------------------------------
    def rotate(self, tx: Tx, pool_id: str, *, now: float) -> PoolKeys:
        """Add a new generation of all three keys; they sign from now on. Old public keys stay
        in the JWKS and old refresh keys still decrypt. Other processes switch within ``ttl``."""
        generation = tx.tokens.latest_generation(pool_id) + 1
        # On Duplicate a concurrent rotation made this generation: use it.
        with contextlib.suppress(Duplicate):
            tx.tokens.insert_keys(pool_id, self._new_rows(pool_id, generation, now))
        self.forget(pool_id)
        return self._remember(self._build(pool_id, tx.tokens.keys(pool_id)), fresh=True)

    def forget(self, pool_id: str) -> None:
        with self._lock:
            self._cache.pop(pool_id, None)

    # -- internals --------------------------------------------------------------------------
    def cached(self, pool_id: str) -> PoolKeys | None:
        """The cached keys, if still fresh (no database access)."""
        with self._lock:
            keys = self._cache.get(pool_id)
        if keys is not None and self.clock() < keys.expires_at:
            return keys
        return None

    def _remember(self, keys: PoolKeys, *, fresh: bool = False) -> PoolKeys:
        keys.loaded_at = self.clock()
        keys.expires_at = keys.loaded_at + (FRESH_SECONDS if fresh else self.ttl)
        with self._lock:
            self._cache[keys.pool_id] = keys
        return keys

    def _new_rows(self, pool_id: str, generation: int, now: float) -> list[dict[str, Any]]:
        rows = []
        for purpose in PURPOSES:
            key = RSAKey.generate_key(KEY_BITS, private=True)
            kid = new_kid()
            pem = key.as_pem(private=True).decode()
            rows.append(
                {
                    "purpose": purpose,
                    "generation": generation,
                    "kid": kid,
                    "public_jwk": public_jwk(key, kid),
                    "private_key": self.server_key.encrypt(pem, context=_context(pool_id, kid)),
                    "created_at": now,
                }
            )
        return rows

    def _private(self, pool_id: str, row: dict[str, Any]) -> PoolKey:
        pem = self.server_key.decrypt(row["private_key"], context=_context(pool_id, row["kid"]))
        return PoolKey(row["kid"], row["purpose"], row["generation"], RSAKey.import_key(pem))

    def _build(self, pool_id: str, rows: list[dict[str, Any]]) -> PoolKeys:
        newest = sorted(rows, key=lambda r: r["generation"], reverse=True)
        latest: dict[str, dict[str, Any]] = {}
        for row in newest:
            latest.setdefault(row["purpose"], row)
        verifying: dict[str, PoolKey] = {}
        jwks: list[dict[str, Any]] = []
        for row in newest:
            if row["purpose"] == REFRESH:
                continue
            jwk = dict(row["public_jwk"])
            key = RSAKey.import_key({"kty": "RSA", "n": jwk["n"], "e": jwk["e"]})
            verifying[row["kid"]] = PoolKey(row["kid"], row["purpose"], row["generation"], key)
            jwks.append(jwk)
        refresh_keys = [self._private(pool_id, r) for r in newest if r["purpose"] == REFRESH]
        return PoolKeys(
            pool_id=pool_id,
            id_key=self._private(pool_id, latest[ID]),
            access_key=self._private(pool_id, latest[ACCESS]),
            refresh_key=refresh_keys[0],
            verifying=verifying,
            refresh_keys=refresh_keys,
            jwks=jwks,
        )


_KEYRINGS: weakref.WeakKeyDictionary[ServerKey, Keyring] = weakref.WeakKeyDictionary()
_KEYRINGS_LOCK = threading.Lock()


def keyring_for(server_key: ServerKey) -> Keyring:
    """The process's keyring for this server key (``keyring_for(ctx.keys)``)."""
    with _KEYRINGS_LOCK:
        ring = _KEYRINGS.get(server_key)
        if ring is None:
            ring = _KEYRINGS[server_key] = Keyring(server_key)
        return ring
