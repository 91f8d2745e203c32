"""The retention clock's gauges on /metrics/pharmacy (registered at PrivacyConfig.ready()), read at scrape time
from the last stored run: how many records of each kind it deleted or anonymised, and when it finished."""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import OPEN_ERASURE_STATUSES, ErasureRequest, RetentionRun, RetentionRunCount


class RetentionGauges:
    def collect(self):
        last_run = GaugeMetricFamily(
            "pharmacy_retention_last_run_records",
            "Records the last retention run deleted or anonymised, by kind",
            labels=["kind", "action"],
        )
        total = GaugeMetricFamily(
            "pharmacy_retention_records",
            "Records every retention run so far deleted or anonymised, by kind",
            labels=["kind"],
        )
        finished = GaugeMetricFamily(
            "pharmacy_retention_last_run_finished_timestamp_seconds", "When the last retention run finished (Unix time)"
        )
        run = RetentionRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
        if run is not None:
            for count in run.counts.all():
                last_run.add_metric([count.kind, count.action], count.count)
            finished.add_metric([], run.finished_at.timestamp())
        for kind, records in RetentionRunCount.objects.order_by().values_list("kind").annotate(n=Sum("count")):
            total.add_metric([kind], records)
        yield last_run
        yield total
        yield finished


retention_gauges = RetentionGauges()


class ErasureQueueGauges:
    """The staff queue of erasure requests: how many are open, and how many are past their one-month deadline
    (an alert on the second catches a request nobody answered)."""

    def collect(self):
        counts = ErasureRequest.objects.filter(status__in=OPEN_ERASURE_STATUSES).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=timezone.localdate()))
        )
        open_requests = GaugeMetricFamily("pharmacy_erasure_requests_open", "Erasure requests not yet answered")
        open_requests.add_metric([], counts["open"])
        overdue = GaugeMetricFamily(
            "pharmacy_erasure_requests_overdue", "Erasure requests not answered by their deadline (one month)"
        )
        overdue.add_metric([], counts["overdue"])
        yield open_requests
        yield overdue


erasure_queue_gauges = ErasureQueueGauges()
