"""The outbox: a message is written in the same transaction as the change it reports, handed to
Celery only after commit, and marked sent exactly once under a row lock.

If the broker is down at commit time the order still succeeds: the message stays pending and
`redispatch_pending_messages` (a periodic task) hands it over again once the broker is back.
"""

import logging
from datetime import timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError, OperationalError

from ..emails import build_email
from ..exceptions import EmailDeliveryFailed
from ..locks import outbox_message_for_update
from ..models import Order, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


def record_message(*, order: Order, kind: str) -> OutboxMessage:
    """Inside the caller's transaction: write the message, and queue it once the change commits."""
    message, created = OutboxMessage.objects.get_or_create(order=order, kind=kind, defaults={"recipient": order.email})
    if created:
        transaction.on_commit(partial(dispatch_message, message_id=message.pk))
    return message


def record_account_message(*, user, kind: str) -> OutboxMessage:
    """Inside the caller's transaction: a message about an account (e-mail verification, password reset).
    The row holds only user and kind; the link's token is computed when it is sent."""
    message = OutboxMessage.objects.create(user=user, kind=kind, recipient=user.email)
    transaction.on_commit(partial(dispatch_message, message_id=message.pk))
    return message


def dispatch_message(*, message_id: int) -> bool:
    """Hand a message to Celery. Never raises for a broker outage: the outbox row is the record."""
    from ..tasks import deliver_outbox_message_task  # tasks import services; resolve at call time

    OutboxMessage.objects.filter(pk=message_id).update(last_dispatched_at=timezone.now())
    try:
        deliver_outbox_message_task.delay(message_id)
    except (OperationalError, KombuError, OSError) as error:
        logger.warning("Broker unavailable; outbox message %s stays pending for re-dispatch: %s", message_id, error)
        return False
    return True


def redispatch_pending_messages(*, older_than: timedelta | None = None) -> int:
    """Re-queue messages that are still pending after a while (the broker was down, or a worker died)."""
    older_than = timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS) if older_than is None else older_than
    cutoff = timezone.now() - older_than
    pending = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, created_at__lte=cutoff)
        .exclude(last_dispatched_at__gt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    return sum(dispatch_message(message_id=message_id) for message_id in list(pending))


def deliver_outbox_message(*, message_id: int) -> bool:
    """Send one message if it has not been sent. Returns True if this call sent it.

    The row lock makes a duplicate delivery of the task (brokers deliver at least once) wait and then
    find the message already sent.
    """
    with transaction.atomic():
        message = outbox_message_for_update(message_id=message_id)
        if message is None or message.status != OutboxStatus.PENDING:
            return False
        message.attempts += 1
        try:
            build_email(message=message).send(fail_silently=False)
        except (SMTPException, OSError) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("Giving up on outbox message %s after %s attempts", message.pk, message.attempts)
            message.save(update_fields=["attempts", "last_error", "status"])
            failure = error
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
            return True
    raise EmailDeliveryFailed(f"Outbox message {message_id}: {failure}") from failure
