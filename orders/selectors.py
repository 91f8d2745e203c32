"""Order reads, each shaped for the page or endpoint that shows it."""

from django.db.models import Prefetch, QuerySet

from clinical.models import OrderAlert

from .models import Order, OrderEvent, OrderLine, OrderStatus


def _with_lines_and_events(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("prescription", "delivery_method").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("leaflet_revision").order_by("pk")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "pk")),
        Prefetch("clinical_alerts", queryset=OrderAlert.objects.with_line_ids().order_by("pk")),
        "payments",
    )


def list_orders_for_user(*, user) -> QuerySet[Order]:
    return _with_lines_and_events(Order.objects.filter(user=user)).order_by("-created_at", "-pk")


def get_order_for_user(*, user, number: str) -> Order:
    """Raises Order.DoesNotExist for another shopper's order, exactly as for a missing one."""
    return _with_lines_and_events(Order.objects.filter(user=user)).get(number=number)


def list_orders_awaiting_review() -> QuerySet[Order]:
    """The pharmacist's queue: oldest first, so nobody waits longest."""
    return (
        _with_lines_and_events(Order.objects.filter(status=OrderStatus.AWAITING_REVIEW))
        .select_related("user")
        .prefetch_related("safeguard_flags")  # warning flags: pharmacists only
        .order_by("created_at", "pk")
    )


def get_order_for_review(*, number: str) -> Order:
    return _with_lines_and_events(Order.objects.select_related("user")).prefetch_related("safeguard_flags").get(
        number=number
    )
