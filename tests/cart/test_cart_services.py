from decimal import Decimal

import pytest

from cart.exceptions import CartGone, CartLineNotFound
from cart.models import Cart, CartLine
from cart.selectors import get_cart_summary
from cart.services import (
    add_to_cart,
    get_or_create_guest_cart,
    get_or_create_user_cart,
    merge_guest_cart,
    remove_cart_line,
    set_cart_line_quantity,
)
from catalog.exceptions import (
    ControlledDrugNotSoldOnline,
    InvalidQuantity,
    OutOfStock,
    PackUnavailable,
    QuantityLimitExceeded,
)
from catalog.models import Pack
from tests.factories import PackFactory, ProductFactory, set_available_stock

pytestmark = pytest.mark.django_db


def test_add_to_cart_sums_quantities_of_the_same_pack(user, gsl_pack):
    cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=cart, pack=gsl_pack, quantity=2)
    line = add_to_cart(cart=cart, pack=gsl_pack.pk, quantity=3)
    assert line.quantity == 5
    assert CartLine.objects.filter(cart=cart).count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, None])
def test_add_to_cart_refuses_quantities_that_are_not_positive_whole_numbers(user, gsl_pack, quantity):
    cart = get_or_create_user_cart(user=user)
    with pytest.raises(InvalidQuantity):
        add_to_cart(cart=cart, pack=gsl_pack, quantity=quantity)
    assert not CartLine.objects.exists()


def test_add_to_cart_refuses_more_than_the_per_order_limit_counting_what_is_in_the_cart(user):
    pack = PackFactory(max_per_order=2)
    cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=cart, pack=pack, quantity=2)
    with pytest.raises(QuantityLimitExceeded, match="at most 2 per order"):
        add_to_cart(cart=cart, pack=pack, quantity=1)
    assert cart.lines.get().quantity == 2


def test_add_to_cart_refuses_more_than_stock(user):
    pack = PackFactory(stock_quantity=3)
    cart = get_or_create_user_cart(user=user)
    with pytest.raises(OutOfStock, match="only 3 left in stock, 4 requested"):
        add_to_cart(cart=cart, pack=pack, quantity=4)
    set_available_stock(pack, 0)
    with pytest.raises(OutOfStock, match="is out of stock"):
        add_to_cart(cart=cart, pack=pack, quantity=1)
    assert not cart.lines.exists()


def test_add_to_cart_refuses_inactive_pack_and_inactive_product(user):
    cart = get_or_create_user_cart(user=user)
    with pytest.raises(PackUnavailable):
        add_to_cart(cart=cart, pack=PackFactory(is_active=False), quantity=1)
    with pytest.raises(PackUnavailable):
        add_to_cart(cart=cart, pack=PackFactory(product=ProductFactory(is_active=False)), quantity=1)
    assert not cart.lines.exists()


def test_add_to_cart_refuses_blocked_controlled_drug(user):
    tramadol = PackFactory(product=ProductFactory(legal_category="prescription", controlled_drug_schedule=3))
    with pytest.raises(ControlledDrugNotSoldOnline):
        add_to_cart(cart=get_or_create_user_cart(user=user), pack=tramadol, quantity=1)


def test_schedule_5_controlled_drug_is_sold(user):
    co_codamol = PackFactory(product=ProductFactory(legal_category="pharmacy", controlled_drug_schedule=5))
    line = add_to_cart(cart=get_or_create_user_cart(user=user), pack=co_codamol, quantity=1)
    assert line.quantity == 1


def test_set_quantity_rechecks_limits_and_refuses_other_carts_lines(user, other_user, gsl_pack):
    cart = get_or_create_user_cart(user=user)
    line = add_to_cart(cart=cart, pack=gsl_pack, quantity=1)
    assert set_cart_line_quantity(cart=cart, line_id=line.pk, quantity=4).quantity == 4
    with pytest.raises(OutOfStock):
        set_cart_line_quantity(cart=cart, line_id=line.pk, quantity=101)
    with pytest.raises(CartLineNotFound):
        set_cart_line_quantity(cart=get_or_create_user_cart(user=other_user), line_id=line.pk, quantity=1)
    with pytest.raises(CartLineNotFound):
        remove_cart_line(cart=get_or_create_user_cart(user=other_user), line_id=line.pk)
    assert CartLine.objects.get(pk=line.pk).quantity == 4
    remove_cart_line(cart=cart, line_id=line.pk)
    assert not CartLine.objects.exists()


def test_cart_summary_totals_in_decimal_and_lists_what_blocks_checkout(user, gsl_pack, pom_pack):
    cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=cart, pack=gsl_pack, quantity=3)
    add_to_cart(cart=cart, pack=pom_pack, quantity=1)
    set_available_stock(gsl_pack, 2)

    summary = get_cart_summary(cart=cart)

    assert summary.total.amount == Decimal("22.97")  # 3 × 3.49 + 12.50
    assert summary.total.currency == "GBP"
    assert summary.prescription_required
    assert [line.prescription_required for line in summary.lines] == [False, True]
    assert [(b.code, b.sku) for b in summary.blockers] == [("out_of_stock", gsl_pack.sku)]


def test_empty_cart_summary_is_blocked(user):
    summary = get_cart_summary(cart=get_or_create_user_cart(user=user))
    assert [b.code for b in summary.blockers] == ["cart_empty"]


def test_guest_cart_is_found_by_token_and_a_bad_token_gets_a_new_cart():
    cart = get_or_create_guest_cart(token=None)
    assert get_or_create_guest_cart(token=str(cart.token)).pk == cart.pk
    assert get_or_create_guest_cart(token="not-a-uuid").pk != cart.pk


def test_merge_guest_cart_sums_quantities_and_rechecks_limits(user):
    limited = PackFactory(max_per_order=3)
    plain = PackFactory()
    user_cart = get_or_create_user_cart(user=user)
    add_to_cart(cart=user_cart, pack=limited, quantity=2)
    guest = get_or_create_guest_cart(token=None)
    add_to_cart(cart=guest, pack=limited, quantity=2)
    add_to_cart(cart=guest, pack=plain, quantity=1)

    result = merge_guest_cart(guest_cart=guest, user=user)

    assert result.cart.pk == user_cart.pk
    assert dict(user_cart.lines.values_list("pack_id", "quantity")) == {limited.pk: 3, plain.pk: 1}
    assert result.notes == [f"{limited.display_name}: at most 3 per order. Your cart now holds 3."]
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_merge_guest_cart_drops_lines_that_can_no_longer_be_bought(user):
    pack = PackFactory()
    guest = get_or_create_guest_cart(token=None)
    add_to_cart(cart=guest, pack=pack, quantity=1)
    Pack.objects.filter(pk=pack.pk).update(is_active=False)

    result = merge_guest_cart(guest_cart=guest, user=user)

    assert not result.cart.lines.exists()
    assert "removed from your cart" in result.notes[0]


def test_changing_a_cart_deleted_since_it_was_read_is_refused_as_gone_not_a_server_error(user, gsl_pack):
    """A sign-in merging a guest cart, or an erasure of the account, deletes the cart under a request that
    has already read it; the cart services lock its row first and answer CartGone."""
    cart = get_or_create_user_cart(user=user)
    line = add_to_cart(cart=cart, pack=gsl_pack, quantity=1)
    Cart.objects.filter(pk=cart.pk).delete()

    for change in (lambda: add_to_cart(cart=cart, pack=gsl_pack, quantity=1),
                   lambda: set_cart_line_quantity(cart=cart, line_id=line.pk, quantity=2),
                   lambda: remove_cart_line(cart=cart, line_id=line.pk)):
        with pytest.raises(CartGone) as refusal:
            change()
        assert refusal.value.http_status == 409 and refusal.value.field == "cart"
    assert not CartLine.objects.filter(pk=line.pk).exists()
