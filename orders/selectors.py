"""Order reads, each shaped for the page or endpoint that shows it."""

from collections.abc import Callable

from django.db.models import Prefetch, QuerySet

from .models import Order, OrderEvent, OrderLine, OrderStatus

# Apps above orders that show their own rows with an order (clinical's alerts) register a prefetch at
# ready(), so that every order page reads them in one query without orders importing those apps.
_ORDER_PAGE_PREFETCHES: list[Callable[[], Prefetch]] = []


def register_order_page_prefetch(make: Callable[[], Prefetch]) -> None:
    if make not in _ORDER_PAGE_PREFETCHES:
        _ORDER_PAGE_PREFETCHES.append(make)


def _with_lines_and_events(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("prescription", "delivery_method").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("leaflet_revision").order_by("pk")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "pk")),
        "payments",
        *(make() for make in _ORDER_PAGE_PREFETCHES),
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
