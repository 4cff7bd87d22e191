"""How Cognito masks a code's destination in ``CodeDeliveryDetails.Destination``.

Email: the first character of the local part and of the domain name, each followed by ``***``,
and the top-level domain kept: ``jane@example.com`` -> ``j***@e***.com``. This is the output
shown in the AWS CLI's own ``forgot-password`` example (awsdocs/aws-doc-sdk-examples,
"aws cognito-idp forgot-password ... --username jane@example.com" -> ``"j***@e***.com"``);
``j***@g***.com``-style values appear in many captured responses. The Developer Guide's
``j****@e****`` (reference §5) is an illustration, not a response.

Phone: ``+``, one ``*`` per digit except the last four, then the last four:
``+12065551212`` -> ``+*******1212`` (reference §5; captured responses such as
``+********1824`` for a 12-digit number and ``+*********4516`` for a 13-digit one agree).
"""

from __future__ import annotations

_STARS = "***"


def mask_email(email: str) -> str:
    local, at, domain = email.rpartition("@")
    if not at:
        return _mask_word(email)
    name, dot, tld = domain.rpartition(".")
    masked_domain = f"{_mask_word(name)}.{tld}" if dot and name else _mask_word(domain)
    return f"{_mask_word(local)}@{masked_domain}"


def mask_phone(phone: str) -> str:
    plus = "+" if phone.startswith("+") else ""
    digits = phone[len(plus):]
    visible = digits[-4:]
    return plus + "*" * (len(digits) - len(visible)) + visible


def mask_destination(attribute: str, value: str) -> str:
    """The masked destination for a code sent to `attribute` (``email`` or ``phone_number``)."""
    return mask_phone(value) if attribute == "phone_number" else mask_email(value)


def _mask_word(word: str) -> str:
    return (word[:1] + _STARS) if word else _STARS
