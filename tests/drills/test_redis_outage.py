"""Fault drill: Redis (cache and broker) stops while shoppers check out, for DRILL_REDIS_OUTAGE_SECONDS
(about 15 s in CI), and comes back empty (no persistence: whatever was queued is gone).

Checkouts keep succeeding, the throttles that count in Redis fail open, and no confirmation is lost:
messages published before the outage vanished with Redis and those of the outage were never
published, yet the outbox re-dispatch (the test plays beat) hands every one over once Redis is back,
messages lost in the broker after their dispatch lease (OUTBOX_DISPATCH_LEASE_SECONDS)."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections
from rest_framework.test import APIClient

from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import redispatch_pending_messages
from orders.models import Order
from pharmacy.celery import app as celery_app
from tests.builders.api import SHIPPING
from tests.factories import PackFactory, UserFactory
from tests.servers import drill_seconds, wait_for

from .support import celery_broker, reset_connection_pools

# Shoppers check out from several threads while the worker writes: a server database (PostgreSQL), not
# SQLite, which would lock them out of each other.
pytestmark = [pytest.mark.drill, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHOPPERS = 3


def test_redis_outage_keeps_checkouts_working_and_loses_no_confirmation(private_redis, settings):
    outage = drill_seconds("DRILL_REDIS_OUTAGE_SECONDS", ci=15, local=4)
    settings.CACHES = {"default": {
        "BACKEND": "pharmacy.cache.FailOpenRedisCache", "LOCATION": private_redis.url(1),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    settings.OUTBOX_DISPATCH_LEASE_SECONDS = 3
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "drill.test"
    pack = PackFactory(stock_quantity=10_000)
    shoppers = [UserFactory() for _ in range(SHOPPERS)]
    mail.outbox.clear()
    answers: list[tuple[str, int]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def shop(shopper, number: int) -> None:
        client = APIClient()
        client.force_authenticate(shopper)
        attempt = 0
        try:
            while not stop.is_set():
                attempt += 1
                line = client.post("/api/v1/cart/lines/", {"sku": pack.sku, "quantity": 1}, format="json")
                checkout = client.post("/api/v1/checkout/", {"shipping": SHIPPING}, format="json",
                                       HTTP_IDEMPOTENCY_KEY=f"redis-{number}-{attempt}")
                with lock:
                    answers.extend([("line", line.status_code), ("checkout", checkout.status_code)])
        finally:
            connections.close_all()

    with celery_broker(private_redis.url()):
        threads = [threading.Thread(target=shop, args=(shopper, n), daemon=True) for n, shopper in enumerate(shoppers)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1.0)
            private_redis.stop()
            with lock:
                before_outage = len(answers)
            time.sleep(outage)
            with lock:
                during_outage = len(answers) - before_outage
            private_redis.start()
            reset_connection_pools()
            time.sleep(1.0)
        finally:
            stop.set()
            # A shopper finishes the checkout under way when told to stop; on a loaded machine that can
            # take a while. Counting before every shopper has stopped would count orders whose answer
            # has not been recorded yet.
            deadline = time.monotonic() + 120
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

        assert not any(thread.is_alive() for thread in threads), "a shopper's request hung after the outage"
        assert during_outage > 0, "no checkout ran during the outage: the drill proved nothing"
        assert {status for _, status in answers} == {201}, sorted(set(answers))
        orders = Order.objects.count()
        assert orders == sum(1 for step, _ in answers if step == "checkout")

        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            def all_sent() -> bool:
                redispatch_pending_messages()  # beat's work, once a second
                return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

            assert wait_for(all_sent, timeout=60, interval=1.0), list(
                OutboxMessage.objects.values_list("status", "attempts", "last_error"))
            time.sleep(0.5)

    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == orders
    message_ids = {email.extra_headers["Message-ID"] for email in mail.outbox}
    assert message_ids == {f"<outbox-{pk}.order_placed@drill.test>"
                           for pk in OutboxMessage.objects.values_list("pk", flat=True)}
