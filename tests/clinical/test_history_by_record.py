"""The clinical checks read the patient's history by health record, never by a name and date of birth."""

import datetime

import pytest
from django.utils import timezone

from checkout.services import place_order
from clinical.models import OrderAlert
from orders.models import Order, OrderStatus
from patients.details import PatientDetails
from patients.services import HealthRecordDetails, update_patient
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import child_record
from tests.factories import PharmacistFactory

pytestmark = pytest.mark.django_db

CARED_FOR_ADULT = datetime.date(1950, 3, 1)  # codeine is not for children under 12


def _supplied(user, pack, *, patient: PatientDetails) -> Order:
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="earlier",
                        patient=patient)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DISPATCHED, released_by=PharmacistFactory(),
                                             created_at=timezone.now() - datetime.timedelta(days=10))
    return order


def test_a_records_history_follows_it_when_its_name_is_corrected(shopper_client, user, packs):
    child = child_record(user, name="Sam Carer", date_of_birth=CARED_FOR_ADULT, conditions=[], allergy_classes=[])
    _supplied(user, packs["COCO-8-500-32"], patient=PatientDetails(record_id=child.pk))
    update_patient(patient=child, details=HealthRecordDetails(name="Samuel Carer", date_of_birth=child.date_of_birth))
    cart_with(user, (packs["BAC-10-84"], 1))

    response = shopper_client.post("/api/v1/checkout/", {
        "shipping": {"full_name": "Ada Shopper", "email": "ada@example.org", "phone": "07700 900123",
                     "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA"},
        "patient": {"record_id": child.pk}, "prescription_id": uploaded_prescription(user).pk,
    }, format="json", HTTP_IDEMPOTENCY_KEY="now")

    assert response.status_code == 201, response.content
    order = Order.objects.get(number=response.json()["number"])
    alert = OrderAlert.objects.get(order=order, rule_id="baclofen-cns-depressants")
    assert any("Co-codamol" in subject and "supplied by us" in subject for subject in alert.subjects)


def test_someone_else_of_the_same_name_and_date_of_birth_brings_no_history(user, packs):
    same = {"name": "Sam Carer", "date_of_birth": CARED_FOR_ADULT, "conditions": [], "allergy_classes": []}
    first, second = child_record(user, **same), child_record(user, **same)  # two people, the same details
    _supplied(user, packs["COCO-8-500-32"], patient=PatientDetails(record_id=first.pk))

    order = place_order(user=user, cart=cart_with(user, (packs["BAC-10-84"], 1)), details=details(),
                        idempotency_key="now", patient=PatientDetails(record_id=second.pk),
                        prescription=uploaded_prescription(user))

    assert order.patient_record == second
    assert not OrderAlert.objects.filter(order=order, rule_id="baclofen-cns-depressants").exists()
