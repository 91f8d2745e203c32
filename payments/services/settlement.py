"""Capture, void and refund: bring an order's payments to what its state calls for. Capture the payable
amount once every line is decided and the order is approved; void or refund a rejected or cancelled one;
refund the difference when less is supplied than was charged."""

from decimal import Decimal

from django.db import transaction

from orders.models import LineDecision, OrderStatus
from pharmacy.money import Money

from ..amounts import payable_amount
from ..exceptions import InvalidRefund, RefundNotAllowed
from ..gateways import get_gateway
from ..gateways.base import GatewayIntent, IntentStatus
from ..locks import payment_for_update
from ..models import LIVE_STATUSES, MovementKind, Payment, PaymentStatus
from ..movements import record_movement as _movement
from .gateway_keys import check_intent_currency, gateway_idempotency_key

CAPTURE_STATES = (OrderStatus.APPROVED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED)
RELEASE_STATES = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


def settle_order_payment(*, order_id: int) -> list[Payment]:
    """Bring the order's payments to what its state calls for: capture the payable amount once every line
    is decided and the order is approved; void or refund when it is rejected or cancelled; refund the
    difference when less is supplied than was charged. Safe to run twice, or concurrently."""
    settled = []
    for payment in Payment.objects.filter(order_id=order_id, status__in=LIVE_STATUSES).exclude(reference=""):
        settled.append(_settle_payment(payment_id=payment.pk))
    return settled


def _settle_payment(*, payment_id: int, actor=None) -> Payment:
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    order = payment.order
    if order.status in RELEASE_STATES:
        if payment.status in (PaymentStatus.AUTHORISED, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PENDING):
            return void_payment(payment=payment, actor=actor, reason=f"Order {order.get_status_display().lower()}.")
        if payment.status == PaymentStatus.CAPTURED and payment.amount_charged > 0:
            return _refund(
                payment=payment,
                amount=payment.amount_charged,
                actor=actor,
                reason=f"Order {order.get_status_display().lower()}.",
            )
        return payment
    if order.status in CAPTURE_STATES and not order.lines.filter(decision=LineDecision.PENDING).exists():
        due = payable_amount(order).amount
        if payment.status == PaymentStatus.AUTHORISED:
            return capture_payment(payment=payment, amount=min(due, payment.amount_authorised), actor=actor)
        if payment.status == PaymentStatus.CAPTURED and payment.amount_charged > due:
            return _refund(
                payment=payment,
                amount=payment.amount_charged - due,
                actor=actor,
                reason="Less was supplied than was charged.",
            )
    return payment


def capture_payment(*, payment: Payment, amount: Decimal, actor=None) -> Payment:
    if amount > payment.amount_authorised:
        raise InvalidRefund("Cannot capture more than was authorised.", field="amount")
    if amount <= 0:  # nothing to charge: let the authorisation go
        return void_payment(payment=payment, actor=actor, reason="Nothing left to charge.")
    intent = get_gateway(payment.gateway).capture(
        reference=payment.reference,
        amount=Money(amount, payment.currency),
        idempotency_key=gateway_idempotency_key(payment, "capture"),
    )
    return _record_capture(payment_id=payment.pk, intent=intent, amount=amount, actor=actor)


@transaction.atomic
def _record_capture(*, payment_id: int, intent: GatewayIntent, amount: Decimal, actor) -> Payment:
    payment = payment_for_update(payment_id=payment_id)
    if payment.status != PaymentStatus.AUTHORISED or intent.status != IntentStatus.CAPTURED:
        return payment
    check_intent_currency(payment=payment, intent=intent)
    payment.status = PaymentStatus.CAPTURED
    payment.amount_captured = amount
    payment.save()
    _movement(payment, MovementKind.CAPTURED, amount, actor=actor, reference=intent.reference)
    return payment


def void_payment(*, payment: Payment, actor=None, reason: str = "") -> Payment:
    return _record_void(payment_id=payment.pk, intent=void_at_gateway(payment), actor=actor, reason=reason)


def void_at_gateway(payment: Payment) -> GatewayIntent:
    return get_gateway(payment.gateway).void(
        reference=payment.reference, idempotency_key=gateway_idempotency_key(payment, "void")
    )


@transaction.atomic
def _record_void(*, payment_id: int, intent: GatewayIntent, actor, reason: str) -> Payment:
    payment = payment_for_update(payment_id=payment_id)
    waiting = (PaymentStatus.AUTHORISED, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PENDING)
    if payment.status not in waiting or intent.status != IntentStatus.CANCELED:
        return payment
    check_intent_currency(payment=payment, intent=intent)
    was_authorised = payment.status == PaymentStatus.AUTHORISED
    payment.status = PaymentStatus.VOIDED
    payment.client_action = {}
    payment.save()
    _movement(
        payment,
        MovementKind.VOIDED,
        payment.amount_authorised if was_authorised else Decimal("0"),
        actor=actor,
        reason=reason,
        reference=intent.reference,
    )
    return payment


def refund_payment(*, payment: Payment, amount: Decimal, actor, reason: str) -> Payment:
    """A member of staff refunds all or part of a captured payment, with a reason."""
    if actor is None or not actor.has_perm("payments.refund_payment"):
        raise RefundNotAllowed()
    if not reason or not reason.strip():
        raise InvalidRefund("Give the reason for the refund.", field="reason")
    payment = Payment.objects.get(pk=payment.pk)
    if payment.status != PaymentStatus.CAPTURED:
        raise InvalidRefund("Only a captured payment can be refunded.", field="amount")
    if amount <= 0 or amount > payment.amount_charged:
        raise InvalidRefund(f"Refund between 0.01 and {payment.amount_charged} {payment.currency}.", field="amount")
    return _refund(payment=payment, amount=amount, actor=actor, reason=reason.strip())


def _refund(*, payment: Payment, amount: Decimal, actor, reason: str) -> Payment:
    # The key names the state it refunds from, so two concurrent refunds of the same state are one refund.
    count = payment.movements.filter(kind=MovementKind.REFUNDED).count()
    refund_id = get_gateway(payment.gateway).refund(
        reference=payment.reference,
        amount=Money(amount, payment.currency),
        idempotency_key=gateway_idempotency_key(payment, f"refund-{count}-{amount}"),
    )
    return _record_refund(payment_id=payment.pk, refund_id=refund_id, amount=amount, actor=actor, reason=reason)


@transaction.atomic
def _record_refund(*, payment_id: int, refund_id: str, amount: Decimal, actor, reason: str) -> Payment:
    payment = payment_for_update(payment_id=payment_id)
    if payment.movements.filter(kind=MovementKind.REFUNDED, reference=refund_id).exists():
        return payment  # the same refund, recorded by a concurrent call
    payment.amount_refunded += amount
    if payment.amount_refunded >= payment.amount_captured:
        payment.status = PaymentStatus.REFUNDED
    payment.save()
    _movement(payment, MovementKind.REFUNDED, amount, actor=actor, reason=reason, reference=refund_id)
    return payment
