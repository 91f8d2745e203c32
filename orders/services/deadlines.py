"""Orders do not hold stock for ever. A waiting order has one deadline, `Order.review_deadline`: set at
placement (ORDER_REVIEW_DEADLINE_DAYS), extendable by a pharmacist (dispensing.expiry), and settable by
other services (the payments issue brings it forward to the card authorisation's expiry) through
`set_review_deadline`. At its deadline a periodic task (dispensing.expiry) cancels the order, returns its
stock and tells the shopper why.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.services import record_message

from ..exceptions import InvalidReviewDeadline
from ..locks import order_for_update
from ..models import MessageKind, Order, OrderEvent, OrderStatus
from ..state_machine import apply_transition
from .pipeline import return_stock

# How late another app lets a deadline be moved: each takes the locked order and returns the latest
# moment and why, or None. Registered at ready() by the apps that own the limit (payments: a live card
# authorisation must still be capturable).
DEADLINE_LIMITS: list[Callable[[Order], tuple[datetime, str] | None]] = []


@transaction.atomic
def set_review_deadline(*, order: Order, deadline: datetime, actor=None, reason: str = "") -> Order:
    """Set a waiting order's deadline (other services may bring it forward), recorded in its history."""
    order = order_for_update(order_id=order.pk)
    if order.status not in (OrderStatus.AWAITING_PAYMENT, OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED):
        raise InvalidReviewDeadline(
            f"Order {order.number} is {order.get_status_display().lower()}: it has no deadline to set.",
            field="review_deadline",
        )
    order.review_deadline = deadline
    order.save(update_fields=["review_deadline", "updated_at"])
    when = timezone.localtime(deadline).strftime("%d %B %Y %H:%M")
    OrderEvent.objects.create(order=order, from_status=order.status, to_status=order.status, actor=actor,
                              reason=f"Deadline set to {when}. {reason}".strip())
    return order


def request_new_payment(*, order: Order, reason: str, now: datetime | None = None) -> bool:
    """The order's card authorisation ended uncaptured (voided at the gateway, or lapsed) and nothing else
    holds its money. Inside the caller's transaction, on the order it has locked: the order goes back to
    awaiting payment with a new short deadline (PAYMENT_RETRY_HOURS) and the shopper is asked to pay
    again; or, when that is not possible, it is cancelled and its stock returned. Not possible: the
    order's time is up (ORDER_REVIEW_DEADLINE_DAYS from placement, or a later deadline a pharmacist
    set), or the shopper was already asked once. Both are e-mailed. Returns True when asked again."""
    now = now or timezone.now()
    limit = order.created_at + timedelta(days=settings.ORDER_REVIEW_DEADLINE_DAYS)
    if order.review_deadline is not None:
        limit = max(limit, order.review_deadline)
    deadline = min(now + timedelta(hours=settings.PAYMENT_RETRY_HOURS), limit)
    if deadline <= now or asked_to_pay_again(order):
        apply_transition(order=order, to_status=OrderStatus.CANCELLED, actor=None,
                         reason=f"{reason} It could not be paid again in time, so the order was cancelled "
                                "and nothing was charged.")
        return_stock(order)
        record_message(order=order, kind=MessageKind.ORDER_PAYMENT_ENDED)
        return False
    order.review_deadline = deadline
    apply_transition(order=order, to_status=OrderStatus.AWAITING_PAYMENT, actor=None,
                     reason=f"{reason} The shopper is asked to pay again by "
                            f"{timezone.localtime(deadline):%d %B %Y %H:%M}, or the order is cancelled.")
    record_message(order=order, kind=MessageKind.PAYMENT_RETRY)
    return True


def asked_to_pay_again(order: Order) -> bool:
    return order.messages.filter(kind=MessageKind.PAYMENT_RETRY).exists()
