"""`make bench` judges issue 20's targets from what it measured (bench/targets.py, bench/report.py), reads
each gunicorn worker's RSS from /proc (bench/memory.py) and reads bench_checkout's output back
(bench/searches.py). Those parts are tested on given numbers; no timing is asserted."""

import os

import pytest

from bench import memory, report, targets
from bench.cpu import SiteCpu, spent_seconds
from bench.searches import p99_by_query, read_checkout_output


def test_a_page_is_judged_by_the_cpu_each_request_cost_against_its_reference():
    missed = targets.cpu_ratio("API list", cost_ms=17.2, reference_ms=4.6, reference="the floor", at_least=0.60)
    met = targets.cpu_ratio("API list", cost_ms=7.0, reference_ms=4.6, reference="the floor", at_least=0.60)

    assert missed.verdict == targets.MISSED
    assert missed.why == "missed: 17.20 ms CPU per request vs 7.67 allowed"
    assert missed.measured == "27% (17.20 ms vs 4.60 ms)"
    assert (met.verdict, met.why) == (targets.MET, "met: 7.00 ms CPU per request vs 7.67 allowed")


def test_a_page_without_a_cpu_reading_is_not_measured_rather_than_missed():
    verdict = targets.cpu_ratio("cart", cost_ms=None, reference_ms=1.0, reference="/healthz", at_least=0.30)

    assert verdict.verdict == targets.NOT_MEASURED
    assert verdict.why.startswith("not measured: ")


def test_search_p99_misses_when_any_query_is_over_and_names_each_one_worst_first():
    p99 = {"baclofen": 31.0, "hay fever": 127.0, "Lioresal": 52.4}

    verdict = targets.latency_p99("search", p99_by_query=p99, at_most_ms=50)

    assert verdict.verdict == targets.MISSED
    assert verdict.why == "missed: 2 of 3 queries over 50 ms: 'hay fever' 127.0 ms, 'Lioresal' 52.4 ms"
    assert targets.latency_p99("search", p99_by_query={"baclofen": 50.0}, at_most_ms=50).verdict == targets.MET


def test_the_search_mix_and_the_suggest_prefixes_are_judged_apart():
    search = {"queries": {"baclofen": {"p50": 20, "p99": 40}, ">bac": {"p50": 6, "p99": 16}}}

    assert p99_by_query(search, suggest=False) == {"baclofen": 40}
    assert p99_by_query(search, suggest=True) == {">bac": 16}


def test_checkout_is_judged_on_statements_and_on_three_times_oscars_orders_per_second():
    assert targets.statements("checkout", per_order=36.0, at_most=25).why == (
        "missed: 36 statements per order vs 25 allowed")
    assert targets.statements("checkout", per_order=25.0, at_most=25).verdict == targets.MET
    slow = targets.oscar_ratio("orders/s", orders_per_second=10.3, at_least=3)
    assert (slow.verdict, slow.measured) == (targets.MISSED, "10.3 orders/s (0.5×)")
    assert slow.why == "missed: 10.3 orders/s vs 56.7 needed"
    assert targets.oscar_ratio("orders/s", orders_per_second=57.0, at_least=3).verdict == targets.MET


def test_worker_memory_misses_when_any_worker_grows_past_the_tolerance():
    steady = {"pid": 11, "rss_kib_early": 80 * 1024, "rss_kib_late": 81 * 1024}
    growing = {"pid": 12, "rss_kib_early": 80 * 1024, "rss_kib_late": 90 * 1024}

    assert targets.rss_growth("rss", workers=[steady], tolerance_mib=4).verdict == targets.MET
    verdict = targets.rss_growth("rss", workers=[steady, growing], tolerance_mib=4)
    assert (verdict.verdict, verdict.measured) == (targets.MISSED, "+1.0 MiB, +10.0 MiB")
    assert verdict.why == "missed: largest growth +10.0 MiB vs 4 MiB allowed"


def test_a_worker_replaced_during_the_memory_run_cannot_be_compared():
    replaced = {"pid": 13, "rss_kib_early": 80 * 1024, "rss_kib_late": None}

    verdict = targets.rss_growth("rss", workers=[replaced], tolerance_mib=4)

    assert verdict.verdict == targets.NOT_MEASURED
    assert "13 was replaced" in verdict.why


def test_the_targets_table_has_one_row_per_target_with_its_verdict_in_bold():
    rows = targets.table([targets.statements("checkout", per_order=36.0, at_most=25),
                          targets.not_measured("search", "p99 ≤ 50 ms", "needs PostgreSQL (DATABASE_URL unset)")])

    assert rows.splitlines()[2:] == [
        "| checkout | ≤ 25 statements per order | 36 statements | **missed**: 36 statements per order vs 25 allowed |",
        "| search | p99 ≤ 50 ms | — | **not measured**: needs PostgreSQL (DATABASE_URL unset) |",
    ]


def measured_pages(cost_ms: float) -> dict:
    names = ["floor", "api", "healthz", "list", "search_page", "product", "cart"]
    return {"targets": {name: {"median_cpu_ms_per_request": cost_ms, "requests_per_second": 100.0} for name in names}}


def test_on_sqlite_the_postgresql_targets_say_why_they_were_not_measured():
    measured = {"database": "sqlite", "arguments": {"search_packs": 100_000, "checkout_orders": 200},
                "runs": {"warm": measured_pages(1.0), "uncached": measured_pages(1.0)}}

    verdicts = report.verdicts(measured, postgres=False)

    assert [verdict.verdict for verdict in verdicts[:9]] == [targets.MET, targets.MET, targets.MET, targets.MET,
                                                            targets.MET, targets.MET, targets.MET, targets.MET,
                                                            targets.MET]
    not_measured = [verdict for verdict in verdicts if verdict.verdict == targets.NOT_MEASURED]
    assert [verdict.target for verdict in not_measured] == [
        "search mix at 100,000 packs, uncached", "suggest at 100,000 packs, uncached",
        "checkout statements (paid one-line order, service level)", "checkout orders/s, one thread, service level",
        "worker RSS after mixed requests"]
    assert {verdict.why for verdict in not_measured[:4]} == {"not measured: needs PostgreSQL (DATABASE_URL unset)"}


def test_rss_is_read_from_the_vmrss_line_of_proc_status():
    status = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmRSS:\t   81234 kB\nRssAnon:\t   60000 kB\n"

    assert memory.rss_kib(status) == 81234
    assert memory.rss_kib("Name:\tzombie\nState:\tZ (zombie)\n") is None


def test_the_workers_are_the_masters_children():
    if not os.path.exists(f"/proc/{os.getpid()}/status"):
        pytest.skip("no /proc here")
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in memory.worker_pids(os.getpid())
        assert memory.read_rss_kib(child.pid) > 0
    finally:
        child.kill()
        child.wait()


def test_bench_checkout_output_is_read_back_by_scenario():
    output = (
        "spread     200 orders in  19.42 s =    10.3 orders/s   latency ms p50   92.0  p95  140.1  max  301.2   "
        "statements/order  25.0 (all 29.0)  Python CPU ms/order   35.2  machine CPU ms/order  195.0\n"
        "hot        200 orders in  32.10 s =     6.2 orders/s   latency ms p50  160.0  p95  200.0  max  400.0   "
        "statements/order  36.0  Python CPU ms/order   52.0\n"
        "1 threads, PostgreSQL 15, payment included (test gateway authorisation)\n")

    scenarios = read_checkout_output(output)

    assert scenarios["spread"] == {"orders": 200, "seconds": 19.42, "orders_per_second": 10.3, "latency_ms_p50": 92.0,
                                   "statements_per_order": 25.0, "python_cpu_ms_per_order": 35.2,
                                   "machine_cpu_ms_per_order": 195.0}
    assert scenarios["hot"]["machine_cpu_ms_per_order"] is None


def test_site_cpu_counts_new_processes_from_their_start_and_reads_database_sessions_only_on_this_machine():
    before, after = {11: 5.0, 12: 7.0}, {11: 5.5, 12: 7.25, 13: 0.25}  # 13: a worker's new database session

    assert spent_seconds(before, after) == 1.0
    assert SiteCpu(1, "postgres://postgres@127.0.0.1:5432/bench").database_url is not None
    assert SiteCpu(1, "postgres://bench@db.example.org:5432/bench").database_url is None  # its pids are not ours
    assert SiteCpu(1, "sqlite:///var/bench.sqlite3").database_url is None
