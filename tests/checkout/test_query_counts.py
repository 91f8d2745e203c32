"""What a paid checkout costs in SQL statements, pinned at 1 and at 10 lines, on the service and through
the API: a checkout's time is mostly its statements (bench/bench_checkout.py), so one more should be a
decision, and none may come per line.

The measured order is the worst case the safeguards know: another account paid with the same card, to
the same address and phone, so the checkout reads and writes three warning flags. The purchase-limit and
warning-sign tables come from their cache (safeguards/tables.py), as in production. The after-commit
hand-overs (the card's capture, the confirmation e-mail) are not counted: they run once the order's
transaction has committed, and tests/payments counts them apart. Each atomic block shows here as a
SAVEPOINT and its RELEASE, since the test runs inside a transaction; in production the two outermost
ones (the placement, the recording of the card's answer) are a BEGIN and a COMMIT instead.
"""

import pytest
from rest_framework.test import APIClient

from checkout.services import place_order_and_authorise
from orders.models import OrderStatus
from safeguards.models import FlagKind, OrderFlag
from tests.builders.api import SHIPPING
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("payments_on", "warning_rules", "safeguards_cache")]

CARD = "4242424242424242"
# Placement with the card's attempt (22, its savepoint and release included), then the test gateway's two,
# then the card's answer (16: the locks, the payment and its movement, the shared-card check, the order
# moved on with its event and confirmation, the emptied cart). The budget the checkout is to reach is 25;
# docs/benchmark.md says what remains.
SERVICE_STATEMENTS = 38
# The service, plus the cart's lookup before it and the order read back for the answer: the order, its
# lines, events, clinical alerts and payments (OrderOutputSerializer's prefetches).
API_STATEMENTS = SERVICE_STATEMENTS + 6


@pytest.fixture
def payments_on(settings):
    from payments.gateways import _gateway

    settings.PAYMENTS_AT_CHECKOUT = True
    settings.PAYMENT_GATEWAY = "test"
    _gateway.cache_clear()
    return settings


@pytest.fixture
def earlier_payer(other_user, gsl_pack, payments_on, warning_rules, safeguards_cache):
    """Another account's paid order, to the same address and phone, with the same card."""
    place_order_and_authorise(user=other_user, cart=cart_with(other_user, (gsl_pack, 1)), details=details(),
                              idempotency_key="earlier", payment_method=CARD)


def fill_cart(user, gsl_pack, lines: int):
    return cart_with(user, (gsl_pack, 2), *((PackFactory(), 1) for _ in range(lines - 1)))


@pytest.mark.parametrize("lines", [1, 10])
@pytest.mark.usefixtures("earlier_payer")
def test_a_paid_checkout_runs_a_fixed_number_of_statements_whatever_its_lines(user, gsl_pack, lines,
                                                                              django_assert_num_queries):
    cart = fill_cart(user, gsl_pack, lines)

    with django_assert_num_queries(SERVICE_STATEMENTS):
        order = place_order_and_authorise(user=user, cart=cart, details=details(), idempotency_key="k",
                                          payment_method=CARD)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.lines.count() == lines
    assert set(OrderFlag.objects.filter(order=order).values_list("kind", flat=True)) == {
        FlagKind.SHARED_ADDRESS, FlagKind.SHARED_PHONE, FlagKind.SHARED_CARD}
    assert not cart.lines.exists()


@pytest.mark.parametrize("lines", [1, 10])
@pytest.mark.usefixtures("earlier_payer")
def test_a_paid_api_checkout_runs_a_fixed_number_of_statements_whatever_its_lines(user, gsl_pack, lines,
                                                                                  django_assert_num_queries):
    fill_cart(user, gsl_pack, lines)
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_num_queries(API_STATEMENTS):
        response = client.post("/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": CARD}, format="json",
                               HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved" and len(body["lines"]) == lines
    assert [payment["status"] for payment in body["payments"]] == ["authorised"]
