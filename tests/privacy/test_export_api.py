"""The export through the API: POST asks (202, or 200 with the running one), GET reads the latest with its
signed download link, and the link serves the ZIP to its owner alone, as problems otherwise."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from privacy.models import DataExport, ExportStatus
from tests.builders.api import assert_problem

pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/v1/me/data-export/"


def test_a_shopper_asks_reads_the_status_and_downloads_the_zip(shopper_client, user,
                                                                django_capture_on_commit_callbacks):
    assert_problem(shopper_client.get(EXPORT_URL), 404, "no_data_export")

    with django_capture_on_commit_callbacks(execute=True):
        asked = shopper_client.post(EXPORT_URL)

    assert asked.status_code == 202
    assert (asked.json()["status"], asked.json()["download_url"]) == ("pending", None)
    state = shopper_client.get(EXPORT_URL).json()
    export = DataExport.objects.get(user=user)
    assert (state["id"], state["status"], export.interface) == (export.pk, "ready", "api")
    assert state["size_bytes"] == export.size_bytes and state["expires_at"] is not None
    download = shopper_client.get(state["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert "export.json" in archive.namelist()


def test_a_second_request_while_one_runs_answers_200_with_the_running_one(shopper_client, user):
    first = shopper_client.post(EXPORT_URL)

    again = shopper_client.post(EXPORT_URL)

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert DataExport.objects.filter(user=user, status=ExportStatus.PENDING).count() == 1


def test_another_shoppers_link_is_a_404_problem_and_signed_out_a_401(shopper_client, other_user,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shopper_client.post(EXPORT_URL)
    link = shopper_client.get(EXPORT_URL).json()["download_url"]
    someone_else = APIClient()
    someone_else.force_authenticate(other_user)

    assert_problem(someone_else.get(link), 404, "export_not_available")
    assert_problem(shopper_client.get(link.replace("/download/", "/download/x")), 404, "export_not_available")
    assert APIClient().get(link).status_code == 401
    assert APIClient().post(EXPORT_URL).status_code == 401


def test_a_fourth_export_in_a_day_is_refused_and_a_failed_one_does_not_count(shopper_client, user):
    for status in [ExportStatus.READY, ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED]:
        DataExport.objects.create(user=user, interface="api", requested_at=timezone.now(), status=status)

    refused = shopper_client.post(EXPORT_URL)

    assert_problem(refused, 429, "export_limit_reached")
    assert DataExport.objects.filter(user=user).count() == 4
    DataExport.objects.filter(user=user, status=ExportStatus.EXPIRED).update(
        requested_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    assert shopper_client.post(EXPORT_URL).status_code == 202


def test_the_storefront_says_why_a_fourth_export_in_a_day_is_refused(client, user):
    now = timezone.now()
    for _ in range(3):
        DataExport.objects.create(user=user, interface="storefront", requested_at=now, status=ExportStatus.EXPIRED,
                                  built_at=now, expires_at=now)
    client.force_login(user)

    page = client.post("/account/privacy/export/", follow=True).content.decode()

    assert "several copies of your data today" in page
    assert DataExport.objects.filter(user=user).count() == 3
