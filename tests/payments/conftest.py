"""Payments tests run each flow with both gateways: the built-in test gateway, and Stripe through the
real `stripe` library against localstripe (a stateful Stripe API server, started once per session on a
free port; skipped without it locally, a failure under CI=true)."""

import importlib.util
import subprocess
import sys

import pytest
import stripe

from checkout.services import place_order
from payments.gateways import _gateway, get_gateway
from payments.services import _begin_attempt
from pharmacy.money import Money
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.payments import CARDS, WEBHOOK_SECRET
from tests.servers import free_port, port_open, wait_for

STRIPE_TEST_KEY = "sk_test_pharmacy"


class LocalStripe:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: port_open(self.port), timeout=timeout):
            self.stop()
            raise RuntimeError(f"localstripe did not listen on {self.port} within {timeout} s")

    def stop(self, timeout: float = 10) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=timeout)
            self.process = None

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(STRIPE_TEST_KEY, base_addresses={"api": self.url})


@pytest.fixture(scope="session")
def localstripe():
    from tests.availability import require

    require(importlib.util.find_spec("localstripe") is not None,
            "needs localstripe: pip install -r requirements/dev.txt")
    server = LocalStripe()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def payments_on(settings):
    settings.PAYMENTS_AT_CHECKOUT = True
    settings.PAYMENT_GATEWAY = "test"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    _gateway.cache_clear()
    return settings


@pytest.fixture(params=["test", "stripe"])
def gateway_name(request, payments_on):
    if request.param == "stripe":
        server = request.getfixturevalue("localstripe")
        payments_on.PAYMENT_GATEWAY = "stripe"
        payments_on.STRIPE_SECRET_KEY = STRIPE_TEST_KEY
        payments_on.STRIPE_API_BASE = server.url
    return request.param


@pytest.fixture
def card(gateway_name, request):
    """card("success") -> what the shopper's browser would send: the number (test gateway), or a
    PaymentMethod id made at the gateway (Stripe)."""
    def make(kind: str) -> str:
        number = CARDS[kind]
        if gateway_name == "test":
            return number
        client = request.getfixturevalue("localstripe").client()
        method = client.v1.payment_methods.create(params={
            "type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        })
        return method.id
    return make


@pytest.fixture
def stripe_on(payments_on, localstripe):
    payments_on.PAYMENT_GATEWAY = "stripe"
    payments_on.STRIPE_SECRET_KEY = STRIPE_TEST_KEY
    payments_on.STRIPE_API_BASE = localstripe.url
    return localstripe


@pytest.fixture
def crashed_authorisation(stripe_on, user, pom_pack):
    """A card authorised at Stripe whose answer we never stored (the process died before our commit)."""
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user), awaiting_payment=True)
    payment, _, _ = _begin_attempt(order_id=order.pk, attempt_key="k", payment_method="unused")
    method = stripe_on.client().v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}})
    intent = get_gateway().authorise(amount=Money(payment.amount_authorised, "GBP"), payment_method=method.id,
                                     idempotency_key=f"payment-{payment.pk}-authorise", return_url="",
                                     metadata={"order": order.number, "payment": payment.pk})
    return payment, intent.reference
