"""Prometheus metrics: django-prometheus's request, latency, database and cache figures, plus the pharmacy's own.

`/metrics` (this node's figures) and `/metrics/pharmacy` (the pharmacy gauges) answer only a caller
with `Authorization: Bearer <METRICS_TOKEN>`: 404 while no token is configured (the endpoint does
not exist), 403 for a missing or wrong token. It is never open.

With gunicorn's several worker processes, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by
them (cleared at each start): each worker writes its figures there and the scrape adds them up
(prometheus_client's multi-process mode), so no worker's requests are lost whichever worker answers.

The pharmacy gauges come from the database and are computed once per scrape by `PharmacyCollector`
(a handful of aggregate queries) on their own path, not kept up to date by every worker, so Prometheus
computes them once per scrape from one node instead of once per node.
"""

import hmac
import os

from django.conf import settings
from django.db.models import Count, Max, Min, Sum
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily


class PharmacyCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from orders.models import Order, OrderStatus, OutboxMessage, OutboxStatus

        orders = GaugeMetricFamily("pharmacy_orders", "Orders by status", labels=["status"])
        counts = dict(Order.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in OrderStatus.values:
            orders.add_metric([status], counts.get(status, 0))
        yield orders

        queue = Order.objects.filter(status=OrderStatus.AWAITING_REVIEW).aggregate(
            n=Count("pk"), oldest=Min("created_at"))
        yield GaugeMetricFamily("pharmacy_review_queue_length", "Orders awaiting a pharmacist's review",
                                value=queue["n"])
        oldest_age = (timezone.now() - queue["oldest"]).total_seconds() if queue["oldest"] else 0
        yield GaugeMetricFamily("pharmacy_review_queue_oldest_age_seconds",
                                "Age of the oldest order awaiting review (0 when the queue is empty)",
                                value=oldest_age)

        outbox = GaugeMetricFamily("pharmacy_outbox_messages", "Outbox e-mail messages by status", labels=["status"])
        counts = dict(OutboxMessage.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in OutboxStatus.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox

        yield from self.collect_payments()
        yield from self.collect_import_runs()

    def collect_payments(self):
        from payments.models import Payment, PaymentStatus

        payments = GaugeMetricFamily("pharmacy_payments", "Card payments by status", labels=["status"])
        held = GaugeMetricFamily("pharmacy_payments_authorised_amount",
                                 "Money held on shoppers' cards by live authorisations not yet captured",
                                 labels=["currency"])
        counts = dict(Payment.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in PaymentStatus.values:
            payments.add_metric([status], counts.get(status, 0))
        for currency, amount in (Payment.objects.filter(status=PaymentStatus.AUTHORISED).order_by()
                                 .values_list("currency").annotate(total=Sum("amount_authorised"))):
            held.add_metric([currency], float(amount))
        yield payments
        yield held

    def collect_import_runs(self):
        from catalog.models import ImportOutcome, ImportRun

        runs = GaugeMetricFamily("pharmacy_catalog_import_runs", "Catalog import runs by outcome",
                                 labels=["outcome"])
        last = GaugeMetricFamily("pharmacy_catalog_import_last_finished_timestamp_seconds",
                                 "When the last catalog import of each outcome finished (Unix time; 0: never)",
                                 labels=["outcome"])
        rows = {outcome: (n, latest) for outcome, n, latest in ImportRun.objects.order_by().values_list(
            "outcome").annotate(n=Count("pk"), latest=Max("finished_at")).values_list("outcome", "n", "latest")}
        for outcome in ImportOutcome.values:
            n, latest = rows.get(outcome, (0, None))
            runs.add_metric([outcome], n)
            last.add_metric([outcome], latest.timestamp() if latest else 0)
        yield runs
        yield last


pharmacy_registry = CollectorRegistry(auto_describe=False)
pharmacy_registry.register(PharmacyCollector())


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
