"""The staff queues are dispensing's in the admin, prescriptions and their file access log are
prescriptions'; their old addresses under orders and patients lead there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("queue", ["orderawaitingreview", "orderawaitingdispatch", "ordercannotsupply"])
def test_an_old_queue_address_redirects_to_the_queue_in_dispensing(client, queue):
    response = client.get(f"/admin/orders/{queue}/?flagged=yes")

    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:dispensing_{queue}_changelist") + "?flagged=yes"
    assert response["Location"].startswith(f"/admin/dispensing/{queue}/")


@pytest.mark.parametrize(("old", "name", "args"), [
    ("/admin/orders/prescription/", "admin:prescriptions_prescription_changelist", []),
    ("/admin/orders/prescription/7/change/", "admin:prescriptions_prescription_change", [7]),
    ("/admin/orders/prescription/7/file/", "admin:prescriptions_prescription_file", [7]),
    ("/admin/patients/prescriptionfileaccess/", "admin:prescriptions_prescriptionfileaccess_changelist", []),
])
def test_an_old_prescription_address_redirects_to_the_prescriptions_app(client, old, name, args):
    response = client.get(old + "?status=approved")

    assert response.status_code == 302
    assert response["Location"] == reverse(name, args=args) + "?status=approved"
