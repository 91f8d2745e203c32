"""Prometheus metrics: django-prometheus's request, latency, database and cache figures, plus the pharmacy's own.

`/metrics` (this node's figures) and `/metrics/pharmacy` (the pharmacy gauges) answer only a caller
with `Authorization: Bearer <METRICS_TOKEN>`: 404 while no token is configured (the endpoint does
not exist), 403 for a missing or wrong token. It is never open.

With gunicorn's several worker processes, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by
them (cleared at each start): each worker writes its figures there and the scrape adds them up
(prometheus_client's multi-process mode), so no worker's requests are lost whichever worker answers.

The pharmacy gauges come from the database and are computed once per scrape (a handful of aggregate
queries) by the collectors the apps register at start-up (`register_gauges`), on their own path, not kept up
to date by every worker, so Prometheus computes them once per scrape from one node instead of once per node.
"""

import hmac
import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

# The database-derived gauges of /metrics/pharmacy. Each app registers its own collector (an object
# whose collect() yields metric families) at its AppConfig.ready(), so the kernel imports no app.
# auto_describe=False: registering neither calls collect() (no query runs before the first scrape) nor
# records metric names, so registering the same collector object again only replaces it.
pharmacy_registry = CollectorRegistry(auto_describe=False)


def register_gauges(collector) -> None:
    """Add an app's gauges (an object whose collect() yields metric families) to /metrics/pharmacy."""
    pharmacy_registry.register(collector)


def process_metrics_registry():
    """django-prometheus's figures: summed over every worker in multi-process mode, else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def token_matches(request) -> bool:
    expected = f"Bearer {settings.METRICS_TOKEN}"
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), expected.encode())


def _metrics_response(request, render):
    if not settings.METRICS_TOKEN:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    if not token_matches(request):
        return HttpResponseForbidden("Forbidden", content_type="text/plain")
    response = HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def metrics_view(request):
    """This node's figures (every gunicorn worker's, in multi-process mode): scrape every node."""
    return _metrics_response(request, lambda: generate_latest(process_metrics_registry()))


def pharmacy_metrics_view(request):
    """The database-derived pharmacy gauges: the same from every node, so scrape one (e.g. through the
    service name), and they are computed once per scrape."""
    return _metrics_response(request, lambda: generate_latest(pharmacy_registry))
