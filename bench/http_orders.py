"""Paid orders per second over HTTP: shoppers with API tokens check out one-line general-sale carts
through POST /api/v1/checkout/ (the test gateway's card authorised) against gunicorn, from several
clients at once, on a throwaway copy of the bench database.

`python -m bench.http_orders --setup N` is the part that runs inside the site's settings: it makes N
shoppers (a health record and consent each, as tests.factories makes them) with a token each, and 50
general-sale packs with stock enough for every order, and prints them as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages sit one directory up
    sys.path.insert(0, str(ROOT))

from bench.cpu import SiteCpu, spent_seconds  # noqa: E402
from bench.load import machine_busy_seconds, percentile, require_loopback  # noqa: E402

SHIPPING = {"full_name": "Ada Lovelace", "email": "ada@example.org", "phone": "07700 900123",
            "address_line1": "1 High Street", "address_line2": "", "city": "Leeds", "postcode": "LS1 1AA",
            "country": "GB"}
CARD = "4242424242424242"  # the test gateway's card that is authorised
PACKS = 50


def make_shoppers(count: int) -> dict:
    import django

    django.setup()
    from django.test import override_settings
    from knox.models import AuthToken

    from tests.factories import PackFactory, UserFactory

    # The shoppers sign in with tokens only, so their passwords need no slow hash.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        tokens = [AuthToken.objects.create(user=UserFactory())[1] for _ in range(count)]
    packs = [PackFactory(stock_quantity=count + 1) for _ in range(PACKS)]
    return {"tokens": tokens, "skus": [pack.sku for pack in packs]}


def _post(connection, path: str, body: dict, headers: dict) -> tuple[int, bytes]:
    connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    return response.status, response.read()


def _in_parallel(work: list, clients: int, do) -> None:
    """`clients` threads take the items of `work` in turn and `do` each."""
    items = iter(work)
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            do(item)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def place_orders(base_url: str, shoppers: dict, *, clients: int, site: SiteCpu, warm_up: int = 10) -> dict:
    """Fill each shopper's cart with one pack (untimed), then check every cart out from `clients` clients.
    The first `warm_up` orders are placed one by one first and not counted. CPU per order is the
    machine's and the site's (its workers and their database sessions, bench.cpu)."""
    require_loopback(base_url)
    parts = urllib.parse.urlsplit(base_url)
    tokens, skus = shoppers["tokens"], shoppers["skus"]
    local = threading.local()  # one keep-alive connection per client thread

    def connection():
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        return local.connection

    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def fill(index: int) -> None:
        status, body = _post(connection(), "/api/v1/cart/lines/", {"sku": skus[index % len(skus)], "quantity": 1},
                             {"Authorization": f"Token {tokens[index]}"})
        if status != 201:
            with lock:
                failures.append(f"cart {status}: {body[:200]!r}")

    def check_out(index: int) -> None:
        started = time.perf_counter()
        status, body = _post(connection(), "/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": CARD},
                             {"Authorization": f"Token {tokens[index]}", "Idempotency-Key": f"bench-{index}"})
        elapsed = time.perf_counter() - started
        with lock:
            if status == 201 and json.loads(body)["payments"][0]["status"] == "authorised":
                latencies.append(elapsed)
            else:
                failures.append(f"checkout {status}: {body[:200]!r}")

    _in_parallel(list(range(len(tokens))), clients, fill)
    for index in range(warm_up):
        check_out(index)
    latencies.clear()
    measured = list(range(warm_up, len(tokens)))
    busy_before, site_before = machine_busy_seconds(), site.read()
    started = time.perf_counter()
    _in_parallel(measured, clients, check_out)
    seconds = time.perf_counter() - started
    busy_after, site_spent = machine_busy_seconds(), spent_seconds(site_before, site.read())
    placed = len(latencies)
    latencies.sort()
    return {
        "orders": placed, "clients": clients, "seconds": round(seconds, 2), "failures": failures[:5],
        "failed": len(failures),
        "orders_per_second": round(placed / seconds, 1) if seconds else 0.0,
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_ms_p95": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "site_cpu_ms_per_order": round(site_spent * 1000 / placed, 1) if placed else None,
        "machine_cpu_ms_per_order": (round((busy_after - busy_before) * 1000 / placed, 1)
                                     if placed and busy_before is not None and busy_after is not None else None),
    }


def setup_shoppers(environment: dict[str, str], count: int) -> dict:
    made = subprocess.run([sys.executable, "-m", "bench.http_orders", "--setup", str(count)], cwd=ROOT,
                          env=environment, capture_output=True, text=True)
    if made.returncode:
        raise SystemExit(f"making the shoppers failed: {made.stderr[-2000:]}")
    return json.loads(made.stdout.splitlines()[-1])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="make the shoppers of the HTTP order bench")
    parser.add_argument("--setup", type=int, required=True, help="how many shoppers")
    print(json.dumps(make_shoppers(parser.parse_args().setup)))
