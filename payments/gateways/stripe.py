"""Stripe, through the official library: PaymentIntents with manual capture. Every call that creates or
moves money carries our idempotency key; amounts become minor units here and nowhere else.
STRIPE_API_BASE points the client at another server (the tests' localstripe)."""

from datetime import UTC, datetime, timedelta

import stripe

from pharmacy.money import Money

from ..amounts import to_minor
from ..exceptions import InvalidPaymentMethod
from .base import GatewayError, GatewayIntent, GatewayRefund, IntentStatus

STATUSES = {
    "requires_capture": IntentStatus.AUTHORISED,
    "succeeded": IntentStatus.CAPTURED,
    "canceled": IntentStatus.CANCELED,
    "requires_action": IntentStatus.REQUIRES_ACTION,
    "requires_payment_method": IntentStatus.FAILED,
}
# The charge's refunds are not in it unless asked for: every refund is applied from the re-read intent.
EXPAND = ["latest_charge.refunds", "payment_method"]
REFUND_COUNTS = ("succeeded", "pending")  # a failed or cancelled refund gave nothing back
DEFAULT_AUTHORISATION_DAYS = 7  # when the charge does not say (Stripe's capture_before)


def stripe_field(obj, *path, default=None):
    for key in path:
        if obj is None:
            return default
        try:
            obj = obj[key]
        except (KeyError, TypeError, IndexError):
            return default
    return default if obj is None else obj


class StripeGateway:
    name = "stripe"

    def __init__(self, *, api_key: str, api_base: str = ""):
        if not api_key:
            raise GatewayError("STRIPE_SECRET_KEY is not set.")
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base} if api_base else None, max_network_retries=1,
        )

    def prepare_payment_method(self, payment_method: str) -> str:
        """Stripe.js sends a PaymentMethod id; a card number never reaches our server, nor is it kept."""
        value = payment_method.strip()
        if "".join(value.split()).replace("-", "").isdigit():
            raise InvalidPaymentMethod("Enter the card in the card field, not as a number.", field="payment_method")
        return value

    def authorise(self, *, amount: Money, payment_method: str, idempotency_key: str, metadata: dict,
                  return_url: str) -> GatewayIntent:
        params = {
            "amount": to_minor(amount.amount), "currency": amount.currency.lower(), "payment_method": payment_method,
            "capture_method": "manual", "confirm": True, "payment_method_types": ["card"],
            "metadata": {key: str(value) for key, value in metadata.items()},
        }
        try:
            intent = self.client.v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.CardError as error:
            reference = stripe_field(error.json_body, "error", "payment_intent", "id", default="")
            return GatewayIntent(reference=reference, status=IntentStatus.FAILED, currency=amount.currency,
                                 amount_authorised=to_minor(amount.amount),
                                 failure_message=error.user_message or "Your card was declined.")
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return self.retrieve(reference=intent.id)

    def capture(self, *, reference: str, amount: Money, idempotency_key: str) -> GatewayIntent:
        return self._call(self.client.v1.payment_intents.capture, reference,
                          {"amount_to_capture": to_minor(amount.amount)}, idempotency_key)

    def void(self, *, reference: str, idempotency_key: str) -> GatewayIntent:
        return self._call(self.client.v1.payment_intents.cancel, reference, {}, idempotency_key)

    def refund(self, *, reference: str, amount: Money, idempotency_key: str) -> str:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": reference, "amount": to_minor(amount.amount)},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return refund.id

    def retrieve(self, *, reference: str) -> GatewayIntent:
        try:
            intent = self.client.v1.payment_intents.retrieve(reference, params={"expand": EXPAND})
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return self._intent(intent)

    def _call(self, method, reference: str, params: dict, idempotency_key: str) -> GatewayIntent:
        try:
            method(reference, params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return self.retrieve(reference=reference)

    def _intent(self, intent) -> GatewayIntent:
        charge = stripe_field(intent, "latest_charge")
        charge = charge if not isinstance(charge, str) else None
        captured = bool(stripe_field(charge, "captured", default=False))
        listed = stripe_field(charge, "refunds", "data", default=[])
        # localstripe's charges have no amount_captured: its partial capture releases the rest as a refund
        # that names no payment intent. Stripe's own refunds of an intent's charge always name it.
        released = sum(int(refund["amount"]) for refund in listed if not stripe_field(refund, "payment_intent"))
        refunds = tuple(GatewayRefund(reference=refund["id"], amount=int(refund["amount"])) for refund in listed
                        if stripe_field(refund, "payment_intent") and stripe_field(refund, "status") in REFUND_COUNTS)
        whole = stripe_field(charge, "amount", default=0) - released if captured else 0
        amount_captured = stripe_field(charge, "amount_captured", default=whole)
        card = (stripe_field(charge, "payment_method_details", "card")
                or stripe_field(intent, "payment_method", "card") or {})
        capture_before = stripe_field(card, "capture_before")
        if capture_before:
            capture_before = datetime.fromtimestamp(int(capture_before), tz=UTC)
        else:
            created = datetime.fromtimestamp(int(stripe_field(intent, "created", default=0)), tz=UTC)
            capture_before = created + timedelta(days=DEFAULT_AUTHORISATION_DAYS)
        action = {}
        if intent.status == "requires_action":
            action = {"type": "use_stripe_sdk", "client_secret": intent.client_secret}
        error = stripe_field(intent, "last_payment_error", "message", default="")
        return GatewayIntent(
            reference=intent.id, status=STATUSES.get(intent.status, IntentStatus.PROCESSING),
            currency=intent.currency.upper(), amount_authorised=int(intent.amount),
            amount_captured=int(amount_captured or 0),
            amount_refunded=sum(refund.amount for refund in refunds), refunds=refunds,
            disputed=bool(stripe_field(charge, "disputed", default=False)),
            capture_before=capture_before, client_action=action,
            card_fingerprint=stripe_field(card, "fingerprint", default=""),
            card_last4=stripe_field(card, "last4", default=""),
            failure_message=error,
        )
