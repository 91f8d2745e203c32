"""No full card number is kept anywhere: after paying through the storefront and the API with the test
gateway (a declined card, a card needing confirmation, a card that pays), every text column of every
table is searched for the numbers typed. Idempotency keys name the installation and the order, and an
intent read back in another currency is refused."""

import re
import subprocess
import sys

import pytest
from django.core.checks import Error
from django.db import connection

from orders.models import Order
from payments.checks import check_payment_settings
from payments.gateways.base import GatewayError
from payments.models import Payment, PaymentStatus, TestGatewayIntent
from payments.services import refresh_payment
from tests.builders.api import SHIPPING
from tests.builders.checkout import CHECKOUT, checkout_data
from tests.builders.orders import cart_with
from tests.builders.payments import checkout, pay

pytestmark = pytest.mark.django_db

TYPED_CARDS = ("4000 0000 0000 0002", "4000000000003220", "4242-4242-4242-4242")


def any_of_the_numbers(cards) -> str:
    """A PostgreSQL regular expression matching each card's digits, however they are spaced or dashed."""
    return "|".join("[ -]?".join(re.sub(r"[^0-9]", "", card)) for card in cards)


def text_columns_holding(pattern: str) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text, varchar or JSON value in the database matching `pattern`."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}"::text ~ %s', [pattern])
            found.extend((table, column, value) for (value,) in cursor.fetchall())
    return found


@pytest.mark.postgres  # reads PostgreSQL's catalogue (information_schema) and its regular expressions
def test_a_database_dump_after_a_test_gateway_journey_holds_no_full_card_number(
        signed_in, shopper_client, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    storefront_order = Order.objects.get()
    for card in TYPED_CARDS:
        with django_capture_on_commit_callbacks(execute=True):
            pay(signed_in, storefront_order, card)
    cart_with(user, (gsl_pack, 2))
    with django_capture_on_commit_callbacks(execute=True):
        api = shopper_client.post("/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": "4242424242424242"},
                                  format="json", HTTP_IDEMPOTENCY_KEY="api-checkout")
    assert api.status_code == 201, api.json()

    assert sorted(Payment.objects.values_list("card_last4", "status")) == [
        ("0002", "failed"), ("3220", "voided"), ("4242", "captured"), ("4242", "captured")]
    assert set(Payment.objects.values_list("payment_method", flat=True)) == {
        "test_card_0002", "test_card_3220", "test_card_4242"}
    assert set(TestGatewayIntent.objects.values_list("card", flat=True)) == {"0002", "3220", "4242"}
    assert text_columns_holding(any_of_the_numbers(TYPED_CARDS)) == []
    assert storefront_order.payments.count() == 3


@pytest.mark.postgres  # its check that nothing was stored reads the whole database like the one above
def test_an_undocumented_card_number_is_refused_by_the_api_and_not_stored(
        shopper_client, user, gsl_pack, payments_on):
    cart_with(user, (gsl_pack, 1))

    response = shopper_client.post("/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": "5555555555554444"},
                                   format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_payment_method"
    assert not Payment.objects.exists()
    assert text_columns_holding("5555555555554444") == []


def test_gateway_idempotency_keys_name_the_installation_and_the_order(settings, user, gsl_pack, payments_on):
    settings.PAYMENT_INSTALLATION_ID = "shop-a"
    order, payment = checkout(user, (gsl_pack, 1), payment_method="4242424242424242")

    intent = TestGatewayIntent.objects.get(reference=payment.reference)
    assert intent.idempotency_key == f"shop-a-{order.number}-payment-{payment.pk}-authorise"


def test_the_installation_id_defaults_from_the_secret_key_without_revealing_it():
    def installation_id(secret: str) -> str:
        code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='pharmacy.settings.local'; "
                "from django.conf import settings; print(settings.PAYMENT_INSTALLATION_ID)")
        env = {"SECRET_KEY": secret, "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    first, again, other = installation_id("a" * 50), installation_id("a" * 50), installation_id("b" * 50)
    assert first == again != other
    assert "a" * 8 not in first and len(first) == 16


def test_an_intent_read_back_in_another_currency_is_refused(user, gsl_pack, payments_on):
    order, payment = checkout(user, (gsl_pack, 1), payment_method="4000000000003220")
    TestGatewayIntent.objects.filter(reference=payment.reference).update(currency="EUR", status="requires_capture")

    with pytest.raises(GatewayError, match="EUR"):
        refresh_payment(payment=payment)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_check_refuses_test_payments_in_production_unless_allowed(settings):
    settings.PAYMENTS_PRODUCTION = True
    settings.PAYMENT_GATEWAY = "test"
    settings.ALLOW_TEST_PAYMENTS_IN_PRODUCTION = False

    errors = check_payment_settings()

    assert [error.id for error in errors] == ["payments.E001"] and isinstance(errors[0], Error)
    assert "test payment gateway takes no money" in errors[0].msg
    settings.ALLOW_TEST_PAYMENTS_IN_PRODUCTION = True
    assert check_payment_settings() == []
