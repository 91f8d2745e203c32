"""The periodic reconciliation (beat's `reconcile-payments`): ask the gateway about payments whose record
may lag it, and bring each to what the gateway and its order's state say."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .gateway_changes import UNPAID_IF_ENDED, record_ended_authorisation
from .gateways import get_gateway
from .gateways.base import GatewayError, IntentStatus
from .models import Payment, PaymentStatus
from .services import apply_gateway_intent, refresh_payment, void_at_gateway
from .services.authorisation import _call_authorise
from .services.settlement import CAPTURE_STATES, RELEASE_STATES, _settle_payment

logger = logging.getLogger(__name__)



def reconcile_payments(*, now: datetime | None = None, limit: int = 100) -> int:
    """Payments stuck in a transitional state (a crash between the gateway's answer and our commit, a lost
    webhook); orders whose money is not where their state says (a capture that failed is re-read first:
    it may have happened, or the hold may have ended); authorisations past their `capture_before`.
    Returns how many payments it looked at."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    looked = 0
    for payment in list(Payment.objects.filter(status=PaymentStatus.PENDING, updated_at__lte=stale)[:limit]):
        looked += 1
        _logged(_retry_pending, payment)
    for payment in list(Payment.objects.filter(status=PaymentStatus.REQUIRES_ACTION, updated_at__lte=stale)[:limit]):
        looked += 1
        _logged(refresh_payment, payment)
    unsettled = Payment.objects.filter(
        status__in=(PaymentStatus.AUTHORISED, PaymentStatus.CAPTURED), updated_at__lte=stale,
        order__status__in=(*CAPTURE_STATES, *RELEASE_STATES),
    ).exclude(status=PaymentStatus.CAPTURED, order__status__in=CAPTURE_STATES)
    for payment in list(unsettled[:limit]):
        looked += 1
        _logged(_settle_after_rereading, payment)
    lapsed = Payment.objects.filter(status=PaymentStatus.AUTHORISED, capture_before__lte=now,
                                    order__status__in=UNPAID_IF_ENDED)
    for payment in list(lapsed[:limit]):
        looked += 1
        _logged(_end_lapsed_authorisation, payment)
    return looked


def _logged(step, payment: Payment) -> None:
    try:
        step(payment)
    except GatewayError as error:
        logger.warning("Reconciling payment %s (%s): %s", payment.pk, step.__name__, error)


def _retry_pending(payment: Payment) -> Payment:
    """A payment written but never answered: repeat the call with its idempotency key (the gateway
    returns the first answer, or authorises now). An order no longer waiting is voided by settle."""
    if payment.reference:
        return refresh_payment(payment=payment)
    return _call_authorise(payment=payment, actor=None, return_url="")


def _settle_after_rereading(payment: Payment) -> Payment:
    """An authorised payment whose capture (or void) has not been recorded: the call may have reached the
    gateway and its answer been lost, so the intent is read first, then what is still due is done."""
    if payment.status == PaymentStatus.AUTHORISED:
        payment = refresh_payment(payment=payment)
    if payment.status not in (PaymentStatus.AUTHORISED, PaymentStatus.CAPTURED):
        return payment
    return _settle_payment(payment_id=payment.pk)


def _end_lapsed_authorisation(payment: Payment) -> Payment:
    """Past its `capture_before`, a hold can no longer be relied on: release what is left of it at the
    gateway, so that both records agree, and let the order ask the shopper to pay again."""
    gateway = get_gateway(payment.gateway)
    intent = gateway.retrieve(reference=payment.reference)
    if intent.status == IntentStatus.AUTHORISED:
        intent = void_at_gateway(payment)
    if intent.status == IntentStatus.CANCELED:
        return record_ended_authorisation(payment_id=payment.pk, intent=intent,
                                          reason="The card authorisation lapsed.")
    return apply_gateway_intent(payment=payment, intent=intent)
