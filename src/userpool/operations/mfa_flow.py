"""MFA in sign-in: the step after the first factor (``auth.NEXT_STEPS``) and the answers to
SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and MFA_SETUP.

The rules (which challenge, when) are ``domain.mfa``. SMS and email codes are 6 digits, sent
through the postman with the pool's SmsAuthenticationMessage / email MFA template, and stored as a
keyed hash in the sign-in session: a code lives as long as its session ([DG:quotas]: "MFA code
3–15 min (the session validity)").

AWS behaviour, with sources:
- A wrong SMS or email code: ``CodeMismatchException`` "Invalid code or auth state for the user."
  and the session stays usable (observed six times in a row on one live session, no lockout, in a
  recorded AWS spike; amplify-js#3066 for SMS MFA). We put the session back, at most
  ``MAX_ATTEMPTS`` times (the cap is ours).
- A wrong TOTP code: ``CodeMismatchException`` "Invalid code received for user" (amplify-js'
  AuthErrorStrings.INVALID_MFA_CODE, and captured responses in client tests).
- A TOTP code already used (also by VerifySoftwareToken): ``ExpiredCodeException`` "Your software
  token has already been used once." (domain.mfa).
- MFA_SETUP: AssociateSoftwareToken(Session) → VerifySoftwareToken(Session) → respond MFA_SETUP
  with the session VerifySoftwareToken returned (reference §3.4); the factor is then on.
"""

from __future__ import annotations

import json
from typing import Any

from userpool.domain import codes, masking, mfa
from userpool.domain.errors import (
    CodeMismatch,
    CognitoError,
    InvalidParameter,
    NotAuthorized,
    SoftwareTokenMFANotFound,
)
from userpool.domain.pool_defaults import DEFAULT_SMS_AUTHENTICATION
from userpool.domain.signin import SESSION_INVALID
from userpool.messaging import templates
from userpool.messaging.message import Message
from userpool.operations import Response, auth
from userpool.operations.auth import Flow, challenge
from userpool.operations.delivery import EMAIL, SMS
from userpool.operations.message_triggers import send_code_message
from userpool.operations.user_support import save_user

CODE_MISMATCH = "Invalid code or auth state for the user."
TOTP_MISMATCH = "Invalid code received for user"
NO_TOTP = "Software Token MFA has not been set up for the user."  # wording ours
SETUP_UNFINISHED = "Software token MFA has not been verified for this session."  # wording ours
EMAIL_SETUP_UNAVAILABLE = "Email MFA can't be set up in this user pool."  # wording ours
BAD_CHOICE = "Invalid MFA type {answer}: expected one of {choices}."  # wording ours
MAX_ATTEMPTS = 10
# Email MFA's default template (wording ours; AWS's default is not documented).
DEFAULT_EMAIL_MFA_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_MFA_SUBJECT = "Your authentication code"
_ROW_KEYS = ("pool_id", "client_id", "username_key", "step", "expires_at", "_token_hash")


# -- the step ------------------------------------------------------------------------------------
async def mfa_step(flow: Flow, user: dict[str, Any], state: dict[str, Any]) -> Response | None:
    """After the first factor: the MFA challenge the pool and the user's settings call for."""
    decision = mfa.next_challenge(flow.pool, user)
    if decision is None:
        return None
    name, options = decision
    return await pose(flow, user, name, options, carried(state))


auth.NEXT_STEPS.append(mfa_step)


def carried(state: dict[str, Any]) -> dict[str, Any]:
    """What the sign-in carries from one challenge to the next."""
    return {"device_key": state.get("device_key")}


async def pose(
    flow: Flow, user: dict[str, Any], name: str, options: list[str], doc: dict[str, Any]
) -> Response:
    """Open the challenge ``name`` (sending the code first for SMS and email)."""
    if name in (mfa.SMS_MFA, mfa.EMAIL_OTP):
        return await _code_challenge(flow, user, name, doc)
    if name == mfa.SOFTWARE_TOKEN_MFA:
        params = {"USER_ID_FOR_SRP": user["Username"]}
        return flow.challenge(user, name, params, {**doc, "mfa": name})
    key = "MFAS_CAN_CHOOSE" if name == mfa.SELECT_MFA_TYPE else "MFAS_CAN_SETUP"
    listed = json.dumps(options, separators=(",", ":"))  # '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
    return flow.challenge(user, name, {key: listed}, {**doc, "options": options})


async def _code_challenge(
    flow: Flow, user: dict[str, Any], name: str, doc: dict[str, Any], to: str | None = None
) -> Response:
    """Send a code (to the user's phone or email, or to ``to``) and open its challenge."""
    ctx = flow.ctx
    assert ctx.keys is not None and ctx.postman is not None
    code = codes.new_code()
    attribute = "phone_number" if name == mfa.SMS_MFA else "email"
    target = {**user, "Attributes": {**user["Attributes"], attribute: to}} if to else user
    message = mfa_message(flow.pool, target, name, code)
    await send_code_message(
        ctx,
        flow.pool,
        message,
        user=user,
        code=code,
        client_id=flow.client["ClientId"],
        # (Admin)InitiateAuth's ClientMetadata reaches only pre sign-up, pre authentication and
        # migration; a RespondToAuthChallenge's reaches the message triggers (reference §4.4).
        metadata=flow.metadata if flow.responding else None,
    )
    digest = ctx.keys.code_hash("mfa", flow.pool_id, user["_Key"], code)
    masked = masking.mask_phone(message.to) if name == mfa.SMS_MFA else masking.mask_email(
        message.to
    )
    params = {
        "CODE_DELIVERY_DELIVERY_MEDIUM": message.medium,
        "CODE_DELIVERY_DESTINATION": masked,
    }
    return flow.challenge(user, name, params, {**doc, "mfa": name, "code": digest, "attempts": 0})


def mfa_message(pool: dict[str, Any], user: dict[str, Any], name: str, code: str) -> Message:
    """The SMS (SmsAuthenticationMessage) or email (EmailMfaConfiguration) carrying the code."""
    attrs = user["Attributes"]
    if name == mfa.SMS_MFA:
        template = pool.get("SmsAuthenticationMessage") or DEFAULT_SMS_AUTHENTICATION
        body = templates.render(template, code=code)
        return Message(
            medium=SMS, to=attrs["phone_number"], body=body, pool_id=pool["Id"],
            purpose="Authentication",
        )
    config = pool.get("_EmailMfaConfiguration") or {}
    body = templates.render(config.get("Message") or DEFAULT_EMAIL_MFA_MESSAGE, code=code)
    sender, reply_to = templates.email_sender_for(pool)
    return Message(
        medium=EMAIL,
        to=attrs["email"],
        body=body,
        subject=config.get("Subject") or DEFAULT_EMAIL_MFA_SUBJECT,
        sender=sender,
        reply_to=reply_to,
        pool_id=pool["Id"],
        purpose="Authentication",
    )


# -- sessions -----------------------------------------------------------------------------------
def put_back(flow: Flow, state: dict[str, Any]) -> None:
    """Store a taken session again, unchanged but for one more failed attempt (same token, same
    expiry), unless it has had ``MAX_ATTEMPTS`` already."""
    doc = {k: v for k, v in state.items() if k not in _ROW_KEYS}
    doc["attempts"] = int(doc.get("attempts") or 0) + 1
    if doc["attempts"] >= MAX_ATTEMPTS or "_token_hash" not in state:
        return
    with flow.ctx.store.transaction() as tx:
        tx.sessions.put(
            state["_token_hash"],
            pool_id=state["pool_id"],
            client_id=state["client_id"],
            username_key=state["username_key"],
            step=state["step"],
            expires_at=state["expires_at"],
            doc=doc,
        )


async def finish(flow: Flow, user: dict[str, Any], state: dict[str, Any]) -> Response:
    """MFA passed: the steps after MFA (if any), then tokens."""
    later = auth.NEXT_STEPS[auth.NEXT_STEPS.index(mfa_step) + 1 :]
    for step in later:
        answer = await step(flow, user, state)
        if answer is not None:
            return answer
    return await flow.tokens(user, device_key=state.get("device_key"))


# -- the answers --------------------------------------------------------------------------------
@challenge("SMS_MFA")
async def _sms_mfa(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    return await _answer_code(flow, state, responses.get("SMS_MFA_CODE"), "SMS_MFA_CODE")


_PASSWORDLESS_EMAIL_OTP = auth.CHALLENGES.get("EMAIL_OTP")


@challenge("EMAIL_OTP")
async def _email_otp(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    """EMAIL_OTP as MFA; the same challenge name as a USER_AUTH first factor is left to the
    handler registered before this module (if any)."""
    if state.get("mfa") != mfa.EMAIL_OTP and _PASSWORDLESS_EMAIL_OTP is not None:
        return await _PASSWORDLESS_EMAIL_OTP(flow, state, responses)
    return await _answer_code(flow, state, responses.get("EMAIL_OTP_CODE"), "EMAIL_OTP_CODE")


async def _answer_code(
    flow: Flow, state: dict[str, Any], code: str | None, field: str
) -> Response:
    ctx = flow.ctx
    assert ctx.keys is not None
    if not code:
        put_back(flow, state)
        raise InvalidParameter(f"Missing required parameter {field}")
    user = flow.user_of(state)
    digest = ctx.keys.code_hash("mfa", flow.pool_id, user["_Key"], code)
    if not state.get("code") or not ctx.keys.same(state["code"], digest):
        put_back(flow, state)
        raise CodeMismatch(CODE_MISMATCH)
    if state.get("setup_email"):
        user = _adopt_email(flow, state["username_key"], str(state["setup_email"]))
    return await finish(flow, user, state)


def _adopt_email(flow: Flow, key: str, email: str) -> dict[str, Any]:
    """Email MFA set up during sign-in: the address the code reached is the user's, verified,
    and email MFA is on."""
    with flow.ctx.store.transaction() as tx:
        user = tx.users.get(flow.pool_id, key, for_update=True)
        if user is None:
            raise NotAuthorized(SESSION_INVALID)
        user["Attributes"]["email"] = email
        user["Attributes"]["email_verified"] = "true"
        mfa.enable_after_setup(user, mfa.EMAIL_OTP)
        save_user(tx, flow.pool, user, now=flow.ctx.now())
    return user


@challenge("SOFTWARE_TOKEN_MFA")
async def _software_token(
    flow: Flow, state: dict[str, Any], responses: dict[str, str]
) -> Response:
    code = responses.get("SOFTWARE_TOKEN_MFA_CODE")
    if not code:
        put_back(flow, state)
        raise InvalidParameter("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
    try:
        user = use_totp_code(flow, state["username_key"], code)
    except CognitoError:
        put_back(flow, state)
        raise
    return await finish(flow, user, state)


def use_totp_code(flow: Flow, key: str, code: str) -> dict[str, Any]:
    """Check ``code`` against the user's authenticator and spend its time step (one
    transaction, so two requests can't both spend it); the updated user."""
    ctx = flow.ctx
    assert ctx.keys is not None
    with ctx.store.transaction() as tx:
        user = tx.users.get(flow.pool_id, key, for_update=True)
        if user is None:
            raise NotAuthorized(SESSION_INVALID)
        totp = user.get("_Totp") or {}
        if not totp.get("Secret"):
            raise SoftwareTokenMFANotFound(NO_TOTP)
        secret = ctx.keys.decrypt(totp["Secret"], context=totp_context(flow.pool_id, user))
        step = mfa.totp_step(secret, code, ctx.now())
        if step is None:
            raise CodeMismatch(TOTP_MISMATCH)
        mfa.check_not_reused(step, totp.get("LastStep"))
        user["_Totp"] = {**totp, "LastStep": step}
        save_user(tx, flow.pool, user)
    return user


def totp_context(pool_id: str, user: dict[str, Any]) -> str:
    """The associated data the TOTP secret is sealed with."""
    return f"{pool_id}/{user['Username']}/totp"


@challenge("SELECT_MFA_TYPE")
async def _select(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    answer = responses.get("ANSWER")
    choices = list(state.get("options") or [])
    if answer not in choices:
        put_back(flow, state)
        if not answer:
            raise InvalidParameter("Missing required parameter ANSWER")
        raise InvalidParameter(BAD_CHOICE.format(answer=answer, choices=", ".join(choices)))
    user = flow.user_of(state)
    return await pose(flow, user, str(answer), [], carried(state))


@challenge("MFA_SETUP")
async def _setup(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    """Answered with the session VerifySoftwareToken returned (``totp_verified``), or with an
    ``EMAIL`` address for email MFA, which gets an EMAIL_OTP challenge at that address (what
    Amplify's confirmSignIn sends for CONTINUE_SIGN_IN_WITH_EMAIL_SETUP)."""
    email = responses.get("EMAIL")
    if email and not state.get("totp_verified"):
        if mfa.EMAIL_OTP not in (state.get("options") or []):
            raise InvalidParameter(EMAIL_SETUP_UNAVAILABLE)
        if "@" not in email.strip("@"):
            raise InvalidParameter("Invalid email address format.")
        user = flow.user_of(state)
        doc = {**carried(state), "setup_email": email}
        return await _code_challenge(flow, user, mfa.EMAIL_OTP, doc, to=email)
    if not state.get("totp_verified"):
        raise InvalidParameter(SETUP_UNFINISHED)
    user = flow.user_of(state)
    return await finish(flow, user, state)
