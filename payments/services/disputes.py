"""Disputes and expiring authorisations (run by reconciliation, payments.reconciliation): a chargeback is
flagged on the payment and in the order's history; an order whose card hold lapses soon is flagged once."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.services import record_message
from orders.locks import order_for_update
from orders.models import MessageKind, Order, OrderEvent, OrderStatus

from ..locks import payment_for_update
from ..models import Payment, PaymentStatus


@transaction.atomic
def flag_dispute(*, payment: Payment, reason: str = "") -> Payment:
    """A chargeback: the payment and its order are flagged for staff (the order's history says so)."""
    payment = payment_for_update(payment_id=payment.pk)
    if payment.disputed_at is None:
        payment.disputed_at = timezone.now()
        payment.save(update_fields=["disputed_at", "updated_at"])
        order = payment.order
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            actor=None,
            reason=("Payment disputed by the card holder: staff must respond. " + reason)[:500],
        )
    return payment


def warn_expiring_authorisations(*, now: datetime | None = None, limit: int = 200) -> int:
    """The periodic job: an order still waiting for a pharmacist whose deadline comes within
    PAYMENT_EXPIRY_WARNING_HOURS is flagged in its history (the pharmacists' queue shows it) and the
    shopper is told, once. Returns how many were warned."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.PAYMENT_EXPIRY_WARNING_HOURS)
    due = Payment.objects.filter(
        status=PaymentStatus.AUTHORISED,
        expiry_warned_at__isnull=True,
        order__status=OrderStatus.AWAITING_REVIEW,
        order__review_deadline__lte=soon,
        order__review_deadline__gt=now,
    ).values_list("pk", flat=True)
    return sum(_warn_expiring(payment_id=payment_id, now=now) for payment_id in list(due[:limit]))


@transaction.atomic
def _warn_expiring(*, payment_id: int, now: datetime) -> bool:
    payment = Payment.objects.get(pk=payment_id)
    order = order_for_update(order_id=payment.order_id)
    payment = payment_for_update(payment_id=payment_id, order=order)
    if payment.expiry_warned_at is not None or order.status != OrderStatus.AWAITING_REVIEW:
        return False
    payment.expiry_warned_at = now
    payment.save(update_fields=["expiry_warned_at", "updated_at"])
    when = timezone.localtime(order.review_deadline).strftime("%d %B %Y %H:%M")
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=None,
        reason=f"The card authorisation lapses soon: review by {when}, or the order is "
        "cancelled and the authorisation voided.",
    )
    record_message(order=order, kind=MessageKind.PAYMENT_EXPIRING)
    return True


def latest_payment(order: Order) -> Payment | None:
    return order.payments.order_by("-pk").first()
