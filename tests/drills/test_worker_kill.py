"""Fault drill: a Celery worker (a real subprocess, against a private Redis) is killed with SIGKILL
while the mail server holds its confirmation unanswered. A new worker starts.

Which path delivers it: beat's re-dispatch. On Redis an unacknowledged task only returns after the
broker's visibility timeout (an hour), so we do not wait for that. The dead worker's claim on the
message (its sending lease, OUTBOX_SENDING_LEASE_SECONDS, here 3 s) expires, and the next run of
`dispatch_pending_outbox_task` (beat's task; the test sends it as beat would) hands the message to the
new worker. The server kept the first copy, so the shopper may get two: both carry the one Message-ID.
"""

import pytest

from checkout.services import place_order
from notifications.models import OutboxMessage, OutboxStatus
from notifications.tasks import dispatch_pending_outbox_task
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory
from tests.servers import wait_for

from .support import WorkerProcess, celery_broker, current_database_url

pytestmark = [pytest.mark.drill, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_worker_killed_while_sending_the_message_is_delivered_by_redispatch_with_one_message_id(
    private_redis, smtp_sink, tmp_path
):
    broker_url = private_redis.url()
    worker_env = {
        "DJANGO_SETTINGS_MODULE": "tests.drills.worker_settings",
        "DATABASE_URL": current_database_url(),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DRILL_SMTP_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "60",  # the sender hangs on the server until it is killed
        "OUTBOX_TASK_TIME_LIMIT_SECONDS": "2",
        "OUTBOX_SENDING_LEASE_SECONDS": "3",
        "OUTBOX_MESSAGE_ID_DOMAIN": "drill.test",
        "CONN_MAX_AGE": "0",
    }
    first = WorkerProcess(env=worker_env, log_path=tmp_path / "worker-1.log")
    second = WorkerProcess(env=worker_env, log_path=tmp_path / "worker-2.log")
    pack = PackFactory(stock_quantity=10)
    shopper = UserFactory()
    smtp_sink.stall()
    try:
        with celery_broker(broker_url):
            first.start()
            order = place_order(user=shopper, cart=cart_with(shopper, (pack, 1)), details=details(),
                                idempotency_key="kill")
            message = OutboxMessage.objects.get(order=order)

            assert smtp_sink.body_held.wait(timeout=60), first.log()
            first.kill()
            smtp_sink.release()
            message.refresh_from_db()
            assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)

            second.start()

            def delivered() -> bool:
                dispatch_pending_outbox_task.delay()  # what beat sends every OUTBOX_REDISPATCH_SECONDS
                return OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT

            assert wait_for(delivered, timeout=60, interval=1.0), second.log()
    finally:
        first.kill()
        second.stop()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert len(smtp_sink.received) == 2  # the copy held when the worker died, and the resend
    assert smtp_sink.message_ids() == {f"<outbox-{message.pk}.order_placed@drill.test>"}
