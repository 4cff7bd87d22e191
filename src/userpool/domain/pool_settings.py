"""Per-pool operational settings: log delivery, threat-protection risk configuration, and the
SAML signing certificate."""

from __future__ import annotations

import base64
import datetime
import ipaddress
from typing import Any

from userpool.domain.errors import (
    FeatureUnavailableInTier,
    InvalidParameter,
    UserPoolAddOnNotEnabled,
)

# -- log delivery ---------------------------------------------------------------------------

_DESTINATIONS = {
    "CloudWatchLogsConfiguration": ("LogGroupArn", "logs", ":log-group:"),
    "S3Configuration": ("BucketArn", "s3", ":::"),
    "FirehoseConfiguration": ("StreamArn", "firehose", ":deliverystream/"),
}


def log_configurations(configs: list[Any], tier: str) -> list[dict[str, Any]]:
    """The LogConfigurations SetLogDeliveryConfiguration stores (the whole list is replaced;
    ``[]`` clears it). Null elements are dropped, as AWS does (floci-io/floci, measured)."""
    entries = [c for c in configs if c is not None]
    _check_destinations_and_repeats(entries)
    for entry in entries:
        _check_entry(entry, tier)
    return entries


def _check_destinations_and_repeats(entries: list[dict[str, Any]]) -> None:
    # Wording measured against AWS by floci-io/floci (CognitoLogDelivery integration test),
    # including its "more then once" and the two clauses joined when both apply.
    missing = [e["EventSource"] for e in entries if not _destinations(e)]
    sources = [e["EventSource"] for e in entries]
    repeated = sorted({s for s in sources if sources.count(s) > 1}, key=sources.index)
    clauses = []
    if missing:
        clauses.append(
            "Following event sources in request have no destination: "
            f"[{', '.join(missing)}]."
        )
    if repeated:
        clauses.append(
            "Following event sources appear more then once in a request: "
            f"[{', '.join(repeated)}]."
        )
    if clauses:
        raise InvalidParameter("Request validation Failed. " + " ".join(clauses))


def _destinations(entry: dict[str, Any]) -> list[str]:
    return [name for name in _DESTINATIONS if entry.get(name)]


def _check_entry(entry: dict[str, Any], tier: str) -> None:
    """[API:LogConfigurationType]: userNotification is ERROR-level to CloudWatch Logs;
    userAuthEvents is INFO-level, to any destination, and needs the Plus plan. AWS's wording
    for these rejections is unknown; ours names the rule."""
    source, level, targets = entry["EventSource"], entry["LogLevel"], _destinations(entry)
    if len(targets) > 1:
        raise InvalidParameter(f"A {source} log configuration must have exactly one destination.")
    if source == "userNotification":
        if level != "ERROR":
            raise InvalidParameter("userNotification logs must use LogLevel ERROR.")
        if targets != ["CloudWatchLogsConfiguration"]:
            raise InvalidParameter(
                "userNotification logs can only be delivered to CloudWatchLogsConfiguration."
            )
    else:
        if tier != "PLUS":
            raise FeatureUnavailableInTier(
                "userAuthEvents log export requires the PLUS feature plan; "
                f"this user pool is on {tier}."
            )
        if level != "INFO":
            raise InvalidParameter("userAuthEvents logs must use LogLevel INFO.")
    name = targets[0]
    field, service, marker = _DESTINATIONS[name]
    arn = entry[name].get(field)
    if not arn or arn.split(":")[2:3] != [service] or marker not in arn:
        raise InvalidParameter(f"{name}.{field} is not a valid {service} ARN: {arn}")


# -- risk configuration ---------------------------------------------------------------------

ADD_ON_NOT_ENABLED = "Advanced security features are not enabled for this user pool."
_ALL_EVENTS = ["SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE"]  # aws-cli describe example's order
_RISK_PARTS = (
    "CompromisedCredentialsRiskConfiguration",
    "AccountTakeoverRiskConfiguration",
    "RiskExceptionConfiguration",
)


def require_threat_protection(pool: dict[str, Any]) -> None:
    """Risk configuration needs threat protection (UserPoolAddOns AUDIT or ENFORCED, which the
    pool rules tie to the PLUS plan). [API:SetRiskConfiguration] lists
    UserPoolAddOnNotEnabledException; the message is ours."""
    mode = (pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
    if mode == "OFF":
        raise UserPoolAddOnNotEnabled(ADD_ON_NOT_ENABLED)


def risk_configuration(req: dict[str, Any], now: float) -> dict[str, Any] | None:
    """The stored RiskConfigurationType, or None when the request only names the pool (and
    client): that resets to defaults, or to inheriting the pool's settings."""
    if not any(req.get(part) for part in _RISK_PARTS):
        return None
    doc: dict[str, Any] = {"UserPoolId": req["UserPoolId"]}
    if req.get("ClientId"):
        doc["ClientId"] = req["ClientId"]
    compromised = req.get("CompromisedCredentialsRiskConfiguration")
    if compromised:
        doc["CompromisedCredentialsRiskConfiguration"] = {
            "EventFilter": list(dict.fromkeys(compromised.get("EventFilter") or _ALL_EVENTS)),
            "Actions": compromised["Actions"],
        }
    takeover = req.get("AccountTakeoverRiskConfiguration")
    if takeover:
        _check_takeover(takeover)
        doc["AccountTakeoverRiskConfiguration"] = takeover
    exceptions = req.get("RiskExceptionConfiguration")
    if exceptions:
        doc["RiskExceptionConfiguration"] = _ip_ranges(exceptions)
    doc["LastModifiedDate"] = now
    return doc


def _check_takeover(takeover: dict[str, Any]) -> None:
    actions = takeover.get("Actions") or {}
    notify = any((actions.get(level) or {}).get("Notify") for level in actions)
    if notify and not takeover.get("NotifyConfiguration"):
        # NotifyConfigurationType: the notification is sent "using the method and template
        # that you set with this data type". Wording ours.
        raise InvalidParameter(
            "NotifyConfiguration is required when an account takeover action has Notify set."
        )


def _ip_ranges(exceptions: dict[str, Any]) -> dict[str, Any]:
    """Both lists are "set in CIDR notation" [API:RiskExceptionConfigurationType]."""
    result: dict[str, Any] = {}
    for key in ("BlockedIPRangeList", "SkippedIPRangeList"):
        if exceptions.get(key) is None:
            continue
        ranges = []
        for text in exceptions[key]:
            try:
                if "/" not in text:
                    raise ValueError(text)
                ranges.append(str(ipaddress.ip_network(text.strip(), strict=False)))
            except ValueError:
                raise InvalidParameter(f"{key} contains an invalid CIDR block: {text}") from None
        result[key] = list(dict.fromkeys(ranges))
    return result


# -- SAML signing certificate ---------------------------------------------------------------

CERTIFICATE_YEARS = 10  # [API:GetSigningCertificate] "valid for 10 years from the date of issue"


def new_signing_certificate(pool_id: str, now: float) -> dict[str, Any]:
    """A self-signed RSA-2048/SHA-256 X.509 certificate for ``pool_id``: ``Certificate`` is the
    base64 DER (no PEM armour, as AWS's value is pasted into IdP metadata); the private key is
    kept as PKCS#8 PEM under ``_PrivateKey`` for signing SAML requests later."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, pool_id)])
    start = datetime.datetime.fromtimestamp(int(now), tz=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * CERTIFICATE_YEARS + 2))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    der = cert.public_bytes(serialization.Encoding.DER)
    return {"Certificate": base64.b64encode(der).decode(), "_PrivateKey": pem, "_Issued": now}
