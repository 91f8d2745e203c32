"""Tasks take ids, load rows and call one service; each is safe to run twice."""

from celery import shared_task

from .supply import flag_orders_that_cannot_be_supplied


@shared_task
def flag_orders_that_cannot_be_supplied_task() -> int:
    """Periodic: approved orders a batch's expiry or a prescription's end has left unsuppliable."""
    return flag_orders_that_cannot_be_supplied()
