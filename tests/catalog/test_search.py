"""Medicine search with the demo catalog's own names: relevance, strengths and forms, brands
and synonyms, identifiers, what a medicine is for (GSL and P only), typos and "Did you mean ...?" (typo
matching is PostgreSQL's; the suggestion works on both) and suggestions as you type. The search document
that every write path keeps fresh is tested in test_search_documents.py, query counts in
test_search_query_counts.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.identifiers import is_valid_pzn, make_pzn, validate_pzn
from catalog.models import Pack, Product, ProductSynonym
from catalog.search import parse_query
from catalog.selectors import search_products
from catalog.services import set_product_indications
from tests.factories import PackFactory, ProductFactory

PRODUCTS_URL = "/api/v1/products/"
SUGGEST_URL = "/api/v1/products/suggest/"
BACLOFEN_10_GTIN = "2099000001023"  # demo_gtin(102), the BAC-10-84 pack


def names(query: str) -> list[str]:
    return [product.name for product in search_products(search=query).products]


def api_search(api_client, query: str) -> dict:
    response = api_client.get(PRODUCTS_URL, {"search": query})
    assert response.status_code == 200
    return response.json()


# --- The query parser (no database) ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["baclofen 10mg", "baclofen 10 mg", "10mg baclofen", "Baclofen 10 MG",
                                  "10 mg baclofen"])
def test_parse_query_reads_a_strength_with_its_unit_wherever_it_is(text):
    query = parse_query(text)

    assert (query.terms, query.strengths, query.forms) == (("baclofen",), ((Decimal("10"), "mg"),), ())


def test_parse_query_reads_a_bare_number_as_a_strength_of_any_unit_and_form_words_as_forms():
    assert parse_query("baclofen 10").strengths == ((Decimal("10"), None),)
    query = parse_query("baclofen tablets")
    assert (query.terms, query.forms) == (("baclofen",), ("tablet",))
    assert parse_query("baclofen 5mg/5ml oral solution").strengths == ((Decimal("5"), "mg"), (Decimal("5"), "mL"))
    assert parse_query("Co-codamol 0.5 mcg").terms == ("co", "codamol")
    assert parse_query("Co-codamol 0.5 mcg").strengths == ((Decimal("0.5"), "microgram"),)


# --- Relevance, strengths and forms -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["baclofen 10mg", "baclofen 10 mg", "10mg baclofen", "baclofen 10",
                                   "baclofen tablets"])
def test_strength_and_form_queries_find_baclofen_tablets_first(demo, query):
    assert names(query)[0] == "Baclofen tablets"


@pytest.mark.parametrize("query", ["baclofen 10mg", "baclofen 10 mg", "10mg baclofen", "baclofen 10"])
def test_strength_queries_put_the_10_mg_pack_first_in_the_api(demo, api_client, query):
    first = api_search(api_client, query)["results"][0]

    assert first["name"] == "Baclofen tablets"
    assert [pack["sku"] for pack in first["packs"]] == ["BAC-10-84", "BAC-5-84", "BAC-20-84"]


def test_without_a_strength_packs_keep_their_usual_order(demo, api_client):
    first = api_search(api_client, "baclofen tablets")["results"][0]

    assert [pack["sku"] for pack in first["packs"]] == ["BAC-5-84", "BAC-10-84", "BAC-20-84"]


def test_a_name_ranks_above_an_ingredient(demo):
    assert names("paracetamol") == ["Paracetamol (pharmacy pack) tablets", "Paracetamol tablets",
                                    "Co-codamol tablets"]


def test_the_start_of_a_name_is_enough_on_every_database(demo):
    assert names("bacl") == ["Baclofen oral solution", "Baclofen tablets"]
    assert names("CETIRIZIN") == ["Cetirizine tablets"]
    assert names("co-codamol") == ["Co-codamol tablets"]


def test_a_strength_alone_filters_to_products_with_a_pack_of_that_strength(demo):
    assert names("10mg") == ["Baclofen tablets", "Cetirizine tablets"]


def test_the_api_sorts_by_relevance_unless_an_ordering_is_given(demo, api_client):
    relevance = api_search(api_client, "paracetamol")["results"]
    by_name = api_client.get(PRODUCTS_URL, {"search": "paracetamol", "ordering": "name"}).json()["results"]

    assert [p["name"] for p in relevance][-1] == "Co-codamol tablets"
    assert [p["name"] for p in by_name] == ["Co-codamol tablets", "Paracetamol (pharmacy pack) tablets",
                                            "Paracetamol tablets"]


# --- Brands and synonyms -------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("Lioresal", ["Baclofen oral solution", "Baclofen tablets"]),
    ("acetaminophen", ["Co-codamol tablets", "Paracetamol (pharmacy pack) tablets", "Paracetamol tablets"]),
    ("Nurofen", ["Ibuprofen tablets"]),
    ("advil", ["Ibuprofen tablets"]),
    ("zyrtec", ["Cetirizine tablets"]),
    ("Losec", ["Omeprazole capsules"]),
    ("valium", ["Diazepam tablets"]),
])
def test_brand_and_other_names_find_the_medicine(demo, query, expected):
    assert sorted(names(query)) == expected


def test_every_demo_medicine_has_uk_or_us_brand_names(demo):
    assert not Product.objects.filter(synonyms__isnull=True).exists()
    assert ProductSynonym.objects.count() >= 40


# --- Identifiers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [BACLOFEN_10_GTIN, "0" + BACLOFEN_10_GTIN, "bac-10-84", "BAC-10-84"])
def test_an_exact_gtin_or_sku_goes_to_its_pack(demo, api_client, query):
    body = api_search(api_client, query)

    assert body["matched_pack"] == "BAC-10-84"
    assert [p["name"] for p in body["results"]] == ["Baclofen tablets"]
    assert body["results"][0]["packs"][0]["sku"] == "BAC-10-84"


def test_the_storefront_redirects_a_barcode_to_its_pack(demo, client):
    response = client.get(reverse("catalog:product-list"), {"q": "0" + BACLOFEN_10_GTIN})

    assert response.status_code == 302
    assert response["Location"] == "/medicines/baclofen-tablets/#pack-BAC-10-84"
    assert 'id="pack-BAC-10-84"' in client.get("/medicines/baclofen-tablets/").content.decode()


def test_a_pzn_goes_to_its_pack_once_the_pack_has_one(demo, api_client):
    pzn = make_pzn("0123456")
    assert api_search(api_client, pzn)["matched_pack"] is None
    Pack.objects.filter(sku="IBU-200-16").update(pzn=pzn)

    assert api_search(api_client, pzn)["matched_pack"] == "IBU-200-16"
    assert api_search(api_client, f"PZN-{pzn}")["matched_pack"] == "IBU-200-16"


def test_pzn_check_digit_is_validated():
    assert make_pzn("0123456") == "01234562"  # 0*1+1*2+2*3+3*4+4*5+5*6+6*7 = 112; 112 % 11 = 2
    assert is_valid_pzn("01234562")
    assert not is_valid_pzn("01234563")
    with pytest.raises(ValidationError, match="check digit is wrong: expected 2"):
        validate_pzn("01234563")
    with pytest.raises(ValidationError, match="exactly 8 digits"):
        validate_pzn("1234")
    with pytest.raises(ValueError, match="never issued"):
        make_pzn("0000003")  # 3 * 7 = 21; 21 % 11 = 10: no check digit, never issued
    with pytest.raises(ValidationError, match="cannot exist"):
        validate_pzn("00000030")


def test_a_pack_with_a_bad_pzn_does_not_validate(db):
    pack = PackFactory(pzn="01234563")

    with pytest.raises(ValidationError) as error:
        pack.full_clean()
    assert "pzn" in error.value.message_dict


# --- What it is for (GSL and P only) ----------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [
    ("hay fever", ["Cetirizine tablets"]),
    ("heartburn", ["Omeprazole capsules"]),
    ("toothache", ["Co-codamol tablets", "Ibuprofen tablets", "Paracetamol (pharmacy pack) tablets",
                   "Paracetamol tablets"]),
])
def test_what_it_is_for_finds_over_the_counter_medicines(demo, query, expected):
    assert sorted(names(query)) == expected


@pytest.mark.parametrize("query", ["spasticity", "rheumatic", "high blood pressure", "depression", "infection",
                                   "severe pain"])
def test_what_it_is_for_never_finds_prescription_only_medicines(demo, query):
    found = search_products(search=query).products
    assert not [product.name for product in found if product.prescription_required]


def test_a_prescription_only_medicine_has_no_uses_in_its_search_document(demo):
    baclofen = Product.objects.get(slug="baclofen-tablets")
    assert "spasticity" in baclofen.indications
    assert baclofen.search_document.indication_text == ""
    assert "hay fever" in Product.objects.get(slug="cetirizine-tablets").search_document.indication_text


# --- Typos and "Did you mean ...?" -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("query, expected", [
    ("baclofn", "Baclofen tablets"), ("ibuprofn", "Ibuprofen tablets"), ("cetirizin", "Cetirizine tablets"),
    ("paracetmol", "Paracetamol tablets"), ("nurofn", "Ibuprofen tablets"),
])
def test_typos_find_the_medicine_on_postgresql(demo, query, expected):
    assert expected in names(query)


@pytest.mark.postgres
def test_a_typo_with_a_strength_still_ranks_the_10_mg_pack_first_on_postgresql(demo, api_client):
    body = api_search(api_client, "baclofn 10mg")

    assert body["results"][0]["name"] == "Baclofen tablets"
    assert body["results"][0]["packs"][0]["sku"] == "BAC-10-84"
    assert body["suggestion"] == "baclofen 10mg"


@pytest.mark.postgres
def test_uses_match_by_word_stem_on_postgresql(demo):
    set_product_indications(product=Product.objects.get(slug="cetirizine-tablets"), indications="allergies")

    assert names("allergy") == ["Cetirizine tablets"]  # 'allergi' is the English stem of both


@pytest.mark.parametrize("query, suggestion", [("baclofn", "baclofen"), ("ibuprofn", "ibuprofen"),
                                               ("omeprazle", "omeprazole")])
def test_did_you_mean_is_offered_when_nothing_matches_well(demo, api_client, query, suggestion):
    assert api_search(api_client, query)["suggestion"] == suggestion


def test_no_suggestion_when_the_words_match(demo, api_client):
    assert api_search(api_client, "baclofen")["suggestion"] is None
    assert api_search(api_client, "xyzzy")["suggestion"] is None


def test_the_storefront_offers_did_you_mean_as_a_link(demo, client):
    html = client.get(reverse("catalog:product-list"), {"q": "baclofn"}).content.decode()

    assert 'Did you mean <a href="?q=baclofen">baclofen</a>?' in html


# --- Suggest as you type -----------------------------------------------------------------------------------


def test_suggest_returns_names_for_the_start_of_a_name(demo, api_client):
    response = api_client.get(SUGGEST_URL, {"q": "bac"})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "bac"
    assert [item["name"] for item in body["results"]] == ["Baclofen oral solution", "Baclofen tablets"]
    assert set(body["results"][0]) == {"id", "name", "slug"}


def test_suggest_finds_brands_but_never_uses_and_returns_at_most_10(demo, api_client):
    assert [i["name"] for i in api_client.get(SUGGEST_URL, {"q": "nuro"}).json()["results"]] == [
        "Ibuprofen tablets"]
    assert api_client.get(SUGGEST_URL, {"q": "hay"}).json()["results"] == []
    assert api_client.get(SUGGEST_URL, {"q": ""}).json()["results"] == []
    for number in range(12):
        ProductFactory(name=f"Bacterium{number:02d} tablets", slug=f"bacterium{number:02d}-tablets")
    assert len(api_client.get(SUGGEST_URL, {"q": "bac"}).json()["results"]) == 10


def test_suggest_refuses_a_query_that_is_too_long(db, api_client):
    response = api_client.get(SUGGEST_URL, {"q": "x" * 101})

    assert response.status_code == 400


def test_every_page_has_a_search_box_enhanced_by_a_script_file(demo, client):
    html = client.get("/").content.decode()

    assert 'data-suggest-url="/api/v1/products/suggest/"' in html
    assert '<input id="site-search-q" type="search" name="q"' in html
    assert "/static/js/search-suggest" in html
    assert "<script>" not in html  # the storefront's CSP allows no inline script


def test_schema_documents_search_suggestion_and_suggest(db, client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    suggest = schema["paths"]["/api/v1/products/suggest/"]["get"]
    assert suggest["operationId"] == "products_suggest"
    listing = schema["paths"]["/api/v1/products/"]["get"]
    search = next(p for p in listing["parameters"] if p["name"] == "search")
    assert "baclofen 10mg" in str(search["examples"])
    page = schema["components"]["schemas"]["PaginatedProductListOutputList"]
    assert {"suggestion", "matched_pack"} <= set(page["properties"])
