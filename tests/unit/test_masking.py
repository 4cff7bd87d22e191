"""Destination masking in CodeDeliveryDetails (userpool.domain.masking)."""

from __future__ import annotations

import pytest

from userpool.domain.masking import mask_destination, mask_email, mask_phone


@pytest.mark.parametrize(("email", "masked"), [
    ("jane@example.com", "j***@e***.com"),  # the AWS CLI's forgot-password example
    ("john.doe@gmail.com", "j***@g***.com"),
    ("a@b.co.uk", "a***@b***.uk"),
    ("x@localhost", "x***@l***"),
    ("Jane@Example.COM", "J***@E***.COM"),
])
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("+12065551212", "+*******1212"),
    ("+919876541824", "+********1824"),
    ("+5511987654516", "+*********4516"),
    ("+1234", "+1234"),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_destination_by_attribute():
    assert mask_destination("email", "jane@example.com") == "j***@e***.com"
    assert mask_destination("phone_number", "+12065551212") == "+*******1212"
