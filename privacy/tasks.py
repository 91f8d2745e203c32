from celery import shared_task

from .services.retention import apply_retention


@shared_task
def apply_retention_task() -> int:
    """Nightly (beat): apply the retention policy. Returns how many records changed."""
    run = apply_retention()
    return sum(count.count for count in run.counts.all())

