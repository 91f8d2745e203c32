"""The search's SQL compiled once per shape (catalog.search_plans) finds what the ORM's queryset finds, for
every shape of search and with each search's own words and filters filled in."""

import pytest
from django.db.models import Count, Window

from catalog import search_plans
from catalog.models import Category, usable_expiry_after
from catalog.search import parse_query
from catalog.search_plans import SearchFilters
from tests.factories import ProductFactory

SEARCHES = [
    {},
    {"search": "baclofen"},
    {"search": "baclofn"},  # a near miss
    {"search": "Baclofen 10mg tablets"},
    {"search": "10 mg"},  # a strength alone filters
    {"search": "5 ml oral solution"},
    {"search": "tablets", "in_stock": True},
    {"search": "pain", "legal_category": "pharmacy"},
    {"search": "hay fever", "ordering": "-name"},
    {"search": "co-codamol"},
    {"search": "ibu", "in_stock": False},
    {"search": "zzzzqqq"},
    {"in_stock": True},
    {"legal_category": "prescription", "ordering": "-created_at"},
]


def filters_for(*, search: str = "", category: str = "", **rest) -> SearchFilters:
    return SearchFilters(query=parse_query(search) if search else None, category=category, **rest)


def orm_rows(filters: SearchFilters, window: slice) -> tuple[list, list, int]:
    products = filters.queryset(expiry_after=usable_expiry_after())
    ranked = []
    if filters.query:
        ranked = list(products.annotate(search_matches=Window(Count("pk")))
                      .values_list("pk", "search_score", "search_strong", "search_matches")[window])
    rows = list(products.values_list(*search_plans.PRODUCT_FIELDS)[window]) if not filters.query else []
    return ranked, rows, products.count()


def compiled_rows(filters: SearchFilters, window: slice) -> tuple[list, list, int]:
    ranked = search_plans.ranked_page(filters, window) if filters.query else []
    rows = search_plans.page_rows(filters, window) if not filters.query else []
    return ranked, rows, search_plans.count(filters)


@pytest.mark.parametrize("search", SEARCHES)
def test_a_compiled_search_finds_what_the_orm_finds(demo, search):
    category = Category.objects.order_by("pk").values_list("slug", flat=True).first()
    for filters in (filters_for(**search), filters_for(**search, category=category)):
        for window in (slice(0, 20), slice(2, 5)):
            assert compiled_rows(filters, window) == orm_rows(filters, window), (search, window)


@pytest.mark.parametrize("search", [search for search in SEARCHES if search.get("search")])
def test_a_ranked_page_with_its_product_rows_is_what_the_orm_finds_in_its_order(demo, search):
    category = Category.objects.order_by("pk").values_list("slug", flat=True).first()
    for filters in (filters_for(**search), filters_for(**search, category=category)):
        products = filters.queryset(expiry_after=usable_expiry_after()).annotate(search_matches=Window(Count("pk")))
        for window in (slice(0, 20), slice(2, 5), slice(40, 60)):
            expected = list(products.values_list("pk", "search_score", "search_strong", "search_matches",
                                                  *search_plans.PRODUCT_FIELDS)[window])
            assert search_plans.ranked_page_rows(filters, window) == expected, (search, window)


def test_a_ranked_page_with_its_product_rows_keeps_the_order_of_products_that_score_the_same(demo):
    ProductFactory(name="Baclofen 0 tablets", slug="baclofen-0")
    ProductFactory(name="Baclofen b tablets", slug="baclofen-b")
    ProductFactory(name="Baclofen a tablets", slug="baclofen-a")
    filters = filters_for(search="baclofen")
    expected = list(filters.queryset().values_list("name", flat=True))

    rows = search_plans.ranked_page_rows(filters, slice(0, 20))

    assert [row[5] for row in rows] == expected
    assert len({row[1] for row in rows}) < len(rows)  # some scored the same: their names ordered them


def test_a_plan_compiled_for_one_search_serves_another_of_its_shape(demo):
    search_plans._PLANS.clear()
    first = filters_for(search="baclofen 10mg", category="muscle-and-joint", in_stock=True)
    second = filters_for(search="paracetamol 500mg", category="pain-relief", in_stock=True)
    other_unit = filters_for(search="paracetamol 500ml", category="pain-relief", in_stock=True)

    assert compiled_rows(first, slice(0, 20)) == orm_rows(first, slice(0, 20))
    plans = len(search_plans._PLANS)
    assert compiled_rows(second, slice(0, 20)) == orm_rows(second, slice(0, 20))
    assert compiled_rows(second, slice(0, 20))[0]  # found something: its own words were asked
    assert len(search_plans._PLANS) == plans
    compiled_rows(other_unit, slice(0, 20))
    assert len(search_plans._PLANS) == plans + 2  # another unit is another shape (its page and its count)


def test_short_and_long_words_are_different_shapes_as_near_misses_need_four_letters(demo):
    search_plans._PLANS.clear()
    short, long = filters_for(search="ibu"), filters_for(search="bacl")

    assert compiled_rows(short, slice(0, 20)) == orm_rows(short, slice(0, 20))
    assert compiled_rows(long, slice(0, 20)) == orm_rows(long, slice(0, 20))
    assert len(search_plans._PLANS) == 4
