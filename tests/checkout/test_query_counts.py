"""What a paid checkout costs in SQL statements, pinned at 1 and at 10 lines, on the service and through
the API: a checkout's time is mostly its statements (bench/bench_checkout.py), so one more should be a
decision, and none may come per line.

The measured order is the worst case the safeguards know: another account paid with the same card, to
the same address and phone, so the checkout reads and writes three warning flags. The purchase-limit and
warning-sign tables come from their cache (safeguards/tables.py), and the delivery methods from the
catalog's (delivery/selectors.py), as in production. The after-commit hand-overs (the card's capture, the
confirmation e-mail) are not counted: they run once the order's transaction has committed, and
tests/payments counts them apart.

The budget counts the statements production sends, each a round trip to PostgreSQL: all that the test
captures but two kinds. A checkout runs two transactions (the placement with the card's attempt, then
the card's answer); in a test, inside the test's own transaction, each shows as a SAVEPOINT and its
RELEASE where production sends BEGIN and COMMIT. And the test gateway keeps its intents in a table (its
statements name payments_testgatewayintent) where a real gateway is an HTTP call. Both are pinned apart,
so that neither can grow unseen.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from checkout.services import place_order_and_authorise
from delivery.selectors import list_active_delivery_methods
from orders.models import OrderStatus
from safeguards.models import FlagKind, OrderFlag
from tests.builders.api import SHIPPING
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory

pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("payments_on", "warning_rules", "safeguards_cache", "catalog_cache")]

CARD = "4242424242424242"
# Placement with the card's attempt (16: the cart's lock, its lines with their leaflets and the key's
# order, the lines' strengths, the health record with its ingredients, the patient's supplies, the order,
# the contacts read and written with two flags, the packs' lock, their batches and allocation, the lines,
# the event and the attempt); then the card's answer (9: the order moved on with its event and
# confirmation, the payment and its movement, the card's contact, the shared-card read and flag, and the
# emptied cart in two). The target is at most 25; docs/benchmark.md says what remains.
SERVICE_STATEMENTS = 25
TRANSACTIONS = 2  # each a SAVEPOINT and a RELEASE here, a BEGIN and a COMMIT in production
TEST_GATEWAY_STATEMENTS = 2  # the test gateway's idempotency read and its intent; a real gateway is HTTP
# The service, plus the cart's lookup before it and the order read back for the answer: the order, its
# lines, events, clinical alerts and payments (OrderOutputSerializer's prefetches).
API_STATEMENTS = SERVICE_STATEMENTS + 6


def production_statements(queries: list[dict]) -> list[str]:
    """The captured statements that production sends too (see the module's docstring)."""
    return [query["sql"] for query in queries
            if not query["sql"].startswith(("SAVEPOINT ", "RELEASE SAVEPOINT "))
            and "payments_testgatewayintent" not in query["sql"]]


@pytest.fixture
def catalog_cache(settings):
    """The catalog's cache on, as in production (the suite reads afresh), at a version no earlier test used."""
    from catalog.cache import bump_catalog_version

    settings.CATALOG_CACHE_ENABLED = True
    bump_catalog_version()
    return settings


@pytest.fixture
def payments_on(settings):
    from payments.gateways import _gateway

    settings.PAYMENTS_AT_CHECKOUT = True
    settings.PAYMENT_GATEWAY = "test"
    _gateway.cache_clear()
    return settings


@pytest.fixture
def earlier_payer(other_user, gsl_pack, payments_on, warning_rules, safeguards_cache, catalog_cache):
    """Another account's paid order, to the same address and phone, with the same card (it also fills the
    caches, as earlier checkouts have in production)."""
    place_order_and_authorise(user=other_user, cart=cart_with(other_user, (gsl_pack, 1)), details=details(),
                              idempotency_key="earlier", payment_method=CARD)


def fill_cart(user, gsl_pack, lines: int):
    cart = cart_with(user, (gsl_pack, 2), *((PackFactory(), 1) for _ in range(lines - 1)))
    list_active_delivery_methods()  # new packs bump the catalog's version: an earlier request fills the cache again
    return cart


@pytest.mark.parametrize("lines", [1, 10])
@pytest.mark.usefixtures("earlier_payer")
def test_a_paid_checkout_runs_a_fixed_number_of_statements_whatever_its_lines(user, gsl_pack, lines):
    cart = fill_cart(user, gsl_pack, lines)

    with CaptureQueriesContext(connection) as captured:
        order = place_order_and_authorise(user=user, cart=cart, details=details(), idempotency_key="k",
                                          payment_method=CARD)

    statements = production_statements(captured.captured_queries)
    assert len(statements) == SERVICE_STATEMENTS, "\n".join(statements)
    assert len(captured) == SERVICE_STATEMENTS + 2 * TRANSACTIONS + TEST_GATEWAY_STATEMENTS

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.lines.count() == lines
    assert set(OrderFlag.objects.filter(order=order).values_list("kind", flat=True)) == {
        FlagKind.SHARED_ADDRESS, FlagKind.SHARED_PHONE, FlagKind.SHARED_CARD}
    assert not cart.lines.exists()


@pytest.mark.parametrize("lines", [1, 10])
@pytest.mark.usefixtures("earlier_payer")
def test_a_paid_api_checkout_runs_a_fixed_number_of_statements_whatever_its_lines(user, gsl_pack, lines):
    fill_cart(user, gsl_pack, lines)
    client = APIClient()
    client.force_authenticate(user)

    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/checkout/", {"shipping": SHIPPING, "payment_method": CARD}, format="json",
                               HTTP_IDEMPOTENCY_KEY="k")

    statements = production_statements(captured.captured_queries)
    assert len(statements) == API_STATEMENTS, "\n".join(statements)
    assert len(captured) == API_STATEMENTS + 2 * TRANSACTIONS + TEST_GATEWAY_STATEMENTS

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved" and len(body["lines"]) == lines
    assert [payment["status"] for payment in body["payments"]] == ["authorised"]
