"""The list's repeated markup written in Python (catalog.product_list_html) is the very markup the templates
write: the filter form's rows as Django renders the form, category links as {% querystring %} writes them,
and product cards pinned for each kind of product."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string

from catalog.forms import ProductFilterForm
from catalog.listing import PackSummary, ProductSummary
from catalog.product_list_html import (
    category_links_html,
    filter_fields_html,
    list_heading,
    list_href,
    product_grid_html,
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
