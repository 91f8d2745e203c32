"""While a card authorisation is live, a pharmacist cannot give an order more time than the hold allows:
its `capture_before` less PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS. Refused on the API and in the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from orders.services import set_review_deadline
from tests.builders.api import assert_problem
from tests.builders.payments import prescription_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_review(user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    payments_on.PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS = 12
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method="4242424242424242")
    assert order.status == OrderStatus.AWAITING_REVIEW
    return order, payment


def test_the_api_refuses_a_deadline_past_the_authorisation_and_accepts_one_before_it(
        pharmacist_client, awaiting_review):
    order, payment = awaiting_review
    latest = payment.capture_before - timedelta(hours=12)
    set_review_deadline(order=order, deadline=latest - timedelta(days=3), reason="Brought forward.")
    url = f"/api/v1/pharmacist/orders/{order.number}/deadline/"

    refused = pharmacist_client.post(url, {"until": (latest + timedelta(hours=1)).isoformat()}, format="json")

    problem = assert_problem(refused, 422, "invalid_review_deadline")
    assert "can wait no later than" in problem["detail"] and "hold on the shopper's card" in problem["detail"]
    assert Order.objects.get(pk=order.pk).review_deadline == latest - timedelta(days=3)

    accepted = pharmacist_client.post(url, {"until": latest.isoformat(), "reason": "Prescriber called."},
                                      format="json")
    assert accepted.status_code == 200, accepted.json()
    assert Order.objects.get(pk=order.pk).review_deadline == latest


def test_the_admin_action_refuses_to_extend_past_the_authorisation(client, pharmacist, awaiting_review):
    order, payment = awaiting_review
    deadline = Order.objects.get(pk=order.pk).review_deadline
    assert deadline == payment.capture_before - timedelta(hours=12)  # already as late as the hold allows
    client.force_login(pharmacist)

    response = client.post(reverse("admin:dispensing_orderawaitingreview_changelist"),
                           {"action": "extend_deadline_selected", "_selected_action": [str(order.pk)]}, follow=True)

    assert f"{order.number}: Order {order.number} can wait no later than" in response.content.decode()
    assert Order.objects.get(pk=order.pk).review_deadline == deadline
