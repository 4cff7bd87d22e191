"""SigV4 verification of AWS JSON 1.1 requests, answered the way AWS's front end answers.

The canonical request, string to sign and signature are recomputed with botocore's own
``SigV4Auth`` pieces, so canonicalisation is exactly the clients'. Only the headers named in
``SignedHeaders`` are signed (botocore's client-side blacklist of unsigned headers is not applied:
the client decides what it signed).

Order of the checks and the texts follow AWS's JSON ("coral") front end, as recorded by
DynamoDB emulators that mirror it (mhart/dynalite ``index.js`` comments) and observed replies:

1. No ``Authorization`` header and no ``X-Amz-Algorithm`` query parameter:
   ``MissingAuthenticationTokenException`` "Missing Authentication Token" (cognito-idp's wording,
   aws/aws-sdk-net-extensions-cognito#95, aws/aws-aspnet-cognito-identity-provider#66; DynamoDB
   says "Request is missing Authentication Token").
2. A token without ``=``: ``IncompleteSignatureException`` "'x' not a valid key=value pair
   (missing equal-sign) in Authorization header: '...'." (iann0036/cloud9-sync#10).
3. Missing parameters or date: "Authorization header requires 'Credential' parameter. ...
   Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.
   Authorization=..." (aws/chalice#828, aws/aws-sdk-js#4285, brendanhay/amazonka#316).
   An ``Authorization`` header of another scheme (``AWS key:sig``, ``Bearer ...``) gets this
   message too (aws/aws-sdk-js#4285 for SSM).
4. Unparseable date: "Date must be in ISO-8601 'basic format'. Got '...'. See ...".
5. More than 15 minutes off: ``InvalidSignatureException`` "Signature expired: T is now earlier
   than N-15 (N - 15 min.)" (aws/aws-sdk-js#254) or "Signature not yet current: T is still later
   than N+15 (N + 15 min.)" (serverless/enterprise#11, with AWS's 15 minutes).
6. ``host`` not signed: "'Host' must be a 'SignedHeader' in the AWS Authorization."
7. Other algorithm: "Unsupported AWS 'algorithm': 'X' (only AWS4-HMAC-SHA256 for now). "
8. Credential not 5 parts: "Credential must have exactly 5 slash-delimited elements, e.g.
   keyid/date/region/service/term, got '...'" (fluent-bit tests, mhart/aws4#97).
9. Scope: "Credential should be scoped to correct service: 'cognito-idp'. " and friends, all
   failures joined (aws/aws-sdk-ruby#431, dynalite).
10. Unknown key: ``UnrecognizedClientException`` "The security token included in the request is
    invalid." (ArranJacques/laravel-aws-cognito-auth#25, a Cognito call).
11. Mismatch: ``InvalidSignatureException`` "The request signature we calculated does not match
    ..." (aws/aws-sdk-js#1985, a Cognito call: no canonical string appended, unlike DynamoDB).

The secret key never appears in an error or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from userpool.domain.errors import (
    IncompleteSignature,
    InvalidSignature,
    MissingAuthenticationToken,
    UnrecognizedClient,
)

SERVICE = "cognito-idp"
ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
MAX_SKEW = timedelta(minutes=15)
# Presigned URLs may live at most 7 days (SigV4 documentation, X-Amz-Expires).
MAX_PRESIGN_EXPIRES = 604800

_TIMESTAMP = "%Y%m%dT%H%M%SZ"
_BASIC_FORMAT = re.compile(r"\d{8}T\d{6}Z")
_TOKEN_SPLIT = re.compile(r"[,\s]+")
# AWS checks the region against the endpoint's; a self-hosted server answers for any region, so
# only reject what cannot be a region name at all.
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

MISSING_TOKEN = "Missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_QUERY_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)


@dataclass(frozen=True)
class Caller:
    """Who signed the request."""

    access_key: str | None  # None in open (no credentials) mode
    region: str | None  # from the credential scope, if the request was signed


@dataclass(frozen=True)
class _Auth:
    """The signing material of one request, from its header or its query string."""

    algorithm: str
    credential: str
    signed_headers: tuple[str, ...]
    signature: str
    raw_date: str
    timestamp: datetime
    expires: timedelta
    query: tuple[tuple[str, str], ...]  # canonical query parameters, without X-Amz-Signature


@dataclass(frozen=True)
class _Scope:
    access_key: str
    date: str
    region: str
    service: str
    terminator: str


# --------------------------------------------------------------------------- public


def verify(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, str] | None,
    *,
    now: datetime | None = None,
    service: str = SERVICE,
) -> Caller:
    """Check the request's SigV4 signature; return the caller or raise AWS's error.

    ``path`` is the raw (still percent-encoded) request path and ``query`` the raw query string
    without ``?``. ``credentials`` maps access key id to secret key; ``None`` is open mode, where
    anything is accepted.
    """
    if credentials is None:
        return Caller(None, region_from_headers(headers) or _query_region(query))
    auth = _read_auth(headers, _query_pairs(query))
    _check_time(auth, _utc(now))
    _check_host_signed(auth)
    if auth.algorithm != ALGORITHM:
        raise IncompleteSignature(
            f"Unsupported AWS 'algorithm': '{auth.algorithm}' (only {ALGORITHM} for now). "
        )
    scope = _check_scope(auth, service)
    secret = credentials.get(scope.access_key)
    if secret is None:
        raise UnrecognizedClient(INVALID_TOKEN)
    _check_signature(method, path, headers, body, auth, scope, secret)
    return Caller(scope.access_key, scope.region)


def region_from_headers(headers: Mapping[str, str]) -> str | None:
    """The region of the ``Authorization`` header's credential scope, without any checks."""
    auth = _header(headers, "authorization")
    if not auth:
        return None
    params = _auth_params(auth.strip().partition(" ")[2], strict=False)
    return _region_of(params.get("Credential", ""))


# --------------------------------------------------------------------------- reading


def _header_values(headers: Mapping[str, str], name: str) -> list[str]:
    """All values of one header, looked up case-insensitively (repeated headers included)."""
    return [value for key, value in headers.items() if key.lower() == name]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    values = _header_values(headers, name)
    return values[0] if values else None


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """Decoded query parameters, in order. ``+`` is kept literal (SigV4 clients encode spaces
    as ``%20``); botocore re-encodes them for the canonical query string."""
    pairs = []
    for part in query.lstrip("?").split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _region_of(credential: str) -> str | None:
    parts = credential.rstrip("/").split("/")
    if len(parts) < 3:
        return None
    return parts[2] or None


def _query_region(query: str) -> str | None:
    return _region_of(dict(_query_pairs(query)).get("X-Amz-Credential", ""))


def _auth_params(rest: str, *, strict: bool, authorization: str = "") -> dict[str, str]:
    """``Credential=..., SignedHeaders=..., Signature=...`` as a dict (empty values dropped)."""
    params: dict[str, str] = {}
    for token in _TOKEN_SPLIT.split(rest.strip()):
        if not token:
            continue
        key, sep, value = token.partition("=")
        if not sep:
            if strict:
                raise IncompleteSignature(
                    f"'{token}' not a valid key=value pair (missing equal-sign) in "
                    f"Authorization header: '{authorization}'."
                )
            continue
        if value:
            params[key] = value
    return params


def _read_auth(headers: Mapping[str, str], query: list[tuple[str, str]]) -> _Auth:
    authorization = _header(headers, "authorization")
    in_query = any(key == "X-Amz-Algorithm" for key, _ in query)
    if authorization is not None and in_query:
        raise InvalidSignature(
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP "
            "header."
        )
    if in_query:
        return _read_query_auth(query)
    if authorization is None:
        raise MissingAuthenticationToken(MISSING_TOKEN)
    return _read_header_auth(authorization, headers, query)


def _read_header_auth(
    authorization: str, headers: Mapping[str, str], query: list[tuple[str, str]]
) -> _Auth:
    algorithm, _, rest = authorization.strip().partition(" ")
    params: dict[str, str] = {}
    if algorithm.startswith("AWS4-"):
        params = _auth_params(rest, strict=True, authorization=authorization)
    amz_date = _header(headers, "x-amz-date")
    http_date = _header(headers, "date")
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in params
    ]
    if amz_date is None and http_date is None:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if missing:
        raise IncompleteSignature(" ".join([*missing, f"Authorization={authorization}"]))
    raw_date = amz_date if amz_date is not None else http_date or ""
    return _Auth(
        algorithm=algorithm,
        credential=params["Credential"],
        signed_headers=_signed_header_names(params["SignedHeaders"]),
        signature=params["Signature"],
        raw_date=raw_date,
        timestamp=_parse_date(raw_date, http_format=amz_date is None),
        expires=MAX_SKEW,
        query=tuple(query),
    )


def _read_query_auth(query: list[tuple[str, str]]) -> _Auth:
    params = {key: value for key, value in query if value}
    missing = [name for name in _QUERY_PARAMS if name not in params]
    if missing:
        listed = "".join(f"AWS query-string parameters must include '{n}'. " for n in missing)
        raise IncompleteSignature(f"{listed}Re-examine the query-string parameters.")
    return _Auth(
        algorithm=params["X-Amz-Algorithm"],
        credential=params["X-Amz-Credential"],
        signed_headers=_signed_header_names(params["X-Amz-SignedHeaders"]),
        signature=params["X-Amz-Signature"],
        raw_date=params["X-Amz-Date"],
        timestamp=_parse_date(params["X-Amz-Date"], http_format=False),
        expires=_presign_expires(params.get("X-Amz-Expires")),
        query=tuple((k, v) for k, v in query if k != "X-Amz-Signature"),
    )


def _presign_expires(raw: str | None) -> timedelta:
    # AWS's exact wording for a bad X-Amz-Expires is unknown; refuse it as an incomplete
    # signature (the safer answer) rather than accept a URL of unbounded life.
    if raw is None:
        return MAX_SKEW
    if not raw.isdigit() or not 0 < int(raw) <= MAX_PRESIGN_EXPIRES:
        raise IncompleteSignature(
            f"X-Amz-Expires must be a number of seconds between 1 and {MAX_PRESIGN_EXPIRES}, "
            f"not '{raw}'."
        )
    return timedelta(seconds=int(raw))


def _signed_header_names(raw: str) -> tuple[str, ...]:
    return tuple(name.strip().lower() for name in raw.split(";") if name.strip())


def _parse_date(raw: str, *, http_format: bool) -> datetime:
    try:
        if http_format:
            parsed = parsedate_to_datetime(raw)
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if _BASIC_FORMAT.fullmatch(raw):
            return datetime.strptime(raw, _TIMESTAMP).replace(tzinfo=UTC)
    except (TypeError, ValueError):
        pass
    raise IncompleteSignature(
        f"Date must be in ISO-8601 'basic format'. Got '{raw}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


# --------------------------------------------------------------------------- checks


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime(_TIMESTAMP)


def _minutes(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 60} min." if seconds % 60 == 0 else f"{seconds} sec."


def _check_time(auth: _Auth, now: datetime) -> None:
    now = now.replace(microsecond=0)
    moment = auth.timestamp
    if moment < now - auth.expires:
        raise InvalidSignature(
            f"Signature expired: {_stamp(moment)} is now earlier than "
            f"{_stamp(now - auth.expires)} ({_stamp(now)} - {_minutes(auth.expires)})"
        )
    if moment > now + MAX_SKEW:
        raise InvalidSignature(
            f"Signature not yet current: {_stamp(moment)} is still later than "
            f"{_stamp(now + MAX_SKEW)} ({_stamp(now)} + {_minutes(MAX_SKEW)})"
        )


def _check_host_signed(auth: _Auth) -> None:
    if "host" not in auth.signed_headers:
        raise InvalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")


def _check_scope(auth: _Auth, service: str = SERVICE) -> _Scope:
    parts = auth.credential.rstrip("/").split("/")
    if len(parts) != 5:
        raise IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            f"keyid/date/region/service/term, got '{auth.credential}'"
        )
    scope = _Scope(*parts)
    request_date = _stamp(auth.timestamp)
    problems = []
    if not _REGION.fullmatch(scope.region):
        problems.append(f"Credential should be scoped to a valid region, not '{scope.region}'.")
    if scope.service != service:
        problems.append(f"Credential should be scoped to correct service: '{service}'.")
    if scope.terminator != TERMINATOR:
        problems.append(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{scope.terminator}'."
        )
    if scope.date != request_date[:8]:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope.date}' != '{request_date[:8]}', from '{request_date}'."
        )
    if problems:
        raise InvalidSignature(" ".join(problems) + " ")
    return scope


# --------------------------------------------------------------------------- signature


class _VerifyingSigV4(SigV4Auth):
    """botocore's signer, signing exactly the headers the request holds."""

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        header_map = HTTPHeaders()
        for name, value in request.headers.items():
            header_map[name.lower()] = value
        return header_map


def _signing_request(
    method: str, path: str, headers: Mapping[str, str], body: bytes, auth: _Auth
) -> AWSRequest:
    request = AWSRequest(method=method.upper(), url=f"http://signing.invalid{path or '/'}")
    request.data = body
    request.params = list(auth.query)
    for name in auth.signed_headers:
        for value in _header_values(headers, name):
            request.headers[name] = value
    request.context["timestamp"] = _stamp(auth.timestamp)
    return request


def _check_signature(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    auth: _Auth,
    scope: _Scope,
    secret: str,
) -> None:
    request = _signing_request(method, path, headers, body, auth)
    declared_hash = request.headers.get("X-Amz-Content-SHA256")
    if declared_hash is not None and declared_hash != hashlib.sha256(body).hexdigest():
        # A signed x-amz-content-sha256 replaces the body in the canonical request. Accepting a
        # hash that is not the body's (or UNSIGNED-PAYLOAD) would let the body be swapped, so
        # refuse it as a mismatch (safer; AWS's exact answer for JSON services is unknown).
        raise InvalidSignature(SIGNATURE_MISMATCH)
    signer = _VerifyingSigV4(Credentials(scope.access_key, secret), scope.service, scope.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    provided = auth.signature.encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(expected.encode("ascii"), provided):
        raise InvalidSignature(SIGNATURE_MISMATCH)
