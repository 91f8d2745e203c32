"""Purchase limits at checkout (the demo limits: at most 100 paracetamol tablets in one order, 6
paracetamol-containing packs per customer and per address in 30 days, 2 co-codamol packs)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cart.selectors import list_cart_lines
from cart.services import get_or_create_user_cart
from catalog.models import Pack
from orders.models import Order, OrderStatus
from orders.services import cancel_order
from safeguards.demo import load_demo_purchase_limits
from safeguards.exceptions import PurchaseLimitExceeded
from safeguards.models import Enforcement, FlagKind, LimitKind, OrderFlag, PurchaseLimit
from safeguards.services import assess_order
from tests.builders.orders import cart_with
from tests.builders.safeguards import backdate, place
from tests.factories import PackFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits", "warning_rules")]


def test_paracetamol_order_over_100_tablets_is_refused_even_with_a_pharmacy_line(user, para32):
    with pytest.raises(PurchaseLimitExceeded) as refusal:
        place(user, (para32, 4))

    assert refusal.value.field == "cart"
    assert refusal.value.message == (
        "Paracetamol: at most 100 tablets or capsules in one order, across all packs; this order has 128. "
        "Remove some packs to continue."
    )
    assert refusal.value.extra["resets_on"] is None
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=para32.pk).allocated_quantity == 0
    assert get_or_create_user_cart(user=user).lines.count() == 1  # the cart is kept to be changed


def test_100_tablets_are_counted_across_packs_and_ingredients(user, para16, para32, cocodamol):
    order = place(user, (para16, 2), (para32, 1), key="fits")  # 64 tablets
    assert order.status == OrderStatus.AWAITING_REVIEW

    with pytest.raises(PurchaseLimitExceeded, match="this order has 112"):
        place(user, (para16, 1), (para32, 1), (cocodamol, 2), key="over")  # 16 + 32 + 64 paracetamol


def test_packs_per_30_days_refuses_a_general_sale_order_with_the_date_the_limit_resets(user, para16):
    first = place(user, (para16, 3), key="a")
    first_at = backdate(first, days=20)
    backdate(place(user, (para16, 2), key="b"), days=5)

    with pytest.raises(PurchaseLimitExceeded) as refusal:
        place(user, (para16, 2), key="c")

    resets_on = timezone.localtime(first_at + datetime.timedelta(days=30)).date()
    assert refusal.value.message == (
        "Paracetamol: at most 6 packs per customer in 30 days. You have ordered 5 in the last 30 days and this "
        f"order has 2. The limit allows this order again from {resets_on.day} {resets_on:%B %Y}."
    )
    assert refusal.value.extra == {"limit": "Paracetamol", "resets_on": resets_on.isoformat()}
    assert Order.objects.count() == 2


def test_packs_per_30_days_flags_an_order_with_a_pharmacy_line_instead(user, para16, para32):
    backdate(place(user, (para16, 5), key="a"), days=10)

    order = place(user, (para32, 2), key="b")

    assert order.status == OrderStatus.AWAITING_REVIEW
    flag = OrderFlag.objects.get(order=order, details__limit_kind=LimitKind.PACKS_PER_CUSTOMER)
    assert flag.kind == FlagKind.PURCHASE_LIMIT
    assert flag.message == "Paracetamol: 7 packs for this customer in 30 days with this order (limit 6)."
    assert (flag.details["counted_before"], flag.details["this_order"]) == (5, 2)


def test_cancelled_rejected_and_older_orders_do_not_count(user, para16):
    cancel_order(order=place(user, (para16, 6), key="cancelled"), actor=user)
    backdate(place(user, (para16, 6), key="old"), days=31)

    order = place(user, (para16, 6), key="now")

    assert order.status == OrderStatus.APPROVED
    assert not OrderFlag.objects.filter(kind=FlagKind.PURCHASE_LIMIT).exists()


def test_packs_per_address_counts_every_account_delivering_there(user, other_user, para16):
    place(other_user, (para16, 5), address_line1="12 High St", postcode="sw1a1aa")

    with pytest.raises(PurchaseLimitExceeded) as refusal:
        place(user, (para16, 2), address_line1="12 high street", postcode="SW1A 1AA")

    assert refusal.value.message.startswith(
        "Paracetamol: at most 6 packs can be delivered to one address in 30 days, and this order would take "
        "this address past that."
    )
    assert "5" not in refusal.value.message  # another account's purchases are not told to this shopper
    get_or_create_user_cart(user=user).lines.all().delete()
    place(user, (para16, 1), address_line1="12 high street", postcode="SW1A 1AA", key="fits")


def test_a_limit_set_to_refuse_refuses_pharmacy_orders_and_an_inactive_one_counts_nothing(user, para32, cocodamol):
    PurchaseLimit.objects.filter(name="Co-codamol", kind=LimitKind.PACKS_PER_CUSTOMER).update(
        enforcement=Enforcement.REFUSE)
    place(user, (cocodamol, 2), key="a")

    with pytest.raises(PurchaseLimitExceeded, match="Co-codamol: at most 2 packs per customer"):
        place(user, (cocodamol, 1), key="b")

    PurchaseLimit.objects.filter(name="Paracetamol", kind=LimitKind.UNITS_PER_ORDER).update(is_active=False)
    get_or_create_user_cart(user=user).lines.all().delete()
    assert place(user, (para32, 4), key="c").lines.get().quantity == 4


def test_limit_checks_cost_the_same_queries_whatever_the_lines_limits_and_history(
    user, other_user, para16, para32, cocodamol
):
    ibuprofen = PackFactory(product=ProductFactory(name="Ibuprofen tablets", slug="ibu", atc_code="M01AE01"))
    place(other_user, (para16, 1), (ibuprofen, 1), key="h1")  # the same (default) address, another account
    order = place(user, (para16, 1), (ibuprofen, 1), key="h2")

    def queries_for(*pack_quantities) -> int:
        lines = list(list_cart_lines(cart=cart_with(user, *pack_quantities)))
        with CaptureQueriesContext(connection) as captured:
            assess_order(order=order, lines=lines)
        get_or_create_user_cart(user=user).lines.all().delete()
        return len(captured)

    few = queries_for((para16, 1))
    for prefix in ("N02", "N02BE", "N02AJ"):
        PurchaseLimit.objects.create(name=prefix, atc_prefix=prefix, kind=LimitKind.PACKS_PER_ADDRESS,
                                     maximum=50, window_days=60)
    many = queries_for((para16, 1), (para32, 1), (cocodamol, 1))

    # Limits, the address lock (PostgreSQL only: SQLite runs one write transaction at a time anyway), past
    # lines, their packs' ingredients, warning-sign rules, matching contacts.
    assert few == many == (6 if connection.vendor == "postgresql" else 5)


def test_the_demo_limits_load_once_however_often_the_demo_is_loaded():
    assert load_demo_purchase_limits() == 0  # the `limits` fixture loaded them already
    assert PurchaseLimit.objects.count() == 5
