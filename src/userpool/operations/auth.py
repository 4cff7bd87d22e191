"""Sign-in: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge,
AdminRespondToAuthChallenge.

A sign-in is a short state machine: the first factor (password, SRP, or a refresh token), then
the challenges the user's state asks for (a new password, MFA — see ``CHALLENGES`` and
``NEXT_STEPS``, which other modules extend), then tokens. Between steps the state lives in the
``auth_sessions`` table under a hash of the opaque Session (for SRP: of the SECRET_BLOCK, which
clients echo back without a Session), so any server process can continue a sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from userpool.domain import attributes, passwords, signin, srp, users
from userpool.domain.errors import (
    InvalidParameter,
    NotAuthorized,
    PasswordResetRequired,
    ResourceNotFound,
    UserNotFound,
)
from userpool.operations import Context, Request, Response, operation
from userpool.operations.auth_events import record_sign_in
from userpool.operations.common import cached_pool
from userpool.operations.migration import migrate_user
from userpool.operations.pretoken_trigger import token_hook
from userpool.operations.user_support import (
    USER_NOT_FOUND,
    cached_public_client,
    check_history,
    check_secret_hash,
    credentials,
    find_user,
    prevents_existence_errors,
    remember_password,
    save_user,
)
from userpool.operations.user_triggers import post_authentication, pre_authentication
from userpool.tokens import decode_refresh_token, issue, keyring_for, read_refresh_token

PASSWORD_FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")
ADMIN_ONLY_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")

# A challenge handler answers one ChallengeName: (ctx, flow, state, responses) -> Response.
ChallengeHandler = Callable[["Flow", dict[str, Any], dict[str, str]], Awaitable[Response]]
CHALLENGES: dict[str, ChallengeHandler] = {}
# Steps run after the first factor, in order; each returns a challenge Response or None.
NextStep = Callable[["Flow", dict[str, Any], dict[str, Any]], Awaitable[Response | None]]
NEXT_STEPS: list[NextStep] = []
# Challenges answered without a Session: the state is stored under the SECRET_BLOCK that the
# client echoes as PASSWORD_CLAIM_SECRET_BLOCK (operations.device_flow adds its verifier).
SECRET_BLOCK_CHALLENGES: set[str] = {"PASSWORD_VERIFIER"}
# Called inside Flow.tokens' transaction: (flow, tx, user, device_key) -> (the device key the
# tokens carry, NewDeviceMetadata or None). Set by operations.device_flow (remembered devices).
DeviceHook = Callable[["Flow", Any, dict[str, Any], str | None], tuple[str | None, Any]]
DEVICE_HOOKS: list[DeviceHook] = []
# AuthFlows started by other modules: (flow, AuthParameters, the request's Session) -> Response.
# operations.user_auth registers USER_AUTH.
FlowStarter = Callable[["Flow", dict[str, str], str | None], Awaitable[Response]]
FLOW_STARTERS: dict[str, FlowStarter] = {}


def challenge(name: str) -> Callable[[ChallengeHandler], ChallengeHandler]:
    def register(fn: ChallengeHandler) -> ChallengeHandler:
        CHALLENGES[name] = fn
        return fn

    return register


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Flow:
    """One sign-in request: the pool, the client, and the operations every step needs."""

    def __init__(
        self,
        ctx: Context,
        pool: dict[str, Any],
        client: dict[str, Any],
        *,
        admin: bool,
        metadata: dict[str, str] | None = None,
        context_data: dict[str, Any] | None = None,
    ) -> None:
        self.ctx, self.pool, self.client, self.admin = ctx, pool, client, admin
        self.metadata = metadata or {}
        self.responding = False  # a RespondToAuthChallenge (whose ClientMetadata triggers see)
        # The request's UserContextData / (admin) ContextData: recorded with auth events.
        self.context_data = context_data or {}

    @property
    def pool_id(self) -> str:
        return str(self.pool["Id"])

    def session_seconds(self) -> float:
        return float(self.client.get("AuthSessionValidity") or 3) * 60

    def open_session(
        self, user: dict[str, Any], step: str, doc: dict[str, Any], token: str | None = None
    ) -> str:
        """Store the state of the next step; returns the opaque Session token."""
        token = token or base64.b64encode(secrets.token_bytes(96)).decode()
        with self.ctx.store.transaction() as tx:
            tx.sessions.purge(self.ctx.now() - 3600)
            tx.sessions.put(
                _hash(token),
                pool_id=self.pool_id,
                client_id=self.client["ClientId"],
                username_key=user["_Key"],
                step=step,
                expires_at=self.ctx.now() + self.session_seconds(),
                doc=doc,
            )
        return token

    def challenge(
        self,
        user: dict[str, Any],
        name: str,
        parameters: dict[str, str],
        doc: dict[str, Any] | None = None,
    ) -> Response:
        session = self.open_session(user, name, doc or {})
        return {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}

    def take_session(self, token: str, name: str) -> dict[str, Any]:
        with self.ctx.store.transaction() as tx:
            state = tx.sessions.take(_hash(token))
        if state is not None and state.get("replayed"):
            raise NotAuthorized(signin.SESSION_REPLAYED)
        if (
            state is None
            or state["pool_id"] != self.pool_id
            or state["client_id"] != self.client["ClientId"]
        ):
            raise NotAuthorized(signin.SESSION_INVALID)
        if state["expires_at"] < self.ctx.now():
            raise NotAuthorized(signin.SESSION_EXPIRED)
        if state["step"] != name:
            raise InvalidParameter(f"Invalid challenge name {name} for this session.")
        state["_token_hash"] = _hash(token)  # lets a handler put the session back (mfa_flow)
        return state

    def user_of(self, state: dict[str, Any], *, for_update: bool = False) -> dict[str, Any]:
        with self.ctx.store.reader() as tx:
            user = tx.users.get(self.pool_id, state["username_key"])
        if user is None:
            raise NotAuthorized(signin.SESSION_INVALID)
        return user

    async def pre_authentication(self, user: dict[str, Any], *, not_found: bool = False) -> None:
        """The pool's pre authentication trigger for ``user`` (``not_found``: a stand-in for an
        unknown one), given InitiateAuth's ClientMetadata."""
        await pre_authentication(
            self.ctx,
            self.pool,
            user=user,
            client_id=self.client["ClientId"],
            metadata=self.metadata,
            user_not_found=not_found,
            prevents_existence_errors=prevents_existence_errors(self.client),
        )

    def fail_password(self, user: dict[str, Any]) -> NotAuthorized:
        """Record a wrong password (lockout) in its own transaction; the error to raise."""
        with self.ctx.store.transaction() as tx:
            fresh = tx.users.get(self.pool_id, user["_Key"], for_update=True)
            if fresh is not None:
                signin.record_failure(fresh, self.ctx.now())
                save_user(tx, self.pool, fresh)
                record_sign_in(tx, self, fresh, passed=False)
        return NotAuthorized(signin.INCORRECT)

    async def after_first_factor(self, user: dict[str, Any], state: dict[str, Any]) -> Response:
        """The challenges the user's state asks for, then tokens."""
        if user["UserStatus"] == users.FORCE_CHANGE_PASSWORD:
            return self.new_password_challenge(user, state)
        for step in NEXT_STEPS:
            answer = await step(self, user, state)
            if answer is not None:
                return answer
        source = (
            "NewPasswordChallenge"
            if state.get("new_password")
            else "AuthenticateDevice"
            if state.get("device_verified")
            else "Authentication"
        )
        return await self.tokens(user, device_key=state.get("device_key"), source=source)

    def new_password_challenge(self, user: dict[str, Any], state: dict[str, Any]) -> Response:
        attrs = {k: v for k, v in user["Attributes"].items() if k not in ("sub",)}
        required = [
            f"userAttributes.{name}"
            for name in attributes.missing_required(self.pool, user["Attributes"])
        ]
        return self.challenge(
            user,
            "NEW_PASSWORD_REQUIRED",
            {
                "userAttributes": json.dumps(attrs),
                "requiredAttributes": json.dumps(required),
                "USER_ID_FOR_SRP": user["Username"],
            },
            {"device_key": state.get("device_key")},
        )

    async def tokens(
        self, user: dict[str, Any], *, device_key: str | None = None, source: str = "Authentication"
    ) -> Response:
        """Tokens for a finished sign-in: the pre token generation trigger
        (``TokenGeneration_<source>``) first, the post authentication trigger last."""
        assert self.ctx.keys is not None
        claims_hook = await token_hook(
            self.ctx,
            self.pool,
            self.client,
            user,
            source,
            metadata=self.metadata if self.responding else None,
        )
        with self.ctx.store.transaction() as tx:
            fresh = tx.users.get(self.pool_id, user["_Key"], for_update=True) or user
            if signin.record_success(fresh):
                save_user(tx, self.pool, fresh)
            record_sign_in(tx, self, fresh, passed=True)
            new_device = None
            # Not named ``hook``: the device hooks must not replace the pre token generation
            # hook passed to ``issue`` below (every sign-in failed with a TypeError).
            for device_hook in DEVICE_HOOKS:
                device_key, new_device = device_hook(self, tx, fresh, device_key)
            result = issue(
                tx,
                keyring_for(self.ctx.keys),
                issuer=self.ctx.settings.issuer(self.pool_id, self.ctx.region),
                pool_id=self.pool_id,
                client=self.client,
                user=fresh,
                now=self.ctx.now(),
                device_key=device_key,
                new_device_metadata=new_device,
                claims_hook=claims_hook,
            )
        await post_authentication(
            self.ctx,
            self.pool,
            user=fresh,
            client_id=self.client["ClientId"],
            metadata=self.metadata if self.responding else None,
            new_device_used=(
                (new_device is not None) if self.pool.get("DeviceConfiguration") else None
            ),
        )
        return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _pool_and_client(ctx: Context, req: Request, admin: bool) -> tuple[dict, dict]:
    """The pool and app client, through the store's cached point reads (the hot path)."""
    if admin:
        pool = cached_pool(ctx.store, req["UserPoolId"])
        client = ctx.store.get("client", pool["Id"], req["ClientId"])
        if client is None:
            raise ResourceNotFound(f"User pool client {req['ClientId']} does not exist.")
        return pool, client
    return cached_public_client(ctx.store, req["ClientId"])


async def _initiate(ctx: Context, req: Request, *, admin: bool) -> Response:
    pool, client = _pool_and_client(ctx, req, admin)
    flow_name = req["AuthFlow"]
    params: dict[str, str] = req.get("AuthParameters") or {}
    if flow_name in ADMIN_ONLY_FLOWS and not admin:
        raise InvalidParameter("Initiate Auth method not supported.")
    signin.check_flow_allowed(client, flow_name)
    flow = Flow(
        ctx,
        pool,
        client,
        admin=admin,
        metadata=req.get("ClientMetadata"),
        context_data=req.get("UserContextData") or req.get("ContextData"),
    )
    starter = FLOW_STARTERS.get(flow_name)
    if starter is not None:
        return await starter(flow, params, req.get("Session"))
    if flow_name in REFRESH_FLOWS:
        return await _refresh(flow, params)
    username = params.get("USERNAME")
    if not username:
        raise InvalidParameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    if flow_name in PASSWORD_FLOWS:
        return await _password(flow, username, params)
    if flow_name == "USER_SRP_AUTH":
        return await _srp_start(flow, username, params)
    raise InvalidParameter(f"{flow_name} is not supported by this server yet.")


async def _password(flow: Flow, username: str, params: dict[str, str]) -> Response:
    ctx = flow.ctx
    assert ctx.kdf is not None
    password = params.get("PASSWORD")
    if password is None:
        raise InvalidParameter("Missing required parameter PASSWORD")
    user = find_user(None, flow.pool, username, store=ctx.store)
    if user is None:
        user = await migrate_user(
            ctx,
            flow.pool,
            flow.client,
            username,
            password=password,
            validation_data=flow.metadata,
            metadata=flow.metadata if flow.admin else None,
        )
        if user is not None:
            if user["UserStatus"] == users.RESET_REQUIRED:
                _reset_required(flow)
            await flow.pre_authentication(user)
            return await flow.after_first_factor(user, {"device_key": params.get("DEVICE_KEY")})
    if user is None:
        await _pre_auth_unknown(flow, username)
        await ctx.kdf.verify(None, password)  # same work as for a real user
        if prevents_existence_errors(flow.client):
            raise NotAuthorized(signin.INCORRECT)
        raise UserNotFound(USER_NOT_FOUND)
    if signin.locked(user, ctx.now()):
        raise NotAuthorized(signin.LOCKED)
    await flow.pre_authentication(user)
    if _needs_reset(user, "_PasswordHash"):
        await ctx.kdf.verify(None, password)  # same work as a password check
        _reset_required(flow)
    if not await ctx.kdf.verify(user.get("_PasswordHash"), password):
        raise flow.fail_password(user)
    signin.check_state(user, ctx.now())
    return await flow.after_first_factor(user, {"device_key": params.get("DEVICE_KEY")})


async def _pre_auth_unknown(flow: Flow, username: str) -> None:
    """With PreventUserExistenceErrors, the pre authentication trigger also runs for an unknown
    user, with ``userNotFound`` (§4.4)."""
    if prevents_existence_errors(flow.client):
        await flow.pre_authentication({"Username": username, "Attributes": {}}, not_found=True)


def _needs_reset(user: dict[str, Any], credential: str) -> bool:
    """An imported user (RESET_REQUIRED, no password yet): nothing to check a password against."""
    return user["UserStatus"] == users.RESET_REQUIRED and not user.get(credential)


def _reset_required(flow: Flow) -> None:
    """PasswordResetRequiredException, or with PreventUserExistenceErrors the generic
    NotAuthorizedException (reference §3.8, "Imported users needing a reset")."""
    if prevents_existence_errors(flow.client):
        raise NotAuthorized(signin.INCORRECT)
    raise PasswordResetRequired("Password reset required for the user")


async def _srp_start(flow: Flow, username: str, params: dict[str, str]) -> Response:
    user = find_user(None, flow.pool, username, store=flow.ctx.store)
    if user is None:
        await _pre_auth_unknown(flow, username)
    else:
        await flow.pre_authentication(user)
    return srp_first_step(flow, user, username, params)


def srp_first_step(
    flow: Flow,
    user: dict[str, Any] | None,
    username: str,
    params: dict[str, str],
    *,
    extra: dict[str, Any] | None = None,
) -> Response:
    """SRP's PASSWORD_VERIFIER challenge for ``user`` (None: unknown, simulated when
    PreventUserExistenceErrors is on); ``extra`` is kept in the challenge's state."""
    ctx = flow.ctx
    assert ctx.keys is not None
    a_public = params.get("SRP_A")
    if not a_public:
        raise InvalidParameter("Missing required parameter SRP_A")
    if not srp.valid_public_a(a_public):
        raise NotAuthorized(signin.INCORRECT)
    if user is not None and _needs_reset(user, "_Srp"):
        _reset_required(flow)
    if user is None or not user.get("_Srp"):
        if user is None and not prevents_existence_errors(flow.client):
            raise UserNotFound(USER_NOT_FOUND)
        # A simulated first step: the same salt every time, a verifier nobody can match.
        salt, verifier = srp.fake_salt_and_verifier(
            flow.pool_id, username, ctx.keys.code_hash("srp-fake", flow.pool_id).encode()
        )
        internal = srp.fake_user_id(
            flow.pool_id, username, ctx.keys.code_hash("srp-fake", flow.pool_id).encode()
        )
        # PostgreSQL text can't hold NUL; a space can't start a username (model pattern).
        ghost = {"_Key": " " + username, "Username": internal}
        return _verifier_challenge(
            flow, ghost, salt, verifier, a_public, params, ghost=True, extra=extra
        )
    salt, verifier = ctx.keys.decrypt(
        user["_Srp"], context=f"{flow.pool_id}/{user['Username']}"
    ).split(":")
    return _verifier_challenge(flow, user, salt, verifier, a_public, params, extra=extra)


def _verifier_challenge(
    flow: Flow,
    user: dict[str, Any],
    salt: str,
    verifier: str,
    a_public: str,
    params: dict[str, str],
    *,
    ghost: bool = False,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The PASSWORD_VERIFIER challenge; ``extra`` is kept in its state (custom auth's)."""
    b_secret, b_public = srp.server_challenge(verifier)
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    flow.open_session(
        user,
        "PASSWORD_VERIFIER",
        {
            "a": a_public,
            "b": b_secret,
            "B": b_public,
            "v": verifier,
            "ghost": ghost,
            "device_key": params.get("DEVICE_KEY"),
            "username": user["Username"],
            **(extra or {}),
        },
        token=secret_block,
    )
    # No Session: clients answer PASSWORD_VERIFIER with the SECRET_BLOCK only.
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": salt,
            "SRP_B": b_public,
            "SECRET_BLOCK": secret_block,
            "USER_ID_FOR_SRP": user["Username"],
            "USERNAME": user["Username"],
        },
    }


@challenge("PASSWORD_VERIFIER")
async def _password_verifier(
    flow: Flow, state: dict[str, Any], responses: dict[str, str]
) -> Response:
    user = check_password_claim(flow, state, responses)
    device_key = responses.get("DEVICE_KEY") or state.get("device_key")
    return await flow.after_first_factor(user, {"device_key": device_key})


def check_password_claim(
    flow: Flow, state: dict[str, Any], responses: dict[str, str]
) -> dict[str, Any]:
    """The user whose SRP password claim is right; raises NotAuthorizedException (a wrong
    claim is recorded as a failed sign-in)."""
    ctx = flow.ctx
    username = state["username"]
    signature = responses.get("PASSWORD_CLAIM_SIGNATURE", "")
    block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK", "")
    stamp = responses.get("TIMESTAMP", "")
    now = datetime.fromtimestamp(ctx.now(), UTC)
    if state["ghost"]:
        raise NotAuthorized(signin.INCORRECT)
    user = flow.user_of(state)
    if signin.locked(user, ctx.now()):
        raise NotAuthorized(signin.LOCKED)
    key = srp.session_key(flow.pool_id, username, state["v"], state["a"], state["b"], state["B"])
    good = srp.valid_timestamp(stamp, now) and srp.check_claim(
        key, flow.pool_id, username, block, stamp, signature
    )
    if not good:
        raise flow.fail_password(user)
    signin.check_state(user, ctx.now())
    return user


@challenge("NEW_PASSWORD_REQUIRED")
async def _new_password(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    ctx = flow.ctx
    user = flow.user_of(state)
    new_password = responses.get("NEW_PASSWORD")
    if not new_password:
        raise InvalidParameter("Missing required parameter NEW_PASSWORD")
    policy = (flow.pool.get("Policies") or {}).get("PasswordPolicy")
    passwords.check_password(policy, new_password)
    given = [
        {"Name": k.removeprefix("userAttributes."), "Value": v}
        for k, v in responses.items()
        if k.startswith("userAttributes.")
    ]
    updated, _unverified = (
        attributes.attributes_for_update(flow.pool, user["Attributes"], given, admin=False)
        if given
        else (dict(user["Attributes"]), [])
    )
    missing = attributes.missing_required(flow.pool, updated)
    if missing:
        raise InvalidParameter(f"Invalid attributes given, {missing[0]} is missing")
    await check_history(ctx, flow.pool, user, new_password)
    new = await credentials(ctx, flow.pool_id, user["Username"], new_password)
    with ctx.store.transaction() as tx:
        fresh = tx.users.get(flow.pool_id, user["_Key"], for_update=True)
        if fresh is None:
            raise NotAuthorized(signin.SESSION_INVALID)
        fresh["Attributes"] = updated
        remember_password(flow.pool, fresh, new)
        fresh["UserStatus"] = users.CONFIRMED
        fresh.pop("_TempPasswordExpiresAt", None)
        save_user(tx, flow.pool, fresh, now=ctx.now())
    return await flow.after_first_factor(fresh, {**state, "new_password": True})


async def _respond(ctx: Context, req: Request, *, admin: bool) -> Response:
    pool, client = _pool_and_client(ctx, req, admin)
    name = req["ChallengeName"]
    responses: dict[str, str] = req.get("ChallengeResponses") or {}
    handler = CHALLENGES.get(name)
    if handler is None:
        raise InvalidParameter(f"Challenge {name} is not supported by this server yet.")
    username = responses.get("USERNAME")
    if not username:
        raise InvalidParameter("Missing required parameter USERNAME")
    flow = Flow(
        ctx,
        pool,
        client,
        admin=admin,
        metadata=req.get("ClientMetadata"),
        context_data=req.get("UserContextData") or req.get("ContextData"),
    )
    flow.responding = True
    if name in SECRET_BLOCK_CHALLENGES:
        token = responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
        try:
            state = flow.take_session(token, name)
        except NotAuthorized:
            raise NotAuthorized(signin.INCORRECT) from None
    else:
        session = req.get("Session")
        if not session:
            raise InvalidParameter("Missing required parameter Session")
        state = flow.take_session(session, name)
    # SECRET_HASH in a challenge response is computed over the internal username.
    internal = state.get("username") or username
    check_secret_hash(
        client, internal if username != internal else username, responses.get("SECRET_HASH")
    )
    return await handler(flow, state, responses)


async def _refresh(flow: Flow, params: dict[str, str]) -> Response:
    ctx = flow.ctx
    assert ctx.keys is not None
    token = params.get("REFRESH_TOKEN")
    if not token:
        raise InvalidParameter("Missing required parameter REFRESH_TOKEN")
    rotation = (flow.client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"
    if rotation:
        raise InvalidParameter(
            "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken."
        )
    # Without rotation a refresh writes nothing: read-only single statements (no transaction,
    # no row lock), so concurrent refreshes — and the RSA work — never wait on each other.
    tx: Any = ctx.store.snapshot()
    claims = decode_refresh_token(tx, keyring_for(ctx.keys), token, pool_id=flow.pool_id)
    if claims is not None:
        tx.prefetch_family(claims["origin_jti"])  # family, user, groups: one round trip
    family = read_refresh_token(
        tx,
        keyring_for(ctx.keys),
        token,
        pool_id=flow.pool_id,
        client=flow.client,
        now=ctx.now(),
        lock=False,
    )
    user = tx.users.get(flow.pool_id, family["username_key"])
    if user is None or user["Attributes"].get("sub") != family["sub"]:
        # Deleted (perhaps re-created under the same name): not the family's user.
        raise UserNotFound(USER_NOT_FOUND)
    check_secret_hash(flow.client, user["Username"], params.get("SECRET_HASH"))
    if not user["Enabled"]:
        raise NotAuthorized(signin.DISABLED)
    hook = await token_hook(ctx, flow.pool, flow.client, user, "RefreshTokens")
    result = issue(
        tx,
        keyring_for(ctx.keys),
        issuer=ctx.settings.issuer(flow.pool_id, ctx.region),
        pool_id=flow.pool_id,
        client=flow.client,
        user=user,
        now=ctx.now(),
        family=family,
        refresh=False,
        claims_hook=hook,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


@operation("InitiateAuth")
async def initiate_auth(ctx: Context, req: Request) -> Response:
    return await _initiate(ctx, req, admin=False)


@operation("AdminInitiateAuth")
async def admin_initiate_auth(ctx: Context, req: Request) -> Response:
    return await _initiate(ctx, req, admin=True)


@operation("RespondToAuthChallenge")
async def respond_to_auth_challenge(ctx: Context, req: Request) -> Response:
    return await _respond(ctx, req, admin=False)


@operation("AdminRespondToAuthChallenge")
async def admin_respond_to_auth_challenge(ctx: Context, req: Request) -> Response:
    return await _respond(ctx, req, admin=True)
