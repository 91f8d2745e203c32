"""Tasks take ids, load rows and call one service; each is safe to run twice."""

from celery import shared_task

from .expiry import expire_overdue_orders
from .supply import flag_orders_that_cannot_be_supplied


@shared_task
def flag_orders_that_cannot_be_supplied_task() -> int:
    """Periodic: approved orders a batch's expiry or a prescription's end has left unsuppliable."""
    return flag_orders_that_cannot_be_supplied()


# Named as when it lived in orders: beat's schedule and any message already queued name it so.
@shared_task(name="orders.tasks.expire_overdue_orders_task")
def expire_overdue_orders_task() -> int:
    """Periodic: cancel orders still waiting at their review deadline (each re-checked under its lock)."""
    return expire_overdue_orders()
