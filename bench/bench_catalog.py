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
                         max_requests: int = MAX_REQUESTS_PER_TARGET) -> Result:
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
                connection.request("GET", target)
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


def _wrk_milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure_with_wrk(url: str, *, duration: float, connections: int) -> Result:
    require_loopback(url)
    seconds = max(1, int(min(duration, MAX_DURATION_SECONDS)))
    output = subprocess.run(
        ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
         url],
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
        "DJANGO_SETTINGS_MODULE": "pharmacy.settings.production",
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10,
                        help=f"seconds per target (at most {MAX_DURATION_SECONDS})")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("paths", nargs="*", default=DEFAULT_TARGETS, help="paths to load, in order")
    arguments = parser.parse_args()
    client = arguments.client if arguments.client != "auto" else ("wrk" if shutil.which("wrk") else "python")

    environment = bench_environment()
    database = environment["DATABASE_URL"].split("@")[-1]  # never print a password
    print(f"preparing the site on {database} …", flush=True)
    prepare_site(environment)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(arguments.workers), "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True,
    )
    results: list[Result] = []
    try:
        wait_until_serving(f"{base_url}/healthz", server)
        for path in arguments.paths:
            url = base_url + path
            status = status_of(url)
            if status != 200:
                print(f"skipping {path}: it answers {status}")
                continue
            measure_with_threads(url, duration=1, connections=2)  # warm up connections and caches
            if client == "wrk":
                result = measure_with_wrk(url, duration=arguments.duration, connections=arguments.connections)
            else:
                result = measure_with_threads(url, duration=arguments.duration,
                                              connections=arguments.connections)
            results.append(result)
            print(f"{result.path:40} {result.requests_per_second:9.1f} req/s"
                  f"   p50 {result.latency_ms_p50:7.2f} ms   p90 {result.latency_ms_p90:7.2f} ms"
                  f"   p99 {result.latency_ms_p99:7.2f} ms"
                  f"   {result.requests} requests, {result.errors} errors",
                  flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "taken_at": stamp, "database": environment["DATABASE_URL"].split(":")[0],
        "gunicorn_workers": arguments.workers, "cpu_count": os.cpu_count(), "client": client,
        "results": [asdict(result) for result in results],
    }
    path = RESULTS_DIR / f"catalog-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
