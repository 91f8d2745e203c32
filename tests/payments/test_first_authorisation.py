"""The card's answer to checkout's own attempt (payments.services.record_first_authorisation): the order and
the payment move on by conditional UPDATEs, without being read again; when either moved on while the gateway
was called, nothing of that is written and the answer is recorded under their locks, as ever."""

import pytest

from cart.models import CartLine
from checkout.services import place_order_and_authorise
from notifications.models import OutboxMessage
from orders.models import MessageKind, Order, OrderStatus
from orders.services.pipeline import cancel_order
from payments.gateways.test import TestGateway
from payments.models import MovementKind, PaymentMovement, PaymentStatus
from payments.services import record_authorisation
from tests.builders.orders import cart_with, details

pytestmark = pytest.mark.django_db

CARD = "4242424242424242"


def paid_checkout(user, pack):
    return place_order_and_authorise(user=user, cart=cart_with(user, (pack, 2)), details=details(),
                                     idempotency_key="k", payment_method=CARD)


def meanwhile(monkeypatch, happening):
    """The gateway answers, but `happening(payment_id, intent)` happens before checkout records the answer."""
    authorise = TestGateway.authorise

    def authorise_then(self, **call):
        intent = authorise(self, **call)
        happening(call["metadata"]["payment"], intent)
        return intent

    monkeypatch.setattr(TestGateway, "authorise", authorise_then)


def test_a_paid_checkout_moves_the_order_on_and_records_the_authorisation_once(user, gsl_pack, payments_on):
    order = paid_checkout(user, gsl_pack)

    assert order.status == OrderStatus.APPROVED  # the caller's copy says what the row says
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.review_deadline is None
    assert list(order.events.order_by("pk").values_list("to_status", flat=True)) == [
        OrderStatus.AWAITING_PAYMENT, OrderStatus.APPROVED]
    payment = order.payments.get()
    assert (payment.status, payment.card_last4, payment.card_fingerprint) == (PaymentStatus.AUTHORISED, "4242",
                                                                              "test_4242")
    assert payment.reference.startswith("test_pi_") and payment.capture_before is not None
    assert list(PaymentMovement.objects.filter(payment=payment).values_list("kind", flat=True)) == [
        MovementKind.AUTHORISED]
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_PLACED).count() == 1
    assert not CartLine.objects.filter(cart__user=user).exists()


def test_an_order_cancelled_while_its_card_was_asked_stays_cancelled(user, gsl_pack, payments_on, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    meanwhile(monkeypatch, lambda payment_id, intent: cancel_order(
        order=Order.objects.get(payments=payment_id), actor=user, reason="Changed my mind."))

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_checkout(user, gsl_pack)

    assert order.status == OrderStatus.AWAITING_PAYMENT  # as placed: this copy was not moved on
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert list(order.events.order_by("pk").values_list("to_status", flat=True)) == [
        OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED]
    assert not OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_PLACED).exists()
    # recorded under the locks, and the money let go once that committed
    assert order.payments.get().status == PaymentStatus.VOIDED
    assert CartLine.objects.filter(cart__user=user).exists()  # a cancelled order leaves the cart as it was


def test_an_answer_recorded_meanwhile_is_not_recorded_twice(user, gsl_pack, payments_on, monkeypatch):
    meanwhile(monkeypatch, lambda payment_id, intent: record_authorisation(payment_id=payment_id, intent=intent))

    order = paid_checkout(user, gsl_pack)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert list(order.events.order_by("pk").values_list("to_status", flat=True)) == [
        OrderStatus.AWAITING_PAYMENT, OrderStatus.APPROVED]
    payment = order.payments.get()
    assert payment.status == PaymentStatus.AUTHORISED
    assert PaymentMovement.objects.filter(payment=payment).count() == 1
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_PLACED).count() == 1


def test_a_payment_answered_meanwhile_leaves_the_order_awaiting_it(user, gsl_pack, payments_on, monkeypatch):
    # The gateway's webhook said "requires action" first: the payment moved on, the order did not; the
    # order's conditional move is rolled back with the rest, and the answer is recorded under the locks.
    def webhook_said_requires_action(payment_id, intent):
        from dataclasses import replace

        from payments.gateways.base import IntentStatus
        record_authorisation(payment_id=payment_id, intent=replace(intent, status=IntentStatus.REQUIRES_ACTION,
                                                                   client_action={"type": "redirect"}))

    meanwhile(monkeypatch, webhook_said_requires_action)

    order = paid_checkout(user, gsl_pack)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED  # the authorisation, recorded under the locks, moved it on
    assert list(order.events.order_by("pk").values_list("to_status", flat=True)) == [
        OrderStatus.AWAITING_PAYMENT, OrderStatus.APPROVED]
    payment = order.payments.get()
    assert payment.status == PaymentStatus.AUTHORISED
    assert PaymentMovement.objects.filter(payment=payment).count() == 1
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_PLACED).count() == 1
