"""An authorisation lapses: the order's deadline comes before it, and at it the order is cancelled and
the authorisation voided. A payment left pending by a crash is settled by reconciliation."""

from datetime import timedelta

import pytest

from checkout.services import place_order
from dispensing.expiry import expire_overdue_orders
from orders.models import OrderStatus
from payments.models import PaymentStatus, TestGatewayIntent
from payments.reconciliation import reconcile_payments
from payments.services import _begin_attempt
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.payments import prescription_checkout

pytestmark = pytest.mark.django_db


def test_the_order_deadline_is_the_authorisation_expiry_less_the_margin_and_voids_at_it(
        user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    payments_on.PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS = 12
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method="4242424242424242")

    assert order.review_deadline == payment.capture_before - timedelta(hours=12)  # before the 14-day review one

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_overdue_orders(now=order.review_deadline) == 1

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.CANCELLED, PaymentStatus.VOIDED)
    assert TestGatewayIntent.objects.get(reference=payment.reference).status == "canceled"


def test_reconciliation_finishes_a_payment_whose_answer_was_lost(
        user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user), awaiting_payment=True)
    payment, _, _ = _begin_attempt(order_id=order.pk, attempt_key="k", payment_method="4242424242424242")

    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_payments(now=payment.updated_at + timedelta(minutes=10)) == 1

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.AUTHORISED, OrderStatus.AWAITING_REVIEW)
    assert TestGatewayIntent.objects.count() == 1


def test_an_authorisation_arriving_after_the_order_expired_unpaid_is_voided(
        user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user), awaiting_payment=True)
    payment, _, _ = _begin_attempt(order_id=order.pk, attempt_key="k", payment_method="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        expire_overdue_orders(now=order.review_deadline)
        reconcile_payments(now=payment.updated_at + timedelta(minutes=10))

    payment.refresh_from_db()
    order.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.CANCELLED, PaymentStatus.VOIDED)


def test_the_shopper_and_pharmacists_are_warned_once_before_the_authorisation_lapses(
        user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    from notifications.models import OutboxMessage
    from payments.services import warn_expiring_authorisations

    payments_on.PAYMENT_EXPIRY_WARNING_HOURS = 24
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method="4242424242424242")
    early = order.review_deadline - timedelta(hours=30)
    warning_time = order.review_deadline - timedelta(hours=20)

    assert warn_expiring_authorisations(now=early) == 0
    assert warn_expiring_authorisations(now=warning_time) == 1
    assert warn_expiring_authorisations(now=warning_time) == 0

    assert OutboxMessage.objects.filter(order=order, kind="payment_expiring").count() == 1
    assert "lapses soon" in order.events.last().reason
