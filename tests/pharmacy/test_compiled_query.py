"""pharmacy.compiled_query: the SQL is compiled once, and a stand-in it cannot find again is refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.db.utils import ConnectionHandler

from catalog.models import Pack
from pharmacy.compiled_query import CompiledQuery
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


def test_a_compiled_query_is_built_once_and_run_with_each_runs_parameters(django_assert_num_queries):
    built = []

    def by_sku(*, sku):
        built.append(sku)
        return Pack.objects.filter(sku=sku).select_related("product").order_by("pk")

    query = CompiledQuery(Pack, by_sku, sku="NO-SUCH-SKU")
    first, second = PackFactory(sku="FIRST"), PackFactory(sku="SECOND")

    assert query.run(sku="FIRST") == [first]
    with django_assert_num_queries(1):
        found = query.run(sku="SECOND")
        assert (found, found[0].product.name) == ([second], second.product.name)  # joined, not read again
    assert built == ["NO-SUCH-SKU"]


def test_a_stand_in_that_is_not_exactly_one_parameter_is_refused():
    twice = CompiledQuery(Pack, lambda *, sku: Pack.objects.filter(Q(sku=sku) | Q(gtin=sku)), sku="X")

    with pytest.raises(ImproperlyConfigured, match="appears 2 times"):
        twice.run(sku="FIRST")
    with pytest.raises(TypeError):
        twice.run(gtin="FIRST")


def test_the_carts_compiled_queries_find_their_stand_ins_on_sqlite_too():
    from cart.selectors import _COMPILED_LINES, _COMPILED_STRENGTHS, _GUEST_CART  # what the cart page runs

    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    for query in (_COMPILED_LINES, _COMPILED_STRENGTHS, _GUEST_CART):
        sql, params, slots = query.compile(sqlite)[1:4]  # SQLite has no date or uuid type: text stands in
        assert len(slots) == len(query._stand_ins) and sql.count("%s") == len(params)
