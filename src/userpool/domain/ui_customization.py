"""Hosted UI (classic) branding: the rules SetUICustomization applies to CSS and the logo.

Sources: [DG:hosted-ui-classic-branding] (the allowed class names, the banned at-rules, PNG/JPEG
logos), [API:SetUICustomization], and the aws-cli examples of set/get-ui-customization (the
``CSSVersion`` is a ``YYYYMMDDhhmmss`` timestamp, ``ClientId`` is ``ALL`` at pool level).
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

from userpool.domain.errors import InvalidParameter

ALL_CLIENTS = "ALL"

# [DG:hosted-ui-classic-branding] "You can use any of the following CSS class names".
ALLOWED_CLASSES = frozenset({
    "background-customizable",
    "banner-customizable",
    "errorMessage-customizable",
    "idpButton-customizable",
    "idpButton-customizable:hover",
    "idpDescription-customizable",
    "inputField-customizable",
    "inputField-customizable:focus",
    "label-customizable",
    "legalText-customizable",
    "logo-customizable",
    "passwordCheck-valid-customizable",
    "passwordCheck-notValid-customizable",
    "redirect-customizable",
    "socialButton-customizable",
    "submitButton-customizable",
    "submitButton-customizable:hover",
    "textDescription-customizable",
})

# "Property values can contain HTML, except for ... @import, @supports, @page, or @media
# statements, or Javascript."
_BANNED_AT_RULES = ("@import", "@supports", "@page", "@media")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]*)\{[^{}]*\}")
_SCRIPT = re.compile(r"<\s*script|javascript:|expression\s*\(", re.IGNORECASE)

# Magic numbers of the formats the guide allows ("PNG, JPG, or JPEG").
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


def check_css(css: str) -> None:
    """Reject CSS outside the documented hosted-UI subset. The wording of AWS's errors is
    not documented; ours names the offending part."""
    text = _COMMENT.sub("", css)
    lowered = text.lower()
    for rule in _BANNED_AT_RULES:
        if rule in lowered:
            raise InvalidParameter(f"CSS must not contain {rule} statements.")
    if _SCRIPT.search(text):
        raise InvalidParameter("CSS must not contain JavaScript.")
    rest = _RULE.sub("", text).strip()
    if rest:
        raise InvalidParameter("CSS is not valid: every rule must be '.<class> { ... }'.")
    for match in _RULE.finditer(text):
        for selector in match.group(1).split(","):
            _check_selector(selector.strip())


def _check_selector(selector: str) -> None:
    name = selector[1:] if selector.startswith(".") else None
    if name is None or name not in ALLOWED_CLASSES:
        raise InvalidParameter(
            f"CSS selector '{selector}' is not one of the customizable classes: "
            + ", ".join(sorted(ALLOWED_CLASSES))
        )


def image_kind(image_b64: str) -> str:
    """``png`` or ``jpg`` for the base64 logo; anything else is rejected (our wording)."""
    data = base64.b64decode(image_b64)
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    raise InvalidParameter("ImageFile must be a PNG or JPEG image.")


def css_version(now: float) -> str:
    """The ``YYYYMMDDhhmmss`` (UTC) stamp AWS reports as CSSVersion."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(now))


def new_customization(
    req: dict[str, Any], client_id: str, previous: dict[str, Any] | None, now: float
) -> dict[str, Any] | None:
    """The stored document for a SetUICustomization request, or None when the request names
    neither CSS nor an image (which removes the customization, as Terraform's delete relies
    on). A Set replaces both parts: AWS says CSS and logo can't be set separately."""
    css = req.get("CSS")
    image = req.get("ImageFile")
    if css is None and not image:
        return None
    if css is not None:
        check_css(css)
    doc: dict[str, Any] = {
        "UserPoolId": req["UserPoolId"],
        "ClientId": client_id,
        "CSSVersion": css_version(now),
        "CreationDate": previous["CreationDate"] if previous else now,
        "LastModifiedDate": now,
    }
    if css is not None:
        doc["CSS"] = css
    if image:
        doc["_ImageKind"] = image_kind(image)
        doc["_ImageFile"] = image
    return doc


def image_path(doc: dict[str, Any]) -> str:
    """Where our server will serve the logo, relative to its base URL (AWS uses
    ``<cloudfront>/<pool>/<client>/<CSSVersion>/assets/images/image.jpg``)."""
    return (
        f"_userpool/ui/{doc['UserPoolId']}/{doc['ClientId']}/{doc['CSSVersion']}"
        f"/assets/images/image.{doc.get('_ImageKind', 'jpg')}"
    )


def public_view(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The UICustomizationType for a stored document (private fields dropped)."""
    view = {k: v for k, v in doc.items() if not k.startswith("_")}
    if doc.get("_ImageFile"):
        view["ImageUrl"] = f"{base_url.rstrip('/')}/{image_path(doc)}"
    return view
