from celery import shared_task

from .services.export import build_export
from .services.retention import apply_retention


@shared_task
def apply_retention_task() -> int:
    """Nightly (beat): apply the retention policy. Returns how many records changed."""
    run = apply_retention()
    return sum(count.count for count in run.counts.all())


@shared_task
def build_data_export_task(export_id: int) -> None:
    """Build a requested subject access export. Idempotent: an export already built is left alone."""
    build_export(export_id=export_id)
