"""GET /api/v1/delivery-methods/ and the delivery method at checkout, through the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cart.services import add_to_cart, get_or_create_user_cart
from delivery.models import DeliveryMethod
from delivery.services import save_delivery_method
from tests.builders.api import SHIPPING, assert_problem
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/delivery-methods/"


@pytest.fixture
def methods(db):
    return (
        DeliveryMethod.objects.create(code="standard", name="Standard delivery", description="Royal Mail Tracked 48",
                                      price_amount=Decimal("3.95"), free_over_amount=Decimal("30.00"), position=1),
        DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"),
                                      estimated_days_min=1, estimated_days_max=1, position=2),
        DeliveryMethod.objects.create(code="pigeon", name="Retired", price_amount=Decimal("1.00"), is_active=False),
    )


def test_the_active_methods_are_listed_to_anyone_default_first(api_client, methods):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == [
        {"code": "standard", "name": "Standard delivery", "description": "Royal Mail Tracked 48",
         "estimated_days_min": 2, "estimated_days_max": 3, "price": {"amount": "3.95", "currency": "GBP"},
         "free_over": {"amount": "30.00", "currency": "GBP"}, "is_default": True},
        {"code": "express", "name": "Express delivery", "description": "", "estimated_days_min": 1,
         "estimated_days_max": 1, "price": {"amount": "6.95", "currency": "GBP"}, "free_over": None,
         "is_default": False},
    ]
    assert "ETag" in response


def test_an_admin_change_shows_at_once_despite_the_cache(api_client, methods):
    standard = methods[0]
    assert api_client.get(URL).json()[0]["price"]["amount"] == "3.95"

    standard.price_amount = Decimal("4.25")
    save_delivery_method(method=standard)

    assert api_client.get(URL).json()[0]["price"]["amount"] == "4.25"


def checkout(client, key="k", **body):
    return client.post("/api/v1/checkout/", {"shipping": SHIPPING, **body}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_checkout_charges_the_chosen_method_and_the_order_shows_subtotal_delivery_vat_and_total(
    shopper_client, user, gsl_pack, methods
):
    add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=2)

    response = checkout(shopper_client, delivery_method="express")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subtotal"] == {"amount": "6.98", "currency": "GBP"}
    assert body["delivery"] == {"method": "express", "name": "Express delivery",
                                "amount": {"amount": "6.95", "currency": "GBP"},
                                "vat": {"amount": "1.16", "currency": "GBP"}}
    assert body["vat"] == {"amount": "2.32", "currency": "GBP"}
    assert body["total"] == {"amount": "13.93", "currency": "GBP"}
    [line] = body["lines"]
    assert (line["vat_rate"], line["vat"]["amount"]) == ("0.2000", "1.16")


@pytest.mark.parametrize("code", ["pigeon", "teleport"])
def test_an_inactive_or_unknown_method_is_a_422_on_the_field(shopper_client, user, gsl_pack, methods, code):
    add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=1)

    assert_problem(checkout(shopper_client, delivery_method=code), 422, "delivery_method_unavailable",
                   "delivery_method")


def test_delivery_and_vat_add_no_query_per_line_to_checkout(shopper_client, user, methods):
    """Delivery and VAT included, a checkout of 6 lines runs the same queries as one of 1. A first order
    comes before both: the checks of earlier orders (limits, clinical history) only query once there are some."""
    counts = []
    for round_number, line_count in enumerate((1, 1, 6)):
        cart = get_or_create_user_cart(user=user)
        for _ in range(line_count):
            add_to_cart(cart=cart, pack=PackFactory(), quantity=1)
        with CaptureQueriesContext(connection) as queries:
            assert checkout(shopper_client, key=f"k{round_number}", delivery_method="express").status_code == 201
        sqls = [query["sql"] for query in queries.captured_queries]
        assert sum('FROM "delivery_deliverymethod"' in sql for sql in sqls) == 1
        counts.append(len(sqls))

    assert counts[1] == counts[2]
