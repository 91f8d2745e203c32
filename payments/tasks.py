"""Tasks take ids and call one service; each is safe to run twice."""

from celery import shared_task

from .reconciliation import reconcile_payments
from .services import settle_order_payment, warn_expiring_authorisations


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def settle_order_payment_task(order_id: int) -> int:
    """After an order's transition: capture, void or refund what its new state calls for."""
    return len(settle_order_payment(order_id=order_id))


@shared_task
def reconcile_payments_task() -> int:
    """Periodic: payments stuck in a transitional state, captures to re-read, lapsed authorisations."""
    return reconcile_payments()


@shared_task
def warn_expiring_authorisations_task() -> int:
    """Periodic: tell the shopper and the pharmacists that an order's card authorisation lapses soon."""
    return warn_expiring_authorisations()
