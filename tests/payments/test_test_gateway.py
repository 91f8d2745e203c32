"""The built-in test gateway answers a repeated idempotency key with the intent it first made, as a real
gateway does: reconciliation repeats a call whose answer was lost."""

from decimal import Decimal

import pytest

from payments.gateways.test import CONFIRMATION_CARD, SUCCESS_CARD, TestGateway, card_token
from payments.models import TestGatewayIntent
from pharmacy.money import Money

pytestmark = pytest.mark.django_db


def test_a_repeated_key_gets_its_first_intent_and_another_key_a_new_one():
    gateway = TestGateway()

    def authorise(key: str, card: str = SUCCESS_CARD, amount: str = "4.99"):
        return gateway.authorise(amount=Money(Decimal(amount), "GBP"), payment_method=card_token(card),
                                 idempotency_key=key, metadata={}, return_url="")

    first = authorise("order-1-authorise")
    again = authorise("order-1-authorise", card=CONFIRMATION_CARD, amount="9.99")  # the first call's answer
    other = authorise("order-2-authorise")

    assert again == first and first.amount_authorised == 499
    assert other.reference != first.reference
    assert TestGatewayIntent.objects.filter(idempotency_key="order-1-authorise").count() == 1
