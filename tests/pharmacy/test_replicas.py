"""Read replicas with two real databases (tests/pharmacy/test_streaming_replica.py uses a real hot standby; two
databases let a test make the replica differ at will and refuse connections): the app (gunicorn, in a
subprocess) has DATABASE_URL at one database and DATABASE_REPLICA_URLS at a copy of it, on the throwaway
cluster. The copy's product is renamed, so each answer shows where its rows came from:

    primary  (DATABASE_URL):           product name "Primary Testamol"
    replica  (DATABASE_REPLICA_URLS):  product name "Replica Testamol"

Catalog pages and the products API read the replica; the cart (a write, then the shopper's own read)
stays on the primary; with the replica refusing connections, catalog reads fall back to the primary.
"""

import json
import os
import time
import uuid

import pytest

from pharmacy.db_router import ReplicaRouter, replica_reads
from tests.builders.api_client import Client, product_names
from tests.deploy.support import gunicorn_serving
from tests.server_fixtures import SEEDED_TEMPLATE

PRIMARY_NAME, REPLICA_NAME = "Primary Testamol", "Replica Testamol"


def psql(cluster, database: str, sql: str) -> None:
    cluster._run("psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-d", database,
                 "-v", "ON_ERROR_STOP=1", "-c", sql)


@pytest.fixture(scope="module")
def two_databases(postgres_cluster, seeded_template):
    """Two copies of the seeded template, shared by this module's tests as the server below is."""
    primary, replica, seed = f"seeded_{uuid.uuid4().hex[:8]}", f"replica_{uuid.uuid4().hex[:8]}", seeded_template
    postgres_cluster.create_database(primary, template=SEEDED_TEMPLATE)
    postgres_cluster.create_database(replica, template=primary)
    psql(postgres_cluster, primary, f"UPDATE catalog_product SET name = '{PRIMARY_NAME}'")
    psql(postgres_cluster, replica, f"UPDATE catalog_product SET name = '{REPLICA_NAME}'")
    return primary, replica, seed


@pytest.fixture(scope="module")
def replica_server(postgres_cluster, two_databases, tmp_path_factory):
    """One gunicorn for the module's tests (a start takes seconds on 2 cores); the test that makes the
    replica refuse connections allows them again and checks the reads are back on it."""
    primary, replica, seed = two_databases
    tmp_path = tmp_path_factory.mktemp("replicas")
    env = {**os.environ, "DATABASE_URL": postgres_cluster.database_url(primary),
           "DATABASE_REPLICA_URLS": postgres_cluster.database_url(replica), "REPLICA_RETRY_SECONDS": "1",
           "REDIS_URL": "", "CELERY_BROKER_URL": "memory://", "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"}
    with gunicorn_serving(env, tmp_path / "gunicorn.log") as port:
        yield port, primary, replica, seed




def test_catalog_reads_go_to_the_replica_and_the_cart_stays_on_the_primary(replica_server):
    port, primary, replica, seed = replica_server
    client = Client(port)

    # the products API and the storefront list read the replica
    assert product_names(client) == [REPLICA_NAME]
    status, _, page = client.request("GET", "/medicines/")
    assert status == 200 and REPLICA_NAME.encode() in page and PRIMARY_NAME.encode() not in page

    # a shopper's write and the read right after it use the primary
    status, _, body = client.request("POST", "/api/v1/auth/token/", {"email": seed["emails"][0],
                                                                      "password": seed["password"]})
    assert status == 200, body[:500]
    client.token = json.loads(body)["token"]
    status, _, body = client.request("POST", "/api/v1/cart/lines/", {"sku": seed["sku"], "quantity": 1})
    assert status == 201, body[:500]
    status, _, body = client.request("GET", "/api/v1/cart/")
    assert status == 200
    assert PRIMARY_NAME in json.loads(body)["lines"][0]["description"]

    # A search URL of 5,000 characters: gunicorn takes request lines as long as the proxy passes
    # (gunicorn.conf.py), so Django answers with its 400 problem, not gunicorn with an HTML 414.
    status, headers, body = client.request("GET", "/api/v1/products/?search=" + "a" * 4975)
    assert (status, headers["Content-Type"]) == (400, "application/problem+json")
    assert json.loads(body)["errors"][0]["field"] == "search"


def test_catalog_reads_fall_back_to_the_primary_while_the_replica_refuses_and_return_after(
        replica_server, postgres_cluster):
    port, primary, replica, seed = replica_server
    client = Client(port)
    assert product_names(client) == [REPLICA_NAME]

    psql(postgres_cluster, "postgres", f'ALTER DATABASE "{replica}" ALLOW_CONNECTIONS false')
    psql(postgres_cluster, "postgres",
         f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{replica}'")
    try:
        started = time.monotonic()
        assert product_names(client) == [PRIMARY_NAME]
        assert time.monotonic() - started < 10
        status, _, body = client.request("GET", "/readyz")
        assert status == 200
        assert json.loads(body)["status"] == "degraded"
        assert json.loads(body)["dependencies"]["replica:replica_0"]["status"] == "down"
    finally:
        psql(postgres_cluster, "postgres", f'ALTER DATABASE "{replica}" ALLOW_CONNECTIONS true')

    time.sleep(1.5)  # REPLICA_RETRY_SECONDS
    assert product_names(client) == [REPLICA_NAME]


@pytest.mark.parametrize("app_label", ["cart", "orders", "accounts", "dispensing", "auth", "sessions"])
def test_the_router_keeps_everything_but_the_catalog_on_the_primary_even_in_a_catalog_view(settings, app_label):
    from django.apps import apps

    settings.DATABASE_REPLICAS = ["replica_0"]
    model = next(iter(apps.get_app_config(app_label).get_models()))
    with replica_reads():
        assert ReplicaRouter().db_for_read(model) == "default"
    assert ReplicaRouter().db_for_write(model) == "default"


def test_the_router_reads_the_catalog_from_the_primary_outside_catalog_views(settings):
    from catalog.models import Pack

    settings.DATABASE_REPLICAS = ["replica_0"]

    assert ReplicaRouter().db_for_read(Pack) == "default"  # checkout's locks, tasks, the admin
    assert ReplicaRouter().allow_migrate("replica_0", "catalog") is False
    assert ReplicaRouter().allow_migrate("default", "catalog") is True
