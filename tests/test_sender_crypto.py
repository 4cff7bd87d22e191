"""SenderCrypto against a real KMS endpoint (moto's server in a subprocess), decrypted the way a
custom sender Lambda does it: AWS's documented Python example, unchanged, with only the KMS
endpoint moved by the standard AWS_ENDPOINT_URL_KMS variable."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator

import aws_encryption_sdk
import boto3
import pytest
from aws_encryption_sdk.exceptions import ActionNotAllowedError
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy, ContentType

from tests.server import free_port, moto_server
from userpool.triggers.kms import SenderCrypto, SenderCryptoError, region_of

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
POOL_ID = "us-east-1_Ab12Cd34E"

# The standard chain must find these (and never the instance metadata service).
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Variables that would give the standard chain credentials or another endpoint.
CHAIN_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_KMS",
)


@pytest.fixture(scope="module")
def aws_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    empty = tmp_path_factory.mktemp("aws")
    with pytest.MonkeyPatch.context() as mp:
        for name in CHAIN_ENV:
            mp.delenv(name, raising=False)
        mp.setenv("AWS_CONFIG_FILE", str(empty / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        for name, value in AWS_ENV.items():
            mp.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def kms_url(aws_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server, as a real process on a free loopback port."""
    with moto_server(tmp_path_factory.mktemp("moto"), {}) as url:
        yield url


def create_key(kms_url: str, region: str = REGION) -> str:
    kms = boto3.client("kms", region_name=region, endpoint_url=kms_url)
    return kms.create_key(Description="userpool custom sender")["KeyMetadata"]["Arn"]


@pytest.fixture(scope="module")
def key_arn(kms_url: str) -> str:
    return create_key(kms_url)


@pytest.fixture(scope="module")
def crypto(kms_url: str) -> SenderCrypto:
    return SenderCrypto(endpoint_url=kms_url, region=REGION)


def lambda_decrypt(
    code: str,
    key_arn: str,
    kms_url: str,
    policy: CommitmentPolicy = CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
) -> tuple[bytes, object]:
    """AWS's Python example for a custom sender function; its KMS calls go to ``kms_url``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL_KMS", kms_url)
        client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy)
        provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key_arn])
        return client.decrypt(source=base64.b64decode(code), key_provider=provider)


def test_lambda_decrypts_the_code_with_awss_example(
    crypto: SenderCrypto, key_arn: str, kms_url: str
) -> None:
    code = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    plaintext, header = lambda_decrypt(code, key_arn, kms_url)
    assert plaintext == b"123456"
    assert header.encryption_context["userpool-id"] == POOL_ID


def test_temporary_password_roundtrip(crypto: SenderCrypto, key_arn: str, kms_url: str) -> None:
    password = "Tmp#pässwörd 1 ✓"
    code = crypto.encrypt(password, key_id=key_arn, pool_id=POOL_ID)
    plaintext, _ = lambda_decrypt(code, key_arn, kms_url)
    assert plaintext.decode("utf-8") == password


def test_each_code_is_a_fresh_message(crypto: SenderCrypto, key_arn: str) -> None:
    first = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    second = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    assert first != second


def test_message_has_the_shape_cognito_sends(
    crypto: SenderCrypto, key_arn: str, kms_url: str
) -> None:
    """Real Cognito codes: format 1, suite 0x0378, framed (4096), one aws-kms key, the ARN."""
    code = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    raw = base64.b64decode(code, validate=True)
    assert code.startswith("AYAD")  # as every code Cognito sends
    assert raw[0] == 0x01 and raw[1] == 0x80
    assert int.from_bytes(raw[2:4], "big") == 0x0378

    _, header = lambda_decrypt(code, key_arn, kms_url)
    assert header.algorithm is Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384
    assert header.content_type is ContentType.FRAMED_DATA
    assert header.frame_length == 4096
    assert set(header.encryption_context) == {"aws-crypto-public-key", "userpool-id"}
    [edk] = header.encrypted_data_keys
    assert edk.key_provider.provider_id == "aws-kms"
    assert edk.key_provider.key_info == key_arn.encode()


def test_require_decrypt_policy_refuses_it_as_it_refuses_cognitos(
    crypto: SenderCrypto, key_arn: str, kms_url: str
) -> None:
    code = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    with pytest.raises(ActionNotAllowedError):
        lambda_decrypt(code, key_arn, kms_url, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    plaintext, _ = lambda_decrypt(
        code, key_arn, kms_url, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT
    )
    assert plaintext == b"123456"


def test_region_comes_from_the_key_arn(kms_url: str) -> None:
    arn = create_key(kms_url, OTHER_REGION)
    crypto = SenderCrypto(endpoint_url=kms_url, region=REGION)
    code = crypto.encrypt("654321", key_id=arn, pool_id=POOL_ID)
    plaintext, header = lambda_decrypt(code, arn, kms_url)
    assert plaintext == b"654321"
    assert header.encryption_context["userpool-id"] == POOL_ID


def test_kms_clients_are_cached_per_endpoint_and_region(kms_url: str, key_arn: str) -> None:
    other_arn = create_key(kms_url, OTHER_REGION)
    crypto = SenderCrypto(endpoint_url=kms_url, region=REGION)
    crypto.encrypt("1", key_id=key_arn, pool_id=POOL_ID)
    crypto.encrypt("2", key_id=key_arn, pool_id=POOL_ID)
    crypto.encrypt("3", key_id=other_arn, pool_id=POOL_ID)
    assert sorted(crypto._clients) == [(kms_url, OTHER_REGION), (kms_url, REGION)]


def test_region_of() -> None:
    arn = "arn:aws:kms:ap-northeast-1:248189919476:key/ac34a806-9969-4d93-a71d-0a4ccff927b0"
    assert region_of(arn, REGION) == "ap-northeast-1"
    assert region_of("arn:aws:kms:eu-central-1:123456789012:alias/cognito", REGION) == (
        "eu-central-1"
    )
    assert region_of("ac34a806-9969-4d93-a71d-0a4ccff927b0", REGION) == REGION
    assert region_of("alias/cognito", REGION) == REGION


def test_unknown_key_is_a_sender_crypto_error(crypto: SenderCrypto, key_arn: str) -> None:
    missing = key_arn.rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
    with pytest.raises(SenderCryptoError) as info:
        crypto.encrypt("123456", key_id=missing, pool_id=POOL_ID)
    assert missing in info.value.message
    assert "NotFoundException" in info.value.message


def test_key_in_another_region_is_a_sender_crypto_error(crypto: SenderCrypto, key_arn: str) -> None:
    elsewhere = key_arn.replace(f":{REGION}:", f":{OTHER_REGION}:")
    with pytest.raises(SenderCryptoError):
        crypto.encrypt("123456", key_id=elsewhere, pool_id=POOL_ID)


def test_missing_key_id_is_a_sender_crypto_error(crypto: SenderCrypto) -> None:
    with pytest.raises(SenderCryptoError):
        crypto.encrypt("123456", key_id="", pool_id=POOL_ID)


def test_unreachable_endpoint_fails_quickly(aws_env: None, key_arn: str) -> None:
    crypto = SenderCrypto(endpoint_url=f"http://127.0.0.1:{free_port()}", region=REGION)
    started = time.monotonic()
    with pytest.raises(SenderCryptoError) as info:
        crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    assert time.monotonic() - started < 15
    assert "Could not connect" in info.value.message


def test_dummy_credentials_when_the_chain_has_none(
    kms_url: str, key_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    crypto = SenderCrypto(endpoint_url=kms_url, region=REGION)
    code = crypto.encrypt("123456", key_id=key_arn, pool_id=POOL_ID)
    monkeypatch.undo()
    plaintext, _ = lambda_decrypt(code, key_arn, kms_url)
    assert plaintext == b"123456"
