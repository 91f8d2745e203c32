"""No supply without money: the release gate refuses to dispatch an order whose payment is not captured,
through the admin's dispatch action and the staff dispatch endpoint alike, and captures nothing; with
the authorisation intact the same steps dispatch and the payment is captured."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dispensing.approval import approve_order
from dispensing.originals import record_original_received
from orders.models import OrderStatus
from payments.models import PaymentStatus, TestGatewayIntent
from tests.builders.api import assert_problem
from tests.builders.orders import dispensing_record
from tests.builders.payments import on_gateway, prescription_checkout
from tests.factories import StaffFactory
from tests.otp import verified_token

pytestmark = pytest.mark.django_db
S, P = OrderStatus, PaymentStatus


def approved_and_paid(user, pharmacist, pom_pack, capture_callbacks, *, cancelled_at_gateway: bool):
    """A POM order paid by card and approved with its original in hand; optionally with the card
    authorisation cancelled on the gateway's side first, without our record knowing."""
    with capture_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method="4242424242424242")
    if cancelled_at_gateway:
        TestGatewayIntent.objects.filter(reference=payment.reference).update(status="canceled")
    with capture_callbacks(execute=True):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=True)
    return order, payment


def dispatch_in_admin(client, order):
    client.force_login(StaffFactory())
    return client.post(reverse("admin:orders_order_changelist"),
                       {"action": "dispatch_selected", "_selected_action": [order.pk]}, follow=True)


def dispatch_over_api(order):
    staff = StaffFactory()
    client = APIClient()
    client.force_authenticate(staff, token=verified_token(staff)[0])
    return client.post(f"/api/v1/pharmacist/orders/{order.number}/dispatch/", {"note": "Tracked 48"}, format="json")


def test_an_authorisation_cancelled_at_the_gateway_stops_dispatch_from_the_admin(
        client, user, pharmacist, pom_pack, payments_on, django_capture_on_commit_callbacks):
    order, payment = approved_and_paid(user, pharmacist, pom_pack, django_capture_on_commit_callbacks,
                                       cancelled_at_gateway=True)

    with django_capture_on_commit_callbacks(execute=True):
        page = dispatch_in_admin(client, order)

    assert "The payment is not captured: 25.00 GBP is due and 0.00 has been captured" in page.content.decode()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.APPROVED
    assert (payment.status, payment.amount_captured) == (P.AUTHORISED, Decimal("0"))
    assert on_gateway(payment) == ("canceled", 0)


def test_an_authorisation_cancelled_at_the_gateway_stops_dispatch_over_the_api(
        user, pharmacist, pom_pack, payments_on, django_capture_on_commit_callbacks):
    order, payment = approved_and_paid(user, pharmacist, pom_pack, django_capture_on_commit_callbacks,
                                       cancelled_at_gateway=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = dispatch_over_api(order)

    body = assert_problem(response, 409, code="release_refused")
    assert [error["code"] for error in body["errors"]] == ["payment_not_captured"]
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.APPROVED
    assert payment.amount_captured == Decimal("0")
    assert on_gateway(payment) == ("canceled", 0)


@pytest.mark.parametrize("face", ["admin", "api"])
def test_with_the_authorisation_intact_the_same_steps_capture_and_dispatch(
        face, client, user, pharmacist, pom_pack, payments_on, django_capture_on_commit_callbacks):
    order, payment = approved_and_paid(user, pharmacist, pom_pack, django_capture_on_commit_callbacks,
                                       cancelled_at_gateway=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = dispatch_in_admin(client, order) if face == "admin" else dispatch_over_api(order)

    assert response.status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.DISPATCHED
    assert (payment.status, payment.amount_captured) == (P.CAPTURED, Decimal("25.00"))
    assert on_gateway(payment) == ("captured", 2500)
    if face == "api":
        assert response.json() == {"number": order.number, "status": "dispatched", "may_be_dispatched": False,
                                   "blockers": []}
