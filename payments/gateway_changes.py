"""What happened to a payment at the gateway without us: an authorisation voided there or lapsed, a
refund made in its dashboard. Each is recorded from the re-read intent (webhooks, reconciliation), in
one short transaction with no gateway call, and is safe to record twice.
"""

import logging

from django.db import transaction

from orders.locks import order_for_update
from orders.models import OrderStatus
from orders.services.deadlines import request_new_payment

from .amounts import from_minor, payable_amount
from .gateways.base import GatewayIntent, IntentStatus
from .locks import payment_for_update
from .models import LIVE_STATUSES, MovementKind, Payment, PaymentStatus
from .movements import record_movement

logger = logging.getLogger(__name__)

# The orders an authorisation ending uncaptured leaves without money: waiting for the pharmacist, or
# approved with the capture still to come.
UNPAID_IF_ENDED = (OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED)


@transaction.atomic
def record_ended_authorisation(*, payment_id: int, intent: GatewayIntent, reason: str) -> Payment:
    """The gateway says an authorisation we hold is cancelled (voided in its dashboard, or lapsed): record
    the void, and when it was the order's only live payment, the order waits for the shopper to pay again
    (or is cancelled: orders.services.deadlines.request_new_payment), in the same transaction."""
    order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
    order = order_for_update(order_id=order_id)
    payment = payment_for_update(payment_id=payment_id, order=order)
    if payment.status != PaymentStatus.AUTHORISED or intent.status != IntentStatus.CANCELED:
        return payment
    payment.status = PaymentStatus.VOIDED
    payment.client_action = {}
    payment.save()
    record_movement(payment, MovementKind.VOIDED, payment.amount_authorised, reason=reason,
                    reference=intent.reference)
    if order.status not in UNPAID_IF_ENDED or payable_amount(order).amount <= 0:
        return payment  # the order is past waiting for money, or nothing is left to pay for
    others_live = order.payments.filter(status__in=LIVE_STATUSES).exclude(pk=payment.pk).exists()
    if not others_live:
        request_new_payment(order=order, reason="The hold on your card ended before it was charged.")
    return payment


@transaction.atomic
def record_gateway_refunds(*, payment_id: int, intent: GatewayIntent) -> Payment:
    """Record each refund the gateway holds that we have not (one movement per refund, by its reference).
    What was captured stays as it was; only the refunded amount grows."""
    payment = payment_for_update(payment_id=payment_id)
    if payment.status not in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED):
        return payment
    known = set(payment.movements.filter(kind=MovementKind.REFUNDED).values_list("reference", flat=True))
    new_refunds = [refund for refund in intent.refunds if refund.reference not in known]
    if not new_refunds:
        return payment
    for refund in new_refunds:
        amount = from_minor(refund.amount)
        if amount > payment.amount_charged:
            logger.warning("Payment %s: refund %s of %s is more than the %s left; recorded as that",
                           payment.pk, refund.reference, amount, payment.amount_charged)
            amount = payment.amount_charged
        payment.amount_refunded += amount
        record_movement(payment, MovementKind.REFUNDED, amount, reason="Refunded at the gateway.",
                        reference=refund.reference)
    if payment.amount_refunded >= payment.amount_captured:
        payment.status = PaymentStatus.REFUNDED
    payment.save()
    return payment
