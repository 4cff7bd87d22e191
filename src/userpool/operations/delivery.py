"""Sending Cognito's messages: the pool's templates, the outbox, and the email/SMS senders.

Every message is handed to its sender, then written to the outbox with the outcome (in its own
short transaction, never inside the caller's); a sender's failure is recorded as ``failed`` and
raises ``CodeDeliveryFailureException``. No database transaction is ever held across the await.
"""

from __future__ import annotations

from typing import Any

from userpool.domain import masking
from userpool.domain.errors import CodeDeliveryFailure
from userpool.messaging import templates
from userpool.messaging.message import DeliveryError, EmailSender, Message, SmsSender, deliver
from userpool.store import Store

EMAIL, SMS = "EMAIL", "SMS"


class Postman:
    def __init__(self, store: Store, email: EmailSender, sms: SmsSender) -> None:
        self.store, self.email, self.sms = store, email, sms

    async def send(self, message: Message, now: float) -> None:
        """Hand ``message`` to its sender, then record it in the outbox with the outcome (one
        short transaction, after the send: none is held across the await)."""
        status, failure = "sent", None
        try:
            await deliver(message, email=self.email, sms=self.sms)
        except DeliveryError as exc:
            status, failure = "failed", exc
        with self.store.transaction() as tx:
            tx.users.add_message(
                {
                    "pool_id": message.pool_id,
                    "medium": message.medium,
                    "destination": message.to,
                    "subject": message.subject,
                    "body": message.body,
                    "purpose": message.purpose,
                    "status": status,
                    "sent_at": now,
                }
            )
        if failure is not None:
            raise CodeDeliveryFailure(f"Unable to deliver the message: {failure}") from None


def delivery_details(medium: str, destination: str) -> dict[str, str]:
    """CodeDeliveryDetailsType, with AWS's masked destination."""
    if medium == EMAIL:
        return {
            "Destination": masking.mask_email(destination),
            "DeliveryMedium": EMAIL,
            "AttributeName": "email",
        }
    return {
        "Destination": masking.mask_phone(destination),
        "DeliveryMedium": SMS,
        "AttributeName": "phone_number",
    }


def _email(pool: dict[str, Any], to: str, subject: str, body: str, purpose: str) -> Message:
    sender, reply_to = templates.email_sender_for(pool)
    return Message(
        medium=EMAIL,
        to=to,
        body=body,
        subject=subject,
        sender=sender,
        reply_to=reply_to,
        pool_id=pool["Id"],
        purpose=purpose,
    )


def verification_message(
    pool: dict[str, Any],
    medium: str,
    to: str,
    code: str,
    *,
    purpose: str,
    username: str,
    client_id: str | None,
    link_base: str,
) -> Message:
    """A code (or, by the pool's DefaultEmailOption, a confirmation link) for SignUp,
    ResendConfirmationCode, attribute verification and ForgotPassword."""
    template = pool.get("VerificationMessageTemplate") or {}
    if medium == SMS:
        body = templates.render(
            template.get("SmsMessage") or pool["SmsVerificationMessage"], code=code
        )
        return Message(medium=SMS, to=to, body=body, pool_id=pool["Id"], purpose=purpose)
    by_link = (
        template.get("DefaultEmailOption") == "CONFIRM_WITH_LINK"
        and purpose in ("SignUp", "ResendCode")
        and client_id is not None
    )
    if by_link:
        link = templates.confirm_user_link(
            link_base, client_id=client_id or "", username=username, code=code
        )
        body = templates.render(template["EmailMessageByLink"], link=link)
        return _email(pool, to, template["EmailSubjectByLink"], body, purpose)
    body = templates.render(
        template.get("EmailMessage") or pool["EmailVerificationMessage"], code=code
    )
    subject = template.get("EmailSubject") or pool["EmailVerificationSubject"]
    return _email(pool, to, subject, body, purpose)


def invitation_message(
    pool: dict[str, Any], medium: str, to: str, *, username: str, password: str
) -> Message:
    """AdminCreateUser's invitation: InviteMessageTemplate with {username} and {####}."""
    invite = (pool.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    if medium == SMS:
        body = templates.render(invite["SMSMessage"], code=password, username=username)
        return Message(medium=SMS, to=to, body=body, pool_id=pool["Id"], purpose="AdminCreateUser")
    body = templates.render(invite["EmailMessage"], code=password, username=username)
    return _email(pool, to, invite["EmailSubject"], body, "AdminCreateUser")
