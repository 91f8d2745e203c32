"""What `make bench` prints at the end: the measurements, then issue 20's targets, each met, missed or
not measured, and why (bench/targets.py judges them)."""

from __future__ import annotations

from bench import targets as judge
from bench.memory import TOLERANCE_MIB
from bench.searches import p99_by_query

# (label, target name, reference name) of the page comparisons, read by CPU per request.
PAGES = [("/api/v1/products/ vs bare 20-row DRF list", "api", "floor"),
         ("/medicines/ vs /healthz", "list", "healthz"),
         ("/medicines/?q=baclofen vs /healthz", "search_page", "healthz"),
         ("product page vs /healthz", "product", "healthz"),
         ("cart page (3 lines) vs /healthz", "cart", "healthz")]
REFERENCES = {"floor": "the bare 20-row DRF list", "healthz": "/healthz"}
# (label, mode, target, reference, at least): issue 20's, and the warm ones met in the round before.
PAGE_TARGETS = [("API list, uncached", "uncached", "api", "floor", 0.60),
                ("/medicines/, uncached", "uncached", "list", "healthz", 0.25),
                ("/medicines/ search page, uncached", "uncached", "search_page", "healthz", 0.25),
                ("product page, uncached", "uncached", "product", "healthz", 0.25),
                ("cart page (3 lines), uncached", "uncached", "cart", "healthz", 0.30),
                ("cart page (3 lines), cache on", "warm", "cart", "healthz", 0.30),
                ("API list, cache on", "warm", "api", "floor", 0.80),
                ("/medicines/, cache on", "warm", "list", "healthz", 0.40),
                ("product page, cache on", "warm", "product", "healthz", 0.40)]
SEARCH_P99_MS, SUGGEST_P99_MS, CHECKOUT_STATEMENTS, OSCAR_TIMES = 50, 15, 25, 3


def verdicts(report: dict, *, postgres: bool) -> list[judge.Verdict]:
    arguments = report.get("arguments", {})
    needs_postgres = "needs PostgreSQL (DATABASE_URL " + ("unset)" if report["database"] == "sqlite" else
                                                         f"is {report['database']})")
    found = []
    site = arguments.get("cpu") == "site"  # which CPU the page ratios read: the machine's (default) or the site's
    field, reading = ("median_site_cpu_ms_per_request", "site CPU") if site else ("median_cpu_ms_per_request", "CPU")
    for label, mode, name, reference, at_least in PAGE_TARGETS:
        measured = report["runs"][mode]["targets"]
        found.append(judge.cpu_ratio(label, cost_ms=measured[name].get(field),
                                     reference_ms=measured[reference].get(field), reference=REFERENCES[reference],
                                     at_least=at_least, reading=reading))

    # the catalog's measured size, else the size asked for, else the size the target names
    packs = report.get("large_search", {}).get("packs") or arguments.get("search_packs") or 100_000
    search_label, suggest_label = f"search mix at {packs:,} packs, uncached", f"suggest at {packs:,} packs, uncached"
    search_threshold, suggest_threshold = (f"p99 ≤ {at_most} ms for every query"
                                           for at_most in (SEARCH_P99_MS, SUGGEST_P99_MS))
    if "large_search" in report:
        search = report["large_search"]
        found.append(judge.latency_p99(search_label, p99_by_query=p99_by_query(search, suggest=False),
                                       at_most_ms=SEARCH_P99_MS))
        found.append(judge.latency_p99(suggest_label, p99_by_query=p99_by_query(search, suggest=True),
                                       at_most_ms=SUGGEST_P99_MS))
    else:
        reason = needs_postgres if not postgres else "skipped (--search-packs 0)"
        found += [judge.not_measured(search_label, search_threshold, reason),
                  judge.not_measured(suggest_label, suggest_threshold, reason)]

    one_thread = report.get("checkout", {}).get("one_thread", {})
    spread = one_thread.get("spread")
    if not postgres:
        reason = needs_postgres
    elif not arguments.get("checkout_orders"):
        reason = "skipped (--checkout-orders 0)"
    else:
        reason = f"bench_checkout failed: {one_thread.get('error', 'no spread scenario in its output')}"
    found.append(judge.statements("checkout statements (paid one-line order, service level)",
                                  per_order=spread and spread["statements_per_order"], at_most=CHECKOUT_STATEMENTS,
                                  reason=reason))
    found.append(judge.oscar_ratio("checkout orders/s, one thread, service level",
                                   orders_per_second=spread and spread["orders_per_second"], at_least=OSCAR_TIMES,
                                   reason=reason))

    if "memory" in report:
        memory_label = f"worker RSS, {report['memory']['early_after']:,} → {report['memory']['requests']:,} requests"
        found.append(judge.rss_growth(memory_label, workers=report["memory"]["workers"],
                                      tolerance_mib=report["memory"]["tolerance_mib"]))
    else:
        memory_label = "worker RSS after mixed requests"
        found.append(judge.not_measured(memory_label, f"no worker grows by more than {TOLERANCE_MIB:g} MiB",
                                        "skipped (--memory-requests 0)"))
    return found


def print_report(report: dict) -> None:
    print_pages(report)
    print_search(report)
    print_memory(report)
    print_orders(report)
    phases = report.get("phase_seconds", {})
    if phases:
        print(f"\nThe run took {sum(phases.values()) / 60:.1f} min: "
              + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items()) + ".")
    print("\n## Targets (issue 20)\n")
    print(judge.table([judge.Verdict(**verdict) for verdict in report["targets"]]))


def print_pages(report: dict) -> None:
    """The page ratios by CPU per request (the median round's): the machine's busy CPU (steal left out),
    which the targets read, and the site's own (bench.cpu), which a neighbour's load does not move."""
    print("\n## Pages, by CPU per request (median of the rounds)\n")
    print("| comparison | catalog cache | machine CPU ms (this / reference) | ratio | site CPU ms | ratio | "
          "req/s ratio |")
    print("|---|---|---|---|---|---|---|")
    for label, name, reference in PAGES:
        for mode, cache in (("warm", "on"), ("uncached", "off")):
            measured = report["runs"][mode]["targets"]
            cells = []
            for field in ("median_cpu_ms_per_request", "median_site_cpu_ms_per_request"):
                cost, ref = (measured[key].get(field) for key in (name, reference))
                cells += [f"{cost:.2f} / {ref:.2f}", f"{ref / cost:.0%}"] if cost and ref else ["—", "—"]
            speed, ref_speed = (measured[key]["requests_per_second"] for key in (name, reference))
            cells.append(f"{speed / ref_speed:.0%}" if ref_speed else "—")
            print(f"| {label} | {cache} | " + " | ".join(cells) + " |")


def print_search(report: dict) -> None:
    searches = [("demo catalog", report["runs"]["uncached"].get("search"))]
    if "large_search" in report:
        searches.append((f"{report['large_search']['packs']:,} packs", report["large_search"]))
    print("\n## Search mix, single client, uncached: ms p50 / p99\n")
    print("| query | " + " | ".join(label for label, _ in searches) + " |")
    print("|---|" + "---|" * len(searches))
    for query in searches[0][1]["queries"]:
        cells = [f"{search['queries'][query]['p50']} / {search['queries'][query]['p99']}"
                 if query in search["queries"] else "—" for _, search in searches]
        print(f"| {query} | " + " | ".join(cells) + " |")


def print_memory(report: dict) -> None:
    if "memory" not in report:
        return
    memory = report["memory"]
    print(f"\n## Worker RSS, {memory['requests']:,} mixed requests ({memory['errors']} errors)\n")
    for worker in memory["workers"]:
        early, late = worker["rss_kib_early"], worker["rss_kib_late"]
        print(f"- worker {worker['pid']}: "
              + (f"{early / 1024:.1f} MiB after {memory['early_after']:,}, " if early else "not there early, ")
              + (f"{late / 1024:.1f} MiB after {memory['requests']:,}" if late else "gone at the end"))


def print_orders(report: dict) -> None:
    checkout = report.get("checkout", {})
    if checkout:
        print("\n## bench_checkout (service level, payment included)\n")
        for run, scenarios in checkout.items():
            for scenario, figures in scenarios.items():
                if scenario == "error":
                    print(f"- {run}: failed: {figures}")
                    continue
                print(f"- {run}, {scenario}: {figures['orders_per_second']} orders/s, p50 {figures['latency_ms_p50']} "
                      f"ms, {figures['statements_per_order']} statements/order, "
                      f"{figures['python_cpu_ms_per_order']} ms Python CPU/order, "
                      f"{figures['machine_cpu_ms_per_order']} ms machine CPU/order")
    if "http_orders" in report:
        http = report["http_orders"]
        failed = f"{http['failed']} failed" + (f": {http['failures']}" if http["failed"] else "")
        print(f"\n## Paid orders over HTTP (POST /api/v1/checkout/, {http['clients']} clients)\n")
        print(f"- {http['orders']} orders in {http['seconds']} s: {http['orders_per_second']} orders/s, "
              f"p50 {http['latency_ms_p50']} ms, p95 {http['latency_ms_p95']} ms, "
              f"CPU per order: the site's {http['site_cpu_ms_per_order']} ms (workers and their database sessions), "
              f"the machine's {http['machine_cpu_ms_per_order']} ms; {failed}")
