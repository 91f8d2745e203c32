"""The deletion the retention policy asks of the prescriptions app (privacy's nightly clock calls it): the
prescription file access log, append-only everywhere else, ends here when its period is over."""

from datetime import datetime

from django.db import models

from .models import PrescriptionFileAccess


def purge_file_access_logs(*, accessed_before: datetime, limit: int) -> int:
    """Delete up to `limit` prescription file access log rows older than `accessed_before`. The log's own
    manager refuses deletion; this is the one path, and it takes only rows past their retention. Returns
    how many were deleted."""
    rows = models.QuerySet(model=PrescriptionFileAccess)  # the plain queryset: the manager refuses delete()
    pks = list(rows.filter(accessed_at__lt=accessed_before).order_by("pk").values_list("pk", flat=True)[:limit])
    return rows.filter(pk__in=pks).delete()[0]
