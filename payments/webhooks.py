"""Stripe's webhooks: the signature is checked with the library's own `Webhook.construct_event`, each
event is processed once (its id is stored in the same transaction), and the intent is re-read from
Stripe before our state changes, because events arrive late and out of order."""

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
    """Handle one verified event; False when it was already processed (a redelivery)."""
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(gateway="stripe", event_id=event.id, event_type=event.type)
    except IntegrityError:
        return False
    obj = event.data.object
    reference = _intent_reference(event.type, obj)
    payment = _payment_for(reference=reference, obj=obj) if reference else None
    if payment is None:
        logger.info("Stripe event %s (%s) names no payment of ours", event.id, event.type)
        return True
    if event.type in DISPUTE_EVENTS:
        flag_dispute(payment=payment, reason=str(stripe_field(obj, "reason", default="")))
        return True
    try:
        # Re-read the intent: the event may be stale, or arrive before the one it follows.
        intent = get_gateway("stripe").retrieve(reference=reference)
        apply_gateway_intent(payment=payment, intent=intent)
        settle_order_payment(order_id=payment.order_id)
    except GatewayError:
        WebhookEvent.objects.filter(gateway="stripe", event_id=event.id).delete()  # let Stripe retry it
        raise
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
