"""Server-side SRP against the clients' own math (pycognito, and amazon-cognito-identity-js).

pycognito's AWSSRP is driven for real: its A/a, its get_password_authentication_key and its
process_challenge / process_device_challenge produce the claim our server then checks.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from pycognito import aws_srp

from userpool.domain import srp
from userpool.domain.errors import InvalidParameter, NotAuthorized

POOL_ID = "us-east-1_AbCdEf123"
USER = "3f1c2a9e-1111-4a2b-9c3d-0123456789ab"
PASSWORD = "Correct-Horse-9!"
BLOCK = base64.b64encode(os.urandom(64)).decode()


def client(password: str = PASSWORD, **device: str) -> aws_srp.AWSSRP:
    # Any non-None client keeps pycognito from building a boto3 client; nothing is sent.
    return aws_srp.AWSSRP(USER, password, POOL_ID, "client-id", client=object(), **device)


def server_params(salt_hex: str, verifier_hex: str) -> tuple[str, dict[str, str]]:
    b_hex, b_public_hex = srp.server_challenge(verifier_hex)
    params = {
        "SALT": salt_hex,
        "SRP_B": b_public_hex,
        "SECRET_BLOCK": BLOCK,
        "USER_ID_FOR_SRP": USER,
        "USERNAME": USER,
    }
    return b_hex, params


def server_accepts(
    answer: dict[str, str], params: dict[str, str], b_hex: str, verifier: str, a_public: int
) -> bool:
    key = srp.session_key(POOL_ID, USER, verifier, format(a_public, "x"), b_hex, params["SRP_B"])
    assert srp.valid_timestamp(answer["TIMESTAMP"], datetime.now(UTC))
    return srp.check_claim(
        key,
        POOL_ID,
        USER,
        answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        answer["TIMESTAMP"],
        answer["PASSWORD_CLAIM_SIGNATURE"],
    )


def js_password_key(
    a_small: int,
    a_public: int,
    pool: str,
    username: str,
    password: str,
    srp_b_hex: str,
    salt_hex: str,
) -> bytes:
    """amazon-cognito-identity-js getPasswordAuthenticationKey (it parses SALT to an integer)."""
    b_public = int(srp_b_hex, 16)
    u = int(aws_srp.hex_hash(aws_srp.pad_hex(a_public) + aws_srp.pad_hex(b_public)), 16)
    inner = aws_srp.hash_sha256(f"{pool}{username}:{password}".encode())
    x = int(aws_srp.hex_hash(aws_srp.pad_hex(int(salt_hex, 16)) + inner), 16)
    s = pow(b_public - srp.K * pow(2, x, srp.N), a_small + u * x, srp.N) % srp.N
    return aws_srp.compute_hkdf(
        bytes.fromhex(aws_srp.pad_hex(s)), bytes.fromhex(aws_srp.pad_hex(format(u, "x")))
    )


def test_constants_match_pycognito() -> None:
    c = client()
    assert c.big_n == srp.N
    assert c.val_k == srp.K
    for value in (0, 1, 0x7F, 0x80, 0xABC, 0x0ABC, srp.N):
        assert srp.pad_hex(value) == aws_srp.pad_hex(value)


@pytest.mark.parametrize("salt_kind", ["new", "high", "low", "leading-zero-digit"])
def test_pycognito_right_password_is_accepted(salt_kind: str) -> None:
    if salt_kind == "new":
        salt_hex, verifier = srp.new_verifier(POOL_ID, USER, PASSWORD)
        assert salt_hex[0] in "89abcdef"
    else:
        salt_hex = {
            "high": "f" + "3" * 31,
            "low": "1" + "3" * 31,
            "leading-zero-digit": "0a" + "3" * 30,
        }[salt_kind]
        verifier = srp.verifier_for(POOL_ID, USER, PASSWORD, salt_hex)
    c = client()
    b_hex, params = server_params(salt_hex, verifier)
    answer = c.process_challenge(params, {"USERNAME": USER})
    assert server_accepts(answer, params, b_hex, verifier, c.large_a_value)


def test_pycognito_wrong_password_is_refused() -> None:
    salt_hex, verifier = srp.new_verifier(POOL_ID, USER, PASSWORD)
    c = client("Wrong-Horse-9!")
    b_hex, params = server_params(salt_hex, verifier)
    answer = c.process_challenge(params, {"USERNAME": USER})
    assert not server_accepts(answer, params, b_hex, verifier, c.large_a_value)


def test_key_matches_pycognito_and_js_client() -> None:
    salt_hex, verifier = srp.new_verifier(POOL_ID, USER, PASSWORD)
    c = client()
    b_hex, b_public_hex = srp.server_challenge(verifier)
    ours = srp.session_key(
        POOL_ID, USER, verifier, format(c.large_a_value, "x"), b_hex, b_public_hex
    )
    theirs = c.get_password_authentication_key(USER, PASSWORD, int(b_public_hex, 16), salt_hex)
    js = js_password_key(
        c.small_a_value, c.large_a_value, "AbCdEf123", USER, PASSWORD, b_public_hex, salt_hex
    )
    assert ours == theirs == js
    assert len(ours) == 16


def test_signature_matches_pycognito_bytes() -> None:
    key = bytes(range(16))
    when = datetime(2026, 11, 3, 4, 5, 6, tzinfo=UTC)
    stamp = srp.timestamp(when)
    msg = b"AbCdEf123" + USER.encode() + base64.b64decode(BLOCK) + stamp.encode()
    import hmac as _hmac

    want = base64.b64encode(_hmac.new(key, msg, hashlib.sha256).digest()).decode()
    assert srp.expected_signature(key, POOL_ID, USER, BLOCK, stamp) == want
    assert srp.check_claim(key, POOL_ID, USER, BLOCK, stamp, want)
    assert not srp.check_claim(key, POOL_ID, USER, BLOCK, stamp, want[:-4] + "AAA=")
    assert not srp.check_claim(key, POOL_ID, "other", BLOCK, stamp, want)
    assert not srp.check_claim(key, POOL_ID, USER, "not base64!", stamp, want)


def test_session_key_rejects_a_zero_mod_n() -> None:
    _, verifier = srp.new_verifier(POOL_ID, USER, PASSWORD)
    b_hex, b_public_hex = srp.server_challenge(verifier)
    for bad in ("0", format(srp.N, "x"), format(2 * srp.N, "x"), "xyz"):
        assert not srp.valid_public_a(bad)
        with pytest.raises(NotAuthorized):
            srp.session_key(POOL_ID, USER, verifier, bad, b_hex, b_public_hex)
    assert srp.valid_public_a(format(client().large_a_value, "x"))


def test_server_challenge_shape() -> None:
    _, verifier = srp.new_verifier(POOL_ID, USER, PASSWORD)
    b1, big_b1 = srp.server_challenge(verifier)
    b2, big_b2 = srp.server_challenge(verifier)
    assert b1 != b2 and big_b1 != big_b2
    assert int(b1, 16).bit_length() <= 256
    v = int(verifier, 16)
    assert int(big_b1, 16) == (srp.K * v + pow(2, int(b1, 16), srp.N)) % srp.N
    assert 0 < int(big_b1, 16) < srp.N


# --- TIMESTAMP ---------------------------------------------------------------------------


def test_timestamp_format() -> None:
    when = datetime(2026, 11, 3, 4, 5, 6, tzinfo=UTC)
    assert srp.timestamp(when) == "Tue Nov 3 04:05:06 UTC 2026"
    assert srp.timestamp(when) == aws_srp.AWSSRP.get_cognito_formatted_timestamp(when)
    assert srp.timestamp(datetime(2025, 5, 17, 23, 0, 9)) == "Sat May 17 23:00:09 UTC 2025"
    east = datetime(2026, 11, 3, 6, 5, 6, tzinfo=UTC).astimezone(
        __import__("datetime").timezone(timedelta(hours=2))
    )
    assert srp.timestamp(east) == "Tue Nov 3 06:05:06 UTC 2026"


def test_timestamp_window_and_strictness() -> None:
    now = datetime(2026, 11, 3, 4, 5, 6, tzinfo=UTC)
    assert srp.valid_timestamp("Tue Nov 3 04:05:06 UTC 2026", now)
    assert srp.valid_timestamp(srp.timestamp(now - timedelta(minutes=5)), now)
    assert srp.valid_timestamp(srp.timestamp(now + timedelta(minutes=5)), now)
    assert not srp.valid_timestamp(srp.timestamp(now - timedelta(minutes=5, seconds=1)), now)
    assert not srp.valid_timestamp(srp.timestamp(now + timedelta(minutes=6)), now)
    assert srp.valid_timestamp("Tue Nov 3 04:05:06 UTC 2026", now.replace(tzinfo=None))
    for bad in (
        "Tue Nov 03 04:05:06 UTC 2026",  # zero-padded day
        "Wed Nov 3 04:05:06 UTC 2026",  # wrong weekday
        "Tue Nov 3 4:05:06 UTC 2026",  # unpadded hour
        "Tue Nov 3 04:05:06 GMT 2026",
        "tue nov 3 04:05:06 UTC 2026",
        "Tue Nov 3 04:05:06 UTC 2026 ",
        "Mon Feb 30 04:05:06 UTC 2026",
        "",
    ):
        assert srp.parse_timestamp(bad) is None, bad
        assert not srp.valid_timestamp(bad, now)


def test_pycognito_device_timestamp_is_accepted() -> None:
    # process_device_challenge formats with strftime and strips the day's zero by regex.
    stamp = re.sub(
        r" 0(\d) ", r" \1 ", datetime(2026, 5, 7, 0, 9, 40).strftime("%a %b %d %H:%M:%S UTC %Y")
    )
    assert stamp == "Thu May 7 00:09:40 UTC 2026"
    assert srp.parse_timestamp(stamp) == datetime(2026, 5, 7, 0, 9, 40, tzinfo=UTC)


# --- Device SRP ----------------------------------------------------------------------------

GROUP = "-Zr8b2QkX"
DEVICE = "us-east-1_0f5d2a43-9a3c-4b1e-8a77-5e2c3c1d0b9a"


def js_generate_hash_device(group: str, device: str, salt_int: int) -> tuple[str, dict[str, str]]:
    """AuthenticationHelper.generateHashDevice + CognitoUser's base64, with a chosen salt."""
    device_password = base64.b64encode(os.urandom(40)).decode()
    hashed = aws_srp.hash_sha256(f"{group}{device}:{device_password}".encode())
    salt = aws_srp.pad_hex(salt_int)
    verifier = aws_srp.pad_hex(pow(2, int(aws_srp.hex_hash(salt + hashed), 16), srp.N))
    config = {
        "PasswordVerifier": base64.b64encode(bytes.fromhex(verifier)).decode(),
        "Salt": base64.b64encode(bytes.fromhex(salt)).decode(),
    }
    return device_password, config


def device_round_trip(device_password: str, config: dict[str, str], *, right: bool) -> bool:
    salt_hex, verifier = srp.device_verifier_from_config(config["PasswordVerifier"], config["Salt"])
    assert salt_hex == base64.b64decode(config["Salt"]).hex()
    c = client(
        device_key=DEVICE,
        device_group_key=GROUP,
        device_password=device_password if right else device_password + "x",
    )
    b_hex, b_public_hex = srp.server_challenge(verifier)
    params = {"SRP_B": b_public_hex, "SALT": salt_hex, "SECRET_BLOCK": BLOCK, "USERNAME": USER}
    answer = c.process_device_challenge(params)
    assert answer["DEVICE_KEY"] == DEVICE
    assert srp.valid_timestamp(answer["TIMESTAMP"], datetime.now(UTC))
    key = srp.session_key(
        GROUP, DEVICE, verifier, format(c.large_a_value, "x"), b_hex, b_public_hex
    )
    return srp.check_claim(
        key,
        GROUP,
        DEVICE,
        answer["PASSWORD_CLAIM_SECRET_BLOCK"],
        answer["TIMESTAMP"],
        answer["PASSWORD_CLAIM_SIGNATURE"],
        device=True,
    )


@pytest.mark.parametrize(
    "salt_int",
    [0xF1 << 120 | 12345, 0x71 << 120 | 12345, 0x0E << 120 | 7, 0x00F3 << 112 | 9],
    ids=["high-nibble", "low-nibble", "odd-length", "leading-zero-byte"],
)
def test_device_srp_round_trip_js_generated(salt_int: int) -> None:
    device_password, config = js_generate_hash_device(GROUP, DEVICE, salt_int)
    assert device_round_trip(device_password, config, right=True)
    assert not device_round_trip(device_password, config, right=False)


def test_device_srp_round_trip_pycognito_generated() -> None:
    device_password, config = aws_srp.generate_hash_device(GROUP, DEVICE)
    assert device_round_trip(device_password, config, right=True)


def test_device_signature_uses_group_key_verbatim() -> None:
    key = bytes(16)
    stamp = "Tue Nov 3 04:05:06 UTC 2026"
    with_flag = srp.expected_signature(key, "a_b", DEVICE, BLOCK, stamp, device=True)
    without = srp.expected_signature(key, "a_b", DEVICE, BLOCK, stamp)
    assert with_flag != without


def test_device_verifier_config_is_validated() -> None:
    good_salt = base64.b64encode(b"\x01" * 16).decode()
    good_v = base64.b64encode(b"\x05" * 384).decode()
    assert srp.device_verifier_from_config(good_v, good_salt) == ("01" * 16, "5" + "05" * 383)
    zero = base64.b64encode(bytes(384)).decode()
    n_bytes = base64.b64encode(srp.N.to_bytes(384, "big")).decode()
    for verifier, salt in (
        (zero, good_salt),
        (n_bytes, good_salt),
        ("%%%", good_salt),
        (good_v, ""),
        (good_v, "not base64"),
    ):
        with pytest.raises(InvalidParameter):
            srp.device_verifier_from_config(verifier, salt)


# --- Unknown users ------------------------------------------------------------------------


def test_fake_salt_and_verifier_is_stable_and_refuses_every_password() -> None:
    secret = b"server-secret"
    first = srp.fake_salt_and_verifier(POOL_ID, "ghost", secret)
    assert first == srp.fake_salt_and_verifier(POOL_ID, "ghost", secret)
    assert first != srp.fake_salt_and_verifier(POOL_ID, "ghost2", secret)
    assert first != srp.fake_salt_and_verifier("us-east-1_Other", "ghost", secret)
    assert first != srp.fake_salt_and_verifier(POOL_ID, "ghost", b"other-secret")
    salt_hex, verifier = first
    assert len(salt_hex) == 32 and salt_hex[0] in "89abcdef"
    assert 0 < int(verifier, 16) < srp.N
    c = client()
    b_hex, params = server_params(salt_hex, verifier)
    answer = c.process_challenge(params, {"USERNAME": USER})
    assert not server_accepts(answer, params, b_hex, verifier, c.large_a_value)


def test_fake_user_id_is_a_stable_uuid() -> None:
    one = srp.fake_user_id(POOL_ID, "ghost", b"s")
    assert one == srp.fake_user_id(POOL_ID, "ghost", b"s")
    assert one != srp.fake_user_id(POOL_ID, "ghost2", b"s")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", one)
