"""Every row lock of the orders app. Order before prescription before packs, always, so that the
review, cancellation and checkout paths take locks in one global order and cannot deadlock."""

from .models import Order, OutboxMessage, Prescription


def order_for_update(*, order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def prescription_for_update(*, prescription_id: int) -> Prescription:
    return Prescription.objects.select_for_update().get(pk=prescription_id)


def outbox_message_for_update(*, message_id: int, skip_locked: bool = False) -> OutboxMessage | None:
    """The message, locked; with `skip_locked`, None when another transaction holds it (a duplicate steps aside).
    of=("self",): the order and user are optional (outer joins), and only the message is locked."""
    messages = OutboxMessage.objects.select_for_update(of=("self",), skip_locked=skip_locked)
    return messages.select_related("order", "user").filter(pk=message_id).first()
