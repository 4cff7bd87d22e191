"""What the user operations share: finding users, saving them with their index and aliases,
app clients and SECRET_HASH for the public operations, codes, and setting passwords."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from userpool.domain import attributes, codes, srp, user_filter, users
from userpool.domain.errors import (
    AliasExists,
    CognitoError,
    NotAuthorized,
    ResourceNotFound,
    UsernameExists,
    UserNotFound,
)
from userpool.operations import Context
from userpool.store import Duplicate, Store, Tx

USER_NOT_FOUND = "User does not exist."


# -- users ----
def case_sensitive(pool: dict[str, Any]) -> bool:
    return (pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True)


def username_key(pool: dict[str, Any], username: str) -> str:
    return username if case_sensitive(pool) else username.lower()


def alias_kinds(pool: dict[str, Any]) -> tuple[list[str], bool]:
    """The sign-in attributes other than the username, and whether they are usernames
    (``UsernameAttributes``: claimed at once) or aliases (``AliasAttributes``: when verified)."""
    if pool.get("UsernameAttributes"):
        return list(pool["UsernameAttributes"]), True
    return list(pool.get("AliasAttributes") or []), False


def alias_value(pool: dict[str, Any], kind: str, value: str) -> str:
    if kind == "email" or (kind == "preferred_username" and not case_sensitive(pool)):
        return value.lower()
    return value


def find_user(
    tx: Tx | None, pool: dict[str, Any], name: str, *, for_update: bool = False,
    store: Store | None = None,
) -> dict[str, Any] | None:
    """By username, then by sign-in alias, then by ``sub`` (AWS's documented order). With
    ``store`` instead of ``tx``: the read-only, cached lookups of the hot paths."""
    pool_id = pool["Id"]
    rows: Any = tx.users if tx is not None else store.user_reads  # type: ignore[union-attr]
    lock = {"for_update": True} if for_update else {}
    user = rows.get(pool_id, username_key(pool, name), **lock)
    if user is not None:
        return user
    kinds, _ = alias_kinds(pool)
    for kind in kinds:
        owner = rows.alias_owner(pool_id, kind, alias_value(pool, kind, name))
        if owner is not None:
            return rows.get(pool_id, owner, **lock)
    return rows.get_by_sub(pool_id, name)


def require_user(
    tx: Tx, pool: dict[str, Any], name: str, *, for_update: bool = False
) -> dict[str, Any]:
    user = find_user(tx, pool, name, for_update=for_update)
    if user is None:
        raise UserNotFound(USER_NOT_FOUND)
    return user


def index_entries(user: dict[str, Any]) -> dict[str, str]:
    return {
        attr: user_filter.normalize(attr, value)
        for attr, value in users.searchable_values(user).items()
    }


def insert_user(
    tx: Tx,
    pool: dict[str, Any],
    user: dict[str, Any],
    *,
    force_alias: bool,
    taken: str = "User already exists",
) -> None:
    """``taken`` is the message for a taken username: SignUp's "User already exists"
    (reference §3.8), AdminCreateUser's "User account already exists" (observed, quoted in
    localstack/localstack#4465)."""
    try:
        tx.users.insert(pool["Id"], user, index_entries(user))
    except Duplicate:
        raise UsernameExists(taken) from None
    sync_aliases(tx, pool, user, force=force_alias)


def save_user(
    tx: Tx,
    pool: dict[str, Any],
    user: dict[str, Any],
    *,
    force_alias: bool = False,
    now: float | None = None,
) -> None:
    if now is not None:
        users.touch(user, now)
    tx.users.update(pool["Id"], user, index_entries(user))
    sync_aliases(tx, pool, user, force=force_alias)


def sync_aliases(tx: Tx, pool: dict[str, Any], user: dict[str, Any], *, force: bool) -> None:
    """Claim the user's sign-in names: in UsernameAttributes pools email/phone at once, in
    AliasAttributes pools once verified (preferred_username always). A name another user holds
    is ``UsernameExistsException`` / ``AliasExistsException``, or moves here with ``force``."""
    kinds, are_usernames = alias_kinds(pool)
    attrs = user["Attributes"]
    for kind in kinds:
        value = attrs.get(kind)
        usable = value and (
            are_usernames or kind == "preferred_username" or users.verified(user, kind)
        )
        if not usable:
            tx.users.release_alias(pool["Id"], kind, user["_Key"])
            continue
        held = alias_value(pool, kind, str(value))
        try:
            tx.users.release_alias(pool["Id"], kind, user["_Key"])
            tx.users.claim_alias(pool["Id"], kind, held, user["_Key"])
        except Duplicate:
            label = "phone_number" if kind == "phone_number" else kind
            if are_usernames:
                raise UsernameExists(f"An account with the given {label} already exists.") from None
            if not force:
                raise AliasExists(f"An account with the {label} already exists.") from None
            _take_alias(tx, pool, kind, held, user)


def _take_alias(tx: Tx, pool: dict[str, Any], kind: str, held: str, user: dict[str, Any]) -> None:
    """ForceAliasCreation: the alias moves here; the previous holder keeps the value, unverified."""
    previous_key = tx.users.alias_owner(pool["Id"], kind, held)
    if previous_key is not None:
        previous = tx.users.get(pool["Id"], previous_key, for_update=True)
        tx.users.release_alias(pool["Id"], kind, previous_key)
        if previous is not None and kind != "preferred_username":
            previous["Attributes"][f"{kind}_verified"] = "false"
            tx.users.update(pool["Id"], previous, index_entries(previous))
    tx.users.claim_alias(pool["Id"], kind, held, user["_Key"])


# -- public operations: the app client and SECRET_HASH ----
def public_client(tx: Tx, client_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pool, client) of an app client named only by its id (the unauthenticated operations)."""
    pool_id = tx.find_pool_of("client", client_id)
    client = tx.get("client", pool_id, client_id) if pool_id else None
    pool = tx.get_pool(pool_id) if pool_id else None
    if client is None or pool is None:
        raise ResourceNotFound(f"User pool client {client_id} does not exist.")
    return pool, client


def cached_public_client(store: Store, client_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """As ``public_client``, through the store's cached point reads (read-only results)."""
    found = store.client_and_pool(client_id)
    if found is None:
        raise ResourceNotFound(f"User pool client {client_id} does not exist.")
    return found


def secret_hash(secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(client: dict[str, Any], username: str, given: str | None) -> None:
    """AWS's three answers: no secret needed, missing, or not matching any of the secrets."""
    secrets_ = [s["ClientSecretValue"] for s in client.get("_Secrets", [])]
    if not secrets_:
        return
    client_id = client["ClientId"]
    if not given:
        raise NotAuthorized(
            f"Client {client_id} is configured with secret but SECRET_HASH was not received"
        )
    for secret in secrets_:
        if hmac.compare_digest(secret_hash(secret, username, client_id), given):
            return
    raise NotAuthorized(f"Unable to verify secret hash for client {client_id}")


def prevents_existence_errors(client: dict[str, Any]) -> bool:
    return client.get("PreventUserExistenceErrors") == "ENABLED"


# -- codes ----
def issue_code(
    ctx: Context,
    tx: Tx,
    pool_id: str,
    user: dict[str, Any],
    purpose: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """Store a fresh code for ``purpose`` (replacing any earlier one) and return it."""
    assert ctx.keys is not None
    previous = tx.users.get_code(pool_id, user["_Key"], purpose)
    history = codes.check_send_rate(previous, ctx.now())
    code = codes.new_code()
    digest = ctx.keys.code_hash(pool_id, user["_Key"], purpose, code)
    tx.users.put_code(
        pool_id,
        user["_Key"],
        purpose,
        digest,
        ctx.now() + codes.validity(purpose),
        {**history, **(extra or {})},
    )
    return code


def consume_code(
    ctx: Context,
    pool_id: str,
    key: str,
    purpose: str,
    code: str,
    then: Callable[[Tx, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Check ``code`` and delete it when right; returns what was stored with it.

    A failed attempt is recorded in its own transaction (it must survive the error the operation
    then answers). ``then(tx, stored)`` runs in the same transaction as the deletion: if it
    raises (say ``AliasExistsException`` at ConfirmSignUp), the code is kept, so the caller can
    retry with the same code (``ForceAliasCreation``).
    """
    return _judge_code(ctx, pool_id, key, purpose, code, consume=True, then=then)


def check_code(ctx: Context, pool_id: str, key: str, purpose: str, code: str) -> dict[str, Any]:
    """Like ``consume_code`` but the code stays: for checks before slow work (hashing a new
    password), after which ``consume_code`` takes it for good."""
    return _judge_code(ctx, pool_id, key, purpose, code, consume=False, then=None)


def _judge_code(
    ctx: Context,
    pool_id: str,
    key: str,
    purpose: str,
    code: str,
    *,
    consume: bool,
    then: Callable[[Tx, dict[str, Any]], None] | None,
) -> dict[str, Any]:
    assert ctx.keys is not None
    failure: CognitoError | None
    with ctx.store.transaction() as tx:
        stored = tx.users.get_code(pool_id, key, purpose)
        matches = stored is not None and ctx.keys.same(
            stored["hash"], ctx.keys.code_hash(pool_id, key, purpose, code)
        )
        failure = codes.judge(stored, matches, purpose, ctx.now())
        if failure is None and stored is not None and consume:
            tx.users.delete_code(pool_id, key, purpose)
            if then is not None:
                then(tx, stored)
        elif failure is not None and stored is not None and not matches:
            tx.users.count_failed_code(pool_id, key, purpose)
    if failure is not None:
        raise failure
    assert stored is not None
    return stored


# -- passwords ----
async def credentials(ctx: Context, pool_id: str, username: str, password: str) -> dict[str, Any]:
    """The stored forms of a new password: argon2id hash and the encrypted SRP verifier."""
    assert ctx.kdf is not None and ctx.keys is not None
    hashed, (salt, verifier) = await asyncio.gather(
        ctx.kdf.hash(password),
        asyncio.to_thread(srp.new_verifier, pool_id, username, password),
    )
    sealed = ctx.keys.encrypt(f"{salt}:{verifier}", context=f"{pool_id}/{username}")
    return {"_PasswordHash": hashed, "_Srp": sealed}


async def check_history(
    ctx: Context, pool: dict[str, Any], user: dict[str, Any], password: str
) -> None:
    """PasswordHistorySize (ESSENTIALS and PLUS): the new password can't be a recent one."""
    from userpool.domain import passwords

    size = ((pool.get("Policies") or {}).get("PasswordPolicy") or {}).get("PasswordHistorySize")
    if not size or pool.get("UserPoolTier") == "LITE" or ctx.kdf is None:
        return
    recent = [user.get("_PasswordHash"), *user.get("_History", [])][:size]
    matches = [await ctx.kdf.verify(h, password) for h in recent if h]
    passwords.check_not_reused(matches)


def remember_password(pool: dict[str, Any], user: dict[str, Any], new: dict[str, Any]) -> None:
    """Install new credentials, keeping the old hash in the history the policy asks for."""
    size = ((pool.get("Policies") or {}).get("PasswordPolicy") or {}).get("PasswordHistorySize")
    if size and user.get("_PasswordHash"):
        user["_History"] = [user["_PasswordHash"], *user.get("_History", [])][: size - 1 or 1]
    user.update(new)


def sign_in_identity(
    pool: dict[str, Any], username: str, given: list[dict[str, str]]
) -> tuple[str, list[dict[str, str]]]:
    """(internal username, attributes to validate). In UsernameAttributes pools the given name
    is an email or phone number: it is that attribute's value (so a required ``email`` is
    satisfied by the username), and the internal username is generated (sub-like)."""
    attributes.check_username(pool, username)
    kinds = pool.get("UsernameAttributes") or []
    if not kinds:
        return username, given
    kind = "email" if "@" in username and "email" in kinds else "phone_number"
    rest = [a for a in given if a.get("Name") != kind]
    return users.generated_username(), [*rest, {"Name": kind, "Value": username}]
