"""Log delivery, risk configuration and the SAML signing certificate, plus their pure rules."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509

from tests.server import Server
from userpool.domain import pool_settings as rules
from userpool.domain.errors import FeatureUnavailableInTier, InvalidParameter

LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/pool"
FIREHOSE = "arn:aws:firehose:us-east-1:123456789012:deliverystream/pool"
BUCKET = "arn:aws:s3:::pool-logs"
NOTIFY = {"LogLevel": "ERROR", "EventSource": "userNotification",
          "CloudWatchLogsConfiguration": {"LogGroupArn": LOGS}}
AUTH = {"LogLevel": "INFO", "EventSource": "userAuthEvents",
        "FirehoseConfiguration": {"StreamArn": FIREHOSE}}


def err(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


# -- pure rules -----------------------------------------------------------------------------

def test_log_rules_measured_messages() -> None:
    bare = {"LogLevel": "ERROR", "EventSource": "userNotification"}
    with pytest.raises(InvalidParameter) as exc:
        rules.log_configurations([bare], "PLUS")
    assert exc.value.message == (
        "Request validation Failed. Following event sources in request have no destination: "
        "[userNotification]."
    )
    with pytest.raises(InvalidParameter) as exc:
        rules.log_configurations([bare, bare], "PLUS")
    assert exc.value.message.endswith(
        "Following event sources appear more then once in a request: [userNotification]."
    )
    assert rules.log_configurations([None, NOTIFY], "ESSENTIALS") == [NOTIFY]


@pytest.mark.parametrize("entry", [
    {**NOTIFY, "LogLevel": "INFO"},
    {"LogLevel": "ERROR", "EventSource": "userNotification",
     "S3Configuration": {"BucketArn": BUCKET}},
    {**AUTH, "LogLevel": "ERROR"},
    {"LogLevel": "INFO", "EventSource": "userAuthEvents",
     "S3Configuration": {"BucketArn": "arn:aws:sqs:us-east-1:1:queue"}},
])
def test_log_entry_rules(entry: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter):
        rules.log_configurations([entry], "PLUS")


def test_auth_events_need_plus() -> None:
    with pytest.raises(FeatureUnavailableInTier):
        rules.log_configurations([AUTH], "ESSENTIALS")
    s3 = {"LogLevel": "INFO", "EventSource": "userAuthEvents",
          "S3Configuration": {"BucketArn": BUCKET}}
    assert rules.log_configurations([s3, NOTIFY], "PLUS") == [s3, NOTIFY]


def test_risk_rules() -> None:
    assert rules.risk_configuration({"UserPoolId": "p_1"}, 1.0) is None
    doc = rules.risk_configuration({
        "UserPoolId": "p_1",
        "CompromisedCredentialsRiskConfiguration": {"Actions": {"EventAction": "BLOCK"}},
        "RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.0.0.1/24", "::1/128"]},
    }, 5.0)
    assert doc is not None
    assert doc["CompromisedCredentialsRiskConfiguration"]["EventFilter"] == [
        "SIGN_IN", "SIGN_UP", "PASSWORD_CHANGE"
    ]
    assert doc["RiskExceptionConfiguration"]["BlockedIPRangeList"] == ["10.0.0.0/24", "::1/128"]
    assert doc["LastModifiedDate"] == 5.0
    for bad in (["10.0.0.1"], ["999.0.0.0/8"], ["nonsense/3"]):
        with pytest.raises(InvalidParameter):
            rules.risk_configuration(
                {"UserPoolId": "p", "RiskExceptionConfiguration": {"SkippedIPRangeList": bad}}, 1.0
            )
    with pytest.raises(InvalidParameter):
        rules.risk_configuration({"UserPoolId": "p", "AccountTakeoverRiskConfiguration": {
            "Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}}}}, 1.0)


def test_certificate_is_self_signed_der() -> None:
    doc = rules.new_signing_certificate("us-east-1_abc", 1_700_000_000)
    cert = x509.load_der_x509_certificate(base64.b64decode(doc["Certificate"]))
    assert cert.subject == cert.issuer
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3650
    assert "BEGIN" not in doc["Certificate"]


# -- over the API ---------------------------------------------------------------------------

@pytest.fixture
def plus_pool(cognito: Any) -> str:
    return cognito.create_user_pool(
        PoolName=f"plus-{uuid.uuid4().hex[:6]}", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}
    )["UserPool"]["Id"]


def test_log_delivery_round_trip(cognito: Any, pool_id: str, plus_pool: str) -> None:
    empty = cognito.get_log_delivery_configuration(UserPoolId=pool_id)
    assert empty["LogDeliveryConfiguration"] == {"UserPoolId": pool_id, "LogConfigurations": []}
    got = cognito.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[NOTIFY])
    assert got["LogDeliveryConfiguration"]["LogConfigurations"] == [NOTIFY]
    read = cognito.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]
    assert read == {"UserPoolId": pool_id, "LogConfigurations": [NOTIFY]}
    with pytest.raises(ClientError) as exc:
        cognito.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[AUTH])
    assert err(exc)[0] == "FeatureUnavailableInTierException"
    cognito.set_log_delivery_configuration(UserPoolId=plus_pool, LogConfigurations=[NOTIFY, AUTH])
    cognito.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[])
    read = cognito.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]
    assert read["LogConfigurations"] == []
    assert len(cognito.get_log_delivery_configuration(UserPoolId=plus_pool)[
        "LogDeliveryConfiguration"]["LogConfigurations"]) == 2


def test_log_delivery_errors(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.set_log_delivery_configuration(
            UserPoolId=pool_id, LogConfigurations=[NOTIFY, NOTIFY])
    assert err(exc) == ("InvalidParameterException", "Request validation Failed. Following event "
                        "sources appear more then once in a request: [userNotification].")
    with pytest.raises(ClientError) as exc:
        cognito.set_log_delivery_configuration(
            UserPoolId=pool_id, LogConfigurations=[NOTIFY, NOTIFY, NOTIFY])
    assert err(exc)[0] == "InvalidParameterException"  # model max 2
    with pytest.raises(ClientError) as exc:
        cognito.set_log_delivery_configuration(
            UserPoolId=pool_id, LogConfigurations=[{**NOTIFY, "LogLevel": "TRACE"}])
    assert err(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        cognito.get_log_delivery_configuration(UserPoolId="us-east-1_nosuchpool")
    assert err(exc)[0] == "ResourceNotFoundException"


RISK = {
    "CompromisedCredentialsRiskConfiguration": {
        "EventFilter": ["SIGN_UP"], "Actions": {"EventAction": "NO_ACTION"}},
    "RiskExceptionConfiguration": {"SkippedIPRangeList": ["192.168.0.0/16"]},
}


def test_risk_configuration_needs_threat_protection(cognito: Any, pool_id: str) -> None:
    for call in (cognito.set_risk_configuration, cognito.describe_risk_configuration):
        with pytest.raises(ClientError) as exc:
            call(UserPoolId=pool_id)
        assert err(exc) == ("UserPoolAddOnNotEnabledException", rules.ADD_ON_NOT_ENABLED)


def test_risk_configuration_pool_and_client(cognito: Any, plus_pool: str) -> None:
    pool_id = plus_pool
    assert cognito.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == {
        "UserPoolId": pool_id
    }
    made = cognito.set_risk_configuration(UserPoolId=pool_id, **RISK)["RiskConfiguration"]
    assert made["CompromisedCredentialsRiskConfiguration"]["EventFilter"] == ["SIGN_UP"]
    assert "ClientId" not in made and "LastModifiedDate" in made
    assert cognito.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == made

    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"]["ClientId"]
    inherited = cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert inherited["RiskConfiguration"] == made
    own = cognito.set_risk_configuration(
        UserPoolId=pool_id, ClientId=client_id,
        AccountTakeoverRiskConfiguration={"Actions": {
            "HighAction": {"Notify": False, "EventAction": "BLOCK"}}},
    )["RiskConfiguration"]
    assert own["ClientId"] == client_id
    read = cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert read["RiskConfiguration"] == own
    # Pool and client only: the client goes back to inheriting.
    cognito.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    read = cognito.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert read["RiskConfiguration"] == made
    # Pool only: back to defaults.
    cognito.set_risk_configuration(UserPoolId=pool_id)
    read = cognito.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert read == {"UserPoolId": pool_id}


def test_risk_configuration_errors(cognito: Any, plus_pool: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.set_risk_configuration(UserPoolId=plus_pool, ClientId="nosuchclient", **RISK)
    assert err(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        cognito.set_risk_configuration(
            UserPoolId=plus_pool,
            RiskExceptionConfiguration={"BlockedIPRangeList": ["not-a-cidr"]})
    assert err(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        cognito.set_risk_configuration(
            UserPoolId=plus_pool,
            RiskExceptionConfiguration={"BlockedIPRangeList": ["10.0.0.0/8"] * 201})
    assert err(exc)[0] == "InvalidParameterException"  # model max 200
    with pytest.raises(ClientError) as exc:
        cognito.set_risk_configuration(
            UserPoolId=plus_pool, CompromisedCredentialsRiskConfiguration={
                "Actions": {"EventAction": "SHRUG"}})
    assert err(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        cognito.describe_risk_configuration(UserPoolId="us-east-1_nosuchpool")
    assert err(exc)[0] == "ResourceNotFoundException"


def test_signing_certificate_is_stable(cognito: Any, server: Any, pool_id: str) -> None:
    first = cognito.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
    cert = x509.load_der_x509_certificate(base64.b64decode(first))
    assert pool_id in cert.subject.rfc4514_string()
    assert cognito.get_signing_certificate(UserPoolId=pool_id)["Certificate"] == first
    assert server.client().get_signing_certificate(UserPoolId=pool_id)["Certificate"] == first
    with pytest.raises(ClientError) as exc:
        cognito.get_signing_certificate(UserPoolId="us-east-1_nosuchpool")
    assert err(exc)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_signing_certificate_is_one_across_processes(db_url: str) -> None:
    """Two server processes on one database, asked at once, agree on one certificate."""
    from concurrent.futures import ThreadPoolExecutor

    servers = [Server(db=db_url).start(), Server(db=db_url).start()]
    try:
        pool_id = servers[0].client().create_user_pool(PoolName="cert")["UserPool"]["Id"]
        clients = [srv.client() for srv in servers] * 3
        with ThreadPoolExecutor(len(clients)) as pool:
            certs = set(pool.map(
                lambda c: c.get_signing_certificate(UserPoolId=pool_id)["Certificate"], clients
            ))
        assert len(certs) == 1
    finally:
        for srv in servers:
            srv.stop()
