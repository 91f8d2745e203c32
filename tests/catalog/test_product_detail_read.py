"""The API detail's read (catalog.product_detail, SQL compiled once) gives what the ORM's prefetches gave,
and the article catalog.product_page writes from the page's read of the same rows (plain objects) is the
markup the three templates wrote from those prefetched instances (product_article_before.html), byte for
byte: for every product of the demo catalog and the awkward shapes (no leaflet, later revisions and a draft,
no packs, inactive and out-of-stock packs, several strengths, names that need escaping, controlled drugs),
in three queries whatever the number of packs, strengths and categories."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Prefetch
from django.template import Context, Template
from django.template.defaultfilters import linebreaks_filter

from catalog.api.serializers import ProductDetailOutputSerializer
from catalog.exceptions import ControlledDrugNotSoldOnline
from catalog.models import Ingredient, LeafletRevision, LeafletSectionKey, Pack, Product, Strength
from catalog.product_detail import read_product_for_display, read_product_page
from catalog.product_page import paragraphs, render_product_article
from catalog.selectors import annotate_purchase_refusals, get_current_leaflet_revision, get_product_for_display
from catalog.services import check_pack_purchasable, create_leaflet_draft
from pharmacy.exceptions import DomainError
from tests.factories import CategoryFactory, PackFactory, ProductFactory, leaflet_sections, publish_leaflet

pytestmark = pytest.mark.django_db


def orm_product_for_display(**lookup) -> Product:
    """get_product_for_display as it read before: prefetch_related through the ORM."""
    packs = Pack.objects.with_details().select_related(None).with_availability().filter(is_active=True)
    product = (Product.objects.active().prefetch_related(Prefetch("packs", queryset=packs.order_by("pk")),
                                                         "categories").get(**lookup))
    product.current_leaflet = get_current_leaflet_revision(product=product)
    return product


BEFORE = Template((Path(__file__).parent / "product_article_before.html").read_text(encoding="utf-8"))
CSRF_TOKEN, NEXT_PATH = "token-slot", "/medicines/odd/?q=a&b=<c>"


def article(slug: str) -> str:
    """The article as the product page writes it now."""
    return render_product_article(annotate_purchase_refusals(product=read_product_page(slug=slug)),
                                  csrf_token=CSRF_TOKEN, next_path=NEXT_PATH)


def with_refusals(product: Product) -> Product:
    """The purchase policy's answers on model instances, as annotate_purchase_refusals set them before."""
    product.controlled_drug_refusal = None
    for pack in product.packs.all():
        try:
            check_pack_purchasable(pack=pack, quantity=1, check_stock=False)
            pack.purchase_refusal = None
        except DomainError as refusal:
            pack.purchase_refusal = refusal
            if isinstance(refusal, ControlledDrugNotSoldOnline):
                product.controlled_drug_refusal = refusal
    return product


def article_before(product: Product) -> str:
    """The article as the templates wrote it before, from the ORM's prefetched instances."""
    product = with_refusals(product)
    return BEFORE.render(Context({"product": product, "packs": product.packs.all(), "leaflet": product.current_leaflet,
                                  "csrf_token": CSRF_TOKEN, "next_path": NEXT_PATH}))


@pytest.fixture
def awkward_products(demo):
    """Shapes the demo catalog (which has prescription-only medicines and controlled drugs of Schedules 3,
    4 and 5) has none of, beside it."""
    odd = ProductFactory(name='Odd & "quoted" <tablets>', slug="odd-tablets", legal_category="pharmacy",
                         description="Takes <care> & 'quotes'.\nSecond line.", leaflet=False)
    odd.categories.add(CategoryFactory(name="Zed & <b>", slug="zed-b"), CategoryFactory(name="Alpha", slug="alpha"))
    limited = PackFactory(product=odd, sku="ODD-1", pack_size=10, max_per_order=3, price_amount=Decimal("1.05"))
    codeine, _ = Ingredient.objects.get_or_create(name="codeine")
    Strength.objects.create(pack=limited, ingredient=codeine, amount=Decimal("8"), unit="mg",
                            per_amount=Decimal("500"), per_unit="mg", position=1)
    PackFactory(product=odd, sku="ODD-2", stock_quantity=0)
    PackFactory(product=odd, sku="ODD-3", is_active=False)
    ProductFactory(name="Empty tablets", slug="empty-tablets")
    layered = ProductFactory(name="Layered capsules", slug="layered-capsules", dosage_form="capsule")
    PackFactory(product=layered, sku="LAY-1", pack_unit="capsules")
    publish_leaflet(layered, marker="Second edition.\n\nWith <two> paragraphs & a line\nbreak.",
                    revised_on=datetime.date(2026, 2, 3))
    create_leaflet_draft(product=layered, revised_on=datetime.date(2026, 4, 1),
                         sections=leaflet_sections(layered.name, "Unpublished draft."))


def test_the_article_is_what_the_templates_wrote_from_the_orm_for_every_product(awkward_products):
    products = list(Product.objects.active().order_by("pk").values_list("pk", "slug"))

    assert len(products) == 13 + 3
    for pk, slug in products:
        assert article(slug) == article_before(orm_product_for_display(slug=slug)), slug
        assert article(slug) == article_before(read_product_for_display(product_id=pk)), slug


@pytest.mark.parametrize("text", [
    "", "One line.", "Two\nlines.", "Para one.\n\nPara two.", "Three\n\n\n\nblank lines", "\nEdges\n\n",
    "Windows\r\nline\r\n\r\nends", "Old Mac\rline\r\rends", "Mixed\r\n\nbreak", "<b> & \"quotes\" 'too'\n\n<i>",
])
def test_a_leaflet_sections_paragraphs_are_what_the_linebreaks_filter_writes(text):
    assert paragraphs(text) == linebreaks_filter(text, autoescape=True)


def test_the_compiled_read_gives_the_api_the_same_json_as_the_orm_for_every_product(awkward_products):
    for pk in Product.objects.active().values_list("pk", flat=True):
        compiled = ProductDetailOutputSerializer(read_product_for_display(product_id=pk)).data
        assert compiled == ProductDetailOutputSerializer(orm_product_for_display(pk=pk)).data, pk


def test_the_compiled_read_shows_the_latest_published_revision_with_its_sections_in_order(awkward_products):
    product = get_product_for_display(slug="layered-capsules")

    leaflet = product.current_leaflet
    assert leaflet.number == 2
    assert [section.key for section in leaflet.sections.all()] == LeafletSectionKey.values
    assert all("Second edition." in section.body for section in leaflet.sections.all())
    assert [pack.sku for pack in product.packs.all()] == ["LAY-1"]


def test_a_published_revision_without_sections_is_still_the_current_leaflet(db):
    product = ProductFactory(leaflet=False)
    empty = create_leaflet_draft(product=product, revised_on=datetime.date(2026, 6, 1))
    LeafletRevision.objects.filter(pk=empty.pk).update(published_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))

    leaflet = read_product_for_display(slug=product.slug).current_leaflet

    assert leaflet.pk == empty.pk and list(leaflet.sections.all()) == []


def test_an_inactive_or_unknown_product_is_not_found(db):
    retired = ProductFactory(is_active=False)

    for lookup in ({"slug": retired.slug}, {"product_id": retired.pk}, {"slug": "no-such"}, {"product_id": 0}):
        with pytest.raises(Product.DoesNotExist):
            read_product_for_display(**lookup)


def test_a_relation_filtered_after_the_read_still_queries_only_this_products_rows(db):
    first, second = PackFactory(sku="FIRST-1"), PackFactory(sku="SECOND-1")

    product = read_product_for_display(slug=first.product.slug)

    assert list(product.packs.filter(is_active=True).values_list("sku", flat=True)) == ["FIRST-1"]
    assert second.product_id != product.pk


# the product with its categories and its current leaflet revision's id, its packs with their strengths,
# the leaflet's sections with the revision
READ_QUERIES = 3


@pytest.mark.parametrize("packs", [1, 10])
def test_the_compiled_read_runs_three_queries_whatever_the_number_of_packs(db, django_assert_num_queries, packs):
    product = ProductFactory(name="Counted tablets")
    product.categories.add(CategoryFactory(name="Zed"), CategoryFactory(name="Alpha"), CategoryFactory(name="Mid"))
    second, _ = Ingredient.objects.get_or_create(name="second")
    for _ in range(packs):
        Strength.objects.create(pack=PackFactory(product=product), ingredient=second, amount=Decimal("5"), unit="mg",
                                position=1)

    with django_assert_num_queries(READ_QUERIES):
        html = article(product.slug)
    with django_assert_num_queries(READ_QUERIES):
        data = ProductDetailOutputSerializer(read_product_for_display(slug=product.slug)).data

    assert html.count('<tr id="pack-') == packs
    assert html.count("10 mg/5 mg") == packs * 3  # each pack's name, in its row and its form's two labels
    assert [html.index(f">{name}</a>") for name in ("Alpha", "Mid", "Zed")] == sorted(
        html.index(f">{name}</a>") for name in ("Alpha", "Mid", "Zed"))
    assert html.count('<h3 id="leaflet-') == 6
    assert [pack["strength"] for pack in data["packs"]] == ["10 mg/5 mg"] * packs
    assert [category["name"] for category in data["categories"]] == ["Alpha", "Mid", "Zed"]
    assert len(data["current_leaflet"]["sections"]) == 6
