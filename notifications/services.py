"""The outbox: a message is written in the same transaction as the change it reports, handed to
Celery only after commit, and sent at least once.

One owner schedules retries: the periodic re-dispatch (`redispatch_pending_messages`, run by beat).
The delivery task never retries itself. Each failed attempt moves the message's `next_attempt_at`
forward on an exponential schedule (settings OUTBOX_RETRY_*), and after OUTBOX_MAX_ATTEMPTS it is
FAILED, with its error in the admin. Re-dispatch takes the messages whose attempt is due, oldest due
first, so a message that keeps failing goes to the back and cannot starve the others.

No row lock is held while talking to the mail server: a worker claims the message in a short
transaction (`sending_until`, a lease longer than the task's time limit), sends, and records the
outcome in a second short transaction. A duplicate task steps aside while the claim holds. A worker
that dies mid-send leaves the claim to expire; re-dispatch then hands the message over again, and
the resend carries the same Message-ID (`outbox_message_id`). Delivery is therefore at least once;
a duplicate shares its Message-ID.

The outbox imports no app: each app registers, at its AppConfig.ready(), the builder that writes the
e-mail of each kind it owns (registry.py), and the sender looks the builder up by the message's kind.
"""

import logging
import smtplib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from pharmacy.compiled_insert import CompiledInsert
from pharmacy.compiled_query import CompiledUpdate

from .exceptions import EmailDeliveryFailed, NotAllowed
from .locks import outbox_message_for_update
from .models import OutboxMessage, OutboxStatus
from .registry import builder_for, is_each_time, lookup

logger = logging.getLogger(__name__)

REDISPATCH_BATCH = 500
_MESSAGE = CompiledInsert(OutboxMessage)  # most changes write one: compiled once per process


def record_message(*, order: Model, kind: str, first: bool = False) -> OutboxMessage:
    """Inside the caller's transaction: write the message about `order` (an orders.Order: the outbox imports
    no app), and queue it once the change commits. A kind registered `each_time` (a refused line) is a new
    message every time; any other, once per order. An unregistered kind raises UnknownMessageKind.
    `first`: the caller knows the order has no message of this kind yet (it has just been placed or
    paid for the first time), so it is written without looking for one; the database's unique
    constraint still refuses a second."""
    lookup(kind)
    # Written leased, as handing it over would lease it (dispatch_message): the hand-over after commit then
    # writes nothing, and a process that dies before it leaves the message to re-dispatch once the lease ends.
    now = timezone.now()
    leased = {"last_dispatched_at": now, "next_attempt_at": _dispatch_lease_end(now)}
    if is_each_time(kind) or first:
        message = _MESSAGE.create(order=order, kind=kind, recipient=order.email, **leased)
        created = True
    else:
        message, created = OutboxMessage.objects.get_or_create(
            order=order, kind=kind, defaults={"recipient": order.email, **leased}
        )
    if created:
        _dispatch_after_commit(message, leased=True)
    return message


def _dispatch_after_commit(message: OutboxMessage, *, leased: bool = False) -> None:
    """Hand the message over once the change commits. Robust: the change has committed, so a failed
    hand-over (even the database going away) must not turn it into an error; the message stays due, and
    re-dispatch hands it over later. A named function, not a functools.partial: Django logs a robust
    hook's failure by its __qualname__, which a partial lacks, and would raise from the log call."""
    message_id = message.pk

    def dispatch_committed_message() -> None:
        dispatch_message(message_id=message_id, leased=leased)

    transaction.on_commit(dispatch_committed_message, robust=True)


def record_account_message(*, user, kind: str, recipient: str | None = None) -> OutboxMessage:
    """Inside the caller's transaction: a message about an account (e-mail verification, password reset).
    The row holds only user and kind; the link's token is computed when it is sent. An unregistered kind
    raises UnknownMessageKind. `recipient`: an address other than the account's current one (the address an
    erased account had)."""
    lookup(kind)
    message = OutboxMessage.objects.create(user=user, kind=kind, recipient=recipient or user.email)
    _dispatch_after_commit(message)
    return message


def outbox_message_id(*, message: OutboxMessage) -> str:
    """A Message-ID that is the same for every send of this row, so duplicates can be recognised."""
    domain = settings.OUTBOX_MESSAGE_ID_DOMAIN
    return f"<outbox-{message.pk}.{message.kind}@{domain}>"


def retry_delay(*, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts−1), capped."""
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _dispatch_lease_end(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.OUTBOX_DISPATCH_LEASE_SECONDS)


# Every message is leased as it is handed over: compiled once per process (pharmacy.compiled_query).
_LEASE_PENDING_MESSAGE = CompiledUpdate(
    OutboxMessage, lambda *, message_id, now, lease_end: (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING),
        {"last_dispatched_at": now, "next_attempt_at": lease_end},
    ),
    message_id=-4_242_491, now=datetime(1901, 6, 7, 8, 9, 10, 13, tzinfo=UTC),
    lease_end=datetime(1901, 6, 7, 8, 9, 10, 14, tzinfo=UTC),
)


def dispatch_message(*, message_id: int, leased: bool = False) -> bool:
    """Hand a message to Celery. Never raises for a broker outage: the outbox row is the record.

    Handing over pushes the next re-dispatch back by OUTBOX_DISPATCH_LEASE_SECONDS (time for a worker
    to pick it up); if the broker refuses, the message is due again at once. `leased`: the message was
    written with its lease by the transaction that just committed (record_message), so the hand-over
    writes nothing more: a commit less for every change that writes a message.
    """
    from .tasks import deliver_outbox_message_task  # tasks import services; resolve at call time

    now = timezone.now()
    if not leased:
        _LEASE_PENDING_MESSAGE.run(message_id=message_id, now=now, lease_end=_dispatch_lease_end(now))
    try:
        deliver_outbox_message_task.delay(message_id)
    except Exception as error:  # noqa: BLE001 - whatever the broker client raises, the outbox row is the record
        # Outages raise kombu's and the socket's errors; a connection torn down mid-use can also surface
        # as a ValueError from the Redis client. None of them may fail the request that wrote the message.
        logger.warning("Broker unavailable; outbox message %s stays pending for re-dispatch: %r", message_id, error)
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).update(next_attempt_at=now)
        return False
    return True


def list_due_message_ids(*, now: datetime, limit: int = REDISPATCH_BATCH) -> list[int]:
    """Pending messages whose attempt is due and that no worker is sending, soonest due first."""
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lte=now))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def redispatch_pending_messages(*, now: datetime | None = None) -> int:
    """Re-queue the messages whose next attempt is due (a failed send, a dead worker, a broker outage)."""
    now = timezone.now() if now is None else now
    return sum(dispatch_message(message_id=message_id) for message_id in list_due_message_ids(now=now))


def _claim(*, message_id: int) -> OutboxMessage | None:
    """Short transaction: count an attempt and take the sending lease, or step aside (None)."""
    now = timezone.now()
    with transaction.atomic():
        message = outbox_message_for_update(message_id=message_id, skip_locked=True)
        if message is None or message.status != OutboxStatus.PENDING:
            return None
        if message.sending_until is not None and message.sending_until > now:
            return None  # another worker is sending it right now
        lease = timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
        message.attempts += 1
        message.sending_until = now + lease
        message.next_attempt_at = now + lease  # re-dispatch waits for the lease if this worker dies
        message.save(update_fields=["attempts", "sending_until", "next_attempt_at"])
        return message


def deliver_outbox_message(*, message_id: int) -> bool:
    """Send one message if it is pending and nobody else is sending it. Returns True if this call sent it.

    Raises EmailDeliveryFailed when the attempt failed, for whatever reason (mail server, template,
    attachment, a kind no app registered a builder for); the message then waits for its next scheduled
    attempt, or is FAILED after the last. The e-mail is built by the builder its kind's app registered.
    """
    message = _claim(message_id=message_id)
    if message is None:
        return False
    try:
        email = build_email(message=message)
        email.extra_headers["Message-ID"] = outbox_message_id(message=message)
        email.send(fail_silently=False)
    except Exception as error:  # the task boundary: any failure is one failed attempt, recorded
        _record_failure(message=message, error=error)
        raise EmailDeliveryFailed(f"Outbox message {message_id}: {describe_error(error)}") from error
    forget = {"recipient": ""} if lookup(message.kind).forget_recipient else {}
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="", sending_until=None, next_attempt_at=None,
        **forget,
    )
    return True


CHANGE_OUTBOX_MESSAGE = "notifications.change_outboxmessage"


def send_messages_again(*, actor, message_ids: list[int]) -> int:
    """Hand these outbox messages, those still pending, to the workers now. Returns how many were handed.
    Needs the change permission on outbox messages, not `is_staff` alone."""
    if not (actor is not None and actor.is_active and actor.is_staff and actor.has_perm(CHANGE_OUTBOX_MESSAGE)):
        raise NotAllowed(
            "Only pharmacy staff with permission to change outbox messages can send them again.", field="actor"
        )
    pending = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PENDING).order_by("pk")
    return sum(dispatch_message(message_id=pk) for pk in pending.values_list("pk", flat=True))


def build_email(*, message: OutboxMessage) -> EmailMessage:
    """The message's e-mail, written by the builder its kind's app registered (UnknownMessageKind if none)."""
    return builder_for(message.kind)(message=message)


def describe_error(error: Exception) -> str:
    """An SMTP error by its class (and reply code), never its text: smtplib's texts name the recipients
    (SMTPRecipientsRefused is a dict of them), and an address is personal data. Other errors (a template,
    an attachment) keep their text, which names no one."""
    if not isinstance(error, smtplib.SMTPException):
        return f"{type(error).__name__}: {error}"[:2000]
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} (SMTP {code})" if code else type(error).__name__


def _record_failure(*, message: OutboxMessage, error: Exception) -> None:
    now = timezone.now()
    failed = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        last_error=describe_error(error),
        sending_until=None,
        status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
        next_attempt_at=None if failed else now + retry_delay(attempts=message.attempts),
    )
    if failed:
        logger.error(
            "Giving up on outbox message %s after %s attempts: %s", message.pk, message.attempts, describe_error(error)
        )
    else:
        logger.warning("Outbox message %s attempt %s failed: %s", message.pk, message.attempts, describe_error(error))
