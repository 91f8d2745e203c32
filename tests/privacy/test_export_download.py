"""The export in the storefront: the account page's button, status and link; the signed link opens only for
its signed-in owner, only while it has not expired; and the nightly clock deletes expired exports."""

import datetime
import io
import zipfile
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from privacy.emails import build_data_export_email
from privacy.models import ConsentInterface, DataExport, ExportStatus
from privacy.services import download_token, request_export
from privacy.services.export import DATA_EXPORT_READY
from privacy.services.retention import apply_retention

pytestmark = pytest.mark.django_db

ACCOUNT_URL = "/account/privacy/"


def ready_export(user, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export, _created = request_export(user=user, interface=ConsentInterface.STOREFRONT)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    return export


def link(export: DataExport) -> str:
    return reverse("privacy:export-download", kwargs={"token": download_token(export=export)})


def test_the_account_page_requests_an_export_and_then_offers_its_download(client, user,
                                                                          django_capture_on_commit_callbacks):
    client.force_login(user)
    assert "Request a copy of my data" in client.get(ACCOUNT_URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(reverse("privacy:export-request"), follow=True).content.decode()

    assert "We are preparing a copy of your data" in requested and "is being prepared" in requested
    page = client.get(ACCOUNT_URL).content.decode()
    assert "is ready" in page and "Download my data (ZIP)" in page
    export = DataExport.objects.get(user=user)
    assert (export.status, export.interface) == (ExportStatus.READY, ConsentInterface.STOREFRONT)


def test_while_an_export_runs_the_page_says_so_and_a_second_click_starts_nothing(client, user):
    client.force_login(user)
    client.post(reverse("privacy:export-request"))  # not built: the task runs after a commit that never comes

    page = client.post(reverse("privacy:export-request"), follow=True).content.decode()

    assert "already being prepared" in page and "is being prepared" in page
    assert "Request a copy of my data" not in page
    assert DataExport.objects.filter(user=user).count() == 1


def test_the_owner_downloads_the_zip_through_the_signed_link(client, user, django_capture_on_commit_callbacks):
    export = ready_export(user, django_capture_on_commit_callbacks)
    client.force_login(user)

    response = client.get(link(export))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert {"export.json", "export.html"} <= set(archive.namelist())


def test_the_link_refuses_anyone_else_a_tampered_token_and_signed_out_visitors(
        client, user, other_user, django_capture_on_commit_callbacks):
    export = ready_export(user, django_capture_on_commit_callbacks)
    client.force_login(other_user)

    refused = client.get(link(export), follow=True)
    assert refused.redirect_chain[-1][0] == ACCOUNT_URL
    assert "This export link has expired or is not yours" in refused.content.decode()
    tampered = link(export).replace(f"/{export.pk}:", f"/{export.pk + 1}:")
    assert client.get(tampered).status_code == 302
    client.logout()
    assert reverse("accounts:login") in client.get(link(export))["Location"]


def test_the_link_stops_working_when_the_export_expires(client, user, django_capture_on_commit_callbacks):
    export = ready_export(user, django_capture_on_commit_callbacks)
    client.force_login(user)
    url = link(export)

    with mock.patch("django.utils.timezone.now", return_value=export.expires_at + datetime.timedelta(minutes=1)):
        response = client.get(url)

    assert response.status_code == 302 and response["Location"] == ACCOUNT_URL


def test_the_nightly_clock_deletes_exports_past_their_period(user, django_capture_on_commit_callbacks):
    export = ready_export(user, django_capture_on_commit_callbacks)
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    apply_retention(now=timezone.now() + datetime.timedelta(days=8))

    export.refresh_from_db()
    assert (export.status, export.file.name) == (ExportStatus.EXPIRED, "")
    assert not storage.exists(name)


def test_an_e_mail_sent_after_the_export_expired_offers_a_new_one_instead_of_a_dead_link(
        user, django_capture_on_commit_callbacks):
    export = ready_export(user, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(user=user, kind=DATA_EXPORT_READY)
    live = build_data_export_email(message=message).body
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")

    late = build_data_export_email(message=message).body

    assert "/account/privacy/export/" in live and "is ready" in live
    assert "/account/privacy/export/" not in late and "no longer available" in late and ACCOUNT_URL in late
