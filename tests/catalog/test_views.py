"""Storefront catalog pages: search, filters, pagination, the product page and its leaflet."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from cart.models import Cart, CartLine
from catalog.models import Ingredient, LeafletSectionKey, Pack, Strength
from catalog.services import create_leaflet_draft, refresh_search_documents
from tests.factories import (
    CategoryFactory,
    PackFactory,
    ProductFactory,
    leaflet_sections,
    make_products,
    publish_leaflet,
)

pytestmark = pytest.mark.django_db
CARD_NAME = re.compile(r'<h3 id="product-\d+-name"><a href="[^"]*">([^<]*)</a></h3>')

PRESCRIPTION_NOTICE = (
    "This is a prescription-only medicine. You will need a valid prescription, "
    "which our pharmacist checks before anything is dispensed."
)


def product_names(response) -> list[str]:
    """The names on the page's product cards, in order."""
    return [unescape(name) for name in CARD_NAME.findall(response.content.decode())]


def add_ingredient(pack, name: str, amount: str = "500") -> None:
    ingredient, _ = Ingredient.objects.get_or_create(name=name)
    Strength.objects.create(pack=pack, ingredient=ingredient, amount=Decimal(amount), unit="mg", position=1)
    refresh_search_documents(product_ids=[pack.product_id])  # a strength written past the services


@pytest.fixture
def small_catalog():
    """Three medicines that differ in every filtered property."""
    pain = CategoryFactory(name="Pain relief", slug="pain-relief")
    muscle = CategoryFactory(name="Muscle and joint", slug="muscle-and-joint")
    cocodamol = ProductFactory(name="Co-codamol tablets", slug="co-codamol-tablets",
                               legal_category="pharmacy")
    cocodamol.categories.add(pain)
    add_ingredient(PackFactory(product=cocodamol, sku="COCO-32", pack_size=32, price_amount=Decimal("4.99")),
                   "paracetamol")
    baclofen = ProductFactory(name="Baclofen tablets", slug="baclofen-tablets", legal_category="prescription")
    baclofen.categories.add(muscle)
    PackFactory(product=baclofen, sku="BACL-10-84", pack_size=84, price_amount=Decimal("12.50"),
                stock_quantity=0)
    cetirizine = ProductFactory(name="Cetirizine tablets", slug="cetirizine-tablets")
    PackFactory(product=cetirizine, sku="CETI-10-30", pack_size=30, price_amount=Decimal("2.99"))
    return {"cocodamol": cocodamol, "baclofen": baclofen, "cetirizine": cetirizine}


def test_home_shows_search_categories_and_products_in_stock(client, small_catalog):
    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="home-search-q">' in html
    assert "Pain relief" in html and "Muscle and joint" in html
    featured = [product.name for product in response.context["featured_products"]]
    assert featured == ["Cetirizine tablets", "Co-codamol tablets"]


def test_product_list_without_filters_lists_active_products_by_name(client, small_catalog):
    ProductFactory(name="Retired tablets", slug="retired-tablets", is_active=False)

    response = client.get(reverse("catalog:product-list"))

    assert response.status_code == 200
    assert product_names(response) == ["Baclofen tablets", "Cetirizine tablets", "Co-codamol tablets"]
    assert "<title>Medicines · " in response.content.decode()


def test_product_list_search_matches_product_name_case_insensitively(client, small_catalog):
    response = client.get(reverse("catalog:product-list"), {"q": "BACLO"})

    assert product_names(response) == ["Baclofen tablets"]
    assert "<title>Search results for “BACLO” · " in response.content.decode()


def test_product_list_title_names_the_category(client, small_catalog):
    response = client.get(reverse("catalog:product-list"), {"category": "pain-relief"})

    html = response.content.decode()
    assert "<title>Pain relief medicines · " in html
    assert "<h1>Pain relief medicines</h1>" in html


def test_product_list_search_matches_an_active_ingredient(client, small_catalog):
    response = client.get(reverse("catalog:product-list"), {"q": "paracetamol"})

    assert product_names(response) == ["Co-codamol tablets"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "muscle-and-joint"}, ["Baclofen tablets"]),
        ({"legal_category": "pharmacy"}, ["Co-codamol tablets"]),
        ({"in_stock": "on"}, ["Cetirizine tablets", "Co-codamol tablets"]),
        ({"q": "tablets", "category": "pain-relief", "in_stock": "on"}, ["Co-codamol tablets"]),
    ],
)
def test_product_list_filters(client, small_catalog, params, expected):
    response = client.get(reverse("catalog:product-list"), params)

    assert product_names(response) == expected


def test_product_list_reports_an_invalid_filter_and_applies_the_valid_ones(client, small_catalog):
    params = {"legal_category": "over_the_counter", "q": "ceti"}
    response = client.get(reverse("catalog:product-list"), params)

    assert response.status_code == 200
    assert product_names(response) == ["Cetirizine tablets"]
    assert "legal_category" in response.context["form"].errors
    assert "Some filters were not valid" in response.content.decode()


def test_product_list_says_so_when_nothing_matches(client, small_catalog):
    response = client.get(reverse("catalog:product-list"), {"q": "no-such-medicine"})

    assert product_names(response) == []
    assert "No medicines match your search." in response.content.decode()


def test_product_list_filter_form_labels_every_input(client, small_catalog):
    html = client.get(reverse("catalog:product-list")).content.decode()
    form = html[html.index('<form class="filter-form"'):]
    form = form[:form.index("</form>")]

    input_ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form)
    assert sorted(input_ids) == ["id_category", "id_in_stock", "id_legal_category", "id_q"]
    for input_id in input_ids:
        assert f'<label for="{input_id}">' in form


def test_product_card_lists_packs_with_price_stock_and_prescription_badge(client, small_catalog):
    html = client.get(reverse("catalog:product-list"), {"q": "baclofen"}).content.decode()

    assert "Baclofen 10 mg tablets, 84 tablets: <strong>£12.50</strong>" in html
    assert '<span class="stock stock-out">out of stock</span>' in html
    assert '<span class="badge badge-prescription">Prescription only</span>' in html


# A card exactly as the list and the home page write it (catalog.product_list_html), blank lines and all.
CETIRIZINE_CARD = """<li><article class="product-card" aria-labelledby="product-{pk}-name">
  <h3 id="product-{pk}-name"><a href="/medicines/cetirizine-tablets/">Cetirizine tablets</a></h3>
  <p>
    <span class="badge">General sale (GSL)</span>
    
  </p>
  
    
      <ul class="pack-summary">
        
          <li>Cetirizine 10 mg tablets, 30 tablets: <strong>£2.99</strong>,
            <span class="stock stock-in">in stock</span></li>
        
      </ul>
    
  
</article>
</li>"""


def test_a_product_card_is_the_same_markup_on_the_list_and_the_home_page(client, small_catalog):
    card = CETIRIZINE_CARD.format(pk=small_catalog["cetirizine"].pk)

    assert card in client.get(reverse("catalog:product-list")).content.decode()
    assert card in client.get(reverse("catalog:home")).content.decode()


def test_product_list_paginates_20_per_page_and_links_keep_the_filters(client):
    for number in range(25):
        product = ProductFactory(name=f"Paged{number:02d} tablets", slug=f"paged{number:02d}-tablets")
        PackFactory(product=product)

    first = client.get(reverse("catalog:product-list"), {"q": "paged", "in_stock": "on"})
    second = client.get(reverse("catalog:product-list"), {"q": "paged", "in_stock": "on", "page": "2"})

    assert len(product_names(first)) == 20
    assert product_names(second) == [f"Paged{number:02d} tablets" for number in range(20, 25)]
    assert 'href="?q=paged&amp;in_stock=on&amp;page=2" rel="next"' in first.content.decode()
    assert 'href="?q=paged&amp;in_stock=on&amp;page=1" rel="prev"' in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert "<title>Search results for “paged” (page 2) · " in second.content.decode()


def test_category_links_keep_the_search_and_restart_at_page_one(client, small_catalog):
    html = client.get(reverse("catalog:product-list"), {"q": "tablets", "page": "1"}).content.decode()

    assert 'href="?q=tablets&amp;category=pain-relief"' in html


def test_product_list_page_out_of_range_shows_the_last_page(client, small_catalog):
    response = client.get(reverse("catalog:product-list"), {"page": "99"})

    assert response.status_code == 200
    assert product_names(response) == ["Baclofen tablets", "Cetirizine tablets", "Co-codamol tablets"]
    assert 'aria-label="Pages"' not in response.content.decode()


def test_product_page_shows_packs_prescription_notice_and_the_full_leaflet(client, small_catalog):
    baclofen = small_catalog["baclofen"]
    in_stock = PackFactory(product=baclofen, sku="BACL-20-84", pack_size=84, strength=Decimal("20"),
                           price_amount=Decimal("15.00"), max_per_order=2)

    response = client.get(reverse("catalog:product-detail", kwargs={"slug": "baclofen-tablets"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Baclofen tablets · " in html
    assert PRESCRIPTION_NOTICE in html
    assert "Baclofen 20 mg tablets, 84 tablets" in html and "£15.00" in html and "2 per order" in html
    assert "Out of stock" in html  # the 10 mg pack
    headings = [section.heading for section in leaflet_sections("Baclofen tablets")]
    assert len(headings) == 6
    positions = [html.index(f">{heading}</h3>") for heading in headings]
    assert positions == sorted(positions)
    assert "What it is and what it is used for for Baclofen tablets." in html
    revision = baclofen.leaflet_revisions.get()
    assert f'href="/leaflets/{revision.pk}.pdf" download' in html
    assert "This leaflet was last revised in 01/2026." in html
    # one add-to-cart form, for the pack in stock, posting pack + quantity to the cart
    assert html.count(f'action="{reverse("cart:add")}"') == 1
    assert f'<input type="hidden" name="pack" value="{in_stock.pk}">' in html
    assert f'<label for="quantity-{in_stock.pk}">' in html


def test_product_page_cart_form_adds_the_pack_to_the_cart(client, gsl_pack):
    product_url = gsl_pack.product.get_absolute_url()
    page = client.get(product_url).content.decode()
    assert f'<input type="hidden" name="next" value="{product_url}">' in page

    response = client.post(reverse("cart:add"), {"pack": gsl_pack.pk, "quantity": "2", "next": product_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")
    cart = Cart.objects.get(token=client.session["cart_token"])
    assert list(cart.lines.values_list("pack_id", "quantity")) == [(gsl_pack.pk, 2)]


def test_product_page_cart_form_over_the_limit_returns_to_the_page_with_the_reason(client, gsl_pack):
    Pack.objects.filter(pk=gsl_pack.pk).update(max_per_order=1)
    product_url = gsl_pack.product.get_absolute_url()

    response = client.post(reverse("cart:add"), {"pack": gsl_pack.pk, "quantity": "2", "next": product_url},
                           follow=True)

    assert response.redirect_chain == [(product_url, 302)]
    assert f"{gsl_pack.display_name}: at most 1 per order." in response.content.decode()
    assert not CartLine.objects.exists()


def test_product_page_shows_the_latest_published_revision_not_a_draft(client, gsl_pack):
    product = gsl_pack.product
    publish_leaflet(product, marker="Second edition.", revised_on=datetime.date(2026, 3, 1))
    create_leaflet_draft(product=product, revised_on=datetime.date(2026, 4, 1),
                         sections=leaflet_sections(product.name, "Unpublished draft."))

    html = client.get(product.get_absolute_url()).content.decode()

    assert "Second edition." in html and "Unpublished draft." not in html
    assert "Revision 2. This leaflet was last revised in 03/2026." in html


def test_general_sale_product_page_has_no_prescription_notice(client, gsl_pack):
    html = client.get(gsl_pack.product.get_absolute_url()).content.decode()

    assert PRESCRIPTION_NOTICE not in html
    assert 'id="controlled-drug-notice"' not in html


def test_controlled_drug_not_sold_online_shows_a_notice_and_no_cart_form(client):
    tramadol = ProductFactory(
        name="Tramadol capsules", slug="tramadol-capsules", legal_category="prescription",
        controlled_drug_schedule=3, dosage_form="capsule",
    )
    PackFactory(product=tramadol, sku="TRAM-50-30", pack_unit="capsules", pack_size=30)

    html = client.get(tramadol.get_absolute_url()).content.decode()

    assert "is a Schedule 3 controlled drug. We do not supply it online" in html
    assert "is a Schedule 3 controlled drug and is not sold online." in html
    assert reverse("cart:add") not in html


def test_product_page_of_unknown_or_inactive_product_is_404(client):
    ProductFactory(name="Retired tablets", slug="retired-tablets", is_active=False)

    for slug in ("no-such", "retired-tablets"):
        assert client.get(reverse("catalog:product-detail", kwargs={"slug": slug})).status_code == 404


def test_product_page_without_a_leaflet_says_it_cannot_be_ordered(client):
    product = ProductFactory(name="Newdrug tablets", slug="newdrug-tablets", leaflet=False)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "The patient information leaflet for this medicine is not available yet" in html


def test_leaflet_pdf_downloads_any_published_revision_as_an_attachment(client, gsl_pack):
    product = gsl_pack.product
    first = product.leaflet_revisions.get()
    publish_leaflet(product, marker="Second edition.")

    response = client.get(reverse("catalog:leaflet-pdf", kwargs={"revision_id": first.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{product.slug}-leaflet-revision-1.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert product.name.encode() in response.content
    assert b"Second edition." not in response.content


def test_leaflet_pdf_of_a_draft_or_unknown_revision_is_404(client, gsl_pack):
    draft = create_leaflet_draft(product=gsl_pack.product, revised_on=datetime.date(2026, 5, 1))

    assert client.get(reverse("catalog:leaflet-pdf", kwargs={"revision_id": draft.pk})).status_code == 404
    assert client.get(reverse("catalog:leaflet-pdf", kwargs={"revision_id": 999999})).status_code == 404


def test_prescriptions_page_explains_upload_verification_record_privacy_and_rejection(client):
    response = client.get(reverse("catalog:prescriptions-info"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>How prescriptions work · " in html
    for heading in ("1. Upload your prescription", "2. A pharmacist verifies it", "3. The dispensing record",
                    "4. Your privacy", "5. If a prescription is rejected"):
        assert f">{heading}</h2>" in html
    assert "valid for 183 days from its date of issue" in html


# --- Query counts: constant whatever the number of products and packs -----------------------------------


# session-less anonymous page: categories, the page's products with the number of matches, their packs
# with their strengths (the cards show no categories: not read)
PRODUCT_LIST_QUERIES = 3


@pytest.mark.parametrize("count", [2, 20])
def test_product_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    make_products(count)

    with django_assert_num_queries(PRODUCT_LIST_QUERIES):
        response = client.get(reverse("catalog:product-list"), {"q": "counted", "category": "counted"})

    assert len(product_names(response)) == count


# the product with its categories and its current leaflet revision's id, its packs with their strengths,
# the leaflet's sections with the revision (catalog.product_detail)
PRODUCT_DETAIL_QUERIES = 3


@pytest.mark.parametrize("packs", [1, 10])
def test_product_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, packs):
    product = ProductFactory(name="Counted tablets", slug="counted-tablets", legal_category="prescription")
    for _ in range(packs):
        PackFactory(product=product)

    with django_assert_num_queries(PRODUCT_DETAIL_QUERIES):
        response = client.get(product.get_absolute_url())

    assert response.content.decode().count('<tr id="pack-') == packs
    assert response.content.decode().count("</h3>") == len(LeafletSectionKey.values)


# categories, then the in-stock products with their packs and strengths (the cards show no categories)
HOME_QUERIES = 3


@pytest.mark.parametrize("count", [2, 10])
def test_home_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    make_products(count)

    with django_assert_num_queries(HOME_QUERIES):
        client.get(reverse("catalog:home"))


def test_the_list_title_shows_the_query_escaped_once(client):
    html = client.get(reverse("catalog:product-list"), {"q": "a&b <i>"}).content.decode()

    assert "<title>Search results for “a&amp;b &lt;i&gt;” · " in html
    assert "<h1>Search results for “a&amp;b &lt;i&gt;”</h1>" in html
