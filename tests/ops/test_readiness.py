"""/readyz against real servers: the app (gunicorn, in a subprocess) uses a throwaway PostgreSQL cluster and
a private Redis that the tests stop and start; never the shared servers."""

import json
import os
import subprocess
import sys
import time

import pytest

from tests.infra.support import ROOT, free_port, http_get, wait_for_http_ok


@pytest.fixture
def ready_server(postgres_cluster, private_redis, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": postgres_cluster.url, "REDIS_URL": private_redis.url(0),
           "CELERY_BROKER_URL": private_redis.url(1), "CELERY_TASK_ALWAYS_EAGER": "false",
           "DJANGO_SETTINGS_MODULE": "pharmacy.settings.local", "READINESS_TIMEOUT_SECONDS": "1"}
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http_ok(f"http://127.0.0.1:{port}/healthz", process=process, log_path=log_path, timeout=60)
        yield f"http://127.0.0.1:{port}/readyz"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def get_ready(url):
    started = time.monotonic()
    status, body = http_get(url, timeout=15)
    return status, json.loads(body), time.monotonic() - started


def statuses(body):
    return {name: dependency["status"] for name, dependency in body["dependencies"].items()}


def test_readyz_names_each_dependency_ok_when_all_answer(ready_server):
    status, body, _ = get_ready(ready_server)

    assert status == 200
    assert body["status"] == "ok"
    assert statuses(body) == {"database": "ok", "redis": "ok", "broker": "ok"}
    assert body["dependencies"]["database"]["critical"] is True
    assert body["dependencies"]["redis"]["critical"] is False


def test_readyz_is_degraded_naming_redis_while_redis_is_stopped_and_ok_after_it_restarts(
        ready_server, private_redis):
    private_redis.stop()
    try:
        status, body, elapsed = get_ready(ready_server)
    finally:
        private_redis.start()

    assert status == 200
    assert body["status"] == "degraded"
    assert statuses(body) == {"database": "ok", "redis": "down", "broker": "down"}
    assert elapsed < 5  # every probe is bounded by READINESS_TIMEOUT_SECONDS

    status, body, _ = get_ready(ready_server)
    assert status == 200
    assert body["status"] == "ok"
    assert statuses(body) == {"database": "ok", "redis": "ok", "broker": "ok"}


def test_readyz_answers_503_while_the_primary_database_is_unreachable_and_200_after(ready_server, postgres_cluster):
    postgres_cluster.stop(mode="immediate")
    try:
        status, body, elapsed = get_ready(ready_server)
        liveness_status, _ = http_get(ready_server.replace("/readyz", "/healthz"), timeout=15)
    finally:
        postgres_cluster.start()

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["dependencies"]["database"]["status"] == "down"
    assert body["dependencies"]["redis"]["status"] == "ok"
    assert elapsed < 5
    assert liveness_status == 503  # /healthz also needs the database (the database-unavailable answer)

    status, body, _ = get_ready(ready_server)
    assert status == 200
    assert body["status"] == "ok"
