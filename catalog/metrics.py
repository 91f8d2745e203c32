"""The catalog's gauges on /metrics/pharmacy (registered at CatalogConfig.ready()): import runs by outcome."""

from django.db.models import Count, Max
from prometheus_client.core import GaugeMetricFamily

from .models import ImportOutcome, ImportRun


class ImportRunGauges:
    def collect(self):
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


import_run_gauges = ImportRunGauges()
