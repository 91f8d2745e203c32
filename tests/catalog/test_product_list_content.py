"""The list's content written in Python (catalog.product_list_html.list_content_html) is what the template
catalog/_product_list_content.html wrote (kept as product_list_content_before.html), byte for byte, for
every kind of list page: the demo catalog searched and filtered, pages past the first, invalid filters, a
"Did you mean ...?", nothing found, names and queries that need escaping, and no categories at all."""

from pathlib import Path

import pytest
from django.http import QueryDict
from django.template import Context, Template

from catalog import views
from catalog.forms import ProductFilterForm
from catalog.models import Category
from catalog.pagination import ProductSearchPaginator
from catalog.product_list_html import category_links_html, filter_fields_html, list_heading, product_grid_html
from catalog.selectors import search_products
from tests.factories import CategoryFactory, PackFactory, ProductFactory, make_products

pytestmark = pytest.mark.django_db

BEFORE = Template((Path(__file__).parent / "product_list_content_before.html").read_text(encoding="utf-8"))


def content_before(query: QueryDict) -> str:
    """The content as the view rendered it through the template before."""
    categories = views._categories()
    form = ProductFilterForm(query, categories=categories)
    filters = form.selector_filters()
    result = search_products(**filters)
    page = ProductSearchPaginator(result.summaries(), views.PRODUCTS_PER_PAGE).get_page(query.get("page"))
    products = list(page.object_list)
    selected = next((c for c in categories if c.slug == filters["category"]), None)
    return BEFORE.render(Context({
        "query": query, "suggestion": result.suggestion(products), "form": form, "categories": categories,
        "page_obj": page, "products": products, "heading": list_heading(filters["search"], selected and selected.name),
        "filter_fields": filter_fields_html(form), "product_grid": product_grid_html(products),
        "category_links": category_links_html(query, categories, filters["category"]),
    }))


QUERIES = [
    "", "page=2", "page=3", "page=99", "page=abc", "page=0", "page=1.5", "q=baclofen", "q=baclofn", "q=baclofen+10mg",
    "q=hay+fever", "q=counted", "q=counted&page=2", "q=counted&page=3", "q=%3Cb%3E%22%27%26amp", "q=%25%25+mg",
    "q=10mg", "q=zzzzzz", "in_stock=on", "in_stock=on&page=2", "in_stock=false", "legal_category=pharmacy",
    "legal_category=general_sale&page=2", "legal_category=bogus", "category=nope", "q=pain&category=nope&in_stock=on",
    "q=" + "x" * 101, "category=counted", "category=counted&page=2&in_stock=on", "category=odd-b&q=odd",
    "q=odd&legal_category=pharmacy", "q=Odd+%26+%22quoted%22", "q=counted001",
]


@pytest.fixture
def catalog(demo):
    """The demo catalog, 45 more products (three pages of a list), and names that need escaping."""
    make_products(45, packs_each=2)
    odd = ProductFactory(name='Odd & "quoted" <tablets>', slug="odd-tablets", legal_category="pharmacy")
    odd.categories.add(CategoryFactory(name="Odd & <b>", slug="odd-b"))
    PackFactory(product=odd, sku="ODD-1", stock_quantity=0)


def test_the_content_is_what_the_template_wrote(catalog):
    for text in QUERIES:  # one catalog for every page: building it is most of the test's time
        query = QueryDict(text)
        assert views._product_list_content(query).html == content_before(query), text


def test_without_categories_the_content_is_what_the_template_wrote(db):
    make_products(3)
    Category.objects.all().delete()

    for query in (QueryDict(""), QueryDict("q=counted")):
        assert views._product_list_content(query).html == content_before(query)
