"""CONFIRM_WITH_LINK sign-up: the email's link (``GET /confirmUser``) confirms the user; the
code-based template's code works with ConfirmSignUp. Messages are read from the outbox."""

from __future__ import annotations

import html
import json
import re
import urllib.request
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from botocore.exceptions import ClientError

from tests.server import Server

PASSWORD = "Passw0rd!long"
DEFAULT_BY_LINK = "Please click the link below to verify your email address. {##Verify Email##} "
CONFIRMED = "Your registration has been confirmed!"


def outbox(server: Server, to: str) -> list[dict[str, Any]]:
    url = server.url + "/_userpool/messages?" + urlencode({"to": to})
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())["Messages"]


def visit(url: str) -> tuple[int, str, str]:
    """(status, content type, page) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers["content-type"], resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["content-type"], err.read().decode()


def link_in(body: str) -> str:
    match = re.search(r'href="([^"]+)"', body)
    assert match, body
    return html.unescape(match.group(1))


def with_query(link: str, **changes: str) -> str:
    parts = urlsplit(link)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


def link_pool(cognito: Any, **extra: Any) -> str:
    return cognito.create_user_pool(
        PoolName=f"link-{uuid.uuid4().hex[:8]}",
        AutoVerifiedAttributes=["email"],
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_LINK"},
        **extra,
    )["UserPool"]["Id"]


def new_client(cognito: Any, pool_id: str, **extra: Any) -> dict[str, Any]:
    return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **extra)[
        "UserPoolClient"
    ]


def sign_up(cognito: Any, client_id: str, username: str, email: str, **extra: Any) -> None:
    cognito.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
        **extra,
    )


def attrs(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def fresh_email() -> str:
    return f"link-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
def linked(server: Server, cognito: Any) -> dict[str, Any]:
    """A user signed up in a CONFIRM_WITH_LINK pool, with the link of their email."""
    pool_id = link_pool(cognito)
    client_id = new_client(cognito, pool_id)["ClientId"]
    email = fresh_email()
    sign_up(cognito, client_id, "linda", email)
    (message,) = outbox(server, email)
    return {"pool": pool_id, "client": client_id, "email": email, "message": message}


def test_default_link_template_is_described(cognito: Any) -> None:
    pool = cognito.describe_user_pool(UserPoolId=link_pool(cognito))["UserPool"]
    template = pool["VerificationMessageTemplate"]
    assert template["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    assert template["EmailMessageByLink"] == DEFAULT_BY_LINK
    assert template["EmailSubjectByLink"] == "Your verification link"


def test_link_confirms_the_user(server: Server, cognito: Any, linked: dict[str, Any]) -> None:
    message = linked["message"]
    assert message["Subject"] == "Your verification link"
    assert message["Body"].startswith("Please click the link below to verify your email address.")
    link = link_in(message["Body"])
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == server.url
    assert parts.path == "/confirmUser"
    query = parse_qs(parts.query)
    assert query["client_id"] == [linked["client"]]
    assert query["user_name"] == ["linda"]
    assert re.fullmatch(r"\d{6}", query["confirmation_code"][0])

    status, content_type, page = visit(link)
    assert status == 200
    assert content_type.startswith("text/html")
    assert CONFIRMED in page
    user = cognito.admin_get_user(UserPoolId=linked["pool"], Username="linda")
    assert user["UserStatus"] == "CONFIRMED"
    assert attrs(user)["email_verified"] == "true"

    status, _, page = visit(link)  # a second visit: already confirmed
    assert status == 400
    assert "User cannot be confirmed. Current status is CONFIRMED" in page


def test_trailing_slash_form_of_the_link(cognito: Any, linked: dict[str, Any]) -> None:
    link = link_in(linked["message"]["Body"]).replace("/confirmUser?", "/confirmUser/?")
    status, _, page = visit(link)
    assert (status, CONFIRMED in page) == (200, True)
    user = cognito.admin_get_user(UserPoolId=linked["pool"], Username="linda")
    assert user["UserStatus"] == "CONFIRMED"


def test_wrong_code_shows_the_error(cognito: Any, linked: dict[str, Any]) -> None:
    link = link_in(linked["message"]["Body"])
    code = parse_qs(urlsplit(link).query)["confirmation_code"][0]
    wrong = "000000" if code != "000000" else "111111"
    status, content_type, page = visit(with_query(link, confirmation_code=wrong))
    assert status == 400
    assert content_type.startswith("text/html")
    assert "Invalid verification code provided, please try again." in page
    assert CONFIRMED not in page
    user = cognito.admin_get_user(UserPoolId=linked["pool"], Username="linda")
    assert user["UserStatus"] == "UNCONFIRMED"
    assert attrs(user).get("email_verified") != "true"

    assert visit(link)[0] == 200  # the right link still works after one failure


def test_unknown_client_and_user(server: Server, linked: dict[str, Any]) -> None:
    link = link_in(linked["message"]["Body"])
    status, _, page = visit(with_query(link, client_id="nosuchclient123"))
    assert status == 400
    assert "User pool client nosuchclient123 does not exist." in page

    status, _, page = visit(with_query(link, user_name="nobody"))
    assert status == 400
    assert "Username/client id combination not found." in page


def test_incomplete_link_is_refused(server: Server, linked: dict[str, Any]) -> None:
    status, content_type, page = visit(server.url + "/confirmUser?client_id=" + linked["client"])
    assert status == 400
    assert content_type.startswith("text/html")
    assert "The link is incomplete: user_name, confirmation_code missing." in page


def test_page_escapes_what_it_shows(server: Server) -> None:
    status, _, page = visit(
        server.url
        + "/confirmUser?"
        + urlencode({"client_id": "abc", "user_name": "<b>x</b>", "confirmation_code": "1"})
    )
    assert status == 400
    assert "<b>" not in page


def test_client_with_secret_needs_no_secret_hash_in_the_link(
    server: Server, cognito: Any
) -> None:
    import base64
    import hashlib
    import hmac

    pool_id = link_pool(cognito)
    client = new_client(cognito, pool_id, GenerateSecret=True)
    digest = hmac.new(
        client["ClientSecret"].encode(), ("sam" + client["ClientId"]).encode(), hashlib.sha256
    ).digest()
    email = fresh_email()
    sign_up(cognito, client["ClientId"], "sam", email, SecretHash=base64.b64encode(digest).decode())
    (message,) = outbox(server, email)
    code = parse_qs(urlsplit(link_in(message["Body"])).query)["confirmation_code"][0]
    with pytest.raises(ClientError) as err:  # the API still wants the SECRET_HASH
        cognito.confirm_sign_up(ClientId=client["ClientId"], Username="sam", ConfirmationCode=code)
    assert err.value.response["Error"] == {
        "Code": "NotAuthorizedException",
        "Message": f"Client {client['ClientId']} is configured with secret but SECRET_HASH was "
        "not received",
    }
    assert visit(link_in(message["Body"]))[0] == 200
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="sam")
    assert user["UserStatus"] == "CONFIRMED"


def test_link_in_an_email_username_pool(server: Server, cognito: Any) -> None:
    pool_id = link_pool(cognito, UsernameAttributes=["email"])
    client_id = new_client(cognito, pool_id)["ClientId"]
    email = fresh_email()
    sign_up(cognito, client_id, email, email)
    (message,) = outbox(server, email)
    link = link_in(message["Body"])
    assert parse_qs(urlsplit(link).query)["user_name"] == [email]
    assert visit(link)[0] == 200
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
    assert attrs(user)["email_verified"] == "true"


def test_custom_link_template(server: Server, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName=f"link-{uuid.uuid4().hex[:8]}",
        AutoVerifiedAttributes=["email"],
        VerificationMessageTemplate={
            "DefaultEmailOption": "CONFIRM_WITH_LINK",
            "EmailMessageByLink": "<p>Welcome! {##Click here##} to finish.</p>",
            "EmailSubjectByLink": "Finish signing up",
        },
    )["UserPool"]["Id"]
    client_id = new_client(cognito, pool_id)["ClientId"]
    email = fresh_email()
    sign_up(cognito, client_id, "carla", email)
    (message,) = outbox(server, email)
    assert message["Subject"] == "Finish signing up"
    assert ">Click here</a> to finish.</p>" in message["Body"]
    assert visit(link_in(message["Body"]))[0] == 200
    assert (
        cognito.admin_get_user(UserPoolId=pool_id, Username="carla")["UserStatus"] == "CONFIRMED"
    )


def test_code_template_code_confirms_sign_up(server: Server, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName=f"code-{uuid.uuid4().hex[:8]}",
        AutoVerifiedAttributes=["email"],
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_CODE"},
    )["UserPool"]["Id"]
    client_id = new_client(cognito, pool_id)["ClientId"]
    email = fresh_email()
    sign_up(cognito, client_id, "cody", email)
    (message,) = outbox(server, email)
    assert "href" not in message["Body"]
    match = re.search(r"\b(\d{6})\b", message["Body"])
    assert match, message["Body"]

    with pytest.raises(ClientError) as err:
        cognito.confirm_sign_up(
            ClientId=client_id,
            Username="cody",
            ConfirmationCode="000000" if match.group(1) != "000000" else "111111",
        )
    assert err.value.response["Error"]["Code"] == "CodeMismatchException"

    cognito.confirm_sign_up(ClientId=client_id, Username="cody", ConfirmationCode=match.group(1))
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="cody")
    assert user["UserStatus"] == "CONFIRMED"
    assert attrs(user)["email_verified"] == "true"
