"""CustomEmailSender / CustomSMSSender (reference §1.5, §4.4 "Custom sender"): for every source,
the asynchronous event (no ``response``; ``request.type``, ``code``, ``clientMetadata`` only for
SignUp / ForgotPassword / Authentication, ``userAttributes``), and — the acceptance criterion —
the handler itself decrypting ``code`` with the AWS Encryption SDK exactly as AWS's examples do
(Python ``StrictAwsKmsMasterKeyProvider``, Node.js ``KmsKeyringNode``, both with
REQUIRE_ENCRYPT_ALLOW_DECRYPT) against a real KMS (moto's server): the plaintext it gets is the
code that then confirms the sign-up, resets the password, verifies the attribute or answers the
MFA challenge. With a sender configured, userpool sends nothing of that medium itself.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.auth_helpers import confirmed_user, flows_client, password_sign_in
from tests.server import Server
from tests.test_email_delivery import SES_IDENTITY, Inbox
from tests.triggers.functions import Functions, make_pool
from tests.user_helpers import (
    OTHER,
    STRONG,
    address,
    attribute_map,
    attrs,
    make_client,
    messages,
    rejected,
    unique,
)

DEVELOPER = {"EmailSendingAccount": "DEVELOPER", "SourceArn": SES_IDENTITY}
SMS_CONFIG = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms-role", "ExternalId": "ext-1"}
CLIENT_NODE = "@aws-crypto/client-node@5.0.2"
ABSENT = object()  # an event field that must not be there

# AWS's Python example for a custom sender function (Encryption SDK, decrypt only), recording
# the plaintext beside the handler's events.jsonl. ``{key}``: the pool's KMS key ARN.
PYTHON_DECRYPT = """
import base64
import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy
client = aws_encryption_sdk.EncryptionSDKClient(
    commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
)
kms_key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[{key!r}])
encrypted_code = base64.b64decode(event['request']['code'])
plaintext, header = client.decrypt(source=encrypted_code, key_provider=kms_key_provider)
record = {{
    'source': event['triggerSource'],
    'code': plaintext.decode('utf-8'),
    'context': dict(header.encryption_context),
}}
with open(os.path.join(os.path.dirname(EVENTS), 'codes.jsonl'), 'a') as fh:
    fh.write(json.dumps(record) + '\\n')
return
"""

# AWS's Node.js example (@aws-crypto/client-node), the same record.
NODE_DECRYPT = """
const {{ KmsKeyringNode, buildClient, CommitmentPolicy }} = await import('@aws-crypto/client-node');
const {{ decrypt }} = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new KmsKeyringNode({{ keyIds: [{key}] }});
const {{ plaintext, messageHeader }} = await decrypt(
  keyring, Buffer.from(event.request.code, 'base64'));
const record = {{
  source: event.triggerSource,
  code: plaintext.toString('utf8'),
  context: messageHeader.encryptionContext,
}};
appendFileSync(join(dirname(EVENTS), 'codes.jsonl'), JSON.stringify(record) + '\\n');
return;
"""


@pytest.fixture(scope="session")
def client_node(functions: Functions) -> Path:
    """@aws-crypto/client-node in ``<functions root>/node_modules``, where every Node.js
    handler below it resolves it from."""
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(functions.root), CLIENT_NODE],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"npm install {CLIENT_NODE} failed: {done.stdout}\n{done.stderr}")
    installed = functions.root / "node_modules" / "@aws-crypto" / "client-node"
    assert installed.is_dir(), done.stdout
    return installed


@pytest.fixture
def sender(request: pytest.FixtureRequest, functions: Functions, lang: str, kms_key: str) -> Any:
    """``sender(name)``: write a decrypting custom sender handler in ``lang``; its ARN."""
    if lang == "node":
        request.getfixturevalue("client_node")

    def write(name: str) -> str:
        if lang == "python":
            return functions.handler(lang, name, code=PYTHON_DECRYPT.format(key=kms_key))
        return functions.handler(lang, name, code=NODE_DECRYPT.format(key=json.dumps(kms_key)))

    return write


def decrypted(functions: Functions, name: str, count: int = 1, timeout: float = 20) -> list[Any]:
    """What the handler decrypted, once ``count`` invocations have (they are asynchronous)."""
    path = functions.root / name / "codes.jsonl"
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count:
            return [json.loads(line) for line in lines]
        if time.monotonic() > deadline:
            events = functions.events(name)
            raise AssertionError(f"{name} decrypted {len(lines)} codes of {count}; events {events}")
        time.sleep(0.05)


def the_code(functions: Functions, name: str, pool_id: str, source: str, count: int = 1) -> str:
    """The plaintext of the latest code of ``source`` once ``count`` codes were decrypted
    (asynchronous invocations may finish in any order), checking its encryption context."""
    records = [r for r in decrypted(functions, name, count) if r["source"] == source]
    assert records, f"no {source} code among {decrypted(functions, name, count)}"
    record = records[-1]
    assert record["context"]["userpool-id"] == pool_id
    assert "aws-crypto-public-key" in record["context"]  # the signed suite Cognito uses
    return str(record["code"])


def sender_config(kms_key: str, email: str | None = None, sms: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"KMSKeyID": kms_key}
    if email:
        config["CustomEmailSender"] = {"LambdaVersion": "V1_0", "LambdaArn": email}
    if sms:
        config["CustomSMSSender"] = {"LambdaVersion": "V1_0", "LambdaArn": sms}
    return config


def expected_event(
    trigger: str,
    source: str,
    pool_id: str,
    user_name: str,
    client_id: str | None,
    attributes: dict[str, str],
    code: str,
    metadata: Any = ABSENT,
) -> dict[str, Any]:
    """The custom sender event (§4.2, §4.4): no ``response``."""
    kind = (
        "customEmailSenderRequestV1"
        if trigger == "CustomEmailSender"
        else ("customSMSSenderRequestV1")
    )
    request: dict[str, Any] = {"type": kind, "code": code, "userAttributes": attributes}
    if metadata is not ABSENT and metadata:  # absent when the call sent none
        request["clientMetadata"] = metadata
    return {
        "version": "1",
        "triggerSource": f"{trigger}_{source}",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": user_name,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
        },
        "request": request,
    }


def encrypted(event: dict[str, Any]) -> str:
    """``request.code``: the base64 of an Encryption SDK message as Cognito sends it."""
    code = event["request"]["code"]
    raw = base64.b64decode(code, validate=True)
    assert code.startswith("AYAD") and int.from_bytes(raw[2:4], "big") == 0x0378
    return str(code)


def user_attributes(cognito: Any, pool_id: str, username: str) -> dict[str, str]:
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    return {**attribute_map(user), "cognito:user_status": user["UserStatus"]}


def phone() -> str:
    return "+1206" + f"{uuid.uuid4().int % 10_000_000:07d}"


def nothing_sent(server: Server, inbox: Inbox, *destinations: str) -> None:
    for destination in destinations:
        assert inbox.to(destination) == [], f"an email reached the SMTP server for {destination}"
        assert messages(server, destination) == [], f"the outbox holds a message to {destination}"


# -- every source ------------------------------------------------------------------------------
def test_sign_up_by_email(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    lang: str,
    name: str,
) -> None:
    arn = sender(name)
    # A CustomMessage trigger too: the sender takes the message over, CustomMessage isn't run.
    message_fn = f"{name}-message"
    message_arn = functions.handler(lang, message_fn, response={"emailMessage": "x {####}"})
    config = {**sender_config(kms_key, email=arn), "CustomMessage": message_arn}
    pool_id = make_pool(
        cognito,
        AutoVerifiedAttributes=["email"],
        EmailConfiguration=DEVELOPER,
        LambdaConfig=config,
    )["Id"]
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
        ClientMetadata={"campaign": "spring"},
    )
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomEmailSender",
        "SignUp",
        pool_id,
        username,
        client["ClientId"],
        {"sub": answer["UserSub"], "email": email, "cognito:user_status": "UNCONFIRMED"},
        encrypted(event),
        {"campaign": "spring"},
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_SignUp")
    assert code.isdigit() and len(code) == 6
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=username, ConfirmationCode=code)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == (
        "CONFIRMED"
    )
    nothing_sent(trigger_server, inbox, email)
    assert functions.events(message_fn) == []


def test_sign_up_by_sms(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = make_pool(
        cognito,
        AutoVerifiedAttributes=["email", "phone_number"],
        SmsConfiguration=SMS_CONFIG,
        LambdaConfig=sender_config(kms_key, sms=arn),
    )["Id"]
    client = make_client(cognito, pool_id)
    username, number = unique(), phone()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(phone_number=number),
        ClientMetadata={"channel": "sms"},
    )
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomSMSSender",
        "SignUp",
        pool_id,
        username,
        client["ClientId"],
        {"sub": answer["UserSub"], "phone_number": number, "cognito:user_status": "UNCONFIRMED"},
        encrypted(event),
        {"channel": "sms"},
    )
    code = the_code(functions, name, pool_id, "CustomSMSSender_SignUp")
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=username, ConfirmationCode=code)
    nothing_sent(trigger_server, inbox, number)

    # Only SMS is taken over: an email code still goes out through SMTP.
    other, email = unique(), address()
    cognito.sign_up(
        ClientId=client["ClientId"],
        Username=other,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    assert inbox.last(email)["Subject"] == "Your verification code"
    assert len(functions.events(name)) == 1


def test_forgot_password_and_admin_reset(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = make_pool(cognito, LambdaConfig=sender_config(kms_key, email=arn))["Id"]
    client = make_client(cognito, pool_id)
    email = address()
    username = confirmed_user(
        cognito, pool_id, attributes=attrs(email=email, email_verified="true")
    )
    shown = user_attributes(cognito, pool_id, username)
    details = cognito.forgot_password(
        ClientId=client["ClientId"], Username=username, ClientMetadata={"reason": "forgot"}
    )["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomEmailSender",
        "ForgotPassword",
        pool_id,
        username,
        client["ClientId"],
        shown,
        encrypted(event),
        {"reason": "forgot"},
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_ForgotPassword")
    cognito.confirm_forgot_password(
        ClientId=client["ClientId"], Username=username, ConfirmationCode=code, Password=OTHER
    )
    assert password_sign_in(cognito, flows_client(cognito, pool_id), username, OTHER)[
        "AuthenticationResult"
    ]

    cognito.admin_reset_user_password(
        UserPoolId=pool_id, Username=username, ClientMetadata={"reason": "admin"}
    )
    event = functions.wait_events(name, 2)[1]
    assert event == expected_event(
        "CustomEmailSender",
        "ForgotPassword",
        pool_id,
        username,
        None,
        {**shown, "cognito:user_status": "RESET_REQUIRED"},
        encrypted(event),
        {"reason": "admin"},
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_ForgotPassword", 2)
    cognito.confirm_forgot_password(
        ClientId=client["ClientId"], Username=username, ConfirmationCode=code, Password=STRONG
    )
    nothing_sent(trigger_server, inbox, email)


def test_admin_create_user(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    """The temporary password is the secret, HTML-escaped as Cognito does (§4.4)."""
    arn = sender(name)
    pool_id = make_pool(cognito, LambdaConfig=sender_config(kms_key, email=arn))["Id"]
    app = flows_client(cognito, pool_id)
    username, email = unique(), address()
    password = "Tmp<0>ry&Pw1"
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=password,
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=attrs(email=email),
        ClientMetadata={"by": "admin"},  # not for this source (§4.4)
    )["User"]
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomEmailSender",
        "AdminCreateUser",
        pool_id,
        username,
        None,
        {
            "sub": attribute_map(created)["sub"],
            "email": email,
            "cognito:user_status": "FORCE_CHANGE_PASSWORD",
        },
        encrypted(event),
    )
    secret = the_code(functions, name, pool_id, "CustomEmailSender_AdminCreateUser")
    assert secret == "Tmp&lt;0&gt;ry&amp;Pw1"
    step = password_sign_in(cognito, app, username, password)
    assert step["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    nothing_sent(trigger_server, inbox, email)


def test_resend_code(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = make_pool(
        cognito, AutoVerifiedAttributes=["email"], LambdaConfig=sender_config(kms_key, email=arn)
    )["Id"]
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    sub = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )["UserSub"]
    assert the_code(functions, name, pool_id, "CustomEmailSender_SignUp").isdigit()
    cognito.resend_confirmation_code(
        ClientId=client["ClientId"], Username=username, ClientMetadata={"again": "yes"}
    )
    event = functions.wait_events(name, 2)[1]
    assert event == expected_event(
        "CustomEmailSender",
        "ResendCode",
        pool_id,
        username,
        client["ClientId"],
        {"sub": sub, "email": email, "cognito:user_status": "UNCONFIRMED"},
        encrypted(event),
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_ResendCode", 2)
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=username, ConfirmationCode=code)
    nothing_sent(trigger_server, inbox, email)


def test_update_and_verify_user_attribute(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = make_pool(
        cognito, AutoVerifiedAttributes=["email"], LambdaConfig=sender_config(kms_key, email=arn)
    )["Id"]
    app = flows_client(cognito, pool_id)
    old = address()
    username = confirmed_user(cognito, pool_id, attributes=attrs(email=old, email_verified="true"))
    access = password_sign_in(cognito, app, username)["AuthenticationResult"]["AccessToken"]
    new = address()
    answer = cognito.update_user_attributes(
        AccessToken=access, UserAttributes=attrs(email=new), ClientMetadata={"via": "self"}
    )
    assert [d["DeliveryMedium"] for d in answer["CodeDeliveryDetailsList"]] == ["EMAIL"]
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomEmailSender",
        "UpdateUserAttribute",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        encrypted(event),
    )
    assert event["request"]["userAttributes"]["email"] == new
    code = the_code(functions, name, pool_id, "CustomEmailSender_UpdateUserAttribute")
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)

    cognito.get_user_attribute_verification_code(
        AccessToken=access, AttributeName="email", ClientMetadata={"step": "verify"}
    )
    event = functions.wait_events(name, 2)[1]
    assert event == expected_event(
        "CustomEmailSender",
        "VerifyUserAttribute",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        encrypted(event),
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_VerifyUserAttribute", 2)
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert attribute_map(cognito.get_user(AccessToken=access))["email_verified"] == "true"
    nothing_sent(trigger_server, inbox, old, new)


def mfa_pool(cognito: Any, config: dict[str, Any]) -> str:
    pool_id = str(
        make_pool(
            cognito,
            EmailConfiguration=DEVELOPER,
            SmsConfiguration=SMS_CONFIG,
            LambdaConfig=config,
        )["Id"]
    )
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Code {####}",
            "SmsConfiguration": SMS_CONFIG,
        },
        EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"},
    )
    return pool_id


def test_authentication_sms_mfa(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = mfa_pool(cognito, sender_config(kms_key, sms=arn))
    app = flows_client(cognito, pool_id)
    number = phone()
    username = confirmed_user(
        cognito, pool_id, attributes=attrs(phone_number=number, phone_number_verified="true")
    )
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=username,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    step = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=app["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": STRONG},
        ClientMetadata={"at": "initiate"},  # InitiateAuth's reaches no message trigger
    )
    assert step["ChallengeName"] == "SMS_MFA"
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomSMSSender",
        "Authentication",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        encrypted(event),
        {},
    )
    code = the_code(functions, name, pool_id, "CustomSMSSender_Authentication")
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=app["ClientId"],
        ChallengeName="SMS_MFA",
        Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "SMS_MFA_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    nothing_sent(trigger_server, inbox, number)


def test_authentication_email_otp(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    sender: Any,
    kms_key: str,
    name: str,
) -> None:
    arn = sender(name)
    pool_id = mfa_pool(cognito, sender_config(kms_key, email=arn))
    app = flows_client(cognito, pool_id)
    email, number = address(), phone()
    username = confirmed_user(
        cognito,
        pool_id,
        attributes=attrs(
            email=email, email_verified="true", phone_number=number, phone_number_verified="true"
        ),
    )
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=username,
        SMSMfaSettings={"Enabled": True},
        EmailMfaSettings={"Enabled": True},
    )
    step = password_sign_in(cognito, app, username)
    assert step["ChallengeName"] == "SELECT_MFA_TYPE"
    chosen = cognito.respond_to_auth_challenge(
        ClientId=app["ClientId"],
        ChallengeName="SELECT_MFA_TYPE",
        Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": "EMAIL_OTP"},
        ClientMetadata={"at": "respond"},
    )
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    [event] = functions.wait_events(name)
    assert event == expected_event(
        "CustomEmailSender",
        "Authentication",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        encrypted(event),
        {"at": "respond"},
    )
    code = the_code(functions, name, pool_id, "CustomEmailSender_Authentication")
    done = cognito.respond_to_auth_challenge(
        ClientId=app["ClientId"],
        ChallengeName="EMAIL_OTP",
        Session=chosen["Session"],
        ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    nothing_sent(trigger_server, inbox, email, number)


# -- failures ----------------------------------------------------------------------------------
def test_a_failing_sender_is_not_answered(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    kms_key: str,
    lang: str,
    name: str,
) -> None:
    """Asynchronous: the function's error is logged, the sign-up stands, nothing is sent."""
    arn = functions.handler(lang, name, error="Mail provider down")
    pool_id = make_pool(
        cognito, AutoVerifiedAttributes=["email"], LambdaConfig=sender_config(kms_key, email=arn)
    )["Id"]
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    [event] = functions.wait_events(name)
    assert event["triggerSource"] == "CustomEmailSender_SignUp"
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == (
        "UNCONFIRMED"
    )
    nothing_sent(trigger_server, inbox, email)


def test_unknown_kms_key(
    cognito: Any,
    trigger_server: Server,
    functions: Functions,
    inbox: Inbox,
    kms_key: str,
    lang: str,
    name: str,
) -> None:
    """A key KMS doesn't know: no secret can be sealed, so the operation fails as an
    invocation failure (UnexpectedLambdaException), nothing is sent, no user is left."""
    arn = functions.handler(lang, name)
    missing = kms_key.rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
    pool_id = make_pool(
        cognito, AutoVerifiedAttributes=["email"], LambdaConfig=sender_config(missing, email=arn)
    )["Id"]
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    code, message = rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    assert code == "UnexpectedLambdaException"
    assert message.startswith("CustomEmailSender invocation failed due to error ")
    assert missing in message and "NotFoundException" in message
    assert message.endswith(".")
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )
    invited, invited_email = unique(), address()
    assert (
        rejected(
            cognito.admin_create_user,
            UserPoolId=pool_id,
            Username=invited,
            DesiredDeliveryMediums=["EMAIL"],
            UserAttributes=attrs(email=invited_email),
        )[0]
        == "UnexpectedLambdaException"
    )
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=invited)[0] == (
        "UserNotFoundException"
    )
    time.sleep(0.2)  # an (erroneous) asynchronous invocation would have arrived by now
    assert functions.events(name) == []
    nothing_sent(trigger_server, inbox, email, invited_email)
