#!/usr/bin/env python
"""Checkout throughput under concurrency: `DATABASE_URL=postgres://… python bench/bench_checkout.py`.

Places `--orders` orders from `--threads` threads through `checkout.services.place_order`, the path every
interface uses, in two scenarios: spread (each cart holds two of many packs, so row locks rarely meet)
and hot (every cart holds the same pack, so every checkout queues on one row lock). Runs in a throwaway
database (bench_checkout_<pid> on the PostgreSQL of DATABASE_URL) that it drops afterwards. Prints
orders per second and latency percentiles; nothing asserts a timing, so compare runs side by side.
With `--copy-migrated`, DATABASE_URL's database is already migrated and the throwaway one is copied from it
(CREATE DATABASE … TEMPLATE, a second) instead of migrated (most of a minute on 2 cores).
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def copied(connection, name: str) -> bool:
    """Copy the connection's (migrated) database to `name` and switch the connection to it. False when
    PostgreSQL refuses the copy because another session is connected to the source."""
    from django.db import OperationalError

    source = connection.settings_dict["NAME"]
    connection.close()
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    except OperationalError as error:
        print(f"copying {source} was refused ({str(error).splitlines()[0]}): migrating instead", file=sys.stderr)
        return False
    connection.settings_dict["NAME"] = name
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-payment", action="store_true",
                        help="place orders only, without authorising a card (the payment step is included by default)")
    parser.add_argument("--copy-migrated", action="store_true",
                        help="copy DATABASE_URL's database, already migrated, instead of migrating a new one "
                             "(migrates after all while another session is connected to it)")
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        sys.exit("bench_checkout measures row locking: set DATABASE_URL to a PostgreSQL database.")

    from pharmacy.celery import app as celery_app

    # Measure checkout, not e-mail: confirmations are queued on an in-memory broker that nothing consumes,
    # as a real worker would take them off the web process.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://localhost/"
    bench_database = f"bench_checkout_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = bench_database
    if not (arguments.copy_migrated and copied(connection, bench_database)):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from django.conf import settings

        from checkout.services import place_order
        from payments.services import authorise_order

        # The payment step as checkout runs it: the order is placed awaiting payment, then the test
        # gateway authorises the test card (its capture, after commit, is the worker's job).
        settings.PAYMENT_GATEWAY = "test"
        paying = not arguments.no_payment
        from tests.builders.orders import cart_with, details
        from tests.factories import PackFactory, UserFactory

        def run(label: str, cart_packs) -> None:
            shoppers = [UserFactory() for _ in range(arguments.orders)]
            carts = [cart_with(shopper, *cart_packs(index)) for index, shopper in enumerate(shoppers)]
            latencies: list[float] = []
            lock = threading.Lock()
            work = iter(range(arguments.orders))

            def worker() -> None:
                try:
                    while True:
                        with lock:
                            index = next(work, None)
                        if index is None:
                            return
                        started = time.perf_counter()
                        order = place_order(user=shoppers[index], cart=carts[index], details=details(),
                                            idempotency_key=f"bench-{index}", awaiting_payment=paying)
                        if paying:
                            authorise_order(order=order, payment_method="4242424242424242",
                                            attempt_key=f"bench-{index}", actor=shoppers[index])
                        with lock:
                            latencies.append(time.perf_counter() - started)
                finally:
                    connections.close_all()

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(arguments.threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            print(f"{label:<8} {len(latencies):5d} orders in {seconds:6.2f} s = {len(latencies) / seconds:7.1f} "
                  f"orders/s   latency ms p50 {statistics.median(latencies) * 1000:6.1f}  "
                  f"p95 {percentile(latencies, 0.95) * 1000:6.1f}  max {max(latencies) * 1000:6.1f}")

        stock = arguments.orders * 2
        many = [PackFactory(stock_quantity=stock) for _ in range(50)]
        run("spread", lambda index: [(many[index % 50], 1), (many[(index * 7 + 3) % 50], 1)])
        hot = PackFactory(stock_quantity=stock)
        run("hot", lambda index: [(hot, 1)])
        print(f"{arguments.threads} threads, PostgreSQL {connection.pg_version // 10000}, "
              + ("payment included (test gateway authorisation)" if paying else "no payment"))
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(bench_database, verbosity=0)


if __name__ == "__main__":
    main()
