"""SigV4 verification against requests signed by botocore itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from starlette.datastructures import Headers

from userpool.domain.errors import (
    IncompleteSignature,
    InvalidSignature,
    MissingAuthenticationToken,
    UnrecognizedClient,
)
from userpool.protocol.sigv4 import (
    MISSING_TOKEN,
    SIGNATURE_MISMATCH,
    Caller,
    region_from_headers,
    verify,
)

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CREDS = {AK: SK}
HOST = "127.0.0.1:9229"
WHEN = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)
BODY = json.dumps({"UserPoolId": "eu-west-1_abc", "Username": "bob"}).encode()


def sign(
    monkeypatch: pytest.MonkeyPatch,
    *,
    body: bytes = BODY,
    region: str = "eu-west-1",
    service: str = "cognito-idp",
    key: tuple[str, str] = (AK, SK),
    when: datetime = WHEN,
    token: str | None = None,
) -> dict[str, str]:
    """Sign a POST / like boto3 does; return the headers as they arrive at the server."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when)
    request = AWSRequest(
        method="POST",
        url=f"http://{HOST}/",
        data=body,
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    SigV4Auth(Credentials(key[0], key[1], token), service, region).add_auth(request)
    return {"Host": HOST, **dict(request.headers.items())}


def check(headers: Any, body: bytes = BODY, **kwargs: Any) -> Caller:
    kwargs.setdefault("now", WHEN)
    return verify("POST", "/", "", headers, body, kwargs.pop("credentials", CREDS), **kwargs)


def test_valid_request_passes_and_returns_region(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(sign(monkeypatch)) == Caller(AK, "eu-west-1")


def test_real_boto3_client_request_passes() -> None:
    captured: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def grab(request: Any, **_: Any) -> None:
        captured["request"] = request
        raise Stop

    client = boto3.client(
        "cognito-idp",
        region_name="us-east-2",
        endpoint_url=f"http://{HOST}",
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
    )
    client.meta.events.register("before-send.cognito-idp.*", grab)
    with pytest.raises(Stop):
        client.admin_get_user(UserPoolId="us-east-2_abcdefghi", Username="bob")
    request = captured["request"]
    headers = {
        "Host": HOST,
        **{k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()},
    }
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    now = datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert check(headers, body, now=now) == Caller(AK, "us-east-2")


def test_starlette_headers_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = [(k.lower().encode(), v.encode()) for k, v in sign(monkeypatch).items()]
    assert check(Headers(raw=raw)).access_key == AK


def test_plain_dict_with_lowercase_names(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {k.lower(): v for k, v in sign(monkeypatch).items()}
    assert check(headers).region == "eu-west-1"


def test_session_token_is_signed_and_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch, token="session-token")
    assert "x-amz-security-token" in headers["Authorization"]
    assert check(headers).access_key == AK
    headers["X-Amz-Security-Token"] = "other-token"
    with pytest.raises(InvalidSignature):
        check(headers)


def test_within_skew_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    assert check(headers, now=WHEN + timedelta(minutes=15)).access_key == AK
    assert check(headers, now=WHEN - timedelta(minutes=15)).access_key == AK


def test_wrong_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch, key=(AK, "not-the-secret"))
    with pytest.raises(InvalidSignature) as err:
        check(headers)
    assert err.value.message == SIGNATURE_MISMATCH
    assert err.value.code == "InvalidSignatureException"
    assert err.value.status == 403
    assert SK not in err.value.message


def test_tampered_body(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    with pytest.raises(InvalidSignature) as err:
        check(headers, BODY.replace(b"bob", b"eve"))
    assert err.value.message == SIGNATURE_MISMATCH


def test_tampered_signed_header(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.AdminDeleteUser"
    with pytest.raises(InvalidSignature) as err:
        check(headers)
    assert err.value.message == SIGNATURE_MISMATCH


def test_tampered_host(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["Host"] = "127.0.0.1:9230"
    with pytest.raises(InvalidSignature):
        check(headers)


def test_unsigned_header_may_change(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["User-Agent"] = "something else"
    headers["Content-Length"] = str(len(BODY))
    assert check(headers).access_key == AK


def test_stale_date(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    with pytest.raises(InvalidSignature) as err:
        check(headers, now=WHEN + timedelta(minutes=30))
    assert err.value.message == (
        "Signature expired: 20250101T000000Z is now earlier than 20250101T001500Z "
        "(20250101T003000Z - 15 min.)"
    )


def test_future_date(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    with pytest.raises(InvalidSignature) as err:
        check(headers, now=WHEN - timedelta(minutes=16))
    assert err.value.message == (
        "Signature not yet current: 20250101T000000Z is still later than 20241231T235900Z "
        "(20241231T234400Z + 15 min.)"
    )


def test_unknown_access_key(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch, key=("AKIDUNKNOWN", SK))
    with pytest.raises(UnrecognizedClient) as err:
        check(headers)
    assert err.value.message == "The security token included in the request is invalid."
    assert err.value.code == "UnrecognizedClientException"


def test_missing_authorization_header() -> None:
    headers = {"Host": HOST, "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"}
    with pytest.raises(MissingAuthenticationToken) as err:
        check(headers)
    assert err.value.message == MISSING_TOKEN == "Missing Authentication Token"
    assert err.value.code == "MissingAuthenticationTokenException"


def test_authorization_missing_parts_and_date() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-1/cognito-idp/aws4_request"
    with pytest.raises(IncompleteSignature) as err:
        check({"Host": HOST, "Authorization": auth})
    assert err.value.message == (
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={auth}"
    )
    assert err.value.code == "IncompleteSignatureException"


def test_other_authorization_scheme() -> None:
    with pytest.raises(IncompleteSignature) as err:
        check({"Host": HOST, "Authorization": "Bearer abc", "X-Amz-Date": "20250101T000000Z"})
    assert err.value.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc"
    )


def test_missing_date_only(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    del headers["X-Amz-Date"]
    with pytest.raises(IncompleteSignature) as err:
        check(headers)
    assert err.value.message == (
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={headers['Authorization']}"
    )


def test_token_without_equal_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    auth = headers["Authorization"].replace("Credential=", "Credential= ")
    headers["Authorization"] = auth
    with pytest.raises(IncompleteSignature) as err:
        check(headers)
    assert err.value.message == (
        "'AKIDEXAMPLE/20250101/eu-west-1/cognito-idp/aws4_request' not a valid key=value pair "
        f"(missing equal-sign) in Authorization header: '{auth}'."
    )


def test_bad_date_format(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["X-Amz-Date"] = "2025-01-01"
    with pytest.raises(IncompleteSignature) as err:
        check(headers)
    assert err.value.message == (
        "Date must be in ISO-8601 'basic format'. Got '2025-01-01'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_credential_with_too_few_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["Authorization"] = headers["Authorization"].replace("/cognito-idp/", "/")
    with pytest.raises(IncompleteSignature) as err:
        check(headers)
    assert err.value.message == (
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got 'AKIDEXAMPLE/20250101/eu-west-1/aws4_request'"
    )


def test_unsupported_algorithm(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["Authorization"] = headers["Authorization"].replace("HMAC-SHA256", "HMAC-SHA1", 1)
    with pytest.raises(IncompleteSignature) as err:
        check(headers)
    assert err.value.message == (
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). "
    )


def test_wrong_service_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch, service="dynamodb")
    with pytest.raises(InvalidSignature) as err:
        check(headers)
    assert err.value.message == "Credential should be scoped to correct service: 'cognito-idp'. "


def test_bad_terminator_and_scope_date(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = sign(monkeypatch)
    headers["Authorization"] = (
        headers["Authorization"]
        .replace("aws4_request", "aws5_request")
        .replace("/20250101/", "/20241231/")
    )
    with pytest.raises(InvalidSignature) as err:
        check(headers)
    assert err.value.message == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '20241231' != '20250101', from '20250101T000000Z'. "
    )


def test_host_must_be_signed() -> None:
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-1/cognito-idp/aws4_request, "
        "SignedHeaders=x-amz-date;x-amz-target, Signature=abc"
    )
    headers = {"Host": HOST, "Authorization": auth, "X-Amz-Date": "20250101T000000Z"}
    with pytest.raises(InvalidSignature) as err:
        check(headers)
    assert err.value.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


def test_signed_content_sha256_must_match_body(monkeypatch: pytest.MonkeyPatch) -> None:
    # A client may sign x-amz-content-sha256; it must then be the body's hash.
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: WHEN)
    request = AWSRequest(method="POST", url=f"http://{HOST}/", data=BODY)
    request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    SigV4Auth(Credentials(AK, SK), "cognito-idp", "eu-west-1").add_auth(request)
    headers = {"Host": HOST, **dict(request.headers.items())}
    with pytest.raises(InvalidSignature):
        check(headers, BODY.replace(b"bob", b"eve"))


def test_presigned_query(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: WHEN)
    request = AWSRequest(method="POST", url=f"http://{HOST}/", headers={"Host": HOST}, data=b"")
    SigV4QueryAuth(Credentials(AK, SK), "cognito-idp", "eu-west-1", expires=60).add_auth(request)
    query = request.url.split("?", 1)[1]
    caller = verify("POST", "/", query, {"Host": HOST}, b"", CREDS, now=WHEN)
    assert caller == Caller(AK, "eu-west-1")
    with pytest.raises(InvalidSignature) as err:
        verify("POST", "/", query, {"Host": HOST}, b"", CREDS, now=WHEN + timedelta(minutes=2))
    assert err.value.message.startswith("Signature expired: 20250101T000000Z")


def test_incomplete_presigned_query() -> None:
    with pytest.raises(IncompleteSignature) as err:
        verify("POST", "/", "X-Amz-Algorithm=AWS4-HMAC-SHA256", {"Host": HOST}, b"", CREDS)
    assert err.value.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "Re-examine the query-string parameters."
    )


def test_open_mode_accepts_unsigned() -> None:
    headers = {"Host": HOST, "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"}
    assert verify("POST", "/", "", headers, BODY, None) == Caller(None, None)


def test_open_mode_accepts_bad_signature_and_reports_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = sign(monkeypatch, key=("whoever", "whatever"), region="ap-south-1")
    assert verify("POST", "/", "", headers, b"other", None) == Caller(None, "ap-south-1")


def test_region_from_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert region_from_headers(sign(monkeypatch, region="us-west-2")) == "us-west-2"
    assert region_from_headers({"authorization": "garbage"}) is None
    assert region_from_headers({}) is None


def test_date_header_instead_of_x_amz_date() -> None:
    # SigV4 allows the HTTP Date header in place of X-Amz-Date (botocore itself never does it).
    headers = {"Host": HOST, "Date": "Wed, 01 Jan 2025 00:00:00 GMT"}
    request = AWSRequest(method="POST", url=f"http://{HOST}/", data=BODY, headers=headers)
    request.context["timestamp"] = "20250101T000000Z"
    signer = SigV4Auth(Credentials(AK, SK), "cognito-idp", "eu-west-1")
    signature = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request
    )
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, SignedHeaders=date;host, "
        f"Signature={signature}"
    )
    assert check(headers).access_key == AK
    with pytest.raises(InvalidSignature):
        check(headers, now=WHEN + timedelta(hours=1))
