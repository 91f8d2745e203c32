"""Reads of the clinical checks' results, shaped for the pages that show them."""

from django.db.models import Prefetch

from .models import OrderAlert


def order_alerts_prefetch() -> Prefetch:
    """An order's alerts with the ids of the lines each involves, for every order page (orders.selectors)."""
    return Prefetch("clinical_alerts", queryset=OrderAlert.objects.with_line_ids().order_by("pk"))
