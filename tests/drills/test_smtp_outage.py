"""Fault drill: the mail server refuses every connection for a while (DRILL_SMTP_OUTAGE_SECONDS, 20 s in
CI: several retries of every message at the capped backoff below), then accepts. A real Celery worker
sends through the real SMTP backend; the test plays beat, running the re-dispatch once a second. Every
message is sent once the server accepts, none is FAILED, and each arrives under its own stable Message-ID."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from checkout.services import place_order
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import redispatch_pending_messages
from pharmacy.celery import app as celery_app
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory
from tests.servers import drill_seconds, wait_for

from .support import celery_broker

# Shoppers check out from several threads while the worker writes: a server database (PostgreSQL), not
# SQLite, which would lock them out of each other.
pytestmark = [pytest.mark.drill, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS = 5


def test_smtp_outage_ends_with_every_message_sent_once_the_server_accepts(private_redis, smtp_sink, settings):
    outage = drill_seconds("DRILL_SMTP_OUTAGE_SECONDS", ci=20, local=8)
    # The retry schedule is a setting: short waits, and enough attempts to outlast the outage twice over.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp_sink.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.OUTBOX_RETRY_BACKOFF_SECONDS, settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 1, 4
    settings.OUTBOX_MAX_ATTEMPTS = int(2 * outage / 4) + 5
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "drill.test"
    pack = PackFactory(stock_quantity=100)
    shoppers = [UserFactory() for _ in range(ORDERS)]
    smtp_sink.refuse_for(outage)

    with celery_broker(private_redis.url()), start_worker(celery_app, pool="solo", perform_ping_check=False):
        orders = [place_order(user=shopper, cart=cart_with(shopper, (pack, 1)), details=details(),
                              idempotency_key=f"smtp-{n}") for n, shopper in enumerate(shoppers)]

        def all_sent() -> bool:
            redispatch_pending_messages()  # beat's work, once a second
            return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

        assert wait_for(all_sent, timeout=outage + 40, interval=1.0), list(
            OutboxMessage.objects.values_list("status", "attempts", "last_error"))
        time.sleep(0.5)

    messages = list(OutboxMessage.objects.order_by("pk"))
    assert [m.status for m in messages] == [OutboxStatus.SENT] * ORDERS
    assert not OutboxMessage.objects.filter(status=OutboxStatus.FAILED).exists()
    assert smtp_sink.refused_connections >= ORDERS, "the server never refused: the drill proved nothing"
    assert all(m.attempts >= 2 for m in messages)
    assert smtp_sink.message_ids() == {f"<outbox-{m.pk}.order_placed@drill.test>" for m in messages}
    subjects = " ".join(mail.message["Subject"] for mail in smtp_sink.received)
    assert all(order.number in subjects for order in orders)
