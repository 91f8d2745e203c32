"""The request id crosses the broker: a task queued under a request's id runs on a real Celery worker
(private Redis as broker) with the same id in its context, so its log lines carry it."""

import logging
import time

import kombu.pools
import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker

from pharmacy.celery import app as celery_app
from pharmacy.log_context import RequestIdFilter, request_id_var

pytestmark = pytest.mark.django_db(transaction=True)

SEEN: list[str] = []


@shared_task(name="tests.ops.record_request_id_task")
def record_request_id_task() -> None:
    record = logging.LogRecord("tests.ops", logging.INFO, __file__, 1, "task ran", (), None)
    RequestIdFilter().filter(record)  # what every log line of the task gets
    SEEN.append(record.request_id)


def reset_pools() -> None:
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_a_task_queued_during_a_request_runs_on_the_worker_under_the_same_request_id(private_redis):
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = private_redis.url(0), False
    reset_pools()
    SEEN.clear()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            token = request_id_var.set("req-web-to-worker")
            try:
                record_request_id_task.delay()
            finally:
                request_id_var.reset(token)
            record_request_id_task.delay()  # queued outside any request: no id
            deadline = time.monotonic() + 20
            while len(SEEN) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        reset_pools()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous

    assert SEEN == ["req-web-to-worker", "-"]
