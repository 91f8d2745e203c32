"""One patient per prescription: the pharmacist records the patient it names (and the prescriber's address)
at approval, through the admin and the API alike, and every later order against it is for that patient."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.services import place_order
from dispensing.approval import approve_order
from orders.models import Order, OrderStatus
from patients.details import PatientDetails
from prescriptions.exceptions import PrescriptionForAnotherPatient
from prescriptions.models import Prescription, PrescriptionStatus
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import (
    PRESCRIBER_ADDRESS,
    cart_with,
    details,
    dispensing_record,
    prescription_patient_fields,
    uploaded_prescription,
)
from tests.builders.patients import child_record
from tests.builders.repeats import days_since_last_issue, repeatable_record

pytestmark = pytest.mark.django_db

CHILD_BORN = datetime.date(2015, 4, 1)


@pytest.fixture
def child(user):
    return child_record(user, name="Sam Carer", date_of_birth=CHILD_BORN, conditions=[], allergy_classes=[])


@pytest.fixture
def childs_order(user, child, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="first",
                       prescription=uploaded_prescription(user), patient=PatientDetails(record_id=child.pk))


def api_record(sku: str, **overrides) -> dict:
    issued = timezone.localdate() - datetime.timedelta(days=3)
    return {"prescriber_name": "Dr Grace Prescriber", "prescriber_registration": "7123456",
            "issued_on": issued.isoformat(), "valid_until": (issued + datetime.timedelta(days=180)).isoformat(),
            "items": [{"sku": sku, "quantity": 84, "directions": "As directed", "as_directed": True}],
            **prescription_patient_fields(sku), **overrides}


def approve_url(order) -> str:
    return f"/api/v1/pharmacist/orders/{order.number}/approve/"


def test_the_api_approval_records_the_prescriptions_patient_and_prescriber_address(
    pharmacist_client, childs_order, child, pom_pack
):
    response = pharmacist_client.post(approve_url(childs_order), api_record(
        pom_pack.sku, patient_name="sam  CARER", patient_date_of_birth=CHILD_BORN.isoformat()), format="json")

    assert response.status_code == 200, response.json()
    prescription = Prescription.objects.get(pk=childs_order.prescription_id)
    assert (prescription.patient_name, prescription.patient_date_of_birth, prescription.patient_record) == (
        "sam CARER", CHILD_BORN, child)
    assert prescription.prescriber_address == PRESCRIBER_ADDRESS
    shown = pharmacist_client.get(f"/api/v1/pharmacist/orders/{childs_order.number}/").json()["prescription"]
    assert (shown["patient_name"], shown["patient_date_of_birth"], shown["prescriber_address"]) == (
        "sam CARER", "2015-04-01", PRESCRIBER_ADDRESS)


@pytest.mark.parametrize("field", ["prescriber_address", "patient_name", "patient_date_of_birth"])
def test_the_api_approval_needs_the_prescriber_address_and_the_patient(pharmacist_client, childs_order, pom_pack,
                                                                       field):
    response = pharmacist_client.post(approve_url(childs_order), api_record(pom_pack.sku, **{field: None}),
                                      format="json")

    if field == "patient_date_of_birth":
        assert_problem(response, 422, "invalid_dispensing_record", field)
    else:
        assert_problem(response, 400, None, field)  # null is not a string
        response = pharmacist_client.post(approve_url(childs_order), api_record(pom_pack.sku, **{field: " "}),
                                          format="json")
        assert_problem(response, 422, "invalid_dispensing_record", field)
    childs_order.refresh_from_db()
    assert (childs_order.status, childs_order.prescription.status) == (OrderStatus.AWAITING_REVIEW,
                                                                         PrescriptionStatus.SUBMITTED)


def test_the_api_approval_refuses_a_prescription_naming_someone_else(pharmacist_client, childs_order, pom_pack):
    response = pharmacist_client.post(approve_url(childs_order), api_record(
        pom_pack.sku, patient_name="Alex Carer", patient_date_of_birth=CHILD_BORN.isoformat()), format="json")

    body = assert_problem(response, 422, "invalid_dispensing_record", "patient_name")
    assert "Alex Carer" in body["detail"] and "Sam Carer" in body["detail"]
    childs_order.refresh_from_db()
    assert (childs_order.status, childs_order.prescription.status) == (OrderStatus.AWAITING_REVIEW,
                                                                         PrescriptionStatus.SUBMITTED)


def admin_post(pom_pack, **overrides) -> dict:
    issued = timezone.localdate() - datetime.timedelta(days=2)
    patient = prescription_patient_fields(pom_pack)
    data = {
        "_approve": "1", "record-prescriber_name": "Dr Grace Prescriber", "record-prescriber_registration": "7123456",
        **{f"record-{name}": value for name, value in patient.items()},
        "record-issued_on": issued.isoformat(),
        "record-valid_until": (issued + datetime.timedelta(days=150)).isoformat(),
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-pack": str(pom_pack.pk), "items-0-quantity": "84", "items-0-as_directed": "on",
    }
    data.update(overrides)
    return data


def test_the_admin_approval_needs_the_prescriber_address_shown_at_its_field(client, pharmacist, childs_order,
                                                                            pom_pack):
    client.force_login(pharmacist)
    url = reverse("admin:orders_order_review", args=[childs_order.pk])

    response = client.post(url, admin_post(pom_pack, **{"record-prescriber_address": ""}))

    assert response.status_code == 200
    assert response.context["record_form"].errors["prescriber_address"] == [
        "Enter the prescriber's address: the prescription register records it."]
    childs_order.refresh_from_db()
    assert childs_order.status == OrderStatus.AWAITING_REVIEW
    assert client.post(url, admin_post(pom_pack)).status_code == 302
    childs_order.refresh_from_db()
    assert childs_order.status == OrderStatus.APPROVED
    assert childs_order.prescription.patient_date_of_birth == CHILD_BORN


@pytest.fixture
def childs_repeatable(user, pharmacist, childs_order, pom_pack) -> Prescription:
    approve_order(order=childs_order, pharmacist=pharmacist, record=repeatable_record((pom_pack, 84)))
    prescription = Prescription.objects.get(pk=childs_order.prescription_id)
    days_since_last_issue(prescription, 28)
    return prescription


def reorder(client, prescription, **body):
    return client.post(f"/api/v1/prescriptions/{prescription.pk}/reorder/", {"shipping": SHIPPING, **body},
                       format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_a_reorder_for_someone_else_is_refused_and_one_for_the_patient_is_placed(
    shopper_client, childs_repeatable, child
):
    refused = reorder(shopper_client, childs_repeatable, patient={"is_account_holder": True})
    body = assert_problem(refused, 422, "prescription_for_another_patient", "prescription")
    assert "Sam Carer" in body["detail"]
    assert Order.objects.count() == 1

    placed = reorder(shopper_client, childs_repeatable)  # no patient named: the prescription's

    assert placed.status_code == 201, placed.json()
    assert Order.objects.get(number=placed.json()["number"]).patient_record == child


def test_a_checkout_against_the_prescription_for_someone_else_is_refused(shopper_client, user, childs_repeatable,
                                                                          pom_pack):
    another = child_record(user, name="Alex Carer", date_of_birth=CHILD_BORN, conditions=[], allergy_classes=[])
    cart_with(user, (pom_pack, 1))

    response = shopper_client.post("/api/v1/checkout/", {
        "shipping": SHIPPING, "prescription_id": childs_repeatable.pk, "patient": {"record_id": another.pk},
    }, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert_problem(response, 422, "prescription_for_another_patient", "prescription")
    assert Order.objects.count() == 1


def test_a_repeat_placed_for_someone_else_before_the_check_is_refused_at_approval(
    user, pharmacist, childs_repeatable, pom_pack
):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="old",
                        prescription=uploaded_prescription(user))  # for the account holder
    Order.objects.filter(pk=order.pk).update(prescription=childs_repeatable)
    order.refresh_from_db()

    with pytest.raises(PrescriptionForAnotherPatient):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW
