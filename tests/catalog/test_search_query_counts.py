"""Medicine search's query counts, and its paging in relevance order."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger

from catalog.pagination import ProductSearchPaginator
from catalog.selectors import search_products
from tests.factories import ProductFactory, make_products

PRODUCTS_URL = "/api/v1/products/"
SUGGEST_URL = "/api/v1/products/suggest/"
BACLOFEN_10_GTIN = "2099000001023"  # demo_gtin(102), the BAC-10-84 pack


def names(query: str) -> list[str]:
    return [product.name for product in search_products(search=query).products]


@pytest.mark.parametrize("count", [2, 20])
def test_a_search_with_a_strength_runs_a_constant_number_of_queries(
    db, api_client, django_assert_num_queries, count
):
    make_products(count)

    # the page's ids with the number of matches and those products' rows, their packs (strength-ordered)
    # with their strengths, categories: one fewer than the list without a search, whose count is its own query
    with django_assert_num_queries(3):
        response = api_client.get(PRODUCTS_URL, {"search": "counted 10mg tablets", "page_size": 20})

    assert len(response.json()["results"]) == count
    assert response.json()["count"] == count


def test_a_search_counts_its_matches_in_the_page_query_and_pages_in_relevance_order(
    db, api_client, django_assert_num_queries
):
    make_products(25)
    ProductFactory(name="Counted tablets", slug="counted-tablets")  # the whole name: ranked first

    with django_assert_num_queries(3) as first_queries:
        first = api_client.get(PRODUCTS_URL, {"search": "counted", "page_size": 20}).json()
    second = api_client.get(PRODUCTS_URL, {"search": "counted", "page_size": 20, "page": 2}).json()

    assert not any("COUNT(*)" in query["sql"] for query in first_queries.captured_queries)
    assert first["count"] == second["count"] == 26
    shown = [product["name"] for product in first["results"] + second["results"]]
    assert shown == names("counted")
    assert shown[0] == "Counted tablets"


def test_the_product_search_paginator_reads_page_numbers_as_djangos_does():
    paginator = ProductSearchPaginator(list(range(5)), 2)

    assert paginator.get_page("not a number").number == 1
    assert paginator.get_page(None).number == 1
    assert paginator.get_page("9").number == 3  # past the end: the last page
    assert list(paginator.page("1")) == [0, 1]
    assert paginator.count == 5
    with pytest.raises(PageNotAnInteger):
        paginator.page(1.5)
    with pytest.raises(EmptyPage):
        ProductSearchPaginator([], 2, allow_empty_first_page=False).page(1)


def test_a_first_page_with_room_to_spare_is_its_own_count(db, django_assert_num_queries):
    make_products(3)
    paginator = ProductSearchPaginator(search_products(category="counted"), 20)

    with django_assert_num_queries(4):  # products, packs, strengths, categories: no COUNT
        page = paginator.page(1)
        assert paginator.count == 3

    assert [product.name for product in page] == [f"Counted{number:03d} tablets" for number in range(3)]


def test_suggest_runs_one_query(demo, api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        api_client.get(SUGGEST_URL, {"q": "para"})


def test_a_barcode_search_adds_one_query_for_the_pack(demo, api_client, django_assert_num_queries):
    # the pack, then as a one-product list: the product (a page with room to spare needs no count),
    # its packs with their strengths, categories
    with django_assert_num_queries(4):
        response = api_client.get(PRODUCTS_URL, {"search": BACLOFEN_10_GTIN})

    assert response.json()["count"] == 1


def test_an_empty_page_number_is_refused_as_the_schema_says(db, api_client):
    response = api_client.get(PRODUCTS_URL, {"search": "x", "page": ""})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page"
