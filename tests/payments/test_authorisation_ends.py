"""A card authorisation that ends uncaptured (voided at the gateway, or lapsed) sends its order back to
awaiting payment with a short deadline, and the shopper pays again on the storefront or the API; when
that is not possible the order is cancelled and its stock released. Reconciliation re-reads a capture
that failed. Through beat's reconciliation task (test gateway, and Stripe against localstripe)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cart.models import CartLine
from catalog.models import Pack
from dispensing.approval import approve_order
from notifications.models import OutboxMessage
from notifications.services import build_email
from orders.models import MessageKind, Order, OrderStatus
from payments.gateways import get_gateway
from payments.models import MovementKind, Payment, PaymentStatus, TestGatewayIntent
from payments.tasks import reconcile_payments_task
from pharmacy.money import Money
from tests.builders.orders import cart_with, dispensing_record
from tests.builders.payments import checkout, on_gateway, prescription_checkout

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


@pytest.fixture
def awaiting_review(user, pom_pack, payments_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=CARD)
    assert (order.status, payment.status) == (OrderStatus.AWAITING_REVIEW, PaymentStatus.AUTHORISED)
    return order, payment


def lapse(payment) -> None:
    """The hold's time runs out (the gateway's `capture_before`, as both records hold it)."""
    past = timezone.now() - timedelta(minutes=1)
    Payment.objects.filter(pk=payment.pk).update(capture_before=past)
    TestGatewayIntent.objects.filter(reference=payment.reference).update(capture_before=past)


def stale(payment) -> None:
    """Untouched for longer than PAYMENT_RECONCILE_AFTER_MINUTES."""
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - timedelta(hours=1))


def test_a_lapsed_hold_asks_the_shopper_to_pay_again_and_the_storefront_takes_the_new_card(
        client, user, gsl_pack, pom_pack, awaiting_review, payments_on, django_capture_on_commit_callbacks):
    payments_on.PAYMENT_RETRY_HOURS = 48
    order, payment = awaiting_review
    lapse(payment)
    cart_with(user, (gsl_pack, 1))  # the shopper has started another basket since

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.AWAITING_PAYMENT, PaymentStatus.VOIDED)
    assert before + timedelta(hours=48) <= order.review_deadline <= timezone.now() + timedelta(hours=48)
    assert payment.movements.last().kind == MovementKind.VOIDED
    assert "lapsed" in payment.movements.last().reason
    assert on_gateway(payment) == ("canceled", 0)
    assert Pack.objects.get(pk=pom_pack.pk).stock_quantity == 48  # still kept for the shopper
    message = OutboxMessage.objects.get(order=order, kind=MessageKind.PAYMENT_RETRY)
    email = build_email(message=message)
    assert email.subject == f"Your order {order.number}: please pay again"
    assert reverse("payments:pay", kwargs={"number": order.number}) in email.body
    assert f"{timezone.localtime(order.review_deadline):%-d %B %Y %H:%M}" in email.body

    client.force_login(user)
    page = client.get(reverse("payments:pay", kwargs={"number": order.number}))
    assert page.status_code == 200
    assert b"The hold on your card ended before we could charge it" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:pay", kwargs={"number": order.number}),
                               {"card": CARD, "attempt_key": str(uuid.uuid4())})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert [p.status for p in order.payments.order_by("pk")] == [PaymentStatus.VOIDED, PaymentStatus.AUTHORISED]
    assert list(CartLine.objects.filter(cart__user=user).values_list("pack_id", flat=True)) == [gsl_pack.pk]


def test_an_approved_order_whose_hold_was_voided_at_the_gateway_is_paid_again_over_the_api_and_captured(
        user, shopper_client, pharmacist, pom_pack, payments_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = prescription_checkout(user, pom_pack, payment_method=CARD)
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))  # capture never ran
    TestGatewayIntent.objects.filter(reference=payment.reference).update(status="canceled")  # in its dashboard
    stale(payment)

    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()

    order.refresh_from_db()
    assert (order.status, order.released_by) == (OrderStatus.AWAITING_PAYMENT, pharmacist)
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.VOIDED
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.PAYMENT_RETRY).exists()
    shown = shopper_client.get(f"/api/v1/orders/{order.number}/").json()
    assert (shown["status"], shown["payment_status"]) == (
        "awaiting_payment", "Not charged — the hold on your card ended: pay again to keep your order")

    with django_capture_on_commit_callbacks(execute=True):
        response = shopper_client.post(f"/api/v1/orders/{order.number}/payments/", {"payment_method": CARD},
                                       format="json", HTTP_IDEMPOTENCY_KEY="pay-again")

    assert response.status_code == 201, response.json()
    assert [p["status"] for p in response.json()["payments"]] == ["voided", "authorised"]
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED  # the pharmacist's approval stands: no second review
    again = order.payments.latest("pk")
    assert (again.status, again.amount_captured) == (PaymentStatus.CAPTURED, Decimal("25.00"))


def test_a_hold_ending_a_second_time_cancels_the_order_and_releases_its_stock(
        user, shopper_client, pom_pack, awaiting_review, django_capture_on_commit_callbacks):
    order, payment = awaiting_review
    lapse(payment)
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()
        shopper_client.post(f"/api/v1/orders/{order.number}/payments/", {"payment_method": CARD}, format="json",
                            HTTP_IDEMPOTENCY_KEY="pay-again")
    second = order.payments.latest("pk")
    assert second.status == PaymentStatus.AUTHORISED
    lapse(second)

    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Payment.objects.get(pk=second.pk).status == PaymentStatus.VOIDED
    assert Pack.objects.get(pk=pom_pack.pk).stock_quantity == 50
    message = OutboxMessage.objects.get(order=order, kind=MessageKind.ORDER_PAYMENT_ENDED)
    email = build_email(message=message)
    assert email.subject == f"Your order {order.number} has been cancelled: the hold on your card ended"
    assert "could not be paid again in time" in email.body


def test_an_approved_order_whose_capture_failed_and_whose_hold_lapsed_with_no_time_left_is_cancelled(
        user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    order, payment = checkout(user, (gsl_pack, 2), payment_method=CARD)  # approved; the capture never ran
    assert (order.status, payment.status) == (OrderStatus.APPROVED, PaymentStatus.AUTHORISED)
    lapse(payment)
    stale(payment)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=15))

    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.amount_captured) == (
        OrderStatus.CANCELLED, PaymentStatus.VOIDED, Decimal("0"))
    assert Pack.objects.get(pk=gsl_pack.pk).stock_quantity == gsl_pack.stock_quantity
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_PAYMENT_ENDED).exists()
    assert not OutboxMessage.objects.filter(order=order, kind=MessageKind.PAYMENT_RETRY).exists()


def test_reconciliation_records_a_capture_whose_answer_was_lost(
        user, gsl_pack, card, gateway_name, django_capture_on_commit_callbacks):
    order, payment = checkout(user, (gsl_pack, 2), payment_method=card("success"))
    assert (order.status, payment.status) == (OrderStatus.APPROVED, PaymentStatus.AUTHORISED)
    # The capture reached the gateway, and the process died before our commit.
    get_gateway().capture(reference=payment.reference, amount=Money(Decimal("6.98"), "GBP"),
                          idempotency_key=f"payment-{payment.pk}-capture")
    stale(payment)

    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()

    payment.refresh_from_db()
    assert (payment.status, payment.amount_captured, payment.amount_refunded) == (
        PaymentStatus.CAPTURED, Decimal("6.98"), Decimal("0"))
    assert payment.movements.filter(kind=MovementKind.CAPTURED).count() == 1
    assert on_gateway(payment) == ("captured", 698)


def test_an_order_not_paid_again_by_its_new_deadline_is_cancelled_and_the_shopper_told(
        user, pom_pack, awaiting_review, django_capture_on_commit_callbacks):
    from dispensing.tasks import expire_overdue_orders_task

    order, payment = awaiting_review
    lapse(payment)
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_payments_task()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    Order.objects.filter(pk=order.pk).update(review_deadline=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        expire_overdue_orders_task()

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Pack.objects.get(pk=pom_pack.pk).stock_quantity == 50
    assert OutboxMessage.objects.filter(order=order, kind=MessageKind.ORDER_EXPIRED).exists()
