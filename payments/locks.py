"""Every row lock of the payments app. A payment is locked after its order (orders.locks), never before."""

from django.db.models import Exists, OuterRef

from orders.models import Order

from .models import MovementKind, Payment, PaymentMovement, TestGatewayIntent


def payment_for_update(*, payment_id: int, order: Order | None = None) -> Payment:
    """The payment, locked, with its order. Pass the `order` the caller has just locked (orders.locks)
    to have it attached rather than selected a second time with every one of its columns."""
    if order is None:
        return Payment.objects.select_for_update(of=("self",)).select_related("order").get(pk=payment_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id, order=order)
    payment.order = order
    return payment


def payment_for_update_knowing_paid_before(*, payment_id: int, order: Order) -> Payment:
    """payment_for_update with the `order` locked, and `paid_before` set: whether another payment of the
    order was ever authorised (the order is being paid again), read in the same statement."""
    authorised_before = PaymentMovement.objects.filter(
        payment__order=order, kind=MovementKind.AUTHORISED).exclude(payment_id=OuterRef("pk"))
    payment = (Payment.objects.select_for_update().annotate(paid_before=Exists(authorised_before))
               .get(pk=payment_id, order=order))
    payment.order = order
    return payment


def intent_of_test_gateway_for_update(*, reference: str) -> TestGatewayIntent | None:
    """The built-in test gateway's intent, locked, so two captures or refunds of one payment apply one
    after the other. The gateway is called outside the app's row locks, so this is taken alone."""
    return TestGatewayIntent.objects.select_for_update().filter(reference=reference).first()
