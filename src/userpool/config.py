"""Settings: command-line flags > ``USERPOOL_*`` environment variables > TOML file > defaults."""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "USERPOOL_"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 9229
    db: str = "sqlite:///./userpool.db"
    workers: int = 1
    region: str = "us-east-1"
    account_id: str = "123456789012"
    issuer_base: str | None = None
    credentials: str | None = None  # path of a file of ACCESS_KEY:SECRET lines
    insecure_open: bool = False
    log_level: str = "info"
    # Secrets at rest (crypto.py): base64 32 bytes; SQLite generates <db>.key when absent.
    server_key: str | None = field(default=None, repr=False)
    # Password KDF: argon2id, OWASP's minimum by default.
    kdf_memory_kib: int = 19456
    kdf_time_cost: int = 2
    kdf_parallelism: int = 1
    # Email over SMTP; without smtp_host messages only reach the outbox.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: str = "none"  # none | starttls | tls
    # SMS: "log" (outbox and log only), "webhook" (POST JSON to sms_webhook_url), "sns".
    sms_sender: str = "log"
    sms_webhook_url: str | None = None
    sns_endpoint: str | None = None
    # Lambda triggers (docs/triggers.md). ``functions``: a folder of handler folders run by the
    # built-in runtime (and served as the Lambda Invoke API); ``lambda_endpoint``: an Invoke API
    # to call for functions not in that folder (AWS Lambda, LocalStack, SAM local).
    functions: str | None = None
    lambda_endpoint: str | None = None
    trigger_timeout: float = 5.0  # seconds per attempt (AWS: 5, fixed)
    trigger_attempts: int = 3  # attempts on timeout (AWS: 3)
    # KMS endpoint for CustomEmailSender / CustomSMSSender encryption (AWS's KMS when unset).
    kms_endpoint: str | None = None
    # Access key -> secret. Filled from ``credentials`` (file) or USERPOOL_CREDENTIALS (pairs).
    credential_pairs: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def open_mode(self) -> bool:
        """No credentials configured: any signature is accepted (development mode)."""
        return not self.credential_pairs

    def public_base(self, region: str) -> str:
        """Where clients reach this server: the issuer base, else its own address."""
        base = self.issuer_base or f"http://{self.host}:{self.port}"
        return base.replace("{region}", region).rstrip("/")

    def issuer(self, pool_id: str, region: str) -> str:
        return f"{self.public_base(region)}/{pool_id}"

    def to_env(self) -> str:
        """Serialized for worker processes (kept out of logs: it may hold secrets)."""
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_env(cls, text: str) -> Settings:
        return cls(**json.loads(text))


def parse_credential_pairs(text: str) -> dict[str, str]:
    """``AKID:SECRET`` pairs separated by commas or newlines; ``#`` starts a comment line."""
    pairs: dict[str, str] = {}
    for chunk in text.replace(",", "\n").splitlines():
        chunk = chunk.strip()
        if not chunk or chunk.startswith("#"):
            continue
        key, sep, secret = chunk.partition(":")
        if not sep or not key.strip() or not secret.strip():
            raise ValueError("credentials must be ACCESS_KEY_ID:SECRET_ACCESS_KEY pairs")
        pairs[key.strip()] = secret.strip()
    return pairs


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    return str(value)


def load(flags: dict[str, Any], config_file: str | None = None) -> Settings:
    """Resolve every setting from flags, then environment, then the TOML file, then defaults."""
    config_file = config_file or os.environ.get(ENV_PREFIX + "CONFIG")
    from_file: dict[str, Any] = {}
    if config_file:
        with open(config_file, "rb") as fh:
            from_file = {k.replace("-", "_"): v for k, v in tomllib.load(fh).items()}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        if f.name in ("credentials", "credential_pairs"):
            continue
        env = os.environ.get(ENV_PREFIX + f.name.upper())
        for candidate in (flags.get(f.name), env, from_file.get(f.name)):
            if candidate is not None:
                values[f.name] = _coerce(f.name, candidate)
                break
    source = flags.get("credentials") or os.environ.get(ENV_PREFIX + "CREDENTIALS")
    source = source or from_file.get("credentials")
    path, pairs = credentials_from(source) if source else (None, {})
    return Settings(**values, credentials=path, credential_pairs=pairs)


def credentials_from(value: str) -> tuple[str | None, dict[str, str]]:
    """A credentials file path, or (USERPOOL_CREDENTIALS) the pairs themselves."""
    if Path(value).is_file():
        return value, parse_credential_pairs(Path(value).read_text())
    return None, parse_credential_pairs(value)
