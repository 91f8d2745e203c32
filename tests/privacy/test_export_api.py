"""The export through the API: POST asks (202, or 200 with the running one), GET reads the latest with its
signed download link, and the link serves the ZIP to its owner alone, as problems otherwise."""

import io
import zipfile

import pytest
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
