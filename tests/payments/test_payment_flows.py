"""The payment flow with each gateway (the built-in test gateway, and Stripe against localstripe):
authorise at checkout, capture on approval, void on rejection, refund on cancellation, partial capture."""

from decimal import Decimal

import pytest

from cart.models import CartLine
from catalog.models import Pack
from dispensing.approval import approve_order, reject_order
from dispensing.decisions import refuse_order_line
from dispensing.expiry import expire_overdue_orders
from orders.models import OrderStatus
from orders.services import cancel_order
from payments.models import MovementKind, PaymentStatus
from payments.receipts import payment_status_text
from payments.services import authorise_order
from tests.builders.consultations import answers_for
from tests.builders.orders import dispensing_record
from tests.builders.payments import checkout, on_gateway, prescription_checkout

pytestmark = pytest.mark.django_db


def test_prescription_order_is_authorised_then_captured_on_approval(
        user, pharmacist, pom_pack, card, gateway_name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=card("success"))

    assert (order.status, payment.status, payment.amount_authorised) == (
        OrderStatus.AWAITING_REVIEW, PaymentStatus.AUTHORISED, Decimal("25.00"))
    assert on_gateway(payment) == ("authorised", 0)
    assert not CartLine.objects.filter(cart__user=user).exists()  # emptied once the card was authorised
    assert payment_status_text(order) == "Authorised — charged when our pharmacist approves"

    with django_capture_on_commit_callbacks(execute=True):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == (PaymentStatus.CAPTURED, Decimal("25.00"))
    assert on_gateway(payment) == ("captured", 2500)
    assert list(payment.movements.values_list("kind", "amount")) == [
        (MovementKind.AUTHORISED, Decimal("25.00")), (MovementKind.CAPTURED, Decimal("25.00"))]


def test_rejection_voids_the_authorisation(user, pharmacist, pom_pack, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=card("success"))
        reject_order(order=order, pharmacist=pharmacist, reason="not_suitable")

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == (PaymentStatus.VOIDED, Decimal("0"))
    assert on_gateway(payment) == ("canceled", 0)
    assert payment.movements.last().kind == MovementKind.VOIDED
    assert payment_status_text(order) == "Not charged — the authorisation was released"


def test_partial_approval_captures_only_the_approved_lines(
        user, pharmacist, p_pack, gsl_pack, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (p_pack, 2), (gsl_pack, 1), payment_method=card("success"),
                                  answers=answers_for(p_pack, "no"))
    assert payment.amount_authorised == Decimal("11.49")

    with django_capture_on_commit_callbacks(execute=True):
        refuse_order_line(line=order.lines.get(sku=p_pack.sku), pharmacist=pharmacist, reason="see_gp")

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured) == (PaymentStatus.CAPTURED, Decimal("3.49"))
    assert on_gateway(payment) == ("captured", 349)


def test_declined_card_keeps_the_cart_and_the_abandoned_order_releases_its_stock(
        user, pom_pack, card, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=card("declined"))

    assert (order.status, payment.status) == (OrderStatus.AWAITING_PAYMENT, PaymentStatus.FAILED)
    assert "declined" in payment.failure_message.lower()
    assert list(CartLine.objects.filter(cart__user=user).values_list("pack_id", "quantity")) == [(pom_pack.pk, 2)]
    assert Pack.objects.get(pk=pom_pack.pk).stock_quantity == 48  # held while the shopper tries another card

    with django_capture_on_commit_callbacks(execute=True):
        expire_overdue_orders(now=order.review_deadline)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Pack.objects.get(pk=pom_pack.pk).stock_quantity == 50
    assert order.review_deadline is not None and order.events.last().actor is None


def test_another_card_is_a_new_attempt_on_the_same_order(user, pom_pack, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, declined = prescription_checkout(user, pom_pack, payment_method=card("declined"))
        retry = authorise_order(order=order, payment_method=card("success"), attempt_key="retry-1", actor=user)

    order.refresh_from_db()
    assert (declined.status, retry.status, order.status) == (
        PaymentStatus.FAILED, PaymentStatus.AUTHORISED, OrderStatus.AWAITING_REVIEW)
    assert order.payments.count() == 2


def test_cancellation_after_capture_refunds(user, gsl_pack, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (gsl_pack, 2), payment_method=card("success"))
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.amount_captured) == (
        OrderStatus.APPROVED, PaymentStatus.CAPTURED, Decimal("6.98"))

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(order=order, actor=user)

    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.REFUNDED, Decimal("6.98"))
    assert on_gateway(payment) == ("captured", 0)
    assert payment_status_text(order) == "Refunded in full"


def test_replayed_checkout_authorises_once(user, pom_pack, card, django_capture_on_commit_callbacks):
    method = card("success")
    with django_capture_on_commit_callbacks(execute=True):
        first_order, first = prescription_checkout(user, pom_pack, payment_method=method)
        again = authorise_order(order=first_order, payment_method=method, attempt_key="checkout-1", actor=user)

    assert again.pk == first.pk
    assert first_order.payments.count() == 1
    assert first.movements.filter(kind=MovementKind.AUTHORISED).count() == 1


def test_a_card_needing_confirmation_is_authorised_once_the_shopper_confirms(
        user, pom_pack, card, gateway_name, request, django_capture_on_commit_callbacks):
    from payments.gateways import get_gateway
    from payments.services import refresh_payment

    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=card("confirmation"))
    assert (order.status, payment.status) == (OrderStatus.AWAITING_PAYMENT, PaymentStatus.REQUIRES_ACTION)

    if gateway_name == "test":
        assert payment.client_action["type"] == "redirect_to_url"
        get_gateway().authenticate(reference=payment.reference, success=True)  # our confirm page does this
    else:
        secret = payment.client_action["client_secret"]
        assert payment.client_action["type"] == "use_stripe_sdk" and secret.startswith(payment.reference)
        # What Stripe.js does with the shopper's bank; localstripe's stand-in for it.
        import requests

        requests.post(f"{request.getfixturevalue('localstripe').url}/v1/payment_intents/{payment.reference}"
                      "/_authenticate", data={"client_secret": secret, "success": "true"},
                      auth=("sk_test_pharmacy", ""), timeout=10).raise_for_status()
    with django_capture_on_commit_callbacks(execute=True):
        payment = refresh_payment(payment=payment, actor=user)

    order.refresh_from_db()
    assert (order.status, payment.status, payment.client_action) == (
        OrderStatus.AWAITING_REVIEW, PaymentStatus.AUTHORISED, {})
    assert on_gateway(payment) == ("authorised", 0)


def test_supplying_less_than_was_charged_refunds_the_difference(
        user, pharmacist, gsl_pack, card, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from orders.models import LineDecision
    from payments.services import settle_order_payment
    from tests.factories import PackFactory

    plasters = PackFactory(price_amount=Decimal("2.00"))
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (gsl_pack, 1), (plasters, 1), payment_method=card("success"))
    payment.refresh_from_db()
    assert (order.status, payment.amount_captured) == (OrderStatus.APPROVED, Decimal("5.49"))
    # A line the shop could not supply after all (recorded by the dispensing side as not supplied).
    order.lines.filter(sku=plasters.sku).update(decision=LineDecision.REFUSED, decided_by=pharmacist,
                                                 decided_at=timezone.now(), decision_reason="Batch recalled.")

    payment = settle_order_payment(order_id=order.pk)[0]

    assert (payment.status, payment.amount_refunded) == (PaymentStatus.CAPTURED, Decimal("2.00"))
    assert on_gateway(payment) == ("captured", 349)


def test_an_order_awaiting_payment_is_not_in_the_pharmacists_queue(user, pom_pack, payments_on):
    from orders.selectors import list_orders_awaiting_review

    order, payment = prescription_checkout(user, pom_pack, payment_method="4000000000000002")

    assert (order.status, payment.status) == (OrderStatus.AWAITING_PAYMENT, PaymentStatus.FAILED)
    assert not list_orders_awaiting_review().exists()
