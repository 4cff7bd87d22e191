"""The confirmation link of Cognito's CONFIRM_WITH_LINK email.

``GET /confirmUser?client_id=…&user_name=…&confirmation_code=…`` (also ``/confirmUser/``, the
form the Developer Guide shows; shared/reference/cognito.md §5) confirms the user exactly as
ConfirmSignUp does, without a SECRET_HASH (a link can't carry one), and answers a small HTML page.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from userpool.config import Settings
from userpool.crypto import ServerKey
from userpool.domain import ids
from userpool.domain.errors import CognitoError, InvalidParameter
from userpool.operations import Context
from userpool.operations.signup import confirm_user
from userpool.operations.user_support import public_client
from userpool.protocol import model
from userpool.protocol.endpoint import new_request_id
from userpool.protocol.validate import validate
from userpool.store import Store

CONFIRMED = "Your registration has been confirmed!"
FAILED = "Your registration could not be confirmed"
LINK_PARAMETERS = ("client_id", "user_name", "confirmation_code")


def page(title: str, text: str | None = None, status: int = 200) -> HTMLResponse:
    """A minimal HTML page (everything escaped)."""
    paragraph = f"<p>{html.escape(text)}</p>" if text else ""
    body = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{paragraph}</body></html>\n"
    )
    return HTMLResponse(body, status)


def request_of(params: dict[str, str]) -> dict[str, str]:
    """The link's query as a ConfirmSignUp request (validated against the model, so that the
    link is held to the same constraints as the API operation)."""
    missing = [name for name in LINK_PARAMETERS if not params.get(name)]
    if missing:
        raise InvalidParameter(f"The link is incomplete: {', '.join(missing)} missing.")
    req = {
        "ClientId": params.get("client_id", ""),
        "Username": params.get("user_name", ""),
        "ConfirmationCode": params.get("confirmation_code", ""),
    }
    op = model.operation("ConfirmSignUp")
    assert op is not None
    validate(op.input_shape, req)
    return req


async def confirm_link(
    store: Store,
    settings: Settings,
    keys: ServerKey | None,
    params: dict[str, str],
    triggers: Any = None,
) -> None:
    """Confirm the user the link names, or raise the error ConfirmSignUp would."""
    req = request_of(params)
    with store.reader() as tx:
        pool, client = public_client(tx, req["ClientId"])
    ctx = Context(
        store=store,
        settings=settings,
        region=ids.region_of(pool["Id"]),
        request_id=new_request_id(),
        keys=keys,
        triggers=triggers,
    )
    await confirm_user(ctx, pool, client, req["Username"], req["ConfirmationCode"])


async def confirm_user_page(request: Request) -> Response:
    """``GET /confirmUser``: needs ``app.state.store``, ``.settings`` and ``.keys``."""
    state = request.app.state
    try:
        await confirm_link(
            state.store, state.settings, state.keys, dict(request.query_params), state.triggers
        )
    except CognitoError as exc:
        return page(FAILED, exc.message, exc.status if exc.status < 500 else 500)
    return page(CONFIRMED)
