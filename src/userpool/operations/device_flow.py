"""Remembered devices in sign-in: NewDeviceMetadata, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER.

Device tracking is on when the pool's ``DeviceConfiguration`` has any field [API:
DeviceConfigurationType]. Then (reference §3.3, §3.6, [DG:amazon-cognito-user-pools-device-
tracking]):

* A sign-in that sends no ``DEVICE_KEY`` ends with ``NewDeviceMetadata{DeviceKey
  "<region>_<uuid>", DeviceGroupKey}`` and an access token carrying ``device_key``. Nothing is
  stored yet: ConfirmDevice accepts only the device key of the caller's own access token, so the
  key proves it was issued to that user. The group key is derived from the server key and the
  user's ``sub`` (stable per user; AWS's look like "-wt2ha1Zd").
* A sign-in that sends ``DEVICE_KEY`` runs ``device_step`` first of the steps after the first
  factor (it comes "in place of the MFA challenge"): an unknown or forgotten device is
  ``ResourceNotFoundException`` "Device does not exist." (what clients retry on:
  [GH:amazon-archives/amazon-cognito-identity-js#200], [GH:aws-amplify/amplify-android#2605]); a
  remembered device with a verifier gets ``DEVICE_SRP_AUTH``; a tracked but not remembered
  device signs in normally (MFA still applies) and its key goes into the tokens.
* ``DEVICE_SRP_AUTH{USERNAME, DEVICE_KEY, SRP_A}`` (with the Session: AWS announced it would
  become required, [GH:aws-amplify/aws-sdk-android#2337]) answers ``DEVICE_PASSWORD_VERIFIER``
  with ``SRP_B, SALT, SECRET_BLOCK, USERNAME, DEVICE_KEY``; like PASSWORD_VERIFIER, that answer
  is found by its SECRET_BLOCK, so no Session is needed to answer it.
* A right claim: when ``ChallengeRequiredOnNewDevice`` is true the remembered device stands in
  for MFA and tokens follow; otherwise the remaining steps (MFA) still run. AWS: "When true, a
  remembered device can sign in with device authentication instead of SMS and TOTP factors"
  [API:DeviceConfigurationType]; with false we keep MFA (the safer reading).
* A DEVICE_KEY sent to a pool without device tracking is ignored (never put in a token).
"""

from __future__ import annotations

import base64
import secrets
import string
import uuid
from datetime import UTC, datetime
from typing import Any

from userpool.domain import signin, srp
from userpool.domain.errors import InvalidParameter, NotAuthorized, ResourceNotFound
from userpool.operations import Response, auth
from userpool.operations.auth import Flow, challenge
from userpool.store.devices import DeviceRows

NO_DEVICE = "Device does not exist."
REMEMBERED = "remembered"
NOT_REMEMBERED = "not_remembered"
_BASE62 = string.digits + string.ascii_letters


def tracking(pool: dict[str, Any]) -> bool:
    """Whether the pool remembers devices: any DeviceConfiguration field given."""
    config = pool.get("DeviceConfiguration")
    return isinstance(config, dict) and any(v is not None for v in config.values())


def suppresses_mfa(pool: dict[str, Any]) -> bool:
    return bool((pool.get("DeviceConfiguration") or {}).get("ChallengeRequiredOnNewDevice"))


def new_device_key(region: str) -> str:
    return f"{region}_{uuid.uuid4()}"


def group_key(keyed_hash_hex: str) -> str:
    """AWS's DeviceGroupKey shape, "-" and 8 letters/digits, from a keyed hash of the user."""
    value = int(keyed_hash_hex, 16)
    chars = []
    for _ in range(8):
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "-" + "".join(chars)


def user_group_key(flow_or_ctx: Any, pool_id: str, sub: str) -> str:
    ctx = getattr(flow_or_ctx, "ctx", flow_or_ctx)
    assert ctx.keys is not None
    return group_key(ctx.keys.code_hash("device-group", pool_id, sub))


def secret_context(pool_id: str, device_key: str) -> str:
    return f"{pool_id}/device/{device_key}"


def owned_device(
    rows: DeviceRows, pool_id: str, device_key: str, sub: str, *, for_update: bool = False
) -> dict[str, Any]:
    """The user's device, else ResourceNotFoundException "Device does not exist."."""
    device = rows.get(pool_id, device_key, for_update=for_update)
    if device is None or device["_Sub"] != sub:
        raise ResourceNotFound(NO_DEVICE)
    return device


def _sub(user: dict[str, Any]) -> str:
    return str(user["Attributes"]["sub"])


# -- the step after the first factor -----------------------------------------------------------
async def device_step(flow: Flow, user: dict[str, Any], state: dict[str, Any]) -> Response | None:
    key = state.get("device_key")
    if not key or state.get("device_verified"):
        return None
    if not tracking(flow.pool):
        state["device_key"] = None  # an unverifiable key never reaches a token
        return None
    with flow.ctx.store.reader() as tx:
        device = owned_device(DeviceRows(tx.conn), flow.pool_id, key, _sub(user))
    if device.get("_Status") != REMEMBERED or not device.get("_Secret"):
        return None  # tracked only: the usual steps (MFA) follow
    return flow.challenge(
        user, "DEVICE_SRP_AUTH", {}, {"device_key": key, "username": user["Username"]}
    )


@challenge("DEVICE_SRP_AUTH")
async def _device_srp(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    ctx = flow.ctx
    assert ctx.keys is not None
    key = responses.get("DEVICE_KEY")
    if not key:
        raise InvalidParameter("Missing required parameter DEVICE_KEY")
    if key != state.get("device_key"):
        raise NotAuthorized(signin.SESSION_INVALID)
    a_public = responses.get("SRP_A")
    if not a_public:
        raise InvalidParameter("Missing required parameter SRP_A")
    if not srp.valid_public_a(a_public):
        raise NotAuthorized(signin.INCORRECT)
    user = flow.user_of(state)
    signin.check_state(user, ctx.now())
    with ctx.store.reader() as tx:
        device = owned_device(DeviceRows(tx.conn), flow.pool_id, key, _sub(user))
    if not device.get("_Secret"):
        raise ResourceNotFound(NO_DEVICE)
    salt, verifier = ctx.keys.decrypt(
        device["_Secret"], context=secret_context(flow.pool_id, key)
    ).split(":")
    b_secret, b_public = srp.server_challenge(verifier)
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    flow.open_session(
        user,
        "DEVICE_PASSWORD_VERIFIER",
        {
            "a": a_public,
            "b": b_secret,
            "B": b_public,
            "v": verifier,
            "device_key": key,
            "group": device["_GroupKey"],
            "username": user["Username"],
        },
        token=secret_block,
    )
    return {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SRP_B": b_public,
            "SALT": salt,
            "SECRET_BLOCK": secret_block,
            "USERNAME": user["Username"],
            "DEVICE_KEY": key,
        },
    }


@challenge("DEVICE_PASSWORD_VERIFIER")
async def _device_verifier(
    flow: Flow, state: dict[str, Any], responses: dict[str, str]
) -> Response:
    ctx = flow.ctx
    key = state["device_key"]
    if responses.get("DEVICE_KEY", key) != key:
        raise NotAuthorized(signin.INCORRECT)
    stamp = responses.get("TIMESTAMP", "")
    now = datetime.fromtimestamp(ctx.now(), UTC)
    session_key = srp.session_key(
        state["group"], key, state["v"], state["a"], state["b"], state["B"]
    )
    good = srp.valid_timestamp(stamp, now) and srp.check_claim(
        session_key,
        state["group"],
        key,
        responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""),
        stamp,
        responses.get("PASSWORD_CLAIM_SIGNATURE", ""),
        device=True,
    )
    if not good:
        raise NotAuthorized(signin.INCORRECT)
    user = flow.user_of(state)
    signin.check_state(user, ctx.now())
    if suppresses_mfa(flow.pool):
        return await flow.tokens(user, device_key=key, source="AuthenticateDevice")
    return await flow.after_first_factor(user, {"device_key": key, "device_verified": True})


# -- when tokens are issued --------------------------------------------------------------------
def on_tokens(
    flow: Flow, tx: Any, user: dict[str, Any], device_key: str | None
) -> tuple[str | None, dict[str, str] | None]:
    """The device key the tokens carry and the NewDeviceMetadata to return (see module doc);
    a known device's DeviceLastAuthenticatedDate moves to now."""
    if not tracking(flow.pool):
        return None, None
    if device_key:
        rows = DeviceRows(tx.conn)
        device = rows.get(flow.pool_id, device_key, for_update=True)
        if device is None or device["_Sub"] != _sub(user):
            return None, None
        device["DeviceLastAuthenticatedDate"] = float(int(flow.ctx.now()))
        rows.update(flow.pool_id, device)
        return device_key, None
    key = new_device_key(flow.ctx.region)
    group = user_group_key(flow, flow.pool_id, _sub(user))
    return key, {"DeviceKey": key, "DeviceGroupKey": group}


# Device authentication comes in place of the MFA challenge: first of the steps.
auth.NEXT_STEPS.insert(0, device_step)
auth.SECRET_BLOCK_CHALLENGES.add("DEVICE_PASSWORD_VERIFIER")
auth.DEVICE_HOOKS.append(on_tokens)
