"""The CUSTOM_AUTH flow: DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse (reference §3.2, §3.6, §4.4; docs/triggers.md), through boto3 over
HTTP, with the AWS developer guide's canonical custom-auth handlers (a Define asking
CUSTOM_CHALLENGE until one is answered right, failing after three wrong answers and taking SRP
as a first step; a Create asking a CAPTCHA question; a Verify comparing the answer) written in
Python and Node.js and run by the built-in runtime, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import jwt
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex
from tests.auth_helpers import confirmed_user, jwks, verify
from tests.server import Server
from tests.triggers.functions import Functions, make_pool
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attrs,
    make_client,
    rejected,
    secret_hash,
)

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
QUESTION = "What is 2 + 3?"
FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
DEFINE_RESPONSE = {"challengeName": None, "issueTokens": False, "failAuthentication": False}
CREATE_RESPONSE = {
    "publicChallengeParameters": None,
    "privateChallengeParameters": None,
    "challengeMetadata": None,
}
VERIFY_RESPONSE = {"answerCorrect": False}

# -- the developer guide's handlers, in both languages ------------------------------------------
# Define: SRP_A -> PASSWORD_VERIFIER; a wrong password fails; a right custom answer issues
# tokens; three wrong answers fail; otherwise (another) CUSTOM_CHALLENGE.
DEFINE = {
    "python": """
session = event['request']['session']
last = session[-1] if session else None
custom = [s for s in session if s['challengeName'] == 'CUSTOM_CHALLENGE']
wrong = [s for s in custom if not s['challengeResult']]
if len(session) == 1 and last['challengeName'] == 'SRP_A':
    event['response']['issueTokens'] = False
    event['response']['failAuthentication'] = False
    event['response']['challengeName'] = 'PASSWORD_VERIFIER'
elif last and last['challengeName'] == 'PASSWORD_VERIFIER' and not last['challengeResult']:
    event['response']['issueTokens'] = False
    event['response']['failAuthentication'] = True
elif last and last['challengeName'] == 'CUSTOM_CHALLENGE' and last['challengeResult']:
    event['response']['issueTokens'] = True
    event['response']['failAuthentication'] = False
elif len(wrong) >= 3:
    event['response']['issueTokens'] = False
    event['response']['failAuthentication'] = True
else:
    event['response']['issueTokens'] = False
    event['response']['failAuthentication'] = False
    event['response']['challengeName'] = 'CUSTOM_CHALLENGE'
return event
""",
    "node": """
const session = event.request.session;
const last = session.length ? session[session.length - 1] : null;
const wrong = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE' && !s.challengeResult);
if (session.length === 1 && last.challengeName === 'SRP_A') {
  event.response.issueTokens = false;
  event.response.failAuthentication = false;
  event.response.challengeName = 'PASSWORD_VERIFIER';
} else if (last && last.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult) {
  event.response.issueTokens = false;
  event.response.failAuthentication = true;
} else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) {
  event.response.issueTokens = true;
  event.response.failAuthentication = false;
} else if (wrong.length >= 3) {
  event.response.issueTokens = false;
  event.response.failAuthentication = true;
} else {
  event.response.issueTokens = false;
  event.response.failAuthentication = false;
  event.response.challengeName = 'CUSTOM_CHALLENGE';
}
return event;
""",
}
# Create: a CAPTCHA question; challengeMetadata counts the custom challenges ("CAPTCHA-1", ...).
CREATE = {
    "python": """
if event['request']['challengeName'] == 'CUSTOM_CHALLENGE':
    n = len([s for s in event['request']['session'] if s['challengeName'] == 'CUSTOM_CHALLENGE'])
    event['response']['publicChallengeParameters'] = {'question': 'What is 2 + 3?'}
    event['response']['privateChallengeParameters'] = {'answer': '5'}
    event['response']['challengeMetadata'] = 'CAPTCHA-' + str(n + 1)
return event
""",
    "node": """
if (event.request.challengeName === 'CUSTOM_CHALLENGE') {
  const n = event.request.session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE').length;
  event.response.publicChallengeParameters = { question: 'What is 2 + 3?' };
  event.response.privateChallengeParameters = { answer: '5' };
  event.response.challengeMetadata = `CAPTCHA-${n + 1}`;
}
return event;
""",
}
VERIFY = {
    "python": """
expected = event['request']['privateChallengeParameters']['answer']
event['response']['answerCorrect'] = event['request']['challengeAnswer'] == expected
return event
""",
    "node": """
const expected = event.request.privateChallengeParameters.answer;
event.response.answerCorrect = event.request.challengeAnswer === expected;
return event;
""",
}


class Env:
    """A pool with the three custom auth triggers, a custom-auth client and a confirmed user."""

    def __init__(
        self, cognito: Any, server: Server, functions: Functions, lang: str, **pool: Any
    ) -> None:
        self.cognito, self.server, self.functions, self.lang = cognito, server, functions, lang
        tag = uuid.uuid4().hex[:8]
        self.define, self.create, self.verify = f"define-{tag}", f"create-{tag}", f"verify-{tag}"
        self.pool_id = make_pool(cognito, **pool)["Id"]
        self.lambda_config = {
            "DefineAuthChallenge": functions.handler(lang, self.define, code=DEFINE[lang]),
            "CreateAuthChallenge": functions.handler(lang, self.create, code=CREATE[lang]),
            "VerifyAuthChallengeResponse": functions.handler(lang, self.verify, code=VERIFY[lang]),
        }
        self.wire(**self.lambda_config)
        self.client_id = make_client(cognito, self.pool_id, ExplicitAuthFlows=FLOWS)["ClientId"]
        self.email = address()
        # In an email-as-username pool the user is created by email and gets another name.
        by_email = "UsernameAttributes" in pool
        created = confirmed_user(
            cognito,
            self.pool_id,
            username=self.email if by_email else None,
            attributes=attrs(email=self.email, email_verified="true"),
        )
        user = cognito.admin_get_user(UserPoolId=self.pool_id, Username=created)
        self.username = user["Username"]  # the internal username
        self.sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")

    def wire(self, **lambda_config: str) -> None:
        """UpdateUserPool with this LambdaConfig (the pool's DeviceConfiguration kept)."""
        pool = self.cognito.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]
        device = pool.get("DeviceConfiguration")
        extra = {"DeviceConfiguration": device} if device else {}
        self.cognito.update_user_pool(UserPoolId=self.pool_id, LambdaConfig=lambda_config, **extra)

    @property
    def attributes(self) -> dict[str, str]:
        """``request.userAttributes`` of the user: every value a string."""
        return {
            "sub": self.sub,
            "email": self.email,
            "email_verified": "true",
            "cognito:user_status": "CONFIRMED",
        }

    def event(
        self,
        source: str,
        request: dict[str, Any],
        response: dict[str, Any],
        user_name: str | None = None,
        client_id: str | None = None,
    ) -> dict[str, Any]:
        return {
            "version": "1",
            "triggerSource": source,
            "region": "us-east-1",
            "userPoolId": self.pool_id,
            "userName": user_name or self.username,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": client_id or self.client_id,
            },
            "request": request,
            "response": response,
        }

    def define_event(
        self, session: list[dict[str, Any]], metadata: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "userAttributes": kw.pop("user_attributes", self.attributes),
            "session": session,
            "userNotFound": kw.pop("not_found", False),
        }
        if metadata:  # absent when the call sent none (or an empty map)
            request["clientMetadata"] = metadata
        return self.event("DefineAuthChallenge_Authentication", request, DEFINE_RESPONSE, **kw)

    def create_event(
        self, session: list[dict[str, Any]], metadata: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "userAttributes": kw.pop("user_attributes", self.attributes),
            "challengeName": "CUSTOM_CHALLENGE",
            "session": session,
            "userNotFound": kw.pop("not_found", False),
        }
        if metadata:  # absent when the call sent none (or an empty map)
            request["clientMetadata"] = metadata
        return self.event("CreateAuthChallenge_Authentication", request, CREATE_RESPONSE, **kw)

    def verify_event(self, answer: str, metadata: dict[str, str], **kw: Any) -> dict[str, Any]:
        request = {
            "userAttributes": kw.pop("user_attributes", self.attributes),
            "privateChallengeParameters": {"answer": "5"},
            "challengeAnswer": answer,
            **({"clientMetadata": metadata} if metadata else {}),
            "userNotFound": kw.pop("not_found", False),
        }
        return self.event(
            "VerifyAuthChallengeResponse_Authentication", request, VERIFY_RESPONSE, **kw
        )

    # -- calls -------------------------------------------------------------------------------
    def start(self, username: str | None = None, **params: str) -> dict[str, Any]:
        return self.cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={"USERNAME": username or self.username, **params},
            ClientMetadata={"phase": "initiate"},
        )

    def answer(
        self, challenge: dict[str, Any], answer: str, metadata: dict[str, str] | None = None
    ) -> dict[str, Any]:
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
        return self.cognito.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": challenge["ChallengeParameters"]["USERNAME"],
                "ANSWER": answer,
            },
            ClientMetadata=metadata or {},
        )

    def srp(self, password: str = STRONG, username: str | None = None) -> AWSSRP:
        return AWSSRP(
            username=username or self.username,
            password=password,
            pool_id=self.pool_id,
            client_id=self.client_id,
            client=self.cognito,
        )

    def tokens_verify(self, result: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, after PyJWT checked both tokens against the JWKS."""
        keys, issuer = jwks(self.server, self.pool_id), f"{self.server.url}/{self.pool_id}"
        claims = verify(
            result["IdToken"], keys, issuer=issuer, token_use="id", audience=self.client_id
        )
        access = verify(result["AccessToken"], keys, issuer=issuer, token_use="access")
        assert claims["cognito:username"] == access["username"] == self.username
        assert claims["sub"] == access["sub"] == self.sub
        assert access["client_id"] == self.client_id
        return claims


def entry(name: str, result: bool, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


@pytest.fixture
def env(cognito: Any, trigger_server: Server, functions: Functions, lang: str) -> Env:
    return Env(cognito, trigger_server, functions, lang)


# -- the custom challenge ------------------------------------------------------------------------
def test_challenge_wrong_then_right_answer(env: Env) -> None:
    first = env.start()
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert first["ChallengeParameters"] == {"question": QUESTION, "USERNAME": env.username}
    assert 20 <= len(first["Session"]) <= 2048
    assert "AuthenticationResult" not in first
    # InitiateAuth's ClientMetadata reaches neither Define nor Create.
    assert env.functions.events(env.define) == [env.define_event([])]
    assert env.functions.events(env.create) == [env.create_event([])]
    assert env.functions.events(env.verify) == []

    second = env.answer(first, "4", {"attempt": "1"})
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert second["ChallengeParameters"] == {"question": QUESTION, "USERNAME": env.username}
    assert second["Session"] != first["Session"]
    wrong = [entry("CUSTOM_CHALLENGE", False, "CAPTCHA-1")]
    assert env.functions.events(env.verify) == [env.verify_event("4", {"attempt": "1"})]
    assert env.functions.events(env.define)[1] == env.define_event(wrong, {"attempt": "1"})
    assert env.functions.events(env.create)[1] == env.create_event(wrong, {"attempt": "1"})

    done = env.answer(second, "5", {"attempt": "2"})
    assert done["ChallengeParameters"] == {}
    assert "ChallengeName" not in done
    result = done["AuthenticationResult"]
    claims = env.tokens_verify(result)
    assert claims["email"] == env.email
    assert env.functions.events(env.verify)[1] == env.verify_event("5", {"attempt": "2"})
    right = [*wrong, entry("CUSTOM_CHALLENGE", True, "CAPTCHA-2")]
    assert env.functions.events(env.define)[2] == env.define_event(right, {"attempt": "2"})
    assert len(env.functions.events(env.create)) == 2  # no challenge after issueTokens

    # The refresh token works (the client allows REFRESH_TOKEN_AUTH) and fires nothing.
    refreshed = env.cognito.initiate_auth(
        ClientId=env.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )["AuthenticationResult"]
    assert env.tokens_verify(refreshed)["auth_time"] == claims["auth_time"]
    assert len(env.functions.events(env.define)) == 3
    # An answered session is spent.
    assert rejected(env.answer, challenge=second, answer="5") == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_three_wrong_answers_fail(env: Env) -> None:
    challenge = env.start()
    for _ in (1, 2):
        challenge = env.answer(challenge, "wrong")
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert rejected(env.answer, challenge=challenge, answer="wrong") == INCORRECT
    session = [entry("CUSTOM_CHALLENGE", False, f"CAPTCHA-{n}") for n in (1, 2, 3)]
    defines = env.functions.events(env.define)
    assert len(defines) == 4
    assert defines[-1] == env.define_event(session, {})
    assert len(env.functions.events(env.create)) == 3
    assert [e["request"]["challengeAnswer"] for e in env.functions.events(env.verify)] == [
        "wrong"
    ] * 3
    # Custom challenges are exempt from lockout: a new sign-in still works.
    assert "AuthenticationResult" in env.answer(env.start(), "5")


def test_define_fails_at_once(env: Env) -> None:
    env.functions.handler(env.lang, env.define, response={"failAuthentication": True})
    assert rejected(env.start) == INCORRECT
    assert env.functions.events(env.define) == [env.define_event([])]
    assert env.functions.events(env.create) == []


def test_define_issues_tokens_at_once(env: Env) -> None:
    env.functions.handler(env.lang, env.define, response={"issueTokens": True})
    done = env.start()
    assert "ChallengeName" not in done
    env.tokens_verify(done["AuthenticationResult"])
    assert env.functions.event(env.define) == env.define_event([])
    assert env.functions.events(env.create) == []
    assert env.functions.events(env.verify) == []


# -- SRP as the first step ---------------------------------------------------------------------
def srp_start(env: Env, helper: AWSSRP) -> tuple[dict[str, Any], dict[str, str]]:
    params = {**helper.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    return env.start(**params), params


def test_srp_then_custom_challenge(env: Env) -> None:
    helper = env.srp()
    first, params = srp_start(env, helper)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    challenge_params = first["ChallengeParameters"]
    assert set(challenge_params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert challenge_params["USER_ID_FOR_SRP"] == challenge_params["USERNAME"] == env.username
    assert env.functions.events(env.define) == [env.define_event([entry("SRP_A", True)])]
    assert env.functions.events(env.create) == []

    custom = env.cognito.respond_to_auth_challenge(
        ClientId=env.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(challenge_params, params),
        ClientMetadata={"step": "srp"},
    )
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert custom["ChallengeParameters"] == {"question": QUESTION, "USERNAME": env.username}
    session = [entry("SRP_A", True), entry("PASSWORD_VERIFIER", True)]
    assert env.functions.events(env.define)[1] == env.define_event(session, {"step": "srp"})
    assert env.functions.events(env.create) == [env.create_event(session, {"step": "srp"})]

    done = env.answer(custom, "5")
    env.tokens_verify(done["AuthenticationResult"])
    final = [*session, entry("CUSTOM_CHALLENGE", True, "CAPTCHA-1")]
    assert env.functions.events(env.define)[2] == env.define_event(final, {})


def test_srp_wrong_password_reaches_define(env: Env) -> None:
    helper = env.srp(password=OTHER)
    first, params = srp_start(env, helper)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    code_message = rejected(
        env.cognito.respond_to_auth_challenge,
        ClientId=env.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(first["ChallengeParameters"], params),
    )
    assert code_message == INCORRECT  # Define failed the sign-in
    session = [entry("SRP_A", True), entry("PASSWORD_VERIFIER", False)]
    assert env.functions.events(env.define)[1] == env.define_event(session, {})
    assert env.functions.events(env.create) == []


def test_email_username_pool_and_client_secret(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str
) -> None:
    """Signing in by email: the events and the challenge name the internal username, and the
    challenge response's SECRET_HASH is computed over it (reference §3.6, §3.7)."""
    env = Env(cognito, trigger_server, functions, lang, UsernameAttributes=["email"])
    client = make_client(cognito, env.pool_id, ExplicitAuthFlows=FLOWS, GenerateSecret=True)
    env.client_id = client["ClientId"]
    email = env.email
    assert env.username != email
    first = cognito.initiate_auth(
        ClientId=env.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": email, "SECRET_HASH": secret_hash(client, email)},
    )
    assert first["ChallengeParameters"] == {"question": QUESTION, "USERNAME": env.username}
    assert [e["userName"] for e in functions.events(env.define)] == [env.username]
    done = cognito.respond_to_auth_challenge(
        ClientId=env.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=first["Session"],
        ChallengeResponses={
            "USERNAME": env.username,
            "ANSWER": "5",
            "SECRET_HASH": secret_hash(client, env.username),
        },
    )
    env.tokens_verify(done["AuthenticationResult"])
    assert functions.events(env.verify)[0]["userName"] == env.username


# -- configuration and unknown users -----------------------------------------------------------
def test_without_define_trigger(env: Env) -> None:
    env.wire(
        CreateAuthChallenge=env.lambda_config["CreateAuthChallenge"],
        VerifyAuthChallengeResponse=env.lambda_config["VerifyAuthChallengeResponse"],
    )
    assert rejected(env.start) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )
    assert env.functions.events(env.create) == []


def test_without_create_or_verify_trigger(env: Env) -> None:
    """Define asks for a challenge the pool can't make or judge: the same error (our choice)."""
    not_configured = (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )
    env.wire(
        DefineAuthChallenge=env.lambda_config["DefineAuthChallenge"],
        VerifyAuthChallengeResponse=env.lambda_config["VerifyAuthChallengeResponse"],
    )
    assert rejected(env.start) == not_configured
    assert len(env.functions.events(env.define)) == 1
    env.wire(
        DefineAuthChallenge=env.lambda_config["DefineAuthChallenge"],
        CreateAuthChallenge=env.lambda_config["CreateAuthChallenge"],
    )
    assert rejected(env.answer, challenge=env.start(), answer="5") == not_configured
    assert len(env.functions.events(env.define)) == 2


def test_admin_flow(env: Env) -> None:
    """AdminInitiateAuth / AdminRespondToAuthChallenge: the same triggers, the client's id in
    callerContext, AdminRespondToAuthChallenge's ClientMetadata in the events."""
    first = env.cognito.admin_initiate_auth(
        UserPoolId=env.pool_id,
        ClientId=env.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": env.username},
        ClientMetadata={"phase": "initiate"},
    )
    assert first["ChallengeParameters"] == {"question": QUESTION, "USERNAME": env.username}
    done = env.cognito.admin_respond_to_auth_challenge(
        UserPoolId=env.pool_id,
        ClientId=env.client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": env.username, "ANSWER": "5"},
        ClientMetadata={"by": "admin"},
    )
    env.tokens_verify(done["AuthenticationResult"])
    assert env.functions.events(env.verify) == [env.verify_event("5", {"by": "admin"})]
    session = [entry("CUSTOM_CHALLENGE", True, "CAPTCHA-1")]
    assert env.functions.events(env.define) == [
        env.define_event([]),
        env.define_event(session, {"by": "admin"}),
    ]


def test_unknown_user(env: Env) -> None:
    not_found = ("UserNotFoundException", "User does not exist.")
    assert rejected(env.start, username="nobody") == not_found
    assert env.functions.events(env.define) == []

    env.client_id = make_client(
        env.cognito, env.pool_id, ExplicitAuthFlows=FLOWS, PreventUserExistenceErrors="ENABLED"
    )["ClientId"]
    ghost = {"user_name": "nobody", "user_attributes": {}, "not_found": True}
    challenge = env.start(username="nobody")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"question": QUESTION, "USERNAME": "nobody"}
    assert env.functions.events(env.define) == [env.define_event([], **ghost)]
    assert env.functions.events(env.create) == [env.create_event([], **ghost)]
    # Even the right answer can't sign in a user who doesn't exist.
    assert rejected(env.answer, challenge=challenge, answer="5") == INCORRECT
    assert env.functions.events(env.verify) == [env.verify_event("5", {}, **ghost)]
    session = [entry("CUSTOM_CHALLENGE", True, "CAPTCHA-1")]
    assert env.functions.events(env.define)[1] == env.define_event(session, {}, **ghost)


def test_unknown_user_srp_first(env: Env) -> None:
    env.client_id = make_client(
        env.cognito, env.pool_id, ExplicitAuthFlows=FLOWS, PreventUserExistenceErrors="ENABLED"
    )["ClientId"]
    helper = env.srp(username="nobody")
    first, params = srp_start(env, helper)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"  # simulated
    assert first["ChallengeParameters"]["USER_ID_FOR_SRP"] != "nobody"
    assert (
        rejected(
            env.cognito.respond_to_auth_challenge,
            ClientId=env.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=helper.process_challenge(first["ChallengeParameters"], params),
        )
        == INCORRECT
    )
    ghost = {"user_name": "nobody", "user_attributes": {}, "not_found": True}
    session = [entry("SRP_A", True), entry("PASSWORD_VERIFIER", False)]
    assert env.functions.events(env.define) == [
        env.define_event([entry("SRP_A", True)], **ghost),
        env.define_event(session, {}, **ghost),
    ]


# -- what the functions answer -------------------------------------------------------------------
def test_throwing_define(env: Env) -> None:
    env.functions.handler(env.lang, env.define, error="Sign-in is closed")
    assert rejected(env.start) == (
        "UserLambdaValidationException",
        "DefineAuthChallenge failed with error Sign-in is closed.",
    )
    assert env.functions.events(env.create) == []


def test_define_unrecognizable_answers(env: Env) -> None:
    for answer in ({"challengeName": "SMS_MFA"}, {"issueTokens": "yes"}):
        env.functions.handler(env.lang, env.define, response=answer)
        assert rejected(env.start) == UNRECOGNIZABLE
    assert env.functions.events(env.create) == []


def test_create_non_string_public_parameter(env: Env) -> None:
    env.functions.handler(
        env.lang,
        env.create,
        response={"publicChallengeParameters": {"question": 42}, "challengeMetadata": "X"},
    )
    assert rejected(env.start) == UNRECOGNIZABLE
    assert len(env.functions.events(env.create)) == 1


def test_throwing_verify(env: Env) -> None:
    challenge = env.start()
    env.functions.handler(env.lang, env.verify, error="No answers today")
    assert rejected(env.answer, challenge=challenge, answer="5") == (
        "UserLambdaValidationException",
        "VerifyAuthChallengeResponse failed with error No answers today.",
    )
    assert len(env.functions.events(env.define)) == 1


# -- remembered devices --------------------------------------------------------------------------
def test_new_device_then_device_srp_after_issue_tokens(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str
) -> None:
    env = Env(
        cognito,
        trigger_server,
        functions,
        lang,
        DeviceConfiguration={
            "ChallengeRequiredOnNewDevice": False,
            "DeviceOnlyRememberedOnUserPrompt": False,
        },
    )
    result = env.answer(env.start(), "5")["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    access = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert access["device_key"] == meta["DeviceKey"]
    password, config = generate_hash_device(meta["DeviceGroupKey"], meta["DeviceKey"])
    confirmed = cognito.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=meta["DeviceKey"],
        DeviceSecretVerifierConfig=config,
        DeviceName="laptop",
    )
    assert confirmed["UserConfirmationNecessary"] is False

    # Signing in with the remembered device: after issueTokens, one DEVICE_SRP_AUTH.
    challenge = env.start(DEVICE_KEY=meta["DeviceKey"])
    device_step = env.answer(challenge, "5")
    assert device_step["ChallengeName"] == "DEVICE_SRP_AUTH"
    helper = AWSSRP(
        username=env.username,
        password=STRONG,
        pool_id=env.pool_id,
        client_id=env.client_id,
        client=cognito,
        device_key=meta["DeviceKey"],
        device_group_key=meta["DeviceGroupKey"],
        device_password=password,
    )
    verifier = cognito.respond_to_auth_challenge(
        ClientId=env.client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=device_step["Session"],
        ChallengeResponses={
            "USERNAME": env.username,
            "DEVICE_KEY": meta["DeviceKey"],
            "SRP_A": long_to_hex(helper.large_a_value),
        },
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    done = cognito.respond_to_auth_challenge(
        ClientId=env.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_device_challenge(verifier["ChallengeParameters"]),
    )["AuthenticationResult"]
    assert "NewDeviceMetadata" not in done
    env.tokens_verify(done)
    access = jwt.decode(done["AccessToken"], options={"verify_signature": False})
    assert access["device_key"] == meta["DeviceKey"]
    assert len(functions.events(env.define)) == 4  # two per sign-in
