"""Checkout charges the chosen delivery method, free over its threshold, and records VAT per line."""

from decimal import Decimal

import pytest

from catalog.cache import bump_catalog_version
from catalog.models import Pack
from checkout.services import place_order
from delivery.demo_data import load_demo_delivery_methods
from delivery.exceptions import DeliveryMethodUnavailable
from delivery.models import DeliveryMethod
from delivery.services import save_delivery_method
from orders.exceptions import IdempotencyKeyReused
from orders.models import Order
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods(db):
    standard = DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"),
                                             free_over_amount=Decimal("30.00"), position=1)
    express = DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"),
                                            estimated_days_min=1, estimated_days_max=1, position=2)
    return standard, express


def test_without_a_choice_the_first_active_method_is_charged(user, gsl_pack, methods):
    standard, _ = methods
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 2)), details=details(), idempotency_key="k")

    assert (order.subtotal_amount, order.delivery_amount, order.total_amount) == (
        Decimal("6.98"), Decimal("3.95"), Decimal("10.93"))
    assert order.delivery_method == standard
    assert order.delivery_method_name == "Standard delivery"


def test_the_chosen_method_is_charged_and_its_name_kept_when_renamed(user, gsl_pack, methods):
    _, express = methods
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k",
                        delivery_method="express")
    express.name = "Next-day courier"
    express.price_amount = Decimal("9.99")
    express.save()

    order.refresh_from_db()
    assert (order.delivery_method_name, order.delivery_amount, order.total_amount) == (
        "Express delivery", Decimal("6.95"), Decimal("10.44"))


def test_standard_is_free_when_the_lines_reach_the_threshold(user, methods):
    pack = PackFactory(price_amount=Decimal("10.00"))
    order = place_order(user=user, cart=cart_with(user, (pack, 3)), details=details(), idempotency_key="k")

    assert (order.subtotal_amount, order.delivery_amount, order.total_amount) == (
        Decimal("30.00"), Decimal("0.00"), Decimal("30.00"))
    assert order.delivery_vat_amount == Decimal("0.00")


def test_a_penny_under_the_threshold_pays_for_delivery(user, methods):
    pack = PackFactory(price_amount=Decimal("29.99"))
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="k")

    assert order.delivery_amount == Decimal("3.95")


@pytest.mark.parametrize("code", ["next-week", "retired"])
def test_an_unknown_or_inactive_method_is_refused_on_its_field_and_nothing_changes(user, gsl_pack, methods, code):
    DeliveryMethod.objects.create(code="retired", name="Old courier", price_amount=Decimal("1.00"), is_active=False)
    cart = cart_with(user, (gsl_pack, 1))

    with pytest.raises(DeliveryMethodUnavailable) as refusal:
        place_order(user=user, cart=cart, details=details(), idempotency_key="k", delivery_method=code)

    assert refusal.value.field == "delivery_method"
    assert not Order.objects.exists()
    assert cart.lines.count() == 1


def test_with_no_method_configured_delivery_is_free(user, gsl_pack):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")

    assert (order.delivery_method, order.delivery_amount, order.total_amount) == (None, Decimal("0.00"),
                                                                                  Decimal("3.49"))


def test_each_line_records_its_vat_and_a_dispensed_prescription_medicine_is_zero_rated(
    user, gsl_pack, pom_pack, methods
):
    reduced = PackFactory(product=ProductFactory(vat_rate="reduced"), price_amount=Decimal("12.99"))
    order = place_order(
        user=user, cart=cart_with(user, (gsl_pack, 2), (pom_pack, 1), (reduced, 1)), details=details(),
        idempotency_key="k", prescription=uploaded_prescription(user),
    )

    lines = {line.sku: line for line in order.lines.all()}
    assert (lines[gsl_pack.sku].vat_rate, lines[gsl_pack.sku].vat_amount) == (Decimal("0.20"), Decimal("1.16"))
    assert (lines[pom_pack.sku].vat_rate, lines[pom_pack.sku].vat_amount) == (Decimal("0"), Decimal("0.00"))
    assert (lines[reduced.sku].vat_rate, lines[reduced.sku].vat_amount) == (Decimal("0.05"), Decimal("0.62"))
    # Goods £32.47, free standard delivery: the VAT is the lines' alone.
    assert (order.subtotal_amount, order.delivery_amount, order.vat_amount) == (
        Decimal("32.47"), Decimal("0.00"), Decimal("1.78"))


def test_delivery_vat_is_apportioned_between_zero_rated_and_standard_rated_goods(user, pom_pack, methods):
    otc = PackFactory(price_amount=Decimal("12.50"))  # the same gross as the prescription line
    order = place_order(
        user=user, cart=cart_with(user, (pom_pack, 1), (otc, 1)), details=details(), idempotency_key="k",
        prescription=uploaded_prescription(user), delivery_method="express",
    )

    # Half of £6.95 follows the zero-rated medicine, half the standard-rated one: 3.475 × 20/120 = 0.579…
    assert order.delivery_vat_amount == Decimal("0.58")
    assert order.vat_amount == Decimal("2.08") + Decimal("0.58")
    assert order.total_amount == Decimal("31.95")


def test_replaying_the_key_with_another_delivery_method_is_refused(user, gsl_pack, methods):
    cart = cart_with(user, (gsl_pack, 1))
    first = place_order(user=user, cart=cart, details=details(), idempotency_key="k", delivery_method="express")

    assert place_order(user=user, cart=cart, details=details(), idempotency_key="k",
                       delivery_method="express") == first
    with pytest.raises(IdempotencyKeyReused):
        place_order(user=user, cart=cart, details=details(), idempotency_key="k", delivery_method="standard")


def test_demo_methods_load_twice_without_duplicates():
    assert load_demo_delivery_methods() == 2
    assert load_demo_delivery_methods() == 0

    standard, express = DeliveryMethod.objects.active()
    assert (standard.code, standard.price_amount, standard.free_over_amount) == (
        "standard", Decimal("3.95"), Decimal("30.00"))
    assert (express.code, express.free_over_amount) == ("express", None)
    assert not Pack.objects.exists()  # delivery data alone, no catalog rows


def test_checkout_takes_the_methods_from_the_catalog_cache_and_sees_an_admin_change_at_once(
        user, gsl_pack, methods, settings):
    settings.CATALOG_CACHE_ENABLED = True
    bump_catalog_version()  # no entry of an earlier test
    standard, express = methods

    def charged(key: str, **choice) -> Decimal:
        cart = cart_with(user, (gsl_pack, 2))
        return place_order(user=user, cart=cart, details=details(), idempotency_key=key, **choice).delivery_amount

    assert charged("first") == Decimal("3.95")  # read, and cached
    DeliveryMethod.objects.filter(pk=standard.pk).update(price_amount=Decimal("9.99"))  # behind the cache's back
    assert charged("cached") == Decimal("3.95")

    standard.price_amount = Decimal("4.25")
    save_delivery_method(method=standard)  # what the admin calls: it bumps the version
    express.is_active = False
    save_delivery_method(method=express)

    assert charged("after-the-change") == Decimal("4.25")
    with pytest.raises(DeliveryMethodUnavailable):
        charged("retired", delivery_method="express")
