"""Order and prescription reads, each shaped for the page or endpoint that shows it."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from clinical.models import OrderAlert

from .models import Order, OrderEvent, OrderLine, OrderStatus, Prescription, PrescriptionIssue, PrescriptionStatus


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


def list_prescriptions_for_user(*, user) -> QuerySet[Prescription]:
    # The issues (with their orders) tell a repeatable prescription's issues used and next date.
    issues = Prefetch("issues", queryset=PrescriptionIssue.objects.select_related("order").order_by("issued_at", "pk"))
    return (Prescription.objects.filter(owner=user).prefetch_related("items__pack__product", issues)
            .order_by("-uploaded_at"))


def get_prescription_for_user(*, user, prescription_id) -> Prescription:
    return list_prescriptions_for_user(user=user).get(pk=prescription_id)


def list_usable_prescriptions(*, user) -> QuerySet[Prescription]:
    """The shopper's prescriptions that checkout can accept: awaiting review, or approved and in date."""
    today = timezone.localdate()
    # A repeatable one stays usable past its first six months, for its later issues (orders.services.repeats).
    repeats_from = today - timedelta(days=settings.REPEAT_PRESCRIPTION_VALIDITY_DAYS)
    return list_prescriptions_for_user(user=user).filter(
        Q(status=PrescriptionStatus.SUBMITTED) | Q(status=PrescriptionStatus.APPROVED, valid_until__gte=today)
        | Q(status=PrescriptionStatus.APPROVED, repeatable=True, issued_on__gte=repeats_from)
    )


def get_prescription_for_review(*, prescription_id) -> Prescription:
    """Any shopper's prescription, for a pharmacist (who is checked by the caller)."""
    return Prescription.objects.get(pk=prescription_id)
