"""pharmacy.compiled_query: the SQL is compiled once, a stand-in it cannot find again is refused, and stand-in
words fill every parameter they appear in."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.utils import ConnectionHandler

from cart.models import Cart, CartLine
from catalog.models import Ingredient, Pack, StockBatch, Strength
from pharmacy.compiled_query import (
    AmongIds,
    CompiledDelete,
    CompiledQuery,
    CompiledUpdate,
    StandInWords,
    fill_prefetched,
)
from tests.factories import PackFactory, ProductFactory

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
    from cart.selectors import (  # what the cart page runs
        _COMPILED_GUEST_LINES,
        _COMPILED_LINES,
        _COMPILED_STRENGTHS,
        _GUEST_CART,
    )

    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    for query in (_COMPILED_LINES, _COMPILED_GUEST_LINES, _COMPILED_STRENGTHS, _GUEST_CART):
        sql, params, slots = query.compile(sqlite)[1:4]  # SQLite has no date or uuid type: text stands in
        assert len(slots) == len(query._stand_ins) and sql.count("%s") == len(params)


def packs_of(*, product_ids):
    return (
        Pack.objects.filter(AmongIds("product_id", product_ids)).with_availability().order_by("-pk")
        .values_list("id", "product_id", "price_amount", "stock_available")
    )


def test_a_compiled_values_query_gives_its_querysets_rows_for_any_number_of_ids(django_assert_num_queries):
    query = CompiledQuery(Pack, packs_of, product_ids=[-4_242_424])
    products = [ProductFactory() for _ in range(4)]
    for product in products:
        PackFactory(product=product)
        PackFactory(product=product, price_amount="12.50")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    for chosen in (products[:1], products[1:], products):
        ids = [product.pk for product in chosen]
        with connection.execute_wrapper(record):
            rows = query.run(product_ids=ids)
        assert rows == list(packs_of(product_ids=ids)), len(ids)  # prices as Decimal on SQLite too
        assert len(rows) == 2 * len(ids)
    assert len(set(statements)) == 1 and len(statements) == 3  # one SQL text, whatever the number of ids


def skus_by_words(*, words):
    first, second = words
    return (
        Pack.objects.filter(Q(sku__startswith=first) | Q(sku__contains=f"-{second}") | Q(sku=f"{first}{second}"))
        .order_by("sku").values_list("sku")
    )


def test_stand_in_words_fill_every_parameter_they_appear_in_however_often(django_assert_num_queries):
    query = CompiledQuery(Pack, skus_by_words, words=StandInWords(2))
    for sku in ("red-1", "blue-red", "bluered", "green-2", "xray-1"):
        PackFactory(sku=sku)

    with django_assert_num_queries(1):
        assert query.run(words=("red", "2")) == [("green-2",), ("red-1",)]
    assert query.run(words=("blue", "red")) == [("blue-red",), ("bluered",)]
    assert query.run(words=("qqstandin1qq", "x")) == []  # a typed word like a stand-in is searched as typed


def test_stand_in_words_take_only_plain_words_and_as_many_as_compiled():
    query = CompiledQuery(Pack, skus_by_words, words=StandInWords(2))
    PackFactory(sku="red-1")

    for refused in (("red%", "1"), ("red",), ("red", "1", "x"), ("Red", "1")):
        with pytest.raises(ValueError, match="takes 2 words"):
            query.run(words=refused)
    unused = CompiledQuery(Pack, lambda *, words: Pack.objects.filter(sku__startswith=words[0]), words=StandInWords(2))
    with pytest.raises(ImproperlyConfigured, match="not among the parameters"):
        unused.run(words=("red", "1"))


def test_an_aware_datetime_stand_in_is_found_again_and_run_with_each_runs_time(django_assert_num_queries):
    pack = PackFactory()
    added = StockBatch.objects.get(pack=pack).created_at
    query = CompiledQuery(StockBatch,
                          lambda *, since: StockBatch.objects.filter(created_at__gt=since).values_list("pk"),
                          since=datetime(1901, 1, 1, 1, 1, 1, 1, tzinfo=UTC))

    assert query.run(since=added - timedelta(seconds=1)) == [(StockBatch.objects.get(pack=pack).pk,)]
    with django_assert_num_queries(1):
        assert query.run(since=added) == []  # strictly after: the time is compared, not its text's prefix


def test_the_checkouts_compiled_queries_find_their_stand_ins_on_sqlite_too():
    from cart.locks import _COMPILED_CART_FOR_UPDATE
    from catalog.locks import _COMPILED_PACKS_FOR_UPDATE
    from catalog.services.allocation import _COMPILED_SELLABLE_ON_HAND
    from checkout.selectors import _COMPILED_STRENGTHS
    from clinical.services import _COMPILED_ACCOUNT_HOLDER_SUPPLIES
    from patients.checkout import _COMPILED_ACCOUNT_HOLDER_RECORD, _COMPILED_NAMED_RECORD
    from payments.gateways.test import _INTENT_WITH_KEY
    from payments.listeners import _COMPILED_PAYMENT_WITH_REFERENCE
    from safeguards.contacts import _PAYING_WITH, _SHARING

    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    queries = [_COMPILED_CART_FOR_UPDATE, _COMPILED_PACKS_FOR_UPDATE, _COMPILED_SELLABLE_ON_HAND, _COMPILED_STRENGTHS,
               *_COMPILED_ACCOUNT_HOLDER_SUPPLIES.values(), _COMPILED_ACCOUNT_HOLDER_RECORD, _COMPILED_NAMED_RECORD,
               _COMPILED_PAYMENT_WITH_REFERENCE, _PAYING_WITH, *_SHARING.values(), _INTENT_WITH_KEY]
    for query in queries:  # SQLite has no datetime type: an aware time stands in as its UTC text
        sql, params, slots = query.compile(sqlite)[1:4]
        assert len(slots) == len(query._stand_ins) and sql.count("%s") == len(params)


def test_filled_strengths_are_what_prefetching_gives_without_a_query(django_assert_num_queries):
    first, second, none = PackFactory(), PackFactory(), PackFactory()
    Strength.objects.filter(pack=none).delete()
    Strength.objects.create(pack=first, ingredient=Ingredient.objects.create(name="caffeine"), amount=50, unit="mg",
                            position=1)
    strengths = Prefetch("strengths", queryset=Strength.objects.select_related("ingredient").order_by("position"))
    prefetched = list(Pack.objects.filter(pk__in=[first.pk, second.pk, none.pk]).order_by("pk"))
    prefetch_related_objects(prefetched, strengths)
    filled = list(Pack.objects.filter(pk__in=[first.pk, second.pk, none.pk]).order_by("pk"))
    rows = list(strengths.queryset.filter(pack__in=filled))

    fill_prefetched(filled, "strengths", rows, queryset=strengths.queryset)

    with django_assert_num_queries(0):
        got = [[(s.pk, s.ingredient.name, s.pack is pack) for s in pack.strengths.all()] for pack in filled]
    assert got == [[(s.pk, s.ingredient.name, True) for s in pack.strengths.all()] for pack in prefetched]
    assert [len(names) for names in got] == [2, 1, 0]
    with django_assert_num_queries(1):  # a filter asks the database, for this pack's strengths only
        filtered = list(filled[1].strengths.filter(amount__gt=0))
    assert filtered == list(Strength.objects.filter(pack=second))


def test_a_compiled_update_changes_only_its_runs_rows_and_says_how_many(django_assert_num_queries):
    touch = CompiledUpdate(Cart, lambda *, cart_id, now: (Cart.objects.filter(pk=cart_id), {"updated_at": now}),
                           cart_id=-1, now=datetime(1901, 1, 1, 1, 1, 1, 2, tzinfo=UTC))
    first, second = Cart.objects.create(), Cart.objects.create()
    when = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)

    assert touch.run(cart_id=first.pk, now=when) == 1
    with django_assert_num_queries(1):
        assert touch.run(cart_id=-5, now=when) == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.updated_at == when and second.updated_at != when


class _RoutingSpy:
    """Answers the primary for everything and records which question each model was asked under."""

    asked: list[tuple[str, str]] = []

    def db_for_read(self, model, **hints):
        self.asked.append(("read", model.__name__))
        return "default"

    def db_for_write(self, model, **hints):
        self.asked.append(("write", model.__name__))
        return "default"


def test_a_locking_read_is_routed_as_django_routes_select_for_update_and_a_plain_read_as_a_read(settings):
    settings.DATABASE_ROUTERS = [f"{__name__}._RoutingSpy"]
    cart = Cart.objects.create()
    locking = CompiledQuery(Cart, lambda *, cart_id: Cart.objects.select_for_update().filter(pk=cart_id),
                            cart_id=-4_242_499)
    plain = CompiledQuery(Cart, lambda *, cart_id: Cart.objects.filter(pk=cart_id), cart_id=-4_242_498)
    _RoutingSpy.asked.clear()

    from django.db import transaction
    with transaction.atomic():
        assert [row.pk for row in locking.run(cart_id=cart.pk)] == [cart.pk]
    assert [row.pk for row in plain.run(cart_id=cart.pk)] == [cart.pk]

    assert ("write", "Cart") in _RoutingSpy.asked
    assert _RoutingSpy.asked[-1] == ("read", "Cart")
    assert _RoutingSpy.asked.index(("write", "Cart")) < len(_RoutingSpy.asked) - 1


def test_an_integer_columns_stand_in_is_found_however_the_database_types_it(django_assert_num_queries):
    # Bound on PostgreSQL's server, an IntegerField's value is a typed integer (psycopg's Int4), not an int.
    query = CompiledQuery(Pack, lambda *, size: Pack.objects.filter(pack_size=size).values_list("pk"),
                          size=4_242_777)
    pack = PackFactory(pack_size=56)

    assert query.run(size=56) == [(pack.pk,)]
    with django_assert_num_queries(1):
        assert query.run(size=28) == []


def test_a_compiled_delete_removes_only_its_runs_rows_and_refuses_what_cascades(django_assert_num_queries):
    empty = CompiledDelete(CartLine, lambda *, cart_id: CartLine.objects.filter(cart_id=cart_id), cart_id=-1)
    first, second = Cart.objects.create(), Cart.objects.create()
    for cart in (first, first, second):
        CartLine.objects.create(cart=cart, pack=PackFactory(), quantity=1)

    assert empty.run(cart_id=first.pk) == 2
    with django_assert_num_queries(1):
        assert empty.run(cart_id=first.pk) == 0
    assert CartLine.objects.filter(cart=second).count() == 1
    with pytest.raises(ImproperlyConfigured, match="more than one DELETE"):  # a cart's lines go with it
        CompiledDelete(Cart, lambda *, cart_id: Cart.objects.filter(pk=cart_id), cart_id=-1).run(cart_id=first.pk)
