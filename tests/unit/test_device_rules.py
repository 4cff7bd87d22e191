"""Pure device rules: tracking on/off, group keys, the DeviceType view."""

from __future__ import annotations

import re

from userpool.operations.device_flow import group_key, new_device_key, tracking
from userpool.operations.devices import device_view


def test_tracking_needs_a_field() -> None:
    assert not tracking({})
    assert not tracking({"DeviceConfiguration": None})
    assert not tracking({"DeviceConfiguration": {}})
    assert tracking({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": False}})
    assert tracking({"DeviceConfiguration": {"DeviceOnlyRememberedOnUserPrompt": True}})


def test_keys_have_aws_shapes() -> None:
    assert re.fullmatch(r"eu-west-1_[0-9a-f]{8}-[0-9a-f-]{27}", new_device_key("eu-west-1"))
    one, two = group_key("ab" * 32), group_key("cd" * 32)
    assert re.fullmatch(r"-[0-9A-Za-z]{8}", one) and one != two
    assert group_key("ab" * 32) == one


def test_device_view() -> None:
    stored = {
        "_Key": "us-east-1_k",
        "_Sub": "s-1",
        "_Status": "remembered",
        "_Name": "phone",
        "_Secret": "hidden",
        "_GroupKey": "-abc",
        "DeviceCreateDate": 10.5,
        "DeviceLastModifiedDate": 11.0,
        "DeviceLastAuthenticatedDate": 10.0,
    }
    view = device_view("us-east-1_P", "us-east-1", "123456789012", stored)
    assert set(view) == {
        "DeviceKey", "DeviceAttributes", "DeviceCreateDate", "DeviceLastModifiedDate",
        "DeviceLastAuthenticatedDate",
    }
    attrs = {a["Name"]: a["Value"] for a in view["DeviceAttributes"]}
    assert attrs == {
        "device_status": "valid",
        "device_name": "phone",
        "dev:device_arn": (
            "arn:aws:cognito-idp:us-east-1:123456789012:owner/s-1.us-east-1_P/device/us-east-1_k"
        ),
        "dev:device_owner": "s-1.us-east-1_P",
        "dev:device_remembered_status": "remembered",
    }
    unnamed = device_view("us-east-1_P", "us-east-1", "1", {**stored, "_Name": None})
    assert "device_name" not in {a["Name"] for a in unnamed["DeviceAttributes"]}
