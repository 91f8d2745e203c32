"""What every gateway call shares: its idempotency key and the check of the currency it answers in."""

from django.conf import settings

from ..gateways.base import GatewayError, GatewayIntent
from ..models import Payment


def gateway_idempotency_key(payment: Payment, action: str) -> str:
    """Unique across installations sharing one gateway account (staging and production, two shops):
    the installation's id and the order's number come first, so a reused database id never collides."""
    return f"{settings.PAYMENT_INSTALLATION_ID}-{payment.order.number}-payment-{payment.pk}-{action}"


def check_intent_currency(*, payment: Payment, intent: GatewayIntent) -> None:
    """Every read-back of an intent is compared with what we asked for, currency included."""
    if intent.currency.upper() != payment.currency.upper():
        raise GatewayError(f"Payment {payment.pk}: the gateway answered in {intent.currency}, not {payment.currency}.")
