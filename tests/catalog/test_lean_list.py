"""The product list's lean read path (catalog.listing) writes the very bytes the declared serializers would,
for every shape of the list, and reads a page in a number of queries that does not grow with its size."""

import pytest
from rest_framework.test import APIRequestFactory

from bench.generate_catalog import write_generated_catalog
from catalog.api.views import ProductListApi
from catalog.models import Category, Pack, Product
from tests.factories import make_products

PRODUCTS_URL = "/api/v1/products/"


class DeclaredSerializerProductListApi(ProductListApi):
    """The list as it was built before the lean path: model instances through the nested declared
    serializers. What the lean path must reproduce byte for byte."""

    def list_data(self) -> dict:
        result = self.get_search()
        page = self.paginate_queryset(result)
        data = self.get_paginated_response(self.get_serializer(page, many=True).data).data
        data["suggestion"] = result.suggestion(page)
        data["matched_pack"] = result.pack.sku if result.pack is not None else None
        return data


def rendered(view_class, params: dict) -> bytes:
    request = APIRequestFactory().get(PRODUCTS_URL, params)
    response = view_class.as_view()(request)
    assert response.status_code == 200, response.data
    return response.render().content


def assert_identical(params: dict) -> bytes:
    lean = rendered(ProductListApi, params)
    assert lean == rendered(DeclaredSerializerProductListApi, params), params
    return lean


def shapes_of_the_list() -> list[dict]:
    """Every parameter that changes what the list holds or how it is ordered, with pages past the first."""
    category = Category.objects.order_by("pk").values_list("slug", flat=True).first()
    pack = Pack.objects.exclude(gtin=None).order_by("pk").first()
    return [
        {},
        {"page_size": 5, "page": 2},
        {"page_size": 3, "page": 3},
        {"page_size": 100},
        {"ordering": "-name"},
        {"ordering": "created_at", "page_size": 50},
        {"ordering": "-created_at", "page_size": 4, "page": 2},
        {"category": category},
        {"legal_category": "pharmacy"},
        {"legal_category": "prescription", "ordering": "name"},
        {"in_stock": "true", "page_size": 30},
        {"in_stock": "false"},
        {"search": pack.gtin},
        {"search": pack.sku, "page": 1},
        {"search": "tablets 10mg", "page_size": 40},
        {"search": "hay fever"},
        {"search": "pain", "ordering": "-name"},
        {"search": "baclofn"},  # a typo: a near miss and a "Did you mean ...?"
        {"search": "zzzzqqq"},  # nothing
        {"search": "10 mg", "category": category},
    ]


def test_the_lean_list_is_byte_identical_to_the_declared_serializers_on_the_demo_catalog(demo):
    for params in shapes_of_the_list():
        assert_identical(params)
    assert b'"suggestion":"baclofen"' in rendered(ProductListApi, {"search": "baclofn"})


def test_the_lean_list_is_byte_identical_to_the_declared_serializers_on_1000_generated_products(db):
    products, _ = write_generated_catalog(packs=3_600)
    assert products >= 1_000
    every_page = [assert_identical({"page_size": 100, "page": page}) for page in range(1, products // 100 + 2)]
    assert sum(page.count(b'"slug":') for page in every_page) >= products  # every product was compared
    for params in shapes_of_the_list():
        assert_identical(params)
    generated = Product.objects.order_by("pk").values_list("name", flat=True)[:3]
    for name in generated:
        assert_identical({"search": name.split()[0]})


@pytest.mark.parametrize("params", [{}, {"search": "counted"}, {"search": "counted 10mg"}])
def test_a_list_page_reads_the_same_number_of_queries_whatever_its_size(
    db, api_client, django_assert_num_queries, params
):
    make_products(25, packs_each=3)
    # the page with the number of matches when ranked, else the count and the page; its packs with their
    # availability and strengths; the categories: as many for 1 product as for 25
    for page_size in (1, 25):
        with django_assert_num_queries(3 if params else 4):
            response = api_client.get(PRODUCTS_URL, {**params, "page_size": page_size})
        assert len(response.json()["results"]) == page_size




@pytest.mark.parametrize(("count", "query", "queries"), [
    # the categories, then as the API list: the page's products, their packs with their strengths (the
    # cards show no categories: not read)
    (1, "", 3),
    (25, "", 4),  # a full page of the plain list counts the rest in a query of its own
    # a search reads the page's rows with the number of matches in one statement
    (1, "?q=counted", 3), (25, "?q=counted", 3),
])
def test_the_storefront_list_reads_a_constant_number_of_queries(
    db, client, django_assert_num_queries, count, query, queries
):
    make_products(count, packs_each=3)
    with django_assert_num_queries(queries):
        page = client.get(f"/medicines/{query}")
    assert page.content.count(b'class="product-card"') == min(count, 20)
