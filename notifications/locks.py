"""Every row lock of the outbox. A message is locked alone, holding no other row lock."""

from .models import OutboxMessage


def outbox_message_for_update(*, message_id: int, skip_locked: bool = False) -> OutboxMessage | None:
    """The message, locked; with `skip_locked`, None when another transaction holds it (a duplicate steps aside).
    of=("self",): the order and user are optional (outer joins), and only the message is locked."""
    messages = OutboxMessage.objects.select_for_update(of=("self",), skip_locked=skip_locked)
    return messages.select_related("order", "user").filter(pk=message_id).first()
