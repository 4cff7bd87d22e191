"""Encrypting codes and temporary passwords for the CustomEmailSender / CustomSMSSender triggers.

Amazon Cognito never hands a custom sender Lambda a secret in clear: it encrypts it with the
AWS Encryption SDK under the pool's ``LambdaConfig.KMSKeyID``, with the encryption context
``{"userpool-id": <pool id>}``, and puts the base64 of the Encryption SDK message in
``event.request.code``. The function decrypts it with the Encryption SDK (AWS's examples:
Python ``StrictAwsKmsMasterKeyProvider`` / JS ``KmsKeyringNode``, both with the commitment policy
``REQUIRE_ENCRYPT_ALLOW_DECRYPT``). :class:`SenderCrypto` produces the same messages, calling
KMS (AWS's, or a local one such as moto's server or LocalStack) for the data key.

Algorithm suite. A code that real Cognito sent (ap-northeast-1, 2025) decodes to: message format
version 1, algorithm 0x0378 (AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: signed, *not* key
committing), framed content with 4096-byte frames, one ``aws-kms`` encrypted data key naming the
key ARN, and the encryption context ``aws-crypto-public-key`` + ``userpool-id``. We produce
exactly that, and not the SDK's default committing suite (0x0578, message format 2), because:

* every Lambda that decrypts real Cognito's codes then decrypts ours: AWS's Python and JS examples
  (REQUIRE_ENCRYPT_ALLOW_DECRYPT), functions pinned to FORBID_ENCRYPT_ALLOW_DECRYPT, and those on
  Encryption SDK releases older than 1.7 / 2.0 that cannot read message format 2 at all;
* a Lambda configured with REQUIRE_ENCRYPT_REQUIRE_DECRYPT fails here as it fails on AWS, so a
  function tested against userpool does not break when moved to Cognito, or the other way round.

Encrypting with a non-committing suite needs the Encryption SDK client's commitment policy
FORBID_ENCRYPT_ALLOW_DECRYPT; this object only encrypts, so that setting has no other effect.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

import aws_encryption_sdk
import botocore.session
from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy
from aws_encryption_sdk.key_providers.kms import KMSMasterKey, KMSMasterKeyConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# What Cognito uses (see above): message format 1, signed with ECDSA P-384, no key commitment.
ALGORITHM = Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384
COMMITMENT_POLICY = CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT
FRAME_LENGTH = 4096

ENCRYPTION_CONTEXT_KEY = "userpool-id"

# Credentials used when the standard chain finds none: enough for a local KMS (moto, LocalStack)
# that accepts any signature; AWS itself answers UnrecognizedClientException.
DUMMY_CREDENTIALS = ("userpool", "userpool")

# A KMS that is down must not hold a sign-up for long.
CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"max_attempts": 2, "mode": "standard"},
    user_agent_extra="userpool",
)


class SenderCryptoError(Exception):
    """KMS or the Encryption SDK could not encrypt a custom sender secret."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def region_of(key_id: str, default: str) -> str:
    """The region of a KMS key ARN (``arn:aws:kms:<region>:<account>:key/<id>``, or an alias
    ARN); ``default`` for a bare key id or alias name."""
    parts = key_id.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "kms" and parts[3]:
        return parts[3]
    return default


class SenderCrypto:
    """Encrypts custom sender secrets as Cognito does. Thread-safe; calls KMS synchronously."""

    def __init__(self, *, endpoint_url: str | None, region: str) -> None:
        self._endpoint_url = endpoint_url or None
        self._region = region
        self._lock = threading.Lock()
        self._session: botocore.session.Session | None = None
        self._credentials: dict[str, str] = {}
        self._clients: dict[tuple[str | None, str], Any] = {}
        self._sdk = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=COMMITMENT_POLICY)

    def _client(self, region: str) -> Any:
        key = (self._endpoint_url, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                if self._session is None:
                    # The standard chain: environment, shared config/credentials files, SSO,
                    # container and instance metadata. Resolved once, on first use.
                    self._session = botocore.session.Session()
                    if self._session.get_credentials() is None:
                        access_key, secret_key = DUMMY_CREDENTIALS
                        self._credentials = {
                            "aws_access_key_id": access_key,
                            "aws_secret_access_key": secret_key,
                        }
                client = self._session.create_client(
                    "kms",
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=CLIENT_CONFIG,
                    **self._credentials,
                )
                self._clients[key] = client
            return client

    def encrypt(self, plaintext: str, *, key_id: str, pool_id: str) -> str:
        """The base64 of an Encryption SDK message holding ``plaintext``, its data key generated
        by KMS under ``key_id`` (the pool's KMSKeyID, a key ARN), with the encryption context
        ``{"userpool-id": pool_id}``. Raises :class:`SenderCryptoError` when KMS can't be used."""
        if not key_id:
            raise SenderCryptoError("no KMS key is configured (LambdaConfig.KMSKeyID)")
        region = region_of(key_id, self._region)
        try:
            client = self._client(region)
            master_key = KMSMasterKey(config=KMSMasterKeyConfig(key_id=key_id, client=client))
            ciphertext, _header = self._sdk.encrypt(
                source=plaintext.encode("utf-8"),
                key_provider=master_key,
                encryption_context={ENCRYPTION_CONTEXT_KEY: pool_id},
                algorithm=ALGORITHM,
                frame_length=FRAME_LENGTH,
            )
        except AWSEncryptionSDKClientError as error:
            raise SenderCryptoError(
                f"KMS could not generate a data key under {key_id}: {_cause(error)}"
            ) from error
        except (BotoCoreError, ClientError) as error:
            raise SenderCryptoError(f"KMS request failed for {key_id}: {error}") from error
        return base64.b64encode(ciphertext).decode("ascii")


def _cause(error: BaseException) -> str:
    """KMS's own answer when the Encryption SDK wraps one (it names the key and the error code),
    else the SDK's message."""
    cause = error.__cause__
    if isinstance(cause, (ClientError, BotoCoreError)):
        return str(cause)
    return str(error)
