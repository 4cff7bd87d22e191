"""Email senders: real SMTP delivery (aiosmtplib) and the no-SMTP outbox-only sender."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html.parser import HTMLParser
from typing import Literal

import aiosmtplib

from userpool.messaging.message import DeliveryError, Message, log, log_line
from userpool.messaging.templates import DEFAULT_FROM, looks_like_html

TlsMode = Literal["none", "starttls", "tls"]
TLS_MODES: tuple[str, ...] = ("none", "starttls", "tls")

# Elements after which the plain-text rendering of an HTML body breaks the line.
_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
)
_SKIPPED_TAGS = frozenset({"style", "script", "head", "title"})


class _TextExtractor(HTMLParser):
    """HTML → readable plain text; a link shows its target after its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._hrefs: list[str | None] = []
        self._link_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag == "a":
            self._hrefs.append(dict(attrs).get("href"))
            self._link_start = len(self.parts)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._hrefs:
            href = self._hrefs.pop()
            text = "".join(self.parts[self._link_start:]).strip()
            if href and href != text:
                self.parts.append(f" ({href})" if text else href)
        elif tag in _BLOCK_TAGS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(body: str) -> str:
    """A plain-text alternative of an HTML body."""
    parser = _TextExtractor()
    parser.feed(body)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def build_email(message: Message, *, default_from: str = DEFAULT_FROM) -> EmailMessage:
    """The MIME email for ``message``: UTF-8 text/plain, plus text/html when the body has tags.

    Raises ``ValueError`` for an unusable header (for example a CR/LF in the subject).
    """
    sender = message.sender or default_from
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject or ""
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = make_msgid(domain=_domain_of(sender))
    if looks_like_html(message.body):
        mime.set_content(html_to_text(message.body), charset="utf-8")
        mime.add_alternative(message.body, subtype="html", charset="utf-8")
    else:
        mime.set_content(message.body, charset="utf-8")
    return mime


def _domain_of(sender: str) -> str:
    # make_msgid() without a domain asks DNS for this host's FQDN, which can stall.
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2]
    return domain or "userpool.invalid"


class SmtpEmailSender:
    """Sends each message as one SMTP transaction (aiosmtplib)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        tls: TlsMode = "none",
        timeout: float = 10,
        validate_certs: bool = True,
        default_from: str = DEFAULT_FROM,
    ) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.tls: TlsMode = tls
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.default_from = default_from

    def __repr__(self) -> str:
        return f"SmtpEmailSender({self.host!r}, {self.port}, tls={self.tls!r})"

    async def send(self, message: Message) -> None:
        try:
            mime = build_email(message, default_from=self.default_from)
        except (ValueError, TypeError, IndexError) as exc:
            raise DeliveryError(f"cannot build the email to {message.to}: {exc}") from None
        envelope_from = parseaddr(str(mime["From"]))[1] or self.default_from
        try:
            await aiosmtplib.send(
                mime,
                sender=envelope_from,
                recipients=[message.to],
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self._password,
                use_tls=self.tls == "tls",
                start_tls=self.tls == "starttls",
                timeout=self.timeout,
                validate_certs=self.validate_certs,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            # ``from None``: the chained exception is not needed and is not ours to vouch for.
            raise DeliveryError(self._describe(exc)) from None
        log.info(log_line("sent", message))

    def _describe(self, exc: BaseException) -> str:
        detail = f"{type(exc).__name__}: {exc}"
        if self._password:
            detail = detail.replace(self._password, "***")
        return f"SMTP delivery via {self.host}:{self.port} failed: {detail}"


class NullEmailSender:
    """No SMTP server configured: the message stays in the outbox only; one log line, no body."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    async def send(self, message: Message) -> None:
        self._log.info(log_line("outbox-only", message))
