"""Checkout over the API: the Idempotency-Key contract, the prescription gate and the refusals."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from cart.models import CartLine
from orders.models import Order, OrderStatus
from tests.builders.api import SHIPPING, assert_problem, checkout
from tests.builders.orders import cart_with, uploaded_prescription
from tests.factories import PackFactory, UserFactory, set_available_stock

pytestmark = pytest.mark.django_db


def test_checkout_of_general_sale_items_places_an_approved_order(shopper_client, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))

    response = checkout(shopper_client, key="k-1")

    assert response.status_code == 201
    order = Order.objects.get()
    body = response.json()
    assert body["number"] == order.number
    assert body["status"] == "approved"
    assert body["total"] == {"amount": "6.98", "currency": "GBP"}
    assert body["shipping"] == {**SHIPPING, "postcode": "LS1 1AA"}
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [(gsl_pack.sku, 2)]
    assert not CartLine.objects.exists()
    gsl_pack.refresh_from_db()
    assert gsl_pack.stock_quantity == 98


def test_checkout_without_an_idempotency_key_is_a_400_naming_the_header(shopper_client, user, gsl_pack):
    cart_with(user, (gsl_pack, 1))

    response = checkout(shopper_client, key=None)

    body = assert_problem(response, 400, code="required", field="Idempotency-Key")
    assert body["detail"] == "The request has invalid fields: Idempotency-Key"
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


@pytest.mark.parametrize("key", ["x" * 101, "has space", "tab\there", "naïve"])
def test_a_malformed_idempotency_key_is_a_400(shopper_client, user, gsl_pack, key):
    cart_with(user, (gsl_pack, 1))

    assert_problem(checkout(shopper_client, key=key), 400, field="Idempotency-Key")
    assert not Order.objects.exists()


def test_a_replay_with_the_same_key_and_body_returns_the_original_order(shopper_client, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    first = checkout(shopper_client, key="retry-me")

    replay = checkout(shopper_client, key="retry-me")

    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert Order.objects.count() == 1
    gsl_pack.refresh_from_db()
    assert gsl_pack.stock_quantity == 98


def test_the_same_key_with_a_different_body_is_a_422(shopper_client, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    original = checkout(shopper_client, key="retry-me").json()

    response = checkout(shopper_client, key="retry-me", city="York")

    assert_problem(response, 422, code="idempotency_key_reused")
    assert list(Order.objects.values_list("number", "city")) == [(original["number"], "Leeds")]


def test_keys_belong_to_one_shopper(shopper_client, other_client, user, other_user, gsl_pack):
    cart_with(user, (gsl_pack, 1))
    cart_with(other_user, (gsl_pack, 1))

    mine = checkout(shopper_client, key="same-key")
    theirs = checkout(other_client, key="same-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["number"] != theirs.json()["number"]


def test_a_prescription_only_medicine_without_a_prescription_is_a_422(shopper_client, user, pom_pack):
    cart_with(user, (pom_pack, 1))

    response = checkout(shopper_client)

    body = assert_problem(response, 422, code="prescription_required", field="prescription")
    assert body["errors"][0]["skus"] == [pom_pack.sku]
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_checkout_with_an_uploaded_prescription_awaits_review(shopper_client, user, pom_pack):
    cart_with(user, (pom_pack, 1))
    prescription = uploaded_prescription(user)

    response = checkout(shopper_client, prescription_id=prescription.pk)

    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_review"
    assert response.json()["prescription_id"] == prescription.pk
    assert Order.objects.get().status == OrderStatus.AWAITING_REVIEW


def test_another_shoppers_prescription_id_is_a_400_that_does_not_confirm_it(
    shopper_client, user, other_user, pom_pack
):
    cart_with(user, (pom_pack, 1))
    theirs = uploaded_prescription(other_user)

    response = checkout(shopper_client, prescription_id=theirs.pk)

    body = assert_problem(response, 400, field="prescription_id")
    assert body["errors"][0]["message"] == "No prescription with this id in your account."
    assert not Order.objects.exists()


def test_an_empty_cart_is_a_422(shopper_client):
    assert_problem(checkout(shopper_client), 422, code="cart_empty")
    assert not Order.objects.exists()


def test_a_sold_out_item_is_a_409(shopper_client, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    set_available_stock(gsl_pack, 1)

    assert_problem(checkout(shopper_client), 409, code="out_of_stock")
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "shipping, field",
    [
        ({"full_name": ""}, "shipping.full_name"),
        ({"full_name": "   "}, "shipping.full_name"),
        ({"email": "not-an-email"}, "shipping.email"),
        ({"phone": "0" * 31}, "shipping.phone"),
        ({"postcode": None}, "shipping.postcode"),
        ({"country": "GBR"}, "shipping.country"),
        ({"country": "1A"}, "shipping.country"),
        ({"city": 42}, "shipping.city"),
        ({"address_line1": "1 High St\x00"}, "shipping.address_line1"),
    ],
)
def test_invalid_shipping_details_are_a_400_on_the_field(shopper_client, user, gsl_pack, shipping, field):
    cart_with(user, (gsl_pack, 1))

    assert_problem(checkout(shopper_client, **shipping), 400, field=field)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "shipping"),
        ({"shipping": "Leeds"}, "shipping"),
        ({"shipping": SHIPPING, "prescription_id": "1"}, "prescription_id"),
        ({"shipping": SHIPPING, "prescription_id": 0}, "prescription_id"),
        ({"shipping": SHIPPING, "prescription_id": 2**63}, "prescription_id"),
    ],
)
def test_a_malformed_checkout_body_is_a_400(shopper_client, user, gsl_pack, body, field):
    cart_with(user, (gsl_pack, 1))

    response = shopper_client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert_problem(response, 400, field=field)
    assert not Order.objects.exists()


def test_checkout_is_throttled(shopper_client, user, gsl_pack, settings):
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework,
        "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "checkout": "1/hour"},
    }
    cart_with(user, (gsl_pack, 1))

    assert checkout(shopper_client, key="a").status_code == 201
    assert_problem(checkout(shopper_client, key="b"), 429, code="throttled")
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_checkouts_are_answered_with_the_one_order():
    """Ten clients send the same checkout at once (a double-click, a retrying proxy): the cart row lock
    queues them, the first places the order and the rest get it back."""
    shopper = UserFactory()
    pack = PackFactory(stock_quantity=100)
    cart_with(shopper, (pack, 2))
    barrier = threading.Barrier(10)
    responses: list = [None] * 10

    def send(index: int) -> None:
        client = APIClient()
        client.force_authenticate(shopper)
        try:
            barrier.wait(timeout=30)
            responses[index] = checkout(client, key="double-click")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [response.status_code for response in responses] == [201] * 10
    assert len({response.json()["number"] for response in responses}) == 1
    assert Order.objects.count() == 1
    pack.refresh_from_db()
    assert pack.stock_quantity == 98


def test_checkout_reports_a_missing_date_of_birth_and_a_missing_prescription_in_one_answer(pom_pack):
    user = UserFactory(health_record=False)  # no date of birth on record yet
    client = APIClient()
    client.force_authenticate(user)
    cart_with(user, (pom_pack, 1))

    response = checkout(client, key="k")

    body = assert_problem(response, 422, code="patient_details_required", field="patient_date_of_birth")
    assert [(error["field"], error["code"]) for error in body["errors"]] == [
        ("patient_date_of_birth", "patient_details_required"), ("prescription", "prescription_required")]
    assert "Enter the patient's date of birth" in body["detail"] and "A prescription is needed" in body["detail"]
    assert not Order.objects.exists()
