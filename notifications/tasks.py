"""Tasks take ids, load rows and call one service. Both are safe to run twice.

The delivery task does not retry itself: beat's re-dispatch owns the retry schedule (see
notifications.services), so one failed attempt never starts a second chain of retries.

The task names are those they had when the outbox lived in orders: messages already queued under those
names, and beat's schedule, keep reaching them.
"""

import logging

from celery import shared_task
from django.conf import settings

from .exceptions import EmailDeliveryFailed
from .services import deliver_outbox_message, redispatch_pending_messages

logger = logging.getLogger(__name__)


@shared_task(
    name="orders.tasks.deliver_outbox_message_task",
    soft_time_limit=settings.OUTBOX_TASK_TIME_LIMIT_SECONDS,
    time_limit=settings.OUTBOX_TASK_TIME_LIMIT_SECONDS + 5,
)
def deliver_outbox_message_task(message_id: int) -> bool:
    try:
        return deliver_outbox_message(message_id=message_id)
    except EmailDeliveryFailed as failure:
        logger.warning("%s; re-dispatch will try again when it is due", failure)
        return False


@shared_task(name="orders.tasks.dispatch_pending_outbox_task")
def dispatch_pending_outbox_task() -> int:
    return redispatch_pending_messages()
