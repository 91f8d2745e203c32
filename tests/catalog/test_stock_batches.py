"""Stock held per batch: what can be sold, stock takes that never touch allocations, and recalls."""

import datetime

import pytest
from django.utils import timezone

from catalog.exceptions import InvalidBatch, OutOfStock, UnknownBatch
from catalog.models import Pack, StockBatch
from catalog.selectors import list_products
from catalog.services import recall_batches, record_stock_take, release_stock, reserve_stock, set_stock
from tests.factories import PackFactory, StockBatchFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def available(pack: Pack) -> int:
    return Pack.objects.with_availability().get(pk=pack.pk).available_quantity


def test_available_counts_usable_batches_less_allocations(settings):
    settings.STOCK_EXPIRY_MARGIN_DAYS = 30
    pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=pack, batch_number="GOOD", expiry_date=days(365), quantity_on_hand=10)
    StockBatchFactory(pack=pack, batch_number="EXPIRED", expiry_date=days(-1), quantity_on_hand=5)
    StockBatchFactory(pack=pack, batch_number="MARGIN", expiry_date=days(30), quantity_on_hand=7)
    recalled = StockBatchFactory(pack=pack, batch_number="RECALLED", expiry_date=days(400), quantity_on_hand=9)
    recall_batches(pack=pack, batch_numbers=[recalled.batch_number], reason="MHRA alert")

    reserve_stock(quantities={pack.pk: 4})

    assert available(pack) == 6
    assert Pack.objects.get(pk=pack.pk).stock_quantity == 6  # the old name reads availability
    assert Pack.objects.get(pk=pack.pk).allocated_quantity == 4


def test_the_expiry_margin_is_a_setting(settings):
    pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=pack, expiry_date=days(20), quantity_on_hand=5)

    settings.STOCK_EXPIRY_MARGIN_DAYS = 30
    assert available(pack) == 0
    settings.STOCK_EXPIRY_MARGIN_DAYS = 10
    assert available(pack) == 5


def test_stock_take_of_10_with_3_allocated_leaves_7_to_sell_and_never_13():
    pack = PackFactory(stock_quantity=20)
    batch = pack.batches.get()
    reserve_stock(quantities={pack.pk: 3})  # an order placed, not yet dispatched: its 3 are on the shelf

    record_stock_take(pack=pack, batch_number=batch.batch_number, quantity=10)

    assert available(pack) == 7
    assert Pack.objects.get(pk=pack.pk).allocated_quantity == 3
    with pytest.raises(OutOfStock):
        reserve_stock(quantities={pack.pk: 8})
    assert Pack.objects.get(pk=pack.pk).allocated_quantity == 3  # nothing changed on refusal
    reserve_stock(quantities={pack.pk: 7})
    assert available(pack) == 0


def test_set_stock_counts_the_single_batch_and_keeps_allocations():
    pack = PackFactory(stock_quantity=20)
    reserve_stock(quantities={pack.pk: 3})

    set_stock(pack=pack, quantity=10)

    assert pack.batches.get().quantity_on_hand == 10
    assert available(pack) == 7


def test_set_stock_refuses_a_pack_held_in_several_batches():
    pack = PackFactory(stock_quantity=5)
    StockBatchFactory(pack=pack, quantity_on_hand=6)

    with pytest.raises(InvalidBatch, match="held in 2 batches"):
        set_stock(pack=pack, quantity=1)

    assert sorted(pack.batches.values_list("quantity_on_hand", flat=True)) == [5, 6]


def test_stock_take_of_a_new_batch_needs_its_expiry_and_then_receives_it():
    pack = PackFactory(stock_quantity=0)

    with pytest.raises(InvalidBatch, match="enter its expiry date"):
        record_stock_take(pack=pack, batch_number="NEW1", quantity=4)
    assert not pack.batches.filter(batch_number="NEW1").exists()

    batch = record_stock_take(pack=pack, batch_number="NEW1", quantity=4, expiry_date=days(200))
    assert (batch.quantity_on_hand, batch.expiry_date) == (4, days(200))
    assert available(pack) == 4


def test_release_gives_the_allocation_back():
    pack = PackFactory(stock_quantity=10)
    reserve_stock(quantities={pack.pk: 6})

    release_stock(quantities={pack.pk: 6})

    assert (Pack.objects.get(pk=pack.pk).allocated_quantity, available(pack)) == (0, 10)


def test_recall_marks_batches_and_refuses_an_unknown_batch_changing_nothing():
    pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=pack, batch_number="A1", quantity_on_hand=5)

    with pytest.raises(UnknownBatch, match="has no batch ZZZ"):
        recall_batches(pack=pack, batch_numbers=["A1", "ZZZ"], reason="alert")
    assert not StockBatch.objects.filter(recalled=True).exists()

    [batch] = recall_batches(pack=pack, batch_numbers=["A1"], reason="MHRA Class 2 alert")
    assert batch.recalled and batch.recalled_at is not None and batch.recall_reason == "MHRA Class 2 alert"
    assert available(pack) == 0


def test_storefront_lists_treat_a_pack_with_only_expired_stock_as_out_of_stock():
    pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=pack, expiry_date=days(-10), quantity_on_hand=50)

    assert list(list_products(in_stock=True)) == []
    [product] = list_products(in_stock=False)
    assert [p.in_stock for p in product.packs.all()] == [False]
