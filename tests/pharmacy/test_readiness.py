"""/readyz against real servers: the app (gunicorn, in a subprocess) uses a throwaway PostgreSQL cluster and
a private Redis that the tests stop and start; never the shared servers."""

import json
import os
import shutil
import sys
import time
from contextlib import contextmanager

import pytest

from tests.deploy.support import gunicorn_serving, http_get
from tests.servers import RedisServer, S3Server


@contextmanager
def serving(postgres_cluster, private_redis, tmp_path, **extra_env):
    """gunicorn on the throwaway servers; yields the /readyz URL."""
    env = {**os.environ, "DATABASE_URL": postgres_cluster.url, "REDIS_URL": private_redis.url(0),
           "CELERY_BROKER_URL": private_redis.url(1), "CELERY_TASK_ALWAYS_EAGER": "false",
           "DJANGO_SETTINGS_MODULE": "pharmacy.settings.local", "READINESS_TIMEOUT_SECONDS": "1",
           "READINESS_CACHE_SECONDS": "0", **extra_env}  # these tests stop servers between two probes
    with gunicorn_serving(env, tmp_path / "gunicorn.log") as port:
        yield f"http://127.0.0.1:{port}/readyz"


@pytest.fixture(scope="module")
def shared_redis(tmp_path_factory):
    """A redis-server of this module's own; a test that stops it starts it again before it ends."""
    from tests.availability import require

    binary = shutil.which("redis-server")
    require(binary is not None, "needs redis-server on PATH: apt-get install redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis"), binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ready_server(postgres_cluster, shared_redis, tmp_path_factory):
    """One gunicorn for the module's tests (a start takes seconds on 2 cores): each test that stops a server
    it depends on starts it again and checks the answer is ok again, so the next test finds all ok."""
    with serving(postgres_cluster, shared_redis, tmp_path_factory.mktemp("ready")) as url:
        yield url


@pytest.fixture
def object_store_server(tmp_path):
    """A moto S3 server of this test's own (the session's is shared): the test stops and restarts it."""
    server = S3Server(sys.executable)
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
        ready_server, shared_redis):
    shared_redis.stop()
    try:
        status, body, elapsed = get_ready(ready_server)
    finally:
        shared_redis.start()

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


def test_readyz_is_degraded_naming_the_object_store_while_it_is_stopped_and_ok_after_it_returns(
        postgres_cluster, shared_redis, object_store_server, tmp_path):
    bucket = object_store_server.create_bucket()
    with serving(postgres_cluster, shared_redis, tmp_path,
                 STORAGE_URL=object_store_server.storage_url(bucket), S3_BUCKET="",
                 PRESCRIPTION_ENCRYPTION_KEYS="1:" + "A" * 43 + "=") as url:
        status, body, _ = get_ready(url)
        assert status == 200 and body["status"] == "ok"
        assert statuses(body)["object_store"] == "ok"

        object_store_server.stop()
        try:
            status, body, elapsed = get_ready(url)
        finally:
            object_store_server.start()
        assert status == 200
        assert body["status"] == "degraded"
        assert statuses(body) == {"database": "ok", "redis": "ok", "broker": "ok", "object_store": "down"}
        assert elapsed < 5

        # moto keeps its buckets in memory: the restarted server has to be given the bucket back.
        object_store_server.client().create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": object_store_server.region})
        status, body, _ = get_ready(url)
        assert status == 200 and body["status"] == "ok"
        assert statuses(body)["object_store"] == "ok"


def test_readyz_probes_once_per_cache_period_on_one_pool(settings, monkeypatch):
    """In process: a second request within READINESS_CACHE_SECONDS gets the first answer, and no request
    starts a thread pool of its own."""
    from pharmacy import readiness

    calls = []
    settings.READINESS_CHECKS = ["tests.pharmacy.test_readiness.counted_check"]
    settings.READINESS_CACHE_SECONDS = 60
    monkeypatch.setattr(readiness, "_last", None)
    monkeypatch.setattr(readiness, "ThreadPoolExecutor", lambda *args, **kwargs: pytest.fail("a new pool"))
    monkeypatch.setattr(sys.modules[__name__], "CHECK_CALLS", calls)

    first, second = readiness.check_readiness(), readiness.check_readiness()

    assert first is second and first.status == "ok"
    assert len(calls) == 1
    monkeypatch.setattr(readiness, "_last", (time.monotonic() - 61, first))
    readiness.check_readiness()
    assert len(calls) == 2


CHECK_CALLS: list = []


def counted_check(*, timeout: float):
    from pharmacy.readiness import OK, Probe

    CHECK_CALLS.append(timeout)
    return [Probe("counted", OK)]
