"""What happens at Stripe without us, applied through the webhook endpoint from the re-read intent: a
hold cancelled in the dashboard sends the order back to awaiting payment; refunds made there are
recorded one by one, apart from what was captured; and an event whose effect fails in the database is
kept for nothing, so that Stripe's retry processes it, once."""

from decimal import Decimal

import pytest
from django.db import DatabaseError

from dispensing.decisions import refuse_order_line
from notifications.models import OutboxMessage
from orders.models import MessageKind, OrderStatus
from payments.models import MovementKind, PaymentStatus, WebhookEvent
from payments.services import authorisation
from tests.builders.consultations import answers_for
from tests.builders.payments import checkout, prescription_checkout
from tests.builders.stripe_webhooks import event_for, post

pytestmark = pytest.mark.django_db


def stripe_card(localstripe) -> str:
    return localstripe.client().v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
    }).id


def charge_event(reference: str, kind: str, event_id: str) -> dict:
    return {"id": event_id, "object": "event", "type": kind, "api_version": "2024-06-20", "created": 1,
            "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": reference}}}


def test_a_hold_cancelled_in_the_stripe_dashboard_asks_the_shopper_to_pay_again(
        client, user, pom_pack, stripe_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=stripe_card(stripe_on))
    assert order.status == OrderStatus.AWAITING_REVIEW
    stripe_on.client().v1.payment_intents.cancel(payment.reference)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event_for(payment.reference, payment, kind="payment_intent.canceled"))

    assert response.status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.AWAITING_PAYMENT, PaymentStatus.VOIDED)
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.PAYMENT_RETRY).exists()
    assert "pay again" in order.events.latest("pk").reason


def test_a_webhook_whose_effect_fails_in_the_database_is_processed_again_on_the_retry(
        client, crashed_authorisation, monkeypatch, django_capture_on_commit_callbacks):
    payment, reference = crashed_authorisation
    real_movement = authorisation._movement
    failures = []

    def fails_once(*args, **kwargs):
        if not failures:
            failures.append(True)
            raise DatabaseError("server closed the connection unexpectedly")
        return real_movement(*args, **kwargs)

    monkeypatch.setattr(authorisation, "_movement", fails_once)
    event = event_for(reference, payment)

    with django_capture_on_commit_callbacks(execute=True):
        failed = post(client, event)
    assert failed.status_code == 503  # Stripe retries a 5xx
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert (payment.status, payment.order.status) == (PaymentStatus.PENDING, OrderStatus.AWAITING_PAYMENT)

    with django_capture_on_commit_callbacks(execute=True):
        retried = post(client, event)
        again = post(client, event)

    assert (retried.status_code, retried.content, again.content) == (200, b"Processed.", b"Already processed.")
    payment.refresh_from_db()
    assert (payment.status, payment.order.status) == (PaymentStatus.AUTHORISED, OrderStatus.AWAITING_REVIEW)
    assert payment.movements.filter(kind=MovementKind.AUTHORISED).count() == 1
    assert WebhookEvent.objects.count() == 1


def test_refunds_made_in_the_stripe_dashboard_are_recorded_once_each_apart_from_the_capture(
        client, user, gsl_pack, stripe_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (gsl_pack, 2), payment_method=stripe_card(stripe_on))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == (PaymentStatus.CAPTURED, Decimal("6.98"))
    stripe = stripe_on.client()
    first = stripe.v1.refunds.create(params={"payment_intent": payment.reference, "amount": 200})

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, charge_event(payment.reference, "charge.refunded", "evt_r1")).status_code == 200
        assert post(client, charge_event(payment.reference, "charge.refund.updated", "evt_r2")).status_code == 200

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.amount_refunded) == (
        PaymentStatus.CAPTURED, Decimal("6.98"), Decimal("2.00"))
    assert list(payment.movements.filter(kind=MovementKind.REFUNDED).values_list("reference", "amount")) == [
        (first.id, Decimal("2.00"))]

    rest = stripe.v1.refunds.create(params={"payment_intent": payment.reference, "amount": 498})
    with django_capture_on_commit_callbacks(execute=True):
        post(client, charge_event(payment.reference, "charge.refunded", "evt_r3"))

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.amount_refunded) == (
        PaymentStatus.REFUNDED, Decimal("6.98"), Decimal("6.98"))
    assert list(payment.movements.filter(kind=MovementKind.REFUNDED).values_list("reference", "amount")) == [
        (first.id, Decimal("2.00")), (rest.id, Decimal("4.98"))]


def test_a_dashboard_refund_of_a_partly_captured_payment_leaves_the_captured_amount_as_it_was(
        client, user, pharmacist, p_pack, gsl_pack, stripe_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (p_pack, 2), (gsl_pack, 1), payment_method=stripe_card(stripe_on),
                                  answers=answers_for(p_pack, "no"))
        refuse_order_line(line=order.lines.get(sku=p_pack.sku), pharmacist=pharmacist, reason="see_gp")
    payment.refresh_from_db()
    assert (payment.status, payment.amount_authorised, payment.amount_captured) == (
        PaymentStatus.CAPTURED, Decimal("11.49"), Decimal("3.49"))
    refund = stripe_on.client().v1.refunds.create(params={"payment_intent": payment.reference, "amount": 100})

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, charge_event(payment.reference, "charge.refunded", "evt_r1")).status_code == 200

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.amount_refunded) == (
        PaymentStatus.CAPTURED, Decimal("3.49"), Decimal("1.00"))
    assert list(payment.movements.values_list("kind", "amount", "reference"))[-1] == (
        MovementKind.REFUNDED, Decimal("1.00"), refund.id)
