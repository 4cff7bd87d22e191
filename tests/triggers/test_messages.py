"""CustomMessage (reference §4.4 "Custom message", §5): every trigger source, the exact event,
and the handler's text — its {####} (and {username}) filled in — as what reached the SMTP server
(``inbox``) or the SMS outbox; then the error paths. Handlers in Python and Node.js (``lang``),
servers over SQLite and PostgreSQL, boto3 over HTTP.

A custom email text needs the pool to send through SES as DEVELOPER (§4.4), hence ``DEVELOPER``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.auth_helpers import confirmed_user, flows_client, password_sign_in
from tests.server import Server
from tests.test_email_delivery import SES_IDENTITY, Inbox, html_of, text_of
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
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
NO_METADATA: dict[str, str] = {}


def phone() -> str:
    return "+1206" + f"{uuid.uuid4().int % 10_000_000:07d}"


def expected_event(
    source: str,
    pool_id: str,
    user_name: str,
    client_id: str | None,
    attributes: dict[str, str],
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The CustomMessage event Cognito sends (§4.2, §4.4)."""
    return {
        "version": "1",
        "triggerSource": f"CustomMessage_{source}",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": user_name,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
        },
        "request": {
            "userAttributes": attributes,
            "codeParameter": "{####}",
            "linkParameter": "{##Click Here##}",
            "usernameParameter": "{username}" if source == "AdminCreateUser" else None,
            **({"clientMetadata": metadata} if metadata else {}),
        },
        "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    }


def custom_pool(cognito: Any, arn: str, **kwargs: Any) -> str:
    """A pool with the CustomMessage trigger (and, unless told, DEVELOPER email, email codes)."""
    kwargs.setdefault("EmailConfiguration", DEVELOPER)
    kwargs.setdefault("AutoVerifiedAttributes", ["email"])
    return str(make_pool(cognito, LambdaConfig={"CustomMessage": arn}, **kwargs)["Id"])


def one_email(inbox: Inbox, to: str, subject: str, pattern: str) -> str:
    """The only email to ``to``: its subject, and its text matching ``pattern`` (with one group,
    the code), whose code is returned."""
    received = inbox.to(to)
    assert len(received) == 1, f"{len(received)} emails reached the SMTP server for {to}"
    assert received[0]["Subject"] == subject
    body = text_of(received[0]).strip()
    found = re.fullmatch(pattern, body)
    assert found, body
    return found.group(1)


def user_attributes(cognito: Any, pool_id: str, username: str) -> dict[str, str]:
    """What AdminGetUser shows, with the status the event carries."""
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    return {**attribute_map(user), "cognito:user_status": user["UserStatus"]}


# -- every source ------------------------------------------------------------------------------
def test_sign_up(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang,
        name,
        response={
            "emailSubject": "Welcome to Example",
            "emailMessage": "<p>Welcome! Your code is <b>{####}</b>.</p>",
        },
    )
    pool_id = custom_pool(cognito, arn)
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
        ClientMetadata={"campaign": "spring"},
    )
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert functions.event(name) == expected_event(
        "SignUp",
        pool_id,
        username,
        client["ClientId"],
        {"sub": answer["UserSub"], "email": email, "cognito:user_status": "UNCONFIRMED"},
        {"campaign": "spring"},
    )
    code = one_email(inbox, email, "Welcome to Example", r"Welcome! Your code is (\d{6})\.")
    assert f"<b>{code}</b>" in html_of(inbox.last(email))
    [recorded] = messages(trigger_server, email)
    assert recorded["Body"] == f"<p>Welcome! Your code is <b>{code}</b>.</p>"
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=username, ConfirmationCode=code)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == (
        "CONFIRMED"
    )


def test_sign_up_by_sms(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(lang, name, response={"smsMessage": "Example code: {####}"})
    pool_id = custom_pool(
        cognito, arn, AutoVerifiedAttributes=["phone_number"], SmsConfiguration=SMS_CONFIG
    )
    client = make_client(cognito, pool_id)
    username, number, email = unique(), phone(), address()
    answer = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(phone_number=number, email=email),
    )
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    event = functions.event(name)
    assert event["triggerSource"] == "CustomMessage_SignUp"
    assert event["request"]["userAttributes"]["phone_number"] == number
    assert "clientMetadata" not in event["request"]  # none sent
    [sms] = messages(trigger_server, number)
    assert sms["Medium"] == "SMS"
    found = re.fullmatch(r"Example code: (\d{6})", sms["Body"])
    assert found, sms["Body"]
    assert inbox.to(email) == []  # the phone alone gets the code (§5)
    cognito.confirm_sign_up(
        ClientId=client["ClientId"], Username=username, ConfirmationCode=found.group(1)
    )


def test_admin_create_user(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang,
        name,
        response={
            "emailSubject": "Your Example account",
            "emailMessage": "Hi {username}, sign in with {####} today",
        },
    )
    pool_id = custom_pool(cognito, arn)
    app = flows_client(cognito, pool_id)
    username, email = unique(), address()
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword="Temp0rary!Pw",
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=attrs(email=email),
        ClientMetadata={"by": "admin"},
    )["User"]
    sub = attribute_map(created)["sub"]
    assert functions.event(name) == expected_event(
        "AdminCreateUser",
        pool_id,
        username,
        None,
        {"sub": sub, "email": email, "cognito:user_status": "FORCE_CHANGE_PASSWORD"},
        {"by": "admin"},
    )
    password = one_email(
        inbox, email, "Your Example account", rf"Hi {username}, sign in with (\S+) today"
    )
    assert password == "Temp0rary!Pw"
    step = password_sign_in(cognito, app, username, password)
    assert step["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_admin_create_user_in_an_email_username_pool(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    """{username} is the name the invitation's own template shows: what the admin typed."""
    arn = functions.handler(
        lang, name, response={"emailMessage": "Sign in as {username} with {####}"}
    )
    pool_id = custom_pool(cognito, arn, UsernameAttributes=["email"])
    email = address()
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        TemporaryPassword="Temp0rary!Pw",
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    event = functions.event(name)
    assert event["userName"] == created["Username"] != email  # the generated username
    body = text_of(inbox.last(email)).strip()
    assert body == f"Sign in as {email} with Temp0rary!Pw"


def test_resend_code(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Again", "emailMessage": "New code: {####}"}
    )
    pool_id = custom_pool(cognito, arn)
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    sub = cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )["UserSub"]
    cognito.resend_confirmation_code(
        ClientId=client["ClientId"], Username=username, ClientMetadata={"again": "yes"}
    )
    first, second = functions.events(name)
    assert first["triggerSource"] == "CustomMessage_SignUp"
    assert second == expected_event(
        "ResendCode",
        pool_id,
        username,
        client["ClientId"],
        {"sub": sub, "email": email, "cognito:user_status": "UNCONFIRMED"},
        {"again": "yes"},
    )
    sent = inbox.to(email)
    assert [m["Subject"] for m in sent] == ["Again", "Again"]
    code = re.fullmatch(r"New code: (\d{6})", text_of(sent[-1]).strip())
    assert code, text_of(sent[-1])
    cognito.confirm_sign_up(
        ClientId=client["ClientId"], Username=username, ConfirmationCode=code.group(1)
    )


def test_forgot_password_and_admin_reset(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Reset", "emailMessage": "Reset code {####}."}
    )
    pool_id = custom_pool(cognito, arn)
    client = make_client(cognito, pool_id)
    email = address()
    username = confirmed_user(
        cognito, pool_id, attributes=attrs(email=email, email_verified="true")
    )
    before = user_attributes(cognito, pool_id, username)
    cognito.forgot_password(
        ClientId=client["ClientId"], Username=username, ClientMetadata={"reason": "forgot"}
    )
    assert functions.event(name) == expected_event(
        "ForgotPassword", pool_id, username, client["ClientId"], before, {"reason": "forgot"}
    )
    code = one_email(inbox, email, "Reset", r"Reset code (\d{6})\.")
    cognito.confirm_forgot_password(
        ClientId=client["ClientId"], Username=username, ConfirmationCode=code, Password=OTHER
    )

    cognito.admin_reset_user_password(
        UserPoolId=pool_id, Username=username, ClientMetadata={"reason": "admin"}
    )
    event = functions.events(name)[-1]
    # AdminResetUserPassword sends ForgotPassword's source, from the RESET_REQUIRED user (§5).
    assert event == expected_event(
        "ForgotPassword",
        pool_id,
        username,
        None,
        {**before, "cognito:user_status": "RESET_REQUIRED"},
        {"reason": "admin"},
    )
    sent = inbox.to(email)
    assert len(sent) == 2 and sent[-1]["Subject"] == "Reset"
    again = re.fullmatch(r"Reset code (\d{6})\.", text_of(sent[-1]).strip())
    assert again, text_of(sent[-1])
    cognito.confirm_forgot_password(
        ClientId=client["ClientId"],
        Username=username,
        ConfirmationCode=again.group(1),
        Password=STRONG,
    )
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == (
        "CONFIRMED"
    )


def test_update_user_attribute(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Check", "emailMessage": "Confirm with {####}"}
    )
    pool_id = custom_pool(cognito, arn)
    app = flows_client(cognito, pool_id)
    old = address()
    username = confirmed_user(cognito, pool_id, attributes=attrs(email=old, email_verified="true"))
    access = password_sign_in(cognito, app, username)["AuthenticationResult"]["AccessToken"]
    new = address()
    cognito.update_user_attributes(
        AccessToken=access, UserAttributes=attrs(email=new), ClientMetadata={"via": "self"}
    )
    assert functions.event(name) == expected_event(
        "UpdateUserAttribute",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        {"via": "self"},
    )
    assert functions.event(name)["request"]["userAttributes"]["email"] == new
    code = one_email(inbox, new, "Check", r"Confirm with (\d{6})")
    assert inbox.to(old) == []
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)

    newer = address()
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=attrs(email=newer),
        ClientMetadata={"via": "admin"},
    )
    event = functions.events(name)[-1]
    assert event == expected_event(
        "UpdateUserAttribute",
        pool_id,
        username,
        None,
        user_attributes(cognito, pool_id, username),
        {"via": "admin"},
    )
    code = one_email(inbox, newer, "Check", r"Confirm with (\d{6})")
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert attribute_map(cognito.get_user(AccessToken=access))["email_verified"] == "true"


def test_verify_user_attribute(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Verify", "emailMessage": "Your code: {####}"}
    )
    pool_id = custom_pool(cognito, arn)
    app = flows_client(cognito, pool_id)
    email = address()
    username = confirmed_user(cognito, pool_id, attributes=attrs(email=email))
    access = password_sign_in(cognito, app, username)["AuthenticationResult"]["AccessToken"]
    cognito.get_user_attribute_verification_code(
        AccessToken=access, AttributeName="email", ClientMetadata={"step": "verify"}
    )
    assert functions.event(name) == expected_event(
        "VerifyUserAttribute",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        {"step": "verify"},
    )
    code = one_email(inbox, email, "Verify", r"Your code: (\d{6})")
    cognito.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert attribute_map(cognito.get_user(AccessToken=access))["email_verified"] == "true"


def mfa_pool(cognito: Any, arn: str) -> str:
    """MFA OPTIONAL with SMS and email codes (DEVELOPER email, as email MFA needs)."""
    pool_id = custom_pool(cognito, arn, SmsConfiguration=SMS_CONFIG, AutoVerifiedAttributes=[])
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Pool code {####}",
            "SmsConfiguration": SMS_CONFIG,
        },
        EmailMfaConfiguration={"Message": "Pool email code {####}", "Subject": "Pool code"},
    )
    return pool_id


def test_authentication_sms_mfa(
    cognito: Any, trigger_server: Server, functions: Functions, lang: str, name: str
) -> None:
    arn = functions.handler(lang, name, response={"smsMessage": "Sign-in code {####} for Example"})
    pool_id = mfa_pool(cognito, arn)
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
        ClientMetadata={"at": "initiate"},
    )
    assert step["ChallengeName"] == "SMS_MFA"
    # (Admin)InitiateAuth's ClientMetadata goes only to pre sign-up, pre authentication and
    # migration (§4.4: "not from InitiateAuth").
    assert functions.event(name) == expected_event(
        "Authentication",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        NO_METADATA,
    )
    [sms] = messages(trigger_server, number)
    found = re.fullmatch(r"Sign-in code (\d{6}) for Example", sms["Body"])
    assert found, sms["Body"]
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=app["ClientId"],
        ChallengeName="SMS_MFA",
        Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "SMS_MFA_CODE": found.group(1)},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_authentication_email_otp_chosen_in_a_response(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Sign-in", "emailMessage": "Use {####} to sign in"}
    )
    pool_id = mfa_pool(cognito, arn)
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
    assert functions.events(name) == []
    chosen = cognito.respond_to_auth_challenge(
        ClientId=app["ClientId"],
        ChallengeName="SELECT_MFA_TYPE",
        Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": "EMAIL_OTP"},
        ClientMetadata={"at": "respond"},
    )
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    assert functions.event(name) == expected_event(
        "Authentication",
        pool_id,
        username,
        app["ClientId"],
        user_attributes(cognito, pool_id, username),
        {"at": "respond"},
    )
    code = one_email(inbox, email, "Sign-in", r"Use (\d{6}) to sign in")
    done = cognito.respond_to_auth_challenge(
        ClientId=app["ClientId"],
        ChallengeName="EMAIL_OTP",
        Session=chosen["Session"],
        ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_link_parameter(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    """In a CONFIRM_WITH_LINK pool the text may carry the link instead of the code."""
    arn = functions.handler(
        lang, name, response={"emailMessage": "Welcome aboard: {##Confirm your account##}"}
    )
    pool_id = custom_pool(
        cognito, arn, VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_LINK"}
    )
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    body = html_of(inbox.last(email))
    found = re.search(r'href="([^"]+)"[^>]*>Confirm your account</a>', body)
    assert found, body
    assert found.group(1).startswith(f"{trigger_server.url}/confirmUser?")
    assert f"user_name={username}" in found.group(1)
    assert re.search(r"confirmation_code=\d{6}", found.group(1))


# -- errors ------------------------------------------------------------------------------------
def test_text_without_the_code_is_rejected(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(lang, name, response={"emailMessage": "Welcome, no code here"})
    pool_id = custom_pool(cognito, arn)
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    assert (
        rejected(
            cognito.sign_up,
            ClientId=client["ClientId"],
            Username=username,
            Password=STRONG,
            UserAttributes=attrs(email=email),
        )
        == UNRECOGNIZABLE
    )
    assert len(functions.events(name)) == 1
    assert inbox.to(email) == [] and messages(trigger_server, email) == []
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )

    # An invitation also needs {username}.
    functions.handler(lang, name, response={"emailMessage": "Your password is {####}"})
    invited, invited_email = unique(), address()
    assert (
        rejected(
            cognito.admin_create_user,
            UserPoolId=pool_id,
            Username=invited,
            DesiredDeliveryMediums=["EMAIL"],
            UserAttributes=attrs(email=invited_email),
        )
        == UNRECOGNIZABLE
    )
    assert inbox.to(invited_email) == [] and messages(trigger_server, invited_email) == []
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=invited)[0] == (
        "UserNotFoundException"
    )

    # An SMS as well.
    functions.handler(lang, name, response={"smsMessage": "Welcome!"})
    sms_pool = custom_pool(
        cognito,
        arn,
        AutoVerifiedAttributes=["phone_number"],
        SmsConfiguration=SMS_CONFIG,
    )
    sms_client = make_client(cognito, sms_pool)
    number = phone()
    assert (
        rejected(
            cognito.sign_up,
            ClientId=sms_client["ClientId"],
            Username=unique(),
            Password=STRONG,
            UserAttributes=attrs(phone_number=number),
        )
        == UNRECOGNIZABLE
    )
    assert messages(trigger_server, number) == []
    # An SMS text over 140 characters, even with the code (§4.4).
    functions.handler(lang, name, response={"smsMessage": "{####} " + "x" * 134})
    assert (
        rejected(
            cognito.sign_up,
            ClientId=sms_client["ClientId"],
            Username=unique(),
            Password=STRONG,
            UserAttributes=attrs(phone_number=number),
        )
        == UNRECOGNIZABLE
    )
    assert messages(trigger_server, number) == []


def test_throwing_handler(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(lang, name, error="Templates are down")
    pool_id = custom_pool(cognito, arn)
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    assert rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    ) == ("UserLambdaValidationException", "CustomMessage failed with error Templates are down.")
    assert inbox.to(email) == [] and messages(trigger_server, email) == []
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )
    # The same for a code that isn't a sign-up's: the reset code isn't sent.
    other = address()
    confirmed = confirmed_user(
        cognito, pool_id, attributes=attrs(email=other, email_verified="true")
    )
    assert (
        rejected(cognito.forgot_password, ClientId=client["ClientId"], Username=confirmed)[0]
        == "UserLambdaValidationException"
    )
    assert inbox.to(other) == [] and messages(trigger_server, other) == []


def test_failing_attribute_message_changes_nothing(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    """UpdateUserAttributes / AdminUpdateUserAttributes whose code can't go out fail, and the
    address stays the verified one it was (docs/triggers.md: a failing CustomMessage trigger
    changes nothing); AdminCreateUser's RESEND keeps the temporary password that was sent."""
    arn = functions.handler(lang, name, response={"emailMessage": "Code {####}"})
    pool_id = custom_pool(cognito, arn)
    app = flows_client(cognito, pool_id)
    old = address()
    username = confirmed_user(cognito, pool_id, attributes=attrs(email=old, email_verified="true"))
    access = password_sign_in(cognito, app, username)["AuthenticationResult"]["AccessToken"]
    before = attribute_map(cognito.get_user(AccessToken=access))
    functions.handler(lang, name, error="Templates are down")
    new = address()
    assert rejected(
        cognito.update_user_attributes, AccessToken=access, UserAttributes=attrs(email=new)
    ) == ("UserLambdaValidationException", "CustomMessage failed with error Templates are down.")
    assert attribute_map(cognito.get_user(AccessToken=access)) == before
    assert (
        rejected(
            cognito.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=attrs(email=new),
        )[0]
        == "UserLambdaValidationException"
    )
    assert attribute_map(cognito.get_user(AccessToken=access)) == before
    assert inbox.to(new) == [] and messages(trigger_server, new) == []
    # The old address still signs in (an alias would too) and still receives codes.
    assert password_sign_in(cognito, app, username)["AuthenticationResult"]

    invited = unique()
    functions.handler(lang, name, response={"emailMessage": "Hi {username}: {####}"})
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=invited,
        TemporaryPassword="Temp0rary!Pw",
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=attrs(email=address()),
    )
    functions.handler(lang, name, error="Templates are down")
    assert (
        rejected(
            cognito.admin_create_user,
            UserPoolId=pool_id,
            Username=invited,
            MessageAction="RESEND",
            TemporaryPassword="An0ther!Temp",
            DesiredDeliveryMediums=["EMAIL"],
        )[0]
        == "UserLambdaValidationException"
    )
    step = password_sign_in(cognito, app, invited, "Temp0rary!Pw")
    assert step["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_email_text_needs_a_developer_pool(
    cognito: Any, trigger_server: Server, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    arn = functions.handler(
        lang, name, response={"emailSubject": "Hi", "emailMessage": "Code {####}"}
    )
    pool_id = custom_pool(
        cognito, arn, EmailConfiguration={"EmailSendingAccount": "COGNITO_DEFAULT"}
    )
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    code, _ = rejected(
        cognito.sign_up,
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    assert code == "InvalidLambdaResponseException"
    assert len(functions.events(name)) == 1
    assert inbox.to(email) == [] and messages(trigger_server, email) == []
    assert rejected(cognito.admin_get_user, UserPoolId=pool_id, Username=username)[0] == (
        "UserNotFoundException"
    )


def test_null_fields_keep_the_pools_template(
    cognito: Any, functions: Functions, inbox: Inbox, lang: str, name: str
) -> None:
    # An SMS text doesn't touch an email: the pool's template, even as COGNITO_DEFAULT.
    arn = functions.handler(lang, name, response={"smsMessage": "SMS only {####}"})
    pool_id = custom_pool(
        cognito, arn, EmailConfiguration={"EmailSendingAccount": "COGNITO_DEFAULT"}
    )
    client = make_client(cognito, pool_id)
    username, email = unique(), address()
    cognito.sign_up(
        ClientId=client["ClientId"],
        Username=username,
        Password=STRONG,
        UserAttributes=attrs(email=email),
    )
    assert len(functions.events(name)) == 1
    code = one_email(inbox, email, "Your verification code", r"Your verification code is (\d{6})\.")
    cognito.confirm_sign_up(ClientId=client["ClientId"], Username=username, ConfirmationCode=code)

    # A subject alone keeps the template's body; a body alone keeps the template's subject.
    functions.handler(lang, name, response={"emailSubject": "Only the subject"})
    developer_pool = custom_pool(cognito, arn)
    developer_client = make_client(cognito, developer_pool)
    first = address()
    cognito.sign_up(
        ClientId=developer_client["ClientId"],
        Username=unique(),
        Password=STRONG,
        UserAttributes=attrs(email=first),
    )
    one_email(inbox, first, "Only the subject", r"Your verification code is (\d{6})\.")
    functions.handler(lang, name, response={"emailMessage": "Only the body {####}"})
    second = address()
    cognito.sign_up(
        ClientId=developer_client["ClientId"],
        Username=unique(),
        Password=STRONG,
        UserAttributes=attrs(email=second),
    )
    one_email(inbox, second, "Your verification code", r"Only the body (\d{6})")
