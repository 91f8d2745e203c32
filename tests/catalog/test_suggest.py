"""Suggestions as you type (catalog.suggest): the statement compiled once per number of words answers as the
ORM's does, the endpoint writes the very bytes its declared serializer would, and it runs one query."""

import pytest
from rest_framework.renderers import JSONRenderer

from bench.generate_catalog import write_generated_catalog
from catalog.api.serializers import ProductSuggestOutputSerializer
from catalog.search import parse_query
from catalog.suggest import suggest_products, suggestions
from tests.factories import ProductFactory

SUGGEST_URL = "/api/v1/products/suggest/"
TEXTS = ["bac", "nuro", "para", "ibu", "lio", "tab", "bac tab", "baclofen oral", "ibu tab 200", "bac 10mg",
         "para tablets", "hay", "zzz", "b", "qqstandin0qq", "a b c d e f g h i"]


def orm_suggestions(text: str) -> list[dict]:
    query = parse_query(text)
    if not query.terms:
        return []
    return [{"id": id_, "name": name, "slug": slug} for id_, name, slug in suggestions(query, limit=10)]


def declared_bytes(api_client, text: str) -> tuple[bytes, bytes]:
    response = api_client.get(SUGGEST_URL, {"q": text})
    assert response.status_code == 200
    declared = ProductSuggestOutputSerializer({"query": text, "results": suggest_products(text)}).data
    return response.content, JSONRenderer().render(declared)


def test_compiled_suggestions_are_the_orms_in_the_same_order(demo):
    for number in range(12):  # more ties than the limit: ordered by name after the score
        ProductFactory(name=f"Bacterium{11 - number:02d} tablets", slug=f"bacterium{number:02d}-tablets")

    for text in TEXTS:
        assert suggest_products(text) == orm_suggestions(text), text
    assert [item["name"] for item in suggest_products("bac")] == [
        "Baclofen oral solution", "Baclofen tablets", *(f"Bacterium{number:02d} tablets" for number in range(8))]


def test_suggest_json_is_byte_identical_to_the_declared_serializer_on_the_demo_catalog(demo, api_client):
    for text in TEXTS:
        lean, declared = declared_bytes(api_client, text)
        assert lean == declared, text
    assert b'"name":"Baclofen tablets"' in declared_bytes(api_client, "bac")[0]


def test_suggest_matches_the_orm_and_the_declared_serializer_on_a_generated_catalog(db, api_client):
    write_generated_catalog(packs=600)
    texts = ["lora", "ab", "ami", "cita tab", "ta", "so", "gaba oral"]

    for text in texts:
        lean, declared = declared_bytes(api_client, text)
        assert lean == declared, text
        assert suggest_products(text) == orm_suggestions(text), text
    assert len(suggest_products("ta")) == 10


@pytest.mark.parametrize("text", ["bac", "bac tab", "bac 10mg", "bac tablets", "a b c d e f g h i"])
def test_suggest_runs_one_query_whatever_the_words(demo, api_client, django_assert_num_queries, text):
    with django_assert_num_queries(1):
        response = api_client.get(SUGGEST_URL, {"q": text})

    assert response.status_code == 200


def test_suggest_runs_no_query_without_a_word(demo, api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get(SUGGEST_URL, {"q": "10mg"})

    assert response.json() == {"query": "10mg", "results": []}
