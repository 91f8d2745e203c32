"""Orders do not hold stock for ever. A waiting order has one deadline, `Order.review_deadline`: set at
placement (ORDER_REVIEW_DEADLINE_DAYS), extendable by a pharmacist, and settable by other services (the
payments issue brings it forward to the card authorisation's expiry) through `set_review_deadline`. At
its deadline a periodic task cancels the order, returns its stock and tells the shopper why.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..exceptions import InvalidReviewDeadline
from ..locks import order_for_update
from ..models import MessageKind, Order, OrderEvent, OrderStatus
from ..state_machine import apply_transition
from .notifications import record_message
from .originals import original_in_hand_condition
from .pipeline import _return_stock
from .prescriptions import ensure_pharmacist

logger = logging.getLogger(__name__)

EXPIRY_BATCH = 200
# How late another app lets a deadline be moved: each takes the locked order and returns the latest
# moment and why, or None. Registered at ready() by the apps that own the limit (payments: a live card
# authorisation must still be capturable).
DEADLINE_LIMITS: list[Callable[[Order], tuple[datetime, str] | None]] = []


def expiry_condition(*, now: datetime) -> Q:
    """Which orders are due to be cancelled at `now`: one Q per waiting situation, OR-ed. Add a situation
    here (e.g. "approved but still waiting for the original prescription") and the task covers it."""
    still_awaiting_review = Q(status=OrderStatus.AWAITING_REVIEW)
    # Placed but never paid (PAYMENT_AUTHORISATION_TIMEOUT_MINUTES): the allocation goes back.
    never_paid = Q(status=OrderStatus.AWAITING_PAYMENT)
    # Approved against an uploaded copy, but the checked paper original never arrived: nothing
    # can be dispatched, so the allocation goes back at the same deadline. The same test as
    # originals.is_waiting_for_original: a verified electronic prescription, or a paper original recorded
    # as matching, is in hand and never waits here.
    waiting_for_original = Q(status=OrderStatus.APPROVED, requires_prescription=True) & ~original_in_hand_condition(
        prefix="prescription__")
    # Approved but not suppliable as it stands (dispensing.supply): staff had until the deadline to supply
    # less; the order is cancelled and any payment refunded.
    cannot_be_supplied = Q(status=OrderStatus.APPROVED, cannot_supply_since__isnull=False)
    waiting = still_awaiting_review | never_paid | waiting_for_original | cannot_be_supplied
    return waiting & Q(review_deadline__isnull=False, review_deadline__lte=now)


def list_orders_due_for_expiry(*, now: datetime | None = None) -> QuerySet[Order]:
    return Order.objects.filter(expiry_condition(now=now or timezone.now())).order_by("review_deadline", "pk")


@transaction.atomic
def expire_order(*, order: Order, now: datetime | None = None) -> bool:
    """Cancel one order whose deadline has passed (re-checked under its lock). Returns True if it did."""
    now = now or timezone.now()
    locked = order_for_update(order_id=order.pk)
    if not Order.objects.filter(expiry_condition(now=now), pk=locked.pk).exists():
        return False
    deadline = timezone.localtime(locked.review_deadline).strftime("%d %B %Y")
    # An order asked to pay again (its card's hold ended) was confirmed to the shopper: they are told.
    was_unpaid = locked.status == OrderStatus.AWAITING_PAYMENT and not _asked_to_pay_again(locked)
    what = {OrderStatus.AWAITING_REVIEW: "Not reviewed by its deadline",
            OrderStatus.AWAITING_PAYMENT: "No card payment was authorised in time"}.get(
        locked.status, "The original prescription did not reach us by the deadline")
    outcome = "nothing was charged"
    if locked.cannot_supply_since is not None:
        what, outcome = "We could not supply it by its deadline", "any payment is refunded in full"
    apply_transition(
        order=locked, to_status=OrderStatus.CANCELLED, actor=None,
        reason=f"{what} ({deadline}); the order was cancelled and {outcome}.",
    )
    _return_stock(locked)
    if not was_unpaid:  # an unpaid order was never confirmed to the shopper: nothing to tell them
        record_message(order=locked, kind=MessageKind.ORDER_EXPIRED)
    return True


def expire_overdue_orders(*, now: datetime | None = None) -> int:
    """The periodic job: cancel every order past its deadline, one transaction each. Returns how many."""
    now = now or timezone.now()
    expired = 0
    for order in list(list_orders_due_for_expiry(now=now)[:EXPIRY_BATCH]):
        expired += expire_order(order=order, now=now)
    if expired:
        logger.info("Cancelled %s orders past their review deadline", expired)
    return expired


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


@transaction.atomic
def extend_review_deadline(*, order: Order, pharmacist, until: datetime, reason: str = "") -> Order:
    """A pharmacist gives a waiting order more time (e.g. a prescription in the post)."""
    ensure_pharmacist(pharmacist)
    order = order_for_update(order_id=order.pk)
    if order.review_deadline is not None and until <= order.review_deadline:
        raise InvalidReviewDeadline(
            "The new deadline must be later than the current one "
            f"({timezone.localtime(order.review_deadline):%d %B %Y %H:%M}).", field="review_deadline",
        )
    if until <= timezone.now():
        raise InvalidReviewDeadline("The new deadline must be in the future.", field="review_deadline")
    for limit in DEADLINE_LIMITS:
        latest = limit(order)
        if latest is not None and until > latest[0]:
            raise InvalidReviewDeadline(
                f"Order {order.number} can wait no later than {timezone.localtime(latest[0]):%d %B %Y %H:%M}: "
                f"{latest[1]}", field="review_deadline",
            )
    return set_review_deadline(order=order, deadline=until, actor=pharmacist,
                               reason=reason.strip() or "Extended by the pharmacist.")


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
    if deadline <= now or _asked_to_pay_again(order):
        apply_transition(order=order, to_status=OrderStatus.CANCELLED, actor=None,
                         reason=f"{reason} It could not be paid again in time, so the order was cancelled "
                                "and nothing was charged.")
        _return_stock(order)
        record_message(order=order, kind=MessageKind.ORDER_PAYMENT_ENDED)
        return False
    order.review_deadline = deadline
    apply_transition(order=order, to_status=OrderStatus.AWAITING_PAYMENT, actor=None,
                     reason=f"{reason} The shopper is asked to pay again by "
                            f"{timezone.localtime(deadline):%d %B %Y %H:%M}, or the order is cancelled.")
    record_message(order=order, kind=MessageKind.PAYMENT_RETRY)
    return True


def _asked_to_pay_again(order: Order) -> bool:
    return order.messages.filter(kind=MessageKind.PAYMENT_RETRY).exists()
