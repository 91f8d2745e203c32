"""What the orders app calls back, registered at ready(): after each transition commits
(orders.state_machine TRANSITION_LISTENERS), an order with a payment gets its money settled by a task;
before a deadline moves (orders.services.deadlines DEADLINE_LIMITS), a live authorisation caps it."""

import logging
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from pharmacy.compiled_query import CompiledQuery

from .models import Payment, PaymentStatus
from .services import authorisation_deadline

logger = logging.getLogger(__name__)


# Every transition asks, after it commits: compiled once per process (pharmacy.compiled_query).
_COMPILED_PAYMENT_WITH_REFERENCE = CompiledQuery(
    Payment, lambda *, order_id: Payment.objects.filter(order_id=order_id).exclude(reference="").values_list("pk")[:1],
    order_id=-4_242_481,
)


def on_order_transition(order_id: int, from_status: str, to_status: str) -> None:
    if not _COMPILED_PAYMENT_WITH_REFERENCE.run(order_id=order_id):  # no payment the gateway knows of
        return
    from .tasks import settle_order_payment_task

    try:
        settle_order_payment_task.delay(order_id)
    except OperationalError:  # the broker is down: the reconciliation task settles it later
        logger.warning("Could not queue the payment settlement of order %s", order_id)


def authorisation_deadline_limit(order) -> tuple[datetime, str] | None:
    """While an authorisation is live, the order waits no later than its `capture_before` less
    PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS: past it, the money could no longer be captured."""
    capture_before = (Payment.objects.filter(order_id=order.pk, status=PaymentStatus.AUTHORISED,
                                             capture_before__isnull=False)
                      .order_by("capture_before").values_list("capture_before", flat=True).first())
    if capture_before is None:
        return None
    latest = authorisation_deadline(review_deadline=None, capture_before=capture_before)
    return latest, (f"the hold on the shopper's card must be captured by "
                    f"{timezone.localtime(capture_before):%d %B %Y %H:%M}, less a "
                    f"{settings.PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS}-hour margin.")
