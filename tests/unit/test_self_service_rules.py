"""The pure rules of the self-service operations: the ChangePassword hourly limit and applying a
verified attribute code."""

from __future__ import annotations

import pytest

from userpool.domain.errors import ExpiredCode, LimitExceeded
from userpool.operations.self_service import count_change_attempt, mark_verified


def test_change_password_attempts_are_counted_per_hour() -> None:
    recent: list[float] = []
    for second in range(5):
        recent = count_change_attempt(recent, 1000.0 + second)
    assert len(recent) == 5
    with pytest.raises(LimitExceeded):
        count_change_attempt(recent, 1010.0)
    # An hour after the first attempt, one slot is free again (and old ones are forgotten).
    later = count_change_attempt(recent, 1000.0 + 3600)
    assert later == [1001.0, 1002.0, 1003.0, 1004.0, 4600.0]


def test_a_code_for_the_current_value_marks_it_verified() -> None:
    user = {"Attributes": {"email": "a@example.com", "email_verified": "false"}}
    mark_verified(user, "email", "a@example.com")
    assert user["Attributes"]["email_verified"] == "true"
    assert "_Pending" not in user


def test_a_code_for_the_pending_value_applies_it() -> None:
    user = {
        "Attributes": {"email": "old@example.com", "email_verified": "true"},
        "_Pending": {"email": "new@example.com", "phone_number": "+15550100"},
    }
    mark_verified(user, "email", "new@example.com")
    assert user["Attributes"] == {"email": "new@example.com", "email_verified": "true"}
    assert user["_Pending"] == {"phone_number": "+15550100"}


def test_a_code_for_a_value_the_user_no_longer_has_is_expired() -> None:
    user = {"Attributes": {"email": "now@example.com", "email_verified": "false"}}
    with pytest.raises(ExpiredCode):
        mark_verified(user, "email", "then@example.com")
    assert user["Attributes"]["email_verified"] == "false"
    with pytest.raises(ExpiredCode):
        mark_verified(user, "email", None)
