"""Expiry: at its deadline (`Order.review_deadline`, orders.services.deadlines) a waiting order is
cancelled by a periodic task, its stock returned and the shopper told why. A pharmacist may give a
waiting order more time.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from notifications.services import record_message
from orders.exceptions import InvalidReviewDeadline
from orders.locks import order_for_update
from orders.models import MessageKind, Order, OrderStatus
from orders.services.deadlines import DEADLINE_LIMITS, asked_to_pay_again, set_review_deadline
from orders.services.pipeline import return_stock
from orders.state_machine import apply_transition
from prescriptions.services.originals import original_in_hand_condition
from prescriptions.services.prescriptions import ensure_pharmacist

logger = logging.getLogger(__name__)

EXPIRY_BATCH = 200


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
        prefix="prescription__"
    )
    # Approved but not suppliable as it stands (supply.py): staff had until the deadline to supply
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
    was_unpaid = locked.status == OrderStatus.AWAITING_PAYMENT and not asked_to_pay_again(locked)
    what = {
        OrderStatus.AWAITING_REVIEW: "Not reviewed by its deadline",
        OrderStatus.AWAITING_PAYMENT: "No card payment was authorised in time",
    }.get(locked.status, "The original prescription did not reach us by the deadline")
    outcome = "nothing was charged"
    if locked.cannot_supply_since is not None:
        what, outcome = "We could not supply it by its deadline", "any payment is refunded in full"
    apply_transition(
        order=locked,
        to_status=OrderStatus.CANCELLED,
        actor=None,
        reason=f"{what} ({deadline}); the order was cancelled and {outcome}.",
    )
    return_stock(locked)
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
def extend_review_deadline(*, order: Order, pharmacist, until: datetime, reason: str = "") -> Order:
    """A pharmacist gives a waiting order more time (e.g. a prescription in the post)."""
    ensure_pharmacist(pharmacist)
    order = order_for_update(order_id=order.pk)
    if order.review_deadline is not None and until <= order.review_deadline:
        raise InvalidReviewDeadline(
            "The new deadline must be later than the current one "
            f"({timezone.localtime(order.review_deadline):%d %B %Y %H:%M}).",
            field="review_deadline",
        )
    if until <= timezone.now():
        raise InvalidReviewDeadline("The new deadline must be in the future.", field="review_deadline")
    for limit in DEADLINE_LIMITS:
        latest = limit(order)
        if latest is not None and until > latest[0]:
            raise InvalidReviewDeadline(
                f"Order {order.number} can wait no later than {timezone.localtime(latest[0]):%d %B %Y %H:%M}: "
                f"{latest[1]}",
                field="review_deadline",
            )
    return set_review_deadline(
        order=order, deadline=until, actor=pharmacist, reason=reason.strip() or "Extended by the pharmacist."
    )
