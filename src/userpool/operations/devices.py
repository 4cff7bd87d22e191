"""Remembered devices: ConfirmDevice, GetDevice, ListDevices, ForgetDevice, UpdateDeviceStatus,
AdminGetDevice, AdminListDevices, AdminForgetDevice, AdminUpdateDeviceStatus.

The sign-in side (NewDeviceMetadata, DEVICE_SRP_AUTH) is ``operations/device_flow.py``.

A stored device (``store/devices.py``) is the DeviceType's dates and key plus private fields:
``_Name``, ``_Status`` ("remembered" / "not_remembered"), ``_Secret`` (the device SRP
"salt:verifier" encrypted with the server key; absent when ConfirmDevice had no
DeviceSecretVerifierConfig — such a device never skips MFA) and ``_GroupKey``.

AWS behaviour, with sources:
- ConfirmDevice remembers the device at once unless ``DeviceOnlyRememberedOnUserPrompt``, in
  which case it is "not_remembered" and ``UserConfirmationNecessary`` is true until
  UpdateDeviceStatus [API:DeviceConfigurationType]; a second ConfirmDevice of the same key is
  ``DeviceKeyExistsException`` [API:ConfirmDevice] (its message is not documented: ours is
  "Device already exists.").
- The key must be the one in the caller's access token (issued to them in NewDeviceMetadata);
  another or unknown key, and any forgotten device, is ``ResourceNotFoundException`` "Device does
  not exist." ([GH:aws/aws-sdk-net-extensions-cognito#10]: UpdateDeviceStatus before
  ConfirmDevice).
- DeviceAttributes as the AWS CLI examples show them [CLI:cognito-idp get-device]:
  device_status "valid", device_name, dev:device_arn, dev:device_owner,
  dev:device_remembered_status (last_ip_used and dev:device_sdk are not known here). The owner
  is "<sub>.<pool id>" (the example shows a user name; ours is the stable sub).
- ForgetDevice also revokes the token families signed in with that device (its refresh tokens
  stop working): "ForgetDevice is the only way to invalidate the refresh token of another
  device" [GH:amazon-archives/amazon-cognito-identity-js#200].
- GetDevice / ForgetDevice declare AccessToken optional in the model, but a user is needed:
  without one, InvalidParameterException "Missing required parameter AccessToken" (unmeasured).
"""

from __future__ import annotations

from typing import Any

from userpool.domain import pagination, srp
from userpool.domain.errors import DeviceKeyExists, InvalidParameter, ResourceNotFound
from userpool.operations import Context, Request, Response, operation
from userpool.operations import device_flow as flow_rules
from userpool.operations.common import require_pool
from userpool.operations.self_service import caller
from userpool.operations.user_support import require_user
from userpool.store import Tx
from userpool.store.devices import DeviceRows
from userpool.store.errors import Duplicate
from userpool.tokens import revoke_family

KEY_EXISTS = "Device already exists."
KIND = "devices"
DEFAULT_LIMIT = 60  # 0..60 in the model; 0 means the default, as in list_users.py


# -- the DeviceType view -----------------------------------------------------------------------
def device_view(pool_id: str, region: str, account_id: str, device: dict[str, Any]) -> dict:
    """The DeviceType AWS returns for a stored device."""
    key, owner = device["_Key"], f"{device['_Sub']}.{pool_id}"
    attrs = [{"Name": "device_status", "Value": "valid"}]
    if device.get("_Name"):
        attrs.append({"Name": "device_name", "Value": device["_Name"]})
    attrs += [
        {
            "Name": "dev:device_arn",
            "Value": f"arn:aws:cognito-idp:{region}:{account_id}:owner/{owner}/device/{key}",
        },
        {"Name": "dev:device_owner", "Value": owner},
        {"Name": "dev:device_remembered_status", "Value": device["_Status"]},
    ]
    return {
        "DeviceKey": key,
        "DeviceAttributes": attrs,
        "DeviceCreateDate": device["DeviceCreateDate"],
        "DeviceLastModifiedDate": device["DeviceLastModifiedDate"],
        "DeviceLastAuthenticatedDate": device["DeviceLastAuthenticatedDate"],
    }


def _view(ctx: Context, pool_id: str, device: dict[str, Any]) -> dict[str, Any]:
    return device_view(pool_id, ctx.region, ctx.account_id, device)


def _token(req: Request) -> str:
    token = req.get("AccessToken")
    if not token:
        raise InvalidParameter("Missing required parameter AccessToken")
    return str(token)


def _sub(user: dict[str, Any]) -> str:
    return str(user["Attributes"]["sub"])


# -- ConfirmDevice -----------------------------------------------------------------------------
def _secret(ctx: Context, pool_id: str, key: str, config: dict[str, Any] | None) -> str | None:
    """The encrypted "salt:verifier" of DeviceSecretVerifierConfig (None when not given)."""
    if not config:
        return None
    assert ctx.keys is not None
    salt, verifier = srp.device_verifier_from_config(
        config.get("PasswordVerifier") or "", config.get("Salt") or ""
    )
    return ctx.keys.encrypt(f"{salt}:{verifier}", context=flow_rules.secret_context(pool_id, key))


@operation("ConfirmDevice")
def confirm_device(ctx: Context, req: Request) -> Response:
    key = req["DeviceKey"]
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"])
        if who.claims.get("device_key") != key:
            raise ResourceNotFound(flow_rules.NO_DEVICE)
        prompt = bool(
            (who.pool.get("DeviceConfiguration") or {}).get("DeviceOnlyRememberedOnUserPrompt")
        )
        now = ctx.now()
        device = {
            "DeviceCreateDate": now,
            "DeviceLastModifiedDate": now,
            "DeviceLastAuthenticatedDate": float(int(now)),
            "_Status": flow_rules.NOT_REMEMBERED if prompt else flow_rules.REMEMBERED,
            "_GroupKey": flow_rules.user_group_key(ctx, who.pool_id, _sub(who.user)),
        }
        if req.get("DeviceName"):
            device["_Name"] = req["DeviceName"]
        secret = _secret(ctx, who.pool_id, key, req.get("DeviceSecretVerifierConfig"))
        if secret:
            device["_Secret"] = secret
        try:
            DeviceRows(tx.conn).insert(who.pool_id, _sub(who.user), key, device, now)
        except Duplicate:
            raise DeviceKeyExists(KEY_EXISTS) from None
    return {"UserConfirmationNecessary": prompt}


# -- shared by the user and admin variants -----------------------------------------------------
def _set_status(ctx: Context, tx: Tx, pool_id: str, sub: str, req: Request) -> None:
    rows = DeviceRows(tx.conn)
    device = flow_rules.owned_device(rows, pool_id, req["DeviceKey"], sub, for_update=True)
    status = req.get("DeviceRememberedStatus")
    if status is None:  # optional in the model: nothing to change
        return
    device["_Status"] = status
    device["DeviceLastModifiedDate"] = ctx.now()
    rows.update(pool_id, device)


def _forget(tx: Tx, pool_id: str, sub: str, key: str) -> None:
    rows = DeviceRows(tx.conn)
    flow_rules.owned_device(rows, pool_id, key, sub, for_update=True)
    rows.delete(pool_id, key)
    for family in tx.tokens.families_of(pool_id, sub):
        if family.get("device_key") == key and not family["revoked"]:
            revoke_family(tx, family["origin_jti"])


def _list(ctx: Context, tx: Tx, pool_id: str, sub: str, req: Request) -> Response:
    limit = req.get("Limit") or DEFAULT_LIMIT
    after = None
    token = req.get("PaginationToken")
    if token:
        position = pagination.decode(token, kind=KIND)
        if position.get("p") != pool_id or position.get("u") != sub:
            raise InvalidParameter("Invalid pagination token.")
        after = position.get("a")
        if not isinstance(after, str):
            raise InvalidParameter("Invalid pagination token.")
    found, more = pagination.page(DeviceRows(tx.conn).page(pool_id, sub, after, limit + 1), limit)
    result: Response = {"Devices": [_view(ctx, pool_id, d) for d in found]}
    if more:
        result["PaginationToken"] = pagination.encode(
            {"k": KIND, "p": pool_id, "u": sub, "a": found[-1]["_Key"]}
        )
    return result


# -- with the user's access token --------------------------------------------------------------
@operation("GetDevice")
def get_device(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        who = caller(ctx, tx, _token(req))
        device = flow_rules.owned_device(
            DeviceRows(tx.conn), who.pool_id, req["DeviceKey"], _sub(who.user)
        )
    return {"Device": _view(ctx, who.pool_id, device)}


@operation("ListDevices")
def list_devices(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        who = caller(ctx, tx, req["AccessToken"])
        return _list(ctx, tx, who.pool_id, _sub(who.user), req)


@operation("ForgetDevice")
def forget_device(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, _token(req))
        _forget(tx, who.pool_id, _sub(who.user), req["DeviceKey"])
    return {}


@operation("UpdateDeviceStatus")
def update_device_status(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        who = caller(ctx, tx, req["AccessToken"])
        _set_status(ctx, tx, who.pool_id, _sub(who.user), req)
    return {}


# -- administrators ----------------------------------------------------------------------------
def _admin_user(tx: Tx, req: Request) -> tuple[str, str]:
    pool = require_pool(tx, req["UserPoolId"])
    user = require_user(tx, pool, req["Username"])
    return str(pool["Id"]), _sub(user)


@operation("AdminGetDevice")
def admin_get_device(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool_id, sub = _admin_user(tx, req)
        device = flow_rules.owned_device(DeviceRows(tx.conn), pool_id, req["DeviceKey"], sub)
    return {"Device": _view(ctx, pool_id, device)}


@operation("AdminListDevices")
def admin_list_devices(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool_id, sub = _admin_user(tx, req)
        return _list(ctx, tx, pool_id, sub, req)


@operation("AdminForgetDevice")
def admin_forget_device(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool_id, sub = _admin_user(tx, req)
        _forget(tx, pool_id, sub, req["DeviceKey"])
    return {}


@operation("AdminUpdateDeviceStatus")
def admin_update_device_status(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool_id, sub = _admin_user(tx, req)
        _set_status(ctx, tx, pool_id, sub, req)
    return {}
