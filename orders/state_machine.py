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

from datetime import UTC, datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import DateTimeField
from django.utils import timezone

from pharmacy.compiled_insert import CompiledInsert
from pharmacy.compiled_query import CompiledUpdate

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
    moved = _move_if_unchanged(order=order, to_status=to_status, now=now, changes=changes)
    if not moved:
        return False
    for name, value in {**changes, "status": to_status, "updated_at": now}.items():
        setattr(order, name, value)
    _record(order=order, from_status=from_status, actor=actor, reason=reason)
    return True


# Checkout moves every paid order on with the same UPDATE: compiled once per process (pharmacy.compiled_query)
# for each shape it takes (released or not, which times change with the status).
_COMPILED_MOVES: dict[tuple, CompiledUpdate] = {}
_STAND_IN_TIME = datetime(1901, 8, 9, 10, 11, 12, 100, tzinfo=UTC)


def _move_if_unchanged(*, order: Order, to_status: str, now: datetime, changes: dict) -> int:
    released = order.released_by_id is not None
    values = {"order_id": order.pk, "from_status": order.status, "to_status": to_status, "now": now,
              **({"released_by_id": order.released_by_id} if released else {}), **changes}
    if not all(isinstance(Order._meta.get_field(name), DateTimeField) for name in changes):
        return _moved(**values)  # no stand-in for it: built as Django builds it
    shape = (released, tuple(changes))
    move = _COMPILED_MOVES.get(shape)
    if move is None:
        stand_ins = {"order_id": -4_242_451, "from_status": "\x1fcompiled from\x1f", "to_status": "\x1fcompiled to\x1f",
                     "now": _STAND_IN_TIME, **({"released_by_id": -4_242_452} if released else {}),
                     **{name: _STAND_IN_TIME + timedelta(microseconds=index + 1) for index, name in enumerate(changes)}}
        move = _COMPILED_MOVES[shape] = CompiledUpdate(Order, _move, **stand_ins)
    return move.run(**values)


def _move(*, order_id: int, from_status: str, to_status: str, now: datetime, released_by_id: int | None = None,
          **changes):
    """The order to `to_status`, with `changes`, while it is as read: as update() takes them."""
    still = Order.objects.filter(pk=order_id, status=from_status, released_by=released_by_id)
    return still, {"status": to_status, "updated_at": now, **changes}


def _moved(**values) -> int:
    queryset, changes = _move(**values)
    return queryset.update(**changes)


def _record(*, order: Order, from_status: str, actor, reason: str) -> None:
    """Who moved the order, when and why; and the listeners, once the transaction commits."""
    _EVENT.create(order=order, from_status=from_status, to_status=order.status, actor=actor, reason=reason)
    for listener in TRANSITION_LISTENERS:
        transaction.on_commit(partial(listener, order.pk, from_status, str(order.status)))
