"""catalog.services.allocation: one UPDATE allocates every pack of an order, compiled once per number of
packs, and a pack whose allocation moved past what was counted is left out."""

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from catalog.models import Pack
from catalog.services import reserve_stock
from catalog.services.allocation import _allocate, _compiled_allocation
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


def allocated(*packs: Pack) -> list[int]:
    return [Pack.objects.get(pk=pack.pk).allocated_quantity for pack in packs]


def test_each_pack_gets_its_own_quantity_in_one_update_of_the_same_sql_for_as_many_packs():
    first = [PackFactory(stock_quantity=20) for _ in range(3)]
    second = [PackFactory(stock_quantity=20) for _ in range(3)]
    updates = []

    def record(execute, sql, params, many, context):
        if sql.startswith("UPDATE"):
            updates.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        reserve_stock(quantities={first[0].pk: 1, first[1].pk: 2, first[2].pk: 3})
        reserve_stock(quantities={second[2].pk: 4, second[0].pk: 5, second[1].pk: 6})
        reserve_stock(quantities={first[1].pk: 7})

    assert allocated(*first) == [1, 9, 3]
    assert allocated(*second) == [5, 6, 4]
    assert len(updates) == 3 and updates[0] == updates[1] != updates[2]


def test_a_pack_allocated_past_its_ceiling_meanwhile_is_left_out_and_the_count_falls_short():
    packs = [PackFactory(stock_quantity=20) for _ in range(2)]
    reserve_stock(quantities={packs[1].pk: 5})

    updated = _allocate(quantities={packs[0].pk: 2, packs[1].pk: 2}, ceilings={packs[0].pk: 18, packs[1].pk: 4})

    assert updated == 1
    assert allocated(*packs) == [2, 5]


def test_the_allocations_stand_ins_are_found_on_sqlite_too():
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    for count in (1, 4):
        update = _compiled_allocation(count)
        sql, params, slots = update.compile(sqlite)
        assert len(slots) == 4 * count and sql.count("%s") == len(params)
