"""Races against a real PostgreSQL: row locks, not luck, keep stock and idempotency right."""

from collections import Counter

import pytest
from django.db import connection

from checkout.services import place_order
from orders.models import Order
from tests.builders.concurrency import race
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory, set_available_stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]




def test_thirty_concurrent_checkouts_for_five_units_sell_exactly_five():
    assert connection.vendor == "postgresql"
    pack = PackFactory(stock_quantity=100)
    shoppers = [UserFactory() for _ in range(30)]
    carts = [cart_with(shopper, (pack, 1)) for shopper in shoppers]
    set_available_stock(pack, 5)

    results = race([
        (lambda s=shopper, c=cart: place_order(user=s, cart=c, details=details(), idempotency_key="race"))
        for shopper, cart in zip(shoppers, carts, strict=True)
    ])

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Order": 5, "OutOfStock": 25}, outcomes
    assert all("out of stock" in r.message for r in results if not isinstance(r, Order))
    assert Order.objects.count() == 5
    pack.refresh_from_db()
    assert pack.stock_quantity == 0


def test_two_line_carts_in_opposite_order_do_not_deadlock():
    first, second = PackFactory(stock_quantity=100), PackFactory(stock_quantity=100)
    shoppers = [UserFactory() for _ in range(12)]
    carts = [
        cart_with(shopper, (first, 1), (second, 1)) if index % 2 else cart_with(shopper, (second, 1), (first, 1))
        for index, shopper in enumerate(shoppers)
    ]

    results = race([
        (lambda s=shopper, c=cart: place_order(user=s, cart=c, details=details(), idempotency_key="x"))
        for shopper, cart in zip(shoppers, carts, strict=True)
    ])

    assert all(isinstance(result, Order) for result in results), results
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stock_quantity, second.stock_quantity) == (88, 88)


def test_ten_concurrent_submissions_with_one_key_make_one_order():
    pack = PackFactory(stock_quantity=100)
    shopper = UserFactory()
    cart = cart_with(shopper, (pack, 2))

    results = race([
        (lambda: place_order(user=shopper, cart=cart, details=details(), idempotency_key="double-click"))
        for _ in range(10)
    ])

    assert all(isinstance(result, Order) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert Order.objects.count() == 1
    pack.refresh_from_db()
    assert pack.stock_quantity == 98
