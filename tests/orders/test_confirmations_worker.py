"""Confirmations through a real Redis broker and a real Celery worker: sent once, never twice,
and not lost when the broker is down at checkout."""

import contextlib
import time
from urllib.parse import urlsplit

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from checkout.services import place_order
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import redispatch_pending_messages
from notifications.tasks import deliver_outbox_message_task
from pharmacy.celery import app as celery_app
from tests.availability import redis_url
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


@contextlib.contextmanager
def broker(url: str):
    """Point the app at `url`, with eager mode off and an empty queue, and restore it after."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    _reset_connection_pools()
    celery_app.control.purge()
    try:
        yield
    finally:
        _reset_connection_pools()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous


def _reset_connection_pools() -> None:
    """Celery and kombu cache broker connections (kombu in process-wide registries); drop them all
    so the next use connects to the new URL rather than reusing a closed pool."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_test_broker_url() -> str:
    # Our own DB index, so messages left in a developer's Redis cannot reach this worker.
    return urlsplit(redis_url())._replace(path="/14").geturl()


@pytest.fixture
def order_on_real_broker():
    with broker(worker_test_broker_url()):
        pack = PackFactory(stock_quantity=10)
        shopper = UserFactory()
        yield lambda key="k": place_order(user=shopper, cart=cart_with(shopper, (pack, 1)), details=details(),
                                          idempotency_key=key)


def test_worker_sends_exactly_one_confirmation_with_the_leaflet(order_on_real_broker):
    mail.outbox.clear()
    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        order = order_on_real_broker()
        message = OutboxMessage.objects.get(order=order, kind="order_placed")
        assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT)

        # The broker delivers at least once: a duplicate delivery of the same task must send nothing.
        deliver_outbox_message_task.delay(message.pk)
        deliver_outbox_message_task.delay(message.pk)
        assert wait_for(lambda: _queue_is_empty())
        time.sleep(0.5)

    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert order.number in email.subject
    [(filename, content, mimetype)] = email.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-") and filename.endswith(".pdf")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def _queue_is_empty() -> bool:
    with celery_app.connection_for_write() as connection:
        return connection.default_channel.client.llen("celery") == 0


def test_checkout_succeeds_with_broker_down_and_mail_goes_out_when_it_is_back(private_redis):
    url, start_redis, stop_redis = private_redis.url(), private_redis.start, private_redis.stop
    mail.outbox.clear()
    pack = PackFactory(stock_quantity=10)
    shopper = UserFactory()
    with broker(url):
        stop_redis()

        started = time.monotonic()
        order = place_order(user=shopper, cart=cart_with(shopper, (pack, 1)), details=details(), idempotency_key="k")
        assert time.monotonic() - started < 15, "checkout waited on the broker"  # a hang guard, not a benchmark

        message = OutboxMessage.objects.get(order=order)
        assert message.status == OutboxStatus.PENDING
        assert mail.outbox == []

        start_redis()
        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            # The periodic re-dispatcher's work, called directly; a stale pooled connection may fail
            # the first hand-over, which the next round repairs, just as beat would.
            assert wait_for(
                lambda: redispatch_pending_messages() >= 0
                and OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
                timeout=30, interval=1.0,
            )
        time.sleep(0.3)

    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
