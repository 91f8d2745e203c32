#!/usr/bin/env python
"""`make bench`: every target of issue 20 measured in one run, and a table of each, met or missed and why.

Serves the site with gunicorn under the production settings (DEBUG off, throttles raised out of the
way) on a free 127.0.0.1 port, against DATABASE_URL, or against a SQLite file of its own
(var/bench.sqlite3) when DATABASE_URL is unset. The demo catalog is loaded first. In turn:

1. the pages and the API list against their references (the bare DRF list, /healthz), with the catalog
   cache on and off, loaded by wrk (or a thread pool in this process without it), by CPU per request;
2. the search mix from a single client, uncached, on the demo catalog;
3. each gunicorn worker's RSS after 2,000 and after 10,000 mixed requests;
4. on PostgreSQL: the search mix at 100,000 packs (a database generated once and kept), bench_checkout's
   statements and orders per second in one thread and across worker processes, and paid orders per second
   over HTTP through gunicorn.

The whole report is written to bench/results/catalog-<time>.json. Timings are never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages sit one directory up
    sys.path.insert(0, str(ROOT))

from bench import databases, http_orders, memory  # noqa: E402
from bench.cpu import SiteCpu  # noqa: E402
from bench.load import (  # noqa: E402
    Result,
    measure,
    measure_with_threads,
    measure_with_wrk,
    median_cpu_ms,
    median_round,
)
from bench.report import print_report, verdicts  # noqa: E402
from bench.searches import SEARCH_QUERIES, run_bench_checkout, search_latencies  # noqa: E402
from bench.site import bench_environment, get_json, guest_cart_cookie, prepare_site, serve, stop  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"


@contextmanager
def timed(phases: dict, name: str):
    """Records how long a step of the run took, so the report shows where its minutes went."""
    started = time.monotonic()
    try:
        yield
    finally:
        phases[name] = round(time.monotonic() - started, 1)


def page_targets(base_url: str) -> tuple[list[tuple[str, str, dict | None]], dict]:
    """What the pages' rounds load, as (name, path, headers), found through the site as a shopper would,
    and what the later steps need from the catalog (product pages, the GTIN of the search mix)."""
    listing = get_json(f"{base_url}/api/v1/products/?legal_category=general_sale&in_stock=true")
    products = listing["results"]
    packs = [pack["id"] for product in products for pack in product["packs"] if pack["in_stock"]][:3]
    product_paths = [f"/medicines/{product['slug']}/" for product in products]
    cookie = guest_cart_cookie(base_url, packs, product_paths[0])
    gtin = next(pack["gtin"] for product in products for pack in product["packs"] if pack["gtin"])
    targets = [("floor", "/bench/floor/", None), ("api", "/api/v1/products/", None), ("healthz", "/healthz", None),
               ("list", "/medicines/", None), ("search_page", "/medicines/?q=baclofen", None),
               ("product", product_paths[0], None), ("cart", "/cart/", {"Cookie": cookie})]
    return targets, {"product_paths": product_paths, "cookie": cookie, "gtin": gtin}


def measure_pages(base_url: str, targets, arguments, client: str, mode: str, site: SiteCpu) -> dict:
    for _name, path, headers in targets:  # warm up every target (and its cache entries) first
        measure_with_threads(base_url + path, duration=1, connections=2, headers=headers)
    rounds: dict[str, list[Result]] = {name: [] for name, _, _ in targets}
    for round_number in range(1, arguments.rounds + 1):
        for name, path, headers in targets:
            result = measure(measure_with_wrk if client == "wrk" else measure_with_threads, base_url + path,
                             duration=arguments.duration, connections=arguments.connections, headers=headers,
                             site=site)
            rounds[name].append(result)
            print(f"{mode:9} {round_number} {path:40} {result.requests_per_second:9.1f} req/s   p50 "
                  f"{result.latency_ms_p50:7.2f} ms   p99 {result.latency_ms_p99:7.2f} ms   "
                  f"{result.errors} errors   CPU ms/request: machine {result.cpu_ms_per_request}, "
                  f"site {result.site_cpu_ms_per_request}", flush=True)
    return {name: {**asdict(median_round(measured)),
                   "rounds_requests_per_second": [r.requests_per_second for r in measured],
                   "median_cpu_ms_per_request": median_cpu_ms(measured),
                   "median_site_cpu_ms_per_request": median_cpu_ms(measured, "site_cpu_ms_per_request")}
            for name, measured in rounds.items()}


def measure_large_search(environment, arguments, queries: list[str]) -> dict:
    if arguments.search_database_url:  # a large catalog made elsewhere (e.g. a million packs), used as it is
        url, done = arguments.search_database_url, "used as it is"
    else:
        url, done = databases.large_catalog(environment["DATABASE_URL"], environment, packs=arguments.search_packs)
    packs = databases.pack_count(url)
    print(f"{databases.database_name(url)}: {done}, {packs:,} packs", flush=True)
    server, base_url = serve({**environment, "DATABASE_URL": url, "CATALOG_CACHE_ENABLED": "false"},
                             arguments.workers)
    try:
        return {"packs": packs, "database": databases.database_name(url), "prepared": done,
                **search_latencies(base_url, queries, repeats=arguments.search_repeats)}
    finally:
        stop(server)


def measure_http_orders(environment, arguments) -> dict:
    """Paid orders through the API on a copy of the bench database, dropped afterwards. The tasks a
    checkout hands over (the card's capture, the confirmation) go to an in-memory broker that nothing
    consumes, as bench_checkout's do: a worker would take them off the web process, and none is left
    queued in Redis for orders of a database that is gone."""
    name = f"{databases.database_name(environment['DATABASE_URL'])}_orders_{os.getpid()}"
    url = databases.copy_database(environment["DATABASE_URL"], name)
    try:
        site = {**environment, "DATABASE_URL": url, "CELERY_BROKER_URL": "memory://localhost/",
                "CELERY_TASK_ALWAYS_EAGER": "false"}
        shoppers = http_orders.setup_shoppers(site, arguments.http_orders)
        server, base_url = serve(site, arguments.workers)
        try:
            return http_orders.place_orders(base_url, shoppers, clients=arguments.http_clients,
                                            site=SiteCpu(server.pid, url))
        finally:
            stop(server)
    finally:
        databases.drop_database(environment["DATABASE_URL"], name)


def recorded_arguments(arguments) -> dict:
    """The run's options as the report keeps them: a database URL by its name only, never its password."""
    recorded = vars(arguments).copy()
    if recorded.get("search_database_url"):
        recorded["search_database_url"] = databases.database_name(recorded["search_database_url"])
    return recorded


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per page target and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure every page target this many times in turn and keep the median round")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--cpu", choices=["machine", "site"], default="machine",
                        help="which CPU per request the page targets read: the machine's busy time (default), or "
                             "the site's own processes' (gunicorn workers and their PostgreSQL sessions), which "
                             "other work on a shared machine does not move")
    parser.add_argument("--search-repeats", type=int, default=100, help="requests per query of the search mix")
    parser.add_argument("--search-packs", type=int, default=100_000,
                        help="time the search mix on a generated catalog of this many packs, kept between runs "
                             "(PostgreSQL; 0 skips it)")
    parser.add_argument("--search-database-url",
                        help="time the search mix on this PostgreSQL database's catalog instead (already migrated "
                             "and generated, e.g. a million packs); it is only read")
    parser.add_argument("--generated-packs", type=int, default=0,
                        help="run everything on the demo catalog plus bench/generate_catalog.py --packs N "
                             "(PostgreSQL; on an empty database of its own)")
    parser.add_argument("--memory-requests", type=int, default=10_000,
                        help="mixed requests in all; each worker's RSS is read after a fifth of them and at the end "
                             "(0 skips it)")
    parser.add_argument("--checkout-orders", type=int, default=200,
                        help="orders per scenario for bench/bench_checkout.py (PostgreSQL; 0 skips it)")
    parser.add_argument("--http-orders", type=int, default=200,
                        help="paid orders over HTTP through gunicorn (PostgreSQL; 0 skips it)")
    parser.add_argument("--http-clients", type=int, default=4, help="concurrent clients placing them")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    client = arguments.client if arguments.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    environment = bench_environment()
    database = environment["DATABASE_URL"].split("@")[-1]  # never print a password
    postgres = environment["DATABASE_URL"].startswith("postgres")
    phases: dict[str, float] = {}
    print(f"preparing the site on {database} …", flush=True)
    with timed(phases, "prepare"):
        if postgres and databases.create_database_if_missing(environment["DATABASE_URL"]):
            print(f"created {databases.database_name(environment['DATABASE_URL'])}", flush=True)
        prepare_site(environment)
        if arguments.generated_packs:
            generated = subprocess.run([sys.executable, str(ROOT / "bench" / "generate_catalog.py"), "--packs",
                                        str(arguments.generated_packs), "--no-progress"], cwd=ROOT,
                                       env=environment, capture_output=True, text=True)
            print(generated.stdout.strip() or generated.stderr.strip().splitlines()[-1], flush=True)

    report: dict = {"taken_at": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                    "database": environment["DATABASE_URL"].split(":")[0], "gunicorn_workers": arguments.workers,
                    "cpu_count": os.cpu_count(), "client": client, "arguments": recorded_arguments(arguments),
                    "runs": {}, "phase_seconds": phases}
    targets, found = None, {}
    for mode, enabled in (("warm", "true"), ("uncached", "false")):
        server, base_url = serve({**environment, "CATALOG_CACHE_ENABLED": enabled}, arguments.workers)
        try:
            if targets is None:
                targets, found = page_targets(base_url)
                queries = [*SEARCH_QUERIES, found["gtin"], ">bac", ">nuro"]
            site = SiteCpu(server.pid, environment["DATABASE_URL"])
            with timed(phases, f"pages ({mode})"):
                report["runs"][mode] = {"targets": measure_pages(base_url, targets, arguments, client, mode, site)}
            if mode == "uncached":
                with timed(phases, "search (demo catalog)"):
                    report["runs"][mode]["search"] = search_latencies(base_url, queries,
                                                                      repeats=arguments.search_repeats)
                if arguments.memory_requests:
                    print(f"worker memory: {arguments.memory_requests} mixed requests …", flush=True)
                    mix = memory.mixed_requests(product_paths=found["product_paths"], queries=SEARCH_QUERIES,
                                                cart_cookie=found["cookie"])
                    total = arguments.memory_requests
                    with timed(phases, "worker memory"):
                        report["memory"] = memory.measure_worker_memory(base_url, server.pid, mix,
                                                                        early=total // 5, total=total)
        finally:
            stop(server)

    if postgres and (arguments.search_packs or arguments.search_database_url):
        print("search mix on a large catalog …", flush=True)
        with timed(phases, "search (large catalog)"):
            report["large_search"] = measure_large_search(environment, arguments, queries)
    if postgres and arguments.checkout_orders:
        print("bench_checkout: one thread, then two worker processes …", flush=True)
        with timed(phases, "bench_checkout"):
            report["checkout"] = {
                "one_thread": run_bench_checkout(environment, orders=arguments.checkout_orders,
                                                 workers=["--threads", "1"]),
                "two_processes": run_bench_checkout(environment, orders=arguments.checkout_orders,
                                                    workers=["--processes", "2"]),
            }
    if postgres and arguments.http_orders:
        print(f"{arguments.http_orders} paid orders over HTTP …", flush=True)
        with timed(phases, "orders over HTTP"):
            report["http_orders"] = measure_http_orders(environment, arguments)

    report["targets"] = [asdict(verdict) for verdict in verdicts(report, postgres=postgres)]
    print_report(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"catalog-{report['taken_at']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
