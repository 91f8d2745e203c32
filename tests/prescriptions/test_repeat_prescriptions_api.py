"""Repeat prescriptions over the API: the pharmacist records the repeat terms, the shopper orders again
without a new upload (or is told when they can), and the review shows issue n of m with the history."""

import datetime

import pytest
from django.utils import timezone

from cart.services import get_or_create_user_cart
from checkout.services import place_order
from orders.models import Order
from prescriptions.models import Prescription
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with, details, prescription_patient_fields, uploaded_prescription
from tests.builders.repeats import days_since_last_issue
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def repeatable(user, pom_pack, pharmacist_client) -> Prescription:
    """The first order, approved over the API on a prescription repeatable every 28 days (default issues)."""
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="first",
                        prescription=uploaded_prescription(user))
    issued = timezone.localdate() - datetime.timedelta(days=3)
    response = pharmacist_client.post(f"/api/v1/pharmacist/orders/{order.number}/approve/", {
        "prescriber_name": "Dr Grace Prescriber", "prescriber_registration": "7123456",
        "issued_on": issued.isoformat(), "valid_until": (issued + datetime.timedelta(days=180)).isoformat(),
        "items": [{"sku": pom_pack.sku, "quantity": 84, "directions": "One a day", "dose": "1", "dose_unit": "tablet",
                   "times_per_day": 1}],
        "repeatable": True, "repeat_interval_days": 28, **prescription_patient_fields(pom_pack),
    }, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["repeat"]["issue_number"] == 1
    return Prescription.objects.get(pk=order.prescription_id)


def reorder(client, prescription, key="again"):
    return client.post(f"/api/v1/prescriptions/{prescription.pk}/reorder/", {"shipping": SHIPPING},
                       format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_too_early_reorder_is_refused_with_the_date(shopper_client, user, repeatable):
    days_since_last_issue(repeatable, 20)
    expected = timezone.localdate() + datetime.timedelta(days=8)

    body = assert_problem(reorder(shopper_client, repeatable), 422, "repeat_too_early", "prescription")

    assert body["errors"][0]["available_on"] == expected.isoformat()
    assert not get_or_create_user_cart(user=user).lines.exists()
    assert Order.objects.count() == 1


def test_a_reorder_after_the_interval_is_placed_without_a_new_upload(
    shopper_client, pharmacist_client, user, repeatable
):
    days_since_last_issue(repeatable, 28)

    response = reorder(shopper_client, repeatable)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["prescription_id"]) == ("awaiting_review", repeatable.pk)
    assert [line["sku"] for line in body["lines"]] == ["PRES-10-84"]
    assert Prescription.objects.filter(owner=user).count() == 1
    assert reorder(shopper_client, repeatable).json()["number"] == body["number"]  # a retry replays
    listed = shopper_client.get(f"/api/v1/prescriptions/{repeatable.pk}/").json()["repeat"]
    assert (listed["issues_allowed"], listed["issues_used"], listed["issues_left"]) == (2, 2, 0)
    assert listed["next_issue_on"] is None

    review = pharmacist_client.get(f"/api/v1/pharmacist/orders/{body['number']}/").json()["repeat"]
    assert (review["issue_number"], review["issues_allowed"], review["interval_days"]) == (2, 2, 28)
    first, second = review["issues"]
    assert (first["number"], first["is_this_order"], second["number"], second["is_this_order"]) == (1, False, 2, True)
    assert first["issued_at"] < second["issued_at"]


def test_exhausted_issues_are_refused(shopper_client, repeatable):
    days_since_last_issue(repeatable, 28)
    assert reorder(shopper_client, repeatable, "second").status_code == 201
    days_since_last_issue(repeatable, 28)

    assert_problem(reorder(shopper_client, repeatable, "third"), 422, "repeats_exhausted", "prescription")


def test_another_shoppers_prescription_cannot_be_reordered(other_client, repeatable):
    days_since_last_issue(repeatable, 28)

    response = reorder(other_client, repeatable)

    assert_problem(response, 404)
    assert Order.objects.count() == 1


@pytest.mark.parametrize("schedule", [2, 3])
def test_the_approval_refuses_a_repeatable_schedule_2_or_3_drug_on_the_repeatable_field(
    user, pom_pack, pharmacist_client, schedule
):
    controlled = PackFactory(product=ProductFactory(name=f"Controlled {schedule}", slug=f"cd-{schedule}",
                                                    legal_category="prescription", controlled_drug_schedule=schedule),
                             sku=f"CD-{schedule}-30", pack_size=30)
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    issued = timezone.localdate() - datetime.timedelta(days=1)

    response = pharmacist_client.post(f"/api/v1/pharmacist/orders/{order.number}/approve/", {
        "prescriber_name": "Dr Grace Prescriber", "prescriber_registration": "7123456",
        "issued_on": issued.isoformat(), "valid_until": (issued + datetime.timedelta(days=20)).isoformat(),
        "items": [{"sku": controlled.sku, "quantity": 30}, {"sku": pom_pack.sku, "quantity": 84}],
        "repeatable": True, "repeat_interval_days": 28, **prescription_patient_fields(controlled),
    }, format="json")

    assert_problem(response, 422, "invalid_dispensing_record", "repeatable")
    order.refresh_from_db()
    assert (order.status, order.prescription.status, order.prescription.repeatable) == (
        "awaiting_review", "submitted", False)
