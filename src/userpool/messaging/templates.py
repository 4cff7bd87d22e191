"""Cognito message templates: placeholders, the confirmation link, and the email sender address.

Placeholders (shared/reference/cognito.md §5, [DG:cognito-user-pool-settings-message-templates]):
``{####}`` is the code or temporary password, ``{username}`` the user name (invitations), and
``{##text##}`` the verification link whose visible text is ``text``. The default texts are the
constants of ``userpool.domain.pool_defaults`` (re-exported here, not duplicated).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from userpool.domain.pool_defaults import (
    DEFAULT_EMAIL_BY_LINK,
    DEFAULT_EMAIL_SUBJECT,
    DEFAULT_EMAIL_SUBJECT_BY_LINK,
    DEFAULT_EMAIL_VERIFICATION,
    DEFAULT_INVITE_MESSAGE,
    DEFAULT_INVITE_SUBJECT,
    DEFAULT_SMS_AUTHENTICATION,
    DEFAULT_SMS_VERIFICATION,
)

__all__ = [
    "DEFAULT_EMAIL_BY_LINK",
    "DEFAULT_EMAIL_SUBJECT",
    "DEFAULT_EMAIL_SUBJECT_BY_LINK",
    "DEFAULT_EMAIL_VERIFICATION",
    "DEFAULT_FROM",
    "DEFAULT_INVITE_MESSAGE",
    "DEFAULT_INVITE_SUBJECT",
    "DEFAULT_SMS_AUTHENTICATION",
    "DEFAULT_SMS_VERIFICATION",
    "confirm_user_link",
    "email_sender_for",
    "looks_like_html",
    "render",
]

# COGNITO_DEFAULT's sender (shared/reference/cognito.md §1.4, [DG:user-pool-email]).
DEFAULT_FROM = "no-reply@verificationemail.com"

# One pass over the template, so a substituted value (a temporary password or user name may hold
# braces and '#') is never itself taken for a placeholder. ``{####}`` is tried first.
_PLACEHOLDER = re.compile(r"\{####\}|\{username\}|\{##(.+?)##\}", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds at least one HTML tag (Cognito email templates may be HTML)."""
    return _HTML_TAG.search(text) is not None


def render(
    template: str,
    *,
    code: str | None = None,
    username: str | None = None,
    link: Callable[[str], str] | None = None,
) -> str:
    """Fill a template's placeholders.

    A placeholder whose value is not given (``None``) is left as it is. In an HTML template the
    code and user name are HTML-escaped, so a temporary password such as ``a<b&c`` shows as typed;
    the link's markup from ``link(text)`` is inserted unchanged.
    """
    escape = html.escape if looks_like_html(template) else _identity

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{####}":
            return token if code is None else escape(code)
        if token == "{username}":
            return token if username is None else escape(username)
        return token if link is None else link(match.group(1))

    return _PLACEHOLDER.sub(fill, template)


def _identity(value: str) -> str:
    return value


def confirm_user_link(
    base_url: str, *, client_id: str, username: str, code: str, path: str = "/confirmUser"
) -> Callable[[str], str]:
    """The ``link`` for ``render``: an HTML anchor to the hosted UI's confirmUser endpoint.

    The URL carries ``client_id``, ``user_name`` and ``confirmation_code`` as Cognito's does
    (shared/reference/cognito.md §5, [DG:cognito-user-pool-settings-email-verification-message-
    customization]).
    """
    query = urlencode(
        {"client_id": client_id, "user_name": username, "confirmation_code": code}
    )
    href = f"{base_url.rstrip('/')}{path}?{query}"

    def anchor(text: str) -> str:
        return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'

    return anchor


def email_sender_for(pool: dict[str, Any], region: str | None = None) -> tuple[str, str | None]:
    """The From and Reply-To headers for email from ``pool`` (DescribeUserPool's shape).

    shared/reference/cognito.md §1.4 and [API:EmailConfigurationType]:
    - COGNITO_DEFAULT: the SES identity of ``SourceArn`` as a custom FROM when set, otherwise
      ``no-reply@verificationemail.com``. ``From`` is a DEVELOPER-only feature, so it is ignored.
    - DEVELOPER: ``From`` (an address or ``Name <address>``) when set, otherwise the address of the
      ``SourceArn`` identity; a domain identity sends as ``no-reply@<domain>``.
    - ``ReplyToEmailAddress`` becomes Reply-To in both modes.
    ``region`` is accepted for the callers' convenience: the SES Region does not change the address.
    """
    del region
    config = pool.get("EmailConfiguration") or {}
    reply_to = config.get("ReplyToEmailAddress") or None
    identity = _identity_address(config.get("SourceArn"))
    if config.get("EmailSendingAccount") == "DEVELOPER":
        sender = config.get("From") or identity or DEFAULT_FROM
    else:
        sender = identity or DEFAULT_FROM
    return sender, reply_to


def _identity_address(source_arn: str | None) -> str | None:
    """``arn:<partition>:ses:<region>:<account>:identity/<email-or-domain>`` → an address."""
    if not source_arn:
        return None
    parts = source_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "ses" or not parts[5].startswith("identity/"):
        return None
    identity = parts[5].removeprefix("identity/")
    if not identity:
        return None
    return identity if "@" in identity else f"no-reply@{identity}"
