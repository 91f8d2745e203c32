"""Builders for the pharmacist's work: the review API's record, the review admin's form, the release gate's
refusals, and an order supplied from prescription to dispatch."""

import datetime

from django.urls import reverse
from django.utils import timezone

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.originals import record_electronic_verified
from tests.builders.orders import (
    PRESCRIBER_ADDRESS,
    awaiting_patient,
    cart_with,
    details,
    dispensing_record,
    eps_id,
    prescription_patient_fields,
    uploaded_prescription,
)
from tests.factories import StaffFactory

QUEUE_URL = "/api/v1/pharmacist/orders/"


def record(sku: str, units: int = 168, **overrides) -> dict:
    issued = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "prescriber_name": "Dr Grace Prescriber",
        "prescriber_registration": "7123456",
        "issued_on": issued.isoformat(),
        "valid_until": (issued + datetime.timedelta(days=180)).isoformat(),
        "items": [{"sku": sku, "quantity": units, "directions": "One three times a day", "dose": "1",
                   "dose_unit": "tablet", "times_per_day": 3}],
        "note": "Checked with the surgery.",
        **prescription_patient_fields(sku),
        **overrides,
    }


def refused_codes(refused) -> list[str]:
    """The release gate's unmet conditions, by code, from a pytest.raises(ReleaseRefused) result."""
    return [blocker["code"] for blocker in refused.value.extra["blockers"]]


def approve_post(pom_pack, **overrides):
    issued = timezone.localdate() - datetime.timedelta(days=2)
    name, born = awaiting_patient(pom_pack)
    data = {
        "_approve": "1",
        "record-prescriber_name": "Dr Grace Prescriber",
        "record-prescriber_registration": "7123456",
        "record-prescriber_address": PRESCRIBER_ADDRESS,
        "record-patient_name": name,
        "record-patient_date_of_birth": born.isoformat(),
        "record-issued_on": issued.isoformat(),
        "record-valid_until": (issued + datetime.timedelta(days=150)).isoformat(),
        "record-note": "Checked with the surgery.",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-pack": str(pom_pack.pk), "items-0-quantity": "84", "items-0-directions": "One three times a day",
        "items-0-dose": "1", "items-0-dose_unit": "tablet", "items-0-times_per_day": "3",
    }
    data.update(overrides)
    return data


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def supply(user, pack, pharmacist, *, key: str, units: int):
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key=key,
                        prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pack, units)))
    record_electronic_verified(prescription=order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(order.prescription))
    return dispatch_order(order=order, actor=StaffFactory())
