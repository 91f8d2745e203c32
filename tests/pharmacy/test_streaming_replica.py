"""Read replicas with a real streaming replica: a hot standby of the throwaway cluster (pg_basebackup -R),
which the app reads through DATABASE_REPLICA_URLS. Replay on the standby is paused while the primary
renames the product, so each answer shows which server it came from: the catalog API still shows the old
name (the replica), the shopper's cart already shows the new one (the primary). Resumed, the replica
catches up and the catalog shows the new name too."""

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.builders.api_client import Client, product_names
from tests.deploy.support import gunicorn_serving

OLD_NAME, NEW_NAME = "Streamed Testamol", "Renamed Testamol"


@pytest.fixture
def primary_and_standby(postgres_cluster, seeded_database):
    database, seed = seeded_database
    postgres_cluster.psql(database, f"UPDATE catalog_product SET name = '{OLD_NAME}'")
    # Not under pytest's tmp_path: that is private to root, and the server runs as `postgres`.
    standby = postgres_cluster.start_standby(Path(tempfile.mkdtemp(prefix="pharmacy-test-standby-")))
    try:
        assert standby.psql("postgres", "SELECT pg_is_in_recovery()") == "t"
        yield database, standby, seed
    finally:
        standby.stop(mode="immediate")
        postgres_cluster.psql(database, "SELECT 1")  # the primary is unharmed
        subprocess.run(["rm", "-rf", str(standby.base_dir)], check=False)


@pytest.fixture
def app_on_the_standby(postgres_cluster, primary_and_standby, tmp_path):
    database, standby, seed = primary_and_standby
    env = {**os.environ, "DATABASE_URL": postgres_cluster.database_url(database),
           "DATABASE_REPLICA_URLS": standby.database_url(database), "REPLICA_RETRY_SECONDS": "1",
           "REDIS_URL": "", "CELERY_BROKER_URL": "memory://", "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"}
    with gunicorn_serving(env, tmp_path / "gunicorn.log") as port:
        yield Client(port), database, standby, seed


def wait_until(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_catalog_reads_come_from_the_streaming_replica_and_the_cart_from_the_primary(
        app_on_the_standby, postgres_cluster):
    client, database, standby, seed = app_on_the_standby
    assert product_names(client) == [OLD_NAME]

    standby.psql("postgres", "SELECT pg_wal_replay_pause()")
    postgres_cluster.psql(database, f"UPDATE catalog_product SET name = '{NEW_NAME}'")
    try:
        # the catalog API reads the paused replica: the rename has not reached it
        assert product_names(client) == [OLD_NAME]
        # the shopper's write and the read right after it go to the primary, which has the rename
        status, _, body = client.request("POST", "/api/v1/auth/token/", {"email": seed["emails"][0],
                                                                          "password": seed["password"]})
        assert status == 200, body[:500]
        client.token = json.loads(body)["token"]
        status, _, body = client.request("POST", "/api/v1/cart/lines/", {"sku": seed["sku"], "quantity": 1})
        assert status == 201, body[:500]
        status, _, body = client.request("GET", "/api/v1/cart/")
        assert status == 200 and NEW_NAME in json.loads(body)["lines"][0]["description"]
    finally:
        standby.psql("postgres", "SELECT pg_wal_replay_resume()")

    assert wait_until(lambda: product_names(client) == [NEW_NAME]), "the replica never caught up"
    with pytest.raises(RuntimeError, match="read-only transaction"):  # a hot standby: writes never go there
        standby.psql(database, f"UPDATE catalog_product SET name = '{OLD_NAME}'")

