"""The outbox in-process: recorded with the change, sent once, kept when sending fails."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from orders.exceptions import EmailDeliveryFailed
from orders.models import OutboxMessage, OutboxStatus
from orders.services import deliver_outbox_message, place_order, redispatch_pending_messages
from orders.services.notifications import MAX_ATTEMPTS

from .helpers import cart_with, details

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
    settings.EMAIL_BACKEND = "tests.orders.test_outbox.FlakySMTPBackend"
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
    assert "Connection unexpectedly closed" in message.last_error

    assert deliver_outbox_message(message_id=message.pk) is True
    assert deliver_outbox_message(message_id=message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_message_is_given_up_after_the_last_attempt(user, gsl_pack, flaky_mail, django_capture_on_commit_callbacks):
    flaky_mail.failures_left = MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    message = OutboxMessage.objects.get(order=order)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(EmailDeliveryFailed):
            deliver_outbox_message(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)


def test_redispatch_hands_over_only_messages_pending_for_a_while(user, gsl_pack, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        stale = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="a")
        fresh = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="b")
    OutboxMessage.objects.filter(order=stale).update(created_at=timezone.now() - timedelta(minutes=5))

    handed = redispatch_pending_messages(older_than=timedelta(minutes=1))

    assert handed == 1
    assert OutboxMessage.objects.get(order=stale).status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(order=fresh).status == OutboxStatus.PENDING
    assert [stale.number in email.subject for email in mail.outbox] == [True]
