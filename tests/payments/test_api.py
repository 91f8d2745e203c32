"""The REST API's payment step (test gateway): checkout takes the card, a declined order takes another,
3-D Secure hands the client what it needs, and orders show their payments."""

import pytest

from orders.models import Order
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with

pytestmark = pytest.mark.django_db


def checkout(client, card: str, key: str = "k"):
    return client.post("/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": card}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_checkout_with_the_test_card_authorises_and_captures_a_general_sale_order(
        shopper_client, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 2))

    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(shopper_client, "4242 4242 4242 4242")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert [(p["status"], p["amount_authorised"]) for p in body["payments"]] == [("authorised", "6.98")]
    order = shopper_client.get(f"/api/v1/orders/{body['number']}/").json()
    assert [(p["status"], p["amount_captured"]) for p in order["payments"]] == [("captured", "6.98")]
    assert order["payment_status"] == "Paid"


def test_a_declined_card_leaves_the_order_awaiting_payment_and_another_card_pays(
        shopper_client, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 1))

    declined = checkout(shopper_client, "4000000000000002").json()
    replay = checkout(shopper_client, "4000000000000002").json()
    with django_capture_on_commit_callbacks(execute=True):
        retry = shopper_client.post(f"/api/v1/orders/{declined['number']}/payments/",
                                    {"payment_method": "4242424242424242"}, format="json",
                                    HTTP_IDEMPOTENCY_KEY="retry-1")

    assert (declined["status"], declined["payments"][0]["status"]) == ("awaiting_payment", "failed")
    assert declined["payments"][0]["failure_message"] == "Your card was declined."
    assert replay["number"] == declined["number"] and len(replay["payments"]) == 1
    assert retry.status_code == 201
    assert [p["status"] for p in retry.json()["payments"]] == ["failed", "authorised"]
    assert Order.objects.count() == 1


def test_a_card_needing_confirmation_returns_the_client_action(shopper_client, user, gsl_pack, payments_on):
    cart_with(user, (gsl_pack, 1))

    body = checkout(shopper_client, "4000000000003220").json()

    payment = body["payments"][0]
    assert (body["status"], payment["status"]) == ("awaiting_payment", "requires_action")
    assert payment["client_action"]["type"] == "redirect_to_url"
    assert payment["client_action"]["url"].startswith("/payments/test-gateway/")


def test_paying_an_order_that_does_not_await_payment_is_a_409(shopper_client, user, gsl_pack, payments_on):
    cart_with(user, (gsl_pack, 1))
    number = checkout(shopper_client, "4242424242424242").json()["number"]

    response = shopper_client.post(f"/api/v1/orders/{number}/payments/", {"payment_method": "4242424242424242"},
                                   format="json", HTTP_IDEMPOTENCY_KEY="again")

    assert response.status_code == 201  # the live authorisation is returned, never a second one
    assert len(response.json()["payments"]) == 1
    Order.objects.filter(number=number).update(status="cancelled")
    Order.objects.get(number=number).payments.update(status="voided")
    assert_problem(shopper_client.post(f"/api/v1/orders/{number}/payments/", {"payment_method": "4242424242424242"},
                                       format="json", HTTP_IDEMPOTENCY_KEY="late"), 409, "payment_not_possible")


def test_payment_adds_the_same_number_of_queries_to_checkout_whatever_the_number_of_lines(payments_on):
    """Placement's own count is pinned elsewhere; the payment step must not add a query per line."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from tests.factories import PackFactory, UserFactory

    def queries(line_count: int, card: str) -> int:
        shopper = UserFactory()
        client = APIClient()
        client.force_authenticate(shopper)
        cart_with(shopper, *[(PackFactory(), 1) for _ in range(line_count)])
        with CaptureQueriesContext(connection) as captured:
            assert checkout(client, card).status_code == 201  # declined: nothing captured, the order waits
        return len(captured)

    # Every shopper here delivers to the same address: from the second account on, each order is flagged
    # (purchase safeguards), so the first order, which is not, comes before the measured ones.
    queries(1, "")
    added = {lines: queries(lines, "4000000000000002") - queries(lines, "") for lines in (1, 4)}

    assert added[1] == added[4], added
