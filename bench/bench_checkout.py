#!/usr/bin/env python
"""Checkout throughput under concurrency: `DATABASE_URL=postgres://… python bench/bench_checkout.py`.

Places `--orders` orders from `--threads` threads through `checkout.services.place_order_and_authorise`
(the API's paid checkout; `place_order` alone with `--no-payment`), in two scenarios: spread (each cart
holds two of many packs, so row locks rarely meet) and hot (every cart holds the same pack, so every
checkout queues on one row lock). With `--processes N`
the orders are placed from N worker processes instead (one thread each), as gunicorn's workers would.
`--threads 1` is the service-level, one-thread measure that django-oscar publishes for its order
placement. Runs in a throwaway database (bench_checkout_<pid> on the PostgreSQL of DATABASE_URL) that it
drops afterwards. Prints orders per second, latency percentiles, SQL statements per order and CPU per
order (this process's, and the whole machine's busy time, PostgreSQL included, from /proc/stat: on a
shared machine the latter counts its neighbours too); nothing asserts a timing, so compare runs side by
side. With `--copy-migrated`, DATABASE_URL's database is already migrated and the throwaway one is copied
from it (CREATE DATABASE … TEMPLATE, a second) instead of migrated (most of a minute on 2 cores).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages sit one directory up
    sys.path.insert(0, str(ROOT))

from bench.load import machine_busy_seconds  # noqa: E402  (after the path above)

# What the worker processes place: set before they are forked, so they inherit it rather than unpickle it.
_FORKED_WORK: tuple = ()
# The test gateway keeps its intents in our database; Stripe's answer is an HTTP call instead.
TEST_GATEWAY_TABLE = '"payments_testgatewayintent"'


def is_checkouts_own(sql: str, context) -> bool:
    """A statement of the checkout itself, as tests/checkout/test_query_counts.py counts them: inside its
    transactions, not the test gateway's, and not an after-commit hand-over (queuing the card's capture
    and the confirmation, which run outside any transaction once the order has committed)."""
    return context["connection"].in_atomic_block and TEST_GATEWAY_TABLE not in sql


def _place_in_worker(index: int) -> tuple[float, tuple[int, int], float]:
    """In a worker process: one order, with the statements it ran (the checkout's own, and all) and the
    process CPU it took."""
    from django.db import connection

    place, shoppers, carts = _FORKED_WORK

    counted = []

    def count(execute, sql, params, many, context):
        counted.append(is_checkouts_own(sql, context))
        return execute(sql, params, many, context)

    cpu_before = time.process_time()
    with connection.execute_wrapper(count):
        latency = place(index, shoppers, carts)
    return latency, (sum(counted), len(counted)), time.process_time() - cpu_before


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
    parser.add_argument("--processes", type=int, default=0,
                        help="place the orders from this many worker processes (one thread each) instead of threads")
    parser.add_argument("--no-payment", action="store_true",
                        help="place orders only, without authorising a card (the payment step is included by default)")
    parser.add_argument("--copy-migrated", action="store_true",
                        help="copy DATABASE_URL's database, already migrated, instead of migrating a new one "
                             "(migrates after all while another session is connected to it)")
    arguments = parser.parse_args()

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

        from checkout.services import place_order, place_order_and_authorise

        # The payment step as checkout runs it: the order is placed awaiting payment, then the test
        # gateway authorises the test card (its capture, after commit, is the worker's job).
        settings.PAYMENTS_AT_CHECKOUT = True
        settings.PAYMENT_GATEWAY = "test"
        settings.SAFEGUARDS_CACHE_ENABLED = True  # as in production (the test settings read the tables afresh)
        settings.CATALOG_CACHE_ENABLED = True  # likewise: the delivery methods come from the catalog's cache
        paying = not arguments.no_payment
        from tests.builders.orders import cart_with, details
        from tests.factories import PackFactory, UserFactory

        statements = [0, 0]  # the checkout's own, and all of them

        def count_statements(execute, sql, params, many, context):
            # Only read in the process that counts: a rough sum across threads is fine.
            statements[0] += is_checkouts_own(sql, context)
            statements[1] += 1
            return execute(sql, params, many, context)

        def place(index: int, shoppers, carts) -> float:
            started = time.perf_counter()
            with connection.execute_wrapper(count_statements):
                if paying:
                    place_order_and_authorise(user=shoppers[index], cart=carts[index], details=details(),
                                              idempotency_key=f"bench-{index}", payment_method="4242424242424242")
                else:
                    place_order(user=shoppers[index], cart=carts[index], details=details(),
                                idempotency_key=f"bench-{index}", awaiting_payment=False)
            return time.perf_counter() - started

        def run(label: str, cart_packs) -> None:
            # One more shopper than measured orders: the last one's order warms the caches (the catalog's and
            # safeguards' tables, the SQL compiled once per process) before the count starts, so the statements
            # per order are a checkout's own at any --orders, and forked workers inherit the warm process.
            shoppers = [UserFactory() for _ in range(arguments.orders + 1)]
            carts = [cart_with(shopper, *cart_packs(index)) for index, shopper in enumerate(shoppers)]
            place(arguments.orders, shoppers, carts)
            latencies: list[float] = []
            statements[:] = [0, 0]
            lock = threading.Lock()
            work = iter(range(arguments.orders))

            def worker() -> None:
                try:
                    while True:
                        with lock:
                            index = next(work, None)
                        if index is None:
                            return
                        latency = place(index, shoppers, carts)
                        with lock:
                            latencies.append(latency)
                finally:
                    connections.close_all()

            busy_before, cpu_before = machine_busy_seconds(), time.process_time()
            started = time.perf_counter()
            if arguments.processes:
                global _FORKED_WORK
                _FORKED_WORK = (place, shoppers, carts)
                connections.close_all()  # each worker process opens its own connection
                pool = multiprocessing.get_context("fork").Pool(arguments.processes)
                results = pool.map(_place_in_worker, range(arguments.orders), chunksize=1)
                pool.close()
                pool.join()  # the workers exit, and their connections with them, before the database is dropped
                latencies = [latency for latency, _, _ in results]
                statements[:] = [sum(own for _, (own, _), _ in results), sum(every for _, (_, every), _ in results)]
                process_cpu = sum(cpu for _, _, cpu in results)
            else:
                threads = [threading.Thread(target=worker) for _ in range(arguments.threads)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                process_cpu = time.process_time() - cpu_before
            seconds = time.perf_counter() - started
            busy_after = machine_busy_seconds()
            machine = (f"  machine CPU ms/order {(busy_after - busy_before) * 1000 / len(latencies):6.1f}"
                       if busy_before is not None and busy_after is not None else "")
            print(f"{label:<8} {len(latencies):5d} orders in {seconds:6.2f} s = {len(latencies) / seconds:7.1f} "
                  f"orders/s   latency ms p50 {statistics.median(latencies) * 1000:6.1f}  "
                  f"p95 {percentile(latencies, 0.95) * 1000:6.1f}  max {max(latencies) * 1000:6.1f}   "
                  f"statements/order {statements[0] / len(latencies):5.1f} "
                  f"(all {statements[1] / len(latencies):4.1f})  "
                  f"Python CPU ms/order {process_cpu * 1000 / len(latencies):6.1f}{machine}")

        stock = arguments.orders * 2
        many = [PackFactory(stock_quantity=stock) for _ in range(50)]
        run("spread", lambda index: [(many[index % 50], 1), (many[(index * 7 + 3) % 50], 1)])
        hot = PackFactory(stock_quantity=stock)
        run("hot", lambda index: [(hot, 1)])
        workers = f"{arguments.processes} processes" if arguments.processes else f"{arguments.threads} threads"
        print(f"{workers}, PostgreSQL {connection.pg_version // 10000}, "
              + ("payment included (test gateway authorisation)" if paying else "no payment"))
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(bench_database, verbosity=0)


if __name__ == "__main__":
    main()
