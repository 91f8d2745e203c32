"""The payments' gauges on /metrics/pharmacy (registered at PaymentsConfig.ready()), read at scrape time."""

from django.db.models import Count, Sum
from prometheus_client.core import GaugeMetricFamily

from .models import Payment, PaymentStatus


class PaymentGauges:
    def collect(self):
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


payment_gauges = PaymentGauges()
