"""The health record is private: another shopper gets a 404 (storefront and API); staff see it only as
pharmacists or with patients.view_health_record; every staff view is logged in an immutable row."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from checkout.services import place_order
from patients.details import PatientDetails
from patients.models import AccessChannel, HealthRecordAccess
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import child_record
from tests.factories import StaffFactory
from tests.otp import verified_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(user):
    return child_record(user, other_medicines_text="A brown inhaler")


@pytest.fixture
def order(user, record, pom_pack, gsl_pack):
    """Sam's order awaiting review, after an earlier general-sale supply to Sam."""
    place_order(user=user, cart=cart_with(user, (gsl_pack, 2)), details=details(), idempotency_key="earlier",
                patient=PatientDetails(record_id=record.pk))
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="now",
                       prescription=uploaded_prescription(user), patient=PatientDetails(record_id=record.pk))


@pytest.fixture
def records_viewer(db):
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_health_record"))
    return staff


def staff_api(user) -> APIClient:
    client = APIClient()
    token, _ = verified_token(user)
    client.force_authenticate(user, token=token)
    return client


# --- Shoppers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_another_shoppers_record_is_a_404_in_the_api(api_client, other_user, record, method):
    api_client.force_authenticate(other_user)
    body = {"name": "Taken over"} if method == "put" else None
    response = getattr(api_client, method)(f"/api/v1/patients/{record.pk}/", body, format="json")
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.name == "Sam Carer"


def test_the_api_list_holds_only_the_shoppers_own_records(api_client, other_user, record):
    api_client.force_authenticate(other_user)
    names = [item["name"] for item in api_client.get("/api/v1/patients/").json()]
    assert "Sam Carer" not in names and len(names) == 1


def test_records_need_a_signed_in_shopper(api_client, record):
    assert api_client.get("/api/v1/patients/").status_code in (401, 403)


@pytest.mark.parametrize("name", ["patients:record-edit", "patients:record-remove"])
def test_another_shoppers_record_is_a_404_on_the_storefront(client, other_user, record, name):
    client.force_login(other_user)
    assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse(name, args=[record.pk]), {"name": "Taken over"}).status_code == 404
    record.refresh_from_db()
    assert record.name == "Sam Carer"


# --- Staff --------------------------------------------------------------------------------------------


def test_a_pharmacist_opens_a_record_in_the_admin_and_the_view_is_logged(client, pharmacist, record):
    client.force_login(pharmacist)
    response = client.get(reverse("admin:patients_patient_change", args=[record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A brown inhaler" in html and "Asthma" in html and "Penicillins (such as amoxicillin)" in html
    access = HealthRecordAccess.objects.get()
    assert (access.staff, access.patient, access.patient_reference, access.channel) == (
        pharmacist, record, record.pk, AccessChannel.ADMIN_RECORD)


def test_staff_without_the_permission_are_refused_and_nothing_is_logged(client, record):
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:patients_patient_change", args=[record.pk])).status_code == 403
    assert client.get(reverse("admin:patients_patient_changelist")).status_code == 403
    assert not HealthRecordAccess.objects.exists()


def test_staff_with_the_permission_see_the_record_and_are_logged(client, records_viewer, record):
    client.force_login(records_viewer)
    assert client.get(reverse("admin:patients_patient_change", args=[record.pk])).status_code == 200
    assert HealthRecordAccess.objects.get().staff == records_viewer


def test_nobody_edits_a_record_in_the_admin(client, pharmacist, record):
    client.force_login(pharmacist)
    client.post(reverse("admin:patients_patient_change", args=[record.pk]), {"name": "Changed"})
    record.refresh_from_db()
    assert record.name == "Sam Carer"
    assert client.get(reverse("admin:patients_patient_add")).status_code == 403


def test_the_review_page_shows_the_record_and_history_and_logs_the_view(client, pharmacist, order):
    client.force_login(pharmacist)
    html = client.get(reverse("admin:orders_order_review", args=[order.pk])).content.decode()
    assert "Health record: Sam Carer" in html
    assert "Asthma" in html and "Penicillins" in html and "A brown inhaler" in html
    assert "Testamol" in html  # the earlier supply, in the medication history
    access = HealthRecordAccess.objects.get()
    assert (access.channel, access.order_number, access.staff) == (
        AccessChannel.ADMIN_ORDER_REVIEW, order.number, pharmacist)


def test_order_staff_without_the_permission_see_the_review_page_without_the_record(client, order):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:orders_order_review", args=[order.pk]))
    assert response.status_code == 200
    assert "Health record:" not in response.content.decode()
    assert not HealthRecordAccess.objects.exists()


def test_the_pharmacist_api_order_detail_carries_the_record_and_logs_the_view(pharmacist, order):
    body = staff_api(pharmacist).get(f"/api/v1/pharmacist/orders/{order.number}/").json()
    record = body["health_record"]
    assert (record["name"], record["date_of_birth"], record["conditions"]) == ("Sam Carer", "2015-04-01", ["Asthma"])
    assert record["allergies"] == ["Penicillins (such as amoxicillin)"]
    assert [supply["description"] for supply in record["medication_history"]] == [
        line.description for line in order.patient_record.orders.exclude(pk=order.pk).get().lines.all()]
    access = HealthRecordAccess.objects.get()
    assert (access.channel, access.order_number) == (AccessChannel.API_ORDER_REVIEW, order.number)


def test_the_pharmacist_api_order_list_carries_no_record_and_logs_nothing(pharmacist, order):
    body = staff_api(pharmacist).get("/api/v1/pharmacist/orders/").json()
    items = body["results"] if isinstance(body, dict) else body
    assert items and all(item["health_record"] is None for item in items)
    assert not HealthRecordAccess.objects.exists()


# --- The log ------------------------------------------------------------------------------------------


def test_the_access_log_cannot_be_changed_or_deleted(pharmacist, record):
    access = HealthRecordAccess.objects.create(staff=pharmacist, patient=record, patient_reference=record.pk,
                                               channel=AccessChannel.ADMIN_RECORD)
    access.channel = AccessChannel.API_ORDER_REVIEW
    with pytest.raises(TypeError):
        access.save()
    with pytest.raises(TypeError):
        access.delete()
    with pytest.raises(TypeError):
        HealthRecordAccess.objects.filter(pk=access.pk).update(channel=AccessChannel.API_ORDER_REVIEW)
    with pytest.raises(TypeError):
        HealthRecordAccess.objects.all().delete()


def test_the_log_outlives_the_record_and_is_read_only_in_the_admin(client, pharmacist, user):
    removable = child_record(user, name="Removed later", date_of_birth=datetime.date(2016, 1, 1))
    client.force_login(pharmacist)
    client.get(reverse("admin:patients_patient_change", args=[removable.pk]))
    removable_pk = removable.pk
    removable.delete()
    access = HealthRecordAccess.objects.get()
    assert (access.patient, access.patient_reference) == (None, removable_pk)
    changelist = client.get(reverse("admin:patients_healthrecordaccess_changelist"))
    assert changelist.status_code == 200
    assert client.post(reverse("admin:patients_healthrecordaccess_change", args=[access.pk]),
                       {"channel": "api_order_review"}).status_code == 403
    assert client.get(reverse("admin:patients_healthrecordaccess_delete", args=[access.pk])).status_code == 403


def test_the_review_costs_the_same_queries_however_long_the_history(pharmacist, user, record, order, gsl_pack):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_api(pharmacist)

    def review_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/pharmacist/orders/{order.number}/").status_code == 200
        return len(queries)

    before = review_queries()
    for index in range(3):
        place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key=f"more{index}",
                    patient=PatientDetails(record_id=record.pk))
    assert review_queries() == before
