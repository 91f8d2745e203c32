"""The built-in test gateway: no server, no keys, its state in our database. The default when nothing
is configured, so `make run` takes payments; refused under production settings (payments.checks).

Test cards (spaces are ignored); no other number is accepted:
    4242 4242 4242 4242   authorised
    4000 0000 0000 0002   declined (so is 4000 0000 0000 0341, the card Stripe declines at charge)
    4000 0000 0000 3220   needs the shopper's confirmation (3-D Secure style): our own confirm page

A card number is never stored, here or in a Payment: `prepare_payment_method` turns it into a token that
names only its last four digits ("test_card_4242"), which are enough to tell the test cards apart.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pharmacy.compiled_insert import CompiledInsert
from pharmacy.compiled_query import CompiledQuery
from pharmacy.money import Money

from ..amounts import to_minor
from ..exceptions import InvalidPaymentMethod
from ..locks import intent_of_test_gateway_for_update
from ..models import TestGatewayIntent
from .base import GatewayError, GatewayIntent, GatewayRefund, IntentStatus

SUCCESS_CARD = "4242424242424242"
DECLINED_CARDS = ("4000000000000002", "4000000000000341")
CONFIRMATION_CARD = "4000000000003220"
TEST_CARDS = {SUCCESS_CARD: "Authorised", DECLINED_CARDS[0]: "Declined", CONFIRMATION_CARD: "Needs confirmation"}
DOCUMENTED_CARDS = (SUCCESS_CARD, *DECLINED_CARDS, CONFIRMATION_CARD)
TOKEN_PREFIX = "test_card_"
AUTHORISATION_DAYS = 7  # as a card network holds an online authorisation
# One per authorisation, after looking for the key's: compiled once per process.
_INTENT = CompiledInsert(TestGatewayIntent)
_INTENT_WITH_KEY = CompiledQuery(TestGatewayIntent, lambda *, key: TestGatewayIntent.objects.filter(
    idempotency_key=key).order_by("pk")[:1], key="\x1fcompiled idempotency key\x1f")


def normalise_card(token: str) -> str:
    return "".join(str(token).split()).replace("-", "")


def card_token(card: str) -> str:
    return TOKEN_PREFIX + card[-4:]


def card_of_token(token: str) -> str | None:
    """The documented test card a token (or a number) stands for; None for anything else."""
    value = normalise_card(token)
    if value in DOCUMENTED_CARDS:
        return value
    return next((card for card in DOCUMENTED_CARDS if card_token(card) == value), None)


class TestGateway:
    name = "test"

    def prepare_payment_method(self, payment_method: str) -> str:
        """What may be stored and later authorised: the token of a documented test card, never its number."""
        card = card_of_token(payment_method)
        if card is None:
            numbers = ", ".join(DOCUMENTED_CARDS)
            raise InvalidPaymentMethod(f"This shop takes test payments only: use a test card ({numbers}).",
                                       field="payment_method")
        return card_token(card)

    def authorise(self, *, amount: Money, payment_method: str, idempotency_key: str, metadata: dict,
                  return_url: str) -> GatewayIntent:
        card = card_of_token(payment_method)
        existing = _INTENT_WITH_KEY.run(key=idempotency_key)
        if existing:
            return self._intent(existing[0])
        if card is None:
            raise GatewayError("The test gateway takes only the test card numbers.")
        if card in DECLINED_CARDS:
            status = "failed"
        elif card == CONFIRMATION_CARD:
            status = "requires_action"
        else:
            status = "requires_capture"
        intent = _INTENT.create(
            reference="test_pi_" + secrets.token_hex(10), idempotency_key=idempotency_key, card=card[-4:],
            status=status, amount=to_minor(amount.amount), currency=amount.currency,
            capture_before=timezone.now() + timedelta(days=AUTHORISATION_DAYS),
        )
        return self._intent(intent)

    @transaction.atomic
    def authenticate(self, *, reference: str, success: bool) -> GatewayIntent:
        """The shopper's answer on our confirm page (what a bank's 3-D Secure page does)."""
        intent = self._locked(reference)
        if intent.status == "requires_action":
            intent.status = "requires_capture" if success else "failed"
            intent.save(update_fields=["status"])
        return self._intent(intent)

    @transaction.atomic
    def capture(self, *, reference: str, amount: Money, idempotency_key: str) -> GatewayIntent:
        intent = self._locked(reference)
        if intent.status == "succeeded":
            return self._intent(intent)  # a replayed capture
        minor = to_minor(amount.amount)
        if intent.status != "requires_capture" or minor > intent.amount:
            raise GatewayError(f"Cannot capture {minor} of {reference} ({intent.status}, {intent.amount}).")
        if intent.capture_before is not None and intent.capture_before <= timezone.now():
            raise GatewayError(f"Cannot capture {reference}: the authorisation lapsed.")  # as a card network
        intent.status, intent.amount_captured = "succeeded", minor
        intent.save(update_fields=["status", "amount_captured"])
        return self._intent(intent)

    @transaction.atomic
    def void(self, *, reference: str, idempotency_key: str) -> GatewayIntent:
        intent = self._locked(reference)
        if intent.status in ("requires_capture", "requires_action", "failed"):
            intent.status = "canceled"
            intent.save(update_fields=["status"])
        elif intent.status != "canceled":
            raise GatewayError(f"Cannot void {reference}: it is {intent.status}.")
        return self._intent(intent)

    @transaction.atomic
    def refund(self, *, reference: str, amount: Money, idempotency_key: str) -> str:
        intent = self._locked(reference)
        for refund in intent.refunds:
            if refund["idempotency_key"] == idempotency_key:
                return refund["id"]
        minor = to_minor(amount.amount)
        if intent.status != "succeeded" or minor <= 0 or intent.amount_refunded + minor > intent.amount_captured:
            raise GatewayError(f"Cannot refund {minor} of {reference}.")
        refund_id = "test_re_" + secrets.token_hex(8)
        intent.refunds = [*intent.refunds, {"id": refund_id, "idempotency_key": idempotency_key, "amount": minor}]
        intent.amount_refunded += minor
        intent.save(update_fields=["refunds", "amount_refunded"])
        return refund_id

    def retrieve(self, *, reference: str) -> GatewayIntent:
        intent = TestGatewayIntent.objects.filter(reference=reference).first()
        if intent is None:
            raise GatewayError(f"No test payment {reference}.")
        return self._intent(intent)

    def _locked(self, reference: str) -> TestGatewayIntent:
        intent = intent_of_test_gateway_for_update(reference=reference)
        if intent is None:
            raise GatewayError(f"No test payment {reference}.")
        return intent

    def _intent(self, intent: TestGatewayIntent) -> GatewayIntent:
        status = {"requires_action": IntentStatus.REQUIRES_ACTION, "requires_capture": IntentStatus.AUTHORISED,
                  "succeeded": IntentStatus.CAPTURED, "canceled": IntentStatus.CANCELED,
                  "failed": IntentStatus.FAILED}[intent.status]
        action = {}
        if status == IntentStatus.REQUIRES_ACTION:
            action = {"type": "redirect_to_url",
                      "url": reverse("payments:test-confirm", kwargs={"reference": intent.reference})}
        return GatewayIntent(
            reference=intent.reference, status=status, currency=intent.currency, amount_authorised=intent.amount,
            amount_captured=intent.amount_captured, amount_refunded=intent.amount_refunded,
            capture_before=intent.capture_before, client_action=action,
            card_fingerprint="test_" + intent.card[-4:], card_last4=intent.card[-4:],
            failure_message="Your card was declined." if status == IntentStatus.FAILED else "",
            refunds=tuple(GatewayRefund(reference=refund["id"], amount=refund["amount"]) for refund in intent.refunds),
        )
