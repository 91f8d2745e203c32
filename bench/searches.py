"""The search mix, timed from a single client one request at a time (so each latency is one search's
own), and bench/bench_checkout.py run and read back: statements and orders per second per order."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.load import percentile

ROOT = Path(__file__).resolve().parent.parent
SUGGEST = ">"  # a query of the mix that starts with it is a suggest prefix


SEARCH_QUERIES = ["baclofen", "baclofn", "baclofen 10mg", "baclofen 10 mg", "Lioresal", "acetaminophen",
                  "ibuprofn", "cetirizine 10mg", "hay fever", "paracetamol 500mg"]


def search_path(query: str) -> str:
    if query.startswith(SUGGEST):
        return f"/api/v1/products/suggest/?q={urllib.parse.quote(query[len(SUGGEST):])}"
    return f"/api/v1/products/?search={urllib.parse.quote(query)}"


def search_latencies(base_url: str, queries: list[str], *, repeats: int, warm_up: int = 2) -> dict:
    """Single client, one request at a time: p50 and p99 per query and over the whole mix. Each query is
    first sent `warm_up` times untimed, so that every gunicorn worker has opened its database connection
    and run the query once (a sync worker closes the connection after each answer, so consecutive
    requests may go to either worker). A response other than 200 is counted as an error."""
    parts = urllib.parse.urlsplit(base_url)

    def timed(path: str) -> tuple[float, int]:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        return elapsed, response.status

    for query in queries:
        for _ in range(warm_up):
            timed(search_path(query))
    per_query, everything, errors = {}, [], 0
    for query in queries:
        timings = []
        for _ in range(repeats):
            elapsed, status = timed(search_path(query))
            timings.append(elapsed)
            errors += status != 200
        timings.sort()
        everything.extend(timings)
        per_query[query] = {"p50": round(percentile(timings, 0.5), 2), "p99": round(percentile(timings, 0.99), 2)}
    everything.sort()
    return {"queries": per_query, "repeats": repeats, "errors": errors,
            "p50": round(percentile(everything, 0.5), 2), "p99": round(percentile(everything, 0.99), 2)}


def p99_by_query(search: dict, *, suggest: bool) -> dict[str, float]:
    """The p99 of each search query of the mix (suggest=False) or of each suggest prefix (suggest=True)."""
    return {query: timing["p99"] for query, timing in search["queries"].items()
            if query.startswith(SUGGEST) == suggest}


CHECKOUT_LINE = re.compile(r"^(?P<scenario>spread|hot)\s+(?P<orders>\d+) orders in\s+(?P<seconds>[\d.]+) s")


def read_checkout_output(stdout: str) -> dict[str, dict]:
    """bench_checkout's lines, by scenario: orders, orders per second, statements and CPU per order."""
    numbers = {"orders_per_second": r"([\d.]+) orders/s", "latency_ms_p50": r"p50\s+([\d.]+)",
               "statements_per_order": r"statements/order\s+([\d.]+)",
               "python_cpu_ms_per_order": r"Python CPU ms/order\s+([\d.]+)",
               "machine_cpu_ms_per_order": r"machine CPU ms/order\s+([\d.]+)"}
    scenarios = {}
    for line in stdout.splitlines():
        if match := CHECKOUT_LINE.match(line):
            scenario = {"orders": int(match["orders"]), "seconds": float(match["seconds"])}
            for name, pattern in numbers.items():
                found = re.search(pattern, line)
                scenario[name] = float(found.group(1)) if found else None
            scenarios[match["scenario"]] = scenario
    return scenarios


def run_bench_checkout(environment: dict[str, str], *, orders: int, workers: list[str]) -> dict:
    """bench_checkout on a copy of the bench database, with `workers` (e.g. ["--threads", "1"])."""
    checkout = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_checkout.py"), "--orders", str(orders), "--copy-migrated",
         *workers],
        cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"},
        capture_output=True, text=True)
    if checkout.returncode:
        return {"error": checkout.stderr.strip().splitlines()[-1] if checkout.stderr.strip() else "failed"}
    return read_checkout_output(checkout.stdout)
