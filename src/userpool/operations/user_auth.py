"""Choice-based sign-in (AuthFlow ``USER_AUTH``) and automatic sign-in after ConfirmSignUp.

``InitiateAuth``/``AdminInitiateAuth`` with ``USER_AUTH`` reach ``start`` through
``auth.FLOW_STARTERS``. The first factors are PASSWORD, PASSWORD_SRP, EMAIL_OTP and SMS_OTP;
WEB_AUTHN (passkeys) is not implemented by this server, so it is never offered.

AWS behaviour, with sources (reference §3.2–§3.5, [API:InitiateAuth], [API:RespondToAuthChallenge],
[DG:authentication-flows-selection-sdk]):
- The client needs ``ALLOW_USER_AUTH`` (``signin.check_flow_allowed``); the flow needs the
  Essentials tier or higher ([API:InitiateAuth] AuthFlow).
- The pool's ``Policies.SignInPolicy.AllowedFirstAuthFactors`` decides the factors: PASSWORD
  covers PASSWORD and PASSWORD_SRP. ``AvailableChallenges`` follows that list's order (the DG's
  example ``["EMAIL_OTP","SMS_OTP","PASSWORD"]``; captured responses list
  ``["PASSWORD","PASSWORD_SRP"]``), narrowed to what the user can use.
- Without an eligible ``PREFERRED_CHALLENGE``: ``SELECT_CHALLENGE`` with ``AvailableChallenges``
  and a Session; ``ANSWER`` picks one. PASSWORD/PASSWORD_SRP finish in the same step when
  ``PASSWORD``/``SRP_A`` come along; otherwise the challenge of that name (answered with
  ``PASSWORD``/``SRP_A``) follows. EMAIL_OTP/SMS_OTP send the code at once and the challenge of
  the same name follows (``EMAIL_OTP_CODE``/``SMS_OTP_CODE``).
- OTP first factors can't be used when pool MFA is ON, nor in OPTIONAL pools by users with MFA
  on. A right code marks the address verified and confirms an UNCONFIRMED user.
- Automatic sign-in: SignUp (client with ALLOW_USER_AUTH) returns a Session; ConfirmSignUp with
  it returns another; ``InitiateAuth(USER_AUTH, Session=that)`` signs the user in without
  AuthParameters ("This option is only valid for users who have confirmed their sign-up and are
  signing in for the first time within the authentication flow session duration").

Our choices where AWS is silent (the safer reading each time):
- EMAIL_OTP is offered only when the pool sends email through SES (``DEVELOPER``), as email
  MFA requires [DG:user-pool-email]; SMS_OTP only with an ``SmsConfiguration``.
- Codes are 6 digits, live as long as the session, and are bound to the address they were sent
  to (an address changed meanwhile makes the code wrong). A wrong code is
  ``CodeMismatchException`` and the session stays usable (at most ``mfa_flow.MAX_ATTEMPTS``).
- After an OTP the usual steps still run (``Flow.after_first_factor``): NEW_PASSWORD_REQUIRED
  for a temporary password, and MFA, which the eligibility rule above makes moot unless the
  user turned MFA on meanwhile. A disabled user is refused after the right code, as after a
  right password.
- ConfirmSignUp answers a Session only when given SignUp's still-valid Session for that same
  user (and the client allows USER_AUTH); otherwise it confirms and answers no Session. The
  auto sign-in still checks SECRET_HASH for clients with a secret (over ``USERNAME`` if sent,
  else the internal username), and MFA still applies after it.
- With PreventUserExistenceErrors an unknown user gets the pool's factors, a simulated SRP
  step, and a simulated code challenge (nothing is sent; every code is wrong).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from userpool.domain import codes, masking, mfa, signin, users
from userpool.domain.errors import (
    CodeMismatch,
    CognitoError,
    FeatureUnavailableInTier,
    InvalidParameter,
    NotAuthorized,
    PasswordResetRequired,
    UserNotFound,
)
from userpool.operations import Context, Response, auth
from userpool.operations.auth import Flow, challenge
from userpool.operations.message_triggers import send_code_message
from userpool.operations.user_support import (
    USER_NOT_FOUND,
    check_secret_hash,
    find_user,
    prevents_existence_errors,
    save_user,
)

PASSWORD = "PASSWORD"
PASSWORD_SRP = "PASSWORD_SRP"
EMAIL_OTP = "EMAIL_OTP"
SMS_OTP = "SMS_OTP"
SELECT_CHALLENGE = "SELECT_CHALLENGE"
OTP_FACTORS = (EMAIL_OTP, SMS_OTP)
# Session steps of automatic sign-in (never a ChallengeName).
SIGN_UP_STEP = "SIGN_UP"
AUTO_SIGN_IN_STEP = "AUTO_SIGN_IN"

CODE_MISMATCH = "Invalid code or auth state for the user."  # as for MFA codes (mfa_flow)
BAD_ANSWER = "Invalid ANSWER {answer}: expected one of {choices}."  # wording ours
LITE_TIER = "USER_AUTH is not available in the LITE feature plan."  # wording ours
_ATTRIBUTE = {EMAIL_OTP: "email", SMS_OTP: "phone_number"}
_MEDIUM = {EMAIL_OTP: "EMAIL", SMS_OTP: "SMS"}


# -- the rules (pure) ---------------------------------------------------------------------------
def allowed_factors(pool: dict[str, Any]) -> list[str]:
    """The pool's AllowedFirstAuthFactors (PASSWORD when unset)."""
    policy = (pool.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or [PASSWORD])


def pool_challenges(pool: dict[str, Any]) -> list[str]:
    """The first-factor challenges the pool offers anyone, in its policy's order."""
    found: list[str] = []
    for factor in allowed_factors(pool):
        if factor == PASSWORD:
            found += [PASSWORD, PASSWORD_SRP]
        elif factor == EMAIL_OTP and _sends_email(pool) and mfa.mode(pool) != "ON":
            found.append(EMAIL_OTP)
        elif factor == SMS_OTP and pool.get("SmsConfiguration") and mfa.mode(pool) != "ON":
            found.append(SMS_OTP)
    return _unique(found)


def _sends_email(pool: dict[str, Any]) -> bool:
    return (pool.get("EmailConfiguration") or {}).get("EmailSendingAccount") == "DEVELOPER"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def otp_allowed(pool: dict[str, Any], user: dict[str, Any]) -> bool:
    """OTP first factors: not with pool MFA ON, nor for an OPTIONAL-pool user with MFA on."""
    if mfa.mode(pool) == "ON":
        return False
    return not (mfa.mode(pool) == "OPTIONAL" and mfa.usable_factors(pool, user))


def user_challenges(pool: dict[str, Any], user: dict[str, Any]) -> list[str]:
    """The first-factor challenges ``user`` can use (AvailableChallenges)."""
    reset = user["UserStatus"] == users.RESET_REQUIRED  # answered PasswordResetRequired later
    attrs = user["Attributes"]
    usable = {
        PASSWORD: bool(user.get("_PasswordHash")) or reset,
        PASSWORD_SRP: bool(user.get("_Srp")) or reset,
        EMAIL_OTP: bool(attrs.get("email")) and otp_allowed(pool, user),
        SMS_OTP: bool(attrs.get("phone_number")) and otp_allowed(pool, user),
    }
    return [c for c in pool_challenges(pool) if usable[c]]


def fake_destination(name: str, typed: str, digest: str) -> str:
    """A plausible masked destination for an unknown user (stable for a name)."""
    if name == EMAIL_OTP:
        return masking.mask_email(typed if "@" in typed else f"{typed}@example.com")
    return masking.mask_phone("+1" + f"{int(digest[:12], 16) % 10**10:010d}")


def allows_user_auth(client: dict[str, Any]) -> bool:
    return "ALLOW_USER_AUTH" in (client.get("ExplicitAuthFlows") or [])


# -- InitiateAuth(USER_AUTH) --------------------------------------------------------------------
async def start(flow: Flow, params: dict[str, str], session: str | None) -> Response:
    if flow.pool.get("UserPoolTier") == "LITE":
        raise FeatureUnavailableInTier(LITE_TIER)
    if session:
        return await _auto_sign_in(flow, session, params)
    typed = params.get("USERNAME")
    if not typed:
        raise InvalidParameter("Missing required parameter USERNAME")
    check_secret_hash(flow.client, typed, params.get("SECRET_HASH"))
    user = find_user(None, flow.pool, typed, store=flow.ctx.store)
    if user is None and not prevents_existence_errors(flow.client):
        raise UserNotFound(USER_NOT_FOUND)
    options = user_challenges(flow.pool, user) if user else pool_challenges(flow.pool)
    if not options:
        # Nothing this user can sign in with here (e.g. passwordless, no address). Wording ours.
        raise NotAuthorized(signin.INCORRECT)
    state = {"typed": typed, "options": options, "device_key": params.get("DEVICE_KEY")}
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred in options:
        return await _begin(flow, user, state, str(preferred), params)
    doc = {**state, "ghost": user is None}
    response = flow.challenge(user or _ghost(typed), SELECT_CHALLENGE, {}, doc)
    return {**response, "AvailableChallenges": options}


def _ghost(typed: str) -> dict[str, Any]:
    # PostgreSQL text can't hold NUL; a space can't start a username (as auth._srp_start).
    return {"_Key": " " + typed, "Username": typed, "Attributes": {}}


async def _begin(
    flow: Flow,
    user: dict[str, Any] | None,
    state: dict[str, Any],
    name: str,
    given: dict[str, str],
) -> Response:
    """Start the first factor ``name``, finishing it at once when its answer came along."""
    device_key = given.get("DEVICE_KEY") or state.get("device_key")
    who = user["Username"] if user else state["typed"]
    extra = {"DEVICE_KEY": device_key} if device_key else {}
    if name == PASSWORD and given.get("PASSWORD") is not None:
        return await auth._password(flow, who, {"PASSWORD": given["PASSWORD"], **extra})
    if name == PASSWORD_SRP and given.get("SRP_A"):
        # A coroutine since PreAuthentication runs in it: not awaiting it answered a 500.
        return await auth._srp_start(flow, who, {"SRP_A": given["SRP_A"], **extra})
    doc = {
        "typed": state["typed"],
        "options": state["options"],
        "device_key": device_key,
        "ghost": user is None,
    }
    if name in OTP_FACTORS:
        return await _send_code(flow, user, name, doc)
    return flow.challenge(user or _ghost(state["typed"]), name, {}, doc)


async def _send_code(
    flow: Flow, user: dict[str, Any] | None, name: str, doc: dict[str, Any]
) -> Response:
    """Send an EMAIL_OTP/SMS_OTP code and open its challenge (simulated for an unknown user)."""
    from userpool.operations.mfa_flow import mfa_message  # not at import: see the note below

    ctx = flow.ctx
    assert ctx.keys is not None and ctx.postman is not None
    doc = {**doc, "otp": name, "attempts": 0}
    if user is None:
        digest = ctx.keys.code_hash("otp-fake", flow.pool_id, doc["typed"])
        params = {
            "CODE_DELIVERY_DELIVERY_MEDIUM": _MEDIUM[name],
            "CODE_DELIVERY_DESTINATION": fake_destination(name, doc["typed"], digest),
        }
        return flow.challenge(_ghost(doc["typed"]), name, params, doc)
    code = codes.new_code()
    message = mfa_message(flow.pool, user, mfa.SMS_MFA if name == SMS_OTP else mfa.EMAIL_OTP, code)
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
    params = {
        "CODE_DELIVERY_DELIVERY_MEDIUM": message.medium,
        "CODE_DELIVERY_DESTINATION": masking.mask_destination(_ATTRIBUTE[name], message.to),
    }
    digest = _code_digest(flow, user["_Key"], name, message.to, code)
    return flow.challenge(user, name, params, {**doc, "code": digest})


def _code_digest(flow: Flow, key: str, name: str, destination: str, code: str) -> str:
    assert flow.ctx.keys is not None
    return flow.ctx.keys.code_hash("otp", flow.pool_id, key, name, destination, code)


# -- the answers ---------------------------------------------------------------------------------
def _put_back(flow: Flow, state: dict[str, Any]) -> None:
    from userpool.operations.mfa_flow import put_back

    put_back(flow, state)


def _session_user(flow: Flow, state: dict[str, Any]) -> dict[str, Any] | None:
    return None if state.get("ghost") else flow.user_of(state)


@challenge(SELECT_CHALLENGE)
async def _select(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    answer = responses.get("ANSWER")
    choices = list(state.get("options") or [])
    if answer not in choices:
        _put_back(flow, state)
        if not answer:
            raise InvalidParameter("Missing required parameter ANSWER")
        raise InvalidParameter(BAD_ANSWER.format(answer=answer, choices=", ".join(choices)))
    user = _session_user(flow, state)
    return await _begin(flow, user, state, str(answer), responses)


@challenge(PASSWORD)
async def _password(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    if responses.get("PASSWORD") is None:
        _put_back(flow, state)
        raise InvalidParameter("Missing required parameter PASSWORD")
    return await _begin(flow, _session_user(flow, state), state, PASSWORD, responses)


@challenge(PASSWORD_SRP)
async def _password_srp(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    if not responses.get("SRP_A"):
        _put_back(flow, state)
        raise InvalidParameter("Missing required parameter SRP_A")
    return await _begin(flow, _session_user(flow, state), state, PASSWORD_SRP, responses)


# EMAIL_OTP is also email MFA's challenge name: operations.mfa_flow registers its own handler
# over this one and hands it every EMAIL_OTP session that isn't an MFA one. That works only if
# this module registers first, so it must be imported before mfa_flow (MODULES lists
# "user_auth" before "mfa", and this module imports mfa_flow only inside functions).
@challenge(EMAIL_OTP)
async def _email_otp(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    return await _answer_code(flow, state, responses, EMAIL_OTP)


@challenge(SMS_OTP)
async def _sms_otp(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    return await _answer_code(flow, state, responses, SMS_OTP)


async def _answer_code(
    flow: Flow, state: dict[str, Any], responses: dict[str, str], name: str
) -> Response:
    if state.get("otp") != name:
        raise NotAuthorized(signin.SESSION_INVALID)
    field = f"{name}_CODE"
    code = responses.get(field)
    if not code:
        _put_back(flow, state)
        raise InvalidParameter(f"Missing required parameter {field}")
    user = _session_user(flow, state)
    destination = (user or {"Attributes": {}})["Attributes"].get(_ATTRIBUTE[name]) or ""
    expected = state.get("code")
    assert flow.ctx.keys is not None
    if (
        user is None
        or not expected
        or not flow.ctx.keys.same(
            expected, _code_digest(flow, user["_Key"], name, destination, code)
        )
    ):
        _put_back(flow, state)
        raise CodeMismatch(CODE_MISMATCH)
    user = _after_code(flow, state["username_key"], _ATTRIBUTE[name])
    return await flow.after_first_factor(user, {"device_key": state.get("device_key")})


def _after_code(flow: Flow, key: str, attribute: str) -> dict[str, Any]:
    """A right code: the address is verified and an UNCONFIRMED user CONFIRMED; a disabled user
    or one who must reset the password is refused."""
    with flow.ctx.store.transaction() as tx:
        user = tx.users.get(flow.pool_id, key, for_update=True)
        if user is None:
            raise NotAuthorized(signin.SESSION_INVALID)
        if not user["Enabled"]:
            raise NotAuthorized(signin.DISABLED)
        if user["UserStatus"] == users.RESET_REQUIRED:
            raise PasswordResetRequired("Password reset required for the user")
        user["Attributes"][f"{attribute}_verified"] = "true"
        if user["UserStatus"] == users.UNCONFIRMED:
            user["UserStatus"] = users.CONFIRMED
        save_user(tx, flow.pool, user, now=flow.ctx.now())
    return user


# -- automatic sign-in after ConfirmSignUp --------------------------------------------------------
def sign_up_session(
    ctx: Context, pool: dict[str, Any], client: dict[str, Any], user: dict[str, Any]
) -> str | None:
    """SignUp's Session (clients that allow USER_AUTH), to pass to ConfirmSignUp."""
    if not allows_user_auth(client):
        return None
    flow = Flow(ctx, pool, client, admin=False)
    return flow.open_session(user, SIGN_UP_STEP, {"sub": user["Attributes"]["sub"]})


def confirm_session(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    username: str,
    token: str | None,
) -> str | None:
    """After a successful ConfirmSignUp given SignUp's ``token``: the Session for
    InitiateAuth(USER_AUTH), or None when the token isn't a live SignUp session of this user."""
    if not token or not allows_user_auth(client):
        return None
    flow = Flow(ctx, pool, client, admin=False)
    try:
        state = flow.take_session(token, SIGN_UP_STEP)
    except CognitoError:
        return None
    with ctx.store.reader() as tx:
        user = find_user(tx, pool, username)
    if (
        user is None
        or user["_Key"] != state["username_key"]
        or user["Attributes"].get("sub") != state.get("sub")
        or user["UserStatus"] != users.CONFIRMED
    ):
        return None
    return flow.open_session(user, AUTO_SIGN_IN_STEP, {"sub": state["sub"]})


async def _auto_sign_in(flow: Flow, token: str, params: dict[str, str]) -> Response:
    """InitiateAuth(USER_AUTH, Session from ConfirmSignUp): tokens (or MFA), once."""
    try:
        state = flow.take_session(token, AUTO_SIGN_IN_STEP)
    except InvalidParameter:  # a session of another kind
        raise NotAuthorized(signin.SESSION_INVALID) from None
    user = flow.user_of(state)
    if user["Attributes"].get("sub") != state.get("sub"):
        raise NotAuthorized(signin.SESSION_INVALID)
    check_secret_hash(
        flow.client, params.get("USERNAME") or user["Username"], params.get("SECRET_HASH")
    )
    signin.check_state(user, flow.ctx.now())
    return await flow.after_first_factor(user, {"device_key": params.get("DEVICE_KEY")})


auth.FLOW_STARTERS["USER_AUTH"] = start
