"""The pharmacist's review page in the admin: every alert with its severity and source, structured
directions recorded with the prescription, and no approval past a major alert without an override."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.services import place_order
from clinical.models import OrderAlert
from orders.models import OrderStatus
from tests.builders.orders import cart_with, details, prescription_patient_fields, uploaded_prescription

pytestmark = pytest.mark.django_db


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


@pytest.fixture
def duplicate_paracetamol_order(user, packs):
    cart = cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1))
    return place_order(user=user, cart=cart, details=details(), idempotency_key="dup")


def test_review_page_shows_each_alert_with_severity_and_source(client, pharmacist, duplicate_paracetamol_order):
    client.force_login(pharmacist)

    html = client.get(review_url(duplicate_paracetamol_order)).content.decode()

    assert "Clinical alerts" in html
    assert "<strong>Major</strong>" in html and "paracetamol-duplication" in html
    assert "BNF, paracetamol: dose" in html
    assert "Needs an override reason to approve" in html


def test_admin_refuses_approval_past_a_major_alert_without_an_override(client, pharmacist,
                                                                      duplicate_paracetamol_order):
    client.force_login(pharmacist)

    response = client.post(review_url(duplicate_paracetamol_order), {"_approve": "1"}, follow=True)

    assert "Give an override reason" in response.content.decode()
    duplicate_paracetamol_order.refresh_from_db()
    assert duplicate_paracetamol_order.status == OrderStatus.AWAITING_REVIEW

    client.post(review_url(duplicate_paracetamol_order), {
        "_approve": "1", "override-override_reason": "Patient told to stop the plain paracetamol.",
        "override-prescriber_contacted": "no",
    })

    duplicate_paracetamol_order.refresh_from_db()
    assert duplicate_paracetamol_order.status == OrderStatus.APPROVED
    alert = OrderAlert.objects.get(order=duplicate_paracetamol_order, rule_id="paracetamol-duplication")
    assert (alert.overridden_by, alert.prescriber_contacted) == (pharmacist, False)


def test_structured_directions_in_the_admin_raise_the_maximum_dose_alert(client, pharmacist, user, packs):
    baclofen = packs["BAC-10-84"]
    order = place_order(user=user, cart=cart_with(user, (baclofen, 1)), details=details(), idempotency_key="bac",
                        prescription=uploaded_prescription(user))
    issued = timezone.localdate() - datetime.timedelta(days=2)
    patient = prescription_patient_fields(baclofen)
    post = {
        "_approve": "1", "record-prescriber_name": "Dr Grace Prescriber", "record-prescriber_registration": "7123456",
        **{f"record-{name}": value for name, value in patient.items()},
        "record-issued_on": issued.isoformat(),
        "record-valid_until": (issued + datetime.timedelta(days=150)).isoformat(),
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-pack": str(baclofen.pk), "items-0-quantity": "84", "items-0-directions": "40 mg three times a day",
        "items-0-dose": "40", "items-0-dose_unit": "mg", "items-0-times_per_day": "3",
    }
    client.force_login(pharmacist)

    html = client.post(review_url(order), post, follow=True).content.decode()

    assert "baclofen-max-daily-dose" in html and "80 mg a day" in html
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW

    client.post(review_url(order), {**post, "override-override_reason": "Specialist-initiated dose, letter on file.",
                                    "override-prescriber_contacted": "yes"})

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    item = order.prescription.items.get()
    assert (item.dose, item.dose_unit, item.times_per_day) == (40, "mg", 3)
    assert OrderAlert.objects.get(order=order, rule_id="baclofen-max-daily-dose").prescriber_contacted is True


def test_the_review_page_runs_the_checks_again(client, pharmacist, user, packs):
    baclofen_order = place_order(user=user, cart=cart_with(user, (packs["BAC-10-84"], 1)), details=details(),
                                 idempotency_key="bac", prescription=uploaded_prescription(user))
    later = place_order(user=user, cart=cart_with(user, (packs["COCO-8-500-32"], 1)), details=details(),
                        idempotency_key="coco")
    type(later).objects.filter(pk=later.pk).update(status=OrderStatus.APPROVED, released_by=pharmacist)
    client.force_login(pharmacist)

    html = client.get(review_url(baclofen_order)).content.decode()

    assert "baclofen-cns-depressants" in html and "supplied by us on" in html
    assert OrderAlert.objects.get(order=baclofen_order, rule_id="baclofen-cns-depressants").raised_at_review


def test_admin_line_approval_needs_the_override_when_the_alert_was_raised_on_the_other_line(client, pharmacist,
                                                                                            user, packs):
    # Paracetamol (GSL) added first, co-codamol (P) second: the duplication involves the co-codamol line too.
    order = place_order(user=user, cart=cart_with(user, (packs["PARA-500-16"], 1), (packs["COCO-8-500-32"], 1)),
                        details=details(), idempotency_key="admin-line")
    line = order.lines.get(sku="COCO-8-500-32")
    post = {"line_id": str(line.pk), f"line-{line.pk}-line": str(line.pk), "_approve_line": "1"}
    client.force_login(pharmacist)

    html = client.post(review_url(order), post, follow=True).content.decode()

    assert "Give an override reason" in html
    line.refresh_from_db()
    assert line.decision == "pending"

    client.post(review_url(order), {**post, f"override-{line.pk}-override_reason": "Told to stop the paracetamol.",
                                    f"override-{line.pk}-prescriber_contacted": "no"})

    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.decision, order.status) == ("approved", OrderStatus.APPROVED)
    alert = OrderAlert.objects.get(order=order, rule_id="paracetamol-duplication")
    assert (alert.overridden_by, alert.override_reason) == (pharmacist, "Told to stop the paracetamol.")
