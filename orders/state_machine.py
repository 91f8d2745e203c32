"""The order's state machine: one table, one function that applies it. Every other module asks here.

    awaiting_payment -> awaiting_review | approved | cancelled   (the card is authorised, or never is)
    awaiting_review | approved -> awaiting_payment    (the card's hold ended uncaptured: pay again)
    awaiting_review -> approved -> dispatched -> delivered
          |     ^         |
          |     +---------+  reopened: the paper original does not match what was approved
          +-> rejected    +-> cancelled            (and awaiting_review -> cancelled)

`awaiting_review` covers every order with a P (pharmacy-only) or POM (prescription-only) line: a
pharmacist decides each such line (OrderLine.decision). An order of general-sale items alone is placed
straight into `approved`. The database refuses what the table refuses where it can: an order with a P or
POM line is never approved, dispatched or delivered without a pharmacist's decision (`released_by`), and
one with a POM line never without an approved prescription (see Order.Meta.constraints).

Side effects (stock, messages) belong to the services that call `apply_transition`
(orders.services.pipeline, .decisions, .deadlines).
"""

from functools import partial

from django.db import transaction
from django.utils import timezone

from pharmacy.compiled_insert import CompiledInsert

from .exceptions import InvalidOrderTransition
from .locks import fields_changed_since_locked
from .models import Order, OrderEvent, OrderStatus

_EVENT = CompiledInsert(OrderEvent)  # every transition writes one: compiled once per process

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED, OrderStatus.CANCELLED}),
    OrderStatus.AWAITING_REVIEW: frozenset({
        OrderStatus.APPROVED, OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT}),
    OrderStatus.APPROVED: frozenset({
        OrderStatus.DISPATCHED, OrderStatus.CANCELLED, OrderStatus.AWAITING_REVIEW, OrderStatus.AWAITING_PAYMENT}),
    OrderStatus.DISPATCHED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# The states an order still holds stock in and may be cancelled from, and the ones it waits in.
CANCELLABLE_STATES = frozenset(
    state for state, targets in ALLOWED_TRANSITIONS.items() if OrderStatus.CANCELLED in targets)
WAITING_STATES = frozenset({OrderStatus.AWAITING_REVIEW})
# Transition listeners run after the transaction that moved the order commits (payments capture, void
# and refund there: never a network call while the order's row is locked). Each takes
# (order_id, from_status, to_status); registered by the apps that own the side effect.
TRANSITION_LISTENERS: list = []
FINAL_STATES = frozenset(state for state, targets in ALLOWED_TRANSITIONS.items() if not targets)


def can_transition(*, from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def check_transition(*, order: Order, to_status: str) -> None:
    """Raises InvalidOrderTransition unless the table allows `order` to move to `to_status`."""
    if not can_transition(from_status=order.status, to_status=to_status):
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()} and cannot become "
            f"{OrderStatus(to_status).label.lower()}.",
            field="status", current_status=order.status, requested_status=str(to_status),
        )


def apply_transition(*, order: Order, to_status: str, actor, reason: str = "") -> Order:
    """Move a locked `order` to `to_status` and record who, when and why. Runs inside the caller's
    transaction (the caller holds the order's row lock and owns the side effects)."""
    check_transition(order=order, to_status=to_status)
    from_status = order.status
    order.status = to_status
    changed = fields_changed_since_locked(order)
    if changed is None:
        order.save()
    else:  # the status and what the caller set with it: the row's other columns are as they were locked
        order.save(update_fields=[*changed, "updated_at"])
        order._values_as_locked = None
    _record(order=order, from_status=from_status, actor=actor, reason=reason)
    return order


def apply_transition_if_unchanged(*, order: Order, to_status: str, actor, reason: str = "", **changes) -> bool:
    """apply_transition for an order the caller has not locked, read in a state no one else is expected
    to change (checkout's own order, just placed): one conditional UPDATE moves the row to `to_status`,
    with the `changes` ({field: value}) that go with it, only while it is still in the status and release
    `order` was read with. It takes the row's lock, held until the caller's transaction ends. False, with
    nothing written, when the order has moved on: the caller then locks it and reads it afresh."""
    check_transition(order=order, to_status=to_status)
    from_status = order.status
    now = timezone.now()
    moved = Order.objects.filter(pk=order.pk, status=from_status, released_by=order.released_by_id).update(
        status=to_status, updated_at=now, **changes)
    if not moved:
        return False
    for name, value in {**changes, "status": to_status, "updated_at": now}.items():
        setattr(order, name, value)
    _record(order=order, from_status=from_status, actor=actor, reason=reason)
    return True


def _record(*, order: Order, from_status: str, actor, reason: str) -> None:
    """Who moved the order, when and why; and the listeners, once the transaction commits."""
    _EVENT.create(order=order, from_status=from_status, to_status=order.status, actor=actor, reason=reason)
    for listener in TRANSITION_LISTENERS:
        transaction.on_commit(partial(listener, order.pk, from_status, str(order.status)))
