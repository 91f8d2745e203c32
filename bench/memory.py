"""Each gunicorn worker's resident memory under a long mix of requests: read from /proc after the second
thousand requests, once every code path has been imported and warmed, and again after the tenth. What
grows in between grows with the traffic (an unbounded cache, a list that is appended to per request)."""

from __future__ import annotations

import http.client
import itertools
import threading
import urllib.parse
from pathlib import Path

from bench.load import require_loopback

# A worker's RSS moves by a few hundred KiB between readings with no leak at all: pymalloc keeps freed
# arenas, and the C allocator's heap grows to the peak of the largest page so far (a 700-result search
# page builds a larger response than a product page). 4 MiB is about 3% of a worker here, and far below
# what a per-request leak adds over 8,000 requests (500 bytes a request is 3.8 MiB).
TOLERANCE_MIB = 4.0


def worker_pids(master_pid: int) -> list[int]:
    """The master's direct children: gunicorn's workers."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        return sorted(int(pid) for pid in children)
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: look for processes whose parent is the master
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master_pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)


def rss_kib(status_text: str) -> int | None:
    """VmRSS from the text of /proc/<pid>/status, in KiB; None when the process has none (a zombie)."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])  # the kernel always writes it in kB
    return None


def read_rss_kib(pid: int) -> int | None:
    try:
        return rss_kib(Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return None


def read_rss_by_worker(master_pid: int) -> dict[int, int | None]:
    return {pid: read_rss_kib(pid) for pid in worker_pids(master_pid)}


def send_mixed(base_url: str, requests: list[tuple[str, dict | None]], *, total: int, connections: int,
               start: int = 0) -> int:
    """Send `total` requests, going round `requests` (path, headers) from position `start`, over
    `connections` keep-alive connections; returns how many were not answered with a 200."""
    require_loopback(base_url)
    parts = urllib.parse.urlsplit(base_url)
    tickets = itertools.count(start)
    errors = [0]
    lock = threading.Lock()

    def load() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = 0
        while (ticket := next(tickets)) < start + total:
            path, headers = requests[ticket % len(requests)]
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                mine += response.status != 200
            except (OSError, http.client.HTTPException):
                mine += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.close()
        with lock:
            errors[0] += mine

    threads = [threading.Thread(target=load) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors[0]


API_LISTS = ["/api/v1/products/", "/api/v1/products/?in_stock=true", "/api/v1/products/?legal_category=general_sale"]


def mixed_requests(*, product_paths: list[str], queries: list[str], cart_cookie: str) -> list[tuple[str, dict | None]]:
    """One round of the mix: the list, searches on the storefront and the API (every query of the mix, so
    the text varies as a shopper's does), product pages, the cart page, /healthz, the API list and suggest."""
    quoted = [urllib.parse.quote(query) for query in queries]
    mix: list[tuple[str, dict | None]] = []
    for index, query in enumerate(quoted):
        mix += [("/medicines/", None), (f"/medicines/?q={query}", None),
                (f"/api/v1/products/?search={query}", None),
                (product_paths[index % len(product_paths)], None), ("/cart/", {"Cookie": cart_cookie}),
                ("/healthz", None), (API_LISTS[index % len(API_LISTS)], None),
                (f"/api/v1/products/suggest/?q={query[:3]}", None)]
    return mix


def measure_worker_memory(base_url: str, master_pid: int, requests: list[tuple[str, dict | None]], *,
                          early: int = 2_000, total: int = 10_000, connections: int = 4) -> dict:
    """Each worker's RSS after `early` and after `total` mixed requests, by pid."""
    errors = send_mixed(base_url, requests, total=early, connections=connections)
    at_early = read_rss_by_worker(master_pid)
    errors += send_mixed(base_url, requests, total=total - early, connections=connections, start=early)
    at_total = read_rss_by_worker(master_pid)
    workers = [{"pid": pid, "rss_kib_early": at_early.get(pid), "rss_kib_late": at_total.get(pid)}
               for pid in sorted(set(at_early) | set(at_total))]
    return {"requests": total, "early_after": early, "errors": errors, "workers": workers,
            "tolerance_mib": TOLERANCE_MIB}
