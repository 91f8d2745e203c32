"""The order's own moves after placement: cancel and deliver, with their side effects. The table of
allowed moves, and the one function applying it, are in orders.state_machine; the pharmacist's release,
refusal and the dispatch are dispensing's (dispensing.approval).
"""

from django.db import transaction

from catalog.services import release_stock
from notifications.services import record_message

from ..exceptions import InvalidOrderTransition, NotAllowed
from ..locks import order_for_update
from ..models import LineDecision, MessageKind, Order, OrderStatus
from ..state_machine import ALLOWED_TRANSITIONS, CANCELLABLE_STATES, apply_transition
from .staff import ensure_may_change_orders

__all__ = ["ALLOWED_TRANSITIONS", "cancel_order", "mark_order_delivered", "return_stock"]


def return_stock(order: Order) -> None:
    """Put back the units the order still holds (a refused line gave its units back when it was refused)."""
    quantities: dict[int, int] = {}
    for pack_id, quantity in order.lines.exclude(decision=LineDecision.REFUSED).values_list("pack_id", "quantity"):
        quantities[pack_id] = quantities.get(pack_id, 0) + quantity
    release_stock(quantities=quantities)


@transaction.atomic
def cancel_order(*, order: Order, actor, reason: str = "") -> Order:
    """The shopper may cancel their own order before dispatch; so may staff. The stock goes back."""
    order = order_for_update(order_id=order.pk)
    if order.user_id != actor.pk:
        if not actor.is_staff:
            raise NotAllowed("You can only cancel your own orders.")
        ensure_may_change_orders(actor, doing="cancel orders")
    if order.status not in CANCELLABLE_STATES:
        raise InvalidOrderTransition(
            f"Order {order.number} is {order.get_status_display().lower()} and can no longer be cancelled.",
            field="status",
        )
    apply_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor,
                reason=reason.strip() or ("Cancelled by staff." if actor.pk != order.user_id else "Cancelled by you."))
    return_stock(order)
    record_message(order=order, kind=MessageKind.ORDER_CANCELLED)
    return order


@transaction.atomic
def mark_order_delivered(*, order: Order, actor, note: str = "") -> Order:
    ensure_may_change_orders(actor, doing="record a delivery")
    order = order_for_update(order_id=order.pk)
    return apply_transition(order=order, to_status=OrderStatus.DELIVERED, actor=actor, reason=note or "Delivered.")
