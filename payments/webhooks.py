"""Stripe's webhooks: the signature is checked with the library's own `Webhook.construct_event`, each
event is processed once (its id is stored in the same transaction as its effect), and the intent is
re-read from Stripe before our state changes, because events arrive late and out of order."""

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from .gateways import get_gateway
from .gateways.base import GatewayError
from .gateways.stripe import stripe_field
from .models import Payment, WebhookEvent
from .services import apply_gateway_intent, flag_dispute, settle_order_payment

logger = logging.getLogger(__name__)

INTENT_EVENTS = {
    "payment_intent.amount_capturable_updated", "payment_intent.succeeded", "payment_intent.canceled",
    "payment_intent.payment_failed", "payment_intent.requires_action",
}
CHARGE_EVENTS = {"charge.captured", "charge.refunded", "charge.succeeded"}
DISPUTE_EVENTS = {"charge.dispute.created"}


class InvalidWebhook(Exception):
    pass


def verify_stripe_event(*, payload: bytes, signature: str):
    try:
        return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from error


def process_stripe_event(event) -> bool:
    """Handle one verified event; False when it was already processed (a redelivery).

    The event's id is recorded in the same transaction as its effect: if the database fails mid-way,
    neither stays, the endpoint answers 5xx and Stripe's retry processes the event again. The intent is
    re-read before that transaction, since no row may stay locked during a call to the gateway."""
    if WebhookEvent.objects.filter(gateway="stripe", event_id=event.id).exists():
        return False
    obj = event.data.object
    reference = _intent_reference(event.type, obj)
    payment = _payment_for(reference=reference, obj=obj) if reference else None
    # The event may be stale, or arrive before the one it follows: what the gateway says now counts.
    # A GatewayError here records nothing, and Stripe retries.
    intent = get_gateway("stripe").retrieve(reference=reference) if payment is not None else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(gateway="stripe", event_id=event.id, event_type=event.type)
        except IntegrityError:
            return False  # a concurrent delivery of the same event recorded it first
        if payment is None:
            logger.info("Stripe event %s (%s) names no payment of ours", event.id, event.type)
            return True
        apply_gateway_intent(payment=payment, intent=intent)
        if event.type in DISPUTE_EVENTS:
            flag_dispute(payment=payment, reason=str(stripe_field(obj, "reason", default="")))
    try:
        settle_order_payment(order_id=payment.order_id)
    except GatewayError as error:  # the event is recorded; reconciliation settles the money later
        logger.warning("Settling order %s after Stripe event %s: %s", payment.order_id, event.id, error)
    return True


def _payment_for(*, reference: str, obj) -> Payment | None:
    payment = Payment.objects.filter(gateway="stripe", reference=reference).first()
    if payment is None:
        # Our row was written before the call; a crash before we stored the answer left it without the
        # intent's id, which the intent's metadata carries back.
        payment_id = str(stripe_field(obj, "metadata", "payment", default=""))
        if payment_id.isdigit():
            payment = Payment.objects.filter(gateway="stripe", pk=int(payment_id), reference="").first()
    return payment


def _intent_reference(event_type: str, obj) -> str:
    if event_type in INTENT_EVENTS:
        return stripe_field(obj, "id", default="")
    intent = stripe_field(obj, "payment_intent", default="")
    return intent if isinstance(intent, str) else stripe_field(intent, "id", default="")
