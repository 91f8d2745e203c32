"""The cart over the API: lines with money and prescription flags, blockers, and refusals."""

from decimal import Decimal

import pytest

from cart.models import CartLine
from cart.services import add_to_cart, get_or_create_user_cart
from tests.builders.api import assert_problem
from tests.factories import PackFactory, ProductFactory, set_available_stock

pytestmark = pytest.mark.django_db

CART_URL = "/api/v1/cart/"
LINES_URL = "/api/v1/cart/lines/"


def line_url(line_id) -> str:
    return f"/api/v1/cart/lines/{line_id}/"


def test_a_new_shoppers_cart_is_empty_and_says_why_checkout_would_refuse(shopper_client):
    response = shopper_client.get(CART_URL)

    assert response.status_code == 200
    assert response.json() == {
        "lines": [],
        "total": {"amount": "0.00", "currency": "GBP"},
        "item_count": 0,
        "prescription_required": False,
        "blockers": [{"code": "cart_empty", "message": "Your cart is empty.", "line_id": None, "sku": None}],
        "clinical_advice": [],
    }


def test_adding_a_pack_returns_the_line_and_the_cart_shows_totals(shopper_client, gsl_pack, pom_pack):
    response = shopper_client.post(LINES_URL, {"sku": pom_pack.sku, "quantity": 2}, format="json")

    assert response.status_code == 201
    line = CartLine.objects.get()
    assert response.json() == {
        "id": line.pk,
        "sku": "PRES-10-84",
        "description": "Presolol 10 mg tablets, 84 tablets",
        "unit_price": {"amount": "12.50", "currency": "GBP"},
        "quantity": 2,
        "line_total": {"amount": "25.00", "currency": "GBP"},
        "prescription_required": True,
    }
    shopper_client.post(LINES_URL, {"sku": gsl_pack.sku, "quantity": 3}, format="json")
    cart = shopper_client.get(CART_URL).json()
    assert [(line["sku"], line["quantity"]) for line in cart["lines"]] == [
        ("PRES-10-84", 2),
        (gsl_pack.sku, 3),
    ]
    assert cart["total"] == {"amount": "35.47", "currency": "GBP"}
    assert cart["item_count"] == 5
    assert cart["prescription_required"] is True
    assert cart["blockers"] == []  # the prescription is supplied at checkout, so it is no blocker


def test_adding_the_same_sku_again_adds_to_the_line(shopper_client, gsl_pack):
    shopper_client.post(LINES_URL, {"sku": gsl_pack.sku, "quantity": 2}, format="json")

    response = shopper_client.post(LINES_URL, {"sku": gsl_pack.sku, "quantity": 3}, format="json")

    assert response.status_code == 201
    assert response.json()["quantity"] == 5
    assert CartLine.objects.get().quantity == 5


def test_an_unknown_sku_is_a_400_on_sku_and_the_cart_is_unchanged(shopper_client):
    response = shopper_client.post(LINES_URL, {"sku": "NO-SUCH-SKU", "quantity": 1}, format="json")

    body = assert_problem(response, 400, code="unknown_sku", field="sku")
    assert body["errors"][0]["message"] == "No product with SKU NO-SUCH-SKU."
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"quantity": 1}, "sku"),
        ({"sku": "X"}, "quantity"),
        ({"sku": "X", "quantity": 0}, "quantity"),
        ({"sku": "X", "quantity": 1001}, "quantity"),
        ({"sku": "X", "quantity": -1}, "quantity"),
        ({"sku": "X", "quantity": 10**30}, "quantity"),
        ({"sku": "X", "quantity": "2"}, "quantity"),
        ({"sku": "X", "quantity": 2.5}, "quantity"),
        ({"sku": "X", "quantity": True}, "quantity"),
        ({"sku": "X", "quantity": None}, "quantity"),
        ({"sku": 12345, "quantity": 1}, "sku"),
        ({"sku": "X" * 41, "quantity": 1}, "sku"),
        ({"sku": "BAC\x00", "quantity": 1}, "sku"),
        ({"sku": ["X"], "quantity": 1}, "sku"),
    ],
)
def test_malformed_lines_are_refused_with_a_400_on_the_field(shopper_client, body, field):
    assert_problem(shopper_client.post(LINES_URL, body, format="json"), 400, field=field)
    assert not CartLine.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(shopper_client):
    assert_problem(shopper_client.post(LINES_URL, [1, 2], format="json"), 400, code="invalid")


def test_more_than_in_stock_is_a_409(shopper_client, gsl_pack):
    set_available_stock(gsl_pack, 2)

    response = shopper_client.post(LINES_URL, {"sku": gsl_pack.sku, "quantity": 3}, format="json")

    assert_problem(response, 409, code="out_of_stock", field="quantity")
    assert not CartLine.objects.exists()


def test_over_the_per_order_limit_is_a_422(shopper_client):
    pack = PackFactory(max_per_order=1)

    response = shopper_client.post(LINES_URL, {"sku": pack.sku, "quantity": 2}, format="json")

    assert_problem(response, 422, code="quantity_limit_exceeded", field="quantity")
    assert not CartLine.objects.exists()


def test_a_controlled_drug_not_sold_online_is_a_422(shopper_client):
    product = ProductFactory(legal_category="prescription", controlled_drug_schedule=3)
    pack = PackFactory(product=product)

    response = shopper_client.post(LINES_URL, {"sku": pack.sku, "quantity": 1}, format="json")

    assert_problem(response, 422, code="controlled_drug_not_sold_online")
    assert not CartLine.objects.exists()


def test_changing_a_lines_quantity(shopper_client, user, gsl_pack):
    line = add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=1)

    response = shopper_client.patch(line_url(line.pk), {"quantity": 4}, format="json")

    assert response.status_code == 200
    assert response.json()["quantity"] == 4
    assert response.json()["line_total"] == {"amount": "13.96", "currency": "GBP"}
    line.refresh_from_db()
    assert line.quantity == 4


@pytest.mark.parametrize("body", [{}, {"quantity": 0}, {"quantity": "4"}, {"quantity": 1001}])
def test_changing_a_quantity_to_nonsense_is_a_400_and_changes_nothing(shopper_client, user, gsl_pack, body):
    line = add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=1)

    assert_problem(shopper_client.patch(line_url(line.pk), body, format="json"), 400, field="quantity")
    line.refresh_from_db()
    assert line.quantity == 1


def test_removing_a_line(shopper_client, user, gsl_pack):
    line = add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=1)

    response = shopper_client.delete(line_url(line.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("line_id", ["999999", "9223372036854775807", "99999999999999999999999999"])
def test_a_line_id_not_in_the_cart_is_a_404(shopper_client, line_id):
    assert_problem(
        shopper_client.patch(line_url(line_id), {"quantity": 1}, format="json"),
        404,
        code="cart_line_not_found",
    )
    assert_problem(shopper_client.delete(line_url(line_id)), 404, code="cart_line_not_found")


def test_the_cart_lists_lines_that_would_block_checkout(shopper_client, user, gsl_pack):
    line = add_to_cart(cart=get_or_create_user_cart(user=user), pack=gsl_pack, quantity=3)
    set_available_stock(gsl_pack, 1)

    blockers = shopper_client.get(CART_URL).json()["blockers"]

    assert blockers == [
        {
            "code": "out_of_stock",
            "message": f"{gsl_pack.display_name}: only 1 left in stock, 3 requested.",
            "line_id": line.pk,
            "sku": gsl_pack.sku,
        }
    ]


def test_money_is_sent_as_decimal_strings(shopper_client):
    pack = PackFactory(price_amount=Decimal("0.10"))

    line = shopper_client.post(LINES_URL, {"sku": pack.sku, "quantity": 3}, format="json").json()

    assert line["line_total"] == {"amount": "0.30", "currency": "GBP"}


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", CART_URL),
        ("post", LINES_URL),
        ("patch", line_url(1)),
        ("delete", line_url(1)),
    ],
)
def test_the_cart_needs_a_signed_in_shopper(api_client, method, url):
    assert_problem(getattr(api_client, method)(url, {}, format="json"), 401, code="not_authenticated")
