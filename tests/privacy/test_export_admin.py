"""Staff see each export's progress in the admin, read-only; the file never opens there."""

import pytest
from django.urls import reverse

from privacy.models import ConsentInterface, DataExport
from privacy.services import request_export
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_see_exports_read_only_without_the_file(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export, _created = request_export(user=user, interface=ConsentInterface.STOREFRONT)
    export.refresh_from_db()
    client.force_login(StaffFactory(permissions=["privacy.view_dataexport"]))

    listing = client.get(reverse("admin:privacy_dataexport_changelist")).content.decode()
    detail = client.get(reverse("admin:privacy_dataexport_change", args=[export.pk])).content.decode()

    assert user.email in listing and "Ready to download" in listing
    assert export.file.name not in detail and "export.zip" not in detail
    assert 'name="_save"' not in detail
    assert client.post(reverse("admin:privacy_dataexport_delete", args=[export.pk])).status_code == 403
    assert DataExport.objects.filter(pk=export.pk).exists()
