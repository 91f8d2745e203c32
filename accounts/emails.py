"""The account e-mails the outbox sends (verification, password reset, sign-up attempt). Content only:
the outbox (notifications.services) sends and retries, with `build_account_email`, registered for every
AccountMessageKind at AccountsConfig.ready(). Links are built here, at send time."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.models import OutboxMessage

from .models import AccountMessageKind
from .tokens import email_verification_tokens, encode_uid, password_reset_tokens

SUBJECTS = {
    AccountMessageKind.EMAIL_VERIFICATION: "Confirm your e-mail address at {pharmacy_name}",
    AccountMessageKind.PASSWORD_RESET: "Reset your password at {pharmacy_name}",
    AccountMessageKind.SIGN_UP_ATTEMPT: "You already have an account at {pharmacy_name}",
}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def account_links(*, user, kind: str) -> dict:
    uid = encode_uid(user)
    if kind == AccountMessageKind.EMAIL_VERIFICATION:
        token = email_verification_tokens.make_token(user)
        return {"link": _absolute(reverse("accounts:verify-email-confirm", kwargs={"uidb64": uid, "token": token})),
                "uid": uid, "token": token}
    if kind == AccountMessageKind.PASSWORD_RESET:
        token = password_reset_tokens.make_token(user)
        return {"link": _absolute(reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})),
                "uid": uid, "token": token}
    return {"sign_in_link": _absolute(reverse("accounts:login")),
            "reset_link": _absolute(reverse("accounts:password-reset"))}


def build_account_email(*, message: OutboxMessage) -> EmailMessage:
    user = message.user
    context = {
        "user": user,
        "email": message.recipient,
        **account_links(user=user, kind=message.kind),
        "pharmacy_name": settings.PHARMACY_NAME,
        "pharmacy_email": settings.PHARMACY_CONTACT_EMAIL,
    }
    return EmailMessage(
        subject=SUBJECTS[message.kind].format(pharmacy_name=settings.PHARMACY_NAME),
        body=render_to_string(f"accounts/email/{message.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-Pharmacy-Message": f"{message.kind}:{message.pk}"},
    )
