"""What staff may do to orders and their messages, decided by Django permissions, not by `is_staff`
alone: a view-only member of staff can look, but dispatching, recording a delivery, cancelling
someone else's order and sending messages again need the change permission."""

from ..exceptions import NotAllowed
from ..models import OutboxMessage, OutboxStatus

CHANGE_ORDER = "orders.change_order"
CHANGE_OUTBOX_MESSAGE = "orders.change_outboxmessage"


def may_change_orders(actor) -> bool:
    return bool(actor is not None and actor.is_active and actor.is_staff and actor.has_perm(CHANGE_ORDER))


def ensure_may_change_orders(actor, *, doing: str) -> None:
    """Raises NotAllowed naming what was refused (`doing`, e.g. "dispatch orders")."""
    if not may_change_orders(actor):
        raise NotAllowed(f"Only pharmacy staff with permission to change orders can {doing}.", field="actor")


def send_messages_again(*, actor, message_ids: list[int]) -> int:
    """Hand these outbox messages, those still pending, to the workers now. Returns how many were handed."""
    from .notifications import dispatch_message

    if not (actor is not None and actor.is_active and actor.is_staff and actor.has_perm(CHANGE_OUTBOX_MESSAGE)):
        raise NotAllowed("Only pharmacy staff with permission to change outbox messages can send them again.",
                         field="actor")
    pending = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PENDING).order_by("pk")
    return sum(dispatch_message(message_id=pk) for pk in pending.values_list("pk", flat=True))
