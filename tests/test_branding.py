"""Managed login branding styles, and the pure source rule."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from userpool.domain import branding
from userpool.domain.errors import InvalidParameter

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SOURCE = "useCognitoProvidedValues or settings should be specified (but not both)"
ASSET = {"Category": "FAVICON_SVG", "ColorMode": "DARK", "Extension": "SVG", "Bytes": b"<svg/>"}


def err(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


# -- pure rules -----------------------------------------------------------------------------

@pytest.mark.parametrize("req", [
    {},
    {"UseCognitoProvidedValues": False},
    {"UseCognitoProvidedValues": True, "Settings": {}},
    {"Assets": []},
])
def test_exactly_one_source(req: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter, match=re.escape(SOURCE)):
        branding.check_source(req)


def test_update_with_cognito_values_resets_settings() -> None:
    current = branding.new_style(
        {"UserPoolId": "p_1", "ClientId": "c", "Settings": {"a": 1}, "Assets": [{"x": 1}]}, 1.0
    )
    reset = branding.updated_style(current, {"UseCognitoProvidedValues": True}, 2.0)
    assert "Settings" not in reset and reset["Assets"] == [] and reset["UseCognitoProvidedValues"]
    kept = branding.updated_style(current, {"Settings": {"b": 2}}, 3.0)
    assert kept["Assets"] == [{"x": 1}] and kept["Settings"] == {"b": 2}
    assert kept["CreationDate"] == 1.0 and kept["LastModifiedDate"] == 3.0


# -- over the API ---------------------------------------------------------------------------

def new_client(cognito: Any, pool_id: str) -> str:
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"c-{uuid.uuid4().hex[:6]}"
    )["UserPoolClient"]["ClientId"]


def test_lifecycle(cognito: Any, pool_id: str) -> None:
    client_id = new_client(cognito, pool_id)
    with pytest.raises(ClientError) as exc:
        cognito.describe_managed_login_branding_by_client(UserPoolId=pool_id, ClientId=client_id)
    assert err(exc) == (
        "ResourceNotFoundException", f"ManagedLoginBranding for client {client_id} does not exist."
    )
    made = cognito.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True
    )["ManagedLoginBranding"]
    style_id = made["ManagedLoginBrandingId"]
    assert UUID4.match(style_id) and made["UserPoolId"] == pool_id
    assert made["UseCognitoProvidedValues"] is True and made["Assets"] == []
    assert "Settings" not in made and "CreationDate" in made

    by_id = cognito.describe_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id, ReturnMergedResources=True
    )["ManagedLoginBranding"]
    by_client = cognito.describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId=client_id
    )["ManagedLoginBranding"]
    assert by_id == by_client == made

    with pytest.raises(ClientError) as exc:
        cognito.create_managed_login_branding(
            UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True
        )
    assert err(exc) == (
        "ManagedLoginBrandingExistsException",
        f"A ManagedLoginBranding already exists for client {client_id}",
    )

    updated = cognito.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id,
        Settings={"components": {"form": {}}}, Assets=[ASSET],
    )["ManagedLoginBranding"]
    assert updated["UseCognitoProvidedValues"] is False
    assert updated["Settings"] == {"components": {"form": {}}}
    assert updated["Assets"][0]["Bytes"] == b"<svg/>"
    # Settings alone leaves the assets; UseCognitoProvidedValues resets everything.
    cognito.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id, Settings={}
    )
    read = cognito.describe_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id
    )["ManagedLoginBranding"]
    assert len(read["Assets"]) == 1 and read["Settings"] == {}
    reset = cognito.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id, UseCognitoProvidedValues=True
    )["ManagedLoginBranding"]
    assert reset["Assets"] == [] and "Settings" not in reset

    cognito.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    with pytest.raises(ClientError) as exc:
        cognito.describe_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    assert err(exc) == ("ResourceNotFoundException", "ManagedLoginBranding does not exist.")
    # The client is free for a new style again.
    cognito.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, Settings={})


def test_source_rule_on_create_and_update(cognito: Any, pool_id: str) -> None:
    client_id = new_client(cognito, pool_id)
    for extra in ({}, {"UseCognitoProvidedValues": False},
                  {"UseCognitoProvidedValues": True, "Settings": {}}):
        with pytest.raises(ClientError) as exc:
            cognito.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id, **extra)
        assert err(exc) == ("InvalidParameterException", SOURCE)
    style_id = cognito.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True, Assets=[ASSET]
    )["ManagedLoginBranding"]["ManagedLoginBrandingId"]
    with pytest.raises(ClientError) as exc:
        cognito.update_managed_login_branding(
            UserPoolId=pool_id, ManagedLoginBrandingId=style_id, Assets=[]
        )
    assert err(exc) == ("InvalidParameterException", SOURCE)


def test_not_found_and_validation(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.create_managed_login_branding(
            UserPoolId=pool_id, ClientId="nosuchclient", UseCognitoProvidedValues=True
        )
    assert err(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        cognito.describe_managed_login_branding(
            UserPoolId="us-east-1_nosuchpool", ManagedLoginBrandingId=str(uuid.uuid4())
        )
    assert err(exc) == (
        "ResourceNotFoundException", "User pool us-east-1_nosuchpool does not exist."
    )
    for call in (cognito.delete_managed_login_branding, cognito.describe_managed_login_branding):
        with pytest.raises(ClientError) as exc:
            call(UserPoolId=pool_id, ManagedLoginBrandingId=str(uuid.uuid4()))
        assert err(exc) == ("ResourceNotFoundException", "ManagedLoginBranding does not exist.")
    with pytest.raises(ClientError) as exc:  # not a v4 UUID
        cognito.describe_managed_login_branding(
            UserPoolId=pool_id, ManagedLoginBrandingId="00000000-0000-0000-0000-000000000000"
        )
    assert err(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:  # bad enum in an asset
        cognito.create_managed_login_branding(
            UserPoolId=pool_id, ClientId=new_client(cognito, pool_id), Settings={},
            Assets=[{**ASSET, "ColorMode": "BROWSER_ADAPTIVE"}],
        )
    assert err(exc)[0] == "InvalidParameterException"


def test_update_needs_its_identifiers(server: Any) -> None:
    status, _h, body = server.raw("UpdateManagedLoginBranding", '{"Settings": {}}')
    assert status == 400 and body["__type"] == "InvalidParameterException"


def test_twenty_styles_per_pool(cognito: Any, pool_id: str) -> None:
    for _ in range(branding.MAX_STYLES_PER_POOL):
        cognito.create_managed_login_branding(
            UserPoolId=pool_id, ClientId=new_client(cognito, pool_id), UseCognitoProvidedValues=True
        )
    with pytest.raises(ClientError) as exc:
        cognito.create_managed_login_branding(
            UserPoolId=pool_id, ClientId=new_client(cognito, pool_id), UseCognitoProvidedValues=True
        )
    assert err(exc)[0] == "LimitExceededException"
