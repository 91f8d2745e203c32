"""The orders state machine calls this after each transition commits (orders.state_machine
TRANSITION_LISTENERS): an order with a payment gets its money settled by a task."""

import logging

from kombu.exceptions import OperationalError

from .models import Payment

logger = logging.getLogger(__name__)


def on_order_transition(order_id: int, from_status: str, to_status: str) -> None:
    if not Payment.objects.filter(order_id=order_id).exclude(reference="").exists():
        return
    from .tasks import settle_order_payment_task

    try:
        settle_order_payment_task.delay(order_id)
    except OperationalError:  # the broker is down: the reconciliation task settles it later
        logger.warning("Could not queue the payment settlement of order %s", order_id)
