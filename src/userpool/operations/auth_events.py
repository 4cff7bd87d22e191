"""Sign-in events: AdminListUserAuthEvents, AdminUpdateAuthEventFeedback,
UpdateAuthEventFeedback, and ``record_sign_in`` (called by operations.auth at each password
success and failure).

Events are recorded only in pools whose threat protection is active (UserPoolAddOns
AdvancedSecurityMode AUDIT or ENFORCED), as AWS does; elsewhere the three operations answer
UserPoolAddOnNotEnabledException (domain.pool_settings' message, ours: AWS's is unmeasured).

FeedbackToken: AWS puts it in the threat-protection notification emails ({feedback-token}); ours
is a keyed hash of (pool, user sub, event id) under the server key (``feedback_token``), so it
needs no storage, can't be forged without the key, and works on every server process.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import auth_events as events
from userpool.domain.errors import NotAuthorized, ResourceNotFound, UserNotFound
from userpool.domain.pool_settings import require_threat_protection
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.operations.user_support import USER_NOT_FOUND, find_user
from userpool.store import Tx
from userpool.store.auth_events import AuthEventRows

# Our texts (AWS's are unmeasured). An unknown event and a wrong token give the same answer to
# the unauthenticated operation, so it can't be used to probe for event ids.
EVENT_NOT_FOUND = "Auth event not found."
BAD_FEEDBACK_TOKEN = "Invalid feedback token."


def feedback_token(ctx: Context, pool_id: str, sub: str, event_id: str) -> str:
    """The FeedbackToken of one event (for the notification messages' {feedback-token})."""
    assert ctx.keys is not None
    return ctx.keys.code_hash("auth-event-feedback", pool_id, sub, event_id)


def record_sign_in(tx: Tx, flow: Any, user: dict[str, Any], *, passed: bool) -> None:
    """Record a sign-in attempt of ``user`` in ``tx`` (the caller's transaction); nothing
    unless the pool's threat protection is active. ``flow`` is the operations.auth.Flow."""
    if not events.threat_protection_active(flow.pool):
        return
    sub = (user.get("Attributes") or {}).get("sub")
    if not sub:
        return
    event = events.sign_in_event(
        flow.ctx.now(),
        passed=passed,
        context=events.context_data(getattr(flow, "context_data", None)),
    )
    AuthEventRows(tx.conn).insert(flow.pool_id, sub, event)


def _pool_and_user(tx: Tx, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    pool = require_pool(tx, req["UserPoolId"])
    require_threat_protection(pool)
    user = find_user(tx, pool, req["Username"])
    if user is None:
        raise UserNotFound(USER_NOT_FOUND)
    return pool, user


@operation("AdminListUserAuthEvents")
def admin_list_user_auth_events(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool, user = _pool_and_user(tx, req)
        sub = user["Attributes"]["sub"]
        limit = events.page_size(req.get("MaxResults"))
        before = events.position(req.get("NextToken"), sub)
        rows = AuthEventRows(tx.conn).page(pool["Id"], sub, before, limit + 1)
    found, more = rows[:limit], len(rows) > limit
    out: Response = {"AuthEvents": found}
    if more:
        out["NextToken"] = events.next_token(found[-1], sub)
    return out


def _give_feedback(
    ctx: Context, req: Request, provider: str, token: str | None = None
) -> Response:
    with ctx.store.transaction() as tx:
        pool, user = _pool_and_user(tx, req)
        sub = user["Attributes"]["sub"]
        if token is not None:
            expected = feedback_token(ctx, pool["Id"], sub, req["EventId"])
            if not ctx.keys or not ctx.keys.same(expected, token):
                raise NotAuthorized(BAD_FEEDBACK_TOKEN)
        rows = AuthEventRows(tx.conn)
        event = rows.get(pool["Id"], sub, req["EventId"], for_update=True)
        if event is None:
            raise ResourceNotFound(EVENT_NOT_FOUND)
        rows.replace(
            pool["Id"], events.with_feedback(event, req["FeedbackValue"], provider, ctx.now())
        )
    return {}


@operation("AdminUpdateAuthEventFeedback")
def admin_update_auth_event_feedback(ctx: Context, req: Request) -> Response:
    return _give_feedback(ctx, req, events.ADMIN_PROVIDER)


@operation("UpdateAuthEventFeedback")
def update_auth_event_feedback(ctx: Context, req: Request) -> Response:
    """Unauthenticated (no IAM): the FeedbackToken from the notification is the credential."""
    return _give_feedback(ctx, req, events.USER_PROVIDER, token=req["FeedbackToken"])
