"""Every list endpoint runs the same number of SQL queries whatever the page size: the selectors
prefetch, the serializers never query per row."""

import pytest

from cart.services import add_to_cart, get_or_create_user_cart
from checkout.services import place_order
from dispensing.approval import approve_order
from orders.services import cancel_order
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db

# count + orders + lines (with leaflet revisions) + events (with actors) + clinical alerts + payments
ORDER_LIST_QUERIES = 6
# count + orders (with customer and prescription) + lines + events + warning flags + clinical alerts + payments
REVIEW_QUEUE_QUERIES = 7
# count + prescriptions + their items + the items' packs + the packs' products + the repeat issues with
# their orders (the selector's prefetch)
PRESCRIPTION_LIST_QUERIES = 6
# the cart + its lines with packs and products + the packs' strengths with ingredients; then its clinical
# advice: the health record with its ingredients' names + what we supplied lately
CART_QUERIES = 5


def place_orders(user, count: int, *, with_prescription: bool, pharmacist=None) -> None:
    """`count` orders of two lines each, with more than one history event, to make N+1s show."""
    for index in range(count):
        pom = PackFactory(product__legal_category="prescription")
        cart = cart_with(user, (pom, 1), (PackFactory(), 2))
        prescription = uploaded_prescription(user) if with_prescription else None
        order = place_order(
            user=user, cart=cart, details=details(), idempotency_key=f"k{index}", prescription=prescription
        )
        if pharmacist is not None:
            approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom, 16)))
            cancel_order(order=order, actor=user)


@pytest.mark.parametrize("page_size", [1, 5])
def test_order_list_queries_do_not_grow_with_the_page(
    shopper_client, user, pharmacist, page_size, django_assert_num_queries
):
    place_orders(user, 5, with_prescription=True, pharmacist=pharmacist)

    with django_assert_num_queries(ORDER_LIST_QUERIES):
        response = shopper_client.get("/api/v1/orders/", {"page_size": page_size})

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 5])
def test_review_queue_queries_do_not_grow_with_the_page(
    pharmacist_client, user, page_size, django_assert_num_queries
):
    place_orders(user, 5, with_prescription=True)

    # +2: the permission's checks, is_pharmacist's group and the token's second factor
    with django_assert_num_queries(REVIEW_QUEUE_QUERIES + 2):
        response = pharmacist_client.get("/api/v1/pharmacist/orders/", {"page_size": page_size})

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 5])
def test_prescription_list_queries_do_not_grow_with_the_page(
    shopper_client, user, pharmacist, page_size, django_assert_num_queries
):
    place_orders(user, 5, with_prescription=True, pharmacist=pharmacist)  # approved: each has items

    with django_assert_num_queries(PRESCRIPTION_LIST_QUERIES):
        response = shopper_client.get("/api/v1/prescriptions/", {"page_size": page_size})

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("lines", [1, 5])
def test_cart_queries_do_not_grow_with_its_lines(shopper_client, user, lines, django_assert_num_queries):
    cart = get_or_create_user_cart(user=user)
    for _ in range(lines):
        add_to_cart(cart=cart, pack=PackFactory(), quantity=1)

    with django_assert_num_queries(CART_QUERIES):
        response = shopper_client.get("/api/v1/cart/")

    assert len(response.json()["lines"]) == lines
