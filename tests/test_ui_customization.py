"""SetUICustomization / GetUICustomization, and the pure CSS and logo rules."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from userpool.domain import ui_customization as ui
from userpool.domain.errors import InvalidParameter

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
CSS = ".label-customizable {font-weight: 400;}"


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Message"]


# -- pure rules -----------------------------------------------------------------------------

def test_documented_classes_are_accepted() -> None:
    ui.check_css(
        "/* hi */ .logo-customizable { max-width: 60%; }\n"
        ".submitButton-customizable:hover, .idpButton-customizable:hover {color: #fff;}"
    )
    ui.check_css("")


@pytest.mark.parametrize("css", [
    ".not-a-class { color: red; }",
    "body { color: red; }",
    "@media (max-width: 10px) { .logo-customizable { color: red; } }",
    "@import url(x.css); .logo-customizable {color: red;}",
    ".logo-customizable { background: url(javascript:alert(1)); }",
    ".logo-customizable color: red;",
])
def test_css_outside_the_subset_is_rejected(css: str) -> None:
    with pytest.raises(InvalidParameter):
        ui.check_css(css)


def test_image_kind_reads_magic_numbers() -> None:
    assert ui.image_kind(base64.b64encode(PNG).decode()) == "png"
    assert ui.image_kind(base64.b64encode(JPEG).decode()) == "jpg"
    with pytest.raises(InvalidParameter):
        ui.image_kind(base64.b64encode(b"GIF89a....").decode())


def test_css_version_is_a_utc_timestamp() -> None:
    assert ui.css_version(1548717134.5) == "20190128231214"


def test_set_without_css_or_image_means_remove() -> None:
    assert ui.new_customization({"UserPoolId": "p_1"}, "ALL", None, 1.0) is None


def test_replacing_keeps_the_creation_date() -> None:
    first = ui.new_customization({"UserPoolId": "p_1", "CSS": CSS}, "ALL", None, 10.0)
    second = ui.new_customization({"UserPoolId": "p_1", "CSS": ""}, "ALL", first, 20.0)
    assert second is not None and second["CreationDate"] == 10.0
    assert second["LastModifiedDate"] == 20.0


# -- over the API ---------------------------------------------------------------------------

@pytest.fixture
def client_id(cognito: Any, pool_id: str) -> str:
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]


@pytest.fixture
def with_domain(cognito: Any, pool_id: str) -> str:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=f"d-{uuid.uuid4().hex[:12]}")
    return pool_id


def test_set_and_get_need_a_domain(cognito: Any, pool_id: str) -> None:
    for call in (
        lambda: cognito.set_ui_customization(UserPoolId=pool_id, CSS=CSS),
        lambda: cognito.get_ui_customization(UserPoolId=pool_id),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code(exc) == "InvalidParameterException"
        assert message(exc) == "There has to be an existing domain associated with this user pool"


def test_unknown_pool_and_client(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.get_ui_customization(UserPoolId="us-east-1_nosuchpool")
    assert code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        cognito.set_ui_customization(UserPoolId=pool_id, ClientId="nosuchclient", CSS=CSS)
    assert code(exc) == "ResourceNotFoundException"


def test_model_validation(cognito: Any, server: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.get_ui_customization(UserPoolId="bad pool id")
    assert code(exc) == "InvalidParameterException"
    status, _headers, body = server.raw("SetUICustomization", '{"CSS": ""}')
    assert status == 400 and body["__type"] == "InvalidParameterException"
    assert "'userPoolId'" in body["message"]


def test_pool_level_customization(cognito: Any, with_domain: str, client_id: str) -> None:
    pool_id = with_domain
    assert cognito.get_ui_customization(UserPoolId=pool_id)["UICustomization"] == {}
    got = cognito.set_ui_customization(UserPoolId=pool_id, CSS=CSS, ImageFile=PNG)
    view = got["UICustomization"]
    assert view["ClientId"] == "ALL" and view["UserPoolId"] == pool_id and view["CSS"] == CSS
    assert len(view["CSSVersion"]) == 14 and view["CSSVersion"].isdigit()
    assert view["ImageUrl"].endswith(
        f"/_userpool/ui/{pool_id}/ALL/{view['CSSVersion']}/assets/images/image.png"
    )
    assert "CreationDate" in view and "LastModifiedDate" in view
    read = cognito.get_ui_customization(UserPoolId=pool_id)["UICustomization"]
    assert read == view
    # A client without its own customization gets the pool's.
    inherited = cognito.get_ui_customization(UserPoolId=pool_id, ClientId=client_id)
    assert inherited["UICustomization"]["ClientId"] == "ALL"


def test_client_level_overrides_and_removal(cognito: Any, with_domain: str, client_id: str) -> None:
    pool_id = with_domain
    cognito.set_ui_customization(UserPoolId=pool_id, ClientId="ALL", CSS=CSS)
    own = ".logo-customizable {max-width: 50%;}"
    cognito.set_ui_customization(UserPoolId=pool_id, ClientId=client_id, CSS=own)
    view = cognito.get_ui_customization(UserPoolId=pool_id, ClientId=client_id)["UICustomization"]
    assert view["ClientId"] == client_id and view["CSS"] == own and "ImageUrl" not in view
    # Setting neither CSS nor an image removes the client's customization.
    cognito.set_ui_customization(UserPoolId=pool_id, ClientId=client_id)
    view = cognito.get_ui_customization(UserPoolId=pool_id, ClientId=client_id)["UICustomization"]
    assert view["ClientId"] == "ALL"


def test_bad_css_and_image_are_rejected(cognito: Any, with_domain: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.set_ui_customization(UserPoolId=with_domain, CSS="body {color: red;}")
    assert code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        cognito.set_ui_customization(UserPoolId=with_domain, ImageFile=b"not an image")
    assert code(exc) == "InvalidParameterException"
