"""The benchmark's own load client (bench/load.py) counts what it measures, bounded in time, and refuses
to load anything but this machine. Timings themselves are never asserted."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load as bench
from bench.site import bench_environment

from .support import ROOT


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the bench client uses it
    status = 200

    def do_GET(self):
        body = b"ok"
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    servers = []

    def serve(status: int) -> str:
        handler = type("AnswerWith", (Answer,), {"status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/api/v1/products/?search=baclofen"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_bench_client_counts_requests_until_its_budget_runs_out(local_server):
    url = local_server(200)

    result = bench.measure_with_threads(url, duration=5, connections=2, max_requests=50)

    assert result.path == "/api/v1/products/?search=baclofen"
    assert result.requests == 50
    assert result.errors == 0
    assert 0 < result.latency_ms_p50 <= result.latency_ms_p90 <= result.latency_ms_p99


def test_bench_client_counts_non_200_answers_as_errors(local_server):
    url = local_server(503)

    result = bench.measure_with_threads(url, duration=5, connections=1, max_requests=10)

    assert (result.requests, result.errors) == (10, 10)


@pytest.mark.parametrize("url", ["http://10.0.0.8:8000/", "http://192.168.1.2/", "http://203.0.113.5/"])
def test_bench_client_refuses_addresses_off_this_machine(url):
    with pytest.raises(ValueError, match="only loopback addresses are benchmarked"):
        bench.measure_with_threads(url, duration=1, connections=1)


def test_bench_reads_wrk_latencies_in_every_unit():
    assert [bench._wrk_milliseconds(text) for text in ("850.00us", "3.25ms", "1.50s")] == [0.85, 3.25, 1500.0]


def test_bench_environment_passes_the_production_settings_checks():
    # The bench serves under the production settings, which refuse to start on anything they would not
    # run a pharmacy on; its environment must get past them with no keys of the developer's own.
    environment = bench_environment()
    environment["DATABASE_URL"] = "sqlite:///:memory:"

    checked = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], cwd=ROOT, env=environment,
                             capture_output=True, text=True, timeout=60)

    assert checked.returncode == 0, checked.stderr[-2000:]


def test_bench_keeps_the_round_with_the_median_throughput():
    def measured(requests_per_second):
        return bench.Result(path="/healthz", client="wrk -c8", duration_seconds=3, requests=1, errors=0,
                            requests_per_second=requests_per_second, latency_ms_p50=1, latency_ms_p90=1,
                            latency_ms_p99=1)

    rounds = [measured(900.0), measured(310.0), measured(850.0)]  # a burst of load from elsewhere in round 2

    assert bench.median_round(rounds).requests_per_second == 850.0


def test_bench_charges_each_request_the_machine_cpu_its_measurement_used(local_server, monkeypatch):
    readings = iter([100.0, 100.5])  # 0.5 CPU seconds of work across the measurement
    monkeypatch.setattr(bench, "machine_busy_seconds", lambda: next(readings))

    result = bench.measure(bench.measure_with_threads, local_server(200), duration=5, connections=1,
                           max_requests=50)

    assert result.requests == 50
    assert result.cpu_ms_per_request == 10.0


def test_bench_reads_the_machines_busy_cpu_time_without_the_stolen_time():
    busy = bench.machine_busy_seconds()
    if busy is None:
        pytest.skip("no /proc/stat here")
    fields = open("/proc/stat").readline().split()
    everything = sum(int(value) for value in fields[1:9]) / os.sysconf("SC_CLK_TCK")
    assert 0 < busy < everything  # idle, iowait and steal are left out


@pytest.mark.parametrize("command", [["bench/bench_catalog.py"], ["-m", "bench.http_orders"]])
def test_bench_scripts_find_their_modules(command):
    # make bench runs bench/bench_catalog.py by its path, which imports the rest of bench/ as a package from
    # the repository's root; bench_catalog runs `python -m bench.http_orders` to make the shoppers.
    shown = subprocess.run([sys.executable, *command, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "usage:" in shown.stdout
