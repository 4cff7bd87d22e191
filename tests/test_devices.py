"""Remembered devices: NewDeviceMetadata, ConfirmDevice, device SRP in sign-in (driven with
pycognito's SRP helpers over boto3), and the device operations — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import jwt
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

from tests.auth_helpers import confirmed_user, flows_client, password_sign_in
from tests.user_helpers import STRONG, make_pool, rejected, unique

REMEMBER = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
NO_DEVICE = ("ResourceNotFoundException", "Device does not exist.")


@pytest.fixture
def tracked(cognito: Any) -> dict[str, Any]:
    """A pool remembering devices, an app client allowing every flow, and a confirmed user."""
    pool = make_pool(cognito, DeviceConfiguration=REMEMBER)
    client = flows_client(cognito, pool["Id"])
    return {"pool": pool, "client": client, "user": confirmed_user(cognito, pool["Id"])}


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def srp_helper(cognito: Any, env: dict[str, Any], device: dict[str, str] | None = None) -> AWSSRP:
    device = device or {}
    return AWSSRP(
        username=env["user"],
        password=STRONG,
        pool_id=env["pool"]["Id"],
        client_id=env["client"]["ClientId"],
        client=cognito,
        device_key=device.get("key"),
        device_group_key=device.get("group"),
        device_password=device.get("password"),
    )


def srp_first_factor(cognito: Any, helper: AWSSRP, client_id: str) -> dict[str, Any]:
    """USER_SRP_AUTH then PASSWORD_VERIFIER (DEVICE_KEY in both when the helper has one)."""
    params = helper.get_auth_params()
    start = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(start["ChallengeParameters"], params),
    )


def new_device(cognito: Any, env: dict[str, Any], name: str = "laptop") -> dict[str, Any]:
    """Sign in without a device key, confirm the device it got; its keys and password."""
    tokens = srp_first_factor(cognito, srp_helper(cognito, env), env["client"]["ClientId"])
    result = tokens["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    password, config = generate_hash_device(meta["DeviceGroupKey"], meta["DeviceKey"])
    confirmed = cognito.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=meta["DeviceKey"],
        DeviceSecretVerifierConfig=config,
        DeviceName=name,
    )
    return {
        "key": meta["DeviceKey"],
        "group": meta["DeviceGroupKey"],
        "password": password,
        "access": result["AccessToken"],
        "refresh": result["RefreshToken"],
        "confirmed": confirmed,
    }


def device_sign_in(
    cognito: Any, env: dict[str, Any], device: dict[str, Any], *, password: str | None = None
) -> dict[str, Any]:
    """The full remembered-device sign-in: SRP, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER."""
    client_id = env["client"]["ClientId"]
    helper = srp_helper(cognito, env, {**device, "password": password or device["password"]})
    answer = srp_first_factor(cognito, helper, client_id)
    assert answer["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert answer["Session"]
    verifier = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": env["user"],
            "DEVICE_KEY": device["key"],
            "SRP_A": long_to_hex(helper.large_a_value),
        },
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    params = verifier["ChallengeParameters"]
    assert {"SRP_B", "SALT", "SECRET_BLOCK", "USERNAME"} <= set(params)
    assert params["DEVICE_KEY"] == device["key"]
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_device_challenge(params),
    )


def attrs(device: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}


# -- sign-in -------------------------------------------------------------------------------------
def test_new_device_metadata_and_device_key_claim(cognito: Any, tracked: dict[str, Any]) -> None:
    result = password_sign_in(cognito, tracked["client"], tracked["user"])["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    assert re.fullmatch(r"us-east-1_[0-9a-f-]{36}", meta["DeviceKey"])
    assert re.fullmatch(r"-[0-9A-Za-z]{8}", meta["DeviceGroupKey"])
    assert claims(result["AccessToken"])["device_key"] == meta["DeviceKey"]
    again = password_sign_in(cognito, tracked["client"], tracked["user"])["AuthenticationResult"]
    assert again["NewDeviceMetadata"]["DeviceKey"] != meta["DeviceKey"]
    assert again["NewDeviceMetadata"]["DeviceGroupKey"] == meta["DeviceGroupKey"]


def test_pool_without_device_tracking(cognito: Any) -> None:
    pool = make_pool(cognito)
    client = flows_client(cognito, pool["Id"])
    user = confirmed_user(cognito, pool["Id"])
    result = password_sign_in(cognito, client, user)["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert "device_key" not in claims(result["AccessToken"])
    # A DEVICE_KEY is ignored: it never reaches a token.
    key = "us-east-1_00000000-0000-4000-8000-000000000000"
    result = password_sign_in(cognito, client, user, DEVICE_KEY=key)["AuthenticationResult"]
    assert "device_key" not in claims(result["AccessToken"])


def test_remembered_device_flow(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    assert device["confirmed"]["UserConfirmationNecessary"] is False
    tokens = device_sign_in(cognito, tracked, device)
    result = tokens["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert claims(result["AccessToken"])["device_key"] == device["key"]
    assert claims(result["IdToken"])["cognito:username"] == tracked["user"]
    # USER_PASSWORD_AUTH with the device key also asks for the device.
    answer = password_sign_in(
        cognito, tracked["client"], tracked["user"], DEVICE_KEY=device["key"]
    )
    assert answer["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert answer["ChallengeParameters"] == {}


def test_wrong_device_password(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    wrong, _config = generate_hash_device(device["group"], device["key"])
    code, message = rejected(device_sign_in, cognito=cognito, env=tracked, device=device,
                             password=wrong)
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password.")


def test_device_challenges_need_their_session(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    client_id = tracked["client"]["ClientId"]
    responses = {"USERNAME": tracked["user"], "DEVICE_KEY": device["key"], "SRP_A": "abcd"}
    code, _ = rejected(
        cognito.respond_to_auth_challenge,
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", ChallengeResponses=responses,
    )
    assert code == "InvalidParameterException"
    code, message = rejected(
        cognito.respond_to_auth_challenge,
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses={
            "USERNAME": tracked["user"],
            "DEVICE_KEY": device["key"],
            "PASSWORD_CLAIM_SECRET_BLOCK": "bm90IGEgYmxvY2s=",
            "PASSWORD_CLAIM_SIGNATURE": "x",
            "TIMESTAMP": "Mon Jan 1 00:00:00 UTC 2024",
        },
    )
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password.")
    # A DEVICE_SRP_AUTH answer naming another device key.
    answer = password_sign_in(
        cognito, tracked["client"], tracked["user"], DEVICE_KEY=device["key"]
    )
    other = {**responses, "DEVICE_KEY": "us-east-1_11111111-1111-4111-8111-111111111111"}
    code, _ = rejected(
        cognito.respond_to_auth_challenge,
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=answer["Session"],
        ChallengeResponses=other,
    )
    assert code == "NotAuthorizedException"


def test_device_without_mfa_suppression(cognito: Any) -> None:
    """ChallengeRequiredOnNewDevice false: the device is still authenticated, then the usual
    steps (no MFA in this pool) give tokens."""
    pool = make_pool(cognito, DeviceConfiguration={"ChallengeRequiredOnNewDevice": False})
    env = {
        "pool": pool,
        "client": flows_client(cognito, pool["Id"]),
        "user": confirmed_user(cognito, pool["Id"]),
    }
    device = new_device(cognito, env)
    result = device_sign_in(cognito, env, device)["AuthenticationResult"]
    assert claims(result["AccessToken"])["device_key"] == device["key"]


def test_unknown_and_forgotten_device_at_sign_in(cognito: Any, tracked: dict[str, Any]) -> None:
    unknown = "us-east-1_22222222-2222-4222-8222-222222222222"
    assert rejected(
        password_sign_in, cognito=cognito, client=tracked["client"], username=tracked["user"],
        DEVICE_KEY=unknown,
    ) == NO_DEVICE
    device = new_device(cognito, tracked)
    cognito.forget_device(AccessToken=device["access"], DeviceKey=device["key"])
    helper = srp_helper(cognito, tracked, device)
    assert rejected(
        srp_first_factor, cognito=cognito, helper=helper, client_id=tracked["client"]["ClientId"]
    ) == NO_DEVICE


def test_another_users_device_does_not_exist(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    other = confirmed_user(cognito, tracked["pool"]["Id"])
    assert rejected(
        password_sign_in, cognito=cognito, client=tracked["client"], username=other,
        DEVICE_KEY=device["key"],
    ) == NO_DEVICE
    assert rejected(
        cognito.admin_get_device,
        UserPoolId=tracked["pool"]["Id"], Username=other, DeviceKey=device["key"],
    ) == NO_DEVICE


# -- ConfirmDevice and status --------------------------------------------------------------------
def test_confirm_device_errors(cognito: Any, tracked: dict[str, Any]) -> None:
    result = password_sign_in(cognito, tracked["client"], tracked["user"])["AuthenticationResult"]
    key = result["NewDeviceMetadata"]["DeviceKey"]
    _password, config = generate_hash_device(result["NewDeviceMetadata"]["DeviceGroupKey"], key)
    other_key = "us-east-1_33333333-3333-4333-8333-333333333333"
    assert rejected(
        cognito.confirm_device, AccessToken=result["AccessToken"], DeviceKey=other_key,
        DeviceSecretVerifierConfig=config,
    ) == NO_DEVICE
    bad = {"PasswordVerifier": "not base64!", "Salt": config["Salt"]}
    code, _ = rejected(
        cognito.confirm_device, AccessToken=result["AccessToken"], DeviceKey=key,
        DeviceSecretVerifierConfig=bad,
    )
    assert code == "InvalidParameterException"
    cognito.confirm_device(
        AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config
    )
    code, _ = rejected(
        cognito.confirm_device, AccessToken=result["AccessToken"], DeviceKey=key,
        DeviceSecretVerifierConfig=config,
    )
    assert code == "DeviceKeyExistsException"
    code, message = rejected(cognito.confirm_device, AccessToken="not.a.token", DeviceKey=key)
    assert (code, message) == ("NotAuthorizedException", "Invalid Access Token")


def test_user_prompt_and_update_device_status(cognito: Any) -> None:
    config = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
    pool = make_pool(cognito, DeviceConfiguration=config)
    env = {
        "pool": pool,
        "client": flows_client(cognito, pool["Id"]),
        "user": confirmed_user(cognito, pool["Id"]),
    }
    device = new_device(cognito, env)
    assert device["confirmed"]["UserConfirmationNecessary"] is True
    got = cognito.get_device(AccessToken=device["access"], DeviceKey=device["key"])["Device"]
    assert attrs(got)["dev:device_remembered_status"] == "not_remembered"
    # Not remembered: the device key is accepted but no device challenge follows.
    result = password_sign_in(cognito, env["client"], env["user"], DEVICE_KEY=device["key"])
    assert claims(result["AuthenticationResult"]["AccessToken"])["device_key"] == device["key"]
    assert "NewDeviceMetadata" not in result["AuthenticationResult"]
    cognito.update_device_status(
        AccessToken=device["access"], DeviceKey=device["key"],
        DeviceRememberedStatus="remembered",
    )
    got = cognito.get_device(AccessToken=device["access"], DeviceKey=device["key"])["Device"]
    assert attrs(got)["dev:device_remembered_status"] == "remembered"
    assert got["DeviceLastModifiedDate"] >= got["DeviceCreateDate"]
    device_sign_in(cognito, env, device)
    cognito.admin_update_device_status(
        UserPoolId=pool["Id"], Username=env["user"], DeviceKey=device["key"],
        DeviceRememberedStatus="not_remembered",
    )
    answer = password_sign_in(cognito, env["client"], env["user"], DEVICE_KEY=device["key"])
    assert "AuthenticationResult" in answer
    assert rejected(
        cognito.update_device_status, AccessToken=device["access"],
        DeviceKey="us-east-1_44444444-4444-4444-8444-444444444444",
        DeviceRememberedStatus="remembered",
    ) == NO_DEVICE


# -- Get / List / Forget ------------------------------------------------------------------------
def test_get_and_list_devices(cognito: Any, tracked: dict[str, Any]) -> None:
    pool_id, user = tracked["pool"]["Id"], tracked["user"]
    first = new_device(cognito, tracked, "laptop")
    second = new_device(cognito, tracked, "phone")
    got = cognito.get_device(AccessToken=first["access"], DeviceKey=first["key"])["Device"]
    assert got["DeviceKey"] == first["key"]
    seen = attrs(got)
    sub = claims(first["access"])["sub"]
    assert seen["device_status"] == "valid"
    assert seen["device_name"] == "laptop"
    assert seen["dev:device_remembered_status"] == "remembered"
    assert seen["dev:device_owner"] == f"{sub}.{pool_id}"
    assert seen["dev:device_arn"].endswith(f":owner/{sub}.{pool_id}/device/{first['key']}")
    assert {"DeviceCreateDate", "DeviceLastModifiedDate", "DeviceLastAuthenticatedDate"} <= set(
        got
    )
    assert cognito.admin_get_device(UserPoolId=pool_id, Username=user, DeviceKey=first["key"])[
        "Device"
    ]["DeviceKey"] == first["key"]
    listed = cognito.list_devices(AccessToken=second["access"])
    assert sorted(d["DeviceKey"] for d in listed["Devices"]) == sorted(
        [first["key"], second["key"]]
    )
    assert "PaginationToken" not in listed
    page1 = cognito.admin_list_devices(UserPoolId=pool_id, Username=user, Limit=1)
    assert len(page1["Devices"]) == 1
    page2 = cognito.admin_list_devices(
        UserPoolId=pool_id, Username=user, Limit=1, PaginationToken=page1["PaginationToken"]
    )
    assert len(page2["Devices"]) == 1 and "PaginationToken" not in page2
    assert page1["Devices"][0]["DeviceKey"] != page2["Devices"][0]["DeviceKey"]
    code, _ = rejected(
        cognito.list_devices, AccessToken=first["access"], PaginationToken="forged-token"
    )
    assert code == "InvalidParameterException"
    # Another user sees none of them.
    other = confirmed_user(cognito, pool_id)
    assert cognito.admin_list_devices(UserPoolId=pool_id, Username=other)["Devices"] == []


def test_sign_in_moves_last_authenticated_date(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    before = cognito.get_device(AccessToken=device["access"], DeviceKey=device["key"])["Device"]
    device_sign_in(cognito, tracked, device)
    after = cognito.get_device(AccessToken=device["access"], DeviceKey=device["key"])["Device"]
    assert after["DeviceLastAuthenticatedDate"] >= before["DeviceLastAuthenticatedDate"]


def test_forget_device_and_its_refresh_tokens(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    keep = new_device(cognito, tracked)
    signed = device_sign_in(cognito, tracked, device)["AuthenticationResult"]
    cognito.forget_device(AccessToken=keep["access"], DeviceKey=device["key"])
    assert rejected(
        cognito.get_device, AccessToken=keep["access"], DeviceKey=device["key"]
    ) == NO_DEVICE
    assert rejected(
        cognito.forget_device, AccessToken=keep["access"], DeviceKey=device["key"]
    ) == NO_DEVICE
    code, _ = rejected(
        cognito.initiate_auth,
        ClientId=tracked["client"]["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": signed["RefreshToken"]},
    )
    assert code == "NotAuthorizedException"
    # The other device's sessions are untouched.
    cognito.initiate_auth(
        ClientId=tracked["client"]["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": keep["refresh"]},
    )
    pool_id, user = tracked["pool"]["Id"], tracked["user"]
    cognito.admin_forget_device(UserPoolId=pool_id, Username=user, DeviceKey=keep["key"])
    assert cognito.admin_list_devices(UserPoolId=pool_id, Username=user)["Devices"] == []


def test_deleted_user_takes_its_devices(cognito: Any, tracked: dict[str, Any]) -> None:
    pool_id, user = tracked["pool"]["Id"], tracked["user"]
    device = new_device(cognito, tracked)
    cognito.admin_delete_user(UserPoolId=pool_id, Username=user)
    confirmed_user(cognito, pool_id, username=user)  # same name, a different user
    assert cognito.admin_list_devices(UserPoolId=pool_id, Username=user)["Devices"] == []
    assert rejected(
        cognito.admin_get_device, UserPoolId=pool_id, Username=user, DeviceKey=device["key"]
    ) == NO_DEVICE


# -- validation and unknown resources -----------------------------------------------------------
def test_admin_unknown_pool_user_and_validation(
    cognito: Any, loose: Any, tracked: dict[str, Any]
) -> None:
    pool_id, user = tracked["pool"]["Id"], tracked["user"]
    key = "us-east-1_55555555-5555-4555-8555-555555555555"
    code, message = rejected(
        cognito.admin_get_device, UserPoolId="us-east-1_Nope1", Username=user, DeviceKey=key
    )
    assert code == "ResourceNotFoundException"
    assert message == "User pool us-east-1_Nope1 does not exist."
    for call in (cognito.admin_get_device, cognito.admin_forget_device):
        assert rejected(call, UserPoolId=pool_id, Username=unique(), DeviceKey=key) == (
            "UserNotFoundException", "User does not exist."
        )
    assert rejected(cognito.admin_list_devices, UserPoolId=pool_id, Username=unique()) == (
        "UserNotFoundException", "User does not exist."
    )
    assert rejected(
        cognito.admin_get_device, UserPoolId=pool_id, Username=user, DeviceKey=key
    ) == NO_DEVICE
    code, _ = rejected(
        loose.admin_update_device_status, UserPoolId=pool_id, Username=user, DeviceKey=key,
        DeviceRememberedStatus="forgotten",
    )
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.admin_list_devices, UserPoolId=pool_id, Username=user, Limit=61)
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.admin_forget_device, UserPoolId=pool_id, Username=user)
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.get_device, DeviceKey=key)
    assert code == "InvalidParameterException"
    code, _ = rejected(loose.admin_get_device, UserPoolId=pool_id, Username=user, DeviceKey="x")
    assert code == "InvalidParameterException"


# -- in place of MFA -----------------------------------------------------------------------------
def _mfa_on(cognito: Any, pool_id: str) -> None:
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )


def test_remembered_device_stands_in_for_mfa(cognito: Any, tracked: dict[str, Any]) -> None:
    device = new_device(cognito, tracked)
    _mfa_on(cognito, tracked["pool"]["Id"])
    result = device_sign_in(cognito, tracked, device)["AuthenticationResult"]
    assert claims(result["AccessToken"])["device_key"] == device["key"]
    # Without the device: MFA (here its setup, the user has no factor yet).
    plain = password_sign_in(cognito, tracked["client"], tracked["user"])
    assert plain["ChallengeName"] == "MFA_SETUP"


def test_device_does_not_replace_mfa_unless_configured(cognito: Any) -> None:
    pool = make_pool(cognito, DeviceConfiguration={"ChallengeRequiredOnNewDevice": False})
    env = {
        "pool": pool,
        "client": flows_client(cognito, pool["Id"]),
        "user": confirmed_user(cognito, pool["Id"]),
    }
    device = new_device(cognito, env)
    _mfa_on(cognito, pool["Id"])
    client_id = env["client"]["ClientId"]
    helper = srp_helper(cognito, env, device)
    answer = srp_first_factor(cognito, helper, client_id)
    assert answer["ChallengeName"] == "DEVICE_SRP_AUTH"
    verifier = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": env["user"],
            "DEVICE_KEY": device["key"],
            "SRP_A": long_to_hex(helper.large_a_value),
        },
    )
    after = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_device_challenge(verifier["ChallengeParameters"]),
    )
    assert after["ChallengeName"] == "MFA_SETUP"
