"""Catalog REST API: exact shapes, validated filters, problem documents, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from catalog.models import Ingredient, Product, Strength
from catalog.services import create_leaflet_draft, refresh_search_documents
from tests.factories import CategoryFactory, PackFactory, ProductFactory, make_products, publish_leaflet

pytestmark = pytest.mark.django_db

PRODUCTS_URL = "/api/v1/products/"


def names(response) -> list[str]:
    return [product["name"] for product in response.json()["results"]]


@pytest.fixture
def baclofen():
    category = CategoryFactory(name="Muscle and joint", slug="muscle-and-joint",
                               description="Spasticity and cramp.")
    product = ProductFactory(name="Baclofen tablets", slug="baclofen-tablets", legal_category="prescription",
                             atc_code="M03BX01", description="A muscle relaxant.")
    product.categories.add(category)
    # Outside the 29 range the factory numbers other packs in, so no other pack of the test takes this GTIN.
    PackFactory(product=product, sku="BACL-10-84", gtin="2800000000011", pack_size=84,
                price_amount=Decimal("4.99"), stock_quantity=7, max_per_order=3)
    return product


@pytest.fixture
def three_products(baclofen):
    cocodamol = ProductFactory(name="Co-codamol tablets", slug="co-codamol-tablets",
                               legal_category="pharmacy", controlled_drug_schedule=5)
    pack = PackFactory(product=cocodamol, sku="COCO-32", stock_quantity=0)
    Strength.objects.create(pack=pack, ingredient=Ingredient.objects.create(name="paracetamol"),
                            amount=Decimal("500"), unit="mg", position=1)
    refresh_search_documents(product_ids=[cocodamol.pk])  # a strength written past the services
    PackFactory(product=ProductFactory(name="Cetirizine tablets", slug="cetirizine-tablets"), sku="CETI-30")
    return baclofen


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert (body["status"], body["code"], body["type"]) == (status, code, f"urn:pharmacy:problem:{code}")
    return body


def test_url_names_live_in_the_api_namespace():
    assert reverse("api:product-list") == PRODUCTS_URL
    assert reverse("api:product-detail", kwargs={"product_id": 7}) == "/api/v1/products/7/"
    assert reverse("api:category-list") == "/api/v1/categories/"
    assert reverse("api:leaflet-detail", kwargs={"revision_id": 3}) == "/api/v1/leaflets/3/"
    assert reverse("api:leaflet-pdf", kwargs={"revision_id": 3}) == "/api/v1/leaflets/3/pdf/"


def test_product_list_shape(api_client, baclofen):
    pack = baclofen.packs.get()

    response = api_client.get(PRODUCTS_URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1, "next": None, "previous": None,
        "results": [{
            "id": baclofen.pk, "name": "Baclofen tablets", "slug": "baclofen-tablets",
            "legal_category": "prescription", "prescription_required": True, "controlled_drug_schedule": None,
            "dosage_form": "tablet", "route": "oral", "atc_code": "M03BX01",
            "categories": ["muscle-and-joint"],
            "packs": [{
                "id": pack.pk, "sku": "BACL-10-84", "gtin": "2800000000011", "pzn": None,
                "display_name": "Baclofen 10 mg tablets, 84 tablets", "strength": "10 mg",
                "pack_size": 84, "pack_unit": "tablets", "price": {"amount": "4.99", "currency": "GBP"},
                "in_stock": True, "max_per_order": 3,
            }],
        }],
        "suggestion": None, "matched_pack": None,
    }


def test_product_detail_shape_with_current_leaflet(api_client, baclofen):
    publish_leaflet(baclofen, marker="Second edition.", revised_on=datetime.date(2026, 3, 1))
    create_leaflet_draft(product=baclofen, revised_on=datetime.date(2026, 4, 1))
    current = baclofen.leaflet_revisions.get(number=2)
    pack = baclofen.packs.get()
    category = baclofen.categories.get()

    response = api_client.get(f"/api/v1/products/{baclofen.pk}/")

    assert response.status_code == 200
    body = response.json()
    leaflet = body.pop("current_leaflet")
    assert body == {
        "id": baclofen.pk, "name": "Baclofen tablets", "slug": "baclofen-tablets",
        "description": "A muscle relaxant.", "legal_category": "prescription", "prescription_required": True,
        "controlled_drug_schedule": None, "dosage_form": "tablet", "route": "oral", "atc_code": "M03BX01",
        "categories": [{"id": category.pk, "name": "Muscle and joint", "slug": "muscle-and-joint",
                        "description": "Spasticity and cramp."}],
        "packs": [{
            "id": pack.pk, "sku": "BACL-10-84", "gtin": "2800000000011", "pzn": None,
            "display_name": "Baclofen 10 mg tablets, 84 tablets", "strength": "10 mg",
            "pack_size": 84, "pack_unit": "tablets", "price": {"amount": "4.99", "currency": "GBP"},
            "in_stock": True, "max_per_order": 3,
        }],
    }
    assert leaflet["id"] == current.pk
    assert (leaflet["number"], leaflet["revised_on"]) == (2, "2026-03-01")
    assert leaflet["pdf_url"] == f"http://testserver/api/v1/leaflets/{current.pk}/pdf/"
    assert [section["key"] for section in leaflet["sections"]] == [
        "what_it_is", "before_you_take", "how_to_take", "side_effects", "storage", "contents",
    ]
    assert leaflet["sections"][0] == {
        "key": "what_it_is",
        "heading": "1. What Baclofen tablets is and what it is used for",
        "body": "What it is and what it is used for for Baclofen tablets. Second edition.",
    }


def test_product_detail_without_a_published_leaflet_has_null_current_leaflet(api_client):
    product = ProductFactory(leaflet=False)

    response = api_client.get(f"/api/v1/products/{product.pk}/")

    assert response.status_code == 200
    assert response.json()["current_leaflet"] is None


def test_product_detail_of_unknown_or_inactive_product_is_404_problem(api_client):
    retired = ProductFactory(is_active=False)

    for product_id in (retired.pk, 999999):
        body = assert_problem(api_client.get(f"/api/v1/products/{product_id}/"), 404, "not_found")
        assert body["detail"] == "No such medicine."


def test_product_detail_with_a_non_numeric_id_is_404_problem(api_client):
    assert_problem(api_client.get("/api/v1/products/baclofen/"), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "BACLO"}, ["Baclofen tablets"]),
        ({"search": "paracetamol"}, ["Co-codamol tablets"]),
        ({"search": "  "}, ["Baclofen tablets", "Cetirizine tablets", "Co-codamol tablets"]),
        ({"category": "muscle-and-joint"}, ["Baclofen tablets"]),
        ({"category": "no-such-category"}, []),
        ({"legal_category": "pharmacy"}, ["Co-codamol tablets"]),
        ({"in_stock": "true"}, ["Baclofen tablets", "Cetirizine tablets"]),
        ({"in_stock": "false"}, ["Co-codamol tablets"]),
        ({"ordering": "-name"}, ["Co-codamol tablets", "Cetirizine tablets", "Baclofen tablets"]),
        ({"ordering": "created_at"}, ["Baclofen tablets", "Co-codamol tablets", "Cetirizine tablets"]),
        ({"ordering": "-created_at"}, ["Cetirizine tablets", "Co-codamol tablets", "Baclofen tablets"]),
    ],
)
def test_product_list_search_filters_and_ordering(api_client, three_products, params, expected):
    response = api_client.get(PRODUCTS_URL, params)

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("params", "field", "error_code"),
    [
        ({"legal_category": "otc"}, "legal_category", "invalid_choice"),
        ({"in_stock": "maybe"}, "in_stock", "invalid"),
        ({"ordering": "price"}, "ordering", "invalid_choice"),
        ({"category": "not a slug"}, "category", "invalid"),
        ({"search": "x" * 101}, "search", "max_length"),
    ],
)
def test_product_list_rejects_a_bad_filter_with_a_400_problem(api_client, three_products, params, field,
                                                              error_code):
    body = assert_problem(api_client.get(PRODUCTS_URL, params), 400, "invalid")

    assert [(error["field"], error["code"]) for error in body["errors"]] == [(field, error_code)]
    assert body["detail"] == f"The request has invalid fields: {field}"


def test_product_list_paginates_and_keeps_the_filters_in_next_links(api_client):
    for number in range(3):
        PackFactory(product=ProductFactory(name=f"Paged{number} tablets", slug=f"paged{number}-tablets"))

    first = api_client.get(PRODUCTS_URL, {"search": "paged", "page_size": 2}).json()
    second = api_client.get(PRODUCTS_URL, {"search": "paged", "page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [product["name"] for product in first["results"]] == ["Paged0 tablets", "Paged1 tablets"]
    assert first["next"] == "http://testserver/api/v1/products/?page=2&page_size=2&search=paged"
    assert [product["name"] for product in second["results"]] == ["Paged2 tablets"]
    assert second["next"] is None


@pytest.mark.parametrize("page_number", ["2", "0", "last-but-one"])
def test_product_list_page_outside_the_list_is_404_problem(api_client, baclofen, page_number):
    assert_problem(api_client.get(PRODUCTS_URL, {"page": page_number}), 404, "not_found")


def test_category_list(api_client):
    pain = CategoryFactory(name="Pain relief", slug="pain-relief")
    allergy = CategoryFactory(name="Allergy", slug="allergy")

    response = api_client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.json() == {"count": 2, "next": None, "previous": None, "results": [
        {"id": allergy.pk, "name": "Allergy", "slug": "allergy", "description": ""},
        {"id": pain.pk, "name": "Pain relief", "slug": "pain-relief", "description": ""},
    ]}


def test_leaflet_revision_detail_serves_any_published_revision(api_client, baclofen):
    first = baclofen.leaflet_revisions.get()
    publish_leaflet(baclofen, marker="Second edition.")

    response = api_client.get(f"/api/v1/leaflets/{first.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["product"], body["number"], body["revised_on"]) == (first.pk, baclofen.pk, 1,
                                                                                 "2026-01-01")
    assert body["published_at"] is not None
    assert len(body["sections"]) == 6
    assert not any("Second edition." in section["body"] for section in body["sections"])


def test_leaflet_revision_draft_or_unknown_is_404_problem(api_client, baclofen):
    draft = create_leaflet_draft(product=baclofen, revised_on=datetime.date(2026, 4, 1))

    for revision_id in (draft.pk, 999999):
        assert_problem(api_client.get(f"/api/v1/leaflets/{revision_id}/"), 404, "not_found")
        assert_problem(api_client.get(f"/api/v1/leaflets/{revision_id}/pdf/"), 404, "not_found")


@pytest.mark.parametrize("accept", ["application/pdf", "*/*", "application/json"])
def test_leaflet_pdf_is_an_attached_pdf_whatever_the_client_accepts(api_client, baclofen, accept):
    revision = baclofen.leaflet_revisions.get()

    response = api_client.get(f"/api/v1/leaflets/{revision.pk}/pdf/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="baclofen-tablets-leaflet-revision-1.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert b"Baclofen tablets" in response.content


def test_catalog_api_is_read_only(api_client, baclofen):
    response = api_client.post(PRODUCTS_URL, {"name": "New"}, format="json")

    assert_problem(response, 405, "method_not_allowed")
    assert list(Product.objects.values_list("name", flat=True)) == ["Baclofen tablets"]


def test_a_bad_token_does_not_lock_anyone_out_of_the_public_catalog(api_client, baclofen):
    response = api_client.get(PRODUCTS_URL, HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 200


# --- Query counts --------------------------------------------------------------------------------


# a search: the page of products with the number of matches, their packs with their strengths, categories
PRODUCT_LIST_QUERIES = 3


@pytest.mark.parametrize("count", [2, 20])
def test_product_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries, count):
    make_products(count)

    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        response = api_client.get(PRODUCTS_URL, {"search": "counted", "page_size": 20})

    assert len(response.json()["results"]) == count


# the product with its categories and its current leaflet revision's id, its packs with their strengths,
# the leaflet's sections with the revision (catalog.product_detail)
PRODUCT_DETAIL_QUERIES = 3


@pytest.mark.parametrize("packs", [2, 20])
def test_product_detail_runs_a_constant_number_of_queries(api_client, django_assert_num_queries, packs):
    product = ProductFactory()
    for _ in range(packs):
        PackFactory(product=product)

    with django_assert_num_queries(PRODUCT_DETAIL_QUERIES):
        response = api_client.get(f"/api/v1/products/{product.pk}/")

    assert len(response.json()["packs"]) == packs


# --- Schema --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_documents_product_filters_and_problem_responses(schema):
    operation = schema["paths"]["/api/v1/products/"]["get"]

    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {
        "search", "category", "legal_category", "in_stock", "ordering", "page", "page_size",
    }
    assert parameters["legal_category"]["schema"]["enum"] == ["general_sale", "pharmacy", "prescription"]
    for status in ("400", "404", "429"):
        assert operation["responses"][status]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }


def test_schema_documents_the_pdf_and_the_404_of_each_catalog_endpoint(schema):
    pdf = schema["paths"]["/api/v1/leaflets/{revision_id}/pdf/"]["get"]["responses"]
    assert pdf["200"]["content"] == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    for path in ("/api/v1/products/{product_id}/", "/api/v1/leaflets/{revision_id}/",
                 "/api/v1/leaflets/{revision_id}/pdf/"):
        assert "application/problem+json" in schema["paths"][path]["get"]["responses"]["404"]["content"]
