"""catalog.prepared: a queryset compiled once gives the rows its own values_list would, for any number of
ids, on SQLite and PostgreSQL alike, and each shape's SQL is the same whatever the number of ids."""

from contextlib import contextmanager

from django.db import connection

from catalog.models import Pack
from catalog.prepared import AmongIds, run_prepared
from tests.factories import PackFactory, ProductFactory


@contextmanager
def executed_sql():
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def packs_by_product(ids, *, fields=("id", "product_id", "price_amount", "stock_available")):
    return Pack.objects.filter(AmongIds("product_id", ids)).with_availability().order_by("-pk").values_list(*fields)


def test_prepared_rows_are_the_querysets_own_for_any_number_of_ids(db):
    products = [ProductFactory() for _ in range(4)]
    for product in products:
        PackFactory(product=product)
        PackFactory(product=product, price_amount="12.50")
    for chosen in (products[:1], products[1:], products):
        ids = [product.pk for product in chosen]
        with executed_sql() as statements:
            rows = run_prepared(("test-packs",), Pack, ids, packs_by_product)
        assert rows == list(packs_by_product(ids)), len(ids)  # prices as Decimal on SQLite too
        assert len(rows) == 2 * len(ids)
        assert len(statements) == 1
        if len(ids) == 1:
            first_sql = statements[0]
        assert statements[0] == first_sql  # one SQL text, whatever the number of ids


def test_prepared_rows_follow_values_list_order_when_an_annotation_comes_first(db):
    pack = PackFactory()

    def annotation_first(ids):
        return packs_by_product(ids, fields=("stock_available", "sku", "id"))

    assert run_prepared(("test-annotation-first",), Pack, [pack.product_id], annotation_first) == [
        (pack.available_quantity, pack.sku, pack.pk)
    ]


def test_no_ids_run_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert run_prepared(("test-none",), Pack, [], packs_by_product) == []
