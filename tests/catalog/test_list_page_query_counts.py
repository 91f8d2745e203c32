"""The storefront list and its search pages run a number of queries that does not grow with the catalog, the
page or the number of packs: categories, the page's rows (ranked: with the number of matches) and their packs
with their strengths (the cards show no categories: not read), and only what the question adds (a count
past page 1, a barcode's pack, a "Did you mean ...?")."""

import pytest
from django.urls import reverse

from tests.factories import make_products

pytestmark = pytest.mark.django_db

# categories for the filters; the page's products; their packs with their strengths
LIST = 3
# categories; the page's products with their scores and number of matches; packs with their strengths
SEARCH = 3


@pytest.mark.parametrize(("params", "queries"), [
    ({}, LIST + 1),  # a full first page counts the list
    ({"page": "2"}, LIST + 1),
    ({"category": "counted", "in_stock": "on", "page": "2"}, LIST + 1),
    ({"q": "counted"}, SEARCH),  # the matches are counted in the page's own query
    ({"q": "counted", "page": "2"}, SEARCH + 1),  # page 2 is checked against the count first
    ({"q": "counted 10mg tablets", "legal_category": "general_sale"}, SEARCH),
    # no word matched well: one query looks for a correction (near misses are pg_trgm's: PostgreSQL only)
    pytest.param({"q": "countd"}, SEARCH + 1, marks=pytest.mark.postgres),
    ({"q": "10mg"}, SEARCH + 1),  # a token with a digit may be a barcode: its pack is looked for
])
@pytest.mark.parametrize("products", [21, 40])
def test_a_list_or_search_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, params,
                                                                  queries, products):
    make_products(products, packs_each=3)

    with django_assert_num_queries(queries):
        response = client.get(reverse("catalog:product-list"), params)

    assert response.status_code == 200
    shown = products - 20 if params.get("page") == "2" else 20
    assert response.content.decode().count('<article class="product-card"') == shown


def test_a_search_with_nothing_to_look_for_reads_only_the_categories(client, django_assert_num_queries):
    make_products(3)

    with django_assert_num_queries(1):
        response = client.get(reverse("catalog:product-list"), {"q": "%% mg"})

    assert "No medicines match your search." in response.content.decode()
