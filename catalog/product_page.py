"""The product page's article (catalog.views.ProductPage), written in Python with the markup its templates wrote.

Rendering the article took about as much CPU as reading the product: the templates asked each pack for its
display name up to four times, reversed the list's URL once per category badge, ran `linebreaks` over each
leaflet section, and each value was resolved, localised and escaped by a node of its own; even one template
fed plain dicts cost a third of the article. Here the whole article is f-strings (as the list's cards are,
catalog/product_list_html.py), each value escaped as autoescape would, the leaflet's paragraphs split as
`linebreaks` splits them with the section's text escaped once. The HTML is the same, byte for byte
(tests/catalog/test_product_detail_read.py compares it with what the old templates wrote from the ORM).
A backslash at the end of a line of markup continues it: the line is one.
"""

import re
from html import escape as _escape
from urllib.parse import quote

from django.utils.html import conditional_escape

from pharmacy.templatetags.fixed_urls import fixed_url

from .product_detail import PagePack, PageProduct


def escape(value) -> str:
    """django.utils.html.escape's text (html.escape of str), without its lazy-string wrapper and SafeString:
    what is written here is marked safe once, whole, by the view."""
    return _escape(str(value))


_PACK_ROW = """
        <tr id="pack-{sku}">
          <th scope="row">{name}</th>
          <td data-label="Price">{price}</td>
          <td data-label="Availability">{availability}</td>
          <td data-label="Limit per order">{limit}</td>
          <td>
            {buy}
          </td>
        </tr>
      """

_BUY_FORM = """
              <form method="post" action="{cart_add_url}" class="add-to-cart">
                {csrf_input}
                <input type="hidden" name="pack" value="{pk}">
                <input type="hidden" name="next" value="{next_path}">
                <label for="quantity-{pk}">Quantity<span class="visually-hidden"> of {name}</span></label>
                <input id="quantity-{pk}" type="number" name="quantity" value="1" min="1" max="{max}" required \
inputmode="numeric">
                <button type="submit">Add<span class="visually-hidden"> {name}</span> to cart</button>
              </form>
            """

_NOT_IN_STOCK = """
              <p>Not available to order until it is back in stock.</p>
            """

_PACKS_TABLE = """
    <table class="responsive">
      <caption class="visually-hidden">Packs of {name}</caption>
      <thead>
        <tr><th scope="col">Pack</th><th scope="col">Price</th><th scope="col">Availability</th>\
<th scope="col">Limit per order</th><th scope="col">Buy</th></tr>
      </thead>
      <tbody>
      {rows}
      </tbody>
    </table>
    """

_NO_PACKS = """
      <p>No packs of this medicine are available at the moment.</p>
    """

_PRESCRIPTION_NOTICE = """
    <p class="notice-prescription" id="prescription-notice">This is a prescription-only medicine. You will need \
a valid prescription, which our pharmacist checks before anything is dispensed.
      <a href="{url}">How prescriptions work</a>.</p>
  """

_CONTROLLED_DRUG_NOTICE = """
    <p class="notice-prescription" id="controlled-drug-notice">{name} is a {schedule} controlled drug. We do not \
supply it online; please speak to your GP or a pharmacy in person.</p>
  """

_LEAFLET = """
      <p>Revision {number}. This leaflet was last revised in {revised_on}.
        <a href="{pdf_url}" download>Download the leaflet as a PDF<span class="visually-hidden"> ({name}, \
revision {number})</span></a></p>
      <p>Read all of this leaflet carefully before you start taking this medicine. Keep it; you may need to read \
it again.</p>
      {sections}
    """

_NO_LEAFLET = """
      <p>The patient information leaflet for this medicine is not available yet, so it cannot be ordered.</p>
    """

_LEAFLET_SECTION = """
        <section aria-labelledby="leaflet-{key}">
          <h3 id="leaflet-{key}">{heading}</h3>
          {body}
        </section>
      """

# Two lines hold trailing spaces (where the templates had a comment), so they are written out rather than
# left to an editor that trims them.
_ARTICLE = (
    '\n<article aria-labelledby="product-name">\n  \n'
    '  <h1 id="product-name">{name}</h1>\n'
    "  <p>\n"
    '    <span class="badge{badge_class}">{legal_category}</span>\n'
    "    {controlled_badge}\n"
    "    {category_links}\n"
    "  </p>\n"
    "  {description}\n\n"
    "  {prescription_notice}\n\n"
    "  {controlled_drug_notice}\n\n"
    '  <section aria-labelledby="packs-heading">\n'
    '    <h2 id="packs-heading">Packs and prices</h2>\n'
    "    {packs}\n"
    "  </section>\n\n  \n"
    '  <section aria-labelledby="leaflet-heading" class="leaflet">\n'
    '    <h2 id="leaflet-heading">Patient information leaflet</h2>\n'
    "    {leaflet}\n"
    "  </section>\n\n"
    "</article>\n"
)

# django.utils.text.normalize_newlines's and django.utils.html.linebreaks's patterns.
_NEWLINES = re.compile(r"\r\n|\r")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def paragraphs(text: str) -> str:
    """What the `linebreaks` filter writes for plain `text` (autoescaped): a <p> per run of text between blank
    lines, a <br> per single newline. The text is escaped once, whole, rather than a paragraph at a time:
    escaping adds and removes no newline, so the paragraphs are the same."""
    escaped = _escape(_NEWLINES.sub("\n", text))
    return "\n\n".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in _PARAGRAPH_BREAK.split(escaped))


def _csrf_input(token: str) -> str:
    """What {% csrf_token %} writes for this token."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'


def _pack_row(pack: PagePack, *, cart_add_url: str, csrf_input: str, next_path: str) -> str:
    """One pack's row, after annotate_purchase_refusals."""
    name = escape(pack.display_name)
    in_stock = pack.in_stock
    if pack.purchase_refusal is not None:
        buy = f"\n              <p>{escape(pack.purchase_refusal.message)}</p>\n            "
    elif not in_stock:
        buy = _NOT_IN_STOCK
    else:
        buy = _BUY_FORM.format(cart_add_url=cart_add_url, csrf_input=csrf_input, pk=pack.pk, next_path=next_path,
                               name=name, max=escape(pack.max_per_order or 1000))
    return _PACK_ROW.format(
        sku=escape(pack.sku),
        name=name,
        price=escape(pack.price),
        availability="In stock" if in_stock else "Out of stock",
        limit=f"{pack.max_per_order} per order" if pack.max_per_order else "No limit",
        buy=buy,
    )


def _leaflet_section(key: str, heading: str, body: str) -> str:
    return _LEAFLET_SECTION.format(key=escape(key), heading=escape(heading), body=paragraphs(body))


def _leaflet(product: PageProduct, name: str) -> str:
    leaflet = product.current_leaflet
    if leaflet is None:
        return _NO_LEAFLET
    revised_on = leaflet.revised_on
    return _LEAFLET.format(
        number=leaflet.number,
        revised_on=f"{revised_on.month:02d}/{revised_on.year:04d}",  # the date filter's "m/Y"
        pdf_url=escape(fixed_url("catalog:leaflet-pdf", revision_id=leaflet.id)),
        name=name,
        sections="".join(_leaflet_section(*section) for section in leaflet.sections),
    )


def render_product_article(product: PageProduct, *, csrf_token: str, next_path: str) -> str:
    """The article of `product` as catalog.selectors.get_product_page reads it, after
    annotate_purchase_refusals; its buy forms carry `csrf_token` and `next_path`."""
    name = escape(product.name)
    schedule = escape(product.get_controlled_drug_schedule_display()) if product.is_controlled_drug else ""
    list_url = escape(fixed_url("catalog:product-list"))
    categories = "".join(
        f'<a class="badge" href="{list_url}?category={escape(quote(slug, safe="/"))}">{escape(name)}</a> '
        for slug, name in product.categories
    )
    row_values = {"cart_add_url": escape(fixed_url("cart:add")), "csrf_input": _csrf_input(csrf_token),
                  "next_path": conditional_escape(next_path)}
    rows = "".join(_pack_row(pack, **row_values) for pack in product.packs)
    prescription_required = product.prescription_required
    return _ARTICLE.format(
        name=name,
        badge_class=" badge-prescription" if prescription_required else "",
        legal_category=escape(product.get_legal_category_display()),
        controlled_badge=f'<span class="badge badge-prescription">Controlled drug ({schedule})</span>'
        if product.is_controlled_drug else "",
        category_links=categories,
        description=f"<p>{escape(product.description)}</p>" if product.description else "",
        prescription_notice=_PRESCRIPTION_NOTICE.format(url=escape(fixed_url("catalog:prescriptions-info")))
        if prescription_required else "",
        controlled_drug_notice=_CONTROLLED_DRUG_NOTICE.format(name=name, schedule=schedule)
        if product.controlled_drug_refusal is not None else "",
        packs=_PACKS_TABLE.format(name=name, rows=rows) if rows else _NO_PACKS,
        leaflet=_leaflet(product, name),
    )
