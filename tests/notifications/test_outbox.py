"""The outbox in-process: recorded with the change, sent once, kept when sending fails."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from checkout.services import place_order
from notifications.exceptions import EmailDeliveryFailed
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import (
    deliver_outbox_message,
    list_due_message_ids,
    redispatch_pending_messages,
    retry_delay,
)
from notifications.tasks import deliver_outbox_message_task
from tests.builders.orders import cart_with, details

pytestmark = pytest.mark.django_db


class FlakySMTPBackend(LocmemBackend):
    """Stands in for a mail server that drops the connection (the outside boundary)."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures_left > 0:
            FlakySMTPBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.FlakySMTPBackend"
    yield FlakySMTPBackend
    FlakySMTPBackend.failures_left = 0


def test_message_is_recorded_with_the_order_but_only_sent_after_commit(
    user, gsl_pack, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
        assert OutboxMessage.objects.get(order=order).status == OutboxStatus.PENDING
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_message_is_written_leased_and_its_hand_over_after_commit_writes_nothing(
    user, gsl_pack, settings, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.OUTBOX_DISPATCH_LEASE_SECONDS = 120
    handed = []
    monkeypatch.setattr(deliver_outbox_message_task, "delay", handed.append)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)

    with django_assert_num_queries(0):
        callbacks[0]()

    assert handed == [message.pk]
    assert before <= message.last_dispatched_at <= timezone.now()
    assert message.next_attempt_at == message.last_dispatched_at + timedelta(seconds=120)
    assert message.pk not in list_due_message_ids(now=message.next_attempt_at - timedelta(seconds=1))
    assert message.pk in list_due_message_ids(now=message.next_attempt_at)  # a hand-over lost: sent again


def test_failed_send_keeps_the_message_pending_and_a_retry_sends_it_once(user, gsl_pack, flaky_mail,
                                                                         django_capture_on_commit_callbacks):
    flaky_mail.failures_left = 1
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)

    with pytest.raises(EmailDeliveryFailed):
        deliver_outbox_message(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "SMTPServerDisconnected"  # by class: smtplib texts can name recipients

    assert deliver_outbox_message(message_id=message.pk) is True
    assert deliver_outbox_message(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_message_is_given_up_after_the_last_attempt(user, gsl_pack, flaky_mail, settings,
                                                    django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    flaky_mail.failures_left = 4
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)
    for _ in range(4):
        with pytest.raises(EmailDeliveryFailed):
            deliver_outbox_message(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.FAILED, 4, None)
    assert deliver_outbox_message(message_id=message.pk) is False
    assert redispatch_pending_messages(now=timezone.now() + timedelta(days=1)) == 0


def test_redispatch_hands_over_only_messages_whose_attempt_is_due(user, gsl_pack, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        stale = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="a")
        fresh = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="b")
    OutboxMessage.objects.filter(order=stale).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    handed = redispatch_pending_messages()

    assert handed == 1
    assert OutboxMessage.objects.get(order=stale).status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(order=fresh).status == OutboxStatus.PENDING
    assert [stale.number in email.subject for email in mail.outbox] == [True]


class ReceivedThenDroppedBackend(LocmemBackend):
    """A mail server that takes the message and then drops the connection before answering: the
    sender cannot know it was delivered, so it will send it again."""

    drops_left = 0

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if ReceivedThenDroppedBackend.drops_left > 0:
            ReceivedThenDroppedBackend.drops_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return sent


def _placed_message(user, pack, callbacks_fixture, key="k") -> OutboxMessage:
    with callbacks_fixture(execute=False):
        order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key=key)
    return OutboxMessage.objects.get(order=order)


def test_the_delivery_task_does_not_retry_itself_a_failure_waits_for_redispatch(
    user, gsl_pack, flaky_mail, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 30
    flaky_mail.failures_left = 100
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)

    before = timezone.now()
    assert deliver_outbox_message_task.apply(args=[message.pk]).get() is False

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sending_until) == (OutboxStatus.PENDING, 1, None)
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    assert redispatch_pending_messages() == 0  # not due yet: nothing else schedules it
    assert redispatch_pending_messages(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert message.attempts == 2


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 10
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 50
    assert [retry_delay(attempts=n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 50, 50]


def test_a_failing_attachment_counts_attempts_and_ends_failed_with_its_error(
    user, gsl_pack, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2

    def broken_pdf(order):
        raise RuntimeError("PDF renderer crashed")

    monkeypatch.setattr("orders.emails.leaflet_attachments", broken_pdf)
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)

    for _ in range(2):
        with pytest.raises(EmailDeliveryFailed):
            deliver_outbox_message(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    assert message.last_error == "RuntimeError: PDF renderer crashed"
    assert mail.outbox == []


def test_a_resend_after_an_unanswered_send_carries_the_same_message_id(
    user, gsl_pack, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.ReceivedThenDroppedBackend"
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "shop.example"
    ReceivedThenDroppedBackend.drops_left = 1
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)

    with pytest.raises(EmailDeliveryFailed):
        deliver_outbox_message(message_id=message.pk)
    assert deliver_outbox_message(message_id=message.pk) is True

    assert [email.extra_headers["Message-ID"] for email in mail.outbox] == [
        f"<outbox-{message.pk}.order_placed@shop.example>"
    ] * 2
    assert mail.outbox[0].message()["Message-ID"] == f"<outbox-{message.pk}.order_placed@shop.example>"


def test_a_duplicate_task_steps_aside_while_another_worker_is_sending(
    user, gsl_pack, django_capture_on_commit_callbacks
):
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=1, sending_until=timezone.now() + timedelta(minutes=1))

    assert deliver_outbox_message(message_id=message.pk) is False
    assert redispatch_pending_messages(now=timezone.now() + timedelta(seconds=30)) == 0

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert mail.outbox == []


def test_a_message_whose_worker_died_is_handed_over_again_after_its_lease(
    user, gsl_pack, django_capture_on_commit_callbacks
):
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)
    expired = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=1, sending_until=expired, next_attempt_at=expired)

    assert redispatch_pending_messages() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_redispatch_takes_the_soonest_due_first_and_never_failed_messages(
    user, gsl_pack, django_capture_on_commit_callbacks
):
    now = timezone.now()
    poison = [_placed_message(user, gsl_pack, django_capture_on_commit_callbacks, key=f"p{i}") for i in range(3)]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in poison]).update(
        status=OutboxStatus.FAILED, attempts=12, next_attempt_at=None
    )
    retried = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks, key="r")
    OutboxMessage.objects.filter(pk=retried.pk).update(attempts=3, next_attempt_at=now + timedelta(minutes=8))
    waiting = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks, key="w")
    OutboxMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=now - timedelta(minutes=1))

    assert list_due_message_ids(now=now + timedelta(minutes=10), limit=1) == [waiting.pk]
    assert list_due_message_ids(now=now + timedelta(minutes=10)) == [waiting.pk, retried.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_task_steps_aside_at_once_while_the_row_is_locked(user, gsl_pack):
    import threading

    from django.db import connections, transaction

    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING, sent_at=None, attempts=0)
    mail.outbox.clear()
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk=message.pk))
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        assert deliver_outbox_message(message_id=message.pk) is False  # skip_locked: no wait, no send
    finally:
        release.set()
        holder.join(timeout=10)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert mail.outbox == []


def test_a_failed_message_shows_its_error_in_the_admin(admin_client, user, gsl_pack,
                                                      django_capture_on_commit_callbacks):
    message = _placed_message(user, gsl_pack, django_capture_on_commit_callbacks)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, attempts=12, last_error="TemplateSyntaxError: Invalid block tag 'endfor'"
    )

    page = admin_client.get(f"/admin/notifications/outboxmessage/{message.pk}/change/")

    assert page.status_code == 200
    assert "TemplateSyntaxError: Invalid block tag" in page.content.decode()


class LockProbingBackend(LocmemBackend):
    """While "talking to the mail server", checks from another connection whether the row is locked."""

    message_pk = None
    row_was_free = None

    def send_messages(self, messages):
        import threading

        from django.db import DatabaseError, connections, transaction

        def probe():
            try:
                with transaction.atomic():
                    list(OutboxMessage.objects.select_for_update(nowait=True).filter(pk=LockProbingBackend.message_pk))
                LockProbingBackend.row_was_free = True
            except DatabaseError:
                LockProbingBackend.row_was_free = False
            finally:
                connections.close_all()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(timeout=10)
        return super().send_messages(messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_mail_server_is_talked_to(user, gsl_pack, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.LockProbingBackend"
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING, sent_at=None, attempts=0)
    LockProbingBackend.message_pk, LockProbingBackend.row_was_free = message.pk, None

    assert deliver_outbox_message(message_id=message.pk) is True

    assert LockProbingBackend.row_was_free is True


def test_the_delivery_task_has_a_time_limit_and_smtp_a_timeout(settings):
    assert deliver_outbox_message_task.soft_time_limit == settings.OUTBOX_TASK_TIME_LIMIT_SECONDS
    assert deliver_outbox_message_task.time_limit > deliver_outbox_message_task.soft_time_limit
    assert settings.OUTBOX_SENDING_LEASE_SECONDS > deliver_outbox_message_task.time_limit
    assert settings.EMAIL_TIMEOUT and settings.EMAIL_TIMEOUT < settings.OUTBOX_TASK_TIME_LIMIT_SECONDS


class TornBrokerConnection(ValueError):
    """What the Redis client raised when its connection was torn down mid-use: not a kombu error."""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["broker raises an unexpected error", "hand-over itself fails"])
def test_a_failed_hand_over_after_commit_never_fails_the_checkout(shopper_client, user, gsl_pack, monkeypatch,
                                                                    failure):
    from tests.builders.api import checkout

    def torn(*args, **kwargs):
        raise TornBrokerConnection("I/O operation on closed file.")

    if failure == "broker raises an unexpected error":
        monkeypatch.setattr(deliver_outbox_message_task, "delay", torn)
    else:  # the robust on_commit hook itself must be loggable: Django logs it by its __qualname__
        monkeypatch.setattr("notifications.services.dispatch_message", torn)
    cart_with(user, (gsl_pack, 1))

    response = checkout(shopper_client, key=f"torn-{len(failure)}")

    assert response.status_code == 201, response.content
    message = OutboxMessage.objects.get(order__number=response.json()["number"])
    assert message.status == OutboxStatus.PENDING  # still due: re-dispatch hands it over later
    assert message.pk in list_due_message_ids(now=timezone.now() + timedelta(minutes=10))
