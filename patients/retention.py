"""The deletions the retention policy asks of the patients app (privacy's nightly clock calls them): the
staff access logs, append-only everywhere else, end here when their period is over."""

from datetime import datetime

from django.db import models

from .models import HealthRecordAccess, Patient


def purge_access_logs(*, accessed_before: datetime, limit: int) -> int:
    """Delete up to `limit` health record access log rows older than `accessed_before`. The log's own
    manager refuses deletion; this is the one path, and it takes only rows past their retention. Returns
    how many were deleted (the prescription file log's: prescriptions.retention)."""
    rows = models.QuerySet(model=HealthRecordAccess)  # the plain queryset: the model's manager refuses delete()
    pks = list(rows.filter(accessed_at__lt=accessed_before).order_by("pk").values_list("pk", flat=True)[:limit])
    return rows.filter(pk__in=pks).delete()[0]


def delete_health_records(*, patient_ids: list[int]) -> int:
    """Delete these health records (their allergy and medicine links go with them; access log rows keep the
    record's id). The caller has already released the orders and prescriptions that pointed at them."""
    return Patient.objects.filter(pk__in=patient_ids).delete()[1].get(Patient._meta.label, 0)
