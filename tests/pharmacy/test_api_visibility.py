"""Another shopper's orders, cart lines and prescriptions do not exist as far as a shopper can tell:
every object route answers 404, exactly as for an id that was never used, and nothing changes."""

import pytest

from cart.models import CartLine
from cart.services import add_to_cart, get_or_create_user_cart
from checkout.services import place_order
from orders.models import Order, OrderStatus
from tests.builders.api import assert_problem
from tests.builders.orders import cart_with, details, uploaded_prescription

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(other_user, pom_pack, gsl_pack):
    """An order (awaiting review), a cart line and a prescription, all belonging to another shopper."""
    prescription = uploaded_prescription(other_user)
    order = place_order(
        user=other_user,
        cart=cart_with(other_user, (pom_pack, 1)),
        details=details(),
        idempotency_key="theirs",
        prescription=prescription,
    )
    line = add_to_cart(cart=get_or_create_user_cart(user=other_user), pack=gsl_pack, quantity=2)
    return {"order": order, "line": line, "prescription": prescription}


def object_routes(*, number: str, line_id: int, prescription_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/api/v1/orders/{number}/", None),
        ("post", f"/api/v1/orders/{number}/cancel/", {}),
        ("patch", f"/api/v1/cart/lines/{line_id}/", {"quantity": 5}),
        ("delete", f"/api/v1/cart/lines/{line_id}/", None),
        ("get", f"/api/v1/prescriptions/{prescription_id}/", None),
        ("get", f"/api/v1/prescriptions/{prescription_id}/file/", None),
    ]


def their_routes(others) -> list:
    return object_routes(
        number=others["order"].number, line_id=others["line"].pk, prescription_id=others["prescription"].pk
    )


def test_every_object_route_hides_another_shoppers_objects(shopper_client, others):
    for method, url, body in their_routes(others):
        response = getattr(shopper_client, method)(url, body, format="json")
        assert_problem(response, 404)

    order, line = others["order"], others["line"]
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert CartLine.objects.get(pk=line.pk).quantity == 2


def test_the_404_for_someone_elses_object_is_the_404_for_a_missing_one(shopper_client, others):
    missing = object_routes(number="PH-NOSUCH00", line_id=10**9, prescription_id=10**9)
    for (method, url, body), (_, missing_url, _) in zip(their_routes(others), missing, strict=True):
        theirs = getattr(shopper_client, method)(url, body, format="json").json()
        never = getattr(shopper_client, method)(missing_url, body, format="json").json()
        assert theirs == never, url


def test_lists_show_only_the_shoppers_own(shopper_client, others):
    assert shopper_client.get("/api/v1/orders/").json()["count"] == 0
    assert shopper_client.get("/api/v1/prescriptions/").json()["count"] == 0
    assert shopper_client.get("/api/v1/cart/").json()["lines"] == []
    assert Order.objects.count() == 1
