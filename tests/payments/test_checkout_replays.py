"""The same checkout replayed ten times at once authorises the card once. Our Payment row, committed
under the order's lock before the gateway is called, is what prevents it: localstripe, unlike Stripe,
ignores idempotency keys, so with it nothing else could."""

import pytest
from django.db import connection

from orders.models import Order
from payments.models import MovementKind, Payment, TestGatewayIntent
from tests.builders.concurrency import race
from tests.builders.orders import cart_with, uploaded_prescription
from tests.builders.payments import pay_for_cart

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _intents_on_gateway(gateway_name: str, order: Order, request) -> int:
    if gateway_name == "test":
        return TestGatewayIntent.objects.count()
    client = request.getfixturevalue("localstripe").client()
    intents = client.v1.payment_intents.list(params={"limit": 100})
    return sum(1 for intent in intents.data if intent.metadata.to_dict().get("order") == order.number)


def test_ten_concurrent_replays_of_one_checkout_authorise_once(user, pom_pack, card, gateway_name, request):
    assert connection.vendor == "postgresql"
    method = card("success")
    cart, prescription = cart_with(user, (pom_pack, 2)), uploaded_prescription(user)

    results = race([lambda: pay_for_cart(user, cart, payment_method=method, prescription=prescription)
                    for _ in range(10)])

    assert all(isinstance(result, tuple) for result in results), results
    orders = {order.pk for order, _ in results}
    payments = {payment.pk for _, payment in results}
    assert (len(orders), len(payments)) == (1, 1)
    order = Order.objects.get()
    assert order.status == "awaiting_review"
    payment = Payment.objects.get()
    assert (payment.status, str(payment.amount_authorised)) == ("authorised", "25.00")
    assert payment.movements.filter(kind=MovementKind.AUTHORISED).count() == 1
    assert _intents_on_gateway(gateway_name, order, request) == 1
