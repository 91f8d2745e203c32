"""The list's repeated markup written in Python (catalog.product_list_html) is the very markup the templates
write: the filter form's rows as Django renders the form, category links as {% querystring %} writes them,
and product cards pinned for each kind of product."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string

from catalog.forms import ProductFilterForm, search_only_filters
from catalog.listing import PackSummary, ProductSummary
from catalog.product_list_html import (
    category_links_html,
    filter_fields_html,
    list_heading,
    list_href,
    product_grid_html,
    search_filter_fields_html,
)
from catalog.selectors import CategoryChoice

CATEGORIES = [CategoryChoice("pain-relief", "Pain relief"), CategoryChoice("skin", "Skin & <hair>"),
              CategoryChoice("a-b", 'Quote "this"')]

VALID_QUERIES = [
    "",
    "q=baclofen",
    "q=%3Cb%3E%22%27%26amp",
    "q=%20%20",
    "q=10mg&category=skin&legal_category=pharmacy&in_stock=on",
    "category=a-b&in_stock=false",
    "in_stock=0",
    "in_stock=true&legal_category=prescription",
    "legal_category=general_sale&page=3",
]


def form_for(query: str) -> ProductFilterForm:
    form = ProductFilterForm(QueryDict(query), categories=CATEGORIES)
    form.selector_filters()
    return form


@pytest.mark.parametrize("query", VALID_QUERIES)
def test_the_filter_fields_are_the_markup_django_renders_for_the_form(query):
    form = form_for(query)
    assert not form.errors

    written = filter_fields_html(form)

    assert written == render_to_string("catalog/_product_filter_fields.html", {"form": form})


def test_a_form_with_errors_is_rendered_by_django_with_its_messages_and_aria_attributes():
    form = form_for("legal_category=bogus&category=nope")

    written = filter_fields_html(form)

    assert written == render_to_string("catalog/_product_filter_fields.html", {"form": form})
    assert 'aria-invalid="true" aria-describedby="id_legal_category_error"' in written
    assert "nope is not one of the available choices" in written


SEARCH_ONLY_QUERIES = [
    "", "q=", "page=2", "q=baclofen", "q=baclofen&page=3", "q=%3Cb%3E%22%27%26amp", "q=%20%20", "q=%20a%20",
    "q=%C3%A9t%C3%A9", "q=%E2%80%83em%E2%80%83space", "q=" + "x" * 100, "q=" + "x" * 100 + "%20%20",
    "q=%20" + "x" * 100, "q=a%0Ab%09c",
]
FORM_QUERIES = [  # the form decides: a field besides the search, or a search the form refuses
    "q=" + "x" * 101, "q=a%00b", "q=%00", "q=x&category=", "q=x&category=skin", "in_stock=", "in_stock=on",
    "legal_category=bogus", "q=x&other=1",
]


@pytest.mark.parametrize("query", SEARCH_ONLY_QUERIES)
def test_a_search_alone_is_cleaned_and_written_as_the_form_does_without_the_form(query):
    form = form_for(query)
    query_dict = QueryDict(query)

    filters = search_only_filters(query_dict)

    assert not form.errors
    assert filters == form.selector_filters()
    assert search_filter_fields_html(query_dict.get("q"), CATEGORIES) == filter_fields_html(form)


@pytest.mark.parametrize("query", FORM_QUERIES)
def test_any_other_query_is_left_to_the_form(query):
    assert search_only_filters(QueryDict(query)) is None


def test_a_search_alone_is_written_with_the_categories_of_the_moment():
    fewer = CATEGORIES[:1]
    search_filter_fields_html("x", CATEGORIES)  # the other rows, written once for these categories

    written = search_filter_fields_html("x", fewer)

    assert written == filter_fields_html(ProductFilterForm(QueryDict("q=x"), categories=fewer))
    assert "Skin" not in written


QUERYSTRING_CASES = [
    ("", {"category": None, "page": None}),
    ("", {"category": "skin", "page": None}),
    ("category=skin", {"category": None, "page": None}),  # nothing left: "?", as the tag writes it
    ("q=a%26b&category=skin&page=2", {"category": "pain-relief", "page": None}),
    ("q=%C3%BF+x&in_stock=on&page=2", {"category": "a-b", "page": None}),
    ("q=hay&page=2", {"page": 3}),
    ("q=hay&page=2", {"q": "hey", "page": None}),
]


@pytest.mark.parametrize(("query", "changes"), QUERYSTRING_CASES)
def test_a_list_link_is_what_the_querystring_tag_writes(query, changes):
    arguments = " ".join(f"{name}=changes.{name}" for name in changes)
    tag = Template("{% querystring query " + arguments + " %}")
    query_dict = QueryDict(query)

    written = list_href(query_dict, **changes)

    assert written == tag.render(Context({"query": query_dict, "changes": changes}, autoescape=False))


def test_category_links_mark_the_selected_category_and_escape_names():
    links = category_links_html(QueryDict("q=x&category=skin&page=2"), CATEGORIES, "skin")

    assert links.startswith('<li><a href="?q=x">All categories</a></li>\n    \n      <li>')
    assert '<li><a href="?q=x&amp;category=skin" aria-current="true">Skin &amp; &lt;hair&gt;</a></li>' in links
    assert '<li><a href="?q=x&amp;category=a-b">Quote &quot;this&quot;</a></li>\n    ' in links


def summary(**overrides) -> ProductSummary:
    values = {"id": 7, "name": "Diazepam <5> tablets", "slug": "diazepam-tablets", "legal_category": "prescription",
              "controlled_drug_schedule": 4, "dosage_form": "tablet", "route": "oral", "atc_code": "",
              "url": "/medicines/diazepam-tablets/"}
    return ProductSummary(**{**values, **overrides})


CONTROLLED_CARD_WITHOUT_PACKS = """<ul class="product-grid">
      <li><article class="product-card" aria-labelledby="product-7-name">
  <h3 id="product-7-name"><a href="/medicines/diazepam-tablets/">Diazepam &lt;5&gt; tablets</a></h3>
  <p>
    <span class="badge badge-prescription">Prescription only</span>
    <span class="badge badge-prescription">Controlled drug (Schedule 4)</span>
  </p>
  
    
      <p>No packs available at the moment.</p>
    
  
</article>
</li>
    </ul>
"""


def test_a_controlled_drug_card_without_packs_says_so():
    assert product_grid_html([summary()]) == CONTROLLED_CARD_WITHOUT_PACKS


def test_a_pharmacy_card_lists_each_pack_with_its_stock():
    packs = [PackSummary(id=index, product_id=7, sku=f"S{index}", gtin=None, pzn=None, pack_size=16,
                         pack_unit="tablets", price_amount=Decimal("1.50"), currency="GBP", max_per_order=None,
                         stock_available=stock, display_name=f"Pack {index} & co") for index, stock in ((1, 3), (2, 0))]
    product = summary(legal_category="pharmacy", controlled_drug_schedule=None, packs=packs)

    grid = product_grid_html([product])

    assert ('<span class="badge">Pharmacy only (P)</span>\n    \n  </p>\n  \n    \n      <ul class="pack-summary">\n'
            "        \n          <li>Pack 1 &amp; co: <strong>£1.50</strong>,\n"
            '            <span class="stock stock-in">in stock</span></li>\n        \n'
            "          <li>Pack 2 &amp; co: <strong>£1.50</strong>,\n"
            '            <span class="stock stock-out">out of stock</span></li>\n        \n      </ul>\n    \n  \n'
            "</article>\n</li>\n    </ul>\n") in grid


@pytest.mark.parametrize(("search", "category", "heading"), [
    ("", None, "Medicines"),
    ("", "Skin & <hair>", "Skin &amp; &lt;hair&gt; medicines"),
    ('a&b "c"', None, "Search results for “a&amp;b &quot;c&quot;”"),
    ("ibu", "Pain relief", "Search results for “ibu” in Pain relief"),
])
def test_the_heading_names_the_search_and_the_category_escaped(search, category, heading):
    assert list_heading(search, category) == heading
