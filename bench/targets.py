"""Issue 20's targets as verdicts: each target, its threshold, what this run measured, and whether it is
**met**, **missed** or **not measured**, with why in numbers. Pure functions of the measured values, so
the verdicts are tested apart from any run (tests/deploy/test_bench_targets.py)."""

from __future__ import annotations

from dataclasses import dataclass

MET, MISSED, NOT_MEASURED = "met", "missed", "not measured"

# django-oscar's published order placement: one thread, at the service level, no payment step.
OSCAR_ORDERS_PER_SECOND = 18.9
OSCAR_QUERIES_PER_ORDER = 57


@dataclass(frozen=True)
class Verdict:
    target: str
    threshold: str
    measured: str
    verdict: str  # MET, MISSED or NOT_MEASURED
    why: str


def not_measured(target: str, threshold: str, reason: str) -> Verdict:
    return Verdict(target, threshold, "—", NOT_MEASURED, f"not measured: {reason}")


def cpu_ratio(target: str, *, cost_ms: float | None, reference_ms: float | None, reference: str,
              at_least: float, reading: str = "CPU") -> Verdict:
    """A page's capacity against a reference's, read from the CPU each request cost (`reading` says whose):
    the page must cost at most reference / at_least milliseconds (at_least 0.25: four times the reference)."""
    threshold = f"≥ {at_least:.0%} of {reference} by {reading} per request"
    if not cost_ms or not reference_ms:
        return not_measured(target, threshold, "no CPU per request (no request answered, or no /proc/stat)")
    allowed = reference_ms / at_least
    ratio = reference_ms / cost_ms
    measured = f"{ratio:.0%} ({cost_ms:.2f} ms vs {reference_ms:.2f} ms)"
    verdict = MET if ratio >= at_least else MISSED
    return Verdict(target, threshold, measured, verdict,
                   f"{verdict}: {cost_ms:.2f} ms CPU per request vs {allowed:.2f} allowed")


def latency_p99(target: str, *, p99_by_query: dict[str, float], at_most_ms: float) -> Verdict:
    """Every query's p99 must be at most at_most_ms; a miss names each query over it, worst first."""
    threshold = f"p99 ≤ {at_most_ms:g} ms for every query"
    if not p99_by_query:
        return not_measured(target, threshold, "no query was timed")
    worst_query, worst = max(p99_by_query.items(), key=lambda item: item[1])
    over = sorted(((p99, query) for query, p99 in p99_by_query.items() if p99 > at_most_ms), reverse=True)
    measured = f"worst p99 {worst:.1f} ms ({worst_query!r}) over {len(p99_by_query)} queries"
    if not over:
        return Verdict(target, threshold, measured, MET, f"met: every p99 ≤ {at_most_ms:g} ms")
    listed = ", ".join(f"{query!r} {p99:.1f} ms" for p99, query in over)
    return Verdict(target, threshold, measured, MISSED,
                   f"missed: {len(over)} of {len(p99_by_query)} queries over {at_most_ms:g} ms: {listed}")


def statements(target: str, *, per_order: float | None, at_most: int, reason: str = "") -> Verdict:
    threshold = f"≤ {at_most} statements per order"
    if per_order is None:
        return not_measured(target, threshold, reason or "no order was placed")
    verdict = MET if per_order <= at_most else MISSED
    return Verdict(target, threshold, f"{per_order:g} statements", verdict,
                   f"{verdict}: {per_order:g} statements per order vs {at_most} allowed")


def oscar_ratio(target: str, *, orders_per_second: float | None, at_least: float, reason: str = "") -> Verdict:
    """Orders per second in one thread at the service level against django-oscar's published figure."""
    needed = OSCAR_ORDERS_PER_SECOND * at_least
    threshold = (f"≥ {at_least:g}× django-oscar's {OSCAR_ORDERS_PER_SECOND} orders/s "
                 f"({OSCAR_QUERIES_PER_ORDER} queries, no payment) = {needed:.1f} orders/s")
    if orders_per_second is None:
        return not_measured(target, threshold, reason or "no order was placed")
    ratio = orders_per_second / OSCAR_ORDERS_PER_SECOND
    verdict = MET if orders_per_second >= needed else MISSED
    return Verdict(target, threshold, f"{orders_per_second:.1f} orders/s ({ratio:.1f}×)", verdict,
                   f"{verdict}: {orders_per_second:.1f} orders/s vs {needed:.1f} needed")


def rss_growth(target: str, *, workers: list[dict], tolerance_mib: float) -> Verdict:
    """Each worker's RSS after the second thousand requests against after the last: none may grow by more
    than tolerance_mib. `workers` holds {"pid", "rss_kib_early", "rss_kib_late"} per worker; a worker that
    was replaced in between cannot be compared, and says so."""
    threshold = f"no worker grows by more than {tolerance_mib:g} MiB"
    if not workers:
        return not_measured(target, threshold, "no gunicorn worker was found")
    growths, replaced = [], []
    for worker in workers:
        if worker.get("rss_kib_early") is None or worker.get("rss_kib_late") is None:
            replaced.append(str(worker["pid"]))
            continue
        growths.append((worker["rss_kib_late"] - worker["rss_kib_early"]) / 1024)
    if replaced:
        return not_measured(target, threshold, f"worker {', '.join(replaced)} was replaced during the run")
    measured = ", ".join(f"{growth:+.1f} MiB" for growth in growths)
    worst = max(growths)
    verdict = MET if worst <= tolerance_mib else MISSED
    return Verdict(target, threshold, measured, verdict,
                   f"{verdict}: largest growth {worst:+.1f} MiB vs {tolerance_mib:g} MiB allowed")


def table(verdicts: list[Verdict]) -> str:
    """The targets as a Markdown table, one row each, the verdict in bold."""
    lines = ["| target | threshold | measured | verdict |", "|---|---|---|---|"]
    for item in verdicts:
        why = item.why.removeprefix(f"{item.verdict}: ").removeprefix(f"{item.verdict}")
        lines.append(f"| {item.target} | {item.threshold} | {item.measured} | **{item.verdict}**"
                     + (f": {why}" if why else "") + " |")
    return "\n".join(lines)
