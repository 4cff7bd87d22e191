"""The CUSTOM_AUTH flow: the pool's DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse triggers decide the sign-in (reference §4.4).

InitiateAuth(CUSTOM_AUTH) asks Define with the session so far — empty, or
``[{SRP_A, true}]`` when the client starts with SRP (``CHALLENGE_NAME=SRP_A`` and ``SRP_A``).
Define answers one of: ``failAuthentication`` (NotAuthorizedException), ``issueTokens``
(the usual MFA and device steps, then tokens), ``CUSTOM_CHALLENGE`` (Create makes it; Verify
judges the ANSWER; the result is appended to the session and Define asks again) or, after SRP_A,
``PASSWORD_VERIFIER`` (SRP's second step, whose result is appended likewise).

Decisions where AWS's documentation is silent (docs/triggers.md): a wrong SRP password claim
counts as a failed sign-in (lockout) and is given to Define as ``challengeResult: false``; a
Define answer naming any other challenge is "Unrecognizable lambda output"; a Create or Verify
trigger missing when it is needed is InvalidParameterException with AWS's text for a missing
Define; an unknown user (PreventUserExistenceErrors) keeps the name it was asked for in every
event, also after SRP's simulated first step.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import signin
from userpool.domain.errors import (
    UNRECOGNIZABLE_LAMBDA_OUTPUT,
    InvalidLambdaResponse,
    InvalidParameter,
    NotAuthorized,
    UserNotFound,
)
from userpool.operations import auth
from userpool.operations.auth import Flow, Response, srp_first_step
from userpool.operations.lambdas import (
    fire,
    flag,
    has_trigger,
    string_attributes,
    with_metadata,
)
from userpool.operations.user_support import (
    USER_NOT_FOUND,
    check_secret_hash,
    find_user,
    prevents_existence_errors,
)

NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"


async def _start(flow: Flow, params: dict[str, str], _session: str | None) -> Response:
    if not has_trigger(flow.pool, "DefineAuthChallenge"):
        raise InvalidParameter(NOT_CONFIGURED)
    username = params.get("USERNAME")
    if not username:
        raise InvalidParameter("Missing required parameter USERNAME")
    check_secret_hash(flow.client, username, params.get("SECRET_HASH"))
    user = find_user(None, flow.pool, username, store=flow.ctx.store)
    not_found = user is None
    if user is None:
        if not prevents_existence_errors(flow.client):
            raise UserNotFound(USER_NOT_FOUND)
        user = _ghost(username)
    else:
        if signin.locked(user, flow.ctx.now()):
            raise NotAuthorized(signin.LOCKED)
        signin.check_state(user, flow.ctx.now())
    await flow.pre_authentication(user, not_found=not_found)
    state: dict[str, Any] = {
        "session": [],
        "not_found": not_found,
        "device_key": params.get("DEVICE_KEY"),
    }
    if not_found:
        # The name the triggers see for an unknown user all along (SRP's simulated first step
        # names it by a fake USER_ID_FOR_SRP instead).
        state["ghost_name"] = username
    srp_first = params.get("CHALLENGE_NAME") == "SRP_A"
    if srp_first:
        state["session"].append(_entry("SRP_A", True))
        state["srp_params"] = {"SRP_A": params.get("SRP_A") or "", "DEVICE_KEY": ""}
        if not params.get("SRP_A"):
            raise InvalidParameter("Missing required parameter SRP_A")
    return await _next(flow, user, state, username=username)


def _ghost(username: str) -> dict[str, Any]:
    """An unknown user (PreventUserExistenceErrors): a key no real user can have."""
    return {"_Key": " " + username, "Username": username, "Attributes": {}}


def _entry(name: str, result: bool, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


def _request(flow: Flow, user: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "userAttributes": string_attributes(user, flow.pool) if not state["not_found"] else {},
        "session": state["session"],
    }
    # ClientMetadata reaches these triggers from RespondToAuthChallenge only.
    with_metadata(request, flow.metadata if flow.responding else None)
    request["userNotFound"] = state["not_found"]
    return request


async def _next(
    flow: Flow, user: dict[str, Any], state: dict[str, Any], *, username: str | None = None
) -> Response:
    """Ask Define what comes next, and do it."""
    answer = await _fire(
        flow,
        "DefineAuthChallenge",
        user,
        _request(flow, user, state),
        {"challengeName": None, "issueTokens": False, "failAuthentication": False},
    )
    if flag(answer, "failAuthentication"):
        raise NotAuthorized(signin.INCORRECT)
    if flag(answer, "issueTokens"):
        if state["not_found"]:
            raise NotAuthorized(signin.INCORRECT)
        fresh = flow.user_of({"username_key": user["_Key"]})
        return await flow.after_first_factor(fresh, {"device_key": state.get("device_key")})
    name = answer.get("challengeName")
    if name == CUSTOM_CHALLENGE:
        return await _create(flow, user, state)
    srp_pending = state.get("srp_params") and len(state["session"]) == 1
    if name == "PASSWORD_VERIFIER" and srp_pending:
        params = state.pop("srp_params")
        target = None if state["not_found"] else user
        return srp_first_step(
            flow, target, username or user["Username"], params, extra={"custom": state}
        )
    raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)


async def _create(flow: Flow, user: dict[str, Any], state: dict[str, Any]) -> Response:
    if not has_trigger(flow.pool, "CreateAuthChallenge"):
        # Define asked for a challenge nobody can make: the pool's custom auth is incomplete
        # (AWS's text for a missing Define; not an internal error).
        raise InvalidParameter(NOT_CONFIGURED)
    request = _request(flow, user, state)
    request = {
        "userAttributes": request["userAttributes"],
        "challengeName": CUSTOM_CHALLENGE,
        "session": request["session"],
        **({"clientMetadata": request["clientMetadata"]} if "clientMetadata" in request else {}),
        "userNotFound": request["userNotFound"],
    }
    answer = await _fire(
        flow,
        "CreateAuthChallenge",
        user,
        request,
        {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        },
    )
    public = answer.get("publicChallengeParameters") or {}
    private = answer.get("privateChallengeParameters") or {}
    metadata = answer.get("challengeMetadata")
    if not _string_map(public) or not _string_map(private):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    if metadata is not None and not isinstance(metadata, str):
        raise InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)
    doc = {**state, "private": private, "metadata": metadata}
    return flow.challenge(user, CUSTOM_CHALLENGE, {**public, "USERNAME": user["Username"]}, doc)


async def _fire(
    flow: Flow,
    trigger: str,
    user: dict[str, Any],
    request: dict[str, Any],
    response: dict[str, Any],
) -> dict[str, Any]:
    """One of the three custom auth triggers (its source: ``<trigger>_Authentication``)."""
    answer = await fire(
        flow.ctx,
        flow.pool,
        trigger,
        f"{trigger}_Authentication",
        user_name=user["Username"],
        client_id=flow.client["ClientId"],
        request=request,
        response=response,
    )
    assert answer is not None  # the callers check the trigger is configured
    return answer


def _string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


@auth.challenge(CUSTOM_CHALLENGE)
async def _answer(flow: Flow, state: dict[str, Any], responses: dict[str, str]) -> Response:
    answer_text = responses.get("ANSWER")
    if answer_text is None:
        raise InvalidParameter("Missing required parameter ANSWER")
    if not has_trigger(flow.pool, "VerifyAuthChallengeResponse"):
        raise InvalidParameter(NOT_CONFIGURED)  # as for a missing Create (see _create)
    user = _user(flow, state)
    request: dict[str, Any] = {
        "userAttributes": string_attributes(user, flow.pool) if not state["not_found"] else {},
        "privateChallengeParameters": state.get("private") or {},
        "challengeAnswer": answer_text,
    }
    with_metadata(request, flow.metadata)
    request["userNotFound"] = state["not_found"]
    verdict = await _fire(
        flow, "VerifyAuthChallengeResponse", user, request, {"answerCorrect": False}
    )
    challenge_metadata = state.get("metadata")
    state = _carry(state)
    state["session"].append(
        _entry(CUSTOM_CHALLENGE, flag(verdict, "answerCorrect"), challenge_metadata)
    )
    if "DEVICE_KEY" in responses:
        state["device_key"] = responses["DEVICE_KEY"]
    return await _next(flow, user, state)


def _carry(state: dict[str, Any]) -> dict[str, Any]:
    """The parts of a challenge's state the next step keeps."""
    keep = ("session", "not_found", "device_key", "srp_params", "ghost_name")
    return {k: state[k] for k in keep if k in state}


def _user(flow: Flow, state: dict[str, Any]) -> dict[str, Any]:
    if state["not_found"]:
        return _ghost(state["username_key"][1:])
    return flow.user_of(state)


_srp_verifier = auth.CHALLENGES["PASSWORD_VERIFIER"]


@auth.challenge("PASSWORD_VERIFIER")
async def _password_verifier(
    flow: Flow, state: dict[str, Any], responses: dict[str, str]
) -> Response:
    """SRP inside CUSTOM_AUTH: the claim's result goes to Define instead of ending the step."""
    custom = state.get("custom")
    if custom is None:
        return await _srp_verifier(flow, state, responses)
    if state.get("ghost"):
        # The unknown user keeps the name it was asked for, not the fake USER_ID_FOR_SRP.
        passed, user = False, _ghost(custom.get("ghost_name") or state["username"])
    else:
        try:
            user = auth.check_password_claim(flow, state, responses)
            passed = True
        except NotAuthorized as exc:
            if exc.message == signin.LOCKED:
                raise
            passed, user = False, flow.user_of(state)
    custom = _carry(custom)
    custom["session"].append(_entry("PASSWORD_VERIFIER", passed))
    if responses.get("DEVICE_KEY"):
        custom["device_key"] = responses["DEVICE_KEY"]
    return await _next(flow, user, custom)


auth.FLOW_STARTERS["CUSTOM_AUTH"] = _start
