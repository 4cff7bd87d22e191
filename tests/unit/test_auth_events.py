"""domain.auth_events: event documents, feedback, context data, pagination positions."""

from __future__ import annotations

import pytest

from userpool.domain import auth_events as ev
from userpool.domain import pagination
from userpool.domain.errors import InvalidParameter


def test_threat_protection_active() -> None:
    assert not ev.threat_protection_active({})
    assert not ev.threat_protection_active({"UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}})
    for mode in ("AUDIT", "ENFORCED"):
        assert ev.threat_protection_active({"UserPoolAddOns": {"AdvancedSecurityMode": mode}})


def test_sign_in_event_pass_and_fail() -> None:
    passed = ev.sign_in_event(12.5, passed=True, context={"IpAddress": "192.0.2.1"})
    assert passed["EventType"] == "SignIn"
    assert passed["EventResponse"] == "Pass"
    assert passed["CreationDate"] == 12.5
    assert passed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert passed["EventRisk"] == {"RiskDecision": "NoRisk",
                                   "CompromisedCredentialsDetected": False}
    assert passed["EventContextData"] == {"IpAddress": "192.0.2.1"}
    failed = ev.sign_in_event(1.0, passed=False)
    assert failed["EventResponse"] == "Fail"
    assert failed["ChallengeResponses"][0]["ChallengeResponse"] == "Failure"
    assert "EventContextData" not in failed
    assert failed["EventId"] != passed["EventId"]
    with_mfa = ev.sign_in_event(1.0, passed=True, mfa=False)
    assert with_mfa["ChallengeResponses"][1] == {"ChallengeName": "Mfa",
                                                 "ChallengeResponse": "Failure"}


def test_context_data() -> None:
    assert ev.context_data(None) is None
    assert ev.context_data({}) is None
    assert ev.context_data({"EncodedData": "x"}) is None
    assert ev.context_data({"IpAddress": "198.51.100.2", "HttpHeaders": [
        {"headerName": "user-agent", "headerValue": "UA/2"},
        {"headerName": "Accept", "headerValue": "*/*"},
    ]}) == {"IpAddress": "198.51.100.2", "DeviceName": "UA/2"}


def test_with_feedback_replaces_and_keeps_the_rest() -> None:
    event = ev.sign_in_event(1.0, passed=True)
    once = ev.with_feedback(event, "Invalid", ev.ADMIN_PROVIDER, 5.0)
    assert once["EventFeedback"] == {"FeedbackValue": "Invalid", "Provider": "Admin",
                                     "FeedbackDate": 5.0}
    twice = ev.with_feedback(once, "Valid", ev.USER_PROVIDER, 6.0)
    assert twice["EventFeedback"]["FeedbackValue"] == "Valid"
    assert twice["EventFeedback"]["Provider"] == "User"
    assert "EventFeedback" not in event
    assert {k: v for k, v in twice.items() if k != "EventFeedback"} == event


def test_page_size() -> None:
    assert ev.page_size(None) == 60
    assert ev.page_size(0) == 60
    assert ev.page_size(7) == 7


def test_positions_round_trip_and_bind_to_the_user() -> None:
    event = ev.sign_in_event(99.125, passed=True)
    token = ev.next_token(event, "sub-1")
    assert ev.position(token, "sub-1") == (99.125, event["EventId"])
    assert ev.position(None, "sub-1") is None
    with pytest.raises(InvalidParameter):
        ev.position(token, "sub-2")
    with pytest.raises(InvalidParameter):
        ev.position("%%%", "sub-1")
    forged = pagination.encode({"k": ev.PAGE_KIND, "u": "sub-1", "t": True, "e": "x"})
    with pytest.raises(InvalidParameter):
        ev.position(forged, "sub-1")
    other_kind = pagination.encode({"k": "users", "u": "sub-1", "t": 1, "e": "x"})
    with pytest.raises(InvalidParameter):
        ev.position(other_kind, "sub-1")
