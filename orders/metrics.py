"""The orders' gauges on /metrics/pharmacy (registered at OrdersConfig.ready()): orders by status, the review
queue, read from the database at scrape time."""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import Order, OrderStatus


class OrderGauges:
    def collect(self):
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


order_gauges = OrderGauges()
