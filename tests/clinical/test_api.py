"""The clinical checks through the API: refusal at checkout, advice on the shopper's order, every alert
on the pharmacist's order detail, and the override needed to approve past a major alert."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkout.services import place_order
from clinical.models import OrderAlert
from tests.builders.api import assert_problem, checkout
from tests.builders.medicines import medicine_pack_of
from tests.builders.orders import cart_with, details, prescription_patient_fields, uploaded_prescription

pytestmark = pytest.mark.django_db
QUEUE_URL = "/api/v1/pharmacist/orders/"


def test_checkout_refuses_ibuprofen_for_a_stomach_ulcer(shopper_client, user, packs, health_record):
    health_record(conditions={"stomach_ulcer"})
    cart_with(user, (packs["IBU-200-16"], 1))

    body = assert_problem(checkout(shopper_client), 422, code="clinical_check_refused", field="cart")

    assert "talk to our pharmacist" in body["detail"]


def test_the_shoppers_order_shows_the_advice_not_the_pharmacists_note(shopper_client, user, packs):
    cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1))

    body = checkout(shopper_client).json()

    [advice] = body["clinical_advice"]
    assert advice["kind"] == "duplication" and advice["severity"] == "major"
    assert "4 g of paracetamol" in advice["advice"]
    assert "message" not in advice and "source" not in advice


@pytest.fixture
def baclofen_order(user, packs, health_record):
    health_record(other_medicines={"diazepam"})
    return place_order(user=user, cart=cart_with(user, (packs["BAC-10-84"], 1)), details=details(),
                       idempotency_key="bac", prescription=uploaded_prescription(user))


def record(**extra):
    return {"prescriber_name": "Dr Grace Prescriber", "prescriber_registration": "7123456",
            "issued_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "valid_until": (timezone.localdate() + timedelta(days=150)).isoformat(),
            "items": [{"sku": "BAC-10-84", "quantity": 84, "dose": "10", "dose_unit": "mg", "times_per_day": 3}],
            **prescription_patient_fields("BAC-10-84"), **extra}


def test_the_pharmacists_order_detail_lists_every_alert_with_severity_and_source(pharmacist_client, baclofen_order):
    body = pharmacist_client.get(f"{QUEUE_URL}{baclofen_order.number}/").json()

    alert = next(alert for alert in body["clinical_alerts"] if alert["rule_id"] == "baclofen-cns-depressants")
    assert alert["severity"] == "major" and alert["needs_override"] is True
    assert alert["source"].startswith("Our baclofen leaflet, section 2")
    assert alert["message"] and alert["advice"]


def test_the_api_refuses_approval_past_a_major_alert_without_an_override(pharmacist_client, baclofen_order):
    url = f"{QUEUE_URL}{baclofen_order.number}/approve/"

    assert_problem(pharmacist_client.post(url, record(), format="json"), 422, code="clinical_override_required",
                   field="override_reason")
    response = pharmacist_client.post(url, record(override_reason="Known combination, counselled.",
                                                  prescriber_contacted=True), format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    alert = OrderAlert.objects.get(order=baclofen_order, rule_id="baclofen-cns-depressants")
    assert alert.override_reason == "Known combination, counselled." and alert.prescriber_contacted is True
    item = baclofen_order.prescription.items.get()
    assert (item.dose, item.dose_unit, item.times_per_day) == (10, "mg", 3)


def test_approving_a_pharmacy_line_past_a_major_alert_needs_the_override(pharmacist_client, user, packs):
    # Paracetamol (GSL) added first, co-codamol (P) second: the alert involves both lines, whichever came first.
    order = place_order(user=user, cart=cart_with(user, (packs["PARA-500-16"], 1), (packs["COCO-8-500-32"], 1)),
                        details=details(), idempotency_key="p")
    line = order.lines.get(sku="COCO-8-500-32")
    url = f"{QUEUE_URL}{order.number}/lines/{line.pk}/decision/"
    [shown] = pharmacist_client.get(f"{QUEUE_URL}{order.number}/").json()["clinical_alerts"]
    assert shown["line_ids"] == sorted(order.lines.values_list("pk", flat=True))

    assert_problem(pharmacist_client.post(url, {"decision": "approve"}, format="json"), 422,
                   code="clinical_override_required")
    line.refresh_from_db()
    assert line.decision == "pending"
    response = pharmacist_client.post(url, {"decision": "approve", "override_reason": "Told to stop paracetamol.",
                                            "prescriber_contacted": False}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    [alert] = response.json()["clinical_alerts"]
    assert (alert["override_reason"], alert["prescriber_contacted"]) == ("Told to stop paracetamol.", False)


def test_whole_order_approval_needs_the_override_for_an_alert_on_any_line(pharmacist_client, user, packs):
    order = place_order(user=user, cart=cart_with(user, (packs["PARA-500-16"], 1), (packs["COCO-8-500-32"], 1)),
                        details=details(), idempotency_key="whole")
    url = f"{QUEUE_URL}{order.number}/approve/"

    assert_problem(pharmacist_client.post(url, {}, format="json"), 422, code="clinical_override_required")
    response = pharmacist_client.post(url, {"override_reason": "Told to take only the co-codamol.",
                                            "prescriber_contacted": False}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def baclofen_28(packs):
    """Baclofen 10 mg, 28 tablets: another pack of the medicine and strength of BAC-10-84."""
    return medicine_pack_of(packs["BAC-10-84"], sku="BAC-10-28", pack_size=28)


def test_directions_on_the_84_pack_check_the_dose_of_three_28_packs(pharmacist_client, user, packs):
    order = place_order(user=user, cart=cart_with(user, (baclofen_28(packs), 3)), details=details(),
                        idempotency_key="three", prescription=uploaded_prescription(user))
    url = f"{QUEUE_URL}{order.number}/approve/"
    forty_three_times = record(items=[{"sku": "BAC-10-84", "quantity": 84, "dose": "40", "dose_unit": "mg",
                                       "times_per_day": 3}])

    body = assert_problem(pharmacist_client.post(url, forty_three_times, format="json"), 422,
                          code="clinical_override_required")

    assert "(baclofen-max-daily-dose)" in body["detail"]
    order.refresh_from_db()
    assert order.status == "awaiting_review"
    response = pharmacist_client.post(url, {**forty_three_times, "override_reason": "Specialist dose, letter seen.",
                                            "prescriber_contacted": True}, format="json")
    assert response.status_code == 200, response.content
    alert = OrderAlert.objects.with_line_ids().get(order=order, rule_id="baclofen-max-daily-dose")
    assert alert.line_ids == [order.lines.get().pk] and alert.is_overridden
    assert alert.subjects[-1] == "120 mg a day (maximum 80 mg)"


def test_a_prescription_only_line_without_structured_directions_needs_an_answer(pharmacist_client, user, packs):
    order = place_order(user=user, cart=cart_with(user, (packs["BAC-10-84"], 1)), details=details(),
                        idempotency_key="free-text", prescription=uploaded_prescription(user))
    url = f"{QUEUE_URL}{order.number}/approve/"
    free_text_only = record(items=[{"sku": "BAC-10-84", "quantity": 84, "directions": "Take as before"}])

    body = assert_problem(pharmacist_client.post(url, free_text_only, format="json"), 422,
                          code="clinical_override_required", field="override_reason")

    assert "prescription-directions-missing" in body["detail"]
    order.refresh_from_db()
    assert order.status == "awaiting_review" and order.prescription.status == "submitted"
    response = pharmacist_client.post(url, {**free_text_only, "override_reason": "Checked the paper original.",
                                            "prescriber_contacted": False}, format="json")
    assert response.status_code == 200, response.content
    [alert] = [alert for alert in response.json()["clinical_alerts"]
               if alert["rule_id"] == "prescription-directions-missing"]
    assert alert["override_reason"] == "Checked the paper original."


def test_as_directed_is_a_recorded_answer(pharmacist_client, user, packs):
    order = place_order(user=user, cart=cart_with(user, (packs["BAC-10-84"], 1)), details=details(),
                        idempotency_key="as-directed", prescription=uploaded_prescription(user))

    response = pharmacist_client.post(f"{QUEUE_URL}{order.number}/approve/", record(
        items=[{"sku": "BAC-10-84", "quantity": 84, "as_directed": True}]), format="json")

    assert response.status_code == 200, response.content
    assert not OrderAlert.objects.filter(order=order).exists()
