"""userpool.messaging: templates, sender addresses, SMTP (real in-process aiosmtpd), SMS senders."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from botocore.stub import Stubber

from userpool.domain import pool_defaults
from userpool.messaging import (
    DEFAULT_FROM,
    DeliveryError,
    LogSmsSender,
    MemorySender,
    Message,
    NullEmailSender,
    SmtpEmailSender,
    SnsSmsSender,
    WebhookSmsSender,
    build_email,
    confirm_user_link,
    deliver,
    email_sender_for,
    html_to_text,
    render,
    senders_from_settings,
    templates,
)

CODE = "493817"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- render ------------------------------------------------------------------------------------


def test_render_code_and_username() -> None:
    text = render(pool_defaults.DEFAULT_INVITE_MESSAGE, code="Tmp#1{x}", username="alice")
    assert text == "Your username is alice and temporary password is Tmp#1{x}. "


def test_render_default_verification() -> None:
    assert render(templates.DEFAULT_EMAIL_VERIFICATION, code=CODE) == (
        f"Your verification code is {CODE}. "
    )


def test_render_leaves_missing_values() -> None:
    assert render("Hi {username}, {####}", code=CODE) == f"Hi {{username}}, {CODE}"
    assert render("{##Verify##}") == "{##Verify##}"


def test_render_value_is_not_reexpanded() -> None:
    # A user name that looks like a placeholder is inserted literally, in one pass.
    assert render("{username}: {####}", code="{username}", username="{####}") == (
        "{####}: {username}"
    )


def test_render_link_and_repeated_code() -> None:
    text = render(
        "Click {##Verify Email##} or use {####} ({####})",
        code=CODE,
        link=lambda t: f"[{t}]",
    )
    assert text == f"Click [Verify Email] or use {CODE} ({CODE})"


def test_render_escapes_values_in_html_templates() -> None:
    html_text = render("<p>Password: {####}</p>", code="a<b&c")
    assert html_text == "<p>Password: a&lt;b&amp;c</p>"
    assert render("Password: {####}", code="a<b&c") == "Password: a<b&c"


def test_confirm_user_link() -> None:
    link = confirm_user_link(
        "https://p.auth.us-east-1.amazoncognito.com/",
        client_id="abc",
        username="bob@example.com",
        code="123456",
    )
    text = render(templates.DEFAULT_EMAIL_BY_LINK, link=link)
    assert text == (
        "Please click the link below to verify your email address. "
        '<a href="https://p.auth.us-east-1.amazoncognito.com/confirmUser?client_id=abc&amp;'
        'user_name=bob%40example.com&amp;confirmation_code=123456">Verify Email</a> '
    )


def test_default_texts_are_the_pool_defaults() -> None:
    assert templates.DEFAULT_SMS_AUTHENTICATION is pool_defaults.DEFAULT_SMS_AUTHENTICATION
    assert templates.DEFAULT_INVITE_SUBJECT == "Your temporary password"


# --- From / Reply-To ---------------------------------------------------------------------------

ARN_EMAIL = "arn:aws:ses:us-east-1:123456789012:identity/team@example.com"
ARN_DOMAIN = "arn:aws:ses:eu-west-1:123456789012:identity/mail.example.org"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (None, (DEFAULT_FROM, None)),
        ({"EmailSendingAccount": "COGNITO_DEFAULT"}, ("no-reply@verificationemail.com", None)),
        (
            {"EmailSendingAccount": "COGNITO_DEFAULT", "ReplyToEmailAddress": "help@example.com"},
            (DEFAULT_FROM, "help@example.com"),
        ),
        (
            {"EmailSendingAccount": "COGNITO_DEFAULT", "SourceArn": ARN_EMAIL, "From": "X <x@y.z>"},
            ("team@example.com", None),
        ),
        (
            {"EmailSendingAccount": "DEVELOPER", "SourceArn": ARN_EMAIL,
             "From": "Example Team <team@example.com>", "ReplyToEmailAddress": "r@example.com"},
            ("Example Team <team@example.com>", "r@example.com"),
        ),
        ({"EmailSendingAccount": "DEVELOPER", "SourceArn": ARN_EMAIL}, ("team@example.com", None)),
        (
            {"EmailSendingAccount": "DEVELOPER", "SourceArn": ARN_DOMAIN},
            ("no-reply@mail.example.org", None),
        ),
        (
            {"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:sns:x:1:topic"},
            (DEFAULT_FROM, None),
        ),
    ],
)
def test_email_sender_for(config: dict[str, Any] | None, expected: tuple[str, str | None]) -> None:
    pool: dict[str, Any] = {"Id": "us-east-1_abc"}
    if config is not None:
        pool["EmailConfiguration"] = config
    assert email_sender_for(pool, "us-east-1") == expected


# --- MIME --------------------------------------------------------------------------------------


def email_message(**kwargs: Any) -> Message:
    values: dict[str, Any] = {
        "medium": "EMAIL",
        "to": "user@example.com",
        "body": f"Your verification code is {CODE}. ",
        "subject": "Your verification code",
        "pool_id": "us-east-1_abc",
        "purpose": "SignUp",
    }
    values.update(kwargs)
    return Message(**values)


def test_build_email_plain() -> None:
    mime = build_email(email_message(sender="Tëam <team@example.com>", reply_to="r@example.com"))
    assert mime.get_content_type() == "text/plain"
    assert mime.get_content_charset() == "utf-8"
    assert str(mime["To"]) == "user@example.com"
    assert str(mime["Reply-To"]) == "r@example.com"
    assert str(mime["Message-ID"]).endswith("@example.com>")
    assert mime["Date"] is not None
    assert mime.get_content() == f"Your verification code is {CODE}. \n"


def test_build_email_rejects_header_injection() -> None:
    with pytest.raises(ValueError):
        build_email(email_message(subject="hi\r\nBcc: evil@example.com"))


def test_html_to_text() -> None:
    body = '<html><head><style>p{}</style></head><body><p>Hello <b>you</b></p>' \
           '<p><a href="https://x/c?a=1">Verify</a></p></body></html>'
    assert html_to_text(body) == "Hello you\n\nVerify (https://x/c?a=1)\n"


# --- SMTP against a real in-process server -----------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = data.login == b"mailer" and data.password == b"s3cret-pass"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def parsed(envelope: Any) -> email.message.EmailMessage:
    # The wire form has CRLF line ends; compare with LF.
    raw = envelope.original_content.replace(b"\r\n", b"\n")
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_smtp_sends_plain_email(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    sender = SmtpEmailSender("127.0.0.1", port, tls="none")
    message = email_message(sender="Example Team <team@example.com>", reply_to="help@example.com")
    run(sender.send(message))

    (envelope,) = recorder.envelopes
    assert envelope.mail_from == "team@example.com"
    assert envelope.rcpt_tos == ["user@example.com"]
    received = parsed(envelope)
    assert received["From"] == "Example Team <team@example.com>"
    assert received["To"] == "user@example.com"
    assert received["Subject"] == "Your verification code"
    assert received["Reply-To"] == "help@example.com"
    assert received["Date"] and received["Message-ID"]
    assert received.get_content_type() == "text/plain"
    assert received.get_content().rstrip("\n") == f"Your verification code is {CODE}. "


def test_smtp_sends_html_email_with_text_alternative(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    body = '<p>Hello ünïcode, your code is <b>123456</b>.</p><a href="https://h/x">Go</a>'
    run(SmtpEmailSender("127.0.0.1", port).send(email_message(body=body, subject="Ünïcode")))

    received = parsed(recorder.envelopes[0])
    assert received["From"] == DEFAULT_FROM
    assert received["Subject"] == "Ünïcode"
    assert received["Reply-To"] is None
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(("plain",))
    html_part = received.get_body(("html",))
    assert plain is not None and html_part is not None
    assert plain.get_content() == "Hello ünïcode, your code is 123456.\nGo (https://h/x)\n"
    assert html_part.get_content().rstrip("\n") == body
    assert html_part.get_content_charset() == "utf-8"


def test_smtp_authenticates(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    sender = SmtpEmailSender("127.0.0.1", port, username="mailer", password="s3cret-pass")
    run(sender.send(email_message()))
    assert len(recorder.envelopes) == 1


def test_smtp_bad_password_never_shows_password(smtp_server: tuple[Recorder, int]) -> None:
    recorder, port = smtp_server
    sender = SmtpEmailSender("127.0.0.1", port, username="mailer", password="wrong-pass-xyz")
    with pytest.raises(DeliveryError) as info:
        run(sender.send(email_message()))
    assert "SMTPAuthenticationError" in str(info.value)
    assert "wrong-pass-xyz" not in str(info.value)
    assert "wrong-pass-xyz" not in repr(sender)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert recorder.envelopes == []


def test_smtp_starttls_demanded_but_not_offered(smtp_server: tuple[Recorder, int]) -> None:
    _, port = smtp_server
    with pytest.raises(DeliveryError, match="STARTTLS"):
        run(SmtpEmailSender("127.0.0.1", port, tls="starttls").send(email_message()))


def test_smtp_connection_refused() -> None:
    sender = SmtpEmailSender("127.0.0.1", free_port(), password="pw-123456", timeout=2)
    with pytest.raises(DeliveryError, match=r"SMTP delivery via 127\.0\.0\.1:\d+ failed"):
        run(sender.send(email_message()))


def test_smtp_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        sender = SmtpEmailSender("127.0.0.1", port, timeout=0.5)
        with pytest.raises(DeliveryError):
            run(sender.send(email_message()))


def test_smtp_bad_header_is_delivery_error() -> None:
    sender = SmtpEmailSender("127.0.0.1", free_port())
    with pytest.raises(DeliveryError, match="cannot build"):
        run(sender.send(email_message(subject="a\nb")))


def test_smtp_rejects_unknown_tls_mode() -> None:
    with pytest.raises(ValueError):
        SmtpEmailSender("h", 25, tls="ssl")  # type: ignore[arg-type]


# --- log senders -------------------------------------------------------------------------------


def test_log_senders_never_log_the_body(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="userpool.messaging")
    sms = Message("SMS", "+15551234567", f"Your code is {CODE}", pool_id="p1", purpose="SignUp")
    mail = email_message(subject=f"Code {CODE}")
    run(LogSmsSender().send(sms))
    run(NullEmailSender().send(mail))
    records = [r for r in caplog.records if r.name == "userpool.messaging"]
    assert len(records) == 2
    assert CODE not in caplog.text
    assert "+15551234567" in caplog.text and "user@example.com" in caplog.text
    assert "purpose=SignUp" in caplog.text


# --- webhook SMS -------------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    status: ClassVar[int] = 200
    received: ClassVar[list[tuple[str, dict[str, Any], str]]] = []
    url: ClassVar[str] = ""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        type(self).received.append((self.path, body, self.headers["Content-Type"]))
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[type[_Hook]]:
    handler = type("Hook", (_Hook,), {"status": 200, "received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_port}/sms?token=t0ps3cret"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


SMS = Message("SMS", "+15551234567", f"Your code is {CODE}", pool_id="eu-west-1_x", purpose="MFA")


def test_webhook_posts_json(webhook: type[_Hook]) -> None:
    run(WebhookSmsSender(webhook.url, timeout=5).send(SMS))
    (path, body, content_type) = webhook.received[0]
    assert path == "/sms?token=t0ps3cret"
    assert content_type == "application/json"
    assert body == {
        "to": "+15551234567",
        "body": f"Your code is {CODE}",
        "poolId": "eu-west-1_x",
        "purpose": "MFA",
    }


@pytest.mark.parametrize("status", [500, 404, 302])
def test_webhook_non_2xx_is_delivery_error(webhook: type[_Hook], status: int) -> None:
    webhook.status = status
    with pytest.raises(DeliveryError, match=f"HTTP {status}") as info:
        run(WebhookSmsSender(webhook.url).send(SMS))
    assert "t0ps3cret" not in str(info.value)


def test_webhook_unreachable() -> None:
    sender = WebhookSmsSender(f"http://127.0.0.1:{free_port()}/hook", timeout=2)
    with pytest.raises(DeliveryError, match="SMS webhook"):
        run(sender.send(SMS))


def test_webhook_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        WebhookSmsSender("file:///etc/passwd")


# --- SNS SMS -----------------------------------------------------------------------------------


def sns_client() -> Any:
    return boto3.client(
        "sns",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def test_sns_publishes() -> None:
    client = sns_client()
    with Stubber(client) as stub:
        stub.add_response(
            "publish",
            {"MessageId": "m-1"},
            {
                "PhoneNumber": "+15551234567",
                "Message": f"Your code is {CODE}",
                "MessageAttributes": {
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
                },
            },
        )
        run(SnsSmsSender(client=client).send(SMS))
        stub.assert_no_pending_responses()


def test_sns_client_error_is_delivery_error() -> None:
    client = sns_client()
    with Stubber(client) as stub:
        stub.add_client_error("publish", "InvalidParameter", "Invalid parameter: PhoneNumber")
        with pytest.raises(DeliveryError, match="InvalidParameter"):
            run(SnsSmsSender(client=client).send(SMS))


def test_sns_unreachable_endpoint_is_delivery_error() -> None:
    sender = SnsSmsSender(
        f"http://127.0.0.1:{free_port()}", "us-east-1", "AKID", "secret", timeout=2
    )
    with pytest.raises(DeliveryError, match="SNS Publish failed"):
        run(sender.send(SMS))


# --- factory and dispatch ----------------------------------------------------------------------


def test_senders_from_settings() -> None:
    email_sender, sms_sender = senders_from_settings()
    assert isinstance(email_sender, NullEmailSender)
    assert isinstance(sms_sender, LogSmsSender)

    email_sender, sms_sender = senders_from_settings(
        smtp_host="mail.local", smtp_port=2525, smtp_password="pw", smtp_tls="starttls",
        sms_mode="webhook", sms_webhook_url="https://hooks.local/sms",
    )
    assert isinstance(email_sender, SmtpEmailSender)
    assert (email_sender.host, email_sender.port, email_sender.tls) == ("mail.local", 2525,
                                                                         "starttls")
    assert isinstance(sms_sender, WebhookSmsSender)

    _, sms_sender = senders_from_settings(
        sms_mode="sns", sns_endpoint_url="http://127.0.0.1:4566", sns_region="eu-west-1",
        sns_access_key="a", sns_secret_key="b",
    )
    assert isinstance(sms_sender, SnsSmsSender)


@pytest.mark.parametrize(
    "settings",
    [{"sms_mode": "webhook"}, {"sms_mode": "pigeon"}, {"smtp_host": "h", "smtp_tls": "ssl"}],
)
def test_senders_from_settings_rejects(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        senders_from_settings(**settings)


def test_deliver_dispatches_by_medium() -> None:
    mail, sms = MemorySender(), MemorySender()
    run(deliver(email_message(), email=mail, sms=sms))
    run(deliver(SMS, email=mail, sms=sms))
    assert [m.medium for m in mail.sent] == ["EMAIL"]
    assert sms.sent == [SMS]
