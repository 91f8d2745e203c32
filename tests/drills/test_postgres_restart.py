"""Fault drill: PostgreSQL restarts while shoppers check out through the API.

The app (gunicorn, in a subprocess) runs against a throwaway cluster the test starts, never the shared
server. During the outage (DRILL_PG_OUTAGE_SECONDS) requests get a clean 503 problem with Retry-After,
never a 500 or a dropped connection. Every checkout that answered 201 has its order with its lines and
its confirmation in the outbox, and the app serves checkouts again after the restart without being
restarted itself (CONN_HEALTH_CHECKS replaces the dead connections).
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest

from tests.builders.api import SHIPPING
from tests.builders.api_client import Client
from tests.servers import drill_seconds, free_port, port_open, wait_for

from .support import ROOT

pytestmark = [pytest.mark.drill]

SHOPPERS = 4




@pytest.fixture
def drill_database(postgres_cluster, seeded_database):
    name, seed = seeded_database
    assert len(seed["emails"]) == SHOPPERS
    return postgres_cluster.database_url(name), seed


@pytest.fixture
def app_server(drill_database, tmp_path):
    url, seed = drill_database
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "CELERY_BROKER_URL": "memory://",
           "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test", "CONN_MAX_AGE": "60"}
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", str(SHOPPERS + 2), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        assert wait_for(lambda: port_open(port), timeout=60), (tmp_path / "gunicorn.log").read_text()[-3000:]
        yield port, seed, process, tmp_path / "gunicorn.log", url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_postgres_restart_answers_503_during_the_outage_and_loses_no_answered_order(postgres_cluster, app_server):
    port, seed, server_process, log_path, url = app_server
    outage = drill_seconds("DRILL_PG_OUTAGE_SECONDS", ci=10, local=4)
    clients = []
    for email in seed["emails"]:
        client = Client(port)
        status, _, body = client.request("POST", "/api/v1/auth/token/", {"email": email, "password": seed["password"]})
        assert status == 200, body[:500]
        client.token = json.loads(body)["token"]
        clients.append(client)

    results: list[tuple[str, int, dict, bytes, float]] = []  # (step, status, headers, body, when)
    errors: list[str] = []
    stop = threading.Event()
    restarted_at = [float("inf")]
    lock = threading.Lock()

    def shop(client: Client) -> None:
        # A shopper checks out only a filled cart, and after a 503 retries with the same Idempotency-Key
        # (the order may have committed before the database went away): the replay answers its order.
        cart_filled, key = False, uuid.uuid4().hex
        while not stop.is_set():
            if cart_filled:
                step, path = "checkout", "/api/v1/checkout/"
                body, headers = {"shipping": SHIPPING}, {"Idempotency-Key": key}
            else:
                step, path = "line", "/api/v1/cart/lines/"
                body, headers = {"sku": seed["sku"], "quantity": 1}, {}
            try:
                status, response_headers, data = client.request("POST", path, body, headers)
            except OSError as error:  # a dropped connection is a failure of the drill
                with lock:
                    errors.append(f"{step}: {error!r}")
                continue
            with lock:
                results.append((step, status, response_headers, data, time.monotonic()))
            if status in (200, 201):
                cart_filled = step == "line"
                if step == "checkout":
                    key = uuid.uuid4().hex
            elif status == 503:
                time.sleep(0.2)

    threads = [threading.Thread(target=shop, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        postgres_cluster.stop(mode="fast")
        time.sleep(outage)
        postgres_cluster.start()
        restarted_at[0] = time.monotonic()
        recovered = wait_for(lambda: any(step == "checkout" and status == 201 and when > restarted_at[0]
                                         for step, status, _, _, when in list(results)), timeout=40)
    finally:
        if not postgres_cluster.is_running():
            postgres_cluster.start()
        stop.set()
        for thread in threads:
            thread.join(timeout=40)

    log = log_path.read_text(errors="replace")[-3000:]
    assert errors == [], errors[:5]
    statuses = {status for _, status, _, _, _ in results}
    unexpected = [(step, status, body[:300]) for step, status, _, body, _ in results if status not in (200, 201, 503)]
    assert statuses <= {200, 201, 503}, (unexpected[:6], log)
    unavailable = [(headers, body) for _, status, headers, body, _ in results if status == 503]
    assert unavailable, "no request met the outage: the drill proved nothing"
    for headers, body in unavailable:
        assert headers.get("Retry-After") == "5"
        assert headers.get("Content-Type") == "application/problem+json"
        assert json.loads(body)["code"] == "service_unavailable"
    assert recovered, "no checkout succeeded after the restart"
    assert server_process.poll() is None, "the app server died"

    answered = {json.loads(body)["number"] for step, status, _, body, _ in results
                if step == "checkout" and status == 201}
    with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=10) as connection:
        stored = {row[0] for row in connection.execute("SELECT number FROM orders_order")}
        half_written = connection.execute(
            "SELECT count(*) FROM orders_order o WHERE NOT EXISTS "
            "(SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id) "
            "OR NOT EXISTS (SELECT 1 FROM orders_outboxmessage m WHERE m.order_id = o.id)"
        ).fetchone()[0]
    assert answered and answered <= stored
    assert half_written == 0

