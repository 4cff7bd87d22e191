"""Terms documents: CreateTerms, DescribeTerms, UpdateTerms, DeleteTerms, ListTerms."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
LINKS = {"cognito:default": "https://example.com/terms", "cognito:spanish": "https://example.com/es"}


def code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


@pytest.fixture
def client_id(cognito: Any, pool_id: str) -> str:
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]


def create(cognito: Any, pool_id: str, client_id: str, name: str = "terms-of-use",
           **extra: Any) -> dict[str, Any]:
    return cognito.create_terms(
        UserPoolId=pool_id, ClientId=client_id, TermsName=name, TermsSource="LINK",
        Enforcement="NONE", **extra,
    )["Terms"]


def test_create_describe_update_delete(cognito: Any, pool_id: str, client_id: str) -> None:
    terms = create(cognito, pool_id, client_id, Links=LINKS)
    assert UUID4.match(terms["TermsId"])
    assert {k: terms[k] for k in ("UserPoolId", "ClientId", "TermsName", "TermsSource",
                                   "Enforcement", "Links")} == {
        "UserPoolId": pool_id, "ClientId": client_id, "TermsName": "terms-of-use",
        "TermsSource": "LINK", "Enforcement": "NONE", "Links": LINKS,
    }
    described = cognito.describe_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])["Terms"]
    assert described == terms

    links = {"cognito:english": "https://example.com/en"}
    updated = cognito.update_terms(
        UserPoolId=pool_id, TermsId=terms["TermsId"], TermsName="privacy-policy", Links=links
    )["Terms"]
    assert updated["TermsName"] == "privacy-policy" and updated["Links"] == links
    assert updated["CreationDate"] == terms["CreationDate"]
    # The old name is free again for this client.
    create(cognito, pool_id, client_id, name="terms-of-use", Links=LINKS)

    cognito.delete_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])
    with pytest.raises(ClientError) as exc:
        cognito.describe_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])
    assert code(exc) == "ResourceNotFoundException"
    create(cognito, pool_id, client_id, name="privacy-policy", Links=LINKS)


def test_links_default_to_an_empty_map(cognito: Any, pool_id: str, client_id: str) -> None:
    assert create(cognito, pool_id, client_id)["Links"] == {}


def test_names_are_unique_per_client(cognito: Any, pool_id: str, client_id: str) -> None:
    create(cognito, pool_id, client_id, Links=LINKS)
    with pytest.raises(ClientError) as exc:
        create(cognito, pool_id, client_id, Links=LINKS)
    assert code(exc) == "TermsExistsException"
    other = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="other")[
        "UserPoolClient"
    ]["ClientId"]
    create(cognito, pool_id, other, Links=LINKS)  # another client may use the name
    second = create(cognito, pool_id, client_id, name="privacy-policy", Links=LINKS)
    with pytest.raises(ClientError) as exc:
        cognito.update_terms(UserPoolId=pool_id, TermsId=second["TermsId"],
                             TermsName="terms-of-use")
    assert code(exc) == "TermsExistsException"
    # The failed rename changed nothing.
    still = cognito.describe_terms(UserPoolId=pool_id, TermsId=second["TermsId"])["Terms"]
    assert still["TermsName"] == "privacy-policy"


def test_list_pages(cognito: Any, pool_id: str) -> None:
    made = set()
    for _ in range(3):
        cid = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=f"c{uuid.uuid4().hex[:4]}"
        )["UserPoolClient"]["ClientId"]
        made.add(create(cognito, pool_id, cid, Links=LINKS)["TermsId"])
    first = cognito.list_terms(UserPoolId=pool_id, MaxResults=2)
    assert len(first["Terms"]) == 2 and "NextToken" in first
    assert set(first["Terms"][0]) == {
        "TermsId", "TermsName", "Enforcement", "CreationDate", "LastModifiedDate"
    }
    rest = cognito.list_terms(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert {t["TermsId"] for t in first["Terms"] + rest["Terms"]} == made
    with pytest.raises(ClientError) as exc:
        cognito.list_terms(UserPoolId=pool_id, NextToken="forged")
    assert code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        cognito.list_terms(UserPoolId=pool_id, MaxResults=61)
    assert code(exc) == "InvalidParameterException"


def test_errors(cognito: Any, pool_id: str, client_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(cognito, pool_id, "nosuchclient")
    assert code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        cognito.list_terms(UserPoolId="us-east-1_nosuchpool")
    assert code(exc) == "ResourceNotFoundException"
    for call in (cognito.describe_terms, cognito.delete_terms, cognito.update_terms):
        with pytest.raises(ClientError) as exc:
            call(UserPoolId=pool_id, TermsId=str(uuid.uuid4()))
        assert code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:  # name outside the pattern
        create(cognito, pool_id, client_id, name="cookie-policy")
    assert code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:  # language outside the pattern
        create(cognito, pool_id, client_id, Links={"cognito:klingon": "https://x"})
    assert code(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:  # bad enum
        cognito.create_terms(UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use",
                             TermsSource="FILE", Enforcement="NONE")
    assert code(exc) == "InvalidParameterException"


def test_missing_required_member(server: Any, pool_id: str) -> None:
    body = f'{{"UserPoolId": "{pool_id}", "TermsName": "terms-of-use"}}'
    status, _h, payload = server.raw("CreateTerms", body)
    assert status == 400 and payload["__type"] == "InvalidParameterException"
