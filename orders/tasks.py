"""Tasks take ids, load rows and call one service. Both are safe to run twice."""

from celery import shared_task

from .exceptions import EmailDeliveryFailed
from .services import deliver_outbox_message, expire_overdue_orders, redispatch_pending_messages


@shared_task(
    bind=True, autoretry_for=(EmailDeliveryFailed,), retry_backoff=5, retry_backoff_max=600, retry_jitter=True,
    max_retries=8,
)
def deliver_outbox_message_task(self, message_id: int) -> bool:
    return deliver_outbox_message(message_id=message_id)


@shared_task
def dispatch_pending_outbox_task() -> int:
    return redispatch_pending_messages()


@shared_task
def expire_overdue_orders_task() -> int:
    """Periodic: cancel orders still waiting at their review deadline (each re-checked under its lock)."""
    return expire_overdue_orders()
