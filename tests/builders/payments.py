"""Builders for the payment tests: a checkout that authorises a card, the gateway's view of a payment,
the test cards, and the payment page's form."""

import re

from django.urls import reverse

from checkout.services import place_order
from payments.gateways import get_gateway
from payments.services import authorise_order
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import ADULT


def checkout(user, *lines, payment_method: str, key: str = "checkout-1", prescription=None, answers=None):
    """What the storefront and the API do: place the order awaiting payment, then authorise it."""
    return pay_for_cart(user, cart_with(user, *lines), payment_method=payment_method, key=key,
                        prescription=prescription, answers=answers)


def pay_for_cart(user, cart, *, payment_method: str, key: str = "checkout-1", prescription=None, answers=None):
    order = place_order(user=user, cart=cart, details=details(), idempotency_key=key,
                        prescription=prescription, consultation_answers=answers, patient=ADULT,
                        awaiting_payment=True)
    payment = authorise_order(order=order, payment_method=payment_method, attempt_key=key, actor=user)
    order.refresh_from_db()
    return order, payment


def prescription_checkout(user, pom_pack, *, payment_method: str, quantity: int = 2, key: str = "checkout-1"):
    return checkout(user, (pom_pack, quantity), payment_method=payment_method, key=key,
                    prescription=uploaded_prescription(user))


def on_gateway(payment):
    """The gateway's own view of the payment: (status, net amount charged in pence)."""
    intent = get_gateway(payment.gateway).retrieve(reference=payment.reference)
    return intent.status, intent.amount_captured - intent.amount_refunded


WEBHOOK_SECRET = "whsec_pharmacy_test"


CARDS = {  # what each test means by a card, per gateway (the same numbers: localstripe follows Stripe)
    "success": "4242424242424242",
    "declined": "4000000000000341",
    "confirmation": "4000000000003220",
}


def pay(client, order, card: str):
    page = client.get(reverse("payments:pay", args=[order.number]))
    key = re.search(rb'name="attempt_key" value="([^"]+)"', page.content).group(1).decode()
    return client.post(reverse("payments:pay", args=[order.number]), {"card": card, "attempt_key": key},
                       follow=True)
