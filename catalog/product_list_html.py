"""The storefront list's heading and repeated markup, written in Python rather than by the template engine.

A page of the list repeats three things: a product card (with a line per pack), a category link, and the
filter form's widgets (a select with an option per category). Through templates each repetition costs a
loop iteration, variable lookups and, for the widgets, a template render per option; for a page of 20
products that was most of the page's rendering time. Here each is one f-string with its values escaped
(as autoescape does), written to be the very bytes the templates wrote, blank lines and all:
tests/catalog/test_product_list_html.py compares them with the template that still writes the form when it
has errors (catalog/_product_filter_fields.html), with the querystring tag, and with pinned cards. The page
around them (list_content_html) was a template too, catalog/_product_list_content.html, whose render cost
about a tenth of an uncached list page's CPU; tests/catalog/test_product_list_content.py compares it with that
template (kept as tests/catalog/product_list_content_before.html) for every kind of page.
"""

import functools
from collections.abc import Iterable
from html import escape as _escape
from urllib.parse import quote_plus

from django.forms import Field, Form
from django.forms.widgets import CheckboxInput
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pharmacy.templatetags.fixed_urls import fixed_url

from .forms import ProductFilterForm
from .listing import ProductSummary


def escape(value) -> str:
    """django.utils.html.escape's text (html.escape of str), without its lazy-string wrapper and SafeString:
    the strings built here are marked safe once, whole."""
    return _escape(str(value))


_IN_STOCK = '<span class="stock stock-in">in stock</span>'
_OUT_OF_STOCK = '<span class="stock stock-out">out of stock</span>'
_NO_PACKS = "\n      <p>No packs available at the moment.</p>\n    "


def _card(product: ProductSummary) -> str:
    pk = product.pk
    if product.prescription_required:
        badge = '<span class="badge badge-prescription">Prescription only</span>'
    else:
        badge = f'<span class="badge">{escape(product.get_legal_category_display())}</span>'
    controlled = ""
    if product.is_controlled_drug:
        schedule = escape(product.get_controlled_drug_schedule_display())
        controlled = f'<span class="badge badge-prescription">Controlled drug ({schedule})</span>'
    if product.packs:
        lines = "".join(
            f"\n          <li>{escape(pack.display_name)}: <strong>{escape(pack.price)}</strong>,"
            f"\n            {_IN_STOCK if pack.in_stock else _OUT_OF_STOCK}</li>\n        "
            for pack in product.packs
        )
        packs = f'\n      <ul class="pack-summary">\n        {lines}\n      </ul>\n    '
    else:
        packs = _NO_PACKS
    return (
        f'<li><article class="product-card" aria-labelledby="product-{pk}-name">\n'
        f'  <h3 id="product-{pk}-name"><a href="{escape(product.get_absolute_url())}">{escape(product.name)}</a></h3>\n'
        f"  <p>\n    {badge}\n    {controlled}\n  </p>\n"
        f"  \n    {packs}\n  \n</article>\n</li>"
    )


def list_heading(search: str, category_name: str | None) -> SafeString:
    """The list's h1, and its title: what was searched for, in which category."""
    if search:
        heading = f"Search results for “{escape(search)}”"
        return mark_safe(f"{heading} in {escape(category_name)}" if category_name else heading)
    return mark_safe(f"{escape(category_name)} medicines" if category_name else "Medicines")


def product_grid_html(products: Iterable[ProductSummary]) -> SafeString:
    """The grid of product cards, for the list and the home page."""
    cards = "".join(_card(product) for product in products)
    return mark_safe(f'<ul class="product-grid">\n      {cards}\n    </ul>\n')  # every value escaped in _card


def list_href(query: QueryDict, **changes: str | None) -> str:
    """What `{% querystring query name=value ... %}` writes, unescaped: `query` (one value a name, as
    catalog.views reads it) with each name set to its value (kept in place, else added last) or, for None,
    left out."""
    pairs = {name: query[name] for name in query}
    for name, value in changes.items():
        if value is None:
            pairs.pop(name, None)
        else:
            pairs[name] = value
    if not pairs and not query:
        return ""
    return "?" + "&".join(f"{_encoded(name)}={_encoded(value)}" for name, value in pairs.items())


def _encoded(value) -> str:
    # QueryDict.urlencode's encoding of one name or value (urllib's urlencode of its UTF-8 bytes).
    return quote_plus(str(value).encode())


def category_links_html(query: QueryDict, categories: Iterable, selected: str) -> SafeString:
    """The category list's items: every category (and "All categories") linked with the list's other
    filters, the selected one marked as current."""
    current = ' aria-current="true"'
    links = [f'<li><a href="{escape(list_href(query, category=None, page=None))}"'
             f'{"" if selected else current}>All categories</a></li>\n    ']
    # Every link is the list's other filters with the category in one place (its own, else last): encoded once.
    others = [f"{_encoded(name)}={_encoded(query[name])}" if name != "category" else None
              for name in query if name != "page"]
    if None not in others:
        others.append(None)
    place = others.index(None)
    before = escape("?" + "".join(f"{pair}&" for pair in others[:place]) + "category=")
    after = escape("".join(f"&{pair}" for pair in others[place + 1:]))
    links.extend(
        f'\n      <li><a href="{before}{escape(_encoded(category.slug))}{after}"'
        f'{current if selected == category.slug else ""}>{escape(category.name)}</a></li>\n    '
        for category in categories
    )
    return mark_safe("".join(links))


def _options(choices, selected: list[str]) -> str:
    chosen = False
    options = []
    for value, label in choices:
        mark = ""
        if not chosen and str(value) in selected:
            mark, chosen = " selected", True
        options.append(f'\n  <option value="{escape(value)}"{mark}>{escape(label)}</option>\n')
    return "".join(options)


def _widget(field: Field, name: str, value, widget_id: str) -> str:
    widget = field.widget
    if isinstance(widget, CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        return f'<input type="checkbox" name="{name}" id="{widget_id}"{checked}>'
    if hasattr(widget, "choices"):
        options = _options(field.choices, widget.format_value(value))
        return f'<select name="{name}" id="{widget_id}">{options}\n</select>'
    shown = widget.format_value(value)
    value_attribute = "" if shown is None else f' value="{escape(shown)}"'
    attributes = "".join(f' {key}="{escape(attribute)}"' for key, attribute in widget.attrs.items())
    return f'<input type="{widget.input_type}" name="{name}"{value_attribute}{attributes} id="{widget_id}">'


def _row(field: Field, name: str, value, widget_id: str) -> str:
    """One field's row, its widget showing `value` (as the widget read it from the form's data)."""
    label = escape(field.label)
    widget = _widget(field, name, value, widget_id)
    if isinstance(field.widget, CheckboxInput):
        row = (f'\n        <div class="form-row form-row-checkbox">\n          {widget} '
               f'<label for="{widget_id}">{label}</label>\n          \n        </div>\n      ')
    else:
        row = (f'\n        <div class="form-row">\n          <label for="{widget_id}">{label}</label>\n'
               f"          {widget}\n          \n        </div>\n      ")
    return f"\n      {row}\n    "


def _rows(form: Form, names: Iterable[str]) -> str:
    rows = []
    for name in names:
        field, key = form.fields[name], form.add_prefix(name)
        rows.append(_row(field, name, field.widget.value_from_datadict(form.data, form.files, key), f"id_{key}"))
    return "".join(rows)


def filter_fields_html(form: Form) -> SafeString:
    """The filter form's rows, as catalog/_product_filter_fields.html writes them. A form with errors is
    rendered by that template: its widgets then carry the errors' ARIA attributes and messages."""
    if form.errors:
        return render_to_string("catalog/_product_filter_fields.html", {"form": form})
    return mark_safe(_rows(form, form.fields))


def search_filter_fields_html(search: str, categories: Iterable) -> SafeString:
    """filter_fields_html of a ProductFilterForm bound to {"q": search} alone, which is valid (see
    catalog.forms.search_only_filters), without building the form: the search's row, then the other
    fields' rows, empty, which depend only on the categories and are written once for them."""
    field = ProductFilterForm.base_fields["q"]
    return mark_safe(_row(field, "q", search, "id_q") + _empty_rows_after_search(tuple(categories)))


@functools.lru_cache(maxsize=16)  # a few lists of categories at most: the current one, and the one before an edit
def _empty_rows_after_search(categories: tuple) -> str:
    form = ProductFilterForm(QueryDict(), categories=categories)
    return _rows(form, [name for name in form.fields if name != "q"])

def _results(query: QueryDict, page, product_grid: str, list_url: str) -> str:
    if not page.object_list:
        return ('\n    <p role="status" class="no-results">No medicines match your search. Try another name or '
                f'ingredient, or <a href="{list_url}">clear the filters</a>.</p>\n  ')
    count, pages = page.paginator.count, page.paginator.num_pages
    where = f", page {page.number} of {pages}" if pages > 1 else ""
    return (f'\n    <p role="status">{count} medicine{"" if count == 1 else "s"} found{where}.</p>\n'
            f"    {product_grid}\n  ")


def _pagination(query: QueryDict, page) -> str:
    if not page.has_other_pages():
        return ""
    previous = next_page = ""
    if page.has_previous():
        href = escape(list_href(query, page=page.previous_page_number()))
        previous = f'<li><a href="{href}" rel="prev">Previous page</a></li>'
    if page.has_next():
        href = escape(list_href(query, page=page.next_page_number()))
        next_page = f'<li><a href="{href}" rel="next">Next page</a></li>'
    return (f'\n<nav aria-label="Pages" class="pagination">\n  <ul>\n    {previous}\n'
            f'    <li aria-current="page">Page {page.number} of {page.paginator.num_pages}</li>\n'
            f"    {next_page}\n  </ul>\n</nav>\n")


def list_content_html(*, query: QueryDict, heading: str, form_has_errors: bool, filter_fields: str,
                      category_links: str | None, suggestion: str | None, page, product_grid: str) -> SafeString:
    """The list's content as catalog/_product_list_content.html wrote it: the heading, the filter form, the
    category links (None: no categories), a "Did you mean ...?" link, the results (`page`, a Page of
    products, whose grid is `product_grid`) and the pagination. `heading`, `filter_fields`, `category_links`
    and `product_grid` are markup written above; the rest is escaped here."""
    list_url = escape(fixed_url("catalog:product-list"))
    errors = ('\n    <p class="message message-error" role="alert">Some filters were not valid and were left out. '
              "Please check them below.</p>\n  ") if form_has_errors else ""
    categories = ""
    if category_links is not None:
        categories = ('\n<nav aria-label="Categories" class="category-filter">\n  <ul class="category-list">\n'
                      f"    {category_links}\n  </ul>\n</nav>\n")
    did_you_mean = ""
    if suggestion:
        href = escape(list_href(query, q=suggestion, page=None))
        did_you_mean = (f'\n    <p class="did-you-mean" role="status">Did you mean <a href="{href}">'
                        f"{escape(suggestion)}</a>?</p>\n  ")
    return mark_safe(  # what is not markup written above is escaped
        f"\n<h1>{heading}</h1>\n\n"
        f'<form class="filter-form" method="get" action="{list_url}" aria-labelledby="filter-heading">\n'
        '  <h2 id="filter-heading" class="visually-hidden">Search and filter</h2>\n'
        f'  {errors}\n  <div class="filter-fields">\n    {filter_fields}\n  </div>\n'
        f'  <button type="submit">Show medicines</button>\n  <a href="{list_url}">Clear filters</a>\n</form>\n\n'
        f"{categories}\n\n"
        '<section aria-labelledby="results-heading">\n  <h2 id="results-heading" class="visually-hidden">Results</h2>\n'
        f"  {did_you_mean}\n  {_results(query, page, product_grid, list_url)}\n</section>\n\n"
        f"{_pagination(query, page)}\n"
    )
