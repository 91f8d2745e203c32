"""The outbox's gauge on /metrics/pharmacy (registered at NotificationsConfig.ready()): messages by status,
read from the database at scrape time."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import OutboxMessage, OutboxStatus


class OutboxGauges:
    def collect(self):
        outbox = GaugeMetricFamily("pharmacy_outbox_messages", "Outbox e-mail messages by status", labels=["status"])
        counts = dict(OutboxMessage.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in OutboxStatus.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox


outbox_gauges = OutboxGauges()
