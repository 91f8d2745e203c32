"""What staff may do to orders, decided by Django permissions, not by `is_staff` alone: a view-only
member of staff can look, but dispatching, recording a delivery and cancelling someone else's order
need the change permission. (Sending outbox messages again: notifications.services.)"""

from ..exceptions import NotAllowed

CHANGE_ORDER = "orders.change_order"


def may_change_orders(actor) -> bool:
    return bool(actor is not None and actor.is_active and actor.is_staff and actor.has_perm(CHANGE_ORDER))


def ensure_may_change_orders(actor, *, doing: str) -> None:
    """Raises NotAllowed naming what was refused (`doing`, e.g. "dispatch orders")."""
    if not may_change_orders(actor):
        raise NotAllowed(f"Only pharmacy staff with permission to change orders can {doing}.", field="actor")

