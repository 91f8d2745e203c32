"""The bench's load clients: wrk when it is installed, else a thread pool in this process, and what a
measurement cost the machine in CPU per request. Both only ever load a server on this machine."""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import os
import re
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass

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
    site_cpu_ms_per_request: float | None = None  # the gunicorn workers' and their database sessions'


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


def measure(measurer, url: str, *, site=None, **options) -> Result:
    """Run one measurement and add what it cost the machine in CPU per request (server, database,
    cache and load client together: the same client loads every target, so the ratios hold), and with
    `site` (a bench.cpu.SiteCpu) what it cost the site's own processes."""
    site_before = site.read() if site else None
    before = machine_busy_seconds()
    result = measurer(url, **options)
    after = machine_busy_seconds()
    if before is not None and after is not None and result.requests:
        result.cpu_ms_per_request = round((after - before) * 1000 / result.requests, 3)
    if site_before is not None and result.requests:
        from bench.cpu import spent_seconds

        result.site_cpu_ms_per_request = round(spent_seconds(site_before, site.read()) * 1000 / result.requests, 3)
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


def median_cpu_ms(results: list[Result], field: str = "cpu_ms_per_request") -> float | None:
    costs = sorted(value for result in results if (value := getattr(result, field)) is not None)
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
                  # wrk leaves a percentile out when it has too few samples (none answered in time)
                  latency_ms_p50=_wrk_milliseconds(latency.get("50", "0us")),
                  latency_ms_p90=_wrk_milliseconds(latency.get("90", "0us")),
                  latency_ms_p99=_wrk_milliseconds(latency.get("99", "0us")))
