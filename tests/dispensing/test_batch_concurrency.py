"""Races with batches against a real PostgreSQL: stock takes, checkouts and dispatches all queue on the
pack row locks, so none of them can oversell or deadlock."""

from collections import Counter

import pytest

from catalog.models import Pack, StockBatch
from catalog.services import record_stock_take
from checkout.services import place_order
from dispensing.approval import dispatch_order
from orders.models import Order, OrderLineBatch
from tests.builders.concurrency import race
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_stock_take_racing_checkouts_never_sells_more_than_was_counted():
    pack = PackFactory(stock_quantity=100)
    batch = pack.batches.get()
    shoppers = [UserFactory() for _ in range(12)]
    carts = [cart_with(shopper, (pack, 1)) for shopper in shoppers]

    results = race([
        *[(lambda s=shopper, c=cart: place_order(user=s, cart=c, details=details(), idempotency_key="k"))
          for shopper, cart in zip(shoppers, carts, strict=True)],
        lambda: record_stock_take(pack=pack, batch_number=batch.batch_number, quantity=5),
    ])

    orders = [result for result in results if isinstance(result, Order)]
    assert all(isinstance(result, Order | StockBatch) or result.code == "out_of_stock" for result in results), results
    pack = Pack.objects.get(pk=pack.pk)
    # however the count and the checkouts interleaved, the shelf holds 5 and no more than 5 are promised
    assert StockBatch.objects.get(pk=batch.pk).quantity_on_hand == 5
    assert pack.allocated_quantity == len(orders)
    # Checkouts before the count were promised from the 100 then on hand; after it, only up to 5 in all.
    assert len(orders) >= 5
    assert pack.available_quantity == max(5 - len(orders), 0)


def test_concurrent_dispatches_share_out_the_batches_without_overdrawing():
    pack = PackFactory(stock_quantity=0)
    StockBatch.objects.create(pack=pack, batch_number="ONE", expiry_date="2099-01-01", quantity_on_hand=4)
    StockBatch.objects.create(pack=pack, batch_number="TWO", expiry_date="2099-06-01", quantity_on_hand=4)
    shoppers = [UserFactory() for _ in range(4)]
    orders = [place_order(user=s, cart=cart_with(s, (pack, 2)), details=details(), idempotency_key="d")
              for s in shoppers]
    staff = StaffFactory()

    results = race([(lambda o=order: dispatch_order(order=o, actor=staff)) for order in orders])

    assert Counter(type(result).__name__ for result in results) == {"Order": 4}, results
    assert dict(StockBatch.objects.filter(pack=pack).values_list("batch_number", "quantity_on_hand")) == {
        "ONE": 0, "TWO": 0,
    }
    assert sum(OrderLineBatch.objects.values_list("quantity", flat=True)) == 8
    assert Pack.objects.get(pk=pack.pk).allocated_quantity == 0
