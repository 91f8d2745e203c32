"""The erasure e-mails the outbox sends: the confirmation link and the erasure report. Content only; the
outbox sends and retries. Neither names the person nor holds health data: the report lists kinds of record."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.models import OutboxMessage

from .models import OPEN_ERASURE_STATUSES, ErasureRequest, ErasureStatus
from .services.erasure import ErasureMessageKind, confirmation_token

SUBJECTS = {
    ErasureMessageKind.CONFIRMATION: "Confirm the erasure of your {pharmacy_name} account",
    ErasureMessageKind.REPORT: "Your {pharmacy_name} account is erased: what we keep and why",
}
# The request each e-mail is about: the open one (the shopper's, or one staff entered from a letter), or the
# completed one whose report it carries.
STATUSES = {
    ErasureMessageKind.CONFIRMATION: OPEN_ERASURE_STATUSES,
    ErasureMessageKind.REPORT: [ErasureStatus.COMPLETED],
}


def erasure_link(request: ErasureRequest) -> str:
    path = reverse("privacy:erasure-confirm", kwargs={"token": confirmation_token(request)})
    return settings.SITE_URL.rstrip("/") + path


def build_erasure_email(*, message: OutboxMessage) -> EmailMessage:
    request = (
        ErasureRequest.objects.filter(user=message.user, status__in=STATUSES[message.kind]).order_by("-pk").first()
    )
    context = {
        "request": request,
        "report": request.report if request else {},
        "link": erasure_link(request) if request else "",
        "pharmacy_name": settings.PHARMACY_NAME,
        "pharmacy_email": settings.PHARMACY_CONTACT_EMAIL,
    }
    return EmailMessage(
        subject=SUBJECTS[message.kind].format(pharmacy_name=settings.PHARMACY_NAME),
        body=render_to_string(f"privacy/email/{message.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-Pharmacy-Message": f"{message.kind}:{message.pk}"},
    )
