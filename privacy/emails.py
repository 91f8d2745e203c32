"""The privacy app's e-mails, sent by the outbox (registered at PrivacyConfig.ready()). They carry a link,
never the data: the export's signed link is made when the message is sent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.models import OutboxMessage

from .models import DataExport, ExportStatus
from .services.export import download_token


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_data_export_email(*, message: OutboxMessage) -> EmailMessage:
    export = DataExport.objects.filter(user=message.user, status=ExportStatus.READY).order_by("-built_at").first()
    account_link = _absolute(reverse("privacy:account"))
    link = (_absolute(reverse("privacy:export-download", kwargs={"token": download_token(export=export)}))
            if export is not None else account_link)
    context = {
        "email": message.recipient,
        "link": link,
        "expires_at": export.expires_at if export is not None else None,
        "account_link": account_link,
        "pharmacy_name": settings.PHARMACY_NAME,
        "pharmacy_email": settings.PHARMACY_CONTACT_EMAIL,
    }
    return EmailMessage(
        subject=f"Your data from {settings.PHARMACY_NAME} is ready to download",
        body=render_to_string("privacy/email/data_export_ready.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-Pharmacy-Message": f"{message.kind}:{message.pk}"},
    )
