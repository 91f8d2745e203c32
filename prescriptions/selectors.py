"""Prescription reads, each shaped for the page or endpoint that shows it."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Prescription, PrescriptionIssue, PrescriptionStatus


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
    # A repeatable one stays usable past its first six months, for its later issues (prescriptions.services.repeats).
    repeats_from = today - timedelta(days=settings.REPEAT_PRESCRIPTION_VALIDITY_DAYS)
    return list_prescriptions_for_user(user=user).filter(
        Q(status=PrescriptionStatus.SUBMITTED) | Q(status=PrescriptionStatus.APPROVED, valid_until__gte=today)
        | Q(status=PrescriptionStatus.APPROVED, repeatable=True, issued_on__gte=repeats_from)
    )


def get_prescription_for_review(*, prescription_id) -> Prescription:
    """Any shopper's prescription, for a pharmacist (who is checked by the caller)."""
    return Prescription.objects.get(pk=prescription_id)
