#!/usr/bin/env python
"""`make bench`: throughput and latency of the catalog API and the storefront's medicine list.

Serves the site with gunicorn under the production settings (DEBUG off, throttles raised out of the
way) on a free 127.0.0.1 port, against DATABASE_URL, or against a SQLite file of its own
(var/bench.sqlite3) when DATABASE_URL is unset. The demo catalog is loaded first. Each target is then
loaded for a fixed time by wrk when it is installed, otherwise by a small thread-pool client in this
process. Results are printed and written to bench/results/<time>.json. There are no pass/fail timings:
compare runs taken side by side on the same machine.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import ipaddress
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_TARGETS = ["/healthz", "/api/v1/products/", "/api/v1/products/?search=baclofen", "/medicines/"]
MAX_DURATION_SECONDS = 120
MAX_REQUESTS_PER_TARGET = 1_000_000


@dataclass
class Result:
    path: str
    client: str
    duration_seconds: float
    requests: int
    errors: int
    requests_per_second: float
    latency_ms_p50: float
    latency_ms_p90: float
    latency_ms_p99: float
    cpu_ms_per_request: float | None = None  # this machine's busy CPU time per request, steal excluded


def machine_busy_seconds() -> float | None:
    """CPU time this machine spent working (user, system, interrupts), summed over its cores, from
    /proc/stat; None off Linux. Time stolen by the hypervisor for other guests is not counted, so the
    cost of a request measured with it holds on a shared VM whose throughput swings with its neighbours."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def measure(measurer, url: str, **options) -> Result:
    """Run one measurement and add what it cost the machine in CPU per request (server, database,
    cache and load client together: the same client loads every target, so the ratios hold)."""
    before = machine_busy_seconds()
    result = measurer(url, **options)
    after = machine_busy_seconds()
    if before is not None and after is not None and result.requests:
        result.cpu_ms_per_request = round((after - before) * 1000 / result.requests, 3)
    return result


def require_loopback(url: str) -> None:
    """This benchmark only ever loads a server of its own on this machine."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"refusing to load {url}: only loopback addresses are benchmarked")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def measure_with_threads(url: str, *, duration: float, connections: int,
                         max_requests: int = MAX_REQUESTS_PER_TARGET, headers: dict | None = None) -> Result:
    """`connections` threads, each with one keep-alive connection, request `url` until the time or
    the request budget runs out. A response other than 200, or a failed connection, is an error."""
    require_loopback(url)
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    tickets = itertools.count()  # shared request budget; next() on it is atomic
    deadline = time.monotonic() + min(duration, MAX_DURATION_SECONDS)

    def load() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine: list[float] = []
        my_errors = 0
        while time.monotonic() < deadline and next(tickets) < max_requests:
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers or {})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    my_errors += 1
            except (OSError, http.client.HTTPException):
                my_errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += my_errors

    started = time.monotonic()
    threads = [threading.Thread(target=load) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return Result(path=target, client=f"python threads ×{connections}", duration_seconds=round(elapsed, 2),
                  requests=len(latencies), errors=errors,
                  requests_per_second=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
                  latency_ms_p50=round(percentile(latencies, 0.50) * 1000, 2),
                  latency_ms_p90=round(percentile(latencies, 0.90) * 1000, 2),
                  latency_ms_p99=round(percentile(latencies, 0.99) * 1000, 2))


def median_round(results: list[Result]) -> Result:
    """The round with the median throughput. Targets are measured in turn, round after round, so a
    burst of load from elsewhere on a shared machine skews one round of each ratio, not the whole run."""
    return sorted(results, key=lambda result: result.requests_per_second)[len(results) // 2]


def median_cpu_ms(results: list[Result]) -> float | None:
    costs = sorted(result.cpu_ms_per_request for result in results if result.cpu_ms_per_request is not None)
    return costs[len(costs) // 2] if costs else None


def _wrk_milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure_with_wrk(url: str, *, duration: float, connections: int, headers: dict | None = None) -> Result:
    require_loopback(url)
    seconds = max(1, int(min(duration, MAX_DURATION_SECONDS)))
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
         *header_args, url],
        capture_output=True, text=True, check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    requests = int(re.search(r"^\s+(\d+) requests in", output, re.MULTILINE).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(map(int, socket_errors.groups()))
    parts = urllib.parse.urlsplit(url)
    return Result(path=parts.path + (f"?{parts.query}" if parts.query else ""), client=f"wrk -c{connections}",
                  duration_seconds=float(seconds), requests=requests, errors=errors,
                  requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                  latency_ms_p50=_wrk_milliseconds(latency["50"]),
                  latency_ms_p90=_wrk_milliseconds(latency["90"]),
                  latency_ms_p99=_wrk_milliseconds(latency["99"]))


def bench_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # production settings plus the floor endpoint
        "SECRET_KEY": secrets.token_urlsafe(50),  # a fresh key per run: nothing signed outlives it
        # Production refuses to start without a prescription key; the bench stores no prescription.
        "PRESCRIPTION_ENCRYPTION_KEYS": "bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
        "PYTHONUNBUFFERED": "1",
    })
    environment.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    # One machine, no mail server: the production settings' refusal of embedded services is lifted here.
    environment.setdefault("ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION", "true")
    # The bench's guest cart never reaches a payment; the built-in test gateway keeps it keyless.
    environment.setdefault("ALLOW_TEST_PAYMENTS_IN_PRODUCTION", "true")
    return environment


def prepare_site(environment: dict[str, str]) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=environment,
                   check=True)
    has_catalog = subprocess.run([*manage, "help", "load_demo_catalog"], cwd=ROOT, env=environment,
                                 capture_output=True).returncode == 0
    if has_catalog:
        subprocess.run([*manage, "load_demo_catalog"], cwd=ROOT, env=environment, check=True,
                       stdout=subprocess.DEVNULL)
    else:
        print("load_demo_catalog is not available yet: benchmarking an empty catalog")
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=environment,
                   check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering")
        try:
            parts = urllib.parse.urlsplit(url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", parts.path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def status_of(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    return connection.getresponse().status


def get_json(url: str):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    return json.loads(connection.getresponse().read())


def guest_cart_cookie(base_url: str, pack_ids: list[int], product_path: str) -> str:
    """Put one unit of each pack in a guest cart through the storefront, as a shopper would; returns the
    Cookie header that shows that cart."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    cookies: dict[str, str] = {}

    def remember(response) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]

    connection.request("GET", product_path)
    response = connection.getresponse()
    page = response.read().decode()
    remember(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for pack_id in pack_ids:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "pack": pack_id, "quantity": 1})
        connection.request("POST", "/cart/add/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": base_url + product_path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        })
        response = connection.getresponse()
        response.read()
        remember(response)
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request("GET", "/cart/", headers={"Cookie": header})  # takes the flash messages
    connection.getresponse().read()
    return header


SEARCH_QUERIES = ["baclofen", "baclofn", "baclofen 10mg", "baclofen 10 mg", "Lioresal", "acetaminophen",
                  "ibuprofn", "cetirizine 10mg", "hay fever", "paracetamol 500mg"]


def search_latencies(base_url: str, queries: list[str], *, repeats: int) -> dict:
    """Single client, one request at a time: p50 and p99 per query and over the whole mix."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    per_query, everything = {}, []
    for query in queries:
        path = (f"/api/v1/products/suggest/?q={urllib.parse.quote(query[1:])}" if query.startswith(">")
                else f"/api/v1/products/?search={urllib.parse.quote(query)}")
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        everything.extend(timings)
        per_query[query] = {"p50": round(percentile(timings, 0.5), 2), "p99": round(percentile(timings, 0.99), 2)}
    everything.sort()
    return {"queries": per_query, "p50": round(percentile(everything, 0.5), 2),
            "p99": round(percentile(everything, 0.99), 2)}


def serve(environment: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{base_url}/healthz", server)
    return server, base_url


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3,
                        help=f"seconds per target and round (at most {MAX_DURATION_SECONDS})")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure every target this many times in turn and keep the median round")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--search-repeats", type=int, default=30, help="requests per search query")
    parser.add_argument("--generated-packs", type=int, default=0,
                        help="also load bench/generate_catalog.py --packs N first (PostgreSQL; e.g. 100000)")
    parser.add_argument("--checkout-orders", type=int, default=200,
                        help="orders for bench/bench_checkout.py (PostgreSQL only; 0 skips it)")
    arguments = parser.parse_args()
    client = arguments.client if arguments.client != "auto" else ("wrk" if shutil.which("wrk") else "python")

    environment = bench_environment()
    database = environment["DATABASE_URL"].split("@")[-1]  # never print a password
    print(f"preparing the site on {database} …", flush=True)
    prepare_site(environment)
    if arguments.generated_packs:
        generated = subprocess.run([sys.executable, str(ROOT / "bench" / "generate_catalog.py"), "--packs",
                                    str(arguments.generated_packs), "--no-progress"], cwd=ROOT, env=environment,
                                   capture_output=True, text=True)
        print(generated.stdout.strip() or generated.stderr.strip().splitlines()[-1], flush=True)

    report: dict = {"taken_at": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                    "database": environment["DATABASE_URL"].split(":")[0], "gunicorn_workers": arguments.workers,
                    "cpu_count": os.cpu_count(), "client": client, "runs": {}}
    targets: list[tuple[str, str, dict | None]] = []
    for mode, enabled in (("warm", "true"), ("uncached", "false")):
        server, base_url = serve({**environment, "CATALOG_CACHE_ENABLED": enabled}, arguments.workers)
        try:
            if not targets:
                listing = get_json(f"{base_url}/api/v1/products/?legal_category=general_sale&in_stock=true")
                products = listing["results"]
                packs = [pack["id"] for product in products for pack in product["packs"] if pack["in_stock"]][:3]
                product_path = f"/medicines/{products[0]['slug']}/"
                cookie = guest_cart_cookie(base_url, packs, product_path)
                gtin = next(pack["gtin"] for product in products for pack in product["packs"] if pack["gtin"])
                targets = [("floor", "/bench/floor/", None), ("api", "/api/v1/products/", None),
                           ("healthz", "/healthz", None), ("list", "/medicines/", None),
                           ("product", product_path, None), ("cart", "/cart/", {"Cookie": cookie})]
            for _name, path, headers in targets:  # warm up every target (and its cache entries) first
                measure_with_threads(base_url + path, duration=1, connections=2, headers=headers)
            rounds: dict[str, list[Result]] = {name: [] for name, _, _ in targets}
            for round_number in range(1, arguments.rounds + 1):
                for name, path, headers in targets:
                    url = base_url + path
                    result = measure(measure_with_wrk if client == "wrk" else measure_with_threads, url,
                                     duration=arguments.duration, connections=arguments.connections,
                                     headers=headers)
                    rounds[name].append(result)
                    print(f"{mode:9} {round_number} {path:40} {result.requests_per_second:9.1f} req/s   p50 "
                          f"{result.latency_ms_p50:7.2f} ms   p99 {result.latency_ms_p99:7.2f} ms   "
                          f"{result.errors} errors   {result.cpu_ms_per_request} CPU ms/request", flush=True)
            results = {name: {**asdict(median_round(measured)),
                              "rounds_requests_per_second": [r.requests_per_second for r in measured],
                              "median_cpu_ms_per_request": median_cpu_ms(measured)}
                       for name, measured in rounds.items()}
            search = search_latencies(base_url, [*SEARCH_QUERIES, gtin, ">bac", ">nuro"],
                                      repeats=arguments.search_repeats)
            report["runs"][mode] = {"targets": results, "search": search}
        finally:
            stop(server)

    if arguments.checkout_orders and environment["DATABASE_URL"].startswith("postgres"):
        checkout = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_checkout.py"), "--orders",
                                   str(arguments.checkout_orders), "--threads", "4"], cwd=ROOT,
                                  env={**environment, "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"},
                                  capture_output=True, text=True)
        report["checkout"] = [line for line in checkout.stdout.splitlines() if "orders" in line]

    print_table(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"catalog-{report['taken_at']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0


def print_table(report: dict) -> None:
    rows = [("/api/v1/products/ vs bare 20-row DRF list", "api", "floor", 0.80),
            ("/medicines/ vs /healthz", "list", "healthz", 0.40),
            ("product page vs /healthz", "product", "healthz", 0.40),
            ("cart page (3 lines) vs /healthz", "cart", "healthz", None)]
    print("\n| comparison | warm req/s | uncached req/s | reference req/s (warm / uncached) | warm ratio | "
          "uncached ratio | target |")
    print("|---|---|---|---|---|---|---|")
    for label, name, reference, target in rows:
        cells = []
        for mode in ("warm", "uncached"):
            targets = report["runs"][mode]["targets"]
            cells.append((targets[name]["requests_per_second"], targets[reference]["requests_per_second"]))
        ratios = [value / ref if ref else 0.0 for value, ref in cells]
        verdict = target_verdict(target, ratios)
        print(f"| {label} | {cells[0][0]:.0f} | {cells[1][0]:.0f} | {cells[0][1]:.0f} / {cells[1][1]:.0f} | "
              f"{ratios[0]:.0%} | {ratios[1]:.0%} | {verdict} |")
    print_cpu_table(report, rows)
    for mode in ("warm", "uncached"):
        search = report["runs"][mode]["search"]
        worst = max(search["queries"].items(), key=lambda item: item[1]["p99"])
        print(f"| search mix ({mode}), single client | p50 {search['p50']} ms | p99 {search['p99']} ms | "
              f"worst p99: {worst[0]!r} {worst[1]['p99']} ms | | | p99 ≤ 50 ms per query (suggest ≤ 20) |")
    for line in report.get("checkout", []):
        print(f"| checkout: {line.strip()} | | | | | | |")


def target_verdict(target: float | None, ratios: list[float]) -> str:
    """'≥ 40%: met warm, missed uncached' for the (warm, uncached) ratios; '' where there is no target."""
    if target is None:
        return ""
    warm, uncached = ("met" if ratio >= target else "missed" for ratio in ratios)
    return f"≥ {target:.0%}: {warm} warm, {uncached} uncached"


def print_cpu_table(report: dict, rows: list) -> None:
    """The same ratios from what each request cost the machine in CPU (median round): the capacity ratio
    of a saturated server, and unlike requests per second it does not swing with a neighbour's load."""
    targets = {mode: report["runs"][mode]["targets"] for mode in ("warm", "uncached")}
    if targets["warm"]["healthz"].get("median_cpu_ms_per_request") is None:
        return
    print("| by CPU per request | warm ms (this / reference) | uncached ms (this / reference) | warm ratio | "
          "uncached ratio | | target |")
    for label, name, reference, target in rows:
        costs = [(targets[mode][name]["median_cpu_ms_per_request"],
                  targets[mode][reference]["median_cpu_ms_per_request"]) for mode in ("warm", "uncached")]
        ratios = [ref / cost if cost else 0.0 for cost, ref in costs]
        verdict = target_verdict(target, ratios)
        print(f"| {label} | {costs[0][0]:.2f} / {costs[0][1]:.2f} | {costs[1][0]:.2f} / {costs[1][1]:.2f} | "
              f"{ratios[0]:.0%} | {ratios[1]:.0%} | | {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
