"""Sign-in events (AuthEventType) and their feedback. Pure: no store, no HTTP.

AWS logs auth events only "in a user pool with threat protection active" ([API:AuthEventType]);
AdminListUserAuthEvents and the feedback operations answer UserPoolAddOnNotEnabledException
otherwise (reference §7.4; ministackorg/ministack#1538 reports the same refusal from AWS). We do
not evaluate risk: every event is ``NoRisk`` without a risk level or compromised credentials.
"""

from __future__ import annotations

import uuid
from typing import Any

from userpool.domain import pagination
from userpool.domain.errors import InvalidParameter

DEFAULT_PAGE = 60  # "Returns 60 events if you set MaxResults to 0, or if you don't include" it
PAGE_KIND = "auth_events"
ADMIN_PROVIDER = "Admin"  # EventFeedbackType.Provider: "in the Amazon Cognito console ... Admin"
USER_PROVIDER = "User"  # our choice for the one-click-link (FeedbackToken) path


def threat_protection_active(pool: dict[str, Any]) -> bool:
    mode = (pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
    return mode in ("AUDIT", "ENFORCED")


def context_data(given: dict[str, Any] | None) -> dict[str, str] | None:
    """EventContextData from the request's UserContextData / ContextData: the IP address, and a
    device name from a User-Agent header when the (admin) ContextData carries headers."""
    if not given:
        return None
    out: dict[str, str] = {}
    if given.get("IpAddress"):
        out["IpAddress"] = str(given["IpAddress"])
    for header in given.get("HttpHeaders") or []:
        if str(header.get("headerName", "")).lower() == "user-agent" and header.get("headerValue"):
            out["DeviceName"] = str(header["headerValue"])
    return out or None


def sign_in_event(
    now: float, *, passed: bool, context: dict[str, str] | None = None, mfa: bool | None = None
) -> dict[str, Any]:
    """A new SignIn AuthEventType. ``mfa`` adds an Mfa challenge response (True: passed)."""
    responses = [
        {"ChallengeName": "Password", "ChallengeResponse": "Success" if passed else "Failure"}
    ]
    if mfa is not None:
        responses.append(
            {"ChallengeName": "Mfa", "ChallengeResponse": "Success" if mfa else "Failure"}
        )
    event: dict[str, Any] = {
        "EventId": str(uuid.uuid4()),
        "EventType": "SignIn",
        "CreationDate": now,
        "EventResponse": "Pass" if passed else "Fail",
        "EventRisk": {"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": False},
        "ChallengeResponses": responses,
    }
    if context:
        event["EventContextData"] = context
    return event


def with_feedback(event: dict[str, Any], value: str, provider: str, now: float) -> dict[str, Any]:
    """The event with its EventFeedback set (a later feedback replaces an earlier one)."""
    return {
        **event,
        "EventFeedback": {"FeedbackValue": value, "Provider": provider, "FeedbackDate": now},
    }


def page_size(max_results: int | None) -> int:
    return max_results or DEFAULT_PAGE


def next_token(last: dict[str, Any], sub: str) -> str:
    return pagination.encode(
        {"k": PAGE_KIND, "u": sub, "t": last["CreationDate"], "e": last["EventId"]}
    )


def position(token: str | None, sub: str) -> tuple[float, str] | None:
    """Where a NextToken continues; a token of another user or operation is invalid."""
    if token is None:
        return None
    found = pagination.decode(token, kind=PAGE_KIND)
    at, event_id = found.get("t"), found.get("e")
    if (
        found.get("u") != sub
        or not isinstance(at, int | float)
        or isinstance(at, bool)
        or not isinstance(event_id, str)
    ):
        raise InvalidParameter("Invalid pagination token.")
    return float(at), event_id
