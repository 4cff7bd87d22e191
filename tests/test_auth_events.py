"""Sign-in events over HTTP, on both stores: AdminListUserAuthEvents, AdminUpdateAuthEventFeedback
and UpdateAuthEventFeedback, and the events that password sign-ins record.

Sources: [API:AuthEventType] (events are logged "in a user pool with threat protection active"),
[API:AdminListUserAuthEvents] (MaxResults 0 or absent: 60), [API:UpdateAuthEventFeedback]
(FeedbackToken from the notification email; Plus tier), [API:EventFeedbackType] (Provider
"Admin" for administrator feedback); reference §7.4 (threat protection needs PLUS).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.auth_helpers import confirmed_user, flows_client, password_sign_in, server_key
from tests.server import Server, error
from tests.user_helpers import OTHER, STRONG, attribute_map, make_pool, rejected, unique

NOT_ENABLED = "UserPoolAddOnNotEnabledException"


@pytest.fixture
def plus_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, UserPoolTier="PLUS",
                     UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})


@pytest.fixture
def plus_app(cognito: Any, plus_pool: dict[str, Any]) -> dict[str, Any]:
    return flows_client(cognito, plus_pool["Id"])


def events_of(cognito: Any, pool_id: str, name: str, **kwargs: Any) -> list[dict[str, Any]]:
    return cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=name,
                                               **kwargs)["AuthEvents"]


def feedback_token(server: Server, pool_id: str, sub: str, event_id: str) -> str:
    """What the notification email would carry: the server's keyed hash (operations.auth_events)."""
    return server_key(server).code_hash("auth-event-feedback", pool_id, sub, event_id)


def test_sign_ins_are_recorded(
    cognito: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]
) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    assert events_of(cognito, pool_id, name) == []
    with pytest.raises(ClientError):
        password_sign_in(cognito, plus_app, name, password=OTHER)
    cognito.initiate_auth(ClientId=plus_app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": name, "PASSWORD": STRONG},
                          UserContextData={"IpAddress": "192.0.2.7"})
    cognito.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=plus_app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": STRONG},
        ContextData={"IpAddress": "198.51.100.1", "ServerName": "app.example.com",
                     "ServerPath": "/login",
                     "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "Browser/1"}]})
    admin, passed, failed = events_of(cognito, pool_id, name)  # newest first
    for event in (admin, passed, failed):
        assert event["EventType"] == "SignIn"
        assert isinstance(event["CreationDate"], datetime.datetime)
        assert event["EventRisk"]["RiskDecision"] == "NoRisk"
        assert "EventFeedback" not in event
    assert failed["EventResponse"] == "Fail"
    assert failed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Failure"}]
    assert passed["EventResponse"] == "Pass"
    assert passed["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert passed["EventContextData"] == {"IpAddress": "192.0.2.7"}
    assert admin["EventContextData"] == {"IpAddress": "198.51.100.1", "DeviceName": "Browser/1"}
    assert len({e["EventId"] for e in (admin, passed, failed)}) == 3
    assert failed["CreationDate"] <= passed["CreationDate"] <= admin["CreationDate"]


def test_refresh_and_challenges_do_not_add_sign_ins(
    cognito: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]
) -> None:
    pool_id = plus_pool["Id"]
    name = unique()
    cognito.admin_create_user(UserPoolId=pool_id, Username=name, TemporaryPassword=OTHER,
                              MessageAction="SUPPRESS")
    first = password_sign_in(cognito, plus_app, name, password=OTHER)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert events_of(cognito, pool_id, name) == []  # in progress: nothing decided yet
    done = cognito.respond_to_auth_challenge(
        ClientId=plus_app["ClientId"], ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"], ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": STRONG})
    cognito.initiate_auth(ClientId=plus_app["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": done["AuthenticationResult"][
                              "RefreshToken"]})
    assert [e["EventResponse"] for e in events_of(cognito, pool_id, name)] == ["Pass"]


def test_pagination(cognito: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    for _ in range(3):
        password_sign_in(cognito, plus_app, name)
    everything = events_of(cognito, pool_id, name, MaxResults=0)  # 0 means the default, 60
    assert len(everything) == 3
    first = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=name, MaxResults=2)
    assert len(first["AuthEvents"]) == 2
    rest = cognito.admin_list_user_auth_events(UserPoolId=pool_id, Username=name, MaxResults=2,
                                               NextToken=first["NextToken"])
    assert "NextToken" not in rest
    ids = [e["EventId"] for e in first["AuthEvents"] + rest["AuthEvents"]]
    assert ids == [e["EventId"] for e in everything]
    # A token is bound to its user, and a forged one is refused.
    other = confirmed_user(cognito, pool_id)
    assert rejected(cognito.admin_list_user_auth_events, UserPoolId=pool_id, Username=other,
                    NextToken=first["NextToken"])[0] == "InvalidParameterException"
    assert rejected(cognito.admin_list_user_auth_events, UserPoolId=pool_id, Username=name,
                    NextToken="bm90LWEtdG9rZW4")[0] == "InvalidParameterException"


def test_list_by_sub_unknown_user_and_pool(
    cognito: Any, loose: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]
) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    password_sign_in(cognito, plus_app, name)
    sub = attribute_map(cognito.admin_get_user(UserPoolId=pool_id, Username=name))["sub"]
    assert len(events_of(cognito, pool_id, sub)) == 1
    assert rejected(cognito.admin_list_user_auth_events, UserPoolId=pool_id,
                    Username="ghost") == ("UserNotFoundException", "User does not exist.")
    assert rejected(cognito.admin_list_user_auth_events, UserPoolId="us-east-1_nope0000",
                    Username=name)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        loose.admin_list_user_auth_events(UserPoolId=pool_id, Username=name, MaxResults=61)
    assert error(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        loose.admin_list_user_auth_events(UserPoolId=pool_id)
    assert error(exc)[0] == "InvalidParameterException"


def test_events_go_with_the_user(
    cognito: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]
) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    password_sign_in(cognito, plus_app, name)
    cognito.admin_delete_user(UserPoolId=pool_id, Username=name)
    confirmed_user(cognito, pool_id, username=name)
    assert events_of(cognito, pool_id, name) == []


def test_threat_protection_off(cognito: Any, pool_id: str) -> None:
    app = flows_client(cognito, pool_id)
    name = confirmed_user(cognito, pool_id)
    password_sign_in(cognito, app, name)
    for call, extra in (
        (cognito.admin_list_user_auth_events, {}),
        (cognito.admin_update_auth_event_feedback, {"EventId": "e1", "FeedbackValue": "Valid"}),
        (cognito.update_auth_event_feedback,
         {"EventId": "e1", "FeedbackValue": "Valid", "FeedbackToken": "abc"}),
    ):
        code, _ = rejected(call, UserPoolId=pool_id, Username=name, **extra)
        assert code == NOT_ENABLED


def test_admin_feedback(cognito: Any, plus_pool: dict[str, Any], plus_app: dict[str, Any]) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    password_sign_in(cognito, plus_app, name)
    (event,) = events_of(cognito, pool_id, name)
    assert cognito.admin_update_auth_event_feedback(
        UserPoolId=pool_id, Username=name, EventId=event["EventId"],
        FeedbackValue="Invalid")["ResponseMetadata"]["HTTPStatusCode"] == 200
    (updated,) = events_of(cognito, pool_id, name)
    feedback = updated["EventFeedback"]
    assert feedback["FeedbackValue"] == "Invalid"
    assert feedback["Provider"] == "Admin"
    assert isinstance(feedback["FeedbackDate"], datetime.datetime)
    assert {k: v for k, v in updated.items() if k != "EventFeedback"} == event
    cognito.admin_update_auth_event_feedback(UserPoolId=pool_id, Username=name,
                                             EventId=event["EventId"], FeedbackValue="Valid")
    assert events_of(cognito, pool_id, name)[0]["EventFeedback"]["FeedbackValue"] == "Valid"
    assert rejected(cognito.admin_update_auth_event_feedback, UserPoolId=pool_id, Username=name,
                    EventId="no-such-event", FeedbackValue="Valid")[0] == (
        "ResourceNotFoundException")
    # Another user's event is not this user's.
    other = confirmed_user(cognito, pool_id)
    assert rejected(cognito.admin_update_auth_event_feedback, UserPoolId=pool_id, Username=other,
                    EventId=event["EventId"], FeedbackValue="Valid")[0] == (
        "ResourceNotFoundException")


def test_user_feedback_with_the_token(
    cognito: Any, loose: Any, server: Server, plus_pool: dict[str, Any],
    plus_app: dict[str, Any],
) -> None:
    pool_id = plus_pool["Id"]
    name = confirmed_user(cognito, pool_id)
    password_sign_in(cognito, plus_app, name)
    (event,) = events_of(cognito, pool_id, name)
    sub = attribute_map(cognito.admin_get_user(UserPoolId=pool_id, Username=name))["sub"]
    token = feedback_token(server, pool_id, sub, event["EventId"])
    assert rejected(cognito.update_auth_event_feedback, UserPoolId=pool_id, Username=name,
                    EventId=event["EventId"], FeedbackToken="wrong" + token[5:],
                    FeedbackValue="Invalid")[0] == "NotAuthorizedException"
    # The token of one event doesn't work for another.
    password_sign_in(cognito, plus_app, name)
    newer = events_of(cognito, pool_id, name)[0]
    assert rejected(cognito.update_auth_event_feedback, UserPoolId=pool_id, Username=name,
                    EventId=newer["EventId"], FeedbackToken=token,
                    FeedbackValue="Invalid")[0] == "NotAuthorizedException"
    cognito.update_auth_event_feedback(UserPoolId=pool_id, Username=name,
                                       EventId=event["EventId"], FeedbackToken=token,
                                       FeedbackValue="Invalid")
    by_id = {e["EventId"]: e for e in events_of(cognito, pool_id, name)}
    assert by_id[event["EventId"]]["EventFeedback"]["FeedbackValue"] == "Invalid"
    assert by_id[event["EventId"]]["EventFeedback"]["Provider"] == "User"
    assert "EventFeedback" not in by_id[newer["EventId"]]
    with pytest.raises(ClientError) as exc:
        loose.update_auth_event_feedback(UserPoolId=pool_id, Username=name,
                                         EventId=event["EventId"], FeedbackToken=token,
                                         FeedbackValue="Maybe")
    assert error(exc)[0] == "InvalidParameterException"
