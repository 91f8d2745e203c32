from decimal import Decimal

import pytest

from catalog.exceptions import InvalidPrice, InvalidQuantity
from catalog.services import set_price, set_stock
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1.005"), Decimal("NaN"), 4.99])
def test_set_price_refuses_negative_over_precise_or_float_amounts(amount):
    pack = PackFactory(price_amount=Decimal("3.49"))
    with pytest.raises(InvalidPrice):
        set_price(pack=pack, amount=amount)
    pack.refresh_from_db()
    assert pack.price_amount == Decimal("3.49")


def test_set_price_changes_the_price():
    pack = set_price(pack=PackFactory(price_amount=Decimal("3.49")), amount=Decimal("4.10"))
    assert pack.price_amount == Decimal("4.10")


@pytest.mark.parametrize("quantity", [-1, 2.5, True])
def test_set_stock_refuses_negative_or_fractional_counts(quantity):
    pack = PackFactory(stock_quantity=7)
    with pytest.raises(InvalidQuantity):
        set_stock(pack=pack, quantity=quantity)
    pack.refresh_from_db()
    assert pack.stock_quantity == 7
